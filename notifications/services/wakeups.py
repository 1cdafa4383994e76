"""Waking an idle worker when a message falls due now, on PostgreSQL.

A confirmation, a same-day change or a cancellation is due the moment it is written; waiting for
the worker's next poll (WORKER_POLL_SECONDS) would make it that much later. The transaction that
writes such a row also sends `NOTIFY notifications_due`: PostgreSQL delivers it on commit and
drops it on rollback, so a worker never wakes for a row it cannot see. Each worker listens on a
connection of its own. The poll stays the safety net: a notification that reaches no listener
(none connected, or one reconnecting) is only a late wake-up, never a lost message.

The payload is empty: which rows are due is the outbox's business, and no patient data travels.
On SQLite there is no NOTIFY and nothing to listen to; the poll does it all.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Callable, Iterable

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from scheduler.extensions import db

log = logging.getLogger("notifications.wakeups")
CHANNEL = "notifications_due"
# How long the listener waits for a notification before checking it should stop; a stopping
# worker waits at most this for its listener (a daemon thread, so never longer than the process).
LISTEN_SECONDS = 1.0
RECONNECT_SECONDS = 2.0
CONNECT_SECONDS = 10  # a server that does not answer at all: try again rather than hang
# A connection that dies without a word (a dropped network path) sends no error to wait on: TCP
# keepalives (libpq's settings) end it within about a minute, and the listener connects again.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}


def announce(rows: Iterable[dict], now: datetime) -> None:
    """In the writing transaction: wake the workers on commit if any row is due already."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    if any(row["status"] == "pending" and row["due_at"] <= now for row in rows):
        # pg_notify rather than NOTIFY: a function call takes its channel as a bound value.
        # Several in one transaction reach the listeners as one (same channel, same payload).
        db.session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


class Alarm:
    """Runs the worker's sending job at once when rung. A ring while the job runs makes it go
    round once more when it ends (the rows it claimed before the ring may not include the new
    one), instead of asking APScheduler for a second run it would skip as one too many."""

    def __init__(self, wake_job: Callable[[], None]):
        self._wake_job = wake_job
        self._lock = threading.Lock()
        self._running = self._rung = False

    def ring(self) -> None:
        with self._lock:
            self._rung = True
            if self._running:
                return
        self._wake_job()

    def around(self, job: Callable[[], None]) -> Callable[[], None]:
        def job_until_quiet() -> None:
            with self._lock:
                self._running, self._rung = True, False
            job()
            while self._once_more():
                job()
        return job_until_quiet

    def _once_more(self) -> bool:
        with self._lock:
            again, self._rung = self._rung, False
            self._running = again
            return again


def listen_in_background(database_url: str, on_due: Callable[[], None],
                         stopping: threading.Event) -> threading.Thread | None:
    """The worker's listener thread (PostgreSQL only; None on SQLite)."""
    url = _libpq_url(database_url)
    if url is None:
        return None
    thread = threading.Thread(target=listen, args=(url, on_due, stopping), name="wakeups", daemon=True)
    thread.start()
    return thread


def listen(conninfo: str, on_due: Callable[[], None], stopping: threading.Event) -> None:
    """LISTEN on an autocommit connection of its own (a notification reaches a session only
    between its transactions) until `stopping`; calls `on_due` for each notification.

    A lost connection (a database restart, an administrator's terminate) is made again after a
    pause, and `on_due` is called once it is: whatever fell due meanwhile is looked for at once.
    """
    while not stopping.is_set():
        try:
            with psycopg.connect(conninfo, autocommit=True, application_name="notifications-wakeups",
                                 connect_timeout=CONNECT_SECONDS, **KEEPALIVES) as conn:
                conn.execute(f"LISTEN {CHANNEL}")
                log.info("listening for due notifications")
                on_due()
                while not stopping.is_set():
                    for _ in conn.notifies(timeout=LISTEN_SECONDS):
                        on_due()
        except psycopg.Error as error:
            log.warning("wake-up listener lost its connection",
                        extra={"error": type(error).__name__, "action": "reconnecting"})
            stopping.wait(RECONNECT_SECONDS)


def _libpq_url(database_url: str | URL) -> str | None:
    """SQLAlchemy's URL (postgresql+psycopg://...) as libpq takes it; None if not PostgreSQL."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)
