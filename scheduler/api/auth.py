"""Signing in: trading an email and password for a bearer token."""
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields

from ..services import staff
from ..services.errors import Unauthorized
from .blueprint import Blueprint
from .schemas.fields import Text

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign-in")


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
    def post(self, credentials):
        try:
            return staff.sign_in(credentials["email"], credentials["password"][:1024])
        except Unauthorized:
            abort(401, message="wrong email or password")
