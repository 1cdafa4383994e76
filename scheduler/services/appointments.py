"""Reading appointments: the lists behind the schedule and a patient's history."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select

from ..models import Appointment


def list_appointments(from_: datetime | None = None, to: datetime | None = None,
                      patient_id: int | None = None, chair_id: int | None = None,
                      status: str | None = None) -> Select:
    """Appointments starting in [from, to), oldest first, narrowed by the filters given."""
    query = select(Appointment).order_by(Appointment.start_at, Appointment.id)
    if from_ is not None:
        query = query.where(Appointment.start_at >= from_)
    if to is not None:
        query = query.where(Appointment.start_at < to)
    if patient_id is not None:
        query = query.where(Appointment.patient_id == patient_id)
    if chair_id is not None:
        query = query.where(Appointment.chair_id == chair_id)
    if status is not None:
        query = query.where(Appointment.status == status)
    return query
