"""Signing in: trading an email and password for a bearer token."""
from flask import request
from flask.views import MethodView
from flask_smorest import abort
from flask_smorest.error_handler import ErrorSchema
from marshmallow import Schema, fields

from ..services import staff
from ..services.errors import Unauthorized
from .blueprint import Blueprint
from .schemas.fields import Text

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign-in")

RETRY_AFTER = {"Retry-After": {"description": "seconds until a sign-in may be tried again",
                               "schema": {"type": "integer", "minimum": 1}}}


class CredentialsSchema(Schema):
    email = Text(254, 1, required=True)
    password = fields.String(required=True, load_only=True)


class TokenSchema(Schema):
    token = fields.String()
    role = fields.String()
    expires_at = fields.AwareDateTime()


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.arguments(CredentialsSchema)
    @blp.response(201, TokenSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="wrong email or password")
    @blp.alt_response(429, schema=ErrorSchema, headers=RETRY_AFTER, description=(
        "too many failed sign-ins for this email, or from this address: refused, even with the "
        "right password, until Retry-After seconds have passed"))
    def post(self, credentials):
        try:
            return staff.sign_in(credentials["email"], credentials["password"][:1024],
                                 request.remote_addr or "")
        except Unauthorized:
            abort(401, message="wrong email or password")
        except staff.TooManyFailures as refused:
            abort(429, message="too many failed sign-ins: try again later",
                  headers={"Retry-After": str(refused.retry_after)})
