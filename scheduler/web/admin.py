"""Admin pages: the clinic's settings, chairs, treatment types and staff accounts.

Input is checked by the JSON API's own schemas, so the page and the API accept the same
settings; the services make the change and write the audit trail.
"""
from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache

from flask import abort, flash, redirect, render_template, request, url_for
from marshmallow import Schema, ValidationError, fields, validate

from ..api.schemas.clinic import ChairSchema, ClinicSchema, TreatmentTypeSchema
from ..api.schemas.fields import Email
from ..models.clinic import (CHAIR_KINDS, DEFAULT_CHECKIN_RULES, DEFAULT_CRISIS_TEXT, DEFAULT_OPENING_HOURS,
                             DEFAULT_REMINDER_RULES, ROOM, TREATMENT_CHAIR)
from ..models.staff import ADMIN, ROLES
from ..services import clinic as clinic_service
from ..services import staff as staff_service
from ..services import staffing as staffing_service
from . import admin_forms, forms
from .access import current_staff, page_for
from .display import clock_label, clock_options, role_name
from .forms import FORM, REFUSALS, flatten, refusal, status_of
from .pages import web_blueprint

bp = web_blueprint("admin", __name__, url_prefix="/admin")

ROLE_NAMES = {"admin": "Admin", "front_desk": "Front desk", "monitoring": "Monitoring"}
ROLE_OPTIONS = [(role, ROLE_NAMES[role]) for role in ROLES]


def _after_change(endpoint: str, note: str, **values):
    flash(note)
    return redirect(url_for(endpoint, **values), code=303)


def _schema_problems(invalid: ValidationError) -> dict[str, str]:
    return {name: admin_forms.FRIENDLIER.get(text, text)
            for name, text in flatten(invalid.messages).items()}


# --- Clinic settings ------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _zone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


def _first_settings() -> dict:
    return admin_forms.default_settings(DEFAULT_CRISIS_TEXT, DEFAULT_OPENING_HOURS,
                                        DEFAULT_REMINDER_RULES, DEFAULT_CHECKIN_RULES)


def _clinic_page(values: dict[str, str], problems: dict[str, str], first_time: bool, status=200):
    return render_template(
        "web/admin/clinic.html", title="Clinic settings", v=values, problems=problems,
        first_time=first_time, layout=admin_forms.layout(values), days=admin_forms.DAY_NAMES,
        zones=_zone_names(), units=[(u, u) for u in admin_forms.UNITS],
        times=clock_options(values.values()),
        time_formats=admin_forms.TIME_FORMAT_OPTIONS,
    ), status


@bp.route("/clinic", methods=["GET", "POST"])
@page_for(ADMIN)
def clinic():
    found = clinic_service.find_clinic()
    if request.method == "GET":
        settings = ClinicSchema().dump(found) if found else _first_settings()
        return _clinic_page(admin_forms.form_values(settings), {}, first_time=found is None)
    entered = request.form.to_dict()
    settings, problems = _read_clinic_settings(entered)
    error = None
    if not problems:
        try:
            clinic_service.update_clinic(settings)
            return _after_change("admin.clinic", "Clinic settings saved.")
        except REFUSALS as refused:
            error, problems = refused, refusal(refused)
    return _clinic_page(entered, problems, first_time=found is None, status=status_of(error))


