"""Booking: courses and single sessions, rescheduling, and every status change.

Each public function is one transaction. The engine decides what fits; the database has the
last word: an overlapping hold or a second session for the patient that day fails the insert
(exclusion constraint or trigger, and a unique index), which comes back here as SlotTaken.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from .. import clock, events
from ..engine import appointment_status as status
from ..engine.courses import (INDUCTION, Calendar, CourseRules, fit_starts, place_session, plan_course,
                              session_at, too_close_to)
from ..engine.errors import CourseRuleBroken, NoScheduleFits, SlotTaken
from ..engine.slots import Clinic as ClinicRules, Slot, free_slots
from ..extensions import db
from ..models import Appointment, Chair, Clinic, Clinician, Course, Patient, TreatmentType

from . import audit, locks, observations, staffing
from .calendar import load_calendar
from .clinic import get_clinic, get_treatment_type, scheduling_rules
from .errors import Conflict, Invalid, NotFound
from .patients import get_patient

# How the database names the two refusals, in PostgreSQL's and SQLite's words.
CHAIR_CLASH_MARKS = ("ex_appointment_chair_hold", "chair_hold_overlap")
PATIENT_DAY_MARKS = ("uq_appointment_patient_day", "appointment.local_date")
# PostgreSQL's deadlock_detected and serialization_failure: two bookings checked each other's
# rows at once and the server chose a loser. For the loser it is a lost race, like a clash.
LOST_RACE_SQLSTATES = ("40P01", "40001")
# A course booked without exact times is planned again when a rival takes a slot first.
PLAN_ATTEMPTS = 3
# Most courses find their first session within days, so the planner first reads this much of
# the calendar (plus the course's length), and the whole PLAN_SEARCH_DAYS only when nothing
# fits in it: the bookings it reads, and so its time, drop about threefold.
FIRST_LOOK = timedelta(days=14)
# A course's rules that its request may leave out: the treatment type's protocol names each so,
# and without a protocol these general defaults hold (as they did before protocols).
PROTOCOL_NAMES = {"min_gap_hours": "min_gap_hours", "max_span_days": "max_span_days",
                  "interval_days": "maintenance_interval_days"}
GENERAL_DEFAULTS = {"min_gap_hours": 24, "max_span_days": 21, "interval_days": 28}


@dataclass(frozen=True)
class CourseRequest:
    """A course as asked for; a rule left as None is taken from the treatment type (in_full)."""

    patient_id: int
    treatment_type_id: int
    kind: str
    sessions: int | None = None
    start_on: date | None = None
    min_gap_hours: int | None = None
    max_span_days: int | None = None
    interval_days: int | None = None
    starts: tuple[datetime, ...] | None = None
    clinician_id: int | None = None  # continuity of care: only inside this clinician's shifts
    preferred_chair_id: int | None = None  # taken for each session where it is free, else any

    @property
    def rules(self) -> CourseRules:
        return CourseRules(self.kind, self.sessions, timedelta(hours=self.min_gap_hours),
                           timedelta(days=self.max_span_days), self.interval_days)


def availability(treatment_type_id: int, start: datetime, end: datetime,
                 chair_id: int | None = None, preferred_chair_id: int | None = None) -> list[Slot]:
    clinic = get_clinic()
    treatment = _bookable_treatment(treatment_type_id)
    start = max(start, clock.now())
    calendar = load_calendar(clinic, treatment, None, start, end, chair_id=chair_id,
                             preferred_chair_id=preferred_chair_id)
    return free_slots(calendar.clinic, calendar.treatment, calendar.chairs, start, end, staff=calendar.staff)


def usual_rules(treatment: TreatmentType) -> dict[str, int | None]:
    """The rules a course of this treatment takes where its request is silent: the protocol's,
    else the general defaults. Sessions only an induction's protocol gives (else None)."""
    protocol = treatment.protocol or {}
    rules = {rule: protocol.get(name, GENERAL_DEFAULTS[rule]) for rule, name in PROTOCOL_NAMES.items()}
    return {"sessions": protocol.get("induction_sessions"), **rules}


