"""The outbox's backlog, for /metrics (scheduler.ops announces each read through scheduler.events).

Read from the database at each scrape, so every process reports the same shared backlog: the
number to watch when deciding how many workers to run (docs/deploy.md).
"""
from __future__ import annotations

from datetime import datetime

from prometheus_client import Gauge
from sqlalchemy import func, select

from scheduler.extensions import db

from notifications.models import Notification

DUE = Gauge("notifications_due", "Pending notifications whose time has come")
OLDEST_DUE = Gauge("notifications_oldest_due_seconds", "How long the oldest due notification has waited")


def measure(now: datetime) -> None:
    count, oldest = db.session.execute(
        select(func.count(), func.min(Notification.due_at))
        .where(Notification.status == "pending", Notification.due_at <= now)).one()
    db.session.rollback()
    DUE.set(count)
    OLDEST_DUE.set((now - oldest).total_seconds() if oldest else 0)
