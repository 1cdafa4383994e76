"""Schemas for availability, courses and appointments."""
from datetime import date, timedelta

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ...engine.appointment_status import STATUSES
from ...engine.courses import INDUCTION, MAINTENANCE
from .fields import Count, Id, Instant, Text

MAX_AVAILABILITY_DAYS = 31
# The bounds of a course's rules, shared with a treatment type's protocol: a protocol's rule is
# one a course body (and the booking form, which posts the protocol's values) could give too.
GAP_HOURS = (20, 14 * 24)
SPAN_DAYS = (1, 60)
INTERVAL_DAYS = (7, 120)
# Leaves room for the longest maintenance course (12 x 120 days) before the year 2100.
LAST_START_ON = date(2094, 12, 31)


class AvailabilityQuerySchema(Schema):
    treatment_type_id = Id(strict=False, required=True, metadata={
        "description": "the treatment to find room for (its length and turnover buffer)", "example": 1})
    start = Instant(required=True, metadata={
        "description": "look from this instant, with an offset", "example": "2026-03-02T08:00:00-05:00"})
    end = Instant(required=True, metadata={
        "description": "look until this instant, at most 31 days after start",
        "example": "2026-03-06T18:00:00-05:00"})
    chair_id = Id(strict=False, metadata={"description": "only this chair; else the first free chair per time",
                                          "example": 2})

    @validates_schema
    def _range(self, data, **_):
        if "start" in data and "end" in data:
            if data["end"] <= data["start"]:
                raise ValidationError("must be after start", "end")
            if data["end"] - data["start"] > timedelta(days=MAX_AVAILABILITY_DAYS):
                raise ValidationError(f"ask for at most {MAX_AVAILABILITY_DAYS} days at once", "end")


class SlotSchema(Schema):
    start = Instant(metadata={"description": "when the session would start, in UTC",
                              "example": "2026-03-02T13:00:00+00:00"})
    end = Instant(metadata={"description": "when it would end (the chair's turnover buffer not counted)",
                            "example": "2026-03-02T15:00:00+00:00"})
    chair_id = fields.Integer(metadata={"description": "the chair it would take", "example": 1})


class CourseRequestSchema(Schema):
    patient_id = Id(required=True, metadata={"description": "the patient the course is for", "example": 4})
    treatment_type_id = Id(required=True, metadata={"description": "the treatment given at each session",
                                                    "example": 1})
    kind = fields.String(required=True, validate=validate.OneOf((INDUCTION, MAINTENANCE)), metadata={
        "description": "induction (3 to 6 sessions close together) or maintenance (1 to 12, "
                       "interval_days apart)", "example": "induction"})
    sessions = Count(1, 12, metadata={
        "description": "how many sessions; left out, an induction takes its treatment type's "
                       "protocol (a maintenance course must say)", "example": 6})
    start_on = fields.Date(validate=validate.Range(date(2000, 1, 1), LAST_START_ON), metadata={
        "description": "first session on or after this clinic-local date; today when left out",
        "example": "2026-03-02"})
    # Each rule left out comes from the treatment type's protocol, else the general default.
    min_gap_hours = Count(*GAP_HOURS, metadata={
        "description": "induction: the least time between two sessions' starts; left out, the "
                       "treatment type's protocol, else 24", "example": 24})
    max_span_days = Count(*SPAN_DAYS, metadata={
        "description": "induction: every session within this many days of the first; left out, "
                       "the treatment type's protocol, else 21", "example": 21})
    interval_days = Count(*INTERVAL_DAYS, metadata={
        "description": "maintenance: the days between sessions; left out, the treatment type's "
                       "protocol, else 28", "example": 28})
    clinician_id = Id(metadata={
        "description": "continuity of care: book every session inside this clinician's shifts; "
                       "left out, whoever is on shift", "example": 2})
    preferred_chair_id = Id(metadata={
        "description": "the chair each session takes where it is free at the planned time; "
                       "elsewhere, and when left out, the first free chair", "example": 2})
    starts = fields.List(Instant(), validate=validate.Length(1, 12), metadata={
        "description": "book exactly these start times (they must still keep the rules); left "
                       "out, the service picks the earliest schedule that fits",
        "example": ["2026-03-02T09:00:00-05:00", "2026-03-04T09:00:00-05:00", "2026-03-06T09:00:00-05:00"]})


class PlannedSessionSchema(SlotSchema):
    session_number = fields.Integer(metadata={"description": "its place in the course, from 1",
                                              "example": 1})


class CoursePlanSchema(Schema):
    appointments = fields.List(fields.Nested(PlannedSessionSchema), metadata={
        "description": "the proposed sessions, in order; nothing is booked",
        "example": [{"session_number": 1, "start": "2026-03-02T13:00:00+00:00",
                     "end": "2026-03-02T15:00:00+00:00", "chair_id": 1}]})


