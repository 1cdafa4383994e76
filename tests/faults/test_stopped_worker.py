"""A worker stopped with SIGTERM (a deploy, `systemctl stop`) while Twilio holds one of its
messages: it waits for the answers in flight and records them, hands the rest back at once and
exits 0.
Nothing is lost, nothing goes twice, and the next worker starts on the handed-back messages
without waiting out the two-minute lease."""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from bench.fault_workers import (ScenarioClock, Workers, claimed_by_process, due_and_pending, fill_outbox,
                                 one_booked_session, pending_among, provider_settings, sent_count, tally,
                                 wait_until)
from notifications.models import Notification
from scheduler.extensions import db
from tests.conftest import _make_app
from tests.notifications.standins import TwilioStandIn

from .conftest import NOW, SESSION_START

MESSAGES = 100
ANSWER_AFTER = 2.0  # seconds Twilio takes over the first message: inside the time-out below
TIMEOUT = 10.0


@pytest.fixture
def slow_twilio():
    standin = TwilioStandIn(late_seconds=ANSWER_AFTER).start()
    yield standin
    standin.stop()


@pytest.fixture
def real_time_app(postgres_url, slow_twilio):
    for app in _make_app(postgres_url, ScenarioClock(NOW), **provider_settings(slow_twilio, timeout=TIMEOUT)):
        yield app  # (the loop's second turn empties the tables)


def held_by(app, pid: int) -> int:
    with app.app_context():
        held = db.session.scalar(select(func.count()).select_from(Notification).where(
            claimed_by_process(pid), Notification.status == "pending", Notification.lease_until.is_not(None)))
        db.session.rollback()
    return held


def recorded_status(app, provider_message_id: str) -> str | None:
    with app.app_context():
        status = db.session.scalar(select(Notification.status).where(
            Notification.provider_message_id == provider_message_id))
        db.session.rollback()
    return status


def test_a_worker_told_to_stop_finishes_its_message_and_hands_back_the_rest(real_time_app, slow_twilio,
                                                                            tmp_path):
    app = real_time_app
    appointment = one_booked_session(app, SESSION_START)
    ids = fill_outbox(app, appointment, MESSAGES, NOW)  # before the worker starts: a full first batch
    slow_twilio.fail_next("slow")  # the first message: taken, answered after ANSWER_AFTER seconds
    settings = provider_settings(slow_twilio, timeout=TIMEOUT)
    # The production lease (two minutes): a successor that had to wait it out would time out below.
    with Workers(app.config["SQLALCHEMY_DATABASE_URI"], settings, app.config["CLOCK"], tmp_path,
                 poll_seconds=0.2) as workers:
        [leaving] = workers.start(1)
        assert wait_until(lambda: any(r.answered_late for r in slow_twilio.requests), 60, every=0.01)
        workers.stop()  # SIGTERM while Twilio holds the message
        assert leaving.exitcode == 0
        assert held_by(app, leaving.pid) == 0
        # The send Twilio held was answered and recorded before leaving, as was every other out.
        [held] = [r.sid for r in slow_twilio.requests if r.answered_late]
        assert recorded_status(app, held) == "sent"
        assert 1 <= sent_count(app) < MESSAGES
        assert workers.log_lines("worker stopped") == 1
        workers.start(1)
        assert wait_until(lambda: due_and_pending(app) == 0, 60)
        result = tally(app, slow_twilio)

    assert pending_among(app, ids) == 0 and result.lost == 0
    assert result.duplicates == 0 and result.missing_at_provider == 0
    assert result.attempts == Counter({1: result.recorded_sent})  # a handed-back claim is no attempt
