"""The page a patient's emailed link opens: their session with three buttons, and the rest of its
course to come; no sign-in.

Confirming changes the appointment; asking to be called records a request for the front desk.
A bad or expired link shows a plain explanation and nothing about anyone.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template, request

from scheduler import clock
from scheduler.engine import appointment_status as status
from scheduler.engine.errors import IllegalStatusChange
from scheduler.extensions import db
from scheduler.models import Appointment, Clinic, TreatmentType
from scheduler.services import booking
from scheduler.web.pages import page_headers

from notifications.engine.wording import national_phone, session_time
from notifications.services.patient_links import EXPIRED, LinkInvalid, appointment_id_from
from notifications.services.patient_requests import ask_to_be_called, open_request_for

bp = Blueprint("patient_page", __name__, template_folder="templates", static_folder="static",
               static_url_path="/patient-page/static")
ACTIONS = ("confirm", "reschedule", "cancel")
DONE = {
    "confirm": "Thank you: your session is confirmed.",
    "reschedule": "Thank you: we will call you to find another time.",
    "cancel": "Thank you: we will call you about cancelling.",
}
STATUS_TEXT = {status.SCHEDULED: "booked, not yet confirmed", status.CONFIRMED: "confirmed",
               status.CANCELLED: "cancelled"}
ASKED = {"reschedule": "You asked us to call you to change the time: we will call you.",
         "cancel": "You asked us to call you about cancelling: we will call you."}


@bp.after_request
def private_page_headers(response):
    # The staff pages' headers, and two more for a page whose address is the patient's key:
    # no Referer carries the token to another site, and no cache keeps the page.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return page_headers(response)


@bp.route("/p/<token>", methods=["GET", "POST"])
def appointment_page(token: str):
    clinic = db.session.get(Clinic, 1)
    try:
        appointment_id = appointment_id_from(token, clock.now())
    except LinkInvalid as invalid:
        return _page(clinic, problem=invalid.why), 410 if "expired" in invalid.why else 400
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None:
        return _page(clinic, problem="This session is no longer on our books. Please call the clinic."), 404
    if appointment.start_at <= clock.now():  # moved earlier since the link was sent: it has begun
        return _page(clinic, problem=EXPIRED), 410
    done = None
    if request.method == "POST":
        action = request.form.get("action")
        if action not in ACTIONS:
            return _page(clinic, problem="Please use one of the buttons on the page."), 400
        if not _may_act(appointment):
            return _page(clinic, appointment=appointment,
                         problem="This session can no longer be changed here. Please call the clinic."), 409
        done = _act(appointment, action)
        appointment = db.session.get(Appointment, appointment_id)
    return _page(clinic, appointment=appointment, done=done)


def page_facts(clinic: Clinic | None, problem: str | None, done: str | None) -> dict:
    """What every patient page shows: the clinic, its number to call, and what happened."""
    return {"clinic": clinic.name if clinic else "Your clinic", "problem": problem, "done": done,
            "phone": clinic.phone if clinic else None,
            "phone_shown": national_phone(clinic.phone) if clinic and clinic.phone else None}


def _may_act(appointment: Appointment) -> bool:
    """Only a session still to come and not cancelled: a request about any other would reach the
    front desk as work with nothing to do."""
    return appointment.status in (status.SCHEDULED, status.CONFIRMED)


def _act(appointment: Appointment, action: str) -> str:
    if action == "confirm":
        try:
            booking.change_status(appointment.id, "confirm")
        except IllegalStatusChange:
            return "This session can no longer be confirmed here. Please call the clinic."
        return DONE[action]
    ask_to_be_called(appointment.id, action)
    return DONE[action]


def _page(clinic: Clinic | None, appointment: Appointment | None = None, problem: str | None = None,
          done: str | None = None) -> str:
    facts = page_facts(clinic, problem, done)
    if appointment is not None:
        treatment = db.session.get(TreatmentType, appointment.treatment_type_id)
        waiting = open_request_for(appointment.id)
        facts.update(
            when=clinic_time(appointment.start_at, clinic.timezone),
            status_text=_status_text(appointment), preparation=treatment.preparation if treatment else "",
            can_act=_may_act(appointment), asked=ASKED[waiting.kind] if waiting and not done else None,
            course=[(clinic_time(a.start_at, clinic.timezone), _status_text(a), a.id == appointment.id)
                    for a in _sessions_to_come(appointment)])
    return render_template("patient_page.html", **facts)


def _sessions_to_come(appointment: Appointment) -> list[Appointment]:
    """Every session of the course still to come, cancelled ones too (the patient may wonder);
    a session outside a course stands alone."""
    if appointment.course is None:
        return []
    now = clock.now()
    return [a for a in appointment.course.appointments if a.start_at > now]


def clinic_time(instant: datetime, zone: str) -> str:
    """'Wed 3 Jun, 10:00 AM EDT': the clinic's time, as the patient was told it, zone named for a
    patient reading it elsewhere."""
    return f"{session_time(instant, zone, zone)} {instant.astimezone(ZoneInfo(zone)):%Z}"


def _status_text(appointment: Appointment) -> str:
    return STATUS_TEXT.get(appointment.status, appointment.status.replace("_", " "))
