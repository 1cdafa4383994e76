"""The calendar invite an email notice carries: the .ics built by notifications.engine.invite,
with each session's SEQUENCE read from the outbox (one email 'reschedule' row per move) rather
than stored separately."""
from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

from sqlalchemy import func, select

from scheduler.extensions import db
from scheduler.models import Appointment

from notifications.engine.invite import FILENAME, METHODS, Invite, build
from notifications.models import Notification


def attachment_for(note: Notification, sessions: list[Appointment], patient, clinic, config,
                   now: datetime) -> tuple[str, str, bytes] | None:
    """The invite an email notice carries, as an Outgoing attachment; None when it has none."""
    method = METHODS.get(note.purpose)
    if note.channel != "email" or method is None or not sessions or not patient.email:
        return None
    host = urlsplit(config["PUBLIC_BASE_URL"]).hostname or "localhost"
    invite = Invite(method=method,
                    # Calendars show this on lock screens and shared calendars, like a text:
                    # the discreet name the clinic uses in SMS, never the treatment.
                    title=f"Appointment at {clinic.sms_name or clinic.name}",
                    timezone=clinic.timezone,
                    organizer=parseaddr(config.get("EMAIL_FROM") or "")[1] or f"noreply@{host}",
                    attendee=patient.email, host=host, stamp=now)
    # A cancellation is a change too: it must outrank the last REQUEST the calendar holds.
    bump = 1 if method == "CANCEL" else 0
    data = build(invite, [(a, times_moved(a.id) + bump) for a in sessions])
    return FILENAME, f"text/calendar; method={method}; charset=utf-8", data


def times_moved(appointment_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.appointment_id == appointment_id, Notification.purpose == "reschedule",
               Notification.channel == "email")) or 0
