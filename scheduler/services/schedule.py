"""The schedule as the front desk reads it: each session in a span of time with the names a
person needs to see (patient, treatment, chair), in one query."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from sqlalchemy import select

from ..extensions import db
from ..models import Appointment, Chair, Course, Patient, TreatmentType


@dataclass(frozen=True)
class ScheduledSession:
    appointment_id: int
    chair_id: int
    start_at: datetime
    end_at: datetime
    status: str
    patient_id: int
    patient_name: str
    treatment: str
    course_kind: str | None
    session_number: int | None


def sessions_between(start: datetime, end: datetime) -> list[ScheduledSession]:
    """Every session starting in [start, end), cancelled ones included, earliest first."""
    return _sessions(Appointment.start_at >= start, Appointment.start_at < end)


def sessions_with_ids(ids: Iterable[int]) -> list[ScheduledSession]:
    """These sessions, earliest first (ids that name none are passed over)."""
    return _sessions(Appointment.id.in_(list(ids)))


def _sessions(*where) -> list[ScheduledSession]:
    rows = db.session.execute(
        select(Appointment.id, Appointment.chair_id, Appointment.start_at, Appointment.end_at,
               Appointment.status, Appointment.patient_id, Patient.first_name, Patient.last_name,
               TreatmentType.name, Course.kind, Appointment.session_number)
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(TreatmentType, TreatmentType.id == Appointment.treatment_type_id)
        .outerjoin(Course, Course.id == Appointment.course_id)
        .where(*where)
        .order_by(Appointment.start_at, Appointment.chair_id, Appointment.id))
    return [ScheduledSession(r[0], r[1], r[2], r[3], r[4], r[5], f"{r[6]} {r[7]}", r[8], r[9], r[10])
            for r in rows]


def chairs_for_schedule(chair_ids_in_use: set[int]) -> list[Chair]:
    """Active chairs, and any inactive one that still holds a session in the span shown."""
    chairs = db.session.scalars(select(Chair).order_by(Chair.name, Chair.id))
    return [c for c in chairs if c.active or c.id in chair_ids_in_use]
