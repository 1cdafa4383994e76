"""SMS through Twilio's REST API, with the official `twilio` library.

Twilio's answer decides what happens next: an error that will repeat whatever we do (a bad or
landline number, a number that texted STOP) fails the message at once; a rate limit, a Twilio
outage or no answer at all is tried again later by the worker.
"""
from __future__ import annotations

import logging
from urllib.parse import urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from notifications.channels import Delivery, Outgoing, PermanentFailure, TransientFailure, require_settings

INVALID_NUMBER, UNSUBSCRIBED, LANDLINE = 21211, 21610, 30006
TOO_MANY_REQUESTS = 429
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
    def __init__(self, client: Client, from_number: str, status_callback: str):
        self.client = client
        self.from_number = from_number
        self.status_callback = status_callback

    @classmethod
    def from_config(cls, config) -> "TwilioChannel":
        require_settings(config, "SMS_BACKEND=twilio", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
                         "TWILIO_FROM_NUMBER")
        timeout = float(config["PROVIDER_TIMEOUT_SECONDS"])
        base_url = config.get("TWILIO_API_BASE_URL")
        http_client = (_RedirectedHttpClient(base_url, timeout=timeout, logger=HTTP_LOG) if base_url
                       else TwilioHttpClient(timeout=timeout, logger=HTTP_LOG))
        client = Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"],
                        http_client=http_client)
        return cls(client, config["TWILIO_FROM_NUMBER"],
                   config["PUBLIC_BASE_URL"].rstrip("/") + "/webhooks/twilio/status")

    def send(self, message: Outgoing) -> Delivery:
        try:
            sent = self.client.messages.create(to=message.to, from_=self.from_number,
                                               body=message.text,
                                               status_callback=self.status_callback)
        except (TwilioRestException, TwilioServiceException) as error:
            raise _classified(error) from error
        except requests.RequestException as error:  # time-out, refused or dropped connection
            raise TransientFailure(f"no answer from Twilio: {type(error).__name__}") from error
        return Delivery(sent.sid)


def _classified(error: TwilioRestException | TwilioServiceException) -> Exception:
    """Twilio's error as a failure the worker understands. Twilio's wording may quote the number:
    it goes on the notification row staff see, never into a log line."""
    status, code = int(error.status), error.code
    # str(error) pretty-prints with colours on a terminal; the plain parts are what we keep.
    said = getattr(error, "msg", None) or getattr(error, "title", None) or f"HTTP {status}"
    if code == UNSUBSCRIBED:
        return PermanentFailure("the number texted STOP to Twilio", str(code), opted_out=True)
    if code in (INVALID_NUMBER, LANDLINE) or (400 <= status < 500 and status != TOO_MANY_REQUESTS):
        return PermanentFailure(f"Twilio refused the message: {said}", str(code or status))
    return TransientFailure(f"Twilio answered {status} (code {code}): {said}")
