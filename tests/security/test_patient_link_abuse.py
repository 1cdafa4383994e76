"""The patient's emailed link, against what tests/notifications/test_patient_link.py leaves out:
other things the clinic signs with the same SECRET_KEY, a well-signed token that is not a link,
acting on a link after it expired, and a session moved earlier than the link was made for."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeSerializer

from notifications.services.patient_links import SALT
from tests.notifications.test_patient_link import booked_session, emailed_link
from tests.notifications.texting import database_rows

UTC = timezone.utc


@pytest.fixture(autouse=True)
def tokens_that_outlive_the_week(app):
    app.config["TOKEN_TTL_HOURS"] = 24 * 30


def test_a_token_the_clinic_signed_for_something_else_is_not_a_link(app):
    desk, appointment = booked_session(app)
    with app.test_request_context():
        cookie = SecureCookieSessionInterface().get_signing_serializer(app).dumps({"a": appointment["id"]})
        other_purpose = URLSafeSerializer(app.config["SECRET_KEY"], salt="another-purpose").dumps(
            {"a": appointment["id"], "exp": 4102444800})
    for token in (cookie, other_purpose):
        page = app.test_client().get(f"/p/{token}")
        assert page.status_code == 400, token
        assert "10:00" not in page.get_data(as_text=True)


@pytest.mark.parametrize("payload", [
    pytest.param({"a": "1", "exp": 4102444800}, id="id as text"),
    pytest.param({"a": 1}, id="no expiry"),
    pytest.param({"a": 1, "exp": "never"}, id="expiry as text"),
    pytest.param([1, 4102444800], id="a list"),
    pytest.param({"a": -1, "exp": 4102444800}, id="a negative id"),
])
def test_a_well_signed_token_that_is_not_a_link_is_refused_not_a_crash(app, payload):
    booked_session(app)
    with app.test_request_context():
        token = URLSafeSerializer(app.config["SECRET_KEY"], salt=SALT).dumps(payload)
    before = database_rows(app)
    client = app.test_client()
    assert client.get(f"/p/{token}").status_code in (400, 404)
    assert client.post(f"/p/{token}", data={"action": "confirm"}).status_code in (400, 404)
    assert database_rows(app) == before


def test_acting_on_a_link_after_the_session_started_changes_nothing(app, clock):
    desk, appointment = booked_session(app)
    link = emailed_link(app, desk, appointment["id"])
    clock.set(datetime(2026, 6, 3, 14, 0, tzinfo=UTC))  # 10:00 in New York: the session starts
    before = database_rows(app)
    client = app.test_client()
    for action in ("confirm", "reschedule", "cancel"):
        assert client.post(link, data={"action": action}).status_code == 410
    assert database_rows(app) == before


def test_a_link_expires_when_a_session_moved_earlier_starts(app, clock):
    desk, appointment = booked_session(app)
    link = emailed_link(app, desk, appointment["id"])
    moved = desk.post(f"/appointments/{appointment['id']}/reschedule", json={"start": "2026-06-02T10:00:00-04:00"})
    assert moved.status_code == 200, moved.json
    clock.set(datetime(2026, 6, 2, 15, 0, tzinfo=UTC))  # 11:00 on the 2nd: the session is under way
    assert app.test_client().get(link).status_code == 410


def test_a_cancelled_sessions_link_takes_no_more_requests(app, clock):
    desk, appointment = booked_session(app)
    link = emailed_link(app, desk, appointment["id"])
    assert desk.post(f"/appointments/{appointment['id']}/cancel", json={"reason": "unwell"}).status_code == 200
    before = database_rows(app)
    for action in ("confirm", "reschedule", "cancel"):
        assert app.test_client().post(link, data={"action": action}).status_code == 409
    assert database_rows(app) == before


def test_a_signed_link_to_an_id_beyond_the_database_is_refused_not_a_crash(app):
    from notifications.services.patient_links import token_for

    with app.app_context():
        token = token_for(2**63, datetime(2027, 1, 1, tzinfo=UTC))
    assert app.test_client().get(f"/p/{token}").status_code == 400
