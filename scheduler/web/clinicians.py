"""Clinicians and their shifts (admin): who gives and watches over treatment, and when each is
on site. A change that would leave booked sessions without cover is refused with those sessions
as links; a shift may still be removed anyway (a sick day), and its sessions are then listed to
move.

Input is read through the API's own schemas (ClinicianSchema, WeeklyShiftsSchema): one shift
is a rota of one day, so a shift and a rota are placed on the clinic's clock the same way.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from .. import clock
from ..api.schemas.staffing import ClinicianSchema, WeeklyShiftsSchema
from ..engine.staffing import WEEKDAYS
from ..models.staff import ADMIN
from ..services import staffing
from ..services.errors import Conflict, NotFound
from ..services.schedule import sessions_with_ids
from . import forms
from .access import page_for
from .admin_forms import DAY_NAMES, FRIENDLIER
from .display import clinic_span, clock_options, role_name
from .pages import web_blueprint

bp = web_blueprint("clinician_pages", __name__, url_prefix="/admin")

SHIFTS_SHOWN = 60  # about three months of a five-day rota; the rest are counted
MOST_TO_MOVE = 50  # sessions named after a forced removal
LABELS = {"name": "Name", "role": "Role", "new_role": "Another role", "day": "Day", "from": "From",
          "until": "Until", "first_day": "First day", "last_day": "Last day", "except_days": "Days off",
          **{f"{day}.{end}": f"{DAY_NAMES[day]} {end}" for day in WEEKDAYS for end in ("from", "until")}}
PLAINER = {**FRIENDLIER,
           "must be on or after first_day, and at most a year after it":
               "Must be on or after the first day, and at most a year after it.",
           "must be one lower-case word, e.g. prescriber or nurse":
               "Must be one word of letters, e.g. prescriber or nurse."}


# --- the list -----------------------------------------------------------------------------------

@bp.route("/clinicians", methods=["GET", "POST"])
@page_for(ADMIN)
def clinicians():
    if request.method == "GET":
        return _clinicians_page()
    action = request.form.get("action")
    if action == "add":
        return _add_clinician()
    if action not in ("deactivate", "activate"):
        abort(400)
    clinician = staffing.get_clinician(forms.posted_id(request.form, "clinician_id"))
    try:
        staffing.update_clinician(clinician.id, {"active": action == "activate"})
    except forms.REFUSALS as error:
        problems, needed = _refused(error, clinician.name)
        return _clinicians_page(problems, needed=needed, status=forms.status_of(error))
    note = "is on the rota again" if action == "activate" else "is off the rota: their shifts no longer count"
    flash(f"{clinician.name} {note}.")
    return redirect(url_for(".clinicians"), 303)


def _add_clinician():
    fields, problems = _read_clinician(request.form)
    if not problems:
        try:
            added = staffing.create_clinician(fields)
            flash(f"{added.name} added as {role_name(added.role).lower()}: add their shifts below.")
            return redirect(url_for(".clinician", clinician_id=added.id), 303)
        except forms.REFUSALS as error:
            return _clinicians_page(forms.refusal(error), request.form, status=forms.status_of(error))
    return _clinicians_page(problems, request.form, status=422)


def _clinicians_page(problems=None, entered=None, needed=(), status=200):
    by_role: dict[str, list] = {role: [] for role in staffing.known_roles()}  # prescribers first
    for clinician in staffing.list_clinicians():
        by_role[clinician.role].append(clinician)
    by_role = {role: people for role, people in by_role.items() if people}
    problems = problems or {}
    return render_template(
        "web/clinicians/clinicians.html", title="Clinicians", by_role=by_role, problems=problems,
        summary=forms.labelled(problems, LABELS), entered=entered or {"role": "prescriber"},
        roles=_role_options(), needed=needed), status


# --- one clinician: details and shifts ----------------------------------------------------------

@bp.route("/clinicians/<id:clinician_id>", methods=["GET", "POST"])
@page_for(ADMIN)
def clinician(clinician_id: int):
    found = staffing.get_clinician(clinician_id)
    if request.method == "GET":
        return _clinician_page(found, to_move=_still_uncovered(request.args.get("to_move", "")))
    action = request.form.get("action")
    if action == "edit":
        return _edit_clinician(found)
    if action in ("add_shift", "add_rota"):
        return _add_shifts(found, single=action == "add_shift")
    if action == "remove_shift":
        return _remove_shift(found)
    abort(400)


def _edit_clinician(found):
    fields, problems = _read_clinician(request.form)
    if problems:
        return _clinician_page(found, problems, request.form, status=422)
    changes = {name: value for name, value in fields.items() if getattr(found, name) != value}
    try:
        if changes:
            staffing.update_clinician(found.id, changes)
    except forms.REFUSALS as error:
        problems, needed = _refused(error, found.name)
        return _clinician_page(found, problems, request.form, needed=needed, status=forms.status_of(error))
    flash("Details saved." if changes else "Nothing changed.")
    return redirect(url_for(".clinician", clinician_id=found.id), 303)


def _add_shifts(found, single: bool):
    rota, problems = _read_shifts(request.form, single)
    if not problems:
        try:
            added = staffing.add_weekly_shifts(found.id, rota["pattern"], rota["first_day"],
                                               rota["last_day"], rota["except_days"])
            flash(f"Shift added: {clinic_span(added[0].start_at, added[0].end_at)}." if single
                  else f"Rota added: {len(added)} shift{'' if len(added) == 1 else 's'}.")
            return redirect(url_for(".clinician", clinician_id=found.id), 303)
        except forms.REFUSALS as error:
            problems = forms.refusal(error)
            if "start" in problems:
                problems = {"from" if single else forms.FORM: problems.pop("start"), **problems}
            return _clinician_page(found, problems, request.form, status=forms.status_of(error))
    return _clinician_page(found, problems, request.form, status=422)


def _remove_shift(found):
    shift_id = forms.posted_id(request.form, "shift_id")
    shift = next((s for s in found.shifts if s.id == shift_id), None)
    if shift is None:
        raise NotFound("shift")
    when = clinic_span(shift.start_at, shift.end_at)
    try:
        uncovered = staffing.remove_shift(shift.id, force=request.form.get("force") == "1")
    except forms.REFUSALS as error:
        problems, needed = _refused(error, f"The shift {when}")
        return _clinician_page(found, problems, needed=needed, removing=shift, status=forms.status_of(error))
    if not uncovered:
        flash(f"Shift removed: {when}.")
        return redirect(url_for(".clinician", clinician_id=found.id), 303)
    flash(f"Shift removed: {when}. " + ("1 booked session now needs a new time: it is listed below."
                                        if len(uncovered) == 1 else
                                        f"{len(uncovered)} booked sessions now need a new time: they are listed below."))
    return redirect(url_for(".clinician", clinician_id=found.id,
                            to_move=",".join(str(a.id) for a in uncovered)), 303)


def _clinician_page(found, problems=None, entered=None, needed=(), removing=None, to_move=(), status=200):
    now = clock.now()
    upcoming = staffing.list_shifts(found.id, now, None)
    problems = problems or {}
    return render_template(
        "web/clinicians/clinician.html", title=found.name, clinician=found, problems=problems,
        summary=forms.labelled(problems, LABELS), entered={"name": found.name, "role": found.role, **dict(entered or {})},
        roles=_role_options(), shifts=upcoming[:SHIFTS_SHOWN], more=len(upcoming) - SHIFTS_SHOWN,
        needed=needed, removing=removing, to_move=to_move, days=DAY_NAMES,
        times=clock_options(dict(entered or {}).values())), status


# --- reading the forms --------------------------------------------------------------------------

def _read_clinician(form: MultiDict) -> tuple[dict, dict[str, str]]:
    """Name and role through the API's ClinicianSchema. A role typed in (a new one) wins over
    the one chosen, and is made one lower-case word: "Nurse practitioner" is nurse_practitioner."""
    typed = "_".join(form.get("new_role", "").lower().split())
    values, problems = forms.read(ClinicianSchema(only=("name", "role")),
                                  MultiDict({"name": form.get("name", ""), "role": typed or form.get("role", "")}))
    problems = {name: PLAINER.get(text, text) for name, text in problems.items()}
    if "role" in problems and typed:
        problems["new_role"] = problems.pop("role")
    elif "role" in problems and not form.get("role"):
        problems["role"] = "Choose a role, or type a new one."
    return values, problems


def _read_shifts(form: MultiDict, single: bool) -> tuple[dict, dict[str, str]]:
    """The posted shift or rota through the API's WeeklyShiftsSchema, problems by input name.
    One shift is a rota from its day to the same day, with its times on every weekday."""
    problems: dict[str, str] = {}
    pattern = {}
    for day in WEEKDAYS:
        prefix = "" if single else f"{day}."
        opens, closes = (form.get(f"{prefix}{end}", "").strip() for end in ("from", "until"))
        if opens and closes:
            pattern[day] = [[opens, closes]]
        elif opens or closes:
            problems[f"{prefix}{'until' if opens else 'from'}"] = "Required: give both times, or neither."
    if not pattern and not problems:
        problems["from" if single else "mon.from"] = "Give the times of the shift." if single \
            else "Give the times of at least one day of the week."
    lines = [(number, line.strip()) for number, line in
             enumerate(form.get("except_days", "").splitlines(), start=1) if line.strip()]
    first, last = ("day", "day") if single else ("first_day", "last_day")
    raw = {"pattern": pattern, "except_days": [text for _, text in lines],
           **{name: form.get(field, "").strip() for name, field in (("first_day", first), ("last_day", last))
              if form.get(field, "").strip()}}
    try:
        rota = WeeklyShiftsSchema().load(raw)
    except ValidationError as invalid:
        rota = {}
        for path, text in forms.flatten(invalid.messages).items():
            text = PLAINER.get(text, text)
            if path.startswith("except_days."):  # which line of the box
                text = f"Line {lines[int(path.split('.')[1])][0]}: {text}"
            problems.setdefault(_input_for(path, single), text)
    return (rota, {}) if not problems else ({}, problems)


def _input_for(path: str, single: bool) -> str:
    """The input a schema path is about: "pattern.tue.value.0.1" is Tuesday's until."""
    parts = path.split(".")
    if parts[0] == "pattern" and len(parts) == 5:
        end = "from" if parts[4] == "0" else "until"
        return end if single else f"{parts[1]}.{end}"
    if single and parts[0] in ("first_day", "last_day"):
        return "day"
    return parts[0]


