"""The clinic's set-up: settings, chairs and treatment types (admin work)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from .. import clock, events
from ..engine.appointment_status import HOLDING
from ..engine.hours import OpeningHours
from ..engine.slots import Clinic as ClinicRules, Treatment
from ..extensions import db
from ..models import Appointment, Chair, Clinic, TreatmentType
from ..models.clinic import DEFAULT_CHECKIN_RULES, DEFAULT_OPENING_HOURS, DEFAULT_REMINDER_RULES, TREATMENT_CHAIR
from . import audit
from .errors import Conflict, Invalid, NotFound


def find_clinic() -> Clinic | None:
    return db.session.get(Clinic, 1)


def get_clinic() -> Clinic:
    """The clinic, for work that needs its settings (time zone, hours): 409 until set up."""
    clinic = find_clinic()
    if clinic is None:
        raise Conflict("the clinic is not set up yet: an admin must set its time zone and hours")
    return clinic


def update_clinic(changes: dict[str, Any]) -> Clinic:
    """Apply the given settings; on the very first call, name and timezone are required."""
    clinic = find_clinic()
    if clinic is None:
        missing = [f for f in ("name", "timezone") if f not in changes]
        if missing:
            raise Invalid({field: "is required when the clinic is first set up" for field in missing})
        clinic = Clinic(id=1, opening_hours=DEFAULT_OPENING_HOURS, closed_dates=[], slot_step_minutes=15,
                        reminder_rules=DEFAULT_REMINDER_RULES, checkin_rules=DEFAULT_CHECKIN_RULES,
                        quiet_hours={"start": "21:00", "end": "08:00"},
                        alert_score_at_or_below=3, escalation_minutes=60)
        db.session.add(clinic)
    _refuse_what_a_reaction_refuses(clinic, changes)
    moved_zone = "timezone" in changes and changes["timezone"] != clinic.timezone
    for field, value in changes.items():
        setattr(clinic, field, value)
    if moved_zone:
        _redate_upcoming_sessions(clinic)
    audit.record("clinic.update", "clinic", 1, fields=sorted(changes))
    db.session.commit()
    return clinic


def _refuse_what_a_reaction_refuses(clinic: Clinic, changes: dict[str, Any]) -> None:
    """Let whoever is wired check the settings as they would be (notifications: no text may
    say what a patient is treated for, so neither may the names texts go out under)."""
    after = {field: getattr(clinic, field, None) for field in Clinic.__table__.columns.keys()} | changes
    try:
        with db.session.no_autoflush:  # a first set-up's row is not whole until the changes apply
            events.announce(events.ClinicSettingsChanging(after))
    except Invalid:
        db.session.rollback()  # a first set-up's new row is not kept either
        raise


def _redate_upcoming_sessions(clinic: Clinic) -> None:
    """Sessions keep their instants when the clinic's zone changes, but their local day (which
    "one session per patient per day" is checked on) must follow the new zone."""
    hours = scheduling_rules(clinic).hours
    upcoming = select(Appointment).where(Appointment.status.in_(HOLDING),
                                         Appointment.start_at > clock.now())
    for appointment in db.session.scalars(upcoming):
        appointment.local_date = hours.local_date(appointment.start_at)


def scheduling_rules(clinic: Clinic) -> ClinicRules:
    """The clinic as the scheduling engine sees it."""
    hours = OpeningHours.from_settings(clinic.timezone, clinic.opening_hours, clinic.closed_dates)
    return ClinicRules(hours,
                       timedelta(minutes=clinic.slot_step_minutes))


def list_chairs() -> list[Chair]:
    return list(db.session.scalars(select(Chair).order_by(Chair.id)))


def create_chair(name: str, active: bool = True, kind: str = TREATMENT_CHAIR) -> Chair:
    return _create_named(Chair(name=name, active=active, kind=kind), "chair")


def list_treatment_types() -> list[TreatmentType]:
    return list(db.session.scalars(select(TreatmentType).order_by(TreatmentType.id)))


def create_treatment_type(**fields: Any) -> TreatmentType:
    treatment = TreatmentType(**fields)
    _refuse_what_a_reaction_refuses_of(treatment, fields)
    return _create_named(treatment, "treatment_type")


def get_treatment_type(type_id: int, field: str | None = None) -> TreatmentType:
    found = db.session.get(TreatmentType, type_id)
    if found is None:
        raise NotFound("treatment type", field)
    return found


def treatment_rules(treatment: TreatmentType) -> Treatment:
    return Treatment(timedelta(minutes=treatment.duration_minutes),
                     timedelta(minutes=treatment.buffer_minutes))


def _create_named(thing, object_type: str):
    model = type(thing)
    if db.session.scalar(select(model.id).where(model.name == thing.name)):
        raise Conflict(f"a {object_type.replace('_', ' ')} with this name exists", "name")
    db.session.add(thing)
    db.session.flush()
    audit.record(f"{object_type}.create", object_type, thing.id)
    db.session.commit()
    return thing


# --- Editing chairs and treatment types (the admin pages) ---------------------------------

def get_chair(chair_id: int, field: str | None = None) -> Chair:
    found = db.session.get(Chair, chair_id)
    if found is None:
        raise NotFound("chair", field)
    return found


def update_chair(chair_id: int, **changes: Any) -> Chair:
    """Rename a chair, take it in or out of use, or make it a room. Sessions already booked in a
    chair taken out of use (or made a room) stay booked (the schedule still shows them); only
    new bookings avoid it."""
    return _update_named(get_chair(chair_id), "chair", changes)


def update_treatment_type(type_id: int, **changes: Any) -> TreatmentType:
    """Change a treatment type. Sessions already booked keep the times they were booked with;
    the new duration and buffer apply to bookings made from now on."""
    treatment = get_treatment_type(type_id)
    _refuse_what_a_reaction_refuses_of(treatment, changes)
    return _update_named(treatment, "treatment_type", changes)


def _refuse_what_a_reaction_refuses_of(treatment: TreatmentType, changes: dict[str, Any]) -> None:
    """As for the clinic's settings: its short SMS line goes out by text, so it is checked."""
    after = {field: getattr(treatment, field, None) for field in TreatmentType.__table__.columns.keys()}
    events.announce(events.TreatmentTypeChanging(after | changes))


def upcoming_sessions_in_chair(chair_id: int) -> int:
    """How many sessions still to come hold this chair: the front desk may want to move them."""
    return db.session.scalar(select(func.count(Appointment.id)).where(
        Appointment.chair_id == chair_id, Appointment.status.in_(HOLDING),
        Appointment.start_at > clock.now())) or 0


def _update_named(thing, object_type: str, changes: dict[str, Any]):
    model = type(thing)
    name = changes.get("name")
    if name is not None and db.session.scalar(
            select(model.id).where(model.name == name, model.id != thing.id)):
        raise Conflict(f"a {object_type.replace('_', ' ')} with this name exists", "name")
    for field, value in changes.items():
        setattr(thing, field, value)
    audit.record(f"{object_type}.update", object_type, thing.id, fields=sorted(changes))
    db.session.commit()
    return thing
