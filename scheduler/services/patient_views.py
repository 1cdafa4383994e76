"""What the staff's patient pages read: the patients added lately, and one patient's courses,
sessions, messages and replies. Lists come back as selects, newest first, for the page to cut."""
from __future__ import annotations

import re

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Appointment, Course, Patient
from notifications.models import InboundMessage, Notification


def recently_added_patients() -> Select:
    """The front desk's first look: whom they registered last is whom they most likely want."""
    return select(Patient).order_by(Patient.created_at.desc(), Patient.id.desc())


def courses_of(patient_id: int) -> list[Course]:
    """The patient's courses, latest first, each with its sessions in time order."""
    return list(db.session.scalars(
        select(Course).where(Course.patient_id == patient_id)
        .options(selectinload(Course.appointments))
        .order_by(Course.created_at.desc(), Course.id.desc())))


def sessions_outside_courses(patient_id: int) -> list[Appointment]:
    """Single sessions booked on their own (a make-up or one maintenance session), latest first."""
    return list(db.session.scalars(
        select(Appointment).where(Appointment.patient_id == patient_id, Appointment.course_id.is_(None))
        .order_by(Appointment.start_at.desc(), Appointment.id.desc())))


def messages_to(patient_id: int) -> Select:
    """Every message written for the patient, whatever became of it, the latest due first."""
    return (select(Notification).where(Notification.patient_id == patient_id)
            .order_by(Notification.due_at.desc(), Notification.id.desc()))


def replies_from(patient_id: int) -> Select:
    """Texts the patient sent the clinic, newest first (as the API lists them)."""
    return (select(InboundMessage).where(InboundMessage.patient_id == patient_id)
            .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc()))


def without_patient_links(body: str, public_base_url: str) -> str:
    """A message's text with the patient's own signed link blanked out: the link lets whoever
    holds it act as the patient, and a staff screen (or a screenshot of it) is not the patient."""
    link = re.escape(public_base_url.rstrip("/")) + r"/p/[A-Za-z0-9_.\-]+"
    return re.sub(link, "[patient link hidden]", body)
