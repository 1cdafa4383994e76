"""Clinicians, their shifts, and what a treatment type needs of them."""
from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ...engine.hours import WEEKDAYS
from .fields import Clock, Flag, Id, Instant, Text

ROLE = re.compile(r"^[a-z][a-z_]{1,39}$")


class Role(fields.String):
    """A role as a word: prescriber, nurse, or one the clinic adds (lower case, underscores)."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Regexp(ROLE, error="must be one lower-case word, "
                                                                  "e.g. prescriber or nurse"), **kwargs)


class StaffingSchema(Schema):
    role = Role(required=True, metadata={"description": "the role that must be on shift", "example": "prescriber"})
    patients_per_staff = fields.Integer(strict=True, required=True, validate=validate.Range(1, 50), metadata={
        "description": "how many patients one person of the role can cover at once", "example": 6})


STAFFING = fields.List(fields.Nested(StaffingSchema), validate=validate.Length(0, 5), load_default=list, metadata={
    "description": "who must be on shift for the whole of each session (not the turnover); "
                   "empty: the treatment needs a chair only",
    "example": [{"role": "prescriber", "patients_per_staff": 6}]})


def refuse_repeated_roles(staffing: list[dict]) -> None:
    # marshmallow runs this on what loaded, even when a line's role was refused: skip those lines
    roles = [item["role"] for item in staffing if "role" in item]
    if len(roles) != len(set(roles)):
        raise ValidationError("each role once", "staffing")


class ClinicianSchema(Schema):
    id = fields.Integer(dump_only=True, metadata={"description": "the clinician's id", "example": 1})
    name = Text(120, 1, required=True, metadata={"description": "as staff know them", "example": "Dr. Ana Ortiz"})
    role = Role(required=True, metadata={"description": "prescriber, nurse, or a role the clinic adds",
                                         "example": "prescriber"})
    active = Flag(load_default=True, metadata={
        "description": "false: off the rota; their shifts no longer cover sessions", "example": True})


class ClinicianUpdateSchema(ClinicianSchema):
    """PATCH: only the fields given change (the active flag keeps its value when left out)."""

    class Meta:
        partial = True

    name = Text(120, 1, metadata={"description": "as staff know them", "example": "Dr. Ana Ortiz"})
    role = Role(metadata={"description": "prescriber, nurse, or a role the clinic adds", "example": "nurse"})
    active = Flag(metadata={"description": "false: off the rota; their shifts no longer cover sessions",
                            "example": False})


class ShiftSchema(Schema):
    id = fields.Integer(dump_only=True, metadata={"description": "the shift's id", "example": 7})
    clinician_id = fields.Integer(dump_only=True, metadata={"description": "whose shift", "example": 1})
    start = Instant(required=True, attribute="start_at", metadata={
        "description": "on site from, with an offset", "example": "2026-06-02T08:00:00-04:00"})
    end = Instant(required=True, attribute="end_at", metadata={
        "description": "until, with an offset; at most 24 hours after start", "example": "2026-06-02T16:00:00-04:00"})

    @validates_schema
    def _span(self, data, **_):
        if "start_at" in data and "end_at" in data:
            length = data["end_at"] - data["start_at"]
            if length.total_seconds() <= 0 or length.days >= 1 and length.seconds:
                raise ValidationError("must be after start, and at most 24 hours after it", "end")


class WeeklyShiftsSchema(Schema):
    """A rota: a weekly pattern in the clinic's wall-clock times, made into shifts for each day."""

    first_day = fields.Date(required=True, metadata={"description": "the first day of the rota (clinic's zone)",
                                                     "example": "2026-06-01"})
    last_day = fields.Date(required=True, metadata={"description": "the last day, at most a year after the first",
                                                    "example": "2026-08-31"})
    pattern = fields.Dict(
        keys=fields.String(validate=validate.OneOf(WEEKDAYS)),
        values=fields.List(fields.List(Clock(), validate=validate.Length(2, 2)), validate=validate.Length(0, 4)),
        required=True,
        metadata={"description": "per weekday, [from, until] spans in the clinic's wall-clock time; a span "
                                 "that ends at or before it starts runs past midnight",
                  "example": {"tue": [["13:00", "18:00"]], "thu": [["08:00", "16:00"]]}})
    except_days = fields.List(fields.Date(), load_default=list, validate=validate.Length(0, 366), metadata={
        "description": "days in the rota with no shift (holidays, leave)", "example": ["2026-07-03"]})

    @validates_schema
    def _range(self, data, **_):
        if "first_day" in data and "last_day" in data:
            days = (data["last_day"] - data["first_day"]).days
            if not 0 <= days <= 366:
                raise ValidationError("must be on or after first_day, and at most a year after it", "last_day")


class ShiftQuerySchema(Schema):
    from_ = Instant(data_key="from", metadata={"description": "shifts ending after this instant",
                                               "example": "2026-06-01T00:00:00-04:00"})
    to = Instant(metadata={"description": "shifts starting before this instant", "example": "2026-07-01T00:00:00-04:00"})


class ShiftRemovalQuerySchema(Schema):
    force = fields.Boolean(load_default=False, truthy={"true"}, falsy={"false"}, metadata={
        "description": "remove it even if booked sessions lose their cover (they are answered, to move)",
        "example": False})


class UncoveredSchema(Schema):
    id = Id(metadata={"description": "the session's id", "example": 12})
    start = Instant(attribute="start_at", metadata={"description": "when it starts", "example": "2026-06-02T13:00:00+00:00"})
    patient_id = Id(metadata={"description": "whose session", "example": 4})
