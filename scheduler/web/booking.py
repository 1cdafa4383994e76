"""Booking a course (plan, adjust, book at once) and a course's page. The booking pages'
blueprint; an appointment's page is in appointments.py, on the same blueprint."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Mapping

from flask import flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from .. import clock
from ..api.access import ALL_STAFF, BOOKERS
from ..api.schemas.booking import CourseCancelSchema, CourseRequestSchema
from ..api.schemas.fields import Clock, Id
from ..engine.hours import parse_clock
from ..models import Patient
from ..phones import for_display
from ..services import booking, booking_views, staffing
from ..services.booking import CourseRequest
from ..services.clinic import get_treatment_type
from ..services.patients import get_patient
from . import forms
from .access import page_for
from .booking_forms import by_day, clinic_day, instant, read_date, search_text, whole_number
from .display import clinic_time, clinic_zone
from .pages import web_blueprint

bp = web_blueprint("booking_pages", __name__)

PLAN, CHECK, BOOK = "plan", "check", "book"
CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
KINDS = (("induction", "Induction (3 to 6 sessions)"), ("maintenance", "Maintenance (1 to 12 sessions)"))


class CourseForm(CourseRequestSchema):
    """The API's course request as the page posts it, with a preferred time of day and
    messages that say what to choose. forms.read turns typed numbers into numbers and leaves out
    what the schema does not know (the button pressed, the patient search text); every rule is
    the API's own."""

    patient_id = Id(required=True, error_messages={"required": "choose a patient"})
    treatment_type_id = Id(required=True, error_messages={"required": "choose a treatment"})
    preferred_time = Clock(load_default=None)


# The course's rules on the form, filled in from the chosen treatment's protocol.
RULES = ("sessions", "min_gap_hours", "max_span_days", "interval_days")
# What the patient search (a GET form of its own) carries over of the course form.
CARRIED = ("treatment_type_id", "kind", *RULES, "rules_from", "clinician_id", "start_on",
           "preferred_time", "preferred_chair_id")
# What a link may start the form with: a free slot on the schedule's week links here with its
# treatment, day, time and chair (?treatment_type_id=&start_on=&preferred_time=&chair_id=).
LINKED = {"chair_id": "preferred_chair_id"}


# --- booking a course ------------------------------------------------------------------------

@bp.route("/courses/new", methods=["GET", "POST"])
@page_for(*BOOKERS)
def new_course():
    if request.method == "GET":
        return _course_form(_prefilled(request.args))
    entered = _with_usual_rules(request.form)
    action = entered.get("action") if entered.get("action") in (CHECK, BOOK) else PLAN
    if action == PLAN:  # a new plan: the times chosen from an earlier one no longer count
        values, problems = forms.read(CourseForm(), _without(entered, "starts"))
    else:
        values, problems = forms.read(CourseForm(), entered, lists=("starts",))
        if not any(start.strip() for start in entered.getlist("starts")):
            problems["starts"] = "show the proposed schedule first, then book it"
    if problems:
        return _course_form(entered, problems, _posted_starts(entered)), 422
    preferred = values.pop("preferred_time")
    preferred = parse_clock(preferred) if preferred else None  # the schema checked it is HH:MM
    starts = tuple(values.pop("starts", None) or ())
    try:
        if action == PLAN:
            sessions = booking_views.plan_course(CourseRequest(**values), preferred)
        elif action == CHECK:
            sessions = booking.plan(CourseRequest(**values, starts=starts))
        else:
            course = booking.book_course(CourseRequest(**values, starts=starts))
    except forms.REFUSALS as error:
        kept = [] if action == PLAN else [(start, None) for start in starts]
        return _course_form(entered, forms.refusal(error), kept), forms.status_of(error)
    if action != BOOK:
        return _course_form(entered, sessions=[(s.start, s.chair_id) for s in sessions])
    flash(f"Course booked: {len(course.appointments)} sessions.")
    return redirect(url_for(".course", course_id=course.id), 303)