def in_full(request: CourseRequest, treatment: TreatmentType | None = None) -> CourseRequest:
    """The request with each rule it left out taken from its treatment type (usual_rules)."""
    usual = usual_rules(treatment or _bookable_treatment(request.treatment_type_id))
    if request.kind != INDUCTION:
        usual["sessions"] = None
    given = {rule: getattr(request, rule) for rule in usual}
    rules = {rule: usual[rule] if value is None else value for rule, value in given.items()}
    if rules["sessions"] is None:
        why = ("the treatment type has no protocol to take it from" if request.kind == INDUCTION
               else "a maintenance course has no usual length")
        raise Invalid({"sessions": f"say how many sessions: {why}"})
    return replace(request, **rules)


def plan(request: CourseRequest) -> list[Slot]:
    """The sessions a course would get, without booking anything."""
    # Held for the whole call: the identity map keeps a row only while something refers to it.
    treatment = _bookable_treatment(request.treatment_type_id)
    _, _, slots = _plan_or_fit(in_full(request, treatment))
    db.session.rollback()  # nothing was written; end the read transaction
    return slots


def book_course(request: CourseRequest) -> Course:
    # Held for the whole booking: the identity map keeps a row only while something refers to it.
    treatment = _bookable_treatment(request.treatment_type_id)
    request = in_full(request, treatment)
    attempts = 1 if request.starts else PLAN_ATTEMPTS
    for attempt in range(attempts):
        _lock_patient(request.patient_id)
        clinic, treatment, slots = _plan_or_fit(request)
        if not _staff_still_cover(clinic, treatment, slots, "starts", last=attempt == attempts - 1):
            continue
        _take_turns_for_chairs(clinic, slots)
        course = Course(patient_id=request.patient_id, treatment_type_id=request.treatment_type_id,
                        kind=request.kind, status="active", created_at=clock.now(),
                        min_gap_hours=request.min_gap_hours if request.kind == INDUCTION else None,
                        clinician_id=request.clinician_id, sessions_planned=len(slots))
        db.session.add(course)
        # No autoflush while the sessions are placed: a rival's clash must surface at the flush
        # below, where it means "plan again", not at a half-built course's autoflush, where it
        # escaped as a bare 409.
        with db.session.no_autoflush:
            for number, slot in enumerate(slots, start=1):
                course.appointments.append(
                    _new_appointment(request.patient_id, slot, number, clinic, treatment))
        try:
            db.session.flush()
        except (IntegrityError, OperationalError) as clash:
            _raise_unless_booking_clash(clash, "starts", last=attempt == attempts - 1)
            continue
        events.announce(events.SessionsBooked(clinic, course.appointments, clock.now()))
        audit.record("course.book", "course", course.id, kind=course.kind,
                     appointments=[a.id for a in course.appointments])
        db.session.commit()
        return course
    raise AssertionError("unreachable: the last attempt raises")


def book_appointment(patient_id: int, treatment_type_id: int, start: datetime,
                     chair_id: int | None = None) -> Appointment:
    # With no chair named, a rival desk may take the chosen chair a moment first; another chair
    # free at that time serves the patient as well, so look again (as a course is planned again)
    # before telling the desk the time is gone.
    attempts = 1 if chair_id is not None else PLAN_ATTEMPTS
    for attempt in range(attempts):
        clinic = get_clinic()
        _lock_patient(patient_id)
        treatment = _bookable_treatment(treatment_type_id)
        calendar = load_calendar(clinic, treatment, patient_id, start, start + timedelta(days=1),
                                 chair_id=chair_id)
        slot = place_session(calendar, start, clock.now())
        if not _staff_still_cover(clinic, treatment, [slot], "start", last=attempt == attempts - 1):
            continue
        _take_turns_for_chairs(clinic, [slot])
        with db.session.no_autoflush:  # the clash must surface at the flush below
            appointment = _new_appointment(patient_id, slot, None, clinic, treatment)
        db.session.add(appointment)
        try:
            db.session.flush()
        except (IntegrityError, OperationalError) as clash:
            _raise_unless_booking_clash(clash, "start", last=attempt == attempts - 1)
            continue
        events.announce(events.SessionsBooked(clinic, [appointment], clock.now()))
        audit.record("appointment.book", "appointment", appointment.id, chair_id=slot.chair_id)
        db.session.commit()
        return appointment
    raise AssertionError("unreachable: the last attempt raises")


