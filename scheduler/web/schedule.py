"""The front desk's schedule: a day or a week of sessions by chair, in the clinic's time zone."""
from __future__ import annotations

from datetime import date

from flask import render_template, request

from .. import clock
from ..api.access import ALL_STAFF
from ..services.clinic import find_clinic
from ..services.schedule import chairs_for_schedule, sessions_between
from .access import page_for
from .display import clinic_zone
from .pages import web_blueprint
from .schedule_grid import DAY, WEEK, cells, hour_rows, span_of, step, working_hours

bp = web_blueprint("schedule", __name__)


@bp.get("/schedule")
@page_for(*ALL_STAFF)
def schedule():
    zone = clinic_zone()
    today = clock.now().astimezone(zone).date()
    view = WEEK if request.args.get("view") == WEEK else DAY
    day, problem = _day_asked(today)
    span = span_of(day, view, zone)
    sessions = sessions_between(span.start, span.end)
    clinic = find_clinic()
    opens, closes = working_hours(clinic.opening_hours if clinic else {})
    return render_template(
        "web/schedule/schedule.html", title="Schedule", view=view, day=day, today=today,
        span=span, problem=problem, chairs=chairs_for_schedule({s.chair_id for s in sessions}),
        grid=cells(sessions, zone, view), hours=hour_rows(sessions, zone, opens, closes),
        previous=step(day, view, forward=False), next=step(day, view, forward=True),
        count=sum(1 for s in sessions if s.status != "cancelled"),
    ), 200 if problem is None else 422


def _day_asked(today: date) -> tuple[date, str | None]:
    text = request.args.get("day", "").strip()
    if not text:
        return today, None
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return today, "day: not a date; use the date picker or YYYY-MM-DD"
