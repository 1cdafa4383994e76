"""What happened to sessions, announced by the booking services inside their own transaction.

This module is the one seam between scheduling and notifications: scheduling announces, and
whatever the app factory wired (notifications.reactions.REACTIONS) reacts before the commit, so
a change and what it implies (its messages) are saved together or not at all. Scheduling books,
moves and cancels the same with nothing wired: a test app, or a clinic that sends nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Mapping, Sequence

from flask import Flask, current_app

from .models import Appointment, Clinic

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


class SessionMoved(_OneSessionAndItsClinic):
    """Rescheduled to another time or chair."""


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


Event = SessionsBooked | SessionMoved | SessionCancelled | CourseCancelled | SessionMissed | SessionCompleted
Reactions = Mapping[type, Sequence[Callable[[Event], None]]]


def wire(app: Flask, reactions: Reactions) -> None:
    """Who reacts to what, for this app (called by the app factory)."""
    app.extensions[_KEY] = reactions


def wiring(app: Flask) -> Reactions:
    """Who reacts to what in this app (nobody, until wired)."""
    return app.extensions.get(_KEY, {})


def announce(event: Event) -> None:
    """Run every reaction to the event now, inside the caller's transaction."""
    for react in wiring(current_app).get(type(event), ()):
        react(event)
