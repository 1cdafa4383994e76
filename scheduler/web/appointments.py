"""An appointment's page: reschedule, cancel, check in, complete, no-show."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for

from ..api.access import ALL_STAFF, BOOKERS
from ..api.schemas.booking import CancelSchema, RescheduleSchema
from ..engine.appointment_status import TRANSITIONS
from ..services import booking, booking_views
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
    return _change_status(appointment_id, "complete", "The session is completed.")


@bp.post("/appointments/<id:appointment_id>/no-show")
@page_for(*BOOKERS)
def no_show(appointment_id: int):
    return _change_status(appointment_id, "no_show", "Marked a no-show.")


def _change_status(appointment_id: int, action: str, done: str, reason: str | None = None):
    booking.get_appointment(appointment_id)
    try:
        booking.change_status(appointment_id, action, reason)
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
    """The appointment with the actions its status leaves open; free slots to move it to when
    the reader may reschedule it (around `around`, else around its own day)."""
    actions = actions_open(found.status)
    staff = current_staff()
    day = around or clinic_day(found.start_at)
    free = []
    if "reschedule" in actions and staff is not None and staff.role in BOOKERS:
        free = booking_views.times_to_move_to(found, day)
    course_kind = booking.get_course(found.course_id).kind if found.course_id else None
    return render_template(
        "web/booking_pages/appointment.html", appointment=found, patient=get_patient(found.patient_id),
        treatment=get_treatment_type(found.treatment_type_id), chairs=booking_views.chair_names(),
        course_kind=course_kind, actions=actions,
        free_days=by_day([(s.start, clinic_time(s.start, "%H:%M"), False) for s in free]),
        day=day.isoformat(), problems=problems or {}, entered=entered or {}), code


def actions_open(status: str) -> frozenset[str]:
    """The actions the appointment's status allows (its time may still refuse some)."""
    return frozenset(action for action, (allowed_from, _) in TRANSITIONS.items()
                     if status in allowed_from)


