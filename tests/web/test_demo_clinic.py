"""The demo clinic `python3 dev.py run` seeds: its staff passwords last from one start to the
next, a second start changes nothing, and every page of each role has something on it."""
from __future__ import annotations

import json
import re
import stat
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from notifications.models import Alert, InboundMessage, Notification, Questionnaire
from scheduler.extensions import db
from scheduler.models import Appointment, AuditEvent, Patient, StaffUser
from scheduler.models.staff import ROLES
from scheduler.services.staff import sign_in
from scheduler.web.pages import menu_for

from .pages import pages_as, text_of

# What a page says when it has nothing to show; none may appear on the demo's pages. (A chair
# left free today says "No sessions today" on a page that has others' sessions: not empty.)
EMPTY = ("No patients yet", "No one here", "No one is due for maintenance", "No open alerts",
         "Nothing to read", "Nothing to follow up", "No monitoring forms to file",
         "No messages yet", "No replies received", "No check-ins yet", "No sessions booked yet",
         "No chairs", "No treatment types yet", "No clinicians yet", "No check-ins have been sent",
         "No questionnaire answered yet", "No session checked in or completed yet", "0 sessions booked")
ACCOUNT_LINE = re.compile(r"^\s+(\w+)\s+(\S+@demo\.clinic)\s+password: (\S+)$", re.M)
TABLES = (Patient, Appointment, Notification, Alert, InboundMessage, Questionnaire, AuditEvent, StaffUser)


def start_the_demo(app) -> dict[str, str]:
    """`flask seed-demo`, as `dev.py run` calls it at each start: {email: password} printed."""
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return {email: password for _role, email, password in ACCOUNT_LINE.findall(result.output)}


@pytest.fixture
def demo_app(app, tmp_path):
    app.config["DEMO_ACCOUNTS_PATH"] = str(tmp_path / "demo-accounts.json")
    return app


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {table.__name__: db.session.scalar(select(func.count()).select_from(table)) for table in TABLES}


@pytest.mark.parametrize("local_time", [
    "2026-06-01 08:00",  # a Monday as the clinic opens (the default clock)
    "2026-06-01 06:00",  # before opening: today's patients checked in early
    "2026-06-06 23:30",  # Saturday night, after the half day
    "2026-06-07 03:00",  # Sunday, closed: no one in a chair today
])
def test_a_second_start_keeps_the_passwords_and_changes_nothing(demo_app, tmp_path, clock, local_time):
    clock.set(datetime.fromisoformat(local_time).replace(tzinfo=ZoneInfo("America/New_York")))
    first = start_the_demo(demo_app)
    assert set(first) == {"admin@demo.clinic", "frontdesk@demo.clinic", "monitoring@demo.clinic"}
    saved = tmp_path / "demo-accounts.json"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert json.loads(saved.read_text()) == first
    before = counts(demo_app)
    assert start_the_demo(demo_app) == first
    assert counts(demo_app) == before
    with demo_app.app_context():
        assert sign_in("frontdesk@demo.clinic", first["frontdesk@demo.clinic"]).role == "front_desk"


def test_a_demo_whose_password_file_was_lost_gets_new_passwords_that_work(demo_app, tmp_path):
    first = start_the_demo(demo_app)
    (tmp_path / "demo-accounts.json").unlink()
    second = start_the_demo(demo_app)
    assert second["admin@demo.clinic"] != first["admin@demo.clinic"]
    with demo_app.app_context():
        assert sign_in("admin@demo.clinic", second["admin@demo.clinic"]).role == "admin"


def test_the_demo_seeds_a_day_with_something_on_every_page(demo_app):
    start_the_demo(demo_app)
    with demo_app.app_context():
        alerts = db.session.scalars(select(Alert).where(Alert.status == "open")).all()
        assert alerts and all(alert.escalated_at is not None for alert in alerts)  # on-call was told
        assert db.session.scalar(select(func.count()).select_from(Notification)
                                 .where(Notification.status == "failed")) == 1
        assert {q.instrument for q in db.session.scalars(select(Questionnaire)
                                                         .where(Questionnaire.total.is_not(None)))} == {"phq9", "gad7"}
        statuses = set(db.session.scalars(select(Appointment.status)))
        assert {"completed", "checked_in", "scheduled"} <= statuses
        followed = db.session.scalar(select(Patient.id).where(Patient.last_name == "Ellis"))
    for role in ROLES:
        pages = pages_as(demo_app, role)
        with demo_app.app_context():
            menu = [endpoint for endpoint, _label in menu_for(role)]
        paths = [_path_of(demo_app, endpoint) for endpoint in menu] + [f"/patients/{followed}"]
        if role != "front_desk":
            paths.append(f"/monitoring/patients/{followed}/check-ins")
        for path in paths:
            response = pages.get(path)
            assert response.status_code == 200, (role, path)
            empty = [words for words in EMPTY if words in text_of(response)]
            assert empty == [], (role, path, empty)
            if path == "/monitoring/today":
                assert "in observation" in text_of(response) and "checked in" in text_of(response)


def _path_of(app, endpoint: str) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint)
