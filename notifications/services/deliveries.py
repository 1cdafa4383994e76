"""What Twilio's status callback tells of a text we sent: delivered, or failed and why.

Only a sent text moves on, to delivered or failed: callbacks may arrive out of order, and a late
'sent' must not undo 'delivered'. Error 21610 says the number had texted STOP to Twilio (a
Messaging Service may take the text and refuse it only later): that is the patient's STOP.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from scheduler.extensions import db

from notifications.models import Notification
from notifications.services import opt_outs

log = logging.getLogger("notifications.services.deliveries")
DELIVERED, FAILED = ("delivered",), ("undelivered", "failed")


def status_reported(message_sid: str, outcome: str, error_code: str | None, now: datetime) -> None:
    """Record Twilio's word on a sent text; anything but delivered or failed changes nothing."""
    if outcome not in DELIVERED + FAILED:
        return
    note = db.session.scalar(select(Notification).where(
        Notification.provider_message_id == message_sid, Notification.channel == "sms",
        Notification.status == "sent").with_for_update())
    if note is None:
        db.session.rollback()
        return
    if outcome in DELIVERED:
        note.status = "delivered"
    elif error_code == opt_outs.TWILIO_OPTED_OUT:
        note.status, note.error = "failed", opt_outs.REFUSED_AFTER_STOP
        opt_outs.stopped_at_twilio(note.patient_id, now)
    else:
        note.status, note.error = "failed", f"{error_code or 'no code'}: {outcome}"
    note.updated_at = now
    db.session.commit()
    log.info("delivery status", extra={"object_type": "notification", "object_id": note.id,
                                       "action": note.status})
