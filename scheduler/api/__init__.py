"""The JSON API under /api/v1: one blueprint per area, and the errors they share."""
from http import HTTPStatus

from flask import Flask, jsonify, request
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import MethodNotAllowed

from ..engine.errors import IllegalStatusChange, SchedulingError
from ..services.booking import is_lost_race
from ..extensions import api, db
from ..services.errors import Conflict, Invalid, NotFound
from . import auth, booking, clinic, observations, patients, staffing, waitlist
from .paging import IdConverter
from .schemas.errors import ErrorSchema
from .schemas.fields import MAX_ID


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    api.ERROR_SCHEMA = ErrorSchema  # the same body, with descriptions and an example
    api.init_app(app)
    api.register_converter(IdConverter, lambda _converter: {"type": "integer", "minimum": 1, "maximum": MAX_ID})
    for module in (auth, clinic, patients, booking, observations, staffing, waitlist):  # and notifications', by the app factory
        api.register_blueprint(module.blp)
    app.register_error_handler(SchedulingError, _scheduling_error)
    app.register_error_handler(IllegalStatusChange, _illegal_status_change)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(Conflict, _conflict)
    app.register_error_handler(Invalid, _invalid)
    app.register_error_handler(IntegrityError, _integrity_error)
    app.register_error_handler(OperationalError, _operational_error)
    app.register_error_handler(MethodNotAllowed, _method_not_allowed)


def _method_not_allowed(error: MethodNotAllowed):
    # flask-smorest's JSON error leaves out the Allow header that RFC 9110 requires on a 405.
    body, code, headers = api.handle_http_exception(error)
    return body, code, {**dict(error.get_headers()), **headers, "Content-Type": "application/json"}


def _error(code: int, message: str, problems: dict[str, str] | None = None):
    """An error body shaped like flask-smorest's own, naming the fields at fault where the
    request carried them: the query string for GET, the JSON body otherwise."""
    db.session.rollback()
    body = {"code": code, "status": HTTPStatus(code).phrase, "message": message}
    if problems:
        location = "query" if request.method == "GET" else "json"
        body["errors"] = {location: _nested(problems)}
    return jsonify(body), code


def _nested(problems: dict[str, str]) -> dict:
    """{"starts.2": "taken"} -> {"starts": {"2": ["taken"]}}, as marshmallow names list items."""
    tree: dict = {}
    for path, message in problems.items():
        *parents, leaf = path.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = [message]
    return tree


def _field_error(code: int, message: str, field: str | None):
    if field is None:
        return _error(code, message)
    return _error(code, f"{field}: {message}", {field: message})


def _invalid(error: Invalid):
    return _error(422, str(error), error.problems)


def _scheduling_error(error: SchedulingError):
    return _field_error(409 if error.conflict else 422, error.message, error.field)


def _illegal_status_change(error: IllegalStatusChange):
    return _field_error(409, str(error), "status")


def _not_found(error: NotFound):
    # An unknown id in the path is 404; one named in the body is a bad field (422).
    return _field_error(422 if error.field else 404, error.message, error.field)


def _conflict(error: Conflict):
    body, code = _field_error(409, error.message, error.field)
    if error.details:
        body = jsonify({**body.get_json(), **error.details})
    return body, code


def _integrity_error(_clash: IntegrityError):
    # Two requests racing to create the same unique thing: the loser is told, not crashed.
    return _error(409, "this conflicts with a change made at the same time; try again")


def _operational_error(error: OperationalError):
    if is_lost_race(error):
        return _error(409, "this conflicts with a change made at the same time; try again")
    return _error(503, "the database is unavailable; try again shortly")
