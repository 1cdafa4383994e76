"""Alerts: what monitoring staff must look at, and their acknowledgement of it.

An alert opens on a low check-in score or a questionnaire total at the clinic's line (high), on
words of self-harm or PHQ-9's item 9 above 0 (urgent), or on a monitoring form not filed in time
(high, overdue_forms.py). Staff
acknowledge it once, with a note of what they did; one nobody acknowledges in time is escalated
to the on-call address (escalation.py).
"""
from __future__ import annotations

import logging
from datetime import datetime

from flask import g
from sqlalchemy import Select, case, select

from scheduler import clock
from scheduler.extensions import db
from scheduler.services import audit
from scheduler.services.errors import Conflict, NotFound

from notifications.models import Alert

log = logging.getLogger("notifications.services.alerts")
URGENT, HIGH = "urgent", "high"


def open_alert(patient_id: int | None, severity: str, reason: str, now: datetime, *,
               checkin_id: int | None = None, inbound_message_id: int | None = None,
               monitoring_form_id: int | None = None, questionnaire_id: int | None = None) -> Alert:
    """Add an open alert to the current transaction."""
    alert = Alert(patient_id=patient_id, severity=severity, reason=reason[:200], status="open",
                  created_at=now, checkin_id=checkin_id, inbound_message_id=inbound_message_id,
                  monitoring_form_id=monitoring_form_id, questionnaire_id=questionnaire_id)
    db.session.add(alert)
    db.session.flush()
    audit.record("alert.open", "alert", alert.id, severity=severity, patient_id=patient_id)
    # A warning, so log-based monitoring can page on it too; ids only, as everywhere.
    log.warning("alert opened", extra={"object_type": "alert", "object_id": alert.id, "action": severity})
    return alert


def list_alerts(status: str | None = None, patient_id: int | None = None) -> Select:
    """Urgent first, then the longest waiting: the order a nurse should work through them."""
    listing = select(Alert).order_by(case((Alert.severity == URGENT, 0), else_=1),
                                     Alert.created_at, Alert.id)
    if status is not None:
        listing = listing.where(Alert.status == status)
    if patient_id is not None:
        listing = listing.where(Alert.patient_id == patient_id)
    return listing


def acknowledge(alert_id: int, note: str | None) -> Alert:
    """Record who took the alert on, when, and what they did. Once only: 409 the second time."""
    alert = db.session.scalar(select(Alert).where(Alert.id == alert_id).with_for_update())
    if alert is None:
        raise NotFound("alert")
    if alert.status != "open":
        raise Conflict("this alert is already acknowledged")
    alert.status = "acknowledged"
    alert.acknowledged_by = g.staff.id
    alert.acknowledged_at = clock.now()
    alert.note = note
    audit.record("alert.acknowledge", "alert", alert.id, severity=alert.severity,
                 patient_id=alert.patient_id)
    db.session.commit()
    return alert
