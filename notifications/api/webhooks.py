"""Twilio's webhooks: inbound texts and delivery status callbacks.

Not part of the JSON API and without bearer tokens: Twilio proves each request with
X-Twilio-Signature, an HMAC of PUBLIC_BASE_URL + path and the form fields under our auth token.
No valid signature, no effect (403). Form fields are never logged: they hold phones and texts.
"""
from __future__ import annotations

import logging
import re

from flask import Blueprint, Flask, Response, abort, current_app, request
from sqlalchemy import select
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from scheduler import clock
from scheduler.extensions import db

from notifications.services import inbound
from notifications.models import Notification

log = logging.getLogger("notifications.api.webhooks")
bp = Blueprint("twilio_webhooks", __name__, url_prefix="/webhooks/twilio")

_SID = re.compile(r"[A-Za-z0-9_-]{2,64}")  # Twilio's are SM + 32 hex; the console's differ
_ERROR_CODE = re.compile(r"\d{1,10}")
DELIVERED, FAILED = ("delivered",), ("undelivered", "failed")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.before_request
def _only_twilio():
    # What Twilio posts is a few kB: a Body is at most 1,600 characters (19 kB URL-encoded
    # even as emoji) beside some twenty short fields. Anything larger is not Twilio's: 413,
    # before the form is read or the signature is checked.
    request.max_content_length = current_app.config["TWILIO_WEBHOOK_MAX_BYTES"]
    if not _signed_by_twilio():
        abort(403)


@bp.post("/sms")
def sms():
    sid = request.form.get("MessageSid", "")
    sender = request.form.get("From", "")
    if not _SID.fullmatch(sid) or not sender:
        abort(400)  # not an inbound text; without its sid it could not be told from a retry
    twilio_answers = current_app.config["SMS_OPT_OUT_REPLIES"] == "twilio"
    try:
        reply = inbound.receive(sid, sender, request.form.get("Body", ""), clock.now(), twilio_answers)
    except inbound.Duplicate:
        reply = None  # acted on the first time; Twilio sent its answer then
    return _twiml(reply)


@bp.post("/status")
def status():
    """Twilio telling how a text we sent fared. Only a sent text moves on, to delivered or
    failed: callbacks may arrive out of order, and a late 'sent' must not undo 'delivered'."""
    sid, outcome = request.form.get("MessageSid", ""), request.form.get("MessageStatus", "")
    if not _SID.fullmatch(sid) or outcome not in DELIVERED + FAILED:
        return Response(status=200)  # queued, sent, ... or nothing we know: nothing to change
    note = db.session.scalar(select(Notification).where(
        Notification.provider_message_id == sid, Notification.channel == "sms",
        Notification.status == "sent").with_for_update())
    if note is not None:
        now = clock.now()
        if outcome in DELIVERED:
            note.status = "delivered"
        else:
            code = request.form.get("ErrorCode", "")
            note.status = "failed"
            note.error = f"{code if _ERROR_CODE.fullmatch(code) else 'no code'}: {outcome}"
        note.updated_at = now
        log.info("delivery status", extra={"object_type": "notification", "object_id": note.id,
                                           "action": note.status})
    db.session.commit()
    return Response(status=200)


def _signed_by_twilio() -> bool:
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + request.path
    return RequestValidator(token).validate(url, request.form, signature)


def _twiml(reply: str | None) -> Response:
    answer = MessagingResponse()
    if reply:
        answer.message(reply)
    return Response(str(answer), status=200, mimetype="text/xml")
