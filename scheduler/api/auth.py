"""Signing in: trading an email and password for a bearer token."""
from flask import request
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields

from ..services import staff
from ..services.errors import Unauthorized
from .blueprint import Blueprint
from .schemas.errors import ErrorSchema
from .schemas.fields import Text

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign-in")

RETRY_AFTER = {"Retry-After": {"description": "seconds until a sign-in may be tried again",
                               "schema": {"type": "integer", "minimum": 1}}}


class CredentialsSchema(Schema):
    email = Text(254, 1, required=True, metadata={
        "description": "the staff account's email, in any case", "example": "frontdesk@demo.clinic"})
    password = fields.String(required=True, load_only=True, metadata={
        "description": "the account's password", "example": "a long secret phrase"})


class TokenSchema(Schema):
    token = fields.String(metadata={
        "description": "send it as `Authorization: Bearer TOKEN` on every other call",
        "example": "q3xW9v0cL2m8V1fYk5bT7nR4pZ6sE0hJ"})
    role = fields.String(metadata={"description": "the account's role: admin, front_desk or monitoring",
                                   "example": "front_desk"})
    expires_at = fields.AwareDateTime(metadata={
        "description": "when the token stops working (TOKEN_TTL_HOURS after sign-in)",
        "example": "2026-03-02T02:00:00+00:00"})


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.arguments(CredentialsSchema)
    @blp.response(201, TokenSchema)
    @blp.error_response(401, "wrong email or password")
    @blp.alt_response(429, schema=ErrorSchema, headers=RETRY_AFTER, description=(
        "too many failed sign-ins for this email, or from this address: refused, even with the "
        "right password, until Retry-After seconds have passed"))
    def post(self, credentials):
        """Sign in: trade an email and password for a bearer token

        The only call that needs no token. The token ends when it expires, when the account
        signs out of the staff pages, or when the account is deactivated.
        """
        try:
            return staff.sign_in(credentials["email"], credentials["password"][:1024],
                                 request.remote_addr or "")
        except Unauthorized:
            abort(401, message="wrong email or password")
        except staff.TooManyFailures as refused:
            abort(429, message="too many failed sign-ins: try again later",
                  headers={"Retry-After": str(refused.retry_after)})