def reschedule(appointment_id: int, start: datetime, chair_id: int | None = None) -> Appointment:
    appointment = _locked_with_patient(appointment_id)
    now = clock.now()
    new_status = status.next_status(appointment.status, "reschedule", appointment.start_at,
                                     appointment.end_at, now)
    clinic, treatment = get_clinic(), get_treatment_type(appointment.treatment_type_id)
    calendar = calendar_for(appointment, start, start + timedelta(days=1), chair_id)
    slot = place_in_course(appointment, calendar, start, now)
    _staff_still_cover(clinic, treatment, [slot], "start", last=True, moving=appointment.id)
    _take_turns_for_chairs(clinic, [slot])
    previous = appointment.start_at
    _place(appointment, slot, clinic, treatment)
    appointment.status = new_status
    appointment.updated_at = now
    _number_in_order(appointment.course)
    _flush_booking("start")
    events.announce(events.SessionMoved(clinic, appointment, now, moved_from=previous))
    audit.record("appointment.reschedule", "appointment", appointment.id,
                 previous_start=previous.isoformat(), start=slot.start.isoformat(),
                 chair_id=slot.chair_id)
    db.session.commit()
    return appointment


def calendar_for(appointment: Appointment, start: datetime, end: datetime,
                 chair_id: int | None = None) -> Calendar:
    """The calendar a session of the appointment's patient and course is placed in, as if the
    appointment itself were not booked: it is the one moving, or a cancelled one replaced. Its
    own chair first, so a move keeps the chair when it is free; a course's clinician's shifts only."""
    clinic, treatment = get_clinic(), get_treatment_type(appointment.treatment_type_id)
    return load_calendar(clinic, treatment, appointment.patient_id, start, end,
                         chair_id=chair_id, preferred_chair_id=appointment.chair_id,
                         ignore_appointment_id=appointment.id,
                         clinician_id=appointment.course.clinician_id if appointment.course else None)


def place_in_course(appointment: Appointment, calendar: Calendar, start: datetime, now: datetime) -> Slot:
    """The slot a session standing for `appointment` gets at `start` (the appointment moved
    there, or a replacement for it), or the SchedulingError saying why not: a chair, the
    patient's day and staff free, and the course's gap kept. The times a page offers and the
    booking both ask this, so the page never offers a time the booking refuses."""
    slot = place_session(calendar, start, now)
    _keep_induction_gap(appointment, calendar.clinic, slot.start)
    return slot


def _number_in_order(course: Course | None) -> None:
    """Number the course's sessions by their start, cancelled ones included, so "session 4"
    always comes before "session 5" on every page, after a move or a replacement alike."""
    if course is None:
        return
    for number, session in enumerate(sorted(course.appointments, key=_booked_order), start=1):
        session.session_number = number


def may_be_replaced(appointment: Appointment) -> bool:
    """Whether a replacement may be booked for this session: cancelled or missed, of an active
    course still short of a session."""
    return (appointment.status in (status.CANCELLED, status.NO_SHOW) and appointment.course is not None
            and appointment.course.sessions_short > 0)


def book_replacement(appointment_id: int, start: datetime) -> Appointment:
    """Book one session into the course of a cancelled or missed session, at `start`, keeping
    the course's rules as a moved session does (place_in_course)."""
    replaced = _locked_with_patient(appointment_id)
    if not may_be_replaced(replaced):
        raise Conflict("only a cancelled or missed session of a course still short of one can be replaced")
    clinic, treatment = get_clinic(), get_treatment_type(replaced.treatment_type_id)
    slot = place_in_course(replaced, calendar_for(replaced, start, start + timedelta(days=1)), start, clock.now())
    _staff_still_cover(clinic, treatment, [slot], "start", last=True)
    _take_turns_for_chairs(clinic, [slot])
    with db.session.no_autoflush:  # the clash must surface at the flush below
        session = _new_appointment(replaced.patient_id, slot, None, clinic, treatment)
        replaced.course.appointments.append(session)
        _number_in_order(replaced.course)
    _flush_booking("start")
    events.announce(events.SessionsBooked(clinic, [session], clock.now()))
    audit.record("appointment.book", "appointment", session.id, chair_id=slot.chair_id,
                 course_id=replaced.course_id, replaces=replaced.id)
    db.session.commit()
    return session


