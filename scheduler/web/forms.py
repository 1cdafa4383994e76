"""Forms: read a posted form through the API's own marshmallow schema, and turn what went
wrong (bad fields or a service's refusal) into messages shown next to the fields at fault.

One schema validates a field the same way for the API and for the page, so a phone number the
form accepts is one the API accepts.
"""
from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields
from werkzeug.datastructures import MultiDict

from ..engine.errors import IllegalStatusChange, SchedulingError
from ..extensions import db
from ..services.errors import Conflict, Invalid, NotFound

FORM = "_form"  # the key of a problem that belongs to the whole form, not one field
_WHOLE = re.compile(r"[+-]?\d{1,15}")
REFUSALS = (SchedulingError, IllegalStatusChange, Conflict, Invalid, NotFound)
# Fields that mean one thing, under one label, on every form: the summary at the top of a
# refused form names them so, as the desk reads them beside the field, never as the code does.
LABELS = {
    "patient_id": "Patient", "treatment_type_id": "Treatment", "kind": "Course",
    "sessions": "Number of sessions", "start_on": "First date", "min_gap_hours": "Minimum gap",
    "max_span_days": "Maximum span", "interval_days": "Interval", "clinician_id": "Clinician",
    "preferred_time": "Preferred time of day", "preferred_chair_id": "Chair",
    "starts": "Proposed schedule", "reason": "Reason", "earliest": "Earliest day",
    "latest": "Latest day", "timezone": "Time zone",
}
_SESSION = re.compile(r"starts\.(\d+)")


def read(schema: Schema, form: MultiDict, *, booleans: tuple[str, ...] = (),
         lists: tuple[str, ...] = (), partial: bool = False) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's values as the schema loads them, and {field: message} for those it refused.

    An unticked checkbox is not posted at all, so each name in `booleans` is False unless
    present; empty text boxes are left out, so optional fields fall back to their defaults.
    Names the schema does not know (the CSRF token, the button pressed) are not its business.
    """
    known = {field.data_key or name: field for name, field in schema.load_fields.items()}
    raw: dict[str, Any] = {name: _typed(known[name], value) for name, value in form.items()
                           if name in known and name not in lists and value.strip() != ""}
    for name in booleans:
        raw[name] = name in form
    for name in lists:
        raw[name] = [value for value in form.getlist(name) if value.strip()]
    try:
        return schema.load(raw, partial=partial), {}
    except ValidationError as error:
        return {}, flatten(error.messages)


def posted_id(form: MultiDict, name: str) -> int:
    """The row a form acts on; a missing or made-up one is simply not found."""
    value = form.get(name, "")
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise NotFound("row")
    return int(value)


def _typed(field: fields.Field, text: str) -> Any:
    """A form posts only text; the API's whole-number fields are strict (JSON numbers), so a
    number typed into a form is made one. Anything else stays text for the schema to refuse."""
    if isinstance(field, fields.Integer) and _WHOLE.fullmatch(text.strip()):
        return int(text.strip())
    return text


def flatten(messages: Any, prefix: str = "") -> dict[str, str]:
    """marshmallow's nested messages as {"starts.1": "..."}, one message per field."""
    if isinstance(messages, list):
        if messages and all(isinstance(m, str) for m in messages):
            return {prefix or FORM: messages[0]}
        messages = dict(enumerate(messages))
    problems: dict[str, str] = {}
    for key, value in messages.items():
        name = FORM if key == "_schema" else f"{prefix}.{key}" if prefix else str(key)
        problems.update(flatten(value, name) if not isinstance(value, str) else {name: value})
    return problems


def field_label(name: str) -> str | None:
    """What the desk calls a field: its label, or "Session 3" for a course's third start."""
    session = _SESSION.fullmatch(name)
    return f"Session {int(session.group(1)) + 1}" if session else LABELS.get(name)


def labelled(problems: dict[str, str], labels: dict[str, str]) -> dict[str, str]:
    """The summary at the top names each field; next to the field the message alone is enough."""
    return {name: f"{labels[name]}: {text}" if name in labels else text for name, text in problems.items()}


def refusal(error: Exception) -> dict[str, str]:
    """A service's refusal as form problems; the half-done transaction is rolled back first."""
    db.session.rollback()
    if isinstance(error, Invalid):
        return dict(error.problems)
    if isinstance(error, IllegalStatusChange):
        return {FORM: str(error)}
    message = getattr(error, "message", str(error))
    return {getattr(error, "field", None) or FORM: message}


def status_of(error: Exception) -> int:
    """The status the API gives the same refusal: 409 when existing bookings or the current
    state are in the way, 422 when the input itself cannot be used."""
    if isinstance(error, SchedulingError):
        return 409 if error.conflict else 422
    if isinstance(error, (IllegalStatusChange, Conflict)):
        return 409
    return 422
