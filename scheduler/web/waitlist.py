"""The waitlist for the front desk: who waits for a freed chair and what they were offered, put a
patient on it, take one off, and book an offer for a patient who phones.

Input is read through the API's own schemas (WaitlistEntrySchema, WaitlistQuerySchema) and every
change is the API's service call (scheduler.services.waitlist), so the page and the API refuse
the same things; the refusals are only put in the desk's words here.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from .. import clock
from ..api.access import ALL_STAFF, BOOKERS
from ..api.schemas.waitlist import WaitlistEntrySchema, WaitlistQuerySchema
from ..engine.waitlist import BOOKED, EXPIRED, GONE, OPEN, REMOVED, WAITING, WITHDRAWN
from ..services import booking_views, patient_views, waitlist
from ..services.clinic import find_clinic, list_treatment_types
from . import forms
from .access import page_for
from .booking import patient_picker, treatment_options
from .display import clinic_time, clinic_zone
from .pages import one_page, page_number, web_blueprint

bp = web_blueprint("waitlist_pages", __name__)

PAGE_SIZE = 50
FIELDS = ("patient_id", "treatment_type_id", "earliest", "latest", "from_time", "until_time")
LABELS = {"patient_id": "Patient", "treatment_type_id": "Treatment", "earliest": "Earliest day",
          "latest": "Latest day", "from_time": "From", "until_time": "Until"}
REQUIRED = {"patient_id": "Choose a patient.", "treatment_type_id": "Choose a treatment.",
            "earliest": "Give the first day the patient could come.",
            "latest": "Give the last day the patient could come."}
# The schema's and the service's words where they name a field or speak to a program.
PLAINER = {"must not be before earliest": "Must not be before the earliest day.",
           "must be after from_time": "Must be after the From time.",
           "has passed in the clinic's time zone": "This day has passed already.",
           "is no longer offered": "This treatment is no longer offered.",
           "patient not found": "This patient is not on file.",
           "treatment type not found": "This treatment is not on file."}
# The filter over the list, in the order it shows, with each status in words.
SHOWN = {WAITING: "Waiting", BOOKED: "Booked", REMOVED: "Taken off", EXPIRED: "Window passed"}
OUTCOMES = {OPEN: "open", BOOKED: "booked", GONE: "gone to another patient", WITHDRAWN: "withdrawn",
            EXPIRED: "expired unanswered"}


# --- the list ----------------------------------------------------------------------------------

@bp.get("/waitlist")
@page_for(*ALL_STAFF)
def waitlist_page():
    return _list_page()


@bp.post("/waitlist/<id:entry_id>/remove")
@page_for(*BOOKERS)
def remove_entry(entry_id: int):
    waitlist.get_entry(entry_id)  # an unknown entry is a 404, not a form problem
    try:
        waitlist.remove_entry(entry_id)
    except forms.REFUSALS as error:
        return _list_page(forms.refusal(error), forms.status_of(error))
    flash("Taken off the waitlist; any open offer is withdrawn.")  # names no one: it rides in the cookie
    return redirect(url_for(".waitlist_page"), 303)


@bp.post("/waitlist/<id:entry_id>/take")
@page_for(*BOOKERS)
def take_offer(entry_id: int):
    """The phone case: the patient says yes to an open offer, the desk books it for them."""
    offer_id = forms.posted_id(request.form, "offer_id")
    try:
        offer = waitlist.take_entry_offer(entry_id, offer_id)
    except waitlist.OfferClosed as closed:
        problem = f"Nothing was booked: {forms.refusal(closed)[forms.FORM]}."
        return _list_page({f"offer-{offer_id}": problem}, forms.status_of(closed))
    chair = booking_views.chair_names().get(offer.chair_id, "")
    flash(f"Booked for the patient: {clinic_time(offer.start_at)}, {chair}. The entry is now under Booked.")
    return redirect(url_for(".waitlist_page"), 303)


def _list_page(problems: dict[str, str] | None = None, status: int = 200):
    """Entries of one status (waiting by default), oldest first, each with its offers."""
    if find_clinic() is None:
        return render_template("web/problem.html", title="The clinic is not set up yet",
                               text="An admin must set the clinic's time zone and hours first."), 409
    query, refused = forms.read(WaitlistQuerySchema(only=("status",)),
                                MultiDict({"status": request.args.get("status", WAITING)}))
    shown = query.get("status", WAITING)
    page = page_number()
    entries, more = one_page(waitlist.list_entries(shown), page, PAGE_SIZE)
    problems = {forms.FORM: "There is no such list: here are those waiting."} if refused else problems or {}
    return render_template(
        "web/waitlist/waitlist.html", title="Waitlist", entries=entries, shown=shown, page=page,
        more=more, filters=SHOWN, problems=problems, summary=problems,
        patients=patient_views.patients_with_ids({e.patient_id for e in entries}),
        treatments={t.id: t.name for t in list_treatment_types()}, chairs=booking_views.chair_names(),
        status_of=waitlist.shown_status, outcome_of=waitlist.shown_outcome, outcomes=OUTCOMES,
    ), 422 if refused else status


# --- putting a patient on it ---------------------------------------------------------------------

@bp.route("/waitlist/new", methods=["GET", "POST"])
@page_for(*BOOKERS)
def new_entry():
    if request.method == "GET":
        return _entry_form(_prefilled(request.args))
    values, problems = forms.read(WaitlistEntrySchema(), request.form)
    if problems:
        return _entry_form(request.form, problems, 422)
    try:
        waitlist.add_entry(**values)
    except forms.REFUSALS as error:
        return _entry_form(request.form, forms.refusal(error), forms.status_of(error))
    flash("Put on the waitlist: when a fitting time comes free, the patient is offered it.")
    return redirect(url_for(".waitlist_page"), 303)


def _prefilled(args) -> MultiDict:
    """The form as a link or the patient search may start it (?patient_id= from a patient's
    page), from today unless it says otherwise."""
    values = {"earliest": clock.now().astimezone(clinic_zone()).date().isoformat()}
    values.update({name: args[name] for name in ("q", *FIELDS) if args.get(name)})
    treatments = booking_views.active_treatment_types()
    if len(treatments) == 1:
        values.setdefault("treatment_type_id", str(treatments[0].id))
    return MultiDict(values)


def _entry_form(entered, problems: dict[str, str] | None = None, status: int = 200):
    problems = {name: REQUIRED.get(name, text) if text == "Missing data for required field."
                else PLAINER.get(text, text) for name, text in (problems or {}).items()}
    patient, patient_options = patient_picker(entered)
    return render_template(
        "web/waitlist/new_entry.html", title="Put a patient on the waitlist", entered=entered,
        problems=problems, summary=forms.labelled(problems, LABELS), patient=patient,
        patient_options=patient_options, treatment_options=treatment_options(),
        carried=FIELDS[1:]), status
