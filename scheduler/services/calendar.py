"""Loading what the engine needs from the database: the chairs' holds, the patient's days, and
the clinicians on shift with what booked sessions already use of them.

Only the bookings that can touch the asked range are read: the query is bounded on both sides
of `start_at`, so it is an index range scan whatever the size of the table.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select

from ..engine.appointment_status import HOLDING
from ..engine.courses import Calendar
from ..engine.slots import Timeline, patient_days
from ..engine.staffing import NOBODY_NEEDED, AllOf, Cover, OnShift, cover_for, needs_of
from ..extensions import db
from ..models import Appointment, Chair, Clinic, Clinician, Shift, TreatmentType
from ..models.clinic import TREATMENT_CHAIR
from .clinic import scheduling_rules, treatment_rules
from .errors import NotFound

# No hold is longer than a day (treatment types cap duration plus buffer at 16 hours), so a
# hold that overlaps the range started at most this long before it.
LONGEST_HOLD = timedelta(days=1)


def load_calendar(clinic: Clinic, treatment: TreatmentType, patient_id: int | None,
                  start: datetime, end: datetime, *, chair_id: int | None = None,
                  preferred_chair_id: int | None = None,
                  ignore_appointment_id: int | None = None, clinician_id: int | None = None) -> Calendar:
    """The calendar for booking `treatment` between `start` and `end`; with `clinician_id`, only
    inside that clinician's shifts (a course booked with a named clinician)."""
    rules = scheduling_rules(clinic)
    chair_ids = _bookable_chairs(chair_id, preferred_chair_id)
    needs = needs_of(treatment.staffing or ())
    if needs:
        # One read of the sessions around the range serves both the chairs and the staff.
        booked = _sessions_around(start, end, ignore_appointment_id)
        holds = _by_chair(chair_ids, ((c, s, held) for c, s, _, held, _ in booked if held > start))
        staff = staff_cover(treatment, start, end, ignore_appointment_id, booked)
    else:
        holds = _holds_by_chair(chair_ids, start, end, ignore_appointment_id)
        staff = NOBODY_NEEDED
    if clinician_id is not None:
        staff = AllOf((staff, OnShift(_shifts_of(clinician_id, start - LONGEST_HOLD, end + LONGEST_HOLD))))
    patient = Timeline()
    if patient_id is not None:
        starts = _patient_session_starts(patient_id, start - LONGEST_HOLD, end + LONGEST_HOLD,
                                         ignore_appointment_id)
        patient = patient_days(rules.hours, starts)
    chairs = {cid: Timeline(holds.get(cid, ())) for cid in chair_ids}
    return Calendar(rules, treatment_rules(treatment), chairs, patient, staff)


def staff_cover(treatment: TreatmentType, start: datetime, end: datetime,
                ignore_appointment_id: int | None = None, booked: list | None = None) -> Cover:
    """Who can cover `treatment`'s sessions starting in [start, end): the shifts of the roles it
    needs, less what the sessions booked then (of every treatment type) already use. `booked`:
    the rows of _sessions_around, when the caller has read them already."""
    needs = needs_of(treatment.staffing or ())
    if not needs:
        return NOBODY_NEEDED
    low, high = start - LONGEST_HOLD, end + LONGEST_HOLD
    shifts = shifts_by_role(low, high, roles=list(needs))
    needs_by_type = needs_by_treatment_type()
    if booked is None:
        booked = _sessions_around(start, end, ignore_appointment_id)
    sessions = [(s, e, needs_by_type[type_id]) for _, s, e, _, type_id in booked
                if type_id in needs_by_type and e > low]
    return cover_for(needs, shifts, sessions)


def shifts_by_role(low: datetime, high: datetime, roles: list[str] | None = None) -> dict[str, list]:
    """{role: [(start, end)]} of the shifts of clinicians on the rota overlapping [low, high),
    of the given roles only, or of all."""
    query = (select(Clinician.role, Shift.start_at, Shift.end_at).join(Shift.clinician)
             .where(Clinician.active.is_(True), Shift.start_at < high, Shift.end_at > low))
    if roles is not None:
        query = query.where(Clinician.role.in_(roles))
    shifts: dict[str, list] = defaultdict(list)
    for role, shift_start, shift_end in db.session.execute(query):
        shifts[role].append((shift_start, shift_end))
    return shifts


