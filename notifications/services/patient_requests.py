"""Requests patients make through their link ("call me to change the time"), for the front desk."""
from __future__ import annotations

from flask import g
from sqlalchemy import Select, select

from scheduler import clock
from scheduler.extensions import db
from scheduler.models import Appointment
from scheduler.services import audit
from scheduler.services.errors import Conflict, NotFound

from notifications.models import PatientRequest


def list_requests(open_only: bool, patient_id: int | None) -> Select:
    query = select(PatientRequest).order_by(PatientRequest.created_at, PatientRequest.id)
    if open_only:
        query = query.where(PatientRequest.handled_at.is_(None))
    if patient_id is not None:
        query = query.where(PatientRequest.patient_id == patient_id)
    return query


def ask_to_be_called(appointment_id: int, kind: str) -> None:
    """Leave the session one open request for the front desk: pressing the button again gives
    them no second call to make. Asking the other thing (cancel after reschedule) changes what
    the open request asks, as the patient now wants.

    The session's row is locked first, so two presses at once take turns and the second finds
    the first's request (SQLite's transactions already take turns).
    """
    appointment = db.session.scalar(select(Appointment).where(Appointment.id == appointment_id)
                                    .with_for_update())
    waiting = open_request_for(appointment.id)
    if waiting is None:
        waiting = PatientRequest(appointment_id=appointment.id, patient_id=appointment.patient_id,
                                 kind=kind, created_at=clock.now())
        db.session.add(waiting)
    elif waiting.kind == kind:
        db.session.rollback()  # nothing to change; release the lock at once
        return
    waiting.kind = kind
    audit.record(f"patient_request.{kind}", "appointment", appointment.id, by="patient link")
    db.session.commit()


def open_request_for(appointment_id: int) -> PatientRequest | None:
    return db.session.scalar(select(PatientRequest).where(
        PatientRequest.appointment_id == appointment_id, PatientRequest.handled_at.is_(None))
        .order_by(PatientRequest.id).limit(1))


def mark_handled(request_id: int) -> PatientRequest:
    found = db.session.scalar(select(PatientRequest).where(PatientRequest.id == request_id)
                              .with_for_update())
    if found is None:
        raise NotFound("patient request")
    if found.handled_at is not None:
        raise Conflict("this request is already handled")
    found.handled_at, found.handled_by = clock.now(), g.staff.id
    audit.record("patient_request.handle", "patient_request", found.id,
                 appointment_id=found.appointment_id)
    db.session.commit()
    return found
