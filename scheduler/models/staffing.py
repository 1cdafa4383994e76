"""Clinical staff and their shifts: who is on site to give and watch over a session."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime

ROLES = ("prescriber", "nurse")  # and any role the clinic adds: a role is a word, not a list


class Clinician(db.Model):
    """A person who gives or supervises treatment; not necessarily a user of the service."""

    __tablename__ = "clinician"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(40), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    shifts: Mapped[list[Shift]] = relationship(back_populates="clinician", order_by="Shift.start_at")


class Shift(db.Model):
    """One span of time a clinician is on site, as instants (a weekly pattern is stored as the
    shifts it makes, so each is true to its own day's clock)."""

    __tablename__ = "shift"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        Index("ix_shift_clinician_start", "clinician_id", "start_at"),
        Index("ix_shift_start", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("clinician.id"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    clinician: Mapped[Clinician] = relationship(back_populates="shifts")
