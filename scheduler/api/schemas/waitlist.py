"""Schemas for the waitlist: entries, their offers, and taking an offer."""
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ...engine.waitlist import ENTRY_STATUSES, OUTCOMES
from ...services import waitlist
from .fields import Clock, Id, Instant

# Far enough for any clinic's planning, near enough that the calendar has room past it.
DAYS = validate.Range(date(2000, 1, 1), date(2094, 12, 31))


class OfferSchema(Schema):
    id = fields.Integer(metadata={"description": "the offer's id (to take it for a patient who phones)",
                                  "example": 12})
    appointment_start = Instant(attribute="start_at", metadata={
        "description": "when the offered session would start, in UTC", "example": "2026-06-03T14:00:00+00:00"})
    chair_id = fields.Integer(metadata={"description": "the chair it would take", "example": 2})
    sent_at = Instant(metadata={
        "description": "when the offer was made and its messages written (they go out within a "
                       "worker poll, as quiet hours, STOP and consent allow)",
        "example": "2026-06-01T16:00:00+00:00"})
    expires_at = Instant(metadata={"description": "after this the offer can no longer be taken",
                                   "example": "2026-06-01T18:00:00+00:00"})
    outcome = fields.Function(waitlist.shown_outcome, metadata={
        "description": f"one of {', '.join(OUTCOMES)}: gone means another patient took the time "
                       "first or it was booked otherwise; withdrawn, the patient stopped waiting "
                       "or booked another offer", "example": "open"})


class WaitlistEntrySchema(Schema):
    id = fields.Integer(dump_only=True, metadata={"description": "the entry's id", "example": 5})
    patient_id = Id(required=True, metadata={"description": "the patient who is waiting", "example": 4})
    treatment_type_id = Id(required=True, metadata={"description": "the treatment they wait for",
                                                    "example": 1})
    earliest = fields.Date(required=True, validate=DAYS, metadata={
        "description": "the first day they could come, in the clinic's zone", "example": "2026-06-02"})
    latest = fields.Date(required=True, validate=DAYS, metadata={
        "description": "the last day they could come, in the clinic's zone", "example": "2026-06-12"})
    from_time = Clock(load_default=None, allow_none=True, metadata={
        "description": "only sessions starting at or after this clinic-local time (HH:MM); null: any",
        "example": "09:00"})
    until_time = Clock(load_default=None, allow_none=True, metadata={
        "description": "only sessions ending by this clinic-local time (HH:MM); null: any",
        "example": "13:00"})
    status = fields.Function(waitlist.shown_status, dump_only=True, metadata={
        "description": f"one of {', '.join(ENTRY_STATUSES)} (expired: its last day has passed)",
        "example": "waiting"})
    created_at = Instant(dump_only=True, metadata={"description": "when the patient was put on the list",
                                                   "example": "2026-06-01T14:00:00+00:00"})
    offers = fields.List(fields.Nested(OfferSchema), dump_only=True, metadata={
        "description": "every freed time offered to the patient, oldest first, with its outcome",
        "example": []})

    @validates_schema
    def _ordered(self, data, **_):
        if data.get("earliest") and data.get("latest") and data["latest"] < data["earliest"]:
            raise ValidationError("must not be before earliest", "latest")
        if data.get("from_time") and data.get("until_time") and data["until_time"] <= data["from_time"]:
            raise ValidationError("must be after from_time", "until_time")


class WaitlistQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(ENTRY_STATUSES), metadata={
        "description": "only entries in this status", "example": "waiting"})
    patient_id = Id(strict=False, metadata={"description": "only this patient's", "example": 4})


class TakeOfferSchema(Schema):
    offer_id = Id(required=True, metadata={"description": "the entry's offer to take", "example": 12})