def _read_clinic_settings(entered: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """The settings through the API's ClinicSchema, and {input name: problem} if any."""
    posted = admin_forms.settings_from(entered)
    try:
        settings = ClinicSchema().load(posted.settings)
        schema_problems: dict[str, str] = {}
    except ValidationError as invalid:
        settings, schema_problems = {}, flatten(invalid.messages)
    problems = {**admin_forms.place_problems(schema_problems, posted), **posted.problems}
    return settings, {name: _CLOCK_TIME.sub(lambda time: clock_label(time.group()), text)
                      for name, text in problems.items()}


# The schema names times as HH:MM ("09:00-08:00 must open before it closes"); the page says
# them in the clinic's own format, as everywhere else.
_CLOCK_TIME = re.compile(r"\b([01][0-9]|2[0-3]):[0-5][0-9]\b")


# --- Chairs ---------------------------------------------------------------------------------

# What each kind is, as the admin reads it on the chairs page, and what a change to it means.
CHAIR_KIND_NAMES = {TREATMENT_CHAIR: "Treatment chair", ROOM: "Room: never booked"}
NOW_A = {TREATMENT_CHAIR: "is now a treatment chair: new sessions may be booked in it.",
         ROOM: "is now a room: no new session is booked in it."}


def _chairs_page(problems=None, entered=None, status=200):
    chairs = clinic_service.list_chairs()
    return render_template("web/admin/chairs.html", title="Chairs", chairs=chairs,
                           kinds=CHAIR_KIND_NAMES, problems=problems or {}, entered=entered or {}), status


@bp.route("/chairs", methods=["GET", "POST"])
@page_for(ADMIN)
def chairs():
    if request.method == "GET":
        return _chairs_page()
    action = request.form.get("action")
    if action == "add":
        return _add_chair()
    chair = clinic_service.get_chair(forms.posted_id(request.form, "chair_id"))
    if action == "rename":
        return _rename_chair(chair.id)
    if action in CHAIR_KINDS:
        clinic_service.update_chair(chair.id, kind=action)
        return _after_change("admin.chairs", f"{chair.name} {NOW_A[action]}")
    if action in ("deactivate", "activate"):
        clinic_service.update_chair(chair.id, active=action == "activate")
        if action == "activate":
            return _after_change("admin.chairs", f"{chair.name} is open for bookings again.")
        upcoming = clinic_service.upcoming_sessions_in_chair(chair.id)
        kept = f" Its {upcoming} upcoming session(s) stay booked: move them from the schedule if needed." \
            if upcoming else ""
        return _after_change("admin.chairs", f"{chair.name} takes no new bookings.{kept}")
    abort(400)


def _add_chair():
    entered = {"name": request.form.get("name", ""), "kind": request.form.get("kind", TREATMENT_CHAIR)}
    name, problems = _chair_name(entered["name"], "name")
    if entered["kind"] not in CHAIR_KINDS:
        problems["kind"] = "choose a treatment chair or a room"
    if problems:
        return _chairs_page(problems, entered, 422)
    try:
        clinic_service.create_chair(name, kind=entered["kind"])
    except REFUSALS as refused:
        return _chairs_page(refusal(refused), entered, status_of(refused))
    return _after_change("admin.chairs", f"{name} added.")


def _rename_chair(chair_id: int):
    field = f"rename.{chair_id}"
    entered = {field: request.form.get(field, "")}
    name, problems = _chair_name(entered[field], field)
    if problems:
        return _chairs_page(problems, entered, 422)
    try:
        clinic_service.update_chair(chair_id, name=name)
    except REFUSALS as refused:
        return _chairs_page({field: message for message in refusal(refused).values()},
                            entered, status_of(refused))
    return _after_change("admin.chairs", f"Renamed to {name}.")


def _chair_name(text: str, field: str) -> tuple[str, dict[str, str]]:
    if not text.strip():
        return "", {field: admin_forms.REQUIRED}
    try:
        return ChairSchema(only=("name",)).load({"name": text})["name"], {}
    except ValidationError as invalid:
        return "", {field: message for message in _schema_problems(invalid).values()}


# --- Treatment types ------------------------------------------------------------------------

TREATMENT_FIELDS = ("name", "duration_minutes", "buffer_minutes", "preparation", "sms_preparation")
PROTOCOL_RULES = ("induction_sessions", "min_gap_hours", "max_span_days", "maintenance_interval_days")
# The observation plan as the form asks for it: blood pressure only (the check every ketamine and
# esketamine clinic takes); other checks are set through the API.
OBSERVATION_INPUTS = tuple(f"observation.{name}" for name in (
    "min_minutes", "bp_minutes", "systolic_low", "systolic_high", "diastolic_low", "diastolic_high",
    "monitoring_form_days"))
STAFFING_ROWS = 2  # role + patients per person: two lines are enough for a prescriber and a nurse
STAFFING_INPUTS = tuple(f"staffing.{row}.{name}" for row in range(STAFFING_ROWS)
                        for name in ("role", "patients_per_staff"))


def _treatment_types_page(editing=None, problems=None, entered=None, status=200):
    types = clinic_service.list_treatment_types()
    if entered is None and editing is not None:
        entered = {name: getattr(editing, name) for name in TREATMENT_FIELDS}
        entered |= {f"protocol.{rule}": value for rule, value in (editing.protocol or {}).items()}
        entered |= _observation_inputs(editing.observation)
        entered.update({f"staffing.{row}.{name}": item[name] for row, item in enumerate(editing.staffing or ())
                        for name in ("role", "patients_per_staff")})
    entered = entered or {"buffer_minutes": 0}
    chosen = {entered.get(f"staffing.{row}.role") for row in range(STAFFING_ROWS)} - {None, ""}
    roles = [*staffing_service.known_roles(), *sorted(chosen - set(staffing_service.known_roles()))]
    return render_template("web/admin/treatment_types.html", title="Treatment types",
                           types=types, editing=editing, problems=problems or {}, entered=entered,
                           staffing_rows=range(STAFFING_ROWS), roles=[(role, role_name(role)) for role in roles]), status


@bp.route("/treatment-types", methods=["GET", "POST"])
@page_for(ADMIN)
def treatment_types():
    if request.method == "GET":
        edit = request.args.get("edit", "")
        editing = clinic_service.get_treatment_type(int(edit)) if edit.isdigit() and len(edit) < 10 else None
        return _treatment_types_page(editing)
    action = request.form.get("action")
    if action == "add":
        return _save_treatment_type(None)
    treatment = clinic_service.get_treatment_type(forms.posted_id(request.form, "type_id"))
    if action == "edit":
        return _save_treatment_type(treatment)
    if action in ("deactivate", "activate"):
        clinic_service.update_treatment_type(treatment.id, active=action == "activate")
        note = "may be booked again" if action == "activate" else \
            "can no longer be booked; sessions already booked stay"
        return _after_change("admin.treatment_types", f"{treatment.name} {note}.")
    abort(400)


def _save_treatment_type(treatment):
    entered = {name: request.form.get(name, "")
               for name in (*TREATMENT_FIELDS, *(f"protocol.{rule}" for rule in PROTOCOL_RULES), *STAFFING_INPUTS,
                            *OBSERVATION_INPUTS)}
    problems: dict[str, str] = {}
    raw = {name: number for name in ("duration_minutes", "buffer_minutes")
           if (number := admin_forms.whole_number(entered, name, problems, "minutes")) is not None}
    raw.update({name: entered[name] for name in ("name", "preparation", "sms_preparation")
                if entered[name].strip()})
    raw["protocol"] = _posted_protocol(entered, problems)
    raw["observation"] = _posted_observation(entered, problems)
    rows = _staffing_rows(entered, problems)
    raw["staffing"] = [need for _, need in rows]
    try:
        fields_ = TreatmentTypeSchema(only=(*TREATMENT_FIELDS, "protocol", "staffing", "observation")).load(raw)
    except ValidationError as invalid:
        problems = {**_staffing_problems(_schema_problems(invalid), [row for row, _ in rows]), **problems}
    if problems:
        return _treatment_types_page(treatment, problems, entered, 422)
    try:
        if treatment is None:
            saved = clinic_service.create_treatment_type(**fields_)
        else:
            saved = clinic_service.update_treatment_type(treatment.id, **fields_)
    except REFUSALS as refused:
        return _treatment_types_page(treatment, refusal(refused), entered, status_of(refused))
    return _after_change("admin.treatment_types", f"{saved.name} saved.")


def _posted_protocol(entered: dict[str, str], problems: dict[str, str]) -> dict[str, int] | None:
    """The protocol's rules as posted; None when all are blank (the general defaults). One
    left blank among others is left out, so the schema names it as missing."""
    if not any(entered[f"protocol.{rule}"].strip() for rule in PROTOCOL_RULES):
        return None
    return {rule: number for rule in PROTOCOL_RULES if entered[f"protocol.{rule}"].strip()
            and (number := admin_forms.whole_number(entered, f"protocol.{rule}", problems)) is not None}


def _posted_observation(entered: dict[str, str], problems: dict[str, str]) -> dict | None:
    """The observation plan as posted; None when every box is blank (no observation rules)."""
    def given(name: str) -> bool:
        return bool(entered[f"observation.{name}"].strip())

    def number(name: str) -> int | None:
        return admin_forms.whole_number(entered, f"observation.{name}", problems, "minutes")

    if not any(given(name.split(".", 1)[1]) for name in OBSERVATION_INPUTS):
        return None
    plan: dict = {"checks": [], "ranges": {}, "monitoring_form_days": None}
    if given("min_minutes"):
        plan["min_minutes"] = number("min_minutes")
    if given("bp_minutes"):
        times = [part.strip() for part in entered["observation.bp_minutes"].split(",")]
        if all(part.isdigit() and len(part) < 4 for part in times):
            plan["checks"] = [{"name": "blood_pressure", "at_minutes": [int(part) for part in times]}]
        else:
            problems["observation.bp_minutes"] = "Minutes after the dose, separated by commas, e.g. 0, 40, 120."
    for value in ("systolic", "diastolic"):
        if given(f"{value}_low") or given(f"{value}_high"):
            low, high = number(f"{value}_low"), number(f"{value}_high")
            plan["ranges"][value] = [low, high]
    if given("monitoring_form_days"):
        plan["monitoring_form_days"] = admin_forms.whole_number(
            entered, "observation.monitoring_form_days", problems, "days")
    return plan


def _observation_inputs(plan: dict | None) -> dict[str, object]:
    """The form's boxes for a saved plan (its blood pressure check and ranges)."""
    if not plan:
        return {}
    pressure = next((check for check in plan.get("checks", []) if check["name"] == "blood_pressure"), None)
    boxes = {"observation.min_minutes": plan.get("min_minutes"),
             "observation.monitoring_form_days": plan.get("monitoring_form_days") or "",
             "observation.bp_minutes": ", ".join(map(str, pressure["at_minutes"])) if pressure else ""}
    for value, (low, high) in plan.get("ranges", {}).items():
        boxes |= {f"observation.{value}_low": f"{low:g}", f"observation.{value}_high": f"{high:g}"}
    return boxes


def _staffing_rows(entered: dict[str, str], problems: dict[str, str]) -> list[tuple[int, dict]]:
    """The staffing lines filled in, each with the form row it came from; an empty line is none."""
    rows = []
    for row in range(STAFFING_ROWS):
        role, number = (entered[f"staffing.{row}.{name}"].strip() for name in ("role", "patients_per_staff"))
        if not role and not number:
            continue
        if not role:
            problems[f"staffing.{row}.role"] = f"Staff needed, line {row + 1}: choose a role, or clear the number."
            continue
        field = f"staffing.{row}.patients_per_staff"
        count = admin_forms.whole_number(entered, field, problems, "patients")
        if count is None:
            problems[field] = f"Staff needed, line {row + 1}: patients per person: {problems[field]}"
        else:
            rows.append((row, {"role": role, "patients_per_staff": count}))
    return rows


def _staffing_problems(problems: dict[str, str], rows: list[int]) -> dict[str, str]:
    """The schema's "staffing.0.patients_per_staff" is about the first line filled in, which
    may be the form's second; "each role once" is about the last line."""
    placed = {}
    for name, text in problems.items():
        parts = name.split(".")
        if parts[0] != "staffing" or not rows:
            placed[name] = text
            continue
        row = rows[int(parts[1])] if len(parts) == 3 and parts[1].isdigit() else rows[-1]
        what = "patients per person" if name.endswith("patients_per_staff") else "role"
        text = "Must be from 1 to 50." if text.startswith("Must be greater") else text
        placed[f"staffing.{row}.{parts[2] if len(parts) == 3 else 'role'}"] = \
            f"Staff needed, line {row + 1}: {what}: {text}"
    return placed


# --- Staff accounts -------------------------------------------------------------------------

class NewStaffSchema(Schema):
    """A new staff account as the form gives it (the JSON API has no staff endpoint)."""

    email = Email(required=True, validate=validate.Length(max=254))
    role = fields.String(required=True, validate=validate.OneOf(ROLES, error="Choose one of the roles offered."))
    password = fields.String(required=True, validate=validate.Length(
        10, 1024, error="Must have at least 10 characters."))


def _staff_page(problems=None, entered=None, status=200):
    return render_template("web/admin/staff.html", title="Staff", accounts=staff_service.list_staff(),
                           me=current_staff(), roles=ROLE_OPTIONS, role_names=ROLE_NAMES,
                           problems=problems or {}, entered=entered or {}), status


@bp.route("/staff", methods=["GET", "POST"])
@page_for(ADMIN)
def staff():
    if request.method == "GET":
        return _staff_page()
    action = request.form.get("action")
    if action == "create":
        return _create_staff()
    account = staff_service.get_staff(forms.posted_id(request.form, "staff_id"))
    me = current_staff()
    field = f"role.{account.id}" if action == "role" else FORM
    try:
        if action == "role":
            role = request.form.get(field, "")
            staff_service.change_role(account.id, role, me.id)
            return _after_change("admin.staff", f"{account.email} is now {ROLE_NAMES[role]}.")
        if action == "password":
            field = f"password.{account.id}"
            staff_service.set_password(account, request.form.get(field, "")[:1024])
            return _after_change("admin.staff", f"{account.email} has a new password and is signed out.")
        if action in ("deactivate", "reactivate"):
            staff_service.set_active(account.id, action == "reactivate", me.id)
            note = "may sign in again" if action == "reactivate" else "is deactivated and signed out"
            return _after_change("admin.staff", f"{account.email} {note}.")
    except REFUSALS as refused:
        problems = {field: message for message in refusal(refused).values()}
        kept = "" if action == "password" else request.form.get(field, "")  # never sent back
        return _staff_page(problems, {field: kept}, status_of(refused))
    abort(400)


def _create_staff():
    entered = {name: request.form.get(name, "") for name in ("email", "role", "password")}
    raw = {name: value for name, value in entered.items() if value.strip()}
    try:
        account = NewStaffSchema().load(raw)
    except ValidationError as invalid:
        return _staff_page(_schema_problems(invalid), _without_password(entered), 422)
    try:
        staff_service.create_staff(account["email"], account["password"], account["role"])
    except REFUSALS as refused:
        return _staff_page(refusal(refused), _without_password(entered), status_of(refused))
    return _after_change("admin.staff", f"Account for {account['email'].lower()} created.")


def _without_password(entered: dict[str, str]) -> dict[str, str]:
    return {**entered, "password": ""}  # never sent back into the page
