"""The outbox and what comes back: notifications, inbound messages, check-ins and alerts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from scheduler.extensions import db
from scheduler.models.types import UTCDateTime

STATUSES = ("pending", "sent", "delivered", "failed", "cancelled", "skipped")
CHANNELS = ("sms", "email")


class Notification(db.Model):
    """One message to one patient on one channel, due at a time: the outbox row.

    The table is the schedule: workers claim due rows (a lease, so a dead worker's claims come
    back) and decide at send time whether the message is still right to send.
    """

    __tablename__ = "notification"
    __table_args__ = (
        CheckConstraint("status IN ({})".format(", ".join(f"'{s}'" for s in STATUSES)),
                        name="status_known"),
        CheckConstraint("channel IN ('sms', 'email')", name="channel_known"),
        # Only pending rows are ever looked for by time: a partial index keeps that query the
        # same cost whatever has been sent before.
        Index("ix_notification_due", "due_at", postgresql_where=text("status = 'pending'"),
              sqlite_where=text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    purpose: Mapped[str] = mapped_column(String(30))
    # Which rule made it, e.g. the reminder's offset in minutes; for staff and for tests.
    rule_minutes: Mapped[int | None] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider_message_id: Mapped[str | None] = mapped_column(String(64), index=True)
    error: Mapped[str | None] = mapped_column(String(500))  # or why it was skipped
    body: Mapped[str | None] = mapped_column(Text)  # what went out, for the patient's page
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