def _role_options() -> list[tuple[str, str]]:
    return [(role, role_name(role)) for role in staffing.known_roles()]


# --- sessions that need cover -------------------------------------------------------------------

def _refused(error: Exception, what: str) -> tuple[dict[str, str], list]:
    """A refusal as form problems and, when booked sessions need the cover, those sessions."""
    problems = forms.refusal(error)  # rolls the half-done change back first
    ids = [a["id"] for a in error.details.get("appointments", ())] if isinstance(error, Conflict) else []
    needed = sessions_with_ids(ids) if ids else []
    if needed:
        them = "it" if len(needed) == 1 else "them"
        problems = {forms.FORM: f"{what} is still needed: {len(needed)} booked session"
                                f"{'' if len(needed) == 1 else 's'} would have no clinician to cover {them}. "
                                f"Move {them} first (listed below)."}
    return problems, needed


def _still_uncovered(text: str) -> list:
    """After a forced removal, the sessions it named that still have no cover."""
    ids = [int(part) for part in text.split(",")[:MOST_TO_MOVE] if part.isascii() and part.isdigit() and len(part) < 10]
    sessions = sessions_with_ids(ids) if ids else []
    if not sessions:
        return []
    uncovered = {a.id for a in staffing.uncovered_sessions(min(s.start_at for s in sessions),
                                                           max(s.end_at for s in sessions))}
    return [s for s in sessions if s.appointment_id in uncovered]
