"""Escalation: an alert nobody acknowledged within the clinic's escalation_minutes is emailed,
once, to the on-call address.

The email carries the alert's and the patient's ids and a link, never a name or what the patient
wrote: email passes through servers the clinic does not control. Each alert is claimed (its
escalated_at set and committed) before the email goes, so two workers never both send it; if the
email fails, the claim is undone and the next tick tries again.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from scheduler.extensions import db
from scheduler.models import Clinic

from notifications.channels import Channel, Outgoing
from notifications.channels.configured import channels_from_config
from notifications.models import Alert

log = logging.getLogger("notifications.services.escalation")
BATCH = 20


def escalate_overdue_alerts(now: datetime, email: Channel | None = None) -> int:
    """Email the on-call address about each overdue open alert not escalated yet; how many."""
    clinic = db.session.get(Clinic, 1)
    if clinic is None or not clinic.oncall_email:
        db.session.rollback()
        return 0  # nowhere to escalate to; the alerts stay on staff's list
    overdue = db.session.scalars(
        select(Alert.id)
        .where(Alert.status == "open", Alert.escalated_at.is_(None),
               Alert.created_at <= now - timedelta(minutes=clinic.escalation_minutes))
        .order_by(Alert.created_at, Alert.id)
        .limit(BATCH)).all()
    address = clinic.oncall_email
    db.session.commit()
    if not overdue:
        return 0
    if email is None:
        email = channels_from_config(current_app.config)["email"]
    return sum(_escalate(alert_id, address, email, now) for alert_id in overdue)


def escalate_quietly(now: datetime, email: Channel | None = None) -> None:
    """For the worker's tick: a failure here is logged and must not stop messages going out."""
    try:
        escalate_overdue_alerts(now, email)
    except Exception:
        db.session.rollback()
        log.exception("escalating overdue alerts failed")


def _escalate(alert_id: int, address: str, email: Channel, now: datetime) -> int:
    claimed = db.session.execute(
        update(Alert)
        .where(Alert.id == alert_id, Alert.status == "open", Alert.escalated_at.is_(None))
        .values(escalated_at=now)).rowcount
    db.session.commit()
    if not claimed:
        return 0  # acknowledged meanwhile, or another worker has it
    alert = db.session.get(Alert, alert_id)
    message = _page(alert, address, now)
    db.session.commit()
    try:
        email.send(message)
    except Exception:  # any failure: undo the claim so the next tick tries again
        db.session.rollback()
        db.session.execute(update(Alert).where(Alert.id == alert_id).values(escalated_at=None))
        db.session.commit()
        log.exception("escalation email failed", extra={"object_type": "alert", "object_id": alert_id})
        return 0
    log.warning("alert escalated", extra={"object_type": "alert", "object_id": alert_id})
    return 1


def _page(alert: Alert, address: str, now: datetime) -> Outgoing:
    waited = int((now - alert.created_at).total_seconds() // 60)
    patient = f"patient {alert.patient_id}" if alert.patient_id else "a number not on file"
    link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/api/v1/alerts"
    text = (f"Alert {alert.id} ({alert.severity}) for {patient} has been open for {waited} minutes "
            f"without being acknowledged (opened {alert.created_at:%Y-%m-%d %H:%M} UTC).\n\n"
            f"Please review and acknowledge it: {link}\n\n"
            "This email names no patient on purpose; the details are in the clinic's system.\n")
    # Outgoing's notification_id names an outbox row; a page is none, hence 0.
    return Outgoing(0, address, text, subject=f"Unacknowledged {alert.severity} alert {alert.id}")
