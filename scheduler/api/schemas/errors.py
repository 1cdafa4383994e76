"""The one body every error answer carries, 4xx or 5xx, shaped like flask-smorest's own."""
from marshmallow import Schema, fields


class ErrorSchema(Schema):
    """What went wrong. For documentation only: the error handlers build the body."""

    code = fields.Integer(metadata={"description": "the HTTP status code, repeated", "example": 422})
    status = fields.String(metadata={"description": "the status code's name",
                                     "example": "Unprocessable Entity"})
    message = fields.String(metadata={"description": "what went wrong, in a sentence",
                                      "example": "start: must include a UTC offset"})
    errors = fields.Dict(metadata={
        "description": "the fields at fault, by where they were sent (json, query), each with "
                       "its messages; list items are named by their index",
        "example": {"json": {"start": ["must include a UTC offset, e.g. 2026-03-02T09:00:00-05:00"]}},
    })


class DuplicateSchema(Schema):
    id = fields.Integer(metadata={"description": "the patient registered already", "example": 6})
    shared = fields.List(fields.String(), metadata={
        "description": "what the two share: name, phone, email, date of birth",
        "example": ["name", "phone"]})


class DuplicatePatientErrorSchema(ErrorSchema):
    """The 409 of registering a patient who seems registered already."""

    duplicates = fields.List(fields.Nested(DuplicateSchema), metadata={
        "description": "the patients this one may be, each with what they share",
        "example": [{"id": 6, "shared": ["name", "phone"]}]})
