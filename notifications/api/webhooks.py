"""Twilio's webhooks: inbound texts and delivery status callbacks.

Not part of the JSON API and without bearer tokens: Twilio proves each request with
X-Twilio-Signature, an HMAC of the URL it called (query string included) and the form fields
under our auth token. No valid signature, no effect (403). Form fields are never logged: they
hold phones and texts.
"""
from __future__ import annotations

import re

from flask import Blueprint, Flask, Response, abort, current_app, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from scheduler import clock

from notifications.services import deliveries, inbound

bp = Blueprint("twilio_webhooks", __name__, url_prefix="/webhooks/twilio")

_SID = re.compile(r"[A-Za-z0-9_-]{2,64}")  # Twilio's are SM + 32 hex; the console's differ
_ERROR_CODE = re.compile(r"\d{1,10}")


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
    """Twilio telling how a text we sent fared (see services.deliveries)."""
    sid, code = request.form.get("MessageSid", ""), request.form.get("ErrorCode", "")
    if _SID.fullmatch(sid):  # else nothing we sent: nothing to change
        deliveries.status_reported(sid, request.form.get("MessageStatus", ""),
                                   code if _ERROR_CODE.fullmatch(code) else None, clock.now())
    return Response(status=200)


def _signed_by_twilio() -> bool:
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    # Twilio signs the whole URL it called, so a webhook set up as .../sms?site=1 is checked
    # with its query string, exactly as sent. The host is ours, not the request's: behind a
    # proxy the request names the proxy's upstream, and a forged Host must not pass.
    url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + request.path
    if request.query_string:
        url += "?" + request.query_string.decode("latin-1")
    return RequestValidator(token).validate(url, request.form, signature)


def _twiml(reply: str | None) -> Response:
    answer = MessagingResponse()
    if reply:
        answer.message(reply)
    return Response(str(answer), status=200, mimetype="text/xml")
