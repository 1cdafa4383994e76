"""Calendar invitations (.ics) for email notices, so a session lands in the patient's calendar
and moves or disappears with it.

One invitation per session: iTIP expects one UID per scheduling message, and common mail
clients add only the first event of a file holding several. Calendars match updates by UID and
keep the version with the highest SEQUENCE, so each appointment has one UID for life and its
SEQUENCE grows with every change (counted from the outbox by notifications.services.invites).
Pure: no database, no app.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress

METHODS = {"confirmation": "REQUEST", "reschedule": "REQUEST", "reminder": "REQUEST",
           "cancellation": "CANCEL", "course_cancellation": "CANCEL"}


@dataclass(frozen=True)
class Person:
    email: str
    name: str  # what calendars show instead of the address


@dataclass(frozen=True)
class Invite:
    method: str  # REQUEST or CANCEL
    title: str  # the event's SUMMARY
    timezone: str  # the clinic's: the time the patient was told, however their calendar is set
    organizer: Person  # the clinic
    attendee: Person  # the patient
    domain: str  # the clinic's calendar_domain: makes UIDs unique to this clinic
    stamp: datetime


class Session(Protocol):
    """What an invite needs of a session (a scheduler Appointment has it)."""

    id: int
    start_at: datetime
    end_at: datetime


def uid(appointment_id: int, domain: str) -> str:
    return f"appointment-{appointment_id}@{domain}"


def filename(session: Session, timezone: str) -> str:
    """'session-2026-06-03.ics': the day the patient sees it is for, in the clinic's zone."""
    return f"session-{session.start_at.astimezone(ZoneInfo(timezone)):%Y-%m-%d}.ics"


def build(invite: Invite, session: Session, sequence: int) -> bytes:
    """An iCalendar file with this one session as its one VEVENT."""
    calendar = Calendar.new(method=invite.method, prodid="-//Clinic scheduling//Reminders//EN")
    del calendar["UID"]  # the library adds a random one; only the event's UID means anything
    zone = ZoneInfo(invite.timezone)
    calendar.add_component(Event.new(
        uid=uid(session.id, invite.domain), sequence=sequence, stamp=invite.stamp,
        start=session.start_at.astimezone(zone), end=session.end_at.astimezone(zone),
        summary=invite.title, organizer=_address(invite.organizer), attendees=[_attendee(invite)],
        status="CANCELLED" if invite.method == "CANCEL" else "CONFIRMED"))
    # A VTIMEZONE for the years around the session, not the library's default 1970-2038.
    year = session.start_at.year
    calendar.add_missing_timezones(date(year - 1, 1, 1), date(year + 2, 1, 1))
    return calendar.to_ical()


def _address(person: Person) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = person.name
    return address


def _attendee(invite: Invite) -> vCalAddress:
    # The patient agreed the time with the front desk, so the session is already accepted:
    # NEEDS-ACTION would make mail clients offer yes/no buttons whose answers go to a sender
    # nobody reads. RSVP=FALSE says no answer is expected; confirming is the link's job.
    attendee = _address(invite.attendee)
    attendee.params.update({"CUTYPE": "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT",
                            "PARTSTAT": "ACCEPTED", "RSVP": "FALSE"})
    return attendee
