"""What the fault scenarios share: the clock, real worker processes, a full outbox, and the tally
of what went out (the outbox as the database has it, against what the stand-ins received).

Used by `bench/faults.py` and by the short versions in `tests/faults/`.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from config import TestingConfig
from notifications.models import Notification
from scheduler import clock as service_clock
from scheduler import create_app
from scheduler.extensions import db
from tests.factories import add_due_reminders, api_as, make_patient, set_up_clinic

SENDER_NUMBER = "+15005550006"  # Twilio's magic test sender
CLINIC_EMAIL = "Bench Clinic <bookings@bench.clinic>"


@dataclass(frozen=True)
class ScenarioClock:
    """The service's clock in a scenario: `began_at` at wall time `wall_start`, then running on
    `pace` times as fast as the real one. The same in every process, so the workers and the
    scenario agree on what is due; the worker processes get it pickled."""

    began_at: datetime
    wall_start: float = field(default_factory=time.time)
    pace: float = 1.0

    def __call__(self) -> datetime:
        return self.began_at + timedelta(seconds=(time.time() - self.wall_start) * self.pace)


def provider_settings(twilio=None, mail_server=None, timeout: float = 10.0) -> dict:
    """App settings that send SMS through twilio-python and email through smtplib to the
    stand-ins (console for whichever is not given)."""
    settings: dict = {"PROVIDER_TIMEOUT_SECONDS": timeout, "PUBLIC_BASE_URL": "https://clinic.example.org",
                      "TOKEN_TTL_HOURS": 24 * 30}
    if twilio is not None:
        settings.update(SMS_BACKEND="twilio", TWILIO_API_BASE_URL=twilio.url,
                        TWILIO_ACCOUNT_SID="AC" + uuid.uuid4().hex,
                        TWILIO_AUTH_TOKEN=uuid.uuid4().hex, TWILIO_FROM_NUMBER=SENDER_NUMBER)
    if mail_server is not None:
        settings.update(EMAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=mail_server.port,
                        SMTP_STARTTLS=False, SMTP_USERNAME=None, EMAIL_FROM=CLINIC_EMAIL)
    return settings


def scenario_app(database_url: str, clock, settings: dict, log_level: str = "WARNING"):
    return create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, CLOCK=clock,
                      LOG_LEVEL=log_level, **settings)


# ---------------------------------------------------------------------------------------------
# Worker processes
# ---------------------------------------------------------------------------------------------

def _worker_process(database_url: str, settings: dict, clock: ScenarioClock, log_path: str,
                    lease_seconds: float | None) -> None:
    """The body of one worker process: `flask worker`'s own loop (run_forever: APScheduler,
    its error handling, the configured channels), logging to its own file."""
    from notifications import worker

    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 2)
    if lease_seconds is not None:
        # Tests only: the tick calls the module's run_once, so this shortens every claim's lease
        # (production's two minutes would make a test wait that long for a dead claim).
        worker.run_once = partial(worker.run_once, lease=timedelta(seconds=lease_seconds))
    worker.run_forever(scenario_app(database_url, clock, settings, log_level="INFO"))


class Workers:
    """Real worker processes on one outbox, started, killed and stopped by the scenario."""

    def __init__(self, database_url: str, settings: dict, clock: ScenarioClock, log_dir: Path,
                 lease_seconds: float | None = None, poll_seconds: float = 0.5):
        self.database_url, self.clock, self.log_dir = database_url, clock, Path(log_dir)
        self.settings = {**settings, "WORKER_POLL_SECONDS": poll_seconds}
        self.lease_seconds = lease_seconds
        self.processes: list[multiprocessing.Process] = []

    def start(self, count: int = 1) -> list[multiprocessing.Process]:
        context = multiprocessing.get_context("spawn")
        started = []
        for _ in range(count):
            log_path = self.log_dir / f"worker-{len(self.processes) + 1}.log"
            process = context.Process(target=_worker_process, daemon=True, args=(
                self.database_url, self.settings, self.clock, str(log_path), self.lease_seconds))
            process.start()
            self.processes.append(process)
            started.append(process)
        return started

    def kill(self, process: multiprocessing.Process, sig: int = signal.SIGKILL) -> None:
        os.kill(process.pid, sig)
        process.join(timeout=30)

    def stop(self) -> None:
        """SIGTERM every live worker (what a deploy or `systemctl stop` does) and wait."""
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join(timeout=30)

    def alive(self) -> int:
        return sum(p.is_alive() for p in self.processes)

    def log_lines(self, *needles: str) -> int:
        """How many lines of all the workers' logs hold one of `needles`."""
        count = 0
        for path in self.log_dir.glob("worker-*.log"):
            count += sum(1 for line in path.read_text(errors="replace").splitlines()
                         if any(n in line for n in needles))
        return count

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def claimed_by_process(pid: int):
    """A SQL condition: rows claimed by the worker process `pid` (worker_name() is host:pid:..)."""
    return Notification.claimed_by.like(f"{socket.gethostname()}:{pid}:%")