def book_into_course(course_id: int, start: datetime) -> Appointment:
    """A replacement for the course's latest cancelled or missed session (book_replacement)."""
    course = get_course(course_id)
    missed = [a for a in course.appointments if a.status in (status.CANCELLED, status.NO_SHOW)]
    if not missed or course.sessions_short == 0:
        raise Conflict("the course is not short of a session: none cancelled or missed is left to replace")
    return book_replacement(missed[-1].id, start)


def _booked_order(session: Appointment) -> tuple:
    """Start order; a replacement at its cancelled session's very time (not yet flushed, so
    without an id) after that one."""
    return session.start_at, session.id is None, session.id or 0


def _keep_induction_gap(appointment: Appointment, clinic: ClinicRules, start: datetime) -> None:
    """Refuse a move that brings the session within its course's gap of another, naming both
    sessions with their times on the clinic's clock, as the course's own rules are named."""
    neighbour = gap_neighbour(appointment, clinic, start)
    if neighbour is None:
        return
    other = next(a for a in appointment.course.appointments if a.start_at == neighbour and a.id != appointment.id)
    side = "after" if neighbour < start else "before"
    raise CourseRuleBroken(
        f"{session_at(clinic, appointment.session_number, start)} must start at least "
        f"{appointment.course.min_gap_hours} h {side} "
        f"{session_at(clinic, other.session_number, neighbour, lower=True)}", "start")


def gap_neighbour(appointment: Appointment, clinic: ClinicRules, start: datetime) -> datetime | None:
    """The session of the appointment's induction course that moving it to `start` would bring
    within the course's gap (the gap keeps doses apart), or None.

    The span is not checked: a session put off because the patient was unwell may well end the
    course later than planned. Cancelled and missed sessions held no dose.
    """
    course = appointment.course
    if course is None or not course.min_gap_hours:
        return None
    others = [a.start_at for a in course.appointments
              if a.id != appointment.id and a.status not in (status.CANCELLED, status.NO_SHOW)]
    return too_close_to(clinic, start, others, timedelta(hours=course.min_gap_hours))


def change_status(appointment_id: int, action: str, reason: str | None = None,
                  override_note: str | None = None) -> Appointment:
    """check_in, complete, no_show, confirm or cancel one appointment. Completing follows the
    treatment type's observation plan unless `override_note` (the caller checked the role)."""
    appointment = _locked_appointment(appointment_id)
    previous = appointment.status
    now = clock.now()
    appointment.status = status.next_status(previous, action, appointment.start_at,
                                            appointment.end_at, now)
    appointment.updated_at = now
    if action == "cancel":
        appointment.cancel_reason = reason
    if action == "check_in":
        appointment.checked_in_at = now
    if action == "complete":
        observations.discharge(appointment, override_note, now)
    _tell_the_patient(appointment, action)
    audit.record(f"appointment.{action}", "appointment", appointment.id, previous=previous,
                 status=appointment.status)
    db.session.commit()
    return appointment


def cancel_course(course_id: int, reason: str | None) -> Course:
    """Cancel the course and every session of it that has not started yet."""
    course = db.session.scalar(select(Course).where(Course.id == course_id).with_for_update())
    if course is None:
        raise NotFound("course")
    if course.status == "cancelled":
        raise Conflict("the course is already cancelled")
    now = clock.now()
    cancelled = []
    for appointment in course.appointments:
        if appointment.status in (status.SCHEDULED, status.CONFIRMED) and appointment.start_at > now:
            appointment.status = status.CANCELLED
            appointment.cancel_reason = reason
            appointment.updated_at = now
            cancelled.append(appointment.id)
    course.status = "cancelled"
    events.announce(events.CourseCancelled([a for a in course.appointments if a.id in cancelled], now))
    audit.record("course.cancel", "course", course.id, cancelled=cancelled)
    db.session.commit()
    return course


