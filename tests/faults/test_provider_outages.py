"""Twilio failing (500, then 429, then answering too late) and the mail server down, for a few
seconds of a clock that runs twenty times as fast: every message still goes out, and goes out
once, except a message Twilio took but answered too late, which goes twice and is counted.

The full-length version (a minute of faults, real worker processes, real time) is
`python -m bench.faults --scenario twilio --scenario smtp`.
"""
from __future__ import annotations

from sqlalchemy import select

from bench.fault_workers import fill_outbox, one_booked_session, pending_among, tally
from notifications.services.dispatch import MAX_ATTEMPTS
from notifications.models import Notification
from scheduler.extensions import db

from .conftest import SESSION_START, send_until

MESSAGES = 30


def _outcomes(app, ids: list[int]) -> list[tuple[str, int]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            select(Notification.status, Notification.attempts).where(Notification.id.in_(ids)))]


def test_twilio_failing_for_a_while_then_healthy_sends_every_reminder(faulty_app, twilio, fast_clock):
    appointment = one_booked_session(faulty_app, SESSION_START)
    twilio.fail_during(("500", 1), ("429", 1), ("slow", 1))  # real seconds
    ids = fill_outbox(faulty_app, appointment, MESSAGES, fast_clock())

    send_until(faulty_app, lambda: pending_among(faulty_app, ids) == 0)

    outcomes = _outcomes(faulty_app, ids)
    assert {status for status, _ in outcomes} == {"sent"}  # none lost, none given up on
    assert max(attempts for _, attempts in outcomes) <= MAX_ATTEMPTS
    assert any(attempts > 1 for _, attempts in outcomes)  # the outage was felt, and retried
    answers = {r.answer for r in twilio.requests}
    assert 500 in answers
    result = tally(faulty_app, twilio)
    assert result.missing_at_provider == 0
    # Only a message Twilio took but answered after the time-out is sent again: the worker cannot
    # tell it from one Twilio never got. Each such one is exactly one duplicate.
    assert result.duplicates == sum(r.answered_late for r in twilio.requests)


def test_mail_server_down_for_a_while_then_up_sends_every_email_once(faulty_app, mail_server, fast_clock):
    appointment = one_booked_session(faulty_app, SESSION_START)
    mail_server.stop()
    ids = fill_outbox(faulty_app, appointment, MESSAGES, fast_clock(), channel="email")

    send_until(faulty_app, lambda: False, timeout=2)  # two real seconds: a minute and more of refusals
    assert {status for status, _ in _outcomes(faulty_app, ids)} == {"pending"}
    mail_server.start()
    send_until(faulty_app, lambda: pending_among(faulty_app, ids) == 0)

    outcomes = _outcomes(faulty_app, ids)
    assert {status for status, _ in outcomes} == {"sent"}
    assert min(attempts for _, attempts in outcomes) >= 2  # each was refused at least once
    result = tally(faulty_app, mail_server=mail_server)
    assert (result.duplicates, result.missing_at_provider, result.lost) == (0, 0, 0)
