"""Who is due for maintenance: patients whose induction course is over and who have nothing
booked from now on, so the front desk can call them before they drift away.

An induction course counts once a session of it has taken place (any status but cancelled) and
none of it is still to come. A cancelled course does not count: stopping treatment was a
decision someone made, not a patient forgotten, and it is not a finished induction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import aliased

from ..engine.appointment_status import CANCELLED, HOLDING
from ..engine.courses import INDUCTION
from ..extensions import db
from ..models import Appointment, Course, Patient


@dataclass(frozen=True)
class DueForMaintenance:
    patient: Patient
    induction_ended_at: datetime  # the start of the induction's last session
    latest_session_at: datetime  # the start of the latest session of any kind (maintenance too)
    days_since_induction: int  # calendar days in the clinic's zone


def patients_due_for_maintenance(now: datetime, zone: ZoneInfo, *, limit: int | None = None,
                                 offset: int = 0) -> list[DueForMaintenance]:
    """The patients due, longest waiting first (the order to call them in)."""
    query = due_for_maintenance(now).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    today = now.astimezone(zone).date()
    return [DueForMaintenance(patient, ended, latest, (today - ended.astimezone(zone).date()).days)
            for patient, ended, latest in db.session.execute(query)]


def due_for_maintenance(now: datetime) -> Select:
    """(Patient, induction_ended_at, latest_session_at) rows, oldest induction end first.

    "Nothing booked" is no session holding a chair (scheduled, confirmed, checked in) that ends
    after `now`; that also rules out an induction still running, since its next session is one.
    """
    session = aliased(Appointment)
    induction_ends = (
        select(session.patient_id, func.max(session.start_at).label("ended_at"))
        .join(Course, session.course_id == Course.id)
        .where(Course.kind == INDUCTION, Course.status == "active", session.status != CANCELLED)
        .group_by(session.patient_id)
        .subquery("induction_ends"))
    any_session = aliased(Appointment)
    latest_sessions = (
        select(any_session.patient_id, func.max(any_session.start_at).label("latest_at"))
        .where(any_session.status != CANCELLED)
        .group_by(any_session.patient_id)
        .subquery("latest_sessions"))
    ahead = aliased(Appointment)
    booked_ahead = exists().where(ahead.patient_id == Patient.id, ahead.status.in_(HOLDING),
                                  ahead.end_at > now)
    return (select(Patient, induction_ends.c.ended_at, latest_sessions.c.latest_at)
            .join(induction_ends, induction_ends.c.patient_id == Patient.id)
            .join(latest_sessions, latest_sessions.c.patient_id == Patient.id)
            .where(~booked_ahead)
            .order_by(induction_ends.c.ended_at, Patient.id))