def _prefilled(args: Mapping[str, str]) -> MultiDict:
    """The form as a link may start it (?patient_id=&kind=&start_on=&preferred_time=&chair_id=),
    the first date today unless the link names a day from today on."""
    values = {name: args[name] for name in ("patient_id", "q", *CARRIED) if args.get(name)}
    values.update({ours: args[theirs] for theirs, ours in LINKED.items() if args.get(theirs)})
    today = clock.now().astimezone(clinic_zone()).date()
    linked_day = read_date(args.get("start_on", ""))
    values["start_on"] = max(linked_day or today, today).isoformat()
    if values.get("preferred_time") and not CLOCK.fullmatch(values["preferred_time"]):
        del values["preferred_time"]  # a time input shows nonsense as blank: say nothing instead
    treatments = booking_views.active_treatment_types()
    if len(treatments) == 1:
        values["treatment_type_id"] = str(treatments[0].id)
    return _with_usual_rules(MultiDict(values))


def _with_usual_rules(entered: MultiDict) -> MultiDict:
    """The form with its rules filled in from the chosen treatment's protocol: the blank ones,
    or all of them when they were filled in for another treatment or kind (`rules_from`, which
    the page's script keeps up to date too). Rules left from another treatment would otherwise
    win over this one's protocol: a nasal spray planned with an infusion's daily gap."""
    kind = entered.get("kind") or KINDS[0][0]
    treatment_id = whole_number(entered.get("treatment_type_id"))
    usual = _usual_rules().get(treatment_id)
    chosen = f"{treatment_id}/{kind}"
    if usual is None or entered.get("rules_from") == chosen:
        return entered
    for_another = bool(entered.get("rules_from"))
    filled = entered.copy()
    for rule in RULES:
        value = usual[rule] if rule != "sessions" or kind == "induction" else None
        if for_another or not entered.get(rule, "").strip():
            filled[rule] = "" if value is None else str(value)
    filled["rules_from"] = chosen
    return filled


def _usual_rules() -> dict[int, dict[str, int | None]]:
    """Each bookable treatment's rules, by its id: what the form fills in when it is chosen."""
    return {treatment.id: booking.usual_rules(treatment)
            for treatment in booking_views.active_treatment_types()}


def _course_form(entered: Mapping[str, str], problems: dict[str, str] | None = None,
                 sessions: list[tuple[datetime | str, int | None]] = ()):
    """The course form with what was entered, and the sessions proposed or chosen, if any.

    `sessions` holds (start, chair id or None when the chair is chosen at booking); a start the
    schema could not read stays the text that was posted, so it is shown back as entered."""
    problems = problems or {}
    patient, patient_options = patient_picker(entered)
    treatment_id = whole_number(entered.get("treatment_type_id"))
    preferred_chair = whole_number(entered.get("preferred_chair_id"))
    rows = [{"number": n, "start": start,
             "chair": _chair_column(treatment_id, start, chair, preferred_chair),
             "problem": problems.get(f"starts.{n - 1}"),
             "options": _slot_options(treatment_id, start, preferred_chair)}
            for n, (start, chair) in enumerate(sessions, start=1)]
    return render_template(
        "web/booking_pages/new_course.html", entered=entered, problems=problems, patient=patient,
        patient_options=patient_options, treatment_options=treatment_options(),
        kinds=KINDS, rows=rows, chair_options=booking_views.chairs_in_use(), usual_rules=_usual_rules(),
        carried=CARRIED, clinician_options=[(c.id, f"{c.name} ({c.role.replace('_', ' ')})")
                                            for c in staffing.list_clinicians(active=True)])


def patient_picker(entered: Mapping[str, str]) -> tuple[Patient | None, list[tuple[int, str]]]:
    """The patient chosen (or None), and the patients to choose from: those the search text
    `q` finds, with the chosen one kept among them."""
    patient_id = whole_number(entered.get("patient_id"))
    patient = booking_views.find_patient(patient_id) if patient_id else None
    choices = booking_views.patients_to_choose(search_text(entered.get("q", "")))
    if patient and patient not in choices:
        choices.insert(0, patient)
    return patient, [(p.id, f"{p.last_name}, {p.first_name} · {for_display(p.phone) or 'no phone'}")
                     for p in choices]


