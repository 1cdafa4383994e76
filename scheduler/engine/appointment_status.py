"""The appointment's life: which status changes are allowed, from where, and when."""
from __future__ import annotations

from datetime import datetime, timedelta

from .errors import IllegalStatusChange

SCHEDULED = "scheduled"
CONFIRMED = "confirmed"
CHECKED_IN = "checked_in"
COMPLETED = "completed"
CANCELLED = "cancelled"
NO_SHOW = "no_show"
STATUSES = (SCHEDULED, CONFIRMED, CHECKED_IN, COMPLETED, CANCELLED, NO_SHOW)
# The statuses in which an appointment holds its chair (the database constraint says the same).
HOLDING = (SCHEDULED, CONFIRMED, CHECKED_IN)

# A patient may arrive early, but checking in tomorrow's patient today is a slip of the mouse.
CHECK_IN_EARLIEST = timedelta(hours=4)

# action -> (statuses it may start from, status it leads to)
TRANSITIONS = {
    "confirm": ((SCHEDULED, CONFIRMED), CONFIRMED),
    "check_in": ((SCHEDULED, CONFIRMED), CHECKED_IN),
    "complete": ((CHECKED_IN,), COMPLETED),
    "cancel": ((SCHEDULED, CONFIRMED, CHECKED_IN), CANCELLED),
    "no_show": ((SCHEDULED, CONFIRMED), NO_SHOW),
    # A new time needs a new confirmation from the patient.
    "reschedule": ((SCHEDULED, CONFIRMED), SCHEDULED),
}


def next_status(current: str, action: str, start: datetime, end: datetime, now: datetime) -> str:
    """The status after `action`, or IllegalStatusChange saying why not."""
    allowed_from, result = TRANSITIONS[action]
    if current not in allowed_from:
        raise IllegalStatusChange(f"a {current} appointment cannot {action.replace('_', ' ')}")
    reason = _too_early_or_late(action, start, end, now)
    if reason:
        raise IllegalStatusChange(reason)
    return result


def _too_early_or_late(action: str, start: datetime, end: datetime, now: datetime) -> str | None:
    if action == "check_in" and now < start - CHECK_IN_EARLIEST:
        return "check-in opens 4 hours before the session"
    if action == "check_in" and now >= end:
        return "the session's time is over; mark it a no-show or reschedule it"
    if action in ("complete", "no_show") and now < start:
        return f"the session has not started yet, so it cannot be marked {action.replace('_', ' ')}"
    if action in ("reschedule", "confirm") and now >= start:
        return "the session has already started"
    if action == "cancel" and now >= end:
        return "the session is over; mark it completed or a no-show instead"
    return None


def actions_open(current: str, start: datetime, end: datetime, now: datetime) -> frozenset[str]:
    """The actions next_status would accept now: the ones a page offers, so none it shows fails
    for the status or the time of day."""
    return frozenset(action for action in TRANSITIONS if why_not(current, action, start, end, now) is None)


def why_not(current: str, action: str, start: datetime, end: datetime, now: datetime) -> str | None:
    """Why next_status would refuse `action` now, in words, or None when it would accept it."""
    try:
        next_status(current, action, start, end, now)
    except IllegalStatusChange as refusal:
        return str(refusal)
    return None
