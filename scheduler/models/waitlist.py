"""The waitlist: patients waiting for a freed chair, and the offers of freed times they got."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime


class WaitlistEntry(db.Model):
    """A patient waiting for a session of a treatment type within a window of clinic-local days
    (and perhaps times of day). `expired` is not stored: a waiting entry past `latest` is."""

    __tablename__ = "waitlist_entry"
    __table_args__ = (
        CheckConstraint("status IN ('waiting', 'booked', 'removed')", name="status_known"),
        CheckConstraint("earliest <= latest", name="days_ordered"),
        Index("ix_waitlist_entry_status_latest", "status", "latest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    treatment_type_id: Mapped[int] = mapped_column(ForeignKey("treatment_type.id"))
    earliest: Mapped[date]
    latest: Mapped[date]
    from_time: Mapped[str | None] = mapped_column(String(5))  # HH:MM, clinic-local
    until_time: Mapped[str | None] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(20), default="waiting")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    offers: Mapped[list[WaitlistOffer]] = relationship(
        back_populates="entry", order_by="WaitlistOffer.id")


class WaitlistOffer(db.Model):
    """A freed time offered to one waiting patient until `expires_at`. Several patients may be
    offered the same time (same start and chair): the first to take it books it, and the
    others' offers become `gone` in the same transaction."""

    __tablename__ = "waitlist_offer"
    __table_args__ = (
        CheckConstraint("outcome IN ('open', 'booked', 'gone', 'withdrawn')", name="outcome_known"),
        Index("ix_waitlist_offer_slot", "start_at", "chair_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("waitlist_entry.id"), index=True)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    chair_id: Mapped[int] = mapped_column(ForeignKey("chair.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when made; its messages went to the outbox
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(20), default="open")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    entry: Mapped[WaitlistEntry] = relationship(back_populates="offers")
