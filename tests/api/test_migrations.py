"""The migrations build exactly the tables the models describe, on both databases: a column
added to a model without a migration (or the other way round) fails here, not in production."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from config import TestingConfig
from scheduler import create_app
from scheduler.extensions import db


def test_the_migrations_build_what_the_models_describe(database_url):
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_a_clinic_set_up_before_calendar_domains_keeps_the_uids_its_invitations_went_out_with(tmp_path):
    """Invitations sent before 0007 were named after PUBLIC_BASE_URL's host: the clinic keeps that
    name, so they can still be moved and cancelled."""
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.sqlite3'}",
                     PUBLIC_BASE_URL="https://clinic.example.org")
    with app.app_context():
        upgrade(revision="0006")
        db.session.execute(sa.text("INSERT INTO clinic (id, name, timezone, opening_hours, closed_dates, "
                                   "slot_step_minutes, reminder_rules, checkin_rules, alert_score_at_or_below, "
                                   "escalation_minutes, crisis_text) VALUES (1, 'Old', 'America/New_York', "
                                   "'{}', '[]', 15, '[]', '[]', 3, 60, '')"))
        db.session.commit()
        upgrade(revision="0007")
        assert db.session.scalar(sa.text("SELECT calendar_domain FROM clinic")) == "clinic.example.org"
        db.engine.dispose()
