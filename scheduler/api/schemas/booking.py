"""Schemas for availability, courses and appointments."""
from datetime import date, timedelta

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ...engine.appointment_status import STATUSES
from ...engine.courses import INDUCTION, MAINTENANCE
from .fields import Count, Id, Instant, Text

MAX_AVAILABILITY_DAYS = 31
# Leaves room for the longest maintenance course (12 x 120 days) before the year 2100.
LAST_START_ON = date(2094, 12, 31)


class AvailabilityQuerySchema(Schema):
    treatment_type_id = Id(strict=False, required=True)
    start = Instant(required=True)
    end = Instant(required=True)
    chair_id = Id(strict=False, metadata={"description": "only this chair; else the first free chair per time"})

    @validates_schema
    def _range(self, data, **_):
        if "start" in data and "end" in data:
            if data["end"] <= data["start"]:
                raise ValidationError("must be after start", "end")
            if data["end"] - data["start"] > timedelta(days=MAX_AVAILABILITY_DAYS):
                raise ValidationError(f"ask for at most {MAX_AVAILABILITY_DAYS} days at once", "end")


class SlotSchema(Schema):
    start = Instant()
    end = Instant()
    chair_id = fields.Integer()


class CourseRequestSchema(Schema):
    patient_id = Id(required=True)
    treatment_type_id = Id(required=True)
    kind = fields.String(required=True, validate=validate.OneOf((INDUCTION, MAINTENANCE)))
    sessions = Count(1, 12, required=True)
    start_on = fields.Date(validate=validate.Range(date(2000, 1, 1), LAST_START_ON), metadata={"description": "first session on or after this clinic-local date; today when left out"})
    min_gap_hours = Count(20, 14 * 24, load_default=24)
    max_span_days = Count(1, 60, load_default=21)
    interval_days = Count(7, 120, load_default=28)
    starts = fields.List(Instant(), validate=validate.Length(1, 12))


class PlannedSessionSchema(SlotSchema):
    session_number = fields.Integer()


class CoursePlanSchema(Schema):
    appointments = fields.List(fields.Nested(PlannedSessionSchema))


class AppointmentSchema(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    course_id = fields.Integer(allow_none=True)
    session_number = fields.Integer(allow_none=True)
    treatment_type_id = fields.Integer()
    chair_id = fields.Integer()
    start = Instant(attribute="start_at")
    end = Instant(attribute="end_at")
    status = fields.String()
    cancel_reason = fields.String(allow_none=True)
    created_at = Instant()
    updated_at = Instant()


class CourseSchema(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    treatment_type_id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    min_gap_hours = fields.Integer(allow_none=True, metadata={
        "description": "an induction's gap as booked, which rescheduling keeps; null for maintenance"})
    created_at = Instant()
    appointments = fields.List(fields.Nested(AppointmentSchema))


class NewAppointmentSchema(Schema):
    patient_id = Id(required=True)
    treatment_type_id = Id(required=True)
    start = Instant(required=True)
    chair_id = Id()


class RescheduleSchema(Schema):
    start = Instant(required=True)
    chair_id = Id()


class CancelSchema(Schema):
    reason = Text(500, 1, required=True)


class CourseCancelSchema(Schema):
    reason = Text(500, load_default=None)


class AppointmentQuerySchema(Schema):
    # "from" is a Python keyword, hence the data_key.
    from_ = Instant(data_key="from")
    to = Instant()
    patient_id = Id(strict=False)
    chair_id = Id(strict=False)
    status = fields.String(validate=validate.OneOf(STATUSES))
