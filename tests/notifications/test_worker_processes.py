"""Several worker processes against one PostgreSQL outbox: every message sent exactly once,
and a worker killed mid-batch loses nothing (its claims come back when its lease runs out)."""
from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from notifications.models import Notification
from scheduler.extensions import db
from tests.factories import add_due_reminders, api_as, make_patient, set_up_clinic

DUE = 1000
# Short, so the test need not wait out production's two minutes for a dead worker's claims, but
# longer than one send can take on a loaded machine: a healthy worker slower than its own lease
# would (rightly) lose the message to another and send it twice (seen with 3 s in a slow run).
SHORT_LEASE = timedelta(seconds=10)
IDLE_ROUNDS = int(SHORT_LEASE.total_seconds()) + 2  # a worker waits out others' leases before leaving


class RecordingChannel:
    """Appends each message's notification id to a file, one line per real send."""

    def __init__(self, path: str, hang_on: int | None = None):
        self.path, self.hang_on = path, hang_on

    def send(self, message):
        from notifications.channels import Delivery

        if message.notification_id == self.hang_on:
            Path(self.path + ".hanging").touch()  # the test kills us only once we are here
            time.sleep(3600)  # stands for a worker stuck mid-batch, until it is killed
        with open(self.path, "a") as out:
            out.write(f"{message.notification_id}\n")
        return Delivery(f"rec-{message.notification_id}-{os.getpid()}")


def work_until_empty(database_url: str, sends_file: str, hang_on: int | None = None) -> None:
    """A worker process: its own app and connections, claiming until nothing is due."""
    from config import TestingConfig
    from notifications.worker import run_once
    from scheduler import create_app

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, LOG_LEVEL="WARNING")
    channel = RecordingChannel(sends_file, hang_on)
    with app.app_context():
        idle_rounds = 0
        while idle_rounds < IDLE_ROUNDS:  # nothing due may only mean claims whose lease runs on
            outcomes = run_once(f"w{os.getpid()}", {"sms": channel, "email": channel},
                                batch=25, lease=SHORT_LEASE)
            idle_rounds = 0 if outcomes else idle_rounds + 1
            if not outcomes:
                time.sleep(1)


def fill_outbox(app) -> list[int]:
    """One real patient and session, and DUE reminders about it, all due now."""
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    admin.put("/clinic", json={"quiet_hours": None})  # the real clock may be anywhere in the day
    patient = make_patient(desk)
    now = datetime.now(timezone.utc)
    booked = desk.post("/appointments", json={
        "patient_id": patient, "treatment_type_id": clinic.treatment,
        "start": _next_bookable(desk, clinic.treatment, now + timedelta(days=2))})
    assert booked.status_code == 201, booked.json
    return add_due_reminders(app, booked.json, DUE, now)


def _next_bookable(desk, treatment, after: datetime) -> str:
    slots = desk.get("/availability", query_string={
        "treatment_type_id": treatment, "start": after.isoformat(),
        "end": (after + timedelta(days=7)).isoformat()}).json
    return slots[0]["start"]


@pytest.fixture
def real_time_app(pg_app, clock):
    pg_app.config["CLOCK"] = lambda: datetime.now(timezone.utc)  # the workers run on real time
    return pg_app


def spawn(*args) -> multiprocessing.Process:
    process = multiprocessing.get_context("spawn").Process(target=work_until_empty, args=args)
    process.start()
    return process


def test_three_workers_send_a_thousand_due_reminders_exactly_once(real_time_app, postgres_url, tmp_path):
    ids = fill_outbox(real_time_app)
    sends = tmp_path / "sends.txt"
    workers = [spawn(postgres_url, str(sends)) for _ in range(3)]
    for worker in workers:
        worker.join(timeout=240)
        assert worker.exitcode == 0
    counts = Counter(int(line) for line in sends.read_text().split())
    assert set(ids) <= set(counts)  # (the booking's own confirmations went out too)
    assert max(counts.values()) == 1  # none twice
    with real_time_app.app_context():
        statuses = dict(db.session.execute(select(Notification.status, func.count())
                                           .where(Notification.id.in_(ids))
                                           .group_by(Notification.status)).all())
    assert statuses == {"sent": DUE}


def test_a_worker_killed_mid_batch_loses_nothing(real_time_app, postgres_url, tmp_path):
    ids = fill_outbox(real_time_app)
    sends = tmp_path / "sends.txt"
    stuck = spawn(postgres_url, str(sends), ids[10])  # hangs on a message early in its batch
    # Killed once it hangs, not as soon as it has sent a few: a kill between a send and its
    # record would rightly send that one again (see below), which is not what this test is about.
    hanging = Path(f"{sends}.hanging")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not hanging.exists():
        time.sleep(0.1)
    assert hanging.exists(), "the worker never reached the message it hangs on"
    # Its batch's other sends were out at the same time: wait until they are recorded, so
    # that the kill leaves only the hung one in flight.
    while time.monotonic() < deadline and _claimed_now(real_time_app) > 1:
        time.sleep(0.1)
    os.kill(stuck.pid, signal.SIGKILL)
    stuck.join()
    healthy = [spawn(postgres_url, str(sends)) for _ in range(2)]
    for worker in healthy:
        worker.join(timeout=240)
        assert worker.exitcode == 0
    counts = Counter(int(line) for line in _lines(sends))
    assert set(ids) <= set(counts)  # none lost, the stuck one included
    # The message in flight when the worker died never reached the provider here (it hung
    # before sending), so nothing was sent twice; a worker killed *after* the provider took a
    # message but before recording it would resend that one message once its lease ran out.
    assert max(counts.values()) == 1


def _claimed_now(app) -> int:
    with app.app_context():
        claimed = db.session.scalar(select(func.count()).where(Notification.claimed_by.is_not(None),
                                                                 Notification.status == "pending"))
        db.session.rollback()
        return claimed


def _lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []
