"""Clinicians and their shifts, and the guarantee that no booking uses more of them than are on
shift, however many desks book at once.

Planning reads the cover without locks, like the chairs. What makes it a guarantee is
`hold_cover`: before a booking that needs staff writes, it takes a transaction lock on each
clinic day it touches (PostgreSQL advisory locks, taken in date order so two bookings never wait
for each other in a circle) and checks the cover again with what is committed by then. SQLite
runs one writing transaction at a time, so the check there is already alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import Any, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import clock, events
from ..engine.appointment_status import COMPLETED, HOLDING
from ..engine.slots import Slot
from ..engine.staffing import cover_for, most_in_use, needs_of, weekly_shifts
from ..extensions import db
from ..models import Appointment, Clinic, Clinician, Shift, TreatmentType
from ..models.staffing import ROLES
from . import audit, locks
from .calendar import LONGEST_HOLD, needs_by_treatment_type, shifts_by_role, staff_cover
from .clinic import get_clinic, scheduling_rules
from .errors import Conflict, NotFound



class CoverTaken(Exception):
    """Another booking used the last cover first; plan again or tell the desk (409)."""


# --- clinicians -------------------------------------------------------------------------------

def list_clinicians(active: bool | None = None) -> list[Clinician]:
    query = select(Clinician).order_by(Clinician.role, Clinician.name, Clinician.id)
    if active is not None:
        query = query.where(Clinician.active.is_(active))
    return list(db.session.scalars(query))


def known_roles() -> list[str]:
    """Prescriber and nurse first, then any role the clinic added."""
    added = set(db.session.scalars(select(Clinician.role).distinct())) - set(ROLES)
    return [*ROLES, *sorted(added)]


def get_clinician(clinician_id: int) -> Clinician:
    found = db.session.get(Clinician, clinician_id)
    if found is None:
        raise NotFound("clinician")
    return found


def create_clinician(fields: dict[str, Any]) -> Clinician:
    clinician = Clinician(**fields)
    db.session.add(clinician)
    db.session.flush()
    audit.record("clinician.create", "clinician", clinician.id, role=clinician.role)
    db.session.commit()
    return clinician


def update_clinician(clinician_id: int, changes: dict[str, Any]) -> Clinician:
    """Rename, change the role, or take off the rota (inactive: their shifts no longer count).
    Refused, like removing a shift, when booked sessions would lose their cover."""
    clinician = _locked_clinician(clinician_id)
    spans = [(s.start_at, s.end_at) for s in clinician.shifts if s.end_at > clock.now()]
    _lock_days_of(spans)
    for field, value in changes.items():
        setattr(clinician, field, value)
    db.session.flush()
    _refuse_uncovered(spans, force=False)
    audit.record("clinician.update", "clinician", clinician.id, fields=sorted(changes))
    db.session.commit()
    return clinician


# --- shifts -----------------------------------------------------------------------------------

def list_shifts(clinician_id: int, start: datetime | None, end: datetime | None) -> list[Shift]:
    get_clinician(clinician_id)
    query = select(Shift).where(Shift.clinician_id == clinician_id).order_by(Shift.start_at)
    if start is not None:
        query = query.where(Shift.end_at > start)
    if end is not None:
        query = query.where(Shift.start_at < end)
    return list(db.session.scalars(query))


def add_shifts(clinician_id: int, spans: Sequence[tuple[datetime, datetime]]) -> list[Shift]:
    """One shift or a whole rota at once, all or none; a clinician is never on two at a time."""
    _locked_clinician(clinician_id)
    ordered = sorted(spans)
    for (_, end), (start, _) in zip(ordered, ordered[1:]):
        if start < end:
            raise Conflict(f"two of the new shifts overlap on {_local(start, '%a %d %b %Y')}", "start")
    if ordered:
        clash = _first_clash(clinician_id, ordered)
        if clash is not None:  # said in the clinic's clock, as staff planned it
            raise Conflict(f"the clinician already has a shift from {_local(clash.start_at, '%a %d %b %Y %H:%M')} "
                           f"to {_local(clash.end_at, '%H:%M %Z')}", "start")
    shifts = [Shift(clinician_id=clinician_id, start_at=start, end_at=end) for start, end in ordered]
    db.session.add_all(shifts)
    db.session.flush()
    audit.record("shift.create", "clinician", clinician_id, shifts=[s.id for s in shifts])
    events.announce(events.ShiftsAdded(ordered))  # e.g. the waitlist offers what they free
    db.session.commit()
    return shifts


def add_weekly_shifts(clinician_id: int, pattern: dict, first: date, last: date,
                      except_days: Iterable[date]) -> list[Shift]:
    """A weekly pattern in the clinic's wall-clock times, as the shifts it makes."""
    zone = scheduling_rules(get_clinic()).hours.timezone
    return add_shifts(clinician_id, weekly_shifts(pattern, first, last, except_days, zone))


def remove_shift(shift_id: int, force: bool = False) -> list[Appointment]:
    """Delete a shift. Refused (409, listing them) when booked sessions would be left without
    cover; with `force`, done, and those sessions are answered for the front desk to move."""
    shift = db.session.get(Shift, shift_id)
    if shift is None:
        raise NotFound("shift")
    _locked_clinician(shift.clinician_id)
    span = [(shift.start_at, shift.end_at)]
    _lock_days_of(span)
    db.session.delete(shift)
    db.session.flush()
    uncovered = _refuse_uncovered(span, force)
    audit.record("shift.delete", "clinician", shift.clinician_id, shift=shift_id, forced=bool(uncovered))
    db.session.commit()
    return uncovered


# --- a day's staffing, as the schedule shows it ------------------------------------------------

