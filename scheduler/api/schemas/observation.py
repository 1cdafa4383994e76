"""Schemas for in-clinic observation: a treatment type's observation plan, the readings taken
during a session, discharge, and the monitoring forms completed sessions leave to file."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ...engine.observation import DEFAULT_MIN_MINUTES, values_of
from .fields import Count, Id, Instant, Text

CHECK_NAME = validate.Regexp(r"^[a-z][a-z_]{0,39}$", error="lower-case letters and _ only, e.g. blood_pressure")
FORM_STATUSES = ("due", "overdue", "filed")
# A reading outside these is a typing slip, not a patient (blood pressure, pulse, SpO2, scores).
LOWEST, HIGHEST = 0, 400


def _reading_value(**kwargs) -> fields.Float:
    return fields.Float(allow_nan=False, validate=validate.Range(LOWEST, HIGHEST), **kwargs)


class CheckSchema(Schema):
    name = fields.String(required=True, validate=CHECK_NAME, metadata={
        "description": "what is checked; blood_pressure takes systolic and diastolic, any other "
                       "check one value named as the check", "example": "blood_pressure"})
    at_minutes = fields.List(Count(0, 12 * 60), required=True, validate=validate.Length(1, 20), metadata={
        "description": "when a reading is wanted, in minutes after the dose (check-in)",
        "example": [0, 40, 120]})


class ObservationPlanSchema(Schema):
    """What staff watch after a dose: for how long, which checks when, the safe ranges, and the
    monitoring form to file afterwards."""

    min_minutes = Count(0, 12 * 60, load_default=DEFAULT_MIN_MINUTES, metadata={
        "description": "the least time between the dose (check-in) and discharge", "example": 120})
    checks = fields.List(fields.Nested(CheckSchema), load_default=list, validate=validate.Length(0, 10),
                         metadata={"description": "the readings to take and when",
                                   "example": [{"name": "blood_pressure", "at_minutes": [0, 40, 120]}]})
    ranges = fields.Dict(
        keys=fields.String(validate=CHECK_NAME),
        values=fields.List(_reading_value(), validate=validate.Length(2, 2)), load_default=dict,
        metadata={"description": "each value's safe range, low and high included; a reading outside "
                                 "one holds the patient until a later reading is in range",
                  "example": {"systolic": [90, 160], "diastolic": [50, 100]}})
    monitoring_form_days = Count(1, 90, allow_none=True, load_default=None, metadata={
        "description": "a completed session's monitoring form is due within this many days; "
                       "null: no form", "example": 7})

    @validates_schema
    def _ranges_name_values_of_checks(self, data, **_):
        names = {value for check in data.get("checks", []) if "name" in check
                 for value in values_of(check["name"])}
        for name, (low, high) in data.get("ranges", {}).items():
            if name not in names:
                raise ValidationError(f"{name} is not a value of any check", "ranges")
            if low > high:
                raise ValidationError(f"{name}: the low end comes first", "ranges")
        checks = [check["name"] for check in data.get("checks", []) if "name" in check]
        if len(checks) != len(set(checks)):
            raise ValidationError("each check once", "checks")


OBSERVATION = fields.Nested(ObservationPlanSchema, allow_none=True, load_default=None, metadata={
    "description": "what staff watch after a dose; null: no observation rules (the session may be "
                   "completed once started, and no monitoring form follows)",
    "example": {"min_minutes": 120, "checks": [{"name": "blood_pressure", "at_minutes": [0, 40, 120]}],
                "ranges": {"systolic": [90, 160], "diastolic": [50, 100]}, "monitoring_form_days": 7}})


class NewObservationSchema(Schema):
    name = fields.String(required=True, validate=CHECK_NAME, metadata={
        "description": "one of the treatment type's checks", "example": "blood_pressure"})
    values = fields.Dict(keys=fields.String(validate=CHECK_NAME), values=_reading_value(), required=True,
                         validate=validate.Length(1, 5), metadata={
                             "description": "the reading: systolic and diastolic for a blood pressure, "
                                            "else one value named as the check",
                             "example": {"systolic": 128, "diastolic": 82}})
    at = Instant(metadata={"description": "when it was taken, with an offset; left out: now",
                           "example": "2026-06-01T09:40:00-04:00"})
    note = Text(500, allow_none=True, load_default=None, metadata={
        "description": "anything worth knowing about the reading", "example": "left arm, seated"})

    @validates_schema
    def _values_fit_the_check(self, data, **_):
        if "name" in data and "values" in data and set(data["values"]) != set(values_of(data["name"])):
            raise ValidationError(f"give {' and '.join(values_of(data['name']))}", "values")


class ObservationSchema(NewObservationSchema):
    id = fields.Integer(dump_only=True, metadata={"description": "the reading's id", "example": 1})
    appointment_id = fields.Integer(dump_only=True, metadata={"description": "the session", "example": 12})
    recorded_by = fields.String(dump_only=True, metadata={
        "description": "the email of the staff member who entered it", "example": "nurse@demo.clinic"})
    recorded_at = Instant(dump_only=True, metadata={"description": "when it was entered",
                                                    "example": "2026-06-01T13:41:00+00:00"})
    out_of_range = fields.List(fields.String(), dump_only=True, metadata={
        "description": "the values outside the treatment type's range", "example": ["systolic"]})


class CompleteSchema(Schema):
    override_note = Text(500, 1, allow_none=True, load_default=None, metadata={
        "description": "monitoring or admin only: discharge although the observation plan says not "
                       "yet, and why", "example": "BP 162/88 is this patient's usual; seen by Dr. Ortiz"})


class MonitoringFormQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(FORM_STATUSES), metadata={
        "description": "only forms due (in time), overdue or filed; left out: all", "example": "due"})
    patient_id = Id(strict=False, metadata={"description": "only this patient's", "example": 1})


class MonitoringFormSchema(Schema):
    id = fields.Integer(metadata={"description": "the form's id", "example": 1})
    appointment_id = fields.Integer(metadata={"description": "the session it reports", "example": 12})
    patient_id = fields.Integer(metadata={"description": "the patient", "example": 3})
    due_on = fields.Date(metadata={"description": "the last day to file it, in the clinic's zone",
                                   "example": "2026-06-08"})
    status = fields.String(metadata={"description": "due, overdue or filed", "example": "due"})
    filed_at = Instant(allow_none=True, metadata={"description": "when it was marked filed",
                                                  "example": None})
    reference = fields.String(allow_none=True, metadata={
        "description": "the REMS submission's reference", "example": None})


class FiledSchema(Schema):
    reference = Text(100, 1, required=True, metadata={
        "description": "the REMS submission's confirmation or reference", "example": "REMS-2026-004512"})
