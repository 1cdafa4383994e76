"""Signed links for patients: no sign-in, one appointment, valid until the session starts.

The token carries only the appointment id and its expiry, signed with SECRET_KEY (itsdangerous);
a tampered or expired token shows a plain explanation and nothing about anyone.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "patient-appointment-link"
MAX_ID = 2**31 - 1  # the database's integer: a larger id, though signed, names no appointment
EXPIRED = ("This link has expired because the session it was for has started. "
           "Please call the clinic if you need anything.")


class LinkInvalid(Exception):
    """The link was altered, or belongs to a session that has started."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(appointment_id: int, start: datetime) -> str:
    return _serializer().dumps({"a": appointment_id, "exp": int(start.timestamp())})


def url_for_appointment(appointment_id: int, start: datetime) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/p/{token_for(appointment_id, start)}"


def appointment_id_from(token: str, now: datetime) -> int:
    """The appointment a link is for, or LinkInvalid saying why not (in words for the patient)."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        raise LinkInvalid("This link is not valid. Please use the link from your latest message, "
                          "or call the clinic.") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), int) \
            or not isinstance(payload.get("exp"), int) or not 0 < payload["a"] <= MAX_ID:
        raise LinkInvalid("This link is not valid. Please call the clinic.")
    if now.timestamp() >= payload["exp"]:
        raise LinkInvalid(EXPIRED)
    return payload["a"]
