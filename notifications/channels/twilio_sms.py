"""SMS through Twilio's REST API, with the official `twilio` library.

Twilio's answer decides what happens next: an error that will repeat whatever we do (a bad or
landline number, a number that texted STOP) fails the message at once; a rate limit, a Twilio
outage or no answer at all is tried again later by the worker.
"""
from __future__ import annotations

import logging
import threading
from functools import partial
from typing import Callable
from urllib.parse import urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from notifications.channels import Delivery, Outgoing, PermanentFailure, TransientFailure, require_settings
from notifications.channels.pacing import Unpaced, pacing_from

INVALID_NUMBER, UNSUBSCRIBED, LANDLINE = 21211, 21610, 30006
TOO_MANY_REQUESTS = 429
TOO_MANY_CONCURRENT_REQUESTS = 20429
# The library logs ten INFO lines of URL and headers per request (never the body); our own
# outcome is on the notification row, so only its warnings are worth keeping.
HTTP_LOG = logging.getLogger("notifications.twilio_http")
HTTP_LOG.setLevel(logging.WARNING)


class _RedirectedHttpClient(TwilioHttpClient):
    """Sends every request to one base URL (a local stand-in) instead of *.twilio.com.

    The library builds a full https://<product>.twilio.com URL per call (and may rewrite the host
    for TWILIO_EDGE / TWILIO_REGION) before it reaches the HTTP client, so swapping scheme and
    host here covers every API domain, not only `client.api`.
    """

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base = urlsplit(base_url)

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        url = urlunsplit((self.base.scheme, self.base.netloc,
                          self.base.path.rstrip("/") + parts.path, parts.query, parts.fragment))
        return super().request(method, url, *args, **kwargs)


class TwilioChannel:
    """Texts from one number, or through a Messaging Service (a pool of numbers, which US A2P
    10DLC registration expects) when its SID is given; the pacing then counts the whole pool,
    because that is the sender Twilio queues for."""

    def __init__(self, make_client: Callable[[], Client], from_number: str | None, status_callback: str,
                 messaging_service_sid: str | None = None, pacing=None):
        self.make_client = make_client
        self.local = threading.local()
        self.sender = ({"messaging_service_sid": messaging_service_sid} if messaging_service_sid
                       else {"from_": from_number})
        self.status_callback = status_callback
        self.pacing = pacing or Unpaced()

    @classmethod
    def from_config(cls, config) -> "TwilioChannel":
        require_settings(config, "SMS_BACKEND=twilio", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")
        if not config.get("TWILIO_MESSAGING_SERVICE_SID"):
            require_settings(config, "SMS_BACKEND=twilio", "TWILIO_FROM_NUMBER")
        make_client = partial(_client, config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"],
                              float(config["PROVIDER_TIMEOUT_SECONDS"]), config.get("TWILIO_API_BASE_URL"))
        return cls(make_client, config.get("TWILIO_FROM_NUMBER"),
                   config["PUBLIC_BASE_URL"].rstrip("/") + "/webhooks/twilio/status",
                   messaging_service_sid=config.get("TWILIO_MESSAGING_SERVICE_SID"),
                   pacing=pacing_from(config.get("SMS_MAX_PER_SECOND")))

    @property
    def client(self) -> Client:
        """This thread's own client. TwilioHttpClient keeps each answer on itself between
        receiving and returning it, so two send threads sharing one could swap answers (and
        message ids); its own also gives each thread a kept-alive connection."""
        client = getattr(self.local, "client", None)
        if client is None:
            client = self.local.client = self.make_client()
        return client

    def send(self, message: Outgoing) -> Delivery:
        messages = self.client.messages  # the library loads its API modules on first use
        self.pacing.wait_turn()  # so the turn is taken right before the request itself
        try:
            sent = messages.create(to=message.to, body=message.text,
                                   status_callback=self.status_callback, **self.sender)
        except (TwilioRestException, TwilioServiceException) as error:
            raise _classified(error) from error
        except requests.RequestException as error:  # time-out, refused or dropped connection
            raise TransientFailure(f"no answer from Twilio: {type(error).__name__}") from error
        return Delivery(sent.sid)


def _client(account_sid: str, auth_token: str, timeout: float, base_url: str | None) -> Client:
    http_client = (_RedirectedHttpClient(base_url, timeout=timeout, logger=HTTP_LOG) if base_url
                   else TwilioHttpClient(timeout=timeout, logger=HTTP_LOG))
    return Client(account_sid, auth_token, http_client=http_client)


def _classified(error: TwilioRestException | TwilioServiceException) -> Exception:
    """Twilio's error as a failure the worker understands. Twilio's wording may quote the number:
    it goes on the notification row staff see, never into a log line."""
    status, code = int(error.status), error.code
    # str(error) pretty-prints with colours on a terminal; the plain parts are what we keep.
    said = getattr(error, "msg", None) or getattr(error, "title", None) or f"HTTP {status}"
    if status == TOO_MANY_REQUESTS or code == TOO_MANY_CONCURRENT_REQUESTS or status >= 500:
        return TransientFailure(f"Twilio answered {status} (code {code}): {said}", throttled=True)
    if code == UNSUBSCRIBED:
        return PermanentFailure("the number texted STOP to Twilio", str(code), opted_out=True)
    if code in (INVALID_NUMBER, LANDLINE) or 400 <= status < 500:
        return PermanentFailure(f"Twilio refused the message: {said}", str(code or status))
    return TransientFailure(f"Twilio answered {status} (code {code}): {said}")
