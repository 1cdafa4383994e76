"""Courses and their appointments (sessions), each holding a chair for a span of time."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..engine.appointment_status import CANCELLED, HOLDING, NO_SHOW, STATUSES
from ..extensions import db
from .types import UTCDateTime

HOLDING_SQL = "status IN ({})".format(", ".join(f"'{s}'" for s in HOLDING))


class Course(db.Model):
    __tablename__ = "course"
    __table_args__ = (
        CheckConstraint("kind IN ('induction', 'maintenance')", name="kind_known"),
        CheckConstraint("status IN ('active', 'cancelled')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    treatment_type_id: Mapped[int] = mapped_column(ForeignKey("treatment_type.id"))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="active")
    # An induction's spacing as booked, so a session rescheduled afterwards keeps it too; None for
    # maintenance, whose sessions may move freely.
    min_gap_hours: Mapped[int | None] = mapped_column(Integer)
    # Continuity of care: every session of the course inside this clinician's shifts; None: anyone.
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("clinician.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The sessions it was booked with: a cancelled or missed one leaves it short of this until
    # a replacement is booked.
    sessions_planned: Mapped[int | None] = mapped_column(Integer)

    appointments: Mapped[list[Appointment]] = relationship(
        back_populates="course", order_by="Appointment.start_at")

    @property
    def sessions_short(self) -> int:
        """How many sessions an active course is short of those it was booked with: each
        cancelled or missed one not yet replaced."""
        if self.status != "active" or self.sessions_planned is None:
            return 0
        dosed_or_due = [a for a in self.appointments if a.status not in (CANCELLED, NO_SHOW)]
        return max(self.sessions_planned - len(dosed_or_due), 0)


class Appointment(db.Model):
    """One session. While its status holds the chair, the chair is taken from `start_at` to
    `held_until` (the session's end plus the turnover buffer).

    The database refuses overlaps itself: on PostgreSQL an exclusion constraint over
    (chair_id, [start_at, held_until)), on SQLite a trigger inside a serialized transaction
    (both in the migrations). `local_date`, the session's day in the clinic's zone, makes
    "one session per patient per day" a unique index.
    """

    __tablename__ = "appointment"
    __table_args__ = (
        CheckConstraint("status IN ({})".format(", ".join(f"'{s}'" for s in STATUSES)),
                        name="status_known"),
        CheckConstraint("start_at < end_at AND end_at <= held_until", name="times_ordered"),
        Index("ix_appointment_chair_start", "chair_id", "start_at"),
        Index("ix_appointment_patient_start", "patient_id", "start_at"),
        Index("uq_appointment_patient_day", "patient_id", "local_date", unique=True,
              postgresql_where=text(HOLDING_SQL), sqlite_where=text(HOLDING_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id"), index=True)
    session_number: Mapped[int | None] = mapped_column(Integer)
    treatment_type_id: Mapped[int] = mapped_column(ForeignKey("treatment_type.id"))
    chair_id: Mapped[int] = mapped_column(ForeignKey("chair.id"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    held_until: Mapped[datetime] = mapped_column(UTCDateTime)
    local_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    # When the patient checked in: with the booked start, where their observation begins.
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why monitoring staff discharged the patient although the observation plan said not yet.
    discharge_override_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    course: Mapped[Course | None] = relationship(back_populates="appointments")
