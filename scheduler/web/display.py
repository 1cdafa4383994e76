"""How pages show times: in the clinic's time zone, with the zone named, never in UTC."""
from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from flask import Flask, g

from .. import clock
from ..services.clinic import find_clinic

UTC = ZoneInfo("UTC")


def clinic_zone() -> ZoneInfo:
    """The clinic's zone, read once per request; UTC before the admin has set the clinic up."""
    if "clinic_zone" not in g:
        clinic = find_clinic()
        g.clinic_zone = ZoneInfo(clinic.timezone) if clinic else UTC
    return g.clinic_zone


def local(instant: datetime | None) -> datetime | None:
    return instant.astimezone(clinic_zone()) if instant else None


def clinic_time(instant: datetime | None, style: str = "%a %d %b %Y, %H:%M", zone: bool = True) -> str:
    """e.g. "Tue 02 Jun 2026, 09:00 EDT": the zone's abbreviation shows DST plainly. Pages that
    name the zone once at the top pass zone=False for a bare "09:00"."""
    if instant is None:
        return ""
    moment = local(instant)
    return f"{moment.strftime(style)} {moment.tzname()}" if zone and "%H" in style else moment.strftime(style)


def clinic_span(start: datetime, end: datetime) -> str:
    """A shift as staff write it, in the clinic's zone: "Tue 2 Jun, 8:00 AM – 4:00 PM", the
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
    app.add_template_filter(day_span, "day_span")
    app.add_template_filter(people, "people")
    app.add_template_filter(role_name, "role_name")
    app.add_template_global(clinic_zone, "clinic_zone")