def get_course(course_id: int) -> Course:
    course = db.session.get(Course, course_id)
    if course is None:
        raise NotFound("course")
    return course


def get_appointment(appointment_id: int) -> Appointment:
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound("appointment")
    return appointment


def _tell_the_patient(appointment: Appointment, action: str) -> None:
    """Write the messages a status change implies (none for check-in or confirmation)."""
    now = clock.now()
    if action == "cancel":
        events.announce(events.SessionCancelled(appointment, now))
    elif action == "no_show":
        events.announce(events.SessionMissed(appointment, now))
    elif action == "complete":
        events.announce(events.SessionCompleted(get_clinic(), appointment, now))


def _lock_patient(patient_id: int) -> None:
    """Hold the patient's row, so one patient's bookings are made one at a time (PostgreSQL;
    SQLite's write transactions are serialized already)."""
    found = db.session.scalar(select(Patient.id).where(Patient.id == patient_id).with_for_update())
    if found is None:
        raise NotFound("patient", "patient_id")


def _refuse_second_running_course(request: CourseRequest) -> None:
    """One induction (or maintenance) course at a time: a second one beside a course that still
    has sessions to come is almost always a slip, and doubles the patient's doses."""
    running = db.session.scalar(
        select(Course.id).join(Appointment, Appointment.course_id == Course.id).where(
            Course.patient_id == request.patient_id, Course.kind == request.kind,
            Course.status == "active", Appointment.status.in_(status.HOLDING),
            Appointment.start_at > clock.now()).limit(1))
    if running is not None:
        raise Conflict(f"the patient already has an {request.kind} course with sessions to come; "
                       "cancel it first on the patient's page", "kind")


def _plan_or_fit(request: CourseRequest) -> tuple[Clinic, TreatmentType, list[Slot]]:
    """The course's sessions, with the clinic and treatment type read for them (once: callers
    place the sessions with the same rows)."""
    clinic = get_clinic()
    get_patient(request.patient_id, "patient_id")
    _refuse_second_running_course(request)
    treatment = _bookable_treatment(request.treatment_type_id)
    _refuse_unknown_clinician(request.clinician_id)
    _refuse_unknown_chair(request.preferred_chair_id)
    hours = scheduling_rules(clinic).hours
    now = clock.now()
    first_day = request.start_on or hours.local_date(now)
    if request.starts:
        calendar = load_calendar(clinic, treatment, request.patient_id, min(request.starts),
                                 max(request.starts) + timedelta(days=1), clinician_id=request.clinician_id,
                                 preferred_chair_id=request.preferred_chair_id)
        return clinic, treatment, fit_starts(calendar, request.rules, request.starts, first_day, now)
    not_before = max(now, hours.local(first_day, time(0)))
    search_until = not_before + timedelta(days=current_app.config["PLAN_SEARCH_DAYS"])
    first_look = min(not_before + FIRST_LOOK, search_until)
    try:
        return clinic, treatment, _plan_within(clinic, treatment, request, not_before, first_look)
    except NoScheduleFits:
        if first_look == search_until:
            raise
    # plan_course gives the earliest schedule, so one found in the first look is the one the
    # whole range would give too; only when there is none must the rest be read.
    return clinic, treatment, _plan_within(clinic, treatment, request, not_before, search_until)


def _plan_within(clinic, treatment: TreatmentType, request: CourseRequest, not_before: datetime,
                 search_until: datetime) -> list[Slot]:
    """The earliest schedule whose first session starts by search_until, from a calendar that
    reaches just past the last session such a course could have."""
    calendar = load_calendar(clinic, treatment, request.patient_id, not_before,
                             search_until + _course_length(request) + timedelta(days=1),
                             clinician_id=request.clinician_id,
                             preferred_chair_id=request.preferred_chair_id)
    return plan_course(calendar, request.rules, not_before, search_until)


def _refuse_unknown_clinician(clinician_id: int | None) -> None:
    if clinician_id is not None:
        clinician = db.session.get(Clinician, clinician_id)
        if clinician is None or not clinician.active:
            raise NotFound("active clinician", "clinician_id")


