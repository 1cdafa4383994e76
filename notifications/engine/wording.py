"""What a message says: templates (files staff may edit) filled with the patient's own times.
Pure: the caller chooses the template folder (notifications.services.templates).

SMS name no drug, diagnosis or treatment: the clinic appears under its `sms_name`, and the
treatment type's own name and preparation text go only into email.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

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
    clinic_name: str
    sms_name: str
    clinic_phone: str
    session_starts: tuple[datetime, ...]  # the session, or every session of a booked course
    preparation: str
    link: str | None = None  # the patient's page for this session (email only)


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


def local_time(instant: datetime, timezone_name: str) -> str:
    """'Tue 2 Jun, 9:00 AM' in the patient's own zone."""
    local = instant.astimezone(ZoneInfo(timezone_name))
    return f"{local:%a} {local.day} {local:%b}, {local.hour % 12 or 12}:{local:%M} {local:%p}"


def _context(facts: MessageFacts) -> dict:
    sessions = [local_time(s, facts.patient_timezone) for s in facts.session_starts]
    return {
        "purpose": facts.purpose,
        "first_name": facts.first_name,
        "clinic": facts.sms_name if facts.channel == "sms" else facts.clinic_name,
        "clinic_phone": facts.clinic_phone or "the clinic",
        "when": sessions[0] if sessions else "",
        "sessions": sessions,
        "day_before": (facts.purpose == "reminder"
                       and (facts.rule_minutes or 0) >= DAY_BEFORE_MINUTES),
        "preparation": facts.preparation if facts.channel == "email" else "",
        "link": facts.link if facts.channel == "email" else None,
    }


def _subjects(env: Environment) -> dict[str, str]:
    source, _, _ = env.loader.get_source(env, "subjects.txt")
    lines = source.splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)
