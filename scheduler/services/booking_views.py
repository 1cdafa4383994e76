"""What the booking pages read beside the booking service: the patients and treatment types to
choose from, the chairs' names, the free slots around a day, and a course plan that honours a
preferred time of day."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from .. import clock
from ..engine.courses import course_rule_violation
from ..engine.preferred_time import honour_preferred_time
from ..engine.appointment_status import HOLDING
from ..engine.errors import SchedulingError
from ..engine.slots import Slot, free_chairs, grid_starts
from ..extensions import db
from ..models import Appointment, Patient, TreatmentType
from . import booking
from .booking import CourseRequest
from .calendar import load_calendar
from .clinic import find_clinic, list_chairs, list_treatment_types, scheduling_rules
from .errors import NotFound
from .patients import search_patients

# A select, not a search result page: past this many the desk should type a name to narrow it.
PATIENT_CHOICES = 100
# Free slots offered to move a session to: its own day and this many days either side.
DAYS_AROUND = 2


def patients_to_choose(text: str) -> list[Patient]:
    """Patients whose name or phone matches `text` (all when empty), at most PATIENT_CHOICES."""
    return list(db.session.scalars(search_patients(text).limit(PATIENT_CHOICES)))


def find_patient(patient_id: int) -> Patient | None:
    return db.session.get(Patient, patient_id)


def active_treatment_types() -> list[TreatmentType]:
    return [treatment for treatment in list_treatment_types() if treatment.active]


def chair_names() -> dict[int, str]:
    return {chair.id: chair.name for chair in list_chairs()}


def times_to_move_to(appointment: Appointment, day: date) -> list[Slot]:
    """Every time from DAYS_AROUND days before `day` (clinic-local) to as many after that a
    session standing for `appointment` may be booked at (moved there, or a cancelled one
    replaced), each with the chair it would get, in time order: exactly the times the booking
    accepts, as it asks the same booking.place_in_course. Not its own time when it is to move."""
    clinic = find_clinic()
    if clinic is None:
        return []
    hours = scheduling_rules(clinic).hours
    now = clock.now()
    start = max(hours.day_bounds(day - timedelta(days=DAYS_AROUND)).start, now)
    end = hours.day_bounds(day + timedelta(days=DAYS_AROUND)).end
    if end <= start:
        return []
    calendar = booking.calendar_for(appointment, start, end)
    moving = appointment.status in HOLDING
    slots = []
    for at in grid_starts(calendar.clinic, calendar.treatment, start, end):
        if moving and at == appointment.start_at:
            continue
        try:
            slots.append(booking.place_in_course(appointment, calendar, at, now))
        except SchedulingError:
            continue
    return sorted(slots, key=lambda slot: slot.start)


def free_slots_around(treatment_type_id: int, day: date, reach: int = DAYS_AROUND,
                      preferred_chair_id: int | None = None) -> list[Slot]:
    """Free slots for the treatment from `reach` days before `day` (clinic-local) to `reach`
    days after, each on the preferred chair where it is free. None before the clinic is set up
    or when the treatment is no longer offered: the page then simply has nothing to offer,
    rather than failing."""
    clinic = find_clinic()
    if clinic is None:
        return []
    hours = scheduling_rules(clinic).hours
    start = hours.day_bounds(day - timedelta(days=reach)).start
    end = hours.day_bounds(day + timedelta(days=reach)).end
    if end <= clock.now():
        return []
    try:
        return booking.availability(treatment_type_id, start, end,
                                    preferred_chair_id=preferred_chair_id)
    except NotFound:
        return []


def plan_course(request: CourseRequest, preferred: time | None = None) -> list[Slot]:
    """The planner's schedule, with each session moved to the preferred time of day on its own
    day where a chair is free then and the course's rules still hold. Books nothing."""
    request = booking.in_full(request)  # the rules the moved times must still keep
    planned = booking.plan(request)
    if preferred is None:
        return planned
    rules = scheduling_rules(find_clinic())
    free = [slot for day in {rules.hours.local_date(s.start) for s in planned}
            for slot in free_slots_around(request.treatment_type_id, day, reach=0,
                                          preferred_chair_id=request.preferred_chair_id)]
    return honour_preferred_time(
        planned, free, preferred, rules.hours.timezone,
        lambda starts: course_rule_violation(request.rules, rules, starts) is None)


def chairs_free_at(treatment_type_id: int, start: datetime) -> list[int]:
    """The chairs in use that are free for a whole session of the treatment starting at
    `start`; none when the clinic is not set up or the treatment is no longer offered."""
    clinic = find_clinic()
    treatment = db.session.get(TreatmentType, treatment_type_id)
    if clinic is None or treatment is None or not treatment.active:
        return []
    calendar = load_calendar(clinic, treatment, None, start, start + timedelta(days=1))
    return free_chairs(calendar.chairs, start, start + calendar.treatment.hold)


def chairs_in_use() -> list[tuple[int, str]]:
    """(id, name) of the chairs sessions may be booked in, for a choice of chair."""
    return [(chair.id, chair.name) for chair in list_chairs() if chair.active]
