"""Password guessing is slowed: five failed sign-ins for one email within fifteen minutes lock
that email out for fifteen minutes (429 and Retry-After, even with the right password), fifty
from one address lock the address out, and neither says whether the email has an account.

The counts live in the database, so every web process sees them, and the app's clock decides
when a lockout ends.
"""
from __future__ import annotations

import logging
import threading

import pytest
from sqlalchemy import func, select

from scheduler.extensions import db
from scheduler.logs import JsonFormatter
from scheduler.models import AuditEvent, SignInAttempt
from scheduler.services.staff import create_staff
from tests.web.pages import StaffPages, text_of

PASSWORD = "correct horse battery staple"
NURSE = "nurse.kim@test.clinic"
OFFICE, ELSEWHERE = "203.0.113.7", "198.51.100.20"
LOCKOUT_SECONDS = "900"


@pytest.fixture
def nurse(app):
    with app.app_context():
        create_staff(NURSE, PASSWORD, "monitoring")
    return NURSE


def sign_in(app, email: str, password: str, address: str = OFFICE):
    return app.test_client().post("/api/v1/auth/tokens", json={"email": email, "password": password},
                                  environ_base={"REMOTE_ADDR": address})


def fail(app, email: str, times: int, address: str = OFFICE) -> None:
    for _ in range(times):
        assert sign_in(app, email, "not the password", address).status_code == 401


def assert_locked_out(response, retry_after: str = LOCKOUT_SECONDS) -> None:
    assert response.status_code == 429, response.json
    assert response.headers["Retry-After"] == retry_after
    assert response.json == {"code": 429, "status": "Too Many Requests",
                             "message": "too many failed sign-ins: try again later"}


# One email.

def test_five_wrong_passwords_lock_the_email_even_against_the_right_password(app, nurse):
    fail(app, nurse, 5)
    assert_locked_out(sign_in(app, nurse, PASSWORD))
    assert_locked_out(sign_in(app, "  Nurse.Kim@TEST.clinic ", PASSWORD, ELSEWHERE))  # same email


def test_four_wrong_passwords_do_not(app, nurse):
    fail(app, nurse, 4)
    assert sign_in(app, nurse, PASSWORD).status_code == 201


def test_the_lockout_ends_fifteen_minutes_after_the_fifth_failure(app, clock, nurse):
    fail(app, nurse, 4)
    clock.advance(minutes=10)
    fail(app, nurse, 1)
    clock.advance(minutes=14, seconds=59)
    assert_locked_out(sign_in(app, nurse, PASSWORD), retry_after="1")
    clock.advance(seconds=1)
    assert sign_in(app, nurse, PASSWORD).status_code == 201


def test_trying_while_locked_out_does_not_make_the_lockout_longer(app, clock, nurse):
    fail(app, nurse, 5)
    for wait, retry_after in ((0, "900"), (300, "600"), (300, "300"), (240, "60")):
        clock.advance(seconds=wait)
        assert_locked_out(sign_in(app, nurse, "guess again"), retry_after=retry_after)
    clock.advance(seconds=60)
    assert sign_in(app, nurse, PASSWORD).status_code == 201


def test_failures_spread_wider_than_fifteen_minutes_do_not_lock(app, clock, nurse):
    fail(app, nurse, 4)
    clock.advance(minutes=15, seconds=1)
    fail(app, nurse, 4)
    assert sign_in(app, nurse, PASSWORD).status_code == 201


def test_signing_in_starts_the_emails_count_again(app, nurse):
    fail(app, nurse, 4)
    assert sign_in(app, nurse, PASSWORD).status_code == 201
    fail(app, nurse, 4)
    assert sign_in(app, nurse, PASSWORD).status_code == 201


def test_after_a_lockout_the_count_starts_again(app, clock, nurse):
    # Even when failures are counted over a longer window than the lockout lasts.
    app.config.update(SIGNIN_FAILURE_WINDOW_MINUTES=60, SIGNIN_LOCKOUT_MINUTES=15)
    fail(app, nurse, 5)
    clock.advance(minutes=15)
    fail(app, nurse, 4)
    assert sign_in(app, nurse, PASSWORD).status_code == 201


def test_a_lockout_holds_one_email_only(app, nurse):
    with app.app_context():
        create_staff("desk@test.clinic", PASSWORD, "front_desk")
    fail(app, nurse, 5)
    assert sign_in(app, "desk@test.clinic", PASSWORD).status_code == 201


def test_an_email_without_an_account_is_locked_out_in_the_same_words(app, nurse):
    """Whether a lockout comes, and what it says, gives away nothing about who has an account."""
    answers = {}
    for email in (nurse, "nobody@test.clinic"):
        failures = [sign_in(app, email, "not the password") for _ in range(5)]
        locked = sign_in(app, email, PASSWORD)
        answers[email] = ([(r.status_code, r.json) for r in failures],
                          (locked.status_code, locked.json, locked.headers["Retry-After"]))
    assert answers[nurse] == answers["nobody@test.clinic"]


def test_the_settings_can_be_changed(app, nurse):
    app.config.update(SIGNIN_MAX_FAILURES=2, SIGNIN_LOCKOUT_MINUTES=1)
    fail(app, nurse, 2)
    assert_locked_out(sign_in(app, nurse, PASSWORD), retry_after="60")


# One address.

