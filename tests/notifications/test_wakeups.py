"""On PostgreSQL a message due the moment it is written (a booking's confirmation) wakes an idle
worker through LISTEN/NOTIFY, instead of waiting for its next poll; the listener outlives a lost
connection; and a wake-up sends nothing twice."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from bench.fault_workers import ScenarioClock, Workers, provider_settings, tally, wait_until
from notifications.services import wakeups
from scheduler.extensions import db
from tests.conftest import _make_app
from tests.factories import api_as, make_patient, set_up_clinic

NOW = datetime(2026, 6, 1, 14, 0, tzinfo=timezone.utc)  # Monday 10:00 in New York
SESSION_START = "2026-06-03T10:00:00-04:00"
POLL_SECONDS = 300  # so long that only a wake-up can explain a prompt send
# Seconds: a tenth of the poll, so only a wake-up explains a send this soon, yet room for a
# worker process on a loaded CI machine (its first send imports twilio's API). Typically 0.35 s.
PROMPT = 30.0


@pytest.fixture
def real_time_app(postgres_url, twilio):
    yield from _make_app(postgres_url, ScenarioClock(NOW), **provider_settings(twilio))


def test_a_confirmation_booked_now_wakes_a_worker_that_polls_every_five_minutes(real_time_app, twilio,
                                                                                 tmp_path):
    app = real_time_app
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    admin.put("/clinic", json={"quiet_hours": None})
    patient = make_patient(desk)
    with Workers(app.config["SQLALCHEMY_DATABASE_URI"], provider_settings(twilio), app.config["CLOCK"],
                 tmp_path, poll_seconds=POLL_SECONDS) as workers:
        workers.start(1)
        assert wait_until(lambda: workers.log_lines("listening for due notifications") == 1, 60, every=0.1)
        time.sleep(1)  # its first look at the outbox, on connecting, is over: it is idle now
        booked_at = time.monotonic()
        booked = desk.post("/appointments", json={"patient_id": patient, "treatment_type_id": clinic.treatment,
                                                  "start": SESSION_START})
        assert booked.status_code == 201, booked.json
        assert wait_until(lambda: twilio.accepted, PROMPT, every=0.02), "the worker waited for its poll"
        woken_after = time.monotonic() - booked_at
        time.sleep(1)  # time enough for a second send, if there were to be one
        result = tally(app, twilio)
    assert woken_after < PROMPT
    assert len(twilio.accepted) == 1
    assert result.duplicates == 0 and result.recorded_sent == 1


@pytest.fixture
def rings(pg_app):
    """A listener thread like a worker's, counting its wake-ups; stopped after the test."""
    rings, stopping = Rings(), threading.Event()
    listener = wakeups.listen_in_background(pg_app.config["SQLALCHEMY_DATABASE_URI"], rings, stopping)
    assert rings.wait_past(0, 10)  # connected: it looks once for what came due meanwhile
    yield rings
    stopping.set()
    listener.join(timeout=10)
    assert not listener.is_alive()


def due_now_committed(app, rows_due_in: list[timedelta], commit: bool = True) -> None:
    """Writing rows due after the given delays (0: now), as the outbox announces them."""
    with app.app_context():
        now = datetime.now(timezone.utc)
        wakeups.announce([{"status": "pending", "due_at": now + delay} for delay in rows_due_in], now)
        if commit:
            db.session.commit()
        else:
            db.session.rollback()


def test_the_listener_listens_again_after_its_connection_is_cut(pg_app, rings):
    with pg_app.app_context():
        cut = db.session.scalar(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = 'notifications-wakeups' AND datname = current_database()"))
        db.session.commit()
    assert cut == 1
    assert rings.wait_past(1, 10)  # connected again
    before = rings.count
    due_now_committed(pg_app, [timedelta(0)])
    assert rings.wait_past(before, 5), "the NOTIFY after the reconnection was not heard"


def test_only_a_row_due_now_and_committed_wakes_the_workers(pg_app, rings):
    due_now_committed(pg_app, [timedelta(hours=1)])  # a reminder for later
    due_now_committed(pg_app, [timedelta(0)], commit=False)  # a booking rolled back
    with pg_app.app_context():
        now = datetime.now(timezone.utc)
        wakeups.announce([{"status": "skipped", "due_at": now}], now)  # planned already pointless
        db.session.commit()
    assert not rings.wait_past(1, 2)
    due_now_committed(pg_app, [timedelta(hours=1), timedelta(0)])
    assert rings.wait_past(1, 5)


def test_a_wake_up_during_a_run_makes_the_job_go_round_once_more():
    runs, woken = [], []
    alarm = wakeups.Alarm(lambda: woken.append(True))

    def job():
        runs.append(len(runs))
        if len(runs) == 1:
            alarm.ring()  # a row committed while the first run had claimed its batch

    alarm.around(job)()
    assert runs == [0, 1] and woken == []  # no second run asked of APScheduler while one runs
    alarm.ring()
    assert woken == [True]


class Rings:
    """Counts the listener's wake-ups."""

    def __init__(self):
        self.count = 0
        self._changed = threading.Condition()

    def __call__(self) -> None:
        with self._changed:
            self.count += 1
            self._changed.notify_all()

    def wait_past(self, count: int, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.count > count, timeout)
