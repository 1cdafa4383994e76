"""How pages show times: in the clinic's time zone, with the zone named, never in UTC."""
from __future__ import annotations

from datetime import datetime
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
    app.add_template_global(clinic_zone, "clinic_zone")
