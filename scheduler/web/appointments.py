"""An appointment's page: reschedule, cancel, check in, complete, no-show, and book a
replacement for a cancelled or missed session of a course."""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for

from .. import clock
from ..api.access import ALL_STAFF, BOOKERS, CLINICAL
from ..api.schemas.booking import CancelSchema, RescheduleSchema
from ..api.schemas.observation import CompleteSchema
from ..engine import appointment_status
from ..services import booking, booking_views, observations
from ..services.clinic import get_treatment_type
from ..services.patients import get_patient
from . import forms
from .access import current_staff, page_for
from .booking import bp
from .booking_forms import by_day, clinic_day, instant, read_date
from .display import clinic_time


@bp.get("/appointments/<id:appointment_id>")
@page_for(*ALL_STAFF)
def appointment(appointment_id: int):
    found = booking.get_appointment(appointment_id)
    asked = request.args.get("day", "").strip()
    if not asked:
        return _appointment_page(found)
    day = read_date(asked)
    if day is None:
        return _appointment_page(found, {"day": "must be a date, e.g. 2026-06-02"}, request.args, code=422)
    return _appointment_page(found, entered=request.args, around=day)


@bp.post("/appointments/<id:appointment_id>/reschedule")
@page_for(*BOOKERS)
def reschedule(appointment_id: int):
    booking.get_appointment(appointment_id)
    values, problems = forms.read(RescheduleSchema(), request.form)
    if problems:
        return _refused(appointment_id, problems, 422)
    try:
        moved = booking.reschedule(appointment_id, **values)
    except forms.REFUSALS as error:
        return _refused(appointment_id, forms.refusal(error), forms.status_of(error))
    flash(f"Moved to {clinic_time(moved.start_at)}.")
    return redirect(url_for(".appointment", appointment_id=appointment_id), 303)


@bp.post("/appointments/<id:appointment_id>/cancel")
@page_for(*BOOKERS)
def cancel(appointment_id: int):
    booking.get_appointment(appointment_id)
    values, problems = forms.read(CancelSchema(), request.form)
    if problems:
        return _refused(appointment_id, problems, 422)
    return _change_status(appointment_id, "cancel", "The session is cancelled.", values["reason"])


@bp.post("/appointments/<id:appointment_id>/check-in")
@page_for(*BOOKERS)
def check_in(appointment_id: int):
    return _change_status(appointment_id, "check_in", "Checked in.")


@bp.post("/appointments/<id:appointment_id>/complete")
@page_for(*ALL_STAFF)  # as the API: monitoring staff see the patient out
def complete(appointment_id: int):
    booking.get_appointment(appointment_id)
    values, problems = forms.read(CompleteSchema(), request.form)
    if problems:
        return _refused(appointment_id, problems, 422)
    note = values.get("override_note")
    if note and current_staff().role not in CLINICAL:
        abort(403)  # as the API: only monitoring staff or the admin overrule the plan
    return _change_status(appointment_id, "complete", "The session is completed.", override_note=note)


@bp.post("/appointments/<id:appointment_id>/no-show")
@page_for(*BOOKERS)
def no_show(appointment_id: int):
    return _change_status(appointment_id, "no_show", "Marked a no-show.")


@bp.post("/appointments/<id:appointment_id>/replacement")
@page_for(*BOOKERS)
def replacement(appointment_id: int):
    booking.get_appointment(appointment_id)
    values, problems = forms.read(RescheduleSchema(only=("start",)), request.form)
    if problems:
        return _refused(appointment_id, problems, 422)
    try:
        booked = booking.book_replacement(appointment_id, values["start"])
    except forms.REFUSALS as error:
        return _refused(appointment_id, forms.refusal(error), forms.status_of(error))
    flash(f"A replacement is booked for {clinic_time(booked.start_at)}.")
    return redirect(url_for(".appointment", appointment_id=booked.id), 303)


def _change_status(appointment_id: int, action: str, done: str, reason: str | None = None,
                   override_note: str | None = None):
    booking.get_appointment(appointment_id)
    try:
        booking.change_status(appointment_id, action, reason, override_note)
    except forms.REFUSALS as error:
        return _refused(appointment_id, forms.refusal(error), forms.status_of(error))
    flash(done)
    return redirect(url_for(".appointment", appointment_id=appointment_id), 303)


def _refused(appointment_id: int, problems: dict[str, str], code: int):
    """The appointment's page again, as it now stands, saying what was refused and why."""
    found = booking.get_appointment(appointment_id)
    chosen = instant(request.form.get("start", ""))
    around = clinic_day(chosen) if chosen else None
    return _appointment_page(found, problems, request.form, code, around)


def _appointment_page(found, problems=None, entered=None, code=200, around: date | None = None):
    """The appointment with the actions its status and the time of day leave open (the service's
    own rule, so none fails when pressed), why the others wait, and free times to move it to or,
    when it is a cancelled session of a course left short, to book a replacement at."""
    now = clock.now()
    actions = appointment_status.actions_open(found.status, found.start_at, found.end_at, now)
    staff = current_staff()
    booker = staff is not None and staff.role in BOOKERS
    replaceable = booker and booking.may_be_replaced(found)
    day = around or clinic_day(found.start_at)
    wanted = ("reschedule" in actions and booker) or replaceable
    course = booking.get_course(found.course_id) if found.course_id else None
    patient = get_patient(found.patient_id)
    chairs = booking_views.chair_names()
    return render_template(
        "web/booking_pages/appointment.html", appointment=found, patient=patient,
        treatment=get_treatment_type(found.treatment_type_id), chairs=chairs,
        course=course, short=course.sessions_short if course else 0, actions=actions,
        waiting=_waiting(found, now), replaceable=replaceable,
        holds=observations.what_holds_the_patient(found, now) if "complete" in actions else [],
        may_override=staff is not None and staff.role in CLINICAL,
        **(_free_times(found, day, now, chairs) if wanted else {}),  # the picker shows only then
        problems=problems or {}, entered=entered or {}), code


def _free_times(found, day: date, now, chairs: dict[int, str]) -> dict:
    """The times listed to move the session to (or replace it at), by day, each with its chair,
    and the days they cover (from today at the earliest), so the page can say what it shows."""
    free = booking_views.times_to_move_to(found, day)
    reach = timedelta(days=booking_views.DAYS_AROUND)
    options = [(s.start, f"{clinic_time(s.start, '%H:%M', zone=False)}, {chairs.get(s.chair_id, s.chair_id)}", False)
               for s in free]
    return {"free_days": by_day(options), "free_count": len(free), "day": day.isoformat(),
            "first_day": max(day - reach, clinic_day(now)), "last_day": day + reach}


# The actions a status allows but whose time has not come or is past: the page says why.
EXPLAINED = ("check_in", "no_show", "complete")


def _waiting(found, now) -> dict[str, str]:
    """{action: why not now} for the actions the status allows but the time of day does not."""
    reasons = {action: appointment_status.why_not(found.status, action, found.start_at, found.end_at, now)
               for action in EXPLAINED if found.status in appointment_status.TRANSITIONS[action][0]}
    return {action: reason for action, reason in reasons.items() if reason}

