"""Patients: who they are, how to reach them, and what they agreed to receive."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class Patient(db.Model):
    __tablename__ = "patient"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100), index=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164
    email: Mapped[str | None] = mapped_column(String(254))
    timezone: Mapped[str] = mapped_column(String(64))
    # Optional; with the name, it tells two patients of one name apart (and one patient entered twice).
    birth_date: Mapped[date | None]
    # Consent per channel, as the front desk recorded it.
    sms_opt_in: Mapped[bool] = mapped_column(default=False)
    email_opt_in: Mapped[bool] = mapped_column(default=False)
    # Set when the patient texts STOP; only START clears it. Outranks sms_opt_in.
    sms_opted_out: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
