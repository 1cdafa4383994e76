"""The waitlist's rules: which freed time suits a waiting patient, and what an entry and its
offers amount to now. Pure: callers pass the clinic's hours and `now`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from .hours import OpeningHours
from .slots import Slot

WAITING, BOOKED, REMOVED, EXPIRED = "waiting", "booked", "removed", "expired"
ENTRY_STATUSES = (WAITING, BOOKED, REMOVED, EXPIRED)
# What became of an offer: still open, booked by its patient, gone to someone faster (or the
# time was booked otherwise), withdrawn (the entry was removed or booked another time), or
# expired unanswered. `expired` is never stored: an open offer past its time is expired.
OPEN, GONE, WITHDRAWN = "open", "gone", "withdrawn"
OUTCOMES = (OPEN, BOOKED, GONE, WITHDRAWN, EXPIRED)


@dataclass(frozen=True)
class Window:
    """When a waiting patient can come: clinic-local days, and perhaps times of day."""

    earliest: date
    latest: date
    from_time: time | None = None  # the session starts at or after this
    until_time: time | None = None  # and ends by this


def fits(window: Window, slot: Slot, hours: OpeningHours) -> bool:
    """Whether the whole session at `slot` lies inside the window, on the clinic's clock."""
    start, end = slot.start.astimezone(hours.timezone), slot.end.astimezone(hours.timezone)
    if not window.earliest <= start.date() <= window.latest:
        return False
    if window.from_time is not None and start.time() < window.from_time:
        return False
    return window.until_time is None or (end.date() == start.date() and end.time() <= window.until_time)


def entry_status(stored: str, latest: date, today: date) -> str:
    """A waiting entry whose last day has passed (on the clinic's clock) has expired."""
    return EXPIRED if stored == WAITING and latest < today else stored


def offer_outcome(stored: str, expires_at: datetime, now: datetime) -> str:
    return EXPIRED if stored == OPEN and now >= expires_at else stored
