"""What happened to sessions, announced by the booking services inside their own transaction.

This module is the one seam between scheduling and notifications: scheduling announces, and
whatever the app factory wired (notifications.reactions.REACTIONS) reacts before the commit, so
a change and what it implies (its messages) are saved together or not at all. Scheduling books,
moves and cancels the same with nothing wired: a test app, or a clinic that sends nothing.

More announcements let notifications take part in what scheduling shows and keeps without
scheduling knowing it: settings about to be saved (a reaction may refuse them), a
patient's page being drawn (reactions add their sections) and /metrics being read (reactions
bring their gauges up to date).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Mapping, Sequence

from flask import Flask, current_app
from markupsafe import Markup

from .models import Appointment, Clinic, Patient, WaitlistOffer

_KEY = "session_events"


@dataclass(frozen=True)
class SessionsBooked:
    """A course (every session of it) or one session, newly booked."""

    clinic: Clinic
    sessions: Sequence[Appointment]
    at: datetime


@dataclass(frozen=True)
class _OneSession:
    session: Appointment
    at: datetime


@dataclass(frozen=True)
class _OneSessionAndItsClinic:
    clinic: Clinic  # whose reminder and check-in rules apply
    session: Appointment
    at: datetime


@dataclass(frozen=True)
class SessionMoved(_OneSessionAndItsClinic):
    """Rescheduled to another time or chair."""

    moved_from: datetime  # the start it had before


class SessionCancelled(_OneSession):
    pass


@dataclass(frozen=True)
class CourseCancelled:
    """The sessions to come of a course, all cancelled at once (perhaps none)."""

    sessions: Sequence[Appointment]
    at: datetime


class SessionMissed(_OneSession):
    """Marked a no-show."""


class SessionCompleted(_OneSessionAndItsClinic):
    """The patient was discharged."""


@dataclass(frozen=True)
class WaitlistOffered:
    """A freed time offered to waiting patients, one offer each: the first to take it books it."""

    clinic: Clinic
    offers: Sequence[WaitlistOffer]
    at: datetime


@dataclass(frozen=True)
class ShiftsAdded:
    """New shifts: more cover, so sessions needing staff may now fit where none did."""

    spans: Sequence[tuple[datetime, datetime]]


@dataclass(frozen=True)
class ClinicSettingsChanging:
    """The clinic's settings as they will be once saved, before they are: a reaction that finds
    them wanting raises services.errors.Invalid naming the field, and nothing is saved."""

    settings: Mapping[str, object]


@dataclass(frozen=True)
class TreatmentTypeChanging:
    """A treatment type as it will be once saved, before it is (refused as the clinic's settings are)."""

    settings: Mapping[str, object]


@dataclass(frozen=True)
class PatientPageShown:
    """A staff member opens a patient's page; each reaction answers a section of it (HTML)."""

    patient: Patient
    clinical: bool  # the reader may see clinical answers (check-in scores)


@dataclass(frozen=True)
class MetricsRead:
    """/metrics is being read: reactions set their gauges from the database first."""

    at: datetime


Event = (SessionsBooked | ShiftsAdded | SessionMoved | SessionCancelled | CourseCancelled | SessionMissed
         | SessionCompleted | WaitlistOffered | ClinicSettingsChanging | TreatmentTypeChanging | PatientPageShown
         | MetricsRead)
Reactions = Mapping[type, Sequence[Callable[[Event], object]]]


def wire(app: Flask, reactions: Reactions) -> None:
    """Who reacts to what, for this app (called by the app factory)."""
    app.extensions[_KEY] = reactions


def together(*tables: Reactions) -> Reactions:
    """Several packages' reactions as one table: each event's reactions in the order given."""
    merged: dict[type, list] = {}
    for table in tables:
        for event_type, reactions in table.items():
            merged.setdefault(event_type, []).extend(reactions)
    return merged


def wiring(app: Flask) -> Reactions:
    """Who reacts to what in this app (nobody, until wired)."""
    return app.extensions.get(_KEY, {})


def announce(event: Event) -> None:
    """Run every reaction to the event now, inside the caller's transaction."""
    gather(event)


def gather(event: Event) -> list:
    """Run every reaction to the event now, and what each answered, in wiring order."""
    return [react(event) for react in wiring(current_app).get(type(event), ())]


def sections_of_patient_page(patient: Patient, clinical: bool) -> list[Markup]:
    """What the wired packages add to a patient's page, in wiring order."""
    return gather(PatientPageShown(patient, clinical))
