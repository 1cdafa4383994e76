"""Fixtures for the fault tests: the stand-in Twilio and mail servers (the notification tests'
own), and an app wired to them whose clock runs fast, so back-offs of minutes pass in seconds."""
from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from bench.fault_workers import ScenarioClock, provider_settings
from notifications.worker import run_once
from tests.conftest import _make_app
from tests.notifications.conftest import mail_server  # noqa: F401  (fixtures shared as they are)
from tests.notifications.standins import TwilioStandIn

NOW = datetime(2026, 6, 1, 14, 0, tzinfo=timezone.utc)  # Monday 10:00 in New York
SESSION_START = "2026-06-03T10:00:00-04:00"
# Short, so a message Twilio answers too late costs a test a second, not the production ten.
PROVIDER_TIMEOUT_SECONDS = 1.0
# Twenty times real time: the worker's first back-offs (15 s to a few minutes) take a second or
# two, while a provider's time-out still takes its real second.
PACE = 20


@pytest.fixture
def twilio():
    """The Twilio stand-in, answering a "slow" request only after the client has given up."""
    standin = TwilioStandIn(late_seconds=PROVIDER_TIMEOUT_SECONDS + 1).start()
    yield standin
    standin.stop()


@pytest.fixture
def fast_clock():
    return ScenarioClock(NOW, pace=PACE)


@pytest.fixture
def faulty_app(database_url, fast_clock, twilio, mail_server):  # noqa: F811
    """SMS through twilio-python and email through smtplib to the stand-ins, on a fast clock."""
    yield from _make_app(database_url, fast_clock,
                         **provider_settings(twilio, mail_server, timeout=PROVIDER_TIMEOUT_SECONDS))


def send_until(app, done, timeout: float = 40) -> None:
    """One worker in this process, ticking like `flask worker` until `done()` (or the time-out,
    which the test's own assertions then report)."""
    deadline = time.monotonic() + timeout
    with app.app_context():
        while not done() and time.monotonic() < deadline:
            if not run_once("test-worker"):
                time.sleep(0.05)
