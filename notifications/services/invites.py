"""The calendar invitations an email notice carries: one .ics per session, built by
notifications.engine.invite, with each session's SEQUENCE read from the outbox (one email
'reschedule' row per move) rather than stored separately."""
from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr

from sqlalchemy import func, select

from scheduler.extensions import db
from scheduler.models import Appointment

from notifications.engine.invite import METHODS, Invite, Person, build, filename
from notifications.models import Notification


def attachments_for(note: Notification, sessions: list[Appointment], patient, clinic, config,
                    now: datetime) -> tuple[tuple[str, str, bytes], ...]:
    """The invitations an email notice carries, one per session, as Outgoing attachments."""
    method = METHODS.get(note.purpose)
    if note.channel != "email" or method is None or not patient.email:
        return ()
    # Calendars show the title on lock screens and shared calendars, like a text: the discreet
    # name the clinic uses in SMS, never the treatment. The organizer is the clinic by name.
    discreet_name = clinic.sms_name or clinic.name
    invite = Invite(method=method, title=f"Appointment at {discreet_name}", timezone=clinic.timezone,
                    organizer=Person(_sender(config, clinic), discreet_name),
                    attendee=Person(patient.email, patient.first_name),
                    domain=clinic.calendar_domain, stamp=now)
    # A cancellation is a change too: it must outrank the last REQUEST the calendar holds.
    bump = 1 if method == "CANCEL" else 0
    return tuple((filename(a, clinic.timezone), f"text/calendar; method={method}; charset=utf-8",
                  build(invite, a, times_moved(a.id) + bump)) for a in sessions)


def _sender(config, clinic) -> str:
    return parseaddr(config.get("EMAIL_FROM") or "")[1] or f"noreply@{clinic.calendar_domain}"


def times_moved(appointment_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.appointment_id == appointment_id, Notification.purpose == "reschedule",
               Notification.channel == "email")) or 0
