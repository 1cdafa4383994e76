"""Today's clinic for monitoring staff: who sits in which chair, since when, and when their
observation period ends (a treatment's duration includes its observation, so that is the
session's end)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..engine.appointment_status import CANCELLED, CHECKED_IN
from ..engine.hours import instant_of
from ..extensions import db
from ..models import Appointment, Chair, Patient, TreatmentType
from .clinic import list_chairs


@dataclass(frozen=True)
class ChairSession:
    appointment: Appointment
    patient: Patient
    treatment: str

    @property
    def in_chair(self) -> bool:
        """Checked in and not yet completed: the patient is in the chair now."""
        return self.appointment.status == CHECKED_IN

    def observation_over(self, now: datetime) -> bool:
        """Still checked in after the observation period: someone should complete the session."""
        return self.in_chair and now >= self.appointment.end_at


@dataclass
class ChairDay:
    chair: Chair
    sessions: list[ChairSession] = field(default_factory=list)

    @property
    def now_in_chair(self) -> ChairSession | None:
        return next((s for s in self.sessions if s.in_chair), None)


def clinic_day(day: date, zone: ZoneInfo) -> list[ChairDay]:
    """Each active chair (and any inactive one with a session that day) with the sessions starting
    on that local day, in time order. Cancelled sessions are left out: they hold no chair."""
    start = instant_of(zone, datetime.combine(day, time(0)))
    end = instant_of(zone, datetime.combine(day + timedelta(days=1), time(0)))
    rows = db.session.execute(
        select(Appointment, Patient, TreatmentType.name)
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(TreatmentType, TreatmentType.id == Appointment.treatment_type_id)
        .where(Appointment.start_at >= start, Appointment.start_at < end,
               Appointment.status != CANCELLED)
        .order_by(Appointment.start_at, Appointment.id))
    chairs = {chair.id: ChairDay(chair) for chair in list_chairs()}
    for appointment, patient, treatment in rows:
        chairs[appointment.chair_id].sessions.append(ChairSession(appointment, patient, treatment))
    return [chair for chair in chairs.values() if chair.chair.active or chair.sessions]
