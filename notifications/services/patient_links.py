"""Signed links for patients: no sign-in, one appointment, valid until the session starts; or
one waitlist offer, open until the offer expires; or one questionnaire, open until answered or
its row's expiry.

An appointment's token carries only its id and its expiry, signed with SECRET_KEY
(itsdangerous); a tampered or expired token shows a plain explanation and nothing about anyone.
An offer's token carries only the offer's id: it goes by text, where every character counts,
and the offer's row already says until when it may be taken.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, Signer, URLSafeSerializer

SALT = "patient-appointment-link"
OFFER_SALT = "waitlist-offer-link"
FORM_SALT = "questionnaire-link"
MAX_ID = 2**31 - 1  # the database's integer: a larger id, though signed, names no appointment
NOT_VALID = "This link is not valid. Please use the link from your latest message, or call the clinic."
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
        raise LinkInvalid(NOT_VALID) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), int) \
            or not isinstance(payload.get("exp"), int) or not 0 < payload["a"] <= MAX_ID:
        raise LinkInvalid("This link is not valid. Please call the clinic.")
    if now.timestamp() >= payload["exp"]:
        raise LinkInvalid(EXPIRED)
    return payload["a"]


def url_for_offer(offer_id: int) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/w/{_signed_id(offer_id, OFFER_SALT)}"


def offer_id_from(token: str) -> int:
    """The waitlist offer a link is for, or LinkInvalid (whether it is still open is the offer's)."""
    return _id_from(token, OFFER_SALT)


def url_for_questionnaire(questionnaire_id: int) -> str:
    """Like an offer's, the id alone: it goes by text, and the form's row says until when."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/q/{_signed_id(questionnaire_id, FORM_SALT)}"


def questionnaire_id_from(token: str) -> int:
    return _id_from(token, FORM_SALT)


def _signed_id(row_id: int, salt: str) -> str:
    return Signer(current_app.config["SECRET_KEY"], salt=salt).sign(str(row_id)).decode()


def _id_from(token: str, salt: str) -> int:
    try:
        text = Signer(current_app.config["SECRET_KEY"], salt=salt).unsign(token).decode()
    except BadSignature:
        raise LinkInvalid(NOT_VALID) from None
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_ID:
        raise LinkInvalid(NOT_VALID)
    return int(text)
