"""A worker SIGKILLed while Twilio holds one of its messages: Twilio has taken it, the worker
never learns so, and once its lease runs out another worker sends it again, as it does the
other sends it had in flight that Twilio took. Nothing it had not sent goes twice and nothing
is lost. (A worker killed *before* the provider took the message loses
nothing and doubles nothing: tests/notifications/test_worker_processes.py.)"""
from __future__ import annotations

import pytest

from bench.fault_workers import (ScenarioClock, Workers, claimed_by_process, due_and_pending, fill_outbox,
                                 one_booked_session, pending_among, provider_settings, tally, wait_until)
from notifications.models import Notification
from scheduler.extensions import db
from tests.conftest import _make_app
from tests.notifications.standins import TwilioStandIn

from .conftest import NOW, SESSION_START

MESSAGES = 100
TIMEOUT = 5.0  # long enough that the worker is surely still waiting when it is killed
SHORT_LEASE = 3


@pytest.fixture
def holding_twilio():
    standin = TwilioStandIn(late_seconds=TIMEOUT + 5).start()
    yield standin
    standin.stop()


@pytest.fixture
def real_time_app(postgres_url, holding_twilio):
    for app in _make_app(postgres_url, ScenarioClock(NOW),
                         **provider_settings(holding_twilio, timeout=TIMEOUT)):
        yield app  # (the loop's second turn empties the tables)


def test_a_worker_killed_while_twilio_holds_its_message_sends_at_most_its_sends_in_flight_twice(
        real_time_app, holding_twilio, tmp_path):
    app = real_time_app
    appointment = one_booked_session(app, SESSION_START)
    settings = provider_settings(holding_twilio, timeout=TIMEOUT)
    holding_twilio.fail_next("slow")  # the very first message: taken, answered too late
    with Workers(app.config["SQLALCHEMY_DATABASE_URI"], settings, app.config["CLOCK"], tmp_path,
                 lease_seconds=SHORT_LEASE, poll_seconds=0.2) as workers:
        [victim] = workers.start(1)
        ids = fill_outbox(app, appointment, MESSAGES, NOW)
        assert wait_until(lambda: any(r.answered_late for r in holding_twilio.requests), 60, every=0.01)
        workers.kill(victim)
        with app.app_context():
            held = db.session.query(Notification).filter(claimed_by_process(victim.pid),
                                                         Notification.status == "pending").count()
        workers.start(1)
        wait_until(lambda: due_and_pending(app) == 0, 60)  # the held claims come back too
        result = tally(app, holding_twilio)

    assert held >= 1  # it died holding claims; they came back when the lease ran out
    assert pending_among(app, ids) == 0 and result.lost == 0
    # The held one, and any other send out at the kill: never more than the claims it held.
    assert 1 <= result.duplicates <= held