def test_one_address_guessing_at_many_emails_is_locked_out(app, nurse):
    app.config["SIGNIN_MAX_FAILURES_PER_CLIENT"] = 12  # fifty in production; the rule is the same
    for n in range(12):
        fail(app, f"guess{n}@test.clinic", 1)
    assert_locked_out(sign_in(app, nurse, PASSWORD))
    assert sign_in(app, nurse, PASSWORD, ELSEWHERE).status_code == 201  # the nurse, at home


def test_a_good_sign_in_does_not_start_the_addresses_count_again(app, nurse):
    app.config["SIGNIN_MAX_FAILURES_PER_CLIENT"] = 12
    for n in range(11):
        fail(app, f"guess{n}@test.clinic", 1)
    assert sign_in(app, nurse, PASSWORD).status_code == 201  # a guesser with one account of its own
    fail(app, "guess11@test.clinic", 1)
    assert_locked_out(sign_in(app, "guess12@test.clinic", "another guess"))


def test_an_address_may_fail_more_often_than_one_email(app):
    assert app.config["SIGNIN_MAX_FAILURES_PER_CLIENT"] == 50 and app.config["SIGNIN_MAX_FAILURES"] == 5


# The staff pages.

def page_sign_in(app, email: str, password: str):
    pages = StaffPages(app.test_client())
    response = pages.post("/sign-in", {"email": email, "password": password},
                          environ_base={"REMOTE_ADDR": OFFICE})
    return pages, response


def test_the_sign_in_page_locks_out_too_and_says_for_how_long(app, nurse):
    for _ in range(5):
        assert page_sign_in(app, nurse, "not the password")[1].status_code == 401
    pages, response = page_sign_in(app, nurse, PASSWORD)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == LOCKOUT_SECONDS
    assert "Too many failed sign-ins. Please wait 15 minutes and try again." in text_of(response)
    assert pages.get("/schedule").status_code == 302  # not signed in


def test_the_page_and_the_api_share_one_count(app, nurse):
    fail(app, nurse, 3)
    for _ in range(2):
        assert page_sign_in(app, nurse, "not the password")[1].status_code == 401
    assert_locked_out(sign_in(app, nurse, PASSWORD))
    assert page_sign_in(app, nurse, PASSWORD)[1].status_code == 429


# What is kept, and what is told.

def test_a_lockout_is_audited_and_neither_the_table_nor_the_log_names_the_email(app, nurse, caplog):
    caplog.set_level(logging.DEBUG)
    fail(app, nurse, 5)
    sign_in(app, nurse, PASSWORD)
    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "staff.sign_in_locked"))
        stored = [tuple(row) for row in db.session.execute(select(SignInAttempt.__table__))]
    assert (event.object_type, event.details["scope"]) == ("staff_user", "account")
    assert event.details["until"] == "2026-06-01T12:15:00+00:00"
    logged = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    assert "sign_in.locked_account" in logged
    for secret in ("nurse.kim", "Kim", PASSWORD, "not the password"):
        assert secret not in logged and secret not in repr(stored) and secret not in repr(event.details)


def test_old_attempts_are_deleted(app, clock, nurse):
    fail(app, nurse, 5)
    clock.advance(minutes=16)
    fail(app, "someone@test.clinic", 1)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SignInAttempt)) == 1


# Guesses sent at once, on PostgreSQL where requests really run side by side.

def test_guesses_sent_at_once_count_against_each_other(pg_app):
    with pg_app.app_context():
        create_staff(NURSE, PASSWORD, "monitoring")
    fail(pg_app, NURSE, 4)
    barrier = threading.Barrier(8)
    answers: list[int] = []

    def guess(n):
        client = pg_app.test_client()
        barrier.wait()
        answers.append(client.post("/api/v1/auth/tokens", json={"email": NURSE, "password": f"guess {n}"},
                                   environ_base={"REMOTE_ADDR": OFFICE}).status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # At most one of them (the fifth failure) had its password checked; the others were
    # refused unread, whichever order they reached the database in.
    assert len(answers) == 8 and answers.count(429) >= 7 and set(answers) <= {401, 429}
    assert_locked_out(sign_in(pg_app, NURSE, PASSWORD))


# Behind a load balancer.

def test_behind_a_trusted_balancer_the_limit_counts_each_real_client(database_url, clock):
    """Every request reaches the web process from the balancer's address; with TRUSTED_PROXIES
    the address the balancer saw is counted instead, so one guesser does not lock out the clinic."""
    from tests.conftest import _make_app

    maker = _make_app(database_url, clock, TRUSTED_PROXIES=1, SIGNIN_MAX_FAILURES_PER_CLIENT=3)
    behind = next(maker)
    try:
        balancer = {"REMOTE_ADDR": "10.0.0.2"}
        for n in range(3):
            response = behind.test_client().post(
                "/api/v1/auth/tokens", json={"email": f"guess{n}@test.clinic", "password": "x"},
                environ_base=balancer, headers={"X-Forwarded-For": OFFICE})
            assert response.status_code == 401
        with behind.app_context():
            create_staff("desk.lee@test.clinic", PASSWORD, "front_desk")
        honest = behind.test_client().post(
            "/api/v1/auth/tokens", json={"email": "desk.lee@test.clinic", "password": PASSWORD},
            environ_base=balancer, headers={"X-Forwarded-For": ELSEWHERE})
        assert honest.status_code == 201
    finally:
        next(maker, None)
