"""The one place the service reads the time, so tests can set it (app.config["CLOCK"])."""
from datetime import datetime, timezone

from flask import current_app


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def now() -> datetime:
    return current_app.config.get("CLOCK", utc_now)()
