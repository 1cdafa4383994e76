"""Fixtures for the notification tests: the stand-in Twilio and mail servers, and an app that
sends through them with the real channels."""
from __future__ import annotations

import uuid

import pytest

from tests.conftest import _make_app
from tests.factories import api_as, set_up_clinic

from .standins import SmtpStandIn, TwilioStandIn
from .texting import Ward

SENDER_NUMBER = "+15005550006"  # Twilio's magic test sender
CLINIC_EMAIL = "Test Clinic <bookings@test.clinic>"
# Short, so a hung stand-in costs a test a second, not the production ten.
PROVIDER_TIMEOUT_SECONDS = 1.0


@pytest.fixture
def twilio():
    standin = TwilioStandIn().start()
    yield standin
    standin.stop()


@pytest.fixture
def mail_server():
    server = SmtpStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def wired_app(database_url, clock, twilio, mail_server):
    """An app whose worker sends SMS through twilio-python and email through smtplib, to the
    stand-ins on 127.0.0.1."""
    yield from _make_app(
        database_url, clock,
        SMS_BACKEND="twilio", TWILIO_API_BASE_URL=twilio.url,
        TWILIO_ACCOUNT_SID="AC" + uuid.uuid4().hex, TWILIO_AUTH_TOKEN=uuid.uuid4().hex,
        TWILIO_FROM_NUMBER=SENDER_NUMBER, PUBLIC_BASE_URL="https://clinic.example.org",
        EMAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=mail_server.port,
        SMTP_STARTTLS=False, SMTP_USERNAME=None, EMAIL_FROM=CLINIC_EMAIL,
        PROVIDER_TIMEOUT_SECONDS=PROVIDER_TIMEOUT_SECONDS,
        # These tests move the clock by days; staff would sign in again, the tests don't.
        TOKEN_TTL_HOURS=24 * 30)


@pytest.fixture
def clinic(wired_app):
    return set_up_clinic(api_as(wired_app, "admin"))


@pytest.fixture
def desk(wired_app):
    return api_as(wired_app, "front_desk")


@pytest.fixture
def ward(app, clock):
    """A clinic's day for the texting tests (see texting.Ward), on the console channels."""
    return Ward(app, clock)
