"""A REMS monitoring form not filed by its due day opens an alert, once per form; from there it
is escalated like any other alert nobody acknowledges (escalation.py)."""
from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from scheduler.extensions import db
from scheduler.models import Clinic, MonitoringForm

from notifications.models import Alert
from notifications.services.alerts import HIGH, open_alert

log = logging.getLogger("notifications.services.overdue_forms")
BATCH = 50


def open_alerts_for_overdue_forms(now: datetime) -> int:
    """An alert for each unfiled form past its due day that has none yet; how many opened."""
    clinic = db.session.get(Clinic, 1)
    if clinic is None:
        db.session.rollback()
        return 0
    today = now.astimezone(ZoneInfo(clinic.timezone)).date()
    overdue = db.session.execute(
        select(MonitoringForm.id, MonitoringForm.patient_id, MonitoringForm.due_on)
        .outerjoin(Alert, Alert.monitoring_form_id == MonitoringForm.id)
        .where(MonitoringForm.filed_at.is_(None), MonitoringForm.due_on < today, Alert.id.is_(None))
        .order_by(MonitoringForm.due_on, MonitoringForm.id)
        .limit(BATCH)).all()
    opened = 0
    for form_id, patient_id, due_on in overdue:
        try:
            open_alert(patient_id, HIGH, f"REMS monitoring form {form_id} not filed (due {due_on:%Y-%m-%d})",
                       now, monitoring_form_id=form_id)
            db.session.commit()
            opened += 1
        except IntegrityError:  # another worker opened it first: the unique key keeps it one
            db.session.rollback()
    db.session.commit()
    return opened


def open_alerts_quietly(now: datetime) -> None:
    """For the worker's tick: a failure here is logged and must not stop messages going out."""
    try:
        open_alerts_for_overdue_forms(now)
    except Exception:
        db.session.rollback()
        log.exception("opening alerts for overdue monitoring forms failed")
