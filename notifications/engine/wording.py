"""What a message says: templates (files staff may edit) filled with the patient's own times.
Pure: the caller chooses the template folder (notifications.services.templates).

SMS name no drug, diagnosis or treatment: the clinic appears under its `sms_name`, the treatment
type's own name and preparation text go only into email, and a text carries the treatment type's
short SMS line instead (checked by discretion.py when the admin saves it). Every time is the
session's own, on the clinic's clock, labelled with its zone when the patient's clock differs.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Sequence
from zoneinfo import ZoneInfo

import phonenumbers
from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).parent.parent / "templates"
DAY_BEFORE_MINUTES = 12 * 60  # reminders at least this far ahead carry the preparation


@dataclass(frozen=True)
class MessageFacts:
    purpose: str
    channel: str
    rule_minutes: int | None
    first_name: str
    patient_timezone: str
    clinic_timezone: str  # sessions are written in the clinic's time, where they happen
    clinic_name: str
    sms_name: str
    clinic_phone: str  # E.164, or empty
    session_starts: tuple[datetime, ...]  # the session, or every session of a booked course
    preparation: str  # the treatment type's, for email
    sms_preparation: str = ""  # the treatment type's short line, for texts
    link: str | None = None  # the patient's page for this session (email only)
    moved_from: datetime | None = None  # a rescheduled session's earlier start
    offer_link: str | None = None  # a waitlist offer's page, by text and email: the way to take it
    offer_until: datetime | None = None  # when the offer lapses
    form_link: str | None = None  # a questionnaire's page, by text and email


@dataclass(frozen=True)
class Rendered:
    text: str
    subject: str | None = None


@lru_cache(maxsize=4)
def environment(folder: str) -> Environment:
    """The templates in `folder` (ours are TEMPLATES)."""
    # Kept, not rebuilt per message: the loader still notices a template staff have edited.
    return Environment(loader=FileSystemLoader(folder), undefined=StrictUndefined,
                       autoescape=False, auto_reload=True)


def render(env: Environment, facts: MessageFacts) -> Rendered:
    context = _context(facts)
    if facts.channel == "sms":
        return Rendered(env.get_template(f"{facts.purpose}.sms.txt").render(context).strip())
    subject = env.from_string(_subjects(env)[facts.purpose]).render(context)
    return Rendered(env.get_template("email.txt").render(context).strip() + "\n", subject)


def session_time(instant: datetime, clinic_timezone: str, reader_timezone: str, brief: bool = False) -> str:
    """When a session is, on the clinic's clock: 'Tue 2 Jun, 9:00 AM' ('Tue 2 Jun 9am' brief),
    with the zone added when the reader's clock shows another time then ('9:00 AM EDT')."""
    return f"{_day(instant, clinic_timezone)}{' ' if brief else ', '}" \
           f"{_clock(instant, clinic_timezone, reader_timezone, brief)}"


def sessions_in_brief(starts: Sequence[datetime], clinic_timezone: str, reader_timezone: str) -> str:
    """A course's dates as few characters as a patient can still read at a glance: 'Tue 2, Wed 3,
    Thu 4 Jun at 9am' when every session is at the same time, else each date with its time."""
    clocks = {_clock(start, clinic_timezone, reader_timezone, True) for start in starts}
    if len(clocks) != 1:
        return ", ".join(session_time(s, clinic_timezone, reader_timezone, brief=True) for s in starts)
    by_month: dict[tuple[int, int], list[datetime]] = {}
    for start in starts:
        local = start.astimezone(ZoneInfo(clinic_timezone))
        by_month.setdefault((local.year, local.month), []).append(local)
    days = ", ".join(", ".join(f"{day:%a} {day.day}" for day in month) + f" {month[0]:%b}"
                     for month in by_month.values())
    return f"{days} at {clocks.pop()}"


def national_phone(e164: str) -> str:
    """A number as the patient dials it at home, '(617) 555-0100', for a number of the clinic's
    own country; an unreadable one as it was given."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def _day(instant: datetime, zone: str) -> str:
    local = instant.astimezone(ZoneInfo(zone))
    return f"{local:%a} {local.day} {local:%b}"


def _clock(instant: datetime, clinic_timezone: str, reader_timezone: str, brief: bool) -> str:
    local = instant.astimezone(ZoneInfo(clinic_timezone))
    hour = local.hour % 12 or 12
    if brief:
        minutes = f":{local:%M}" if local.minute else ""
        text = f"{hour}{minutes}{local:%p}".lower()
    else:
        text = f"{hour}:{local:%M} {local:%p}"
    if instant.astimezone(ZoneInfo(reader_timezone)).utcoffset() != local.utcoffset():
        text += f" {local.tzname()}"
    return text


def _context(facts: MessageFacts) -> dict:
    brief = facts.channel == "sms"
    starts = facts.session_starts

    def when(instant: datetime) -> str:
        return session_time(instant, facts.clinic_timezone, facts.patient_timezone, brief)

    return {
        "purpose": facts.purpose,
        "first_name": facts.first_name,
        "clinic": facts.sms_name if brief else facts.clinic_name,
        "clinic_phone": national_phone(facts.clinic_phone) if facts.clinic_phone else "the clinic",
        "when": when(starts[0]) if starts else "",
        "day": _day(starts[0], facts.clinic_timezone) if starts else "",
        "sessions": [when(s) for s in starts],
        "dates": sessions_in_brief(starts, facts.clinic_timezone, facts.patient_timezone) if starts else "",
        "moved_from": when(facts.moved_from) if facts.moved_from else "",
        "day_before": (facts.purpose == "reminder"
                       and (facts.rule_minutes or 0) >= DAY_BEFORE_MINUTES),
        "preparation": facts.sms_preparation if brief else facts.preparation,
        "link": None if brief else facts.link,
        "offer_link": facts.offer_link,
        "form_link": facts.form_link,
        # The clock alone: an offer lasts hours, and the text's session time names the zone.
        "until": _clock(facts.offer_until, facts.clinic_timezone, facts.clinic_timezone, brief)
                 if facts.offer_until else "",
    }


def _subjects(env: Environment) -> dict[str, str]:
    source, _, _ = env.loader.get_source(env, "subjects.txt")
    lines = source.splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)
