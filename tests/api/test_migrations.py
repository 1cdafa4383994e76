"""The migrations build exactly the tables the models describe, on both databases: a column
added to a model without a migration (or the other way round) fails here, not in production."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from scheduler.extensions import db


def test_the_migrations_build_what_the_models_describe(database_url):
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    finally:
        engine.dispose()
    assert differences == []
