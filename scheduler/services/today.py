"""Today's clinic for monitoring staff: who sits in which chair, since when, and when their
observation period ends (a treatment's duration includes its observation, so that is the
session's end); with the observation plan, which check is due or overdue, readings out of
range, and why the patient may not go home yet."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..engine.appointment_status import CANCELLED, CHECKED_IN
from ..engine import observation
from ..engine.hours import instant_of
from ..extensions import db
from ..models import Appointment, Chair, Observation, Patient, TreatmentType
from .clinic import list_chairs
from .observations import as_readings, started_at


@dataclass(frozen=True)
class ChairSession:
    appointment: Appointment
    patient: Patient
    treatment: str
    plan: dict[str, Any] | None = None
    readings: list[Observation] = field(default_factory=list)

    def in_chair(self, now: datetime) -> bool:
        """Checked in, not yet completed, and the session has begun: a patient who checked in
        early is in the waiting room until then, not in the chair."""
        return self.appointment.status == CHECKED_IN and now >= self.appointment.start_at

    def waiting(self, now: datetime) -> bool:
        return self.appointment.status == CHECKED_IN and now < self.appointment.start_at

    def observation_over(self, now: datetime) -> bool:
        """Still checked in after the observation period: someone should complete the session."""
        return self.in_chair(now) and now >= self.appointment.end_at

    def observed_until(self) -> datetime:
        """When the patient may go home at the earliest: the plan's minimum after the dose, or
        without a plan the session's end."""
        if not self.plan:
            return self.appointment.end_at
        return started_at(self.appointment) + timedelta(
            minutes=self.plan.get("min_minutes", observation.DEFAULT_MIN_MINUTES))

    def minutes_observed(self, now: datetime) -> int:
        return max(0, int((now - started_at(self.appointment)).total_seconds() // 60))

    def checks(self, now: datetime) -> list[observation.CheckState]:
        if not self.plan:
            return []
        return observation.check_states(self.plan, started_at(self.appointment),
                                        as_readings(self.readings), now)

    def out_of_range(self) -> list[observation.Reading]:
        return observation.latest_out_of_range(self.plan or {}, as_readings(self.readings))

    def discharge_refusals(self, now: datetime) -> list[str]:
        return observation.discharge_refusals(self.plan, started_at(self.appointment),
                                              as_readings(self.readings), now)


@dataclass
class ChairDay:
    chair: Chair
    sessions: list[ChairSession] = field(default_factory=list)

    def in_chair_at(self, now: datetime) -> ChairSession | None:
        return next((s for s in self.sessions if s.in_chair(now)), None)


def clinic_day(day: date, zone: ZoneInfo) -> list[ChairDay]:
    """Each active chair (and any inactive one with a session that day) with the sessions starting
    on that local day, in time order. Cancelled sessions are left out: they hold no chair."""
    start = instant_of(zone, datetime.combine(day, time(0)))
    end = instant_of(zone, datetime.combine(day + timedelta(days=1), time(0)))
    rows = db.session.execute(
        select(Appointment, Patient, TreatmentType.name, TreatmentType.observation)
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(TreatmentType, TreatmentType.id == Appointment.treatment_type_id)
        .where(Appointment.start_at >= start, Appointment.start_at < end,
               Appointment.status != CANCELLED)
        .order_by(Appointment.start_at, Appointment.id))
    rows = rows.all()
    readings: dict[int, list[Observation]] = {}
    for reading in db.session.scalars(select(Observation).where(
            Observation.appointment_id.in_([row[0].id for row in rows]))
            .order_by(Observation.at, Observation.id)):
        readings.setdefault(reading.appointment_id, []).append(reading)
    chairs = {chair.id: ChairDay(chair) for chair in list_chairs()}
    for appointment, patient, treatment, plan in rows:
        chairs[appointment.chair_id].sessions.append(
            ChairSession(appointment, patient, treatment, plan, readings.get(appointment.id, [])))
    return [chair for chair in chairs.values() if chair.chair.active or chair.sessions]