def needs_by_treatment_type() -> dict[int, dict]:
    """Each treatment type's needs, read once: a month of sessions shares a handful of them.
    Types that need nobody are left out."""
    return {type_id: needs_of(staffing) for type_id, staffing in db.session.execute(
        select(TreatmentType.id, TreatmentType.staffing)) if staffing}


def _shifts_of(clinician_id: int, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    return [(shift_start, shift_end) for shift_start, shift_end in db.session.execute(
        select(Shift.start_at, Shift.end_at).where(
            Shift.clinician_id == clinician_id, Shift.start_at < end, Shift.end_at > start))]


def _sessions_around(start: datetime, end: datetime, ignore_appointment_id: int | None) -> list:
    """(chair_id, start_at, end_at, held_until, treatment_type_id) of every session holding its
    chair that can touch a session starting in [start, end): from a day before (a hold reaches
    back at most LONGEST_HOLD) to a day after (a session starting before `end` runs past it)."""
    query = (select(Appointment.chair_id, Appointment.start_at, Appointment.end_at, Appointment.held_until,
                    Appointment.treatment_type_id)
             .where(Appointment.status.in_(HOLDING), Appointment.start_at >= start - 2 * LONGEST_HOLD,
                    Appointment.start_at < end + LONGEST_HOLD))
    if ignore_appointment_id is not None:
        query = query.where(Appointment.id != ignore_appointment_id)
    # On the session's connection, not through the ORM: thousands of plain rows, no objects.
    return db.session.connection().execute(query).all()


def _bookable_chairs(chair_id: int | None, preferred_chair_id: int | None) -> list[int]:
    """The treatment chairs in use: a room (recovery, consult) is never booked for a dose, so
    booking, free slots, planning, moving and the waitlist's offers never land in one."""
    active = list(db.session.scalars(
        select(Chair.id).where(Chair.active.is_(True), Chair.kind == TREATMENT_CHAIR).order_by(Chair.id)))
    if chair_id is not None:
        if chair_id not in active:
            raise NotFound("treatment chair in use", "chair_id")
        return [chair_id]
    if preferred_chair_id in active:
        active.remove(preferred_chair_id)
        active.insert(0, preferred_chair_id)
    return active


def _holds_by_chair(chair_ids: list[int], start: datetime, end: datetime,
                    ignore_appointment_id: int | None) -> dict[int, list[tuple[datetime, datetime]]]:
    query = select(Appointment.chair_id, Appointment.start_at, Appointment.held_until).where(
        Appointment.status.in_(HOLDING),
        Appointment.start_at >= start - LONGEST_HOLD,
        Appointment.start_at < end,
        Appointment.held_until > start,
    )
    if ignore_appointment_id is not None:
        query = query.where(Appointment.id != ignore_appointment_id)
    return _by_chair(chair_ids, db.session.execute(query))


def _by_chair(chair_ids: list[int], holds) -> dict[int, list[tuple[datetime, datetime]]]:
    """(chair_id, start, end) holds, grouped by chair, for the chairs asked about."""
    by_chair: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    wanted = set(chair_ids)
    for chair_id, hold_start, hold_end in holds:
        if chair_id in wanted:
            by_chair[chair_id].append((hold_start, hold_end))
    return by_chair


def _patient_session_starts(patient_id: int, start: datetime, end: datetime,
                            ignore_appointment_id: int | None) -> list[datetime]:
    query = select(Appointment.start_at).where(
        Appointment.patient_id == patient_id,
        Appointment.status.in_(HOLDING),
        Appointment.start_at >= start,
        Appointment.start_at < end,
    )
    if ignore_appointment_id is not None:
        query = query.where(Appointment.id != ignore_appointment_id)
    return list(db.session.scalars(query))
