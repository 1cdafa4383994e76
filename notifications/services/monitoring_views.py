"""What monitoring staff read: alerts with the patient and the words that raised them, a
patient's check-ins next to their sessions, and the messages someone should follow up by phone.

Reading only; acknowledging stays in alerts.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, or_, select

from scheduler.engine.appointment_status import CHECKED_IN, COMPLETED
from scheduler.extensions import db
from scheduler.models import Appointment, Patient, StaffUser
from scheduler.services.appointments import list_appointments

from notifications.services import inbox
from notifications.services.alerts import list_alerts
from notifications.services.checkins import list_checkins
from notifications.models import Alert, CheckIn, InboundMessage, Notification

# A session the patient sat in: what the chart marks next to their scores.
SESSIONS_HELD = (CHECKED_IN, COMPLETED)
# Skips worth a call: the patient agreed to hear from us on that channel, but there is nowhere to
# send it, so they never heard (the other skips are on purpose: no consent, STOP, a cancelled
# session, or a reminder the confirmation already covered). Kept equal to rules.py's reasons by
# a test.
UNREACHABLE = ("no phone number", "no email address")
MESSAGES_SHOWN = 200


@dataclass(frozen=True)
class AlertView:
    alert: Alert
    patient: Patient | None  # None: a number not on file
    reply: str | None  # what the patient wrote that raised it
    from_phone: str | None  # the number that texted it: the one to call back
    acknowledged_by: str | None  # the staff member's email


def open_alerts() -> list[AlertView]:
    """Open alerts in the order to work through them: urgent first, then the longest waiting."""
    return _alert_views(list_alerts("open"))


def recently_acknowledged(limit: int = 10) -> list[AlertView]:
    """The latest acknowledged alerts, newest first: who took each on, and their note."""
    listing = (select(Alert).where(Alert.status == "acknowledged")
               .order_by(Alert.acknowledged_at.desc(), Alert.id.desc()).limit(limit))
    return _alert_views(listing)


def alert_view(alert_id: int) -> AlertView | None:
    found = _alert_views(select(Alert).where(Alert.id == alert_id))
    return found[0] if found else None


def _alert_views(listing: Select) -> list[AlertView]:
    # The inbound text is what raised the alert; a check-in's own copy of it is the fallback.
    rows = db.session.execute(
        listing.add_columns(Patient, InboundMessage.body, InboundMessage.from_phone, CheckIn.text,
                            StaffUser.email)
        .outerjoin(Patient, Patient.id == Alert.patient_id)
        .outerjoin(InboundMessage, InboundMessage.id == Alert.inbound_message_id)
        .outerjoin(CheckIn, CheckIn.id == Alert.checkin_id)
        .outerjoin(StaffUser, StaffUser.id == Alert.acknowledged_by))
    return [AlertView(alert, patient, body if body is not None else checkin_text,
                      from_phone or (patient.phone if patient else None), staff_email)
            for alert, patient, body, from_phone, checkin_text, staff_email in rows]


@dataclass(frozen=True)
class CheckInHistory:
    checkins: list[CheckIn]  # oldest first, answered or not
    sessions: list[Appointment]  # checked in or completed, oldest first


def checkin_history(patient_id: int) -> CheckInHistory:
    checkins = list(reversed(db.session.scalars(list_checkins(patient_id)).all()))
    sessions = db.session.scalars(
        list_appointments(patient_id=patient_id).where(Appointment.status.in_(SESSIONS_HELD))).all()
    return CheckInHistory(checkins, list(sessions))


@dataclass(frozen=True)
class MessageToFollowUp:
    notification: Notification
    patient: Patient


def messages_to_follow_up(since: datetime, limit: int = MESSAGES_SHOWN) -> list[MessageToFollowUp]:
    """Messages that failed, or were skipped for want of a phone or address, since `since`;
    newest outcome first."""
    rows = db.session.execute(
        select(Notification, Patient)
        .join(Patient, Patient.id == Notification.patient_id)
        .where(or_(Notification.status == "failed",
                   and_(Notification.status == "skipped", Notification.error.in_(UNREACHABLE))),
               Notification.updated_at >= since)
        .order_by(Notification.updated_at.desc(), Notification.id.desc())
        .limit(limit))
    return [MessageToFollowUp(note, patient) for note, patient in rows]


@dataclass(frozen=True)
class InboxItem:
    message: InboundMessage
    patient: Patient | None  # None: a number not on file


def inbox_items() -> list[InboxItem]:
    """The texts still to read, oldest first, each with who sent it."""
    rows = db.session.execute(inbox.open_items().add_columns(Patient)
                              .outerjoin(Patient, Patient.id == InboundMessage.patient_id))
    return [InboxItem(message, patient) for message, patient in rows]
