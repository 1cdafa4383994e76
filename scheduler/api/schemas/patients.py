"""Schemas for patients and their contact consent."""
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate

from ... import clock

from .fields import Email, Flag, Phone, Text, TimeZoneName

# What each field means, for the OpenAPI document: shared by the full schema and PATCH's.
ABOUT = {
    "first_name": {"description": "the patient's first name", "example": "Alex"},
    "last_name": {"description": "the patient's last name", "example": "Rivera"},
    "phone": {"description": "a mobile number for texts; numbers without +country are read in "
                             "DEFAULT_PHONE_REGION, and answered in E.164", "example": "+16175550101"},
    "email": {"description": "where emails go", "example": "alex.rivera@example.com"},
    "timezone": {"description": "the patient's IANA zone, for the times in their messages; the "
                                "clinic's when null", "example": "America/New_York"},
    "birth_date": {"description": "the patient's date of birth, if known; with the name, it tells "
                                  "a patient entered twice", "example": "1984-07-21"},
    "sms_opt_in": {"description": "the patient agreed to texts", "example": True},
    "email_opt_in": {"description": "the patient agreed to emails", "example": True},
}

EARLIEST_BIRTH = date(1900, 1, 1)


def born_in_the_past(day: date) -> None:
    if day < EARLIEST_BIRTH or day > clock.now().date():
        raise ValidationError("must be a date of birth between 1900 and today")


class PatientSchema(Schema):
    id = fields.Integer(dump_only=True, metadata={"description": "the patient's id", "example": 1})
    first_name = Text(100, 1, required=True, metadata=ABOUT["first_name"])
    last_name = Text(100, 1, required=True, metadata=ABOUT["last_name"])
    phone = Phone(allow_none=True, load_default=None, metadata=ABOUT["phone"])
    email = Email(allow_none=True, load_default=None, validate=validate.Length(max=254),
                  metadata=ABOUT["email"])
    timezone = TimeZoneName(load_default=None, metadata=ABOUT["timezone"])
    birth_date = fields.Date(allow_none=True, load_default=None, validate=born_in_the_past,
                             metadata=ABOUT["birth_date"])
    sms_opt_in = Flag(load_default=False, metadata=ABOUT["sms_opt_in"])
    email_opt_in = Flag(load_default=False, metadata=ABOUT["email_opt_in"])
    sms_opted_out = fields.Boolean(dump_only=True, metadata={
        "description": "the patient texted STOP (and not START since): no texts go out",
        "example": False})
    created_at = fields.AwareDateTime(dump_only=True, metadata={
        "description": "when the patient was registered", "example": "2026-03-02T14:00:00+00:00"})
    updated_at = fields.AwareDateTime(dump_only=True, metadata={
        "description": "when the patient's details last changed", "example": "2026-03-02T14:00:00+00:00"})


class NewPatientSchema(PatientSchema):
    """POST: a patient, and whether to register them though they look like one already here."""

    allow_duplicate = Flag(load_default=False, load_only=True, metadata={
        "description": "register the patient even though one with the same name and the same "
                       "phone, email or date of birth is already registered (otherwise 409 "
                       "naming them in `duplicates`)", "example": False})


class PatientUpdateSchema(PatientSchema):
    """PATCH: only the fields given change."""

    class Meta:
        partial = True

    first_name = Text(100, 1, metadata=ABOUT["first_name"])
    last_name = Text(100, 1, metadata=ABOUT["last_name"])
    phone = Phone(allow_none=True, metadata=ABOUT["phone"])
    email = Email(allow_none=True, validate=validate.Length(max=254), metadata=ABOUT["email"])
    timezone = TimeZoneName(metadata=ABOUT["timezone"])
    birth_date = fields.Date(allow_none=True, validate=born_in_the_past, metadata=ABOUT["birth_date"])
    sms_opt_in = Flag(metadata=ABOUT["sms_opt_in"])
    email_opt_in = Flag(metadata=ABOUT["email_opt_in"])


class PatientQuerySchema(Schema):
    q = Text(100, load_default="", metadata={"description": "part of a name, or a phone number",
                                             "example": "Rivera"})
