"""How pages show times: in the clinic's time zone, with the zone named, never in UTC, and
on the clinic's clock: 12-hour (9:30 AM) or 24-hour (09:30), its `time_format` setting.

The rule for templates and views: write a time of day as strftime's "%H:%M", inside any longer
style ("%a %d %b %Y %H:%M"), and pass it to `clinic_time`; it writes that clock part in the
clinic's format. Never write "%I", "%p" or "%H" alone: they would ignore the clinic's choice.
A clock time kept as text ("09:00", the opening hours) is shown with `clock_label`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from flask import Flask, g

from .. import clock
from ..phones import for_display
from ..services.clinic import find_clinic

UTC = ZoneInfo("UTC")


TWENTY_FOUR_HOUR = "24h"
_CLOCK_TEXT = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
CLOCK = "%H:%M"  # how templates ask for a time of day; see the module's rule


def clinic_zone() -> ZoneInfo:
    """The clinic's zone, read once per request; UTC before the admin has set the clinic up."""
    _read_clinic()
    return g.clinic_zone


def twelve_hour() -> bool:
    """Whether the clinic writes times of day as 9:30 AM; 24-hour before it is set up."""
    _read_clinic()
    return g.clinic_time_format != TWENTY_FOUR_HOUR


def _read_clinic() -> None:
    if "clinic_zone" not in g:
        clinic = find_clinic()
        g.clinic_zone = ZoneInfo(clinic.timezone) if clinic else UTC
        g.clinic_time_format = clinic.time_format if clinic else TWENTY_FOUR_HOUR


def local(instant: datetime | None) -> datetime | None:
    return instant.astimezone(clinic_zone()) if instant else None


def clinic_time(instant: datetime | None, style: str = "%a %d %b %Y, %H:%M", zone: bool = True) -> str:
    """e.g. "Tue 02 Jun 2026, 9:00 AM EDT" (or "09:00 EDT" on a 24-hour clinic): the zone's
    abbreviation shows DST plainly. Pages that name the zone once at the top pass zone=False
    for a bare "9:00 AM". Each "%H:%M" in `style` is the clock, in the clinic's format."""
    if instant is None:
        return ""
    moment = local(instant)
    text = _clock(moment).join(moment.strftime(part) for part in style.split(CLOCK))
    return f"{text} {moment.tzname()}" if zone and "%H" in style else text


def form_clock(instant: datetime) -> str:
    """The clinic-local time of day as forms and links carry it, "HH:MM" whatever the clinic's
    format: what the course form's preferred time reads back, never text for a person."""
    return f"{local(instant):%H:%M}"


CLOCK_STEP_MINUTES = 15  # the times of day a time select offers


def clock_options(kept: Iterable[object] = ()) -> list[tuple[str, str]]:
    """(value "HH:MM", text in the clinic's format) for a time select: every CLOCK_STEP_MINUTES,
    and any time among `kept` (the form's values), so a time set off the grid (through the API,
    say) is shown and saved unchanged. A select, not the browser's time box, whose format is
    the browser's own."""
    grid = {f"{minutes // 60:02d}:{minutes % 60:02d}" for minutes in range(0, 24 * 60, CLOCK_STEP_MINUTES)}
    times = grid | {str(value) for value in kept if _CLOCK_TEXT.match(str(value))}
    return [(time, clock_label(time)) for time in sorted(times)]


def clock_label(clock_text: str) -> str:
    """A clock time kept as "HH:MM" text (opening hours, quiet hours) in the clinic's format."""
    hours, _, minutes = clock_text.partition(":")
    if not (hours.isdigit() and minutes.isdigit()):
        return clock_text
    return _clock(datetime(2000, 1, 1, int(hours) % 24, int(minutes) % 60))


def clinic_span(start: datetime, end: datetime) -> str:
    """A shift as staff write it, in the clinic's zone: "Tue 2 Jun, 8:00 AM – 4:00 PM" (or
    "08:00 – 16:00" on a 24-hour clinic), the
    end's day named too when it runs past midnight. Pages name the zone once at the top."""
    first, last = local(start), local(end)
    until = _clock(last) if last.date() == first.date() else f"{_day(last)}, {_clock(last)}"
    return f"{_day(first)}, {_clock(first)} – {until}"


def day_span(first: date, last: date) -> str:
    """Clinic-local days as clinic_time writes them: "Tue 02 Jun – Fri 05 Jun 2026", one day once."""
    if first == last:
        return f"{first:%a %d %b %Y}"
    return f"{first:{'%a %d %b' if first.year == last.year else '%a %d %b %Y'}} – {last:%a %d %b %Y}"


def _day(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b}"


def _clock(moment: datetime) -> str:
    if not twelve_hour():
        return f"{moment:%H:%M}"
    return f"{moment.hour % 12 or 12}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def people(amount: Fraction) -> str:
    """A share of people as a person would say it: "5/6", "2", "1 1/3"."""
    whole, part = divmod(amount, 1)
    if not part:
        return str(whole)
    return f"{whole} {part}" if whole else str(part)


def role_name(role: str, count: int = 1) -> str:
    """"prescriber" as a heading says it: "Prescriber", or "Prescribers" for more than one."""
    name = role.replace("_", " ").capitalize()
    return name if count == 1 else f"{name}s"


def time_open(since: datetime | None) -> str:
    """How long ago, as staff say it: "3 h 05 min", "2 d 4 h"."""
    if since is None:
        return ""
    minutes = max(0, int((clock.now() - since).total_seconds() // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def register_filters(app: Flask) -> None:
    app.add_template_filter(clinic_time, "clinic_time")
    app.add_template_filter(time_open, "time_open")
    app.add_template_filter(clinic_span, "clinic_span")
    app.add_template_filter(clock_label, "clock_label")
    app.add_template_filter(form_clock, "form_clock")
    app.add_template_filter(for_display, "phone")
    app.add_template_filter(day_span, "day_span")
    app.add_template_filter(people, "people")
    app.add_template_filter(role_name, "role_name")
    app.add_template_global(clinic_zone, "clinic_zone")
