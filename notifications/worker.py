"""The worker: APScheduler ticks; the notification table is the schedule.

APScheduler keeps no job per message (its job stores must not be shared between processes);
one interval job claims due rows in batches. Claims are leases: `FOR UPDATE SKIP LOCKED` on
PostgreSQL lets several workers claim side by side without waiting on each other or taking the
same row; SQLite ignores FOR UPDATE, but its writes are serialized, so the one UPDATE ...
RETURNING that claims is atomic there too. A worker that dies holds its claims only until the
lease runs out; one told to stop (SIGTERM, as a deploy does) finishes the sends in flight and
hands the rest back at once.

Sends wait on the provider in a pool of WORKER_CONCURRENCY threads; everything that touches the
database stays on the worker's own thread, with its one session.
"""
from __future__ import annotations

import logging
import math
import os
import random
import signal
import socket
import threading
import traceback
import uuid
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Callable

from flask import Flask, current_app
from sqlalchemy import or_, select, update

from scheduler import clock
from scheduler.extensions import db

from notifications.channels.configured import channels_from_config
from notifications.services.dispatch import Outcome, Ready, load_claimed, outcome_of, prepare, record, send
from notifications.services.escalation import escalate_quietly
from notifications.services import wakeups
from notifications.services.overdue_forms import open_alerts_quietly
from notifications.models import Notification

log = logging.getLogger("notifications.worker")
LEASE = timedelta(minutes=2)
BATCH = 50  # claim_due's default; run_once claims WORKER_CONCURRENCY rows unless told


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


class Slowdown:
    """How long to wait before claiming more, once the provider has said it is overloaded (a
    rate limit, its own 5xx): doubling with each throttled batch in a row, with jitter so that
    workers do not come back in step, and gone after a batch that went through."""

    def __init__(self, base_seconds: float = 1.0, cap_seconds: float = 60.0):
        self.base, self.cap, self.streak = base_seconds, cap_seconds, 0

    def after_batch(self, throttled: bool) -> None:
        self.streak = self.streak + 1 if throttled else 0

    def pause_seconds(self) -> float:
        if self.streak == 0:
            return 0.0
        return min(self.base * 2 ** (self.streak - 1), self.cap) * random.uniform(0.5, 1.0)


def run_once(worker_id: str, channels: dict | None = None, batch: int | None = None,
             lease: timedelta = LEASE, stopping: threading.Event | None = None,
             pool: ThreadPoolExecutor | None = None, slowdown: Slowdown | None = None,
             drain: bool = False) -> dict[str, int]:
    """Claim one batch (WORKER_CONCURRENCY rows unless told) and send it, up to
    WORKER_CONCURRENCY at once; counts of the outcomes. With `drain`, keep claiming while the
    claims come back full (a backlog). Once `stopping` is set, or the provider says it is
    overloaded, the sends in flight finish and are recorded and the rest is released."""
    channels = channels or channels_from_config(current_app.config)
    concurrency = sends_at_once(current_app.config)
    stopping = stopping or threading.Event()
    slowdown = slowdown or Slowdown()
    stopping.wait(slowdown.pause_seconds())
    open_alerts_quietly(clock.now())  # before escalating, so an old enough one goes in the same tick
    escalate_quietly(clock.now(), channels.get("email"))  # neither stops the sending below
    if stopping.is_set():
        return {}
    claimed = claim_due(worker_id, batch or concurrency, lease)
    if not claimed:
        return {}
    own_pool = pool is None
    pool = pool or ThreadPoolExecutor(concurrency, thread_name_prefix="send")
    try:
        batch_run = _Batch(worker_id, channels, lease, stopping, pool, concurrency)
        claim_more = (lambda wanted: claim_due(worker_id, wanted, lease)) if drain else None
        outcomes = batch_run.send(claimed, claim_more)
    finally:
        if own_pool:
            pool.shutdown(wait=True)
    slowdown.after_batch(batch_run.throttled)
    log.info("batch sent", extra={"count": sum(outcomes.values()), "action": str(outcomes)})
    return outcomes


def sends_at_once(config) -> int:
    """WORKER_CONCURRENCY, or fewer when texts are paced: a batch is checked just before it goes
    out, and a paced one goes out over batch / SMS_MAX_PER_SECOND seconds, so it is kept to
    about a second's worth of texts."""
    pace = config.get("SMS_MAX_PER_SECOND")
    concurrency = config["WORKER_CONCURRENCY"]
    return min(concurrency, max(1, math.ceil(pace))) if pace else concurrency


