"""The schedule as the front desk reads it: each session in a span of time with the names a
person needs to see (patient, treatment, chair), in one query."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from sqlalchemy import select

from .. import clock
from ..engine.hours import Window
from ..engine.slots import free_slots
from ..extensions import db
from ..models import Appointment, Chair, Clinic, Course, Patient, TreatmentType
from .calendar import load_calendar
from .clinic import scheduling_rules


@dataclass(frozen=True)
class ScheduledSession:
    appointment_id: int
    chair_id: int
    start_at: datetime
    end_at: datetime
    held_until: datetime  # the end, plus the treatment's turnover (buffer) before the chair is free
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
               Appointment.held_until, Appointment.status, Appointment.patient_id, Patient.first_name, Patient.last_name,
               TreatmentType.name, Course.kind, Appointment.session_number)
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(TreatmentType, TreatmentType.id == Appointment.treatment_type_id)
        .outerjoin(Course, Course.id == Appointment.course_id)
        .where(*where)
        .order_by(Appointment.start_at, Appointment.chair_id, Appointment.id))
    return [ScheduledSession(*r[:7], f"{r[7]} {r[8]}", *r[9:]) for r in rows]


def chairs_for_schedule(chair_ids_in_use: set[int]) -> list[Chair]:
    """Treatment chairs in use, and any other place (out of use, or a room) that still holds a
    session in the span shown. Rooms are never booked, so an empty one is only clutter."""
    chairs = db.session.scalars(select(Chair).order_by(Chair.name, Chair.id))
    return [c for c in chairs if (c.active and c.is_treatment_chair) or c.id in chair_ids_in_use]


def opening_windows(clinic: Clinic, start: datetime, end: datetime) -> list[Window]:
    """When the clinic is open in [start, end): its weekly hours less its closed days."""
    return list(scheduling_rules(clinic).hours.windows(start, end))


def bookable_starts(clinic: Clinic, treatment: TreatmentType, start: datetime,
                    end: datetime) -> dict[int, list[datetime]]:
    """{chair_id: every start in [start, end), from now on, where a session of `treatment` could
    be booked in that chair}: booking's own rules (hours, grid, turnover, staff), chair by chair,
    since the engine's free slots name only the first chair free at each time."""
    start = max(start, clock.now())
    if start >= end:
        return {}
    calendar = load_calendar(clinic, treatment, None, start, end)
    return {chair_id: [slot.start for slot in free_slots(
                calendar.clinic, calendar.treatment, {chair_id: timeline}, start, end, staff=calendar.staff)]
            for chair_id, timeline in calendar.chairs.items()}
