"""Calendar invites (.ics) for email notices, so a session lands in the patient's calendar and
moves or disappears with it.

Calendars match updates by UID and keep the version with the highest SEQUENCE, so each
appointment has one UID for life and its SEQUENCE grows with every change (counted from the
outbox by notifications.services.invites). Pure: no database, no app.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, Sequence
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress

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


class Session(Protocol):
    """What an invite needs of a session (a scheduler Appointment has it)."""

    id: int
    start_at: datetime
    end_at: datetime


def uid(appointment_id: int, host: str) -> str:
    return f"appointment-{appointment_id}@{host}"


def build(invite: Invite, sessions: Sequence[tuple[Session, int]]) -> bytes:
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
