"""What monitoring staff record while a patient is observed after a dose, and the REMS Patient
Monitoring Form each such session leaves to file."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class Observation(db.Model):
    """One reading during a session, e.g. a blood pressure, with who took it and when."""

    __tablename__ = "observation"

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime)  # when it was taken
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when it was entered


class MonitoringForm(db.Model):
    """The monitoring form a completed session leaves to file by `due_on` (a clinic-local day).
    Overdue is not stored: it is a due form on a later day."""

    __tablename__ = "monitoring_form"
    __table_args__ = (
        Index("ix_monitoring_form_unfiled", "due_on", postgresql_where=text("filed_at IS NULL"),
              sqlite_where=text("filed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id"), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    due_on: Mapped[date]
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    reference: Mapped[str | None] = mapped_column(String(100))
