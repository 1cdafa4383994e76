"""A stranger guessing at the front desk's email must not keep the front desk out all day:
a browser that has signed in to an account keeps a signed device cookie for it (OWASP's
"device cookies"), its attempts pass the email's and the address's lockouts, and its own
failures lock out that cookie alone. Everyone without one is slowed down as before.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from scheduler.extensions import db
from scheduler.models import AuditEvent
from scheduler.services.staff import create_staff, device_cookie_name
from tests.web.pages import StaffPages

PASSWORD = "correct horse battery staple"
DESK = "desk@test.clinic"
OFFICE, STRANGER = "203.0.113.7", "198.51.100.20"


@pytest.fixture
def desk(app):
    with app.app_context():
        create_staff(DESK, PASSWORD, "front_desk")
    return DESK


def browser(app) -> StaffPages:
    return StaffPages(app.test_client())


def page_sign_in(pages: StaffPages, email: str, password: str, address: str = OFFICE):
    return pages.post("/sign-in", {"email": email, "password": password},
                      environ_base={"REMOTE_ADDR": address})


def trusted_browser(app, email: str) -> StaffPages:
    """The front desk's own browser: it has signed in to the account once, and out again."""
    pages = browser(app)
    assert page_sign_in(pages, email, PASSWORD).status_code == 302
    pages.post("/sign-out")
    return pages


def stranger_locks_out(app, email: str, address: str = STRANGER) -> None:
    for _ in range(5):
        assert page_sign_in(browser(app), email, "a guess", address).status_code == 401
    assert page_sign_in(browser(app), email, PASSWORD, address).status_code == 429


def device_cookie(pages: StaffPages, email: str):
    return pages.client.get_cookie(device_cookie_name(email), path="/sign-in")


def test_signing_in_gives_the_browser_a_device_cookie_for_that_account_only(app, desk):
    pages = trusted_browser(app, desk)
    cookie = device_cookie(pages, desk)
    assert cookie is not None
    assert cookie.http_only and cookie.same_site == "Lax" and cookie.path == "/sign-in"
    assert 89 * 24 * 3600 < cookie.max_age <= 90 * 24 * 3600
    assert device_cookie(pages, "someone.else@test.clinic") is None


def test_a_wrong_password_gives_no_device_cookie(app, desk):
    pages = browser(app)
    page_sign_in(pages, desk, "a guess")
    assert device_cookie(pages, desk) is None


def test_a_stranger_locking_the_account_does_not_lock_out_the_front_desks_browser(app, desk):
    own = trusted_browser(app, desk)
    stranger_locks_out(app, desk)
    assert page_sign_in(own, desk, PASSWORD).status_code == 302
    assert own.get("/schedule").status_code == 200
    assert page_sign_in(browser(app), desk, PASSWORD, OFFICE).status_code == 429  # a new browser waits


def test_a_locked_client_address_does_not_lock_out_a_trusted_browser_there(app, desk):
    app.config["SIGNIN_MAX_FAILURES_PER_CLIENT"] = 6
    own = trusted_browser(app, desk)
    for n in range(6):  # someone on the clinic's own network guessing at many emails
        page_sign_in(browser(app), f"guess{n}@test.clinic", "a guess", OFFICE)
    assert page_sign_in(browser(app), "other@test.clinic", PASSWORD, OFFICE).status_code == 429
    assert page_sign_in(own, desk, PASSWORD, OFFICE).status_code == 302


def test_a_trusted_browsers_failures_lock_out_that_browser_only(app, desk):
    own = trusted_browser(app, desk)
    for _ in range(5):
        assert page_sign_in(own, desk, "a typo").status_code == 401
    assert page_sign_in(own, desk, PASSWORD).status_code == 429
    assert page_sign_in(browser(app), desk, PASSWORD).status_code == 302  # the account is not locked


def test_a_trusted_browsers_lockout_is_audited_as_the_devices_not_the_accounts(app, desk):
    own = trusted_browser(app, desk)
    for _ in range(5):
        page_sign_in(own, desk, "a typo")
    with app.app_context():
        scopes = [event.details["scope"] for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "staff.sign_in_locked"))]
    assert scopes == ["device"]


def test_a_trusted_browsers_lockout_ends_after_the_lockout_time(app, clock, desk):
    own = trusted_browser(app, desk)
    for _ in range(5):
        page_sign_in(own, desk, "a typo")
    clock.advance(minutes=15)
    assert page_sign_in(own, desk, PASSWORD).status_code == 302


def test_a_device_cookie_for_another_account_is_not_trusted(app, desk):
    with app.app_context():
        create_staff("nurse@test.clinic", PASSWORD, "monitoring")
    own = trusted_browser(app, "nurse@test.clinic")
    stranger_locks_out(app, desk)
    value = device_cookie(own, "nurse@test.clinic").value
    own.client.set_cookie(device_cookie_name(desk), value, path="/sign-in")
    assert page_sign_in(own, desk, PASSWORD).status_code == 429


def test_a_tampered_device_cookie_is_not_trusted(app, desk):
    own = trusted_browser(app, desk)
    cookie = device_cookie(own, desk)
    own.client.set_cookie(cookie.key, cookie.value[:-2] + "xx", path="/sign-in")
    stranger_locks_out(app, desk)
    assert page_sign_in(own, desk, PASSWORD).status_code == 429


def test_a_device_cookie_expires(app, clock, desk):
    app.config["SIGNIN_DEVICE_COOKIE_DAYS"] = 1
    own = trusted_browser(app, desk)
    clock.advance(days=1, seconds=1)
    stranger_locks_out(app, desk)
    assert page_sign_in(own, desk, PASSWORD).status_code == 429


def test_device_cookies_can_be_turned_off(app, desk):
    app.config["SIGNIN_DEVICE_COOKIE_DAYS"] = 0
    own = browser(app)
    assert page_sign_in(own, desk, PASSWORD).status_code == 302
    assert device_cookie(own, desk) is None


def test_the_api_token_endpoint_keeps_the_accounts_lockout(app, desk):
    trusted_browser(app, desk)
    stranger_locks_out(app, desk)
    response = app.test_client().post("/api/v1/auth/tokens", json={"email": desk, "password": PASSWORD},
                                      environ_base={"REMOTE_ADDR": OFFICE})
    assert response.status_code == 429
