"""Patients: registration, updates and look-up by name or phone."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, or_, select

from .. import clock
from ..extensions import db
from ..models import Patient
from ..phones import to_e164
from . import audit
from .clinic import get_clinic
from .errors import Conflict, NotFound

DUPLICATES_SHOWN = 5  # enough to recognise the patient meant; more means a search is wanted


def get_patient(patient_id: int, field: str | None = None) -> Patient:
    patient = db.session.get(Patient, patient_id)
    if patient is None:
        raise NotFound("patient", field)
    return patient


@dataclass(frozen=True)
class PossibleDuplicate:
    """A registered patient the new one may be: who, and what they share ("phone", "email",
    "date of birth"; "name" too when it is the same name)."""
    patient: Patient
    shared: tuple[str, ...]

    @property
    def same_person(self) -> bool:
        """The same name and a way to reach them or a birthday: almost surely one person twice.
        A shared phone or email alone is often a family's, so it is only worth a look."""
        return "name" in self.shared and len(self.shared) > 1


def possible_duplicates(fields: dict[str, Any], other_than: int | None = None) -> list[PossibleDuplicate]:
    """Registered patients (but `other_than`, the one being edited) with these details' phone or
    email, or their name and date of birth."""
    same_name = and_(func.lower(Patient.first_name) == fields["first_name"].strip().lower(),
                     func.lower(Patient.last_name) == fields["last_name"].strip().lower())
    conditions = []
    if fields.get("phone"):
        conditions.append(Patient.phone == fields["phone"])
    if fields.get("email"):
        conditions.append(func.lower(Patient.email) == fields["email"].lower())
    if fields.get("birth_date"):
        conditions.append(and_(same_name, Patient.birth_date == fields["birth_date"]))
    if not conditions:
        return []
    found = db.session.scalars(select(Patient).where(or_(*conditions), Patient.id != (other_than or 0))
                               .order_by(Patient.id).limit(DUPLICATES_SHOWN))
    return [PossibleDuplicate(patient, _shared(patient, fields)) for patient in found]


def _shared(patient: Patient, fields: dict[str, Any]) -> tuple[str, ...]:
    same = {
        "name": (patient.first_name.lower(), patient.last_name.lower())
        == (fields["first_name"].strip().lower(), fields["last_name"].strip().lower()),
        "phone": bool(fields.get("phone")) and patient.phone == fields["phone"],
        "email": bool(fields.get("email")) and (patient.email or "").lower() == fields["email"].lower(),
        "date of birth": bool(fields.get("birth_date")) and patient.birth_date == fields["birth_date"],
    }
    return tuple(what for what, shared in same.items() if shared)


def create_patient(fields: dict[str, Any], allow_duplicate: bool = False) -> Patient:
    """Register a patient; refused (409) when one of the same name and phone, email or date of
    birth is registered already, unless staff say it is someone else."""
    if not allow_duplicate:
        _refuse_same_person(fields)
    now = clock.now()
    fields["timezone"] = fields.get("timezone") or get_clinic().timezone
    patient = Patient(**fields, sms_opted_out=False, created_at=now, updated_at=now)
    db.session.add(patient)
    db.session.flush()
    audit.record("patient.create", "patient", patient.id)
    db.session.commit()
    return patient


def _refuse_same_person(fields: dict[str, Any]) -> None:
    twins = [found for found in possible_duplicates(fields) if found.same_person]
    if twins:
        raise Conflict("a patient with the same name and the same phone, email or date of birth "
                       "is registered already; send allow_duplicate true if this is someone else",
                       details={"duplicates": [{"id": found.patient.id, "shared": list(found.shared)}
                                               for found in twins]})


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
