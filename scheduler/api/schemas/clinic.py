"""Schemas for the clinic's set-up: settings, chairs, treatment types."""
from marshmallow import Schema, ValidationError, fields, validate, validates

from ...engine.hours import WEEKDAYS
from .fields import Clock, Count, Email, Flag, IsoDate, Phone, Text, TimeZoneName

CHANNELS = ("sms", "email")
MINUTES_IN_30_DAYS = 30 * 24 * 60


class QuietHoursSchema(Schema):
    start = Clock(required=True)
    end = Clock(required=True)


class ReminderRuleSchema(Schema):
    offset_minutes = Count(0, MINUTES_IN_30_DAYS, required=True)
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), required=True,
                           validate=validate.Length(1, 2))


class CheckinRuleSchema(Schema):
    after_minutes = Count(0, MINUTES_IN_30_DAYS, required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))


class ClinicSchema(Schema):
    """The clinic's settings. On PUT, fields left out keep their current value."""

    name = Text(120, 1)
    phone = Phone(allow_none=True)
    sms_name = Text(40, 1, allow_none=True, metadata={
        "description": "the name texts go out under; the clinic's name when empty"})
    timezone = TimeZoneName()
    opening_hours = fields.Dict(
        keys=fields.String(validate=validate.OneOf(WEEKDAYS)),
        values=fields.List(fields.List(Clock(), validate=validate.Length(2, 2)),
                           validate=validate.Length(0, 4)),
    )
    closed_dates = fields.List(IsoDate(), validate=validate.Length(0, 400),
                               metadata={"description": "clinic-local dates closed all day"})
    slot_step_minutes = Count(5, 120)
    quiet_hours = fields.Nested(QuietHoursSchema, allow_none=True)
    reminder_rules = fields.List(fields.Nested(ReminderRuleSchema), validate=validate.Length(0, 10))
    checkin_rules = fields.List(fields.Nested(CheckinRuleSchema), validate=validate.Length(0, 10))
    alert_score_at_or_below = Count(0, 10)
    escalation_minutes = Count(1, 24 * 60)
    crisis_text = Text(320, 1, metadata={
        "description": "the answer to a text with words of self-harm: services that answer at any hour"})
    oncall_email = Email(allow_none=True, validate=validate.Length(max=254), metadata={
        "description": "where alerts not acknowledged within escalation_minutes are emailed"})

    @validates("opening_hours")
    def _spans_in_order(self, value, **_):
        for day, spans in value.items():
            if any(len(span) != 2 for span in spans):
                continue  # already refused span by span
            ordered = sorted(spans)
            for opens, closes in ordered:
                if opens >= closes:
                    raise ValidationError(f"{day}: {opens}-{closes} must open before it closes")
            for (_, closes), (opens, _) in zip(ordered, ordered[1:]):
                if opens < closes:
                    raise ValidationError(f"{day}: opening hours overlap")


class ChairSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = Text(80, 1, required=True)
    active = Flag(load_default=True)


class TreatmentTypeSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = Text(120, 1, required=True)
    duration_minutes = Count(5, 12 * 60, required=True)
    buffer_minutes = Count(0, 4 * 60, load_default=0)
    preparation = Text(2000, load_default="")
    sms_preparation = Text(160, load_default="")
    active = Flag(load_default=True)
