"""A phone number's texts stopped or started again: by the patient's STOP or START, or because
Twilio refused a text with error 21610 (the number had texted STOP to Twilio).

Twilio blocks a number, not a patient, so both hold for everyone who shares the phone. The
caller commits.
"""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy import select

from scheduler.extensions import db
from scheduler.models import Clinic, Patient
from scheduler.services import audit

from notifications.services import outbox

# Twilio's error for a send to a number that texted it STOP; it sends that number nothing more
# until it texts START, so we take it as the patient's STOP.
TWILIO_OPTED_OUT = "21610"
REFUSED_AFTER_STOP = f"{TWILIO_OPTED_OUT}: the number texted STOP, Twilio sends it nothing until START"


def patients_at(phone: str) -> tuple[Patient, ...]:
    """Everyone with this phone (E.164): several when family members share one."""
    return tuple(db.session.scalars(select(Patient).where(Patient.phone == phone).order_by(Patient.id)))


def stop_texts(patients: Sequence[Patient], now: datetime, by: str) -> None:
    """No more texts to these patients, and none of those waiting goes out (email still does)."""
    _set_opted_out(patients, True, now, by)
    outbox.texts_stopped([p.id for p in patients], now)


def stopped_at_twilio(patient_id: int, now: datetime) -> None:
    """Twilio refused a text to this patient with error 21610: as if the number had texted us
    STOP (Twilio will take none until START, and START is what lifts it here too)."""
    patient = db.session.get(Patient, patient_id)
    if patient is not None:
        stop_texts(patients_at(patient.phone) if patient.phone else (patient,), now,
                   by=f"Twilio error {TWILIO_OPTED_OUT}")


def start_texts(clinic: Clinic | None, patients: Sequence[Patient], now: datetime, by: str) -> bool:
    """Texts again, with the reminders STOP held back; whether texts had been stopped."""
    stopped = any(p.sms_opted_out for p in patients)
    if stopped:  # else STOP held nothing back
        outbox.texts_started(clinic, [p.id for p in patients], now)
    _set_opted_out(patients, False, now, by)
    return stopped


def _set_opted_out(patients: Sequence[Patient], opted_out: bool, now: datetime, by: str) -> None:
    for patient in patients:
        if patient.sms_opted_out != opted_out:
            patient.sms_opted_out = opted_out
            patient.updated_at = now
            audit.record("patient.sms_opt_out" if opted_out else "patient.sms_opt_in", "patient",
                         patient.id, by=by)
