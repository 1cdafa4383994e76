"""Settings that go out by SMS, checked before scheduling saves them (scheduler.events): they
may not say what a patient is treated for, and a reminder carrying them must still fit in one
text (one segment, billed once, read at a glance)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Mapping

from sqlalchemy import func, select

from scheduler.extensions import db
from scheduler.models import Clinic, TreatmentType
from scheduler.services.errors import Invalid

from notifications.engine import wording
from notifications.engine.discretion import sms_wording_problems, telltale_words
from notifications.engine.segments import segments
from notifications.services.templates import templates

# The longest a session's time can be written in a text: two-digit day, a minute past, and a
# zone label ("Wed 30 Sep 10:30am EDT", for a patient whose clock differs from the clinic's).
LONGEST_TIME = datetime(2026, 9, 30, 14, 30, tzinfo=timezone.utc)
LONGEST_TIME_ZONES = ("America/New_York", "Europe/London")


def refuse_telltale_clinic_texts(settings: Mapping[str, object]) -> None:
    """No SMS may say what a patient is treated for, so neither may the name texts go out under
    nor the crisis answer; and every treatment's reminder must still fit in one text under the
    name: Invalid, naming the field, when not."""
    problems = sms_wording_problems(settings.get("name"), settings.get("sms_name"),
                                    settings.get("crisis_text"))
    name_field = "sms_name" if settings.get("sms_name") else "name"
    if name_field not in problems:
        longest = db.session.scalar(select(TreatmentType.sms_preparation).where(TreatmentType.active)
                                    .order_by(func.length(TreatmentType.sms_preparation).desc()).limit(1))
        too_long = _reminder_too_long(_sms_name(settings), longest or "")
        if too_long:
            problems[name_field] = f"Day-before reminders would not fit in one text under this name: {too_long}"
    if problems:
        raise Invalid(problems)


def refuse_telltale_treatment_texts(settings: Mapping[str, object]) -> None:
    """The treatment type's short SMS line names no drug or diagnosis, and fits the day-before
    reminder in one text under the clinic's name."""
    line = str(settings.get("sms_preparation") or "")
    if not line:
        return
    if telltale_words(line):
        raise Invalid({"sms_preparation": f"This is sent by SMS; it must not say \"{telltale_words(line)[0]}\"."})
    clinic = db.session.get(Clinic, 1)
    names = {"sms_name": clinic.sms_name, "name": clinic.name} if clinic else {}
    too_long = _reminder_too_long(_sms_name(names), line)
    if too_long:
        raise Invalid({"sms_preparation": f"The day-before reminder must fit in one text: {too_long}"})


def _sms_name(settings: Mapping[str, object]) -> str:
    return str(settings.get("sms_name") or settings.get("name") or "")


def _reminder_too_long(sms_name: str, line: str) -> str | None:
    """Why the longest day-before reminder with this name and line takes more than one text, or None."""
    clinic_zone, patient_zone = LONGEST_TIME_ZONES
    facts = wording.MessageFacts(
        purpose="reminder", channel="sms", rule_minutes=24 * 60, first_name="", patient_timezone=patient_zone,
        clinic_timezone=clinic_zone, clinic_name=sms_name, sms_name=sms_name, clinic_phone="",
        session_starts=(LONGEST_TIME,), preparation="", sms_preparation=line)
    text = wording.render(templates(), facts).text
    if segments(text) == 1:
        return None
    return f"at its longest it would be {len(text)} characters, {segments(text)} texts; shorten it."
