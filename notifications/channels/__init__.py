"""One small adapter per outside service, all behind the same `send` interface."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Outgoing:
    """A rendered message for one recipient."""

    notification_id: int
    to: str  # E.164 phone for SMS, address for email
    text: str
    subject: str | None = None
    html: str | None = None
    attachments: tuple[tuple[str, str, bytes], ...] = field(default=())  # (filename, mime, data)


@dataclass(frozen=True)
class Delivery:
    provider_message_id: str


class PermanentFailure(Exception):
    """The provider will never take this message (invalid number, unsubscribed, landline)."""

    def __init__(self, message: str, code: str | None = None, opted_out: bool = False):
        super().__init__(message)
        self.code = code
        self.opted_out = opted_out  # the number texted STOP to Twilio (error 21610)


class TransientFailure(Exception):
    """Worth another try later: rate limits, server errors, time-outs, broken connections."""

    def __init__(self, message: str, throttled: bool = False):
        super().__init__(message)
        # The provider said it is overloaded (a rate limit, its own 5xx): the worker slows down
        # as a whole instead of only retrying this one message later.
        self.throttled = throttled


class Channel(Protocol):
    def send(self, message: Outgoing) -> Delivery: ...


def require_settings(config, backend: str, *names: str) -> None:
    """Fail when the worker starts, not on the first message, if a backend lacks its settings."""
    missing = [name for name in names if not config.get(name)]
    if missing:
        raise RuntimeError(f"{backend} needs {', '.join(missing)}")

