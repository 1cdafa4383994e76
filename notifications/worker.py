"""The worker: APScheduler ticks; the notification table is the schedule.

APScheduler keeps no job per message (its job stores must not be shared between processes);
one interval job claims due rows in batches. Claims are leases: `FOR UPDATE SKIP LOCKED` on
PostgreSQL lets several workers claim side by side without waiting on each other or taking the
same row; SQLite ignores FOR UPDATE, but its writes are serialized, so the one UPDATE ...
RETURNING that claims is atomic there too. A worker that dies holds its claims only until the
lease runs out; one told to stop (SIGTERM, as a deploy does) finishes the message in hand and
hands the rest back at once.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import traceback
import uuid
from datetime import datetime, timedelta, timezone
from functools import partial

from flask import Flask, current_app
from sqlalchemy import or_, select, update

from scheduler import clock
from scheduler.extensions import db

from notifications.channels.configured import channels_from_config
from notifications.services.dispatch import dispatch
from notifications.services.escalation import escalate_quietly
from notifications.services import wakeups
from notifications.services.overdue_forms import open_alerts_quietly
from notifications.models import Notification

log = logging.getLogger("notifications.worker")
LEASE = timedelta(minutes=2)
BATCH = 50


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def claim_due(worker_id: str, batch: int = BATCH, lease: timedelta = LEASE) -> list[int]:
    """Claim up to `batch` due notifications for this worker; their ids, oldest due first."""
    now = clock.now()
    due = (select(Notification.id)
           .where(Notification.status == "pending", Notification.due_at <= now,
                  or_(Notification.lease_until.is_(None), Notification.lease_until < now))
           .order_by(Notification.due_at)
           .limit(batch)
           .with_for_update(skip_locked=True))
    claimed = db.session.scalars(
        update(Notification)
        .where(Notification.id.in_(due.scalar_subquery()))
        .values(lease_until=now + lease, claimed_by=worker_id, attempts=Notification.attempts + 1)
        .returning(Notification.id)
    ).all()
    db.session.commit()
    return sorted(claimed)


def release(notification_ids: list[int], worker_id: str) -> None:
    """Hand back claims not yet worked on, so another worker takes them now, not after the lease.
    The claim did not count as an attempt."""
    db.session.execute(
        update(Notification)
        .where(Notification.id.in_(notification_ids), Notification.claimed_by == worker_id,
               Notification.status == "pending")
        .values(lease_until=None, claimed_by=None, attempts=Notification.attempts - 1))
    db.session.commit()


def run_once(worker_id: str, channels: dict | None = None, batch: int = BATCH,
             lease: timedelta = LEASE, stopping: threading.Event | None = None) -> dict[str, int]:
    """Claim one batch and send it; counts of the outcomes. Once `stopping` is set, the rest of
    the batch is released instead of sent."""
    channels = channels or channels_from_config(current_app.config)
    open_alerts_quietly(clock.now())  # before escalating, so an old enough one goes in the same tick
    escalate_quietly(clock.now(), channels.get("email"))  # neither stops the sending below
    outcomes: dict[str, int] = {}
    claimed = claim_due(worker_id, batch, lease)
    for index, notification_id in enumerate(claimed):
        if stopping is not None and stopping.is_set():
            release(claimed[index:], worker_id)
            outcomes["released"] = len(claimed) - index
            break
        try:
            status = dispatch(notification_id, worker_id, channels, clock.now(), lease)
        except Exception as error:  # one bad row must not stop the batch; its lease brings it back
            db.session.rollback()
            log.error("dispatch failed", extra={"object_type": "notification",
                                                "object_id": notification_id, "error": _where(error)})
            status = "error"
        outcomes[status] = outcomes.get(status, 0) + 1
    if outcomes:
        log.info("batch sent", extra={"count": sum(outcomes.values()), "action": str(outcomes)})
    return outcomes


def _where(error: Exception) -> str:
    """The error's type and the line it came from. Not its message: a provider's or a template's
    message may quote a phone number, an address or the text itself, and logs must not."""
    frames = traceback.extract_tb(error.__traceback__)
    place = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}{place}"


def run_forever(app: Flask) -> None:
    """The `flask worker` process: an APScheduler interval job until SIGTERM or Ctrl-C.

    Stopping lets the message in hand finish and be recorded (killing the process then could
    send it twice) and releases the rest of the batch; a second SIGTERM is ignored, SIGKILL is
    the hard stop.
    """
    from apscheduler.schedulers.blocking import BlockingScheduler

    worker_id = worker_name()
    stopping = threading.Event()
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per tick

    def tick() -> None:
        with app.app_context():
            while not stopping.is_set() and sum(run_once(worker_id, stopping=stopping).values()) >= BATCH:
                pass  # a backlog: keep going

    scheduler = BlockingScheduler(timezone="UTC")
    alarm = wakeups.Alarm(partial(_run_now, scheduler, "send-due-notifications"))
    scheduler.add_job(alarm.around(tick), "interval", seconds=app.config["WORKER_POLL_SECONDS"],
                      max_instances=1, coalesce=True, id="send-due-notifications")
    wakeups.listen_in_background(app.config["SQLALCHEMY_DATABASE_URI"], alarm.ring, stopping)
    signal.signal(signal.SIGTERM, _leave_main_loop)
    log.info("worker started", extra={"action": worker_id})
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        stopping.set()
        if scheduler.running:
            scheduler.shutdown(wait=True)  # waits for the tick in hand
        log.info("worker stopped", extra={"action": worker_id})


def _run_now(scheduler, job_id: str) -> None:
    """A wake-up: the job's next run is now. Missing only while the scheduler starts or stops,
    when the poll (or the stop) takes over."""
    from apscheduler.jobstores.base import JobLookupError

    try:
        scheduler.modify_job(job_id, next_run_time=datetime.now(timezone.utc))
    except JobLookupError:
        pass


def _leave_main_loop(signum, frame) -> None:
    """SIGTERM, like Ctrl-C, ends the scheduler's loop in the main thread; the sending thread
    is stopped gently by run_forever."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise SystemExit(0)
