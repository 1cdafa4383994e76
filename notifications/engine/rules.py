"""Message rules as pure functions: what a booking implies, and whether a message is still right
to send now. No Flask, no database, no clock read: callers pass `now` and plain data.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from scheduler.engine.hours import instant_of, parse_clock

# How late each purpose may still go out, e.g. after an outage. A reminder's own limit also
# depends on how far ahead it was meant to go (see late_limit).
LATE_LIMITS = {
    "confirmation": timedelta(hours=6),
    "reschedule": timedelta(hours=12),
    "cancellation": timedelta(hours=12),
    "course_cancellation": timedelta(hours=12),
    "no_show": timedelta(hours=24),
    "checkin": timedelta(hours=12),
    "questionnaire": timedelta(hours=24),
    "questionnaire_reminder": timedelta(hours=24),
}
# A questionnaire's link and its one reminder: useful only while the form waits for answers.
QUESTIONNAIRE_PURPOSES = ("questionnaire", "questionnaire_reminder")
# Purposes about a session still to come: pointless once it has started or is off.
ABOUT_UPCOMING = ("confirmation", "reminder", "reschedule")
# News the patient must have before the session's time, however late it is: told late, they
# still will not come for nothing (a cancellation) or miss their new time (a reschedule).
UNTIL_THE_SESSION = ("cancellation", "reschedule")
# A freed time offered to a waiting patient: useful only while the offer is open.
WAITLIST_OFFER = "waitlist_offer"
# Why an SMS did not go to a number that texted STOP; START looks for it (reminders_after_start).
STOPPED = "the patient texted STOP"


@dataclass(frozen=True)
class Planned:
    """A notification a change implies: what, on which channel, when, and the rule behind it."""

    purpose: str
    channel: str
    due_at: datetime
    rule_minutes: int | None = None
    skip_reason: str | None = None  # already pointless when planned (e.g. booked too late)


@dataclass(frozen=True)
class Recipient:
    phone: str | None
    email: str | None
    sms_opt_in: bool
    email_opt_in: bool
    sms_opted_out: bool
    timezone: str


@dataclass(frozen=True)
class Situation:
    """Everything the send-time decision looks at."""

    purpose: str
    channel: str
    due_at: datetime
    rule_minutes: int | None
    recipient: Recipient
    appointment_status: str | None  # None: the message is not about one appointment
    appointment_start: datetime | None
    quiet_hours: Mapping[str, str] | None
    now: datetime
    # A waitlist offer's message: what became of the offer (None: there is none), and until when
    # it may be taken. Past that the message would only send the patient to a closed door.
    offer_outcome: str | None = None
    offer_expires_at: datetime | None = None
    # A questionnaire's message: whether its form still waits for answers (None: no such form).
    questionnaire_open: bool | None = None


@dataclass(frozen=True)
class Decision:
    action: str  # "send", "skip" or "defer"
    reason: str | None = None
    until: datetime | None = None


SEND = Decision("send")


def notices_for(purpose: str, now: datetime, channels: Sequence[str] = ("sms", "email")) -> list[Planned]:
    """An immediate notice (confirmation, cancellation, ...) on each channel."""
    return [Planned(purpose, channel, now) for channel in channels]


def reminders_for(start: datetime, now: datetime, rules: Iterable[Mapping],
                  quiet: Mapping[str, str] | None = None, timezone_name: str = "UTC") -> list[Planned]:
    """The reminders the clinic's rules ask for before a session starting at `start`.

    A text due inside the patient's quiet hours (`quiet`, on their clock) is due instead at the
    last minute before those hours begin: the 2-hour reminder of an 08:00 session goes out the
    evening before, not at 06:00, where it would wait until the session had started.
    """
    planned = []
    for rule in rules:
        due = start - timedelta(minutes=rule["offset_minutes"])
        for channel in rule["channels"]:
            at = before_quiet_hours(due, quiet, timezone_name) if channel == "sms" and quiet else due
            reason = _why_not_plan(due, at, now, rule["offset_minutes"])
            planned.append(Planned("reminder", channel, max(at, now), rule["offset_minutes"], reason))
    return planned


def _why_not_plan(due: datetime, at: datetime, now: datetime, offset_minutes: int) -> str | None:
    """Why a reminder due at `due` (sent at `at`, moved out of quiet hours) is pointless already."""
    if now - due > late_limit("reminder", offset_minutes):
        return "booked after this reminder was due; the confirmation covers it"
    if at < due and now > at:
        return "due in the patient's quiet hours, and the evening before them had passed at booking"
    return None


def before_quiet_hours(due: datetime, quiet: Mapping[str, str], timezone_name: str) -> datetime:
    """`due`, or, when it falls in quiet hours, the last minute before they began."""
    window = quiet_window(quiet, timezone_name, due)
    return due if window is None else window[0] - timedelta(minutes=1)


def reminders_after_start(start: datetime, now: datetime, rules: Iterable[Mapping],
                           earlier: Iterable[tuple[int | None, str | None]],
                           quiet: Mapping[str, str] | None = None, timezone_name: str = "UTC") -> list[Planned]:
    """The SMS reminders to plan again for a session when its number texts START.

    `earlier` holds (rule_minutes, error) of the session's SMS reminders for its current time. A
    rule comes back only if STOP is all that kept its reminder from going (cancelled while
    pending, or skipped when due) and it is still useful now; any other outcome stands, so
    nothing already sent or waiting is planned twice.
    """
    earlier = list(earlier)
    stopped = {minutes for minutes, error in earlier if error == STOPPED}
    other = {minutes for minutes, error in earlier if error != STOPPED}
    return [p for p in reminders_for(start, now, rules, quiet, timezone_name)
            if p.channel == "sms" and p.skip_reason is None and p.rule_minutes in stopped - other]


def checkins_for(completed_at: datetime, rules: Iterable[Mapping]) -> list[Planned]:
    return [Planned("checkin", rule["channel"], completed_at + timedelta(minutes=rule["after_minutes"]),
                    rule["after_minutes"]) for rule in rules]


def late_limit(purpose: str, rule_minutes: int | None) -> timedelta:
    """How long after its due time a message may still go out."""
    if purpose == "reminder":
        # A day-before reminder is still useful hours late; a two-hour one is not.
        quarter = timedelta(minutes=(rule_minutes or 0) / 4)
        return min(max(quarter, timedelta(minutes=15)), timedelta(hours=6))
    return LATE_LIMITS.get(purpose, timedelta(hours=6))


def decide(situation: Situation) -> Decision:
    """Send now, skip with a reason, or wait until quiet hours end."""
    reason = _pointless(situation) or _not_allowed(situation)
    if reason:
        return Decision("skip", reason)
    if situation.channel == "sms" and situation.quiet_hours:
        quiet_end = end_of_quiet_hours(situation.quiet_hours, situation.recipient.timezone, situation.now)
        if quiet_end is not None:
            # Waiting out the night is not lateness; what matters is whether it still helps then.
            later = Situation(**{**situation.__dict__, "now": quiet_end, "due_at": quiet_end})
            if _pointless(later):
                return Decision("skip", "would fall in the patient's quiet hours and be too late after them")
            return Decision("defer", "quiet hours", quiet_end)
    return SEND


def _pointless(s: Situation) -> str | None:
    if s.purpose == WAITLIST_OFFER:
        return _offer_pointless(s)
    if s.purpose in QUESTIONNAIRE_PURPOSES and not s.questionnaire_open:
        return "the form is answered or closed"
    if s.purpose in ABOUT_UPCOMING or s.purpose == "checkin":
        if s.appointment_status is None:
            return "the appointment no longer exists"
    if s.purpose in ABOUT_UPCOMING:
        if s.appointment_status in ("cancelled", "no_show", "completed"):
            return f"the appointment is {s.appointment_status.replace('_', ' ')}"
        if s.appointment_start is not None and s.now >= s.appointment_start:
            return "the session has already started"
    if s.purpose in UNTIL_THE_SESSION and s.appointment_start is not None:
        if s.now >= s.appointment_start:
            return "the session's time has passed"
        return None
    if s.now - s.due_at > late_limit(s.purpose, s.rule_minutes):
        minutes = int((s.now - s.due_at).total_seconds() // 60)
        return f"{minutes} minutes late: too late to be useful"
    return None


def _offer_pointless(s: Situation) -> str | None:
    if s.offer_outcome is None:
        return "the offer no longer exists"
    if s.offer_outcome != "open":
        return f"the offer is {s.offer_outcome}"
    if s.now >= s.offer_expires_at:
        return "the offer expired before it could go out"
    return None


def _not_allowed(s: Situation) -> str | None:
    r = s.recipient
    if s.channel == "sms":
        if r.sms_opted_out:
            return STOPPED
        if not r.sms_opt_in:
            return "no consent to SMS"
        if not r.phone:
            return "no phone number"
    elif s.channel == "email":
        if not r.email_opt_in:
            return "no consent to email"
        if not r.email:
            return "no email address"
    return None


def end_of_quiet_hours(quiet: Mapping[str, str], timezone_name: str, now: datetime) -> datetime | None:
    """When the quiet window that `now` falls in ends (as an instant), or None if not in one."""
    window = quiet_window(quiet, timezone_name, now)
    return None if window is None else window[1]


def quiet_window(quiet: Mapping[str, str], timezone_name: str, instant: datetime) -> tuple[datetime, datetime] | None:
    """The quiet window `instant` falls in, as (start, end) instants, or None if not in one.

    The window is in the patient's local time and may run over midnight (21:00 to 08:00).
    """
    zone = ZoneInfo(timezone_name)
    start, end = parse_clock(quiet["start"]), parse_clock(quiet["end"])
    if start == end:
        return None
    local = instant.astimezone(zone)
    clock = local.time()
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    first_day = last_day = local.date()
    if start > end:  # the window runs over midnight: it began yesterday or ends tomorrow
        if clock >= start:
            last_day += timedelta(days=1)
        else:
            first_day -= timedelta(days=1)
    return instant_of(zone, datetime.combine(first_day, start)), instant_of(zone, datetime.combine(last_day, end))