@dataclass(frozen=True)
class RoleOnShift:
    """One role over a span: how many people are on shift (and from when to when, between
    them), and the most of them the sessions use at once."""

    role: str
    people: int
    first: datetime | None
    last: datetime | None
    most_in_use: Fraction


def shifts_between(start: datetime, end: datetime) -> list[Shift]:
    """The shifts of active clinicians overlapping [start, end), with their clinicians, by role,
    start and name."""
    return list(db.session.scalars(
        select(Shift).join(Shift.clinician).options(joinedload(Shift.clinician))
        .where(Clinician.active.is_(True), Shift.start_at < end, Shift.end_at > start)
        .order_by(Clinician.role, Shift.start_at, Clinician.name)))


def roles_on_shift(start: datetime, end: datetime, shifts: Sequence[Shift]) -> list[RoleOnShift]:
    """Each role on shift in [start, end) or needed by a session then, with its busiest moment
    (completed sessions count: they used the staff too)."""
    in_use: dict[str, list] = {}
    for session_start, session_end, staffing in db.session.execute(
            select(Appointment.start_at, Appointment.end_at, TreatmentType.staffing)
            .join(TreatmentType, Appointment.treatment_type_id == TreatmentType.id)
            .where(Appointment.status.in_((*HOLDING, COMPLETED)), Appointment.start_at < end,
                   Appointment.end_at > start)):
        for role, share in needs_of(staffing or ()).items():
            in_use.setdefault(role, []).append((session_start, session_end, share))
    roles = sorted({s.clinician.role for s in shifts} | set(in_use))
    result = []
    for role in roles:
        theirs = [s for s in shifts if s.clinician.role == role]
        result.append(RoleOnShift(role, len({s.clinician_id for s in theirs}),
                                  min((s.start_at for s in theirs), default=None),
                                  max((s.end_at for s in theirs), default=None),
                                  most_in_use(in_use.get(role, ()))))
    return result


# --- the guarantee ----------------------------------------------------------------------------

def hold_cover(clinic: Clinic, treatment: TreatmentType, slots: Sequence[Slot],
               ignore_appointment_id: int | None = None) -> None:
    """Inside the booking's transaction, before it writes: lock the days of `slots` and check
    that staff still cover each; CoverTaken when a rival booking used it first."""
    if not treatment.staffing or not slots:
        return
    hours = scheduling_rules(clinic).hours
    locks.hold_staffing_days(hours.local_date(slot.start) for slot in slots)
    cover = staff_cover(treatment, min(s.start for s in slots), max(s.end for s in slots),
                        ignore_appointment_id)
    if any(cover.busy_until(slot.start, slot.end) for slot in slots):
        raise CoverTaken()


def uncovered_sessions(start: datetime, end: datetime) -> list[Appointment]:
    """Booked sessions in [start, end) that use more of some role than is on shift then (a shift
    was removed with force, or a clinician left the rota): for the front desk to move."""
    sessions = list(db.session.scalars(
        select(Appointment).where(Appointment.status.in_(HOLDING), Appointment.start_at < end,
                                  Appointment.end_at > start).order_by(Appointment.start_at)))
    staffing = needs_by_treatment_type()
    roles = {role for needs in staffing.values() for role in needs}
    if not roles:
        return []
    shifts = shifts_by_role(start - LONGEST_HOLD, end + LONGEST_HOLD)
    in_use = [(a.start_at, a.end_at, staffing.get(a.treatment_type_id, {})) for a in sessions]
    cover = cover_for({role: 0 for role in roles}, shifts, in_use)
    short = [(role, span) for role in roles for span in cover.roles[role].shortfalls()]
    return [a for a in sessions if any(role in staffing.get(a.treatment_type_id, {})
                                       and a.start_at < span_end and a.end_at > span_start
                                       for role, (span_start, span_end) in short)]


def _refuse_uncovered(spans: Sequence[tuple[datetime, datetime]], force: bool) -> list[Appointment]:
    if not spans:
        return []
    uncovered = uncovered_sessions(min(s for s, _ in spans), max(e for _, e in spans))
    if uncovered and not force:
        raise Conflict(f"{len(uncovered)} booked session(s) would have no clinician to cover them; "
                       "move them first, or remove the shift with force", None,
                       {"appointments": [{"id": a.id, "start": a.start_at.isoformat(),
                                          "patient_id": a.patient_id} for a in uncovered]})
    return uncovered


def _local(instant: datetime, style: str) -> str:
    return instant.astimezone(scheduling_rules(get_clinic()).hours.timezone).strftime(style)


def _first_clash(clinician_id: int, ordered: Sequence[tuple[datetime, datetime]]) -> Shift | None:
    existing = db.session.scalars(select(Shift).where(
        Shift.clinician_id == clinician_id, Shift.start_at < ordered[-1][1],
        Shift.end_at > ordered[0][0]).order_by(Shift.start_at))
    return next((s for s in existing if any(s.start_at < end and start < s.end_at for start, end in ordered)), None)


def _locked_clinician(clinician_id: int) -> Clinician:
    """The clinician's row held, so their shifts change one request at a time."""
    clinician = db.session.scalar(select(Clinician).where(Clinician.id == clinician_id).with_for_update())
    if clinician is None:
        raise NotFound("clinician")
    return clinician


def _lock_days_of(spans: Iterable[tuple[datetime, datetime]]) -> None:
    hours = scheduling_rules(get_clinic()).hours
    days = set()
    for start, end in spans:
        day = hours.local_date(start)
        while day <= hours.local_date(end):
            days.add(day)
            day = date.fromordinal(day.toordinal() + 1)
    locks.hold_staffing_days(days)
