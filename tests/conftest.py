"""Test fixtures: a real database per run (SQLite and PostgreSQL), a fresh app per test.

Every test that asks for `app` runs once on SQLite and once on PostgreSQL. The schema is built
by the Alembic migrations, as in production; each test starts from empty tables.
PostgreSQL must be reachable (TEST_POSTGRES_URL, default the local server): if it is not, the
tests fail rather than skip.
"""
from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestingConfig
from scheduler import create_app
from scheduler.extensions import db

from .clock import FrozenClock

ADMIN_POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
# A Monday in June, clear of DST changes; tests that need another time set the clock.
DEFAULT_NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


def _migrate(url: str) -> None:
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    _migrate(url)
    return url


@pytest.fixture(scope="session")
def postgres_url():
    """A database of its own for this test run, dropped at the end."""
    name = f"clinic_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(ADMIN_POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as error:
        pytest.fail(f"PostgreSQL is not reachable at {ADMIN_POSTGRES_URL}: {error}", pytrace=False)
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    _migrate(url)
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request):
    return request.getfixturevalue(f"{request.param}_url" if request.param == "sqlite" else "postgres_url")


@pytest.fixture
def clock():
    return FrozenClock(DEFAULT_NOW)


def _make_app(url, clock, **overrides):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, CLOCK=clock, **overrides)
    yield app
    with app.app_context():
        _empty_tables()
        db.engine.dispose()


@pytest.fixture
def app(database_url, clock):
    yield from _make_app(database_url, clock)


@pytest.fixture
def pg_app(postgres_url, clock):
    """For what only PostgreSQL can show, e.g. concurrent transactions on separate connections."""
    yield from _make_app(postgres_url, clock)


@pytest.fixture
def client(app):
    return app.test_client()


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(sa.text(f"DELETE FROM {table}"))
    db.session.commit()
