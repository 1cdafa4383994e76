"""Who may call what: bearer-token authentication and role checks for the JSON API."""
from __future__ import annotations

from copy import deepcopy
from functools import wraps

from flask import g, request
from flask_smorest import abort

from ..models.staff import ADMIN, FRONT_DESK, MONITORING
from ..services.staff import principal_for_token
from .schemas.errors import ErrorSchema

ALL_STAFF = (ADMIN, FRONT_DESK, MONITORING)
BOOKERS = (ADMIN, FRONT_DESK)  # front desk work; the admin may always step in
CLINICAL = (ADMIN, MONITORING)


def roles(*allowed: str):
    """Let the request through only with a valid token of one of these roles.

    Put it above @blp.arguments so a stranger gets 401 before their body is even read.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            principal = _authenticate()
            if principal.role not in allowed:
                abort(403, message="your role may not do this")
            return view(*args, **kwargs)

        wrapper._apidoc = deepcopy(getattr(view, "_apidoc", {}))
        manual = wrapper._apidoc.setdefault("manual_doc", {})
        manual["security"] = [{"bearerAuth": []}]
        # Documented here, beside the checks that give them, so no endpoint can forget them.
        manual.setdefault("responses", {}).update({
            "401": _error_answer("no token, or one that is unknown, expired or signed out",
                                 headers={"WWW-Authenticate": {"description": "Bearer",
                                                               "schema": {"type": "string"}}}),
            "403": _error_answer(f"signed in, but the role may not do this (only {', '.join(allowed)})"),
        })
        return wrapper

    return decorator


def _error_answer(description: str, **extra) -> dict:
    return {"description": description, **extra,
            "content": {"application/json": {"schema": ErrorSchema}}}


def _authenticate():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    principal = principal_for_token(token.strip()) if scheme.lower() == "bearer" and token else None
    if principal is None:
        abort(401, message="sign in first: send Authorization: Bearer TOKEN",
              headers={"WWW-Authenticate": "Bearer"})
    g.staff = principal
    return principal
