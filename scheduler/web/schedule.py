"""The front desk's schedule: a day or a week of sessions by chair, in the clinic's time zone."""
from __future__ import annotations

from datetime import date

from flask import render_template, request

from .. import clock
from ..api.access import ALL_STAFF
from ..services.booking_views import active_treatment_types
from ..services.clinic import find_clinic
from ..services import staffing
from ..services.schedule import (ScheduledSession, bookable_starts, chairs_for_schedule, opening_windows,
                                 sessions_between)
from .access import page_for
from .display import clinic_zone
from .pages import link_for, web_blueprint
from .schedule_grid import (DAY, WEEK, Span, cells, day_pieces, hour_rows, overlapping, row_starts, span_of,
                            step, working_hours)

bp = web_blueprint("schedule", __name__)


@bp.get("/schedule")
@page_for(*ALL_STAFF)
def schedule():
    zone = clinic_zone()
    today = clock.now().astimezone(zone).date()
    view = WEEK if request.args.get("view") == WEEK else DAY
    day, problem = _day_asked(today)
    treatments = active_treatment_types()
    offered, treatment_problem = _treatment_asked(treatments)
    span = span_of(day, view, zone)
    sessions = sessions_between(span.start, span.end)
    shifts = staffing.shifts_between(span.start, span.end) if view == DAY else []
    clinic = find_clinic()
    opens, closes = working_hours(clinic.opening_hours if clinic else {})
    chairs = chairs_for_schedule({s.chair_id for s in sessions})
    held = [s for s in sessions if s.status != "cancelled"]
    hours = hour_rows(sessions, zone, opens, closes)  # cancelled ones too: their cards show
    problem = problem or treatment_problem
    return render_template(
        "web/schedule/schedule.html", title="Schedule", view=view, day=day, today=today,
        span=span, problem=problem, chairs=chairs, offered=offered,
        treatment_options=[(t.id, t.name) for t in treatments],
        grid=cells(sessions if view == WEEK else _drawn_as_cards(sessions), zone, view), hours=hours,
        pieces=_day_pieces(clinic, offered, held, chairs, span, hours) if view == DAY else {},
        now=clock.now(), may_book=_may_book(offered), open_days=_open_days(clinic, span, zone),
        previous=step(day, view, forward=False), next=step(day, view, forward=True),
        count=len(held),
        shifts=shifts, roles=staffing.roles_on_shift(span.start, span.end, shifts) if view == DAY else [],
        uncovered=_uncovered(sessions, span),
    ), 200 if problem is None else 422


def _drawn_as_cards(sessions: list[ScheduledSession]) -> list[ScheduledSession]:
    """In the day view the timeline draws the sessions holding their chair; cancelled ones, and
    any that overlap another, are shown as cards in the hour they start."""
    held = [s for s in sessions if s.status != "cancelled"]
    return [s for s in sessions if s.status == "cancelled"] + overlapping(held)


def _day_pieces(clinic, offered, held, chairs, span: Span, hours: list[int]) -> dict:
    """Each chair's hours cut into sessions, turnovers and free times; a free time where a session
    of the offered treatment fits links to booking it, for those who may book."""
    if clinic is None:
        return {}
    bookable = bookable_starts(clinic, offered, span.start, span.end) if _may_book(offered) else {}
    rows = row_starts(span.first, hours, clinic_zone())
    return day_pieces(held, [c.id for c in chairs], rows, opening_windows(clinic, span.start, span.end), bookable)


def _open_days(clinic, span: Span, zone) -> set:
    """The clinic-local days of the span the clinic opens on: the week offers booking on these."""
    if clinic is None:
        return set()
    return {window.start.astimezone(zone).date() for window in opening_windows(clinic, span.start, span.end)}


def _may_book(offered) -> bool:
    return offered is not None and link_for("booking_pages.new_course") is not None


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


def _treatment_asked(treatments):
    """The treatment the free times are offered for: the one asked, else the first in use."""
    text = request.args.get("treatment_type_id", "").strip()
    first = treatments[0] if treatments else None
    if not text:
        return first, None
    chosen = next((t for t in treatments if str(t.id) == text), None)
    if chosen is None:
        return first, "treatment_type_id: not a treatment in use; choose one from the list"
    return chosen, None