def treatment_options() -> list[tuple[int, str]]:
    return [(t.id, f"{t.name} ({t.duration_minutes} min)") for t in booking_views.active_treatment_types()]


def _chair_column(treatment_id: int | None, start: datetime | str, chair: int | None,
                  preferred: int | None) -> tuple[str, str | None]:
    """(the chair a session will take, a note why): the planned chair, noting when it is not
    the one asked for; for a time sent back after a refusal (no plan), the chair asked for if it
    is free then, else "any free chair" noting the chairs free then, as booking chooses."""
    names = booking_views.chair_names()
    taken = f"{names[preferred]} is taken then" if preferred in names else None
    if chair is not None:
        return names.get(chair, ""), taken if preferred not in (None, chair) else None
    if treatment_id is None or not isinstance(start, datetime):
        return "any free chair", None
    free = booking_views.chairs_free_at(treatment_id, start)
    if preferred in free:
        return names[preferred], None
    if not free:
        return "no chair free then", None
    listed = f"free then: {', '.join(names[c] for c in free)}"
    return "any free chair", f"{taken}; {listed}" if taken else listed


def _slot_options(treatment_id: int | None, chosen: datetime | str, preferred_chair: int | None = None):
    """The select of times a session may move to, by day: [(day, [(value, text, selected)])].

    The chosen time is always among them, marked when it is not free (taken since, or never
    bookable), so a form sent back
    after a conflict still shows what was chosen."""
    if not isinstance(chosen, datetime):
        return [("As entered", [(chosen, chosen, True)])]
    free = booking_views.free_slots_around(treatment_id, clinic_day(chosen),
                                           preferred_chair_id=preferred_chair) if treatment_id else []
    slots = [(slot.start, slot.chair_id) for slot in free]
    if chosen not in {start for start, _ in slots}:
        slots = sorted([*slots, (chosen, None)])
    chairs = booking_views.chair_names()
    return by_day([(start, _option_text(start, chairs.get(chair)), start == chosen)
                    for start, chair in slots])


def _option_text(start: datetime, chair: str | None) -> str:
    return f"{clinic_time(start, '%H:%M')} · {chair}" if chair else \
        f"{clinic_time(start, '%H:%M')} · not free now"


def _without(form: MultiDict, name: str) -> MultiDict:
    return MultiDict([(key, value) for key, value in form.items(multi=True) if key != name])


def _posted_starts(entered) -> list[tuple[datetime | str, None]]:
    """The posted start times, each read if it can be, else kept as the text that was posted."""
    return [(instant(text) or text, None) for text in entered.getlist("starts") if text.strip()]


# --- a course --------------------------------------------------------------------------------

@bp.get("/courses/<id:course_id>")
@page_for(*ALL_STAFF)
def course(course_id: int):
    return _course_page(booking.get_course(course_id))


@bp.post("/courses/<id:course_id>/cancel")
@page_for(*BOOKERS)
def cancel_course(course_id: int):
    booking.get_course(course_id)  # an unknown course is a 404, not a form problem
    values, problems = forms.read(CourseCancelSchema(), request.form)
    if problems:
        return _course_page(booking.get_course(course_id), problems, request.form, 422)
    try:
        booking.cancel_course(course_id, values["reason"])
    except forms.REFUSALS as error:
        problems = forms.refusal(error)
        return _course_page(booking.get_course(course_id), problems, request.form, forms.status_of(error))
    flash("The course is cancelled, with every session still to come.")
    return redirect(url_for(".course", course_id=course_id), 303)


def _course_page(found, problems=None, entered=None, code=200):
    return render_template(
        "web/booking_pages/course.html", course=found, patient=get_patient(found.patient_id),
        treatment=get_treatment_type(found.treatment_type_id), chairs=booking_views.chair_names(),
        problems=problems or {}, entered=entered or {}), code
