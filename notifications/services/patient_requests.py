"""Requests patients make through their link ("call me to change the time"), for the front desk."""
from __future__ import annotations

from flask import g
from sqlalchemy import Select, select

from scheduler import clock
from scheduler.extensions import db
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
