"""Schemas for patients and their contact consent."""
from marshmallow import Schema, fields, validate

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
    "sms_opt_in": {"description": "the patient agreed to texts", "example": True},
    "email_opt_in": {"description": "the patient agreed to emails", "example": True},
}


class PatientSchema(Schema):
    id = fields.Integer(dump_only=True, metadata={"description": "the patient's id", "example": 1})
    first_name = Text(100, 1, required=True, metadata=ABOUT["first_name"])
    last_name = Text(100, 1, required=True, metadata=ABOUT["last_name"])
    phone = Phone(allow_none=True, load_default=None, metadata=ABOUT["phone"])
    email = Email(allow_none=True, load_default=None, validate=validate.Length(max=254),
                  metadata=ABOUT["email"])
    timezone = TimeZoneName(load_default=None, metadata=ABOUT["timezone"])
    sms_opt_in = Flag(load_default=False, metadata=ABOUT["sms_opt_in"])
    email_opt_in = Flag(load_default=False, metadata=ABOUT["email_opt_in"])
    sms_opted_out = fields.Boolean(dump_only=True, metadata={
        "description": "the patient texted STOP (and not START since): no texts go out",
        "example": False})
    created_at = fields.AwareDateTime(dump_only=True, metadata={
        "description": "when the patient was registered", "example": "2026-03-02T14:00:00+00:00"})
    updated_at = fields.AwareDateTime(dump_only=True, metadata={
        "description": "when the patient's details last changed", "example": "2026-03-02T14:00:00+00:00"})


class PatientUpdateSchema(PatientSchema):
    """PATCH: only the fields given change."""

    class Meta:
        partial = True

    first_name = Text(100, 1, metadata=ABOUT["first_name"])
    last_name = Text(100, 1, metadata=ABOUT["last_name"])
    phone = Phone(allow_none=True, metadata=ABOUT["phone"])
    email = Email(allow_none=True, validate=validate.Length(max=254), metadata=ABOUT["email"])
    timezone = TimeZoneName(metadata=ABOUT["timezone"])
    sms_opt_in = Flag(metadata=ABOUT["sms_opt_in"])
    email_opt_in = Flag(metadata=ABOUT["email_opt_in"])


class PatientQuerySchema(Schema):
    q = Text(100, load_default="", metadata={"description": "part of a name, or a phone number",
                                             "example": "Rivera"})
