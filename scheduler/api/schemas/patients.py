"""Schemas for patients and their contact consent."""
from marshmallow import Schema, fields, validate

from .fields import Email, Flag, Phone, Text, TimeZoneName


class PatientSchema(Schema):
    id = fields.Integer(dump_only=True)
    first_name = Text(100, 1, required=True)
    last_name = Text(100, 1, required=True)
    phone = Phone(allow_none=True, load_default=None)
    email = Email(allow_none=True, load_default=None, validate=validate.Length(max=254))
    # The patient's own zone, for the times in their messages; the clinic's when left out.
    timezone = TimeZoneName(load_default=None)
    sms_opt_in = Flag(load_default=False)
    email_opt_in = Flag(load_default=False)
    sms_opted_out = fields.Boolean(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)


class PatientUpdateSchema(PatientSchema):
    """PATCH: only the fields given change."""

    class Meta:
        partial = True

    first_name = Text(100, 1)
    last_name = Text(100, 1)
    phone = Phone(allow_none=True)
    email = Email(allow_none=True, validate=validate.Length(max=254))
    timezone = TimeZoneName()
    sms_opt_in = Flag()
    email_opt_in = Flag()


class PatientQuerySchema(Schema):
    q = Text(100, load_default="", metadata={"description": "part of a name, or a phone number"})
