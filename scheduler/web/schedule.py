"""The front desk's schedule: a day or a week of sessions by chair, in the clinic's time zone."""
from __future__ import annotations

from datetime import date

from flask import render_template, request

from .. import clock
from ..api.access import ALL_STAFF
from ..services.clinic import find_clinic
from ..services import staffing
from ..services.schedule import ScheduledSession, chairs_for_schedule, sessions_between
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
    shifts = staffing.shifts_between(span.start, span.end) if view == DAY else []
    clinic = find_clinic()
    opens, closes = working_hours(clinic.opening_hours if clinic else {})
    return render_template(
        "web/schedule/schedule.html", title="Schedule", view=view, day=day, today=today,
        span=span, problem=problem, chairs=chairs_for_schedule({s.chair_id for s in sessions}),
        grid=cells(sessions, zone, view), hours=hour_rows(sessions, zone, opens, closes),
        previous=step(day, view, forward=False), next=step(day, view, forward=True),
        count=sum(1 for s in sessions if s.status != "cancelled"),
        shifts=shifts, roles=staffing.roles_on_shift(span.start, span.end, shifts) if view == DAY else [],
        uncovered=_uncovered(sessions, span),
    ), 200 if problem is None else 422


def _uncovered(sessions: list[ScheduledSession], span) -> list[ScheduledSession]:
    """The span's booked sessions that no clinician on shift can cover: for the desk to move."""
    ids = {a.id for a in staffing.uncovered_sessions(span.start, span.end)}
    return [s for s in sessions if s.appointment_id in ids]


def _day_asked(today: date) -> tuple[date, str | None]:
    text = request.args.get("day", "").strip()
    if not text:
        return today, None
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return today, "day: not a date; use the date picker or YYYY-MM-DD"