class AppointmentSchema(Schema):
    id = fields.Integer(metadata={"description": "the session's id", "example": 17})
    patient_id = fields.Integer(metadata={"description": "whose session it is", "example": 4})
    course_id = fields.Integer(allow_none=True, metadata={
        "description": "the course it belongs to; null for a session booked on its own", "example": 3})
    session_number = fields.Integer(allow_none=True, metadata={
        "description": "its place in the course, from 1; null outside a course", "example": 1})
    treatment_type_id = fields.Integer(metadata={"description": "the treatment given", "example": 1})
    chair_id = fields.Integer(metadata={"description": "the chair it holds", "example": 1})
    start = Instant(attribute="start_at", metadata={"description": "when it starts, in UTC",
                                                    "example": "2026-03-02T13:00:00+00:00"})
    end = Instant(attribute="end_at", metadata={
        "description": "when it ends, in UTC (the chair is held a turnover buffer longer)",
        "example": "2026-03-02T15:00:00+00:00"})
    status = fields.String(metadata={
        "description": f"one of {', '.join(STATUSES)}", "example": "scheduled"})
    cancel_reason = fields.String(allow_none=True, metadata={
        "description": "why it was cancelled, as staff wrote it", "example": None})
    created_at = Instant(metadata={"description": "when it was booked", "example": "2026-02-20T15:04:05+00:00"})
    updated_at = Instant(metadata={"description": "when it last changed", "example": "2026-02-20T15:04:05+00:00"})


class CourseSchema(Schema):
    id = fields.Integer(metadata={"description": "the course's id", "example": 3})
    patient_id = fields.Integer(metadata={"description": "whose course it is", "example": 4})
    treatment_type_id = fields.Integer(metadata={"description": "the treatment given", "example": 1})
    kind = fields.String(metadata={"description": "induction or maintenance", "example": "induction"})
    status = fields.String(metadata={"description": "active, or cancelled", "example": "active"})
    min_gap_hours = fields.Integer(allow_none=True, metadata={
        "description": "an induction's gap as booked, which rescheduling keeps; null for maintenance",
        "example": 24})
    clinician_id = fields.Integer(allow_none=True, metadata={
        "description": "the clinician the course was booked with (continuity of care), or null", "example": 2})
    created_at = Instant(metadata={"description": "when it was booked", "example": "2026-02-20T15:04:05+00:00"})
    appointments = fields.List(fields.Nested(AppointmentSchema), metadata={
        "description": "its sessions, in order", "example": []})
    sessions_short = fields.Integer(metadata={
        "description": "how many sessions an active course is short of those it was booked with "
                       "(each cancelled or missed one not yet replaced); POST /courses/{id}/sessions "
                       "books a replacement", "example": 1})


class NewAppointmentSchema(Schema):
    patient_id = Id(required=True, metadata={"description": "whose session it is", "example": 4})
    treatment_type_id = Id(required=True, metadata={"description": "the treatment given", "example": 1})
    start = Instant(required=True, metadata={
        "description": "when it starts, with an offset; on the slot grid, inside opening hours",
        "example": "2026-03-02T09:00:00-05:00"})
    chair_id = Id(metadata={"description": "this chair; else the first free one", "example": 1})


class RescheduleSchema(Schema):
    start = Instant(required=True, metadata={"description": "the new start, with an offset",
                                             "example": "2026-03-03T10:00:00-05:00"})
    chair_id = Id(metadata={"description": "this chair; else the first free one", "example": 2})


class ReplacementSchema(Schema):
    start = Instant(required=True, metadata={
        "description": "when the replacement starts, with an offset; it must keep the course's "
                       "gap from its other sessions", "example": "2026-03-09T10:00:00-04:00"})


class CancelSchema(Schema):
    reason = Text(500, 1, required=True, metadata={"description": "why, for the staff who read it later",
                                                   "example": "patient unwell"})


class CourseCancelSchema(Schema):
    reason = Text(500, load_default=None, metadata={"description": "why, for the staff who read it later",
                                                    "example": "patient moved away"})


class AppointmentQuerySchema(Schema):
    # "from" is a Python keyword, hence the data_key.
    from_ = Instant(data_key="from", metadata={"description": "sessions starting at or after this instant",
                                               "example": "2026-03-02T00:00:00-05:00"})
    to = Instant(metadata={"description": "sessions starting before this instant",
                           "example": "2026-03-03T00:00:00-05:00"})
    patient_id = Id(strict=False, metadata={"description": "only this patient's", "example": 4})
    chair_id = Id(strict=False, metadata={"description": "only this chair's", "example": 1})
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={
        "description": "only sessions in this status", "example": "scheduled"})