# ---------------------------------------------------------------------------------------------
# The outbox
# ---------------------------------------------------------------------------------------------

def one_booked_session(app, start: str) -> dict:
    """A clinic with one patient and one session booked through the API (quiet hours off: the
    scenarios must not depend on the time of day)."""
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    admin.put("/clinic", json={"quiet_hours": None})
    patient = make_patient(desk)
    booked = desk.post("/appointments", json={"patient_id": patient, "treatment_type_id": clinic.treatment,
                                              "start": start})
    assert booked.status_code == 201, booked.json
    return booked.json


def fill_outbox(app, appointment: dict, count: int, due_at: datetime, channel: str = "sms") -> list[int]:
    """`count` reminders about the session, all due at `due_at`, on `channel`."""
    ids = add_due_reminders(app, appointment, count, due_at)
    if channel != "sms":
        with app.app_context():
            db.session.execute(update(Notification).where(Notification.id.in_(ids))
                               .values(channel=channel))
            db.session.commit()
    return ids


def outbox_counts(app) -> dict[str, int]:
    with app.app_context():
        counts = dict(db.session.execute(select(Notification.status, func.count())
                                         .group_by(Notification.status)).all())
        db.session.rollback()
    return counts


def sent_count(app) -> int:
    """Sent rows so far; -1 while the database cannot be reached (it is being restarted)."""
    return unless_database_away(lambda: outbox_counts(app).get("sent", 0))


def unless_database_away(count) -> int:
    try:
        return count()
    except OperationalError:
        return -1


def due_and_pending(app) -> int:
    """Pending rows already due by the app's clock: work the workers still have to do."""
    with app.app_context():
        left = db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.status == "pending", Notification.due_at <= service_clock.now()))
        db.session.rollback()
    return left


def pending_among(app, ids: list[int]) -> int:
    """How many of these notifications are still pending (due or waiting out a back-off)."""
    with app.app_context():
        left = db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.id.in_(ids), Notification.status == "pending"))
        db.session.rollback()
    return left


def wait_until(condition, timeout: float, every: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


# ---------------------------------------------------------------------------------------------
# The tally: each notification once, none lost, none twice
# ---------------------------------------------------------------------------------------------

@dataclass
class Tally:
    """The outbox against what the providers took.

    Every message a provider accepts gets its own id (a Twilio sid, an email Message-ID), and a
    notification records the id of the one send it saw succeed. So an accepted id that no
    notification recorded is a copy the service does not know went out: a duplicate, when its
    notification is recorded as sent by another copy.
    """

    statuses: dict[str, int]
    recorded_sent: int  # notifications in status sent, on the channels counted
    accepted: int  # messages the providers took
    duplicates: int  # accepted, recorded on no notification
    missing_at_provider: int  # recorded as sent, but no provider took that id (must be 0)
    lost: int  # failed, or due and still pending
    attempts: Counter  # attempts per sent notification -> how many notifications

    def line(self) -> str:
        return (f"outbox {dict(sorted(self.statuses.items()))}; provider accepted {self.accepted}"
                f" for {self.recorded_sent} sent notifications: duplicates {self.duplicates},"
                f" recorded but never accepted {self.missing_at_provider}, lost {self.lost}")


def tally(app, twilio=None, mail_server=None) -> Tally:
    channels = [c for c, standin in (("sms", twilio), ("email", mail_server)) if standin is not None]
    with app.app_context():
        sent = db.session.execute(select(Notification.provider_message_id, Notification.attempts)
                                  .where(Notification.status == "sent",
                                         Notification.channel.in_(channels))).all()
        db.session.rollback()
    recorded = Counter(provider_id for provider_id, _ in sent)
    accepted = Counter(accepted_ids(twilio, mail_server))
    statuses = outbox_counts(app)
    return Tally(statuses=statuses, recorded_sent=len(sent),
                 accepted=sum(accepted.values()),
                 duplicates=sum(n for provider_id, n in accepted.items() if provider_id not in recorded)
                 + sum(n - 1 for n in accepted.values() if n > 1),
                 missing_at_provider=sum(1 for provider_id in recorded if provider_id not in accepted),
                 lost=statuses.get("failed", 0) + due_and_pending(app),
                 attempts=Counter(attempts for _, attempts in sent))


def accepted_ids(twilio=None, mail_server=None) -> list[str]:
    """The id of every message the stand-ins took, as the notification row would record it."""
    ids = [r.sid for r in twilio.accepted] if twilio is not None else []
    if mail_server is not None:
        # smtp_email keeps the Message-ID's local part as the provider id.
        ids += [str(m["Message-ID"]).strip("<>").partition("@")[0] for m in mail_server.messages]
    return ids
