"""The page a patient's emailed link opens: their session, and three buttons, no sign-in.

Confirming changes the appointment; asking to be called records a request for the front desk.
A bad or expired link shows a plain explanation and nothing about anyone.
"""
from __future__ import annotations

from flask import Blueprint, render_template, request

from scheduler import clock
from scheduler.engine import appointment_status as status
from scheduler.engine.errors import IllegalStatusChange
from scheduler.extensions import db
from scheduler.models import Appointment, Clinic, Patient, TreatmentType
from scheduler.services import audit, booking

from notifications.engine.wording import local_time
from notifications.models import PatientRequest
from notifications.services.patient_links import EXPIRED, LinkInvalid, appointment_id_from

bp = Blueprint("patient_page", __name__, template_folder="templates")
ACTIONS = ("confirm", "reschedule", "cancel")
DONE = {
    "confirm": "Thank you: your session is confirmed.",
    "reschedule": "Thank you: we will call you to find another time.",
    "cancel": "Thank you: we will call you about cancelling.",
}
STATUS_TEXT = {status.SCHEDULED: "booked, not yet confirmed", status.CONFIRMED: "confirmed",
               status.CANCELLED: "cancelled"}


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
    db.session.add(PatientRequest(appointment_id=appointment.id, patient_id=appointment.patient_id,
                                  kind=action, created_at=clock.now()))
    audit.record(f"patient_request.{action}", "appointment", appointment.id, by="patient link")
    db.session.commit()
    return DONE[action]


def _page(clinic: Clinic | None, appointment: Appointment | None = None, problem: str | None = None,
          done: str | None = None) -> str:
    facts = {"clinic": clinic.name if clinic else "Your clinic", "problem": problem, "done": done,
             "clinic_phone": clinic.phone if clinic else None}
    if appointment is not None:
        patient = db.session.get(Patient, appointment.patient_id)
        treatment = db.session.get(TreatmentType, appointment.treatment_type_id)
        facts.update(
            when=local_time(appointment.start_at, patient.timezone),
            status_text=STATUS_TEXT.get(appointment.status, appointment.status.replace("_", " ")),
            preparation=treatment.preparation if treatment else "",
            can_act=_may_act(appointment))
    return render_template("patient_page.html", **facts)
