"""What the staff's patient pages read: the patients added lately, and one patient's courses
and sessions. (Their messages and replies are notifications' part of the page.)"""
from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Appointment, Course, Patient


def recently_added_patients() -> Select:
    """The front desk's first look: whom they registered last is whom they most likely want."""
    return select(Patient).order_by(Patient.created_at.desc(), Patient.id.desc())


def courses_of(patient_id: int) -> list[Course]:
    """The patient's courses, latest first, each with its sessions in time order."""
    return list(db.session.scalars(
        select(Course).where(Course.patient_id == patient_id)
        .options(selectinload(Course.appointments))
        .order_by(Course.created_at.desc(), Course.id.desc())))


def sessions_outside_courses(patient_id: int) -> list[Appointment]:
    """Single sessions booked on their own (a make-up or one maintenance session), latest first."""
    return list(db.session.scalars(
        select(Appointment).where(Appointment.patient_id == patient_id, Appointment.course_id.is_(None))
        .order_by(Appointment.start_at.desc(), Appointment.id.desc())))


def patients_with_ids(ids: set[int]) -> dict[int, Patient]:
    """The patients a list names (the waitlist's, say), read at once, by id."""
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(select(Patient).where(Patient.id.in_(ids)))}