class _Batch:
    """One claimed batch on its way out. The database work stays on this thread; the pool's
    threads only wait on the provider (a session is not safe to share between threads)."""

    def __init__(self, worker_id, channels, lease, stopping, pool, concurrency):
        self.worker_id, self.channels, self.lease = worker_id, channels, lease
        self.stopping, self.pool, self.concurrency = stopping, pool, concurrency
        self.counts: dict[str, int] = {}
        self.settled: list[Outcome] = []  # decided without a send; written with the next answers
        self.in_flight: dict[Future, int] = {}  # each send out, and its notification
        self.throttled = False

    def send(self, claimed: list[int], claim_more: Callable[[int], list[int]] | None = None) -> dict[str, int]:
        """Send the claimed rows. With `claim_more`, claim again once half the sends are back, as
        long as claims come back full: the next batch's database work then overlaps this one's
        sends, and each batch is still checked just before it goes out."""
        waiting = deque(self._prepared(claimed))
        db.session.commit()  # nothing is held while the provider is called
        more = claim_more is not None and len(claimed) >= self.concurrency
        while True:
            if waiting and (self.stopping.is_set() or self.throttled):
                self._release([ready.notification_id for ready in waiting])
                waiting.clear()
            elif waiting and len(self.in_flight) < self.concurrency:
                ready = waiting.popleft()
                future = self.pool.submit(send, ready, self.channels[ready.channel])
                self.in_flight[future] = ready.notification_id
            elif not waiting and more and self._room_for_more():
                wanted = self.concurrency - len(self.in_flight)
                fresh = claim_more(wanted)
                more = len(fresh) == wanted
                waiting.extend(self._prepared(fresh))
                db.session.commit()
            elif self.in_flight:
                self._record(wait(self.in_flight, return_when=FIRST_COMPLETED).done)
            else:
                break
        if self.settled:
            self._record(set())
        return self.counts

    def _room_for_more(self) -> bool:
        return (not self.stopping.is_set() and not self.throttled
                and len(self.in_flight) <= self.concurrency // 2)

    def _prepared(self, claimed: list[int]) -> list[Ready]:
        """The send-time check for the whole batch, just before its sends: the batch is no
        larger than the sends in flight, so none waits long after its check."""
        ready = []
        now = clock.now()
        for row in load_claimed(claimed) if claimed else ():
            try:
                prepared = prepare(row, now)
            except Exception as error:  # one bad row must not stop the batch; its lease brings it back
                self._failed(row[0].id, error)
                continue
            if isinstance(prepared, Ready):
                ready.append(prepared)
            else:
                self.settled.append(prepared)
        return ready

    def _record(self, done: set[Future]) -> None:
        """The answers in, with the outcomes decided without a send, in one write."""
        now = clock.now()
        outcomes, self.settled = self.settled, []
        for future in done:
            notification_id = self.in_flight.pop(future)
            try:
                answer = future.result()
            except Exception as error:  # a channel's own bug: logged, the lease brings it back
                self._failed(notification_id, error)
                continue
            self.throttled |= getattr(answer.failure, "throttled", False)
            outcomes.append(outcome_of(answer, now))
        if not outcomes:
            return
        for status in record(outcomes, self.worker_id, now, self.lease).values():
            self.counts[status] = self.counts.get(status, 0) + 1

    def _release(self, notification_ids: list[int]) -> None:
        release(notification_ids, self.worker_id)
        self.counts["released"] = self.counts.get("released", 0) + len(notification_ids)

    def _failed(self, notification_id: int, error: Exception) -> None:
        log.error("dispatch failed", extra={"object_type": "notification",
                                            "object_id": notification_id, "error": _where(error)})
        self.counts["error"] = self.counts.get("error", 0) + 1


def _where(error: Exception) -> str:
    """The error's type and the line it came from. Not its message: a provider's or a template's
    message may quote a phone number, an address or the text itself, and logs must not."""
    frames = traceback.extract_tb(error.__traceback__)
    place = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}{place}"


def run_forever(app: Flask) -> None:
    """The `flask worker` process: an APScheduler interval job until SIGTERM or Ctrl-C.

    Stopping lets the sends in flight finish and be recorded (killing the process then could
    send them twice) and releases the rest of the batch; a second SIGTERM is ignored, SIGKILL is
    the hard stop. The channels, their pacing, the send threads and the slowdown live as long
    as the process, so that a pace or a backoff holds across batches.
    """
    from apscheduler.schedulers.blocking import BlockingScheduler

    worker_id = worker_name()
    stopping = threading.Event()
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per tick
    concurrency = sends_at_once(app.config)
    channels = channels_from_config(app.config)
    pool = ThreadPoolExecutor(concurrency, thread_name_prefix="send")
    slowdown = Slowdown()
    _serve_metrics(app.config.get("WORKER_METRICS_PORT"))

    def tick() -> None:
        with app.app_context():
            while not stopping.is_set() and sum(run_once(
                    worker_id, channels, stopping=stopping, pool=pool, slowdown=slowdown,
                    drain=True).values()) >= concurrency:
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
        pool.shutdown(wait=True)
        log.info("worker stopped", extra={"action": worker_id})


def _run_now(scheduler, job_id: str) -> None:
    """A wake-up: the job's next run is now. Missing only while the scheduler starts or stops,
    when the poll (or the stop) takes over."""
    from apscheduler.jobstores.base import JobLookupError

    try:
        scheduler.modify_job(job_id, next_run_time=datetime.now(timezone.utc))
    except JobLookupError:
        pass


def _serve_metrics(port: int | None) -> None:
    """The worker's counters on their own port: it is a process apart from the web app, whose
    /metrics cannot see its memory (prometheus_client's multiprocess mode would need a shared
    directory and every process set up for it; one more scrape target is simpler)."""
    if port:
        from prometheus_client import start_http_server

        start_http_server(port)


def _leave_main_loop(signum, frame) -> None:
    """SIGTERM, like Ctrl-C, ends the scheduler's loop in the main thread; the sending thread
    is stopped gently by run_forever."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise SystemExit(0)