def _refuse_unknown_chair(chair_id: int | None) -> None:
    if chair_id is not None:
        chair = db.session.get(Chair, chair_id)
        if chair is None or not chair.active:
            raise NotFound("chair in use", "preferred_chair_id")


def _course_length(request: CourseRequest) -> timedelta:
    if request.kind == INDUCTION:
        return timedelta(days=request.max_span_days)
    return timedelta(days=request.interval_days * max(request.sessions - 1, 0))


def _bookable_treatment(treatment_type_id: int) -> TreatmentType:
    treatment = get_treatment_type(treatment_type_id, "treatment_type_id")
    if not treatment.active:
        raise NotFound("active treatment type", "treatment_type_id")
    return treatment


def _new_appointment(patient_id: int, slot: Slot, session_number: int | None, clinic: Clinic,
                     treatment: TreatmentType) -> Appointment:
    now = clock.now()
    appointment = Appointment(patient_id=patient_id, treatment_type_id=treatment.id,
                              session_number=session_number, status=status.SCHEDULED,
                              created_at=now, updated_at=now)
    _place(appointment, slot, clinic, treatment)
    return appointment


def _place(appointment: Appointment, slot: Slot, clinic: Clinic, treatment: TreatmentType) -> None:
    """Put the appointment at the slot: its chair, its times, its day in the clinic's zone."""
    appointment.chair_id = slot.chair_id
    appointment.start_at = slot.start
    appointment.end_at = slot.end
    appointment.held_until = slot.end + timedelta(minutes=treatment.buffer_minutes)
    appointment.local_date = scheduling_rules(clinic).hours.local_date(slot.start)


def _locked_with_patient(appointment_id: int) -> Appointment:
    """The appointment locked for a change that renumbers its course: after its patient's row,
    so two desks changing one course's sessions take turns (as bookings do), each then reading
    the course as the other left it: what was read before the lock is read again."""
    _lock_patient(get_appointment(appointment_id).patient_id)
    db.session.expire_all()
    return _locked_appointment(appointment_id)


def _locked_appointment(appointment_id: int) -> Appointment:
    """Load for a change, holding the row so two staff cannot change it at once."""
    appointment = db.session.scalar(
        select(Appointment).where(Appointment.id == appointment_id).with_for_update())
    if appointment is None:
        raise NotFound("appointment")
    return appointment


def _take_turns_for_chairs(clinic: Clinic, slots: list[Slot]) -> None:
    """Wait for any rival writing to the same chairs on the same days (services.locks): its row
    then stops this booking at once, instead of both waiting on each other in the constraint."""
    hours = scheduling_rules(clinic).hours
    locks.hold_chair_days((slot.chair_id, hours.local_date(slot.start)) for slot in slots)


def _staff_still_cover(clinic: Clinic, treatment: TreatmentType, slots: list[Slot], field: str,
                       last: bool, moving: int | None = None) -> bool:
    """Whether staff still cover the slots, checked under the days' locks (staffing.hold_cover).
    When a rival took the cover first: False to plan again, or, on the last attempt, SlotTaken."""
    try:
        staffing.hold_cover(clinic, treatment, slots, ignore_appointment_id=moving)
    except staffing.CoverTaken:
        db.session.rollback()  # lets go of the days' locks before planning again
        if last:
            raise SlotTaken("another booking took the last clinician cover for this time first", field)
        return False
    return True


def _flush_booking(field: str) -> None:
    try:
        db.session.flush()
    except (IntegrityError, OperationalError) as clash:
        _raise_unless_booking_clash(clash, field, last=True)


def is_lost_race(error: DBAPIError) -> bool:
    return getattr(error.orig, "sqlstate", None) in LOST_RACE_SQLSTATES


def _raise_unless_booking_clash(clash: DBAPIError, field: str, last: bool) -> None:
    """Turn the database's refusal of an overlap into SlotTaken; re-raise anything else."""
    db.session.rollback()
    text = str(clash.orig)
    if any(mark in text for mark in CHAIR_CLASH_MARKS) or is_lost_race(clash):
        message = "another booking took this chair and time first"
    elif any(mark in text for mark in PATIENT_DAY_MARKS):
        message = "the patient already has a session that day"
    else:
        raise clash
    if last:
        raise SlotTaken(message, field)
