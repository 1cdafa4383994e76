"""Calendar invites (.ics) for email notices, so a session lands in the patient's calendar and
moves or disappears with it.

Calendars match updates by UID and keep the version with the highest SEQUENCE, so each
appointment has one UID for life and its SEQUENCE grows with every change. The change count is
read from the outbox (one email 'reschedule' row per move) rather than stored separately.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress
from sqlalchemy import func, select

from scheduler.extensions import db
from scheduler.models import Appointment

from .models import Notification

FILENAME = "invite.ics"
METHODS = {"confirmation": "REQUEST", "reschedule": "REQUEST", "reminder": "REQUEST",
           "cancellation": "CANCEL", "course_cancellation": "CANCEL"}


@dataclass(frozen=True)
class Invite:
    method: str  # REQUEST or CANCEL
    title: str  # the event's SUMMARY
    timezone: str  # the clinic's: the time the patient was told, however their calendar is set
    organizer: str  # email addresses
    attendee: str
    host: str  # makes UIDs unique to this service
    stamp: datetime


def uid(appointment_id: int, host: str) -> str:
    return f"appointment-{appointment_id}@{host}"


def build(invite: Invite, sessions: list[tuple[Appointment, int]]) -> bytes:
    """An iCalendar file with one VEVENT per (appointment, sequence)."""
    calendar = Calendar.new(method=invite.method, prodid="-//Clinic scheduling//Reminders//EN")
    del calendar["UID"]  # the library adds a random one; only the events' UIDs mean anything
    zone = ZoneInfo(invite.timezone)
    for appointment, sequence in sessions:
        calendar.add_component(Event.new(
            uid=uid(appointment.id, invite.host), sequence=sequence, stamp=invite.stamp,
            start=appointment.start_at.astimezone(zone), end=appointment.end_at.astimezone(zone),
            summary=invite.title, organizer=vCalAddress(f"mailto:{invite.organizer}"),
            attendees=[vCalAddress(f"mailto:{invite.attendee}")],
            status="CANCELLED" if invite.method == "CANCEL" else "CONFIRMED"))
    # A VTIMEZONE for the years the sessions span, not the library's default 1970-2038.
    years = [appointment.start_at.year for appointment, _ in sessions]
    calendar.add_missing_timezones(date(min(years) - 1, 1, 1), date(max(years) + 2, 1, 1))
    return calendar.to_ical()


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
