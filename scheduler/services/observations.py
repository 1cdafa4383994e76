"""Observation during a session: readings staff record, the discharge rule the treatment type's
plan sets, and the monitoring form a completed session leaves to file."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import g
from sqlalchemy import Select, select

from .. import clock
from ..engine import appointment_status as status
from ..engine.observation import Reading, discharge_refusals, observation_start, out_of_range
from ..extensions import db
from ..models import Appointment, MonitoringForm, Observation, StaffUser, TreatmentType
from . import audit
from .clinic import get_clinic
from .errors import Conflict, Invalid, NotFound

DUE, OVERDUE, FILED = "due", "overdue", "filed"


def plan_of(appointment: Appointment) -> dict[str, Any] | None:
    return db.session.get(TreatmentType, appointment.treatment_type_id).observation


def started_at(appointment: Appointment) -> datetime:
    """Where the session's observation clock starts (check-in, not before the booked start).
    A session checked in before check-in times were kept counts from its start."""
    return observation_start(appointment.checked_in_at or appointment.start_at, appointment.start_at)


def readings_of(appointment_id: int) -> list[Observation]:
    return list(db.session.scalars(select(Observation).where(Observation.appointment_id == appointment_id)
                                   .order_by(Observation.at, Observation.id)))


def as_readings(observations: list[Observation]) -> list[Reading]:
    return [Reading(o.name, o.values, o.at) for o in observations]


def record(appointment_id: int, name: str, values: dict[str, float], at: datetime | None = None,
           note: str | None = None) -> dict[str, Any]:
    """Keep one reading of a checked-in session, with who entered it and when."""
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound("appointment")
    if appointment.status != status.CHECKED_IN:
        raise Conflict("readings are taken while the patient is checked in")
    plan = plan_of(appointment) or {}
    if name not in {check["name"] for check in plan.get("checks", [])}:
        raise Invalid({"name": "not a check of this treatment type's observation plan"})
    now = clock.now()
    at = at or now
    if at > now + timedelta(minutes=1):
        raise Invalid({"at": "must not be in the future"})
    if at < started_at(appointment) - timedelta(hours=1):
        raise Invalid({"at": "before the session's observation began"})
    reading = Observation(appointment_id=appointment_id, name=name, values=values, at=at, note=note,
                          recorded_by=g.staff.id, recorded_at=now)
    db.session.add(reading)
    db.session.flush()
    audit.record("observation.record", "observation", reading.id, appointment_id=appointment_id)
    db.session.commit()
    return shown(reading, plan)


def list_for(appointment_id: int) -> list[dict[str, Any]]:
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound("appointment")
    plan = plan_of(appointment) or {}
    return [shown(o, plan) for o in readings_of(appointment_id)]


def shown(reading: Observation, plan: dict[str, Any]) -> dict[str, Any]:
    """A reading as the API and the pages show it: with who entered it and what is out of range."""
    return {"id": reading.id, "appointment_id": reading.appointment_id, "name": reading.name,
            "values": reading.values, "at": reading.at, "note": reading.note,
            "recorded_by": db.session.get(StaffUser, reading.recorded_by).email,
            "recorded_at": reading.recorded_at,
            "out_of_range": out_of_range(reading.values, plan.get("ranges", {}))}


def what_holds_the_patient(appointment: Appointment, now: datetime) -> list[str]:
    """Why the observation plan keeps the patient in now, in words; empty: they may go home."""
    return discharge_refusals(plan_of(appointment), started_at(appointment),
                              as_readings(readings_of(appointment.id)), now)


def discharge(appointment: Appointment, override_note: str | None, now: datetime) -> None:
    """Inside a completion: refuse while the plan holds the patient (unless overridden, which
    the caller allowed), and leave the monitoring form to file."""
    plan = plan_of(appointment)
    refusals = what_holds_the_patient(appointment, now)
    if refusals and not override_note:
        raise Conflict("the patient may not be discharged yet: " + "; ".join(refusals))
    if refusals:
        appointment.discharge_override_note = override_note
        audit.record("appointment.discharge_override", "appointment", appointment.id)
    if plan and plan.get("monitoring_form_days"):
        zone = ZoneInfo(get_clinic().timezone)
        db.session.add(MonitoringForm(
            appointment_id=appointment.id, patient_id=appointment.patient_id,
            due_on=now.astimezone(zone).date() + timedelta(days=plan["monitoring_form_days"])))


# --- Monitoring forms ----------------------------------------------------------------------

def form_status(form: MonitoringForm, today: date) -> str:
    if form.filed_at is not None:
        return FILED
    return OVERDUE if today > form.due_on else DUE


def clinic_today() -> date:
    return clock.now().astimezone(ZoneInfo(get_clinic().timezone)).date()


def list_forms(status: str | None = None, patient_id: int | None = None) -> Select:
    """Monitoring forms, the soonest due first; by status as of the clinic's today."""
    listing = select(MonitoringForm).order_by(MonitoringForm.due_on, MonitoringForm.id)
    if patient_id is not None:
        listing = listing.where(MonitoringForm.patient_id == patient_id)
    if status == FILED:
        return listing.where(MonitoringForm.filed_at.is_not(None))
    if status in (DUE, OVERDUE):
        today = clinic_today()
        listing = listing.where(MonitoringForm.filed_at.is_(None))
        return listing.where(MonitoringForm.due_on < today if status == OVERDUE else MonitoringForm.due_on >= today)
    return listing


def forms_shown(listing: Select) -> list[dict[str, Any]]:
    today = clinic_today()
    return [form_shown(form, today) for form in db.session.scalars(listing)]


def form_shown(form: MonitoringForm, today: date) -> dict[str, Any]:
    return {"id": form.id, "appointment_id": form.appointment_id, "patient_id": form.patient_id,
            "due_on": form.due_on, "status": form_status(form, today), "filed_at": form.filed_at,
            "reference": form.reference}


def mark_filed(form_id: int, reference: str) -> dict[str, Any]:
    """Once: a second time is 409, so nobody overwrites the first reference."""
    form = db.session.scalar(select(MonitoringForm).where(MonitoringForm.id == form_id).with_for_update())
    if form is None:
        raise NotFound("monitoring form")
    if form.filed_at is not None:
        raise Conflict("this monitoring form is already filed")
    form.filed_at, form.filed_by, form.reference = clock.now(), g.staff.id, reference
    audit.record("monitoring_form.filed", "monitoring_form", form.id, appointment_id=form.appointment_id)
    db.session.commit()
    return form_shown(form, clinic_today())
