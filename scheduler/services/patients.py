"""Patients: registration, updates and look-up by name or phone."""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Select, func, or_, select

from .. import clock
from ..extensions import db
from ..models import Patient
from ..phones import to_e164
from . import audit
from .clinic import get_clinic
from .errors import NotFound


def get_patient(patient_id: int, field: str | None = None) -> Patient:
    patient = db.session.get(Patient, patient_id)
    if patient is None:
        raise NotFound("patient", field)
    return patient


def create_patient(fields: dict[str, Any]) -> Patient:
    now = clock.now()
    fields["timezone"] = fields.get("timezone") or get_clinic().timezone
    patient = Patient(**fields, sms_opted_out=False, created_at=now, updated_at=now)
    db.session.add(patient)
    db.session.flush()
    audit.record("patient.create", "patient", patient.id)
    db.session.commit()
    return patient


def update_patient(patient_id: int, changes: dict[str, Any]) -> Patient:
    patient = get_patient(patient_id)
    for field, value in changes.items():
        setattr(patient, field, value)
    patient.updated_at = clock.now()
    audit.record("patient.update", "patient", patient.id, fields=sorted(changes))
    db.session.commit()
    return patient


# Part of a phone number: digits with the spacing and punctuation people type, at least this many.
PHONE_TYPED = re.compile(r"[0-9+()\-. ]+")
PHONE_DIGITS_TO_SEARCH = 3


def search_patients(text: str) -> Select:
    """Patients whose name contains `text`, or whose phone matches it; all when empty."""
    query = select(Patient).order_by(Patient.last_name, Patient.first_name, Patient.id)
    text = text.strip()
    if not text:
        return query
    like = f"%{_escape_like(text.lower())}%"
    full_name = func.lower(Patient.first_name + " " + Patient.last_name)
    conditions = [full_name.like(like, escape="\\"), func.lower(Patient.last_name).like(like, escape="\\")]
    phone = to_e164(text)
    if phone:
        conditions.append(Patient.phone == phone)
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= PHONE_DIGITS_TO_SEARCH and PHONE_TYPED.fullmatch(text):
        # Part of a number as a caller reads it out ("555 01", "(212) 555", "0134"): its digits
        # appear together in the stored E.164 form.
        conditions.append(Patient.phone.like(f"%{digits}%"))
    return query.where(or_(*conditions))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
