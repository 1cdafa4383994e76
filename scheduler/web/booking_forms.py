"""What the booking pages (a course, an appointment) read from their forms and show in them:
posted starts and numbers, and free times grouped by the clinic's day for a select."""
from __future__ import annotations

from datetime import date, datetime, timezone
from itertools import groupby
from typing import Any

from ..api.schemas.fields import EARLIEST, LATEST
from .display import clinic_zone


def by_day(options: list[tuple[datetime, str, bool]]) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """(start, text, selected) options, in order, grouped under their clinic-local day for a
    select's optgroups; each start becomes the value the form posts."""
    return [(day.strftime("%a %d %b %Y"), [(form_value(start), text, selected)
                                           for start, text, selected in group])
            for day, group in groupby(options, key=lambda option: clinic_day(option[0]))]


def clinic_day(instant: datetime) -> date:
    return instant.astimezone(clinic_zone()).date()


def form_value(instant: datetime) -> str:
    """A start as the form posts it: ISO 8601 with the clinic's offset, which Instant reads."""
    return instant.astimezone(clinic_zone()).isoformat()


def instant(text: str) -> datetime | None:
    """A posted start, if it reads as one the API would take (with an offset, years 2000-2099)."""
    try:
        parsed = datetime.fromisoformat(text.strip())
        instant = parsed.astimezone(timezone.utc) if parsed.tzinfo else None
    except (ValueError, OverflowError):
        return None
    return instant if instant and EARLIEST <= instant < LATEST else None


def read_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def whole_number(text: Any) -> int | None:
    text = str(text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def search_text(text: str) -> str:
    """What the patient search may be given: printable, short (PostgreSQL refuses a NUL)."""
    return "".join(ch for ch in text if ch.isprintable())[:100]
