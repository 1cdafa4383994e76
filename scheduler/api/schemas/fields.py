"""Input fields that know the clinic's rules: instants with an offset, E.164 phones, IANA zones.

Each rejects bad input with a message naming what is wrong, so the caller gets a 422 that says
which field to fix, and nothing malformed reaches the database (PostgreSQL, for one, fails on a
NUL byte in text, and SQL integers overflow past 2**31).
"""
from __future__ import annotations

import re
import zoneinfo
from datetime import datetime, timezone
from functools import lru_cache

from marshmallow import ValidationError, fields, validate

from ...phones import to_e164

MAX_ID = 2**31 - 1
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2100, 1, 1, tzinfo=timezone.utc)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class Text(fields.String):
    """Trimmed text without control characters, at most `max_length` long (as sent, and as
    kept: the OpenAPI document's maxLength holds for the text before trimming too)."""

    def __init__(self, max_length: int = 200, min_length: int = 0, **kwargs):
        self._length = validate.Length(min_length, max_length)
        super().__init__(validate=self._length, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        sent = super()._deserialize(value, attr, data, **kwargs)
        self._length(sent)
        text = sent.strip()
        if _CONTROL.search(text):
            raise ValidationError("must not contain control characters")
        return text


class Id(fields.Integer):
    """A row id. Strict (a JSON number, not "5") in bodies; query strings pass strict=False."""

    def __init__(self, strict: bool = True, **kwargs):
        super().__init__(strict=strict, validate=validate.Range(1, MAX_ID), **kwargs)


class Flag(fields.Boolean):
    """JSON's true or false, and nothing else: marshmallow would also take 0, 1, "yes" or "off",
    which the OpenAPI document (type: boolean) tells clients is refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value is True or value is False:
            return value
        raise self.make_error("invalid", input=value)


def Count(low: int, high: int, **kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(low, high), **kwargs)


class Instant(fields.AwareDateTime):
    """An ISO 8601 date-time with an offset, returned in UTC. Without an offset it is refused."""

    default_error_messages = {
        "invalid_awareness": "must include a UTC offset, e.g. 2026-03-02T09:00:00-05:00",
    }

    def __init__(self, **kwargs):
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            instant = super()._deserialize(value, attr, data, **kwargs).astimezone(timezone.utc)
        except OverflowError:  # e.g. year 1 with an offset east of UTC
            instant = None
        if instant is None or not EARLIEST <= instant < LATEST:
            raise ValidationError("must be between the years 2000 and 2099")
        return instant

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.astimezone(timezone.utc).isoformat()


class Email(fields.Email):
    def _deserialize(self, value, attr, data, **kwargs):
        address = super()._deserialize(value, attr, data, **kwargs)
        if _CONTROL.search(address):
            raise ValidationError("must not contain control characters")
        return address


class Phone(fields.String):
    """A phone number, normalized to E.164 (numbers without +country are read in the default region)."""

    def _deserialize(self, value, attr, data, **kwargs):
        phone = to_e164(super()._deserialize(value, attr, data, **kwargs))
        if phone is None:
            raise ValidationError("is not a valid phone number")
        return phone


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class TimeZoneName(fields.String):
    """An IANA time zone name such as America/New_York."""

    def _deserialize(self, value, attr, data, **kwargs):
        name = super()._deserialize(value, attr, data, **kwargs)
        if name not in _zone_names():
            raise ValidationError("is not an IANA time zone name, e.g. America/New_York")
        return name


class Clock(fields.String):
    """A local wall-clock time, HH:MM on the 24-hour clock."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not _CLOCK.match(text):
            raise ValidationError("must be a time as HH:MM, 00:00 to 23:59")
        return text


class IsoDate(fields.Date):
    """A calendar date, kept as its ISO text (as it is stored in JSON settings)."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).isoformat()

    def _serialize(self, value, attr, obj, **kwargs):
        return value
