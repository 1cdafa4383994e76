"""Patients: search, a new patient's form (and the same form to edit one), a patient's page,
and who is due for maintenance."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import Select
from werkzeug.datastructures import MultiDict

from .. import clock, events
from ..api.access import ALL_STAFF, BOOKERS, CLINICAL
from ..api.schemas.patients import PatientQuerySchema, PatientSchema
from ..services import maintenance, patient_views
from ..services.clinic import find_clinic, list_chairs, list_treatment_types
from ..services.patients import (create_patient, get_patient, possible_duplicates, search_patients,
                                 update_patient)
from . import forms
from .access import current_staff, page_for
from .display import clinic_zone
from .pages import one_page, page_number, web_blueprint

bp = web_blueprint("patient_pages", __name__)

PAGE_SIZE = 50  # a screenful to scan; past that, a narrower search is quicker than paging
CONSENTS = ("sms_opt_in", "email_opt_in")
FIELDS = ("first_name", "last_name", "birth_date", "phone", "email", "timezone") + CONSENTS
LABELS = {"first_name": "First name", "last_name": "Last name", "birth_date": "Date of birth",
          "phone": "Mobile phone",
          "email": "Email", "timezone": "Time zone", "sms_opt_in": "Agrees to text messages",
          "email_opt_in": "Agrees to email", "q": "Name or phone"}


@bp.get("/patients")
@page_for(*ALL_STAFF)
def patients():
    """Search by name or phone; with nothing typed, the patients added most recently."""
    page = page_number()
    query, problems = forms.read(PatientQuerySchema(), MultiDict({"q": request.args.get("q", "")}))
    if problems:
        return render_template("web/patient_pages/patients.html", q=request.args.get("q", ""),
                               found=[], more=False, page=page, problems=problems,
                               summary=forms.labelled(problems, LABELS)), 422
    listing = search_patients(query["q"]) if query["q"] else patient_views.recently_added_patients()
    found, more = _slice(listing, page)
    return render_template("web/patient_pages/patients.html", q=query["q"], found=found, more=more,
                           page=page, problems={}, summary={})


@bp.route("/patients/new", methods=["GET", "POST"])
@page_for(*BOOKERS)
def new_patient():
    if request.method == "GET":
        clinic = find_clinic()
        values = {"timezone": clinic.timezone if clinic else ""}
        return _patient_form(None, values, {})
    fields, problems = forms.read(PatientSchema(), request.form, booleans=CONSENTS)
    if problems:
        return _patient_form(None, request.form, problems, 422)
    # Staff see who the patient may already be before adding them; "Add anyway" says it is
    # someone else (a relative sharing a phone, a namesake).
    confirmed = "add_anyway" in request.form
    duplicates = [] if confirmed else possible_duplicates(fields)
    if duplicates:
        return _patient_form(None, request.form, {}, 409, duplicates=duplicates)
    try:
        patient = create_patient(fields, allow_duplicate=confirmed)
    except forms.REFUSALS as error:
        return _patient_form(None, request.form, forms.refusal(error), forms.status_of(error))
    # The flash rides in the session cookie, so it names no one; the page it leads to does.
    flash("Patient added.")
    return redirect(url_for(".patient", patient_id=patient.id), 303)


@bp.route("/patients/<id:patient_id>/edit", methods=["GET", "POST"])
@page_for(*BOOKERS)
def edit_patient(patient_id: int):
    patient = get_patient(patient_id)
    if request.method == "GET":
        return _patient_form(patient, {name: getattr(patient, name) for name in FIELDS}, {})
    # The form posts every field, so it is read whole through the create schema: an emptied
    # name is refused and an emptied phone or email is removed. (The PATCH schema, partial, would
    # quietly keep both, since empty boxes are left out.) An emptied time zone keeps the old one.
    fields, problems = forms.read(PatientSchema(), request.form, booleans=CONSENTS)
    if problems:
        return _patient_form(patient, request.form, problems, 422)
    if fields["timezone"] is None:
        del fields["timezone"]
    # Only what differs, so the audit trail says which fields staff actually changed.
    changes = {name: value for name, value in fields.items() if getattr(patient, name) != value}
    if not changes:
        flash("Nothing changed.")
        return redirect(url_for(".patient", patient_id=patient_id), 303)
    # A phone, email or birthday typed in now may be another patient's: the same check as adding.
    retyped = {"phone", "email", "birth_date"} & set(changes)
    duplicates = [] if not retyped or "add_anyway" in request.form else possible_duplicates(fields, patient_id)
    if duplicates:
        return _patient_form(patient, request.form, {}, 409, duplicates=duplicates)
    try:
        update_patient(patient_id, changes)
    except forms.REFUSALS as error:
        return _patient_form(patient, request.form, forms.refusal(error), forms.status_of(error))
    flash("Details saved.")
    return redirect(url_for(".patient", patient_id=patient_id), 303)


@bp.get("/patients/<id:patient_id>")
@page_for(*ALL_STAFF)
def patient(patient_id: int):
    """Everything about one patient: contact and consent, courses and sessions, and what the
    wired packages add (notifications: every message and reply and, for clinical staff, as in
    the API, the check-in scores)."""
    found = get_patient(patient_id)
    clinical = current_staff().role in CLINICAL
    return render_template(
        "web/patient_pages/patient.html", patient=found,
        courses=patient_views.courses_of(patient_id),
        single_sessions=patient_views.sessions_outside_courses(patient_id),
        sections=events.sections_of_patient_page(found, clinical),
        chairs={chair.id: chair.name for chair in list_chairs()},
        treatments={kind.id: kind.name for kind in list_treatment_types()})


@bp.get("/maintenance-due")
@page_for(*BOOKERS)
def maintenance_due():
    """Patients whose induction is over and who have nothing booked: the front desk's call list."""
    page = page_number()
    due = maintenance.patients_due_for_maintenance(
        clock.now(), clinic_zone(), limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return render_template("web/patient_pages/maintenance_due.html", due=due[:PAGE_SIZE],
                           more=len(due) > PAGE_SIZE, page=page)


def _patient_form(patient, values, problems: dict[str, str], status: int = 200, duplicates=()):
    return render_template("web/patient_pages/patient_form.html", patient=patient, values=values,
                           problems=problems, summary=forms.labelled(problems, LABELS), labels=LABELS,
                           duplicates=duplicates), status


def _slice(listing: Select, page: int) -> tuple[list, bool]:
    return one_page(listing, page, PAGE_SIZE)
