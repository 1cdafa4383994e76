"""PostgreSQL restarted under two running worker processes: the workers ride it out (the pool
pings before reuse, a failed tick is only logged) and every reminder goes out. A message the
provider took while the database was away is written down once it is back (dispatch waits for
it as long as its lease lasts), so it does not go twice; only a database away for longer than
the lease could still double it, at most the sends each worker had in flight.

The cluster is a private one (initdb into a temporary directory, its own port): the machine's
PostgreSQL is never restarted. `python -m bench.faults --scenario postgres` is the long version.
"""
from __future__ import annotations

import threading

import pytest

from bench.fault_cluster import PrivatePostgres
from bench.fault_workers import (ScenarioClock, Workers, due_and_pending, fill_outbox, one_booked_session,
                                 pending_among, provider_settings, sent_count, tally, wait_until)
from config import TestingConfig
from notifications.channels import Delivery
from notifications.models import Notification
from notifications.worker import run_once
from scheduler.extensions import db
from tests.conftest import _make_app, _migrate

from .conftest import NOW, PROVIDER_TIMEOUT_SECONDS, SESSION_START

MESSAGES = 600
WORKERS = 2
SHORT_LEASE = 3  # seconds: a claim lost in a restart comes back this soon


@pytest.fixture
def private_database():
    with PrivatePostgres() as cluster:
        url = cluster.create_database("faults")
        _migrate(url)
        yield cluster, url


@pytest.fixture
def restartable_app(private_database, twilio):
    cluster, url = private_database
    clock = ScenarioClock(NOW)
    for app in _make_app(url, clock, **provider_settings(twilio, timeout=PROVIDER_TIMEOUT_SECONDS)):
        yield app, cluster  # (the loop's second turn empties the tables)


def test_a_worker_sends_again_right_after_a_database_restart(restartable_app):
    app, cluster = restartable_app
    appointment = one_booked_session(app, SESSION_START)
    fill_outbox(app, appointment, 10, NOW)
    with app.app_context():
        assert run_once("w", batch=5)  # the pool now holds a connection to the old server
        cluster.restart("immediate")
        # pool_pre_ping finds the dead connection and opens a new one: no error, no lost tick
        assert run_once("w", batch=5) == {"sent": 5}


class DatabaseGoesAwayMidSend:
    """A provider that takes the message while the database stops, to be back two seconds later."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.restarting: threading.Timer | None = None

    def send(self, message):
        self.cluster.stop("immediate")
        self.restarting = threading.Timer(2, self.cluster.start)
        self.restarting.start()
        return Delivery(f"taken-{message.notification_id}")


def test_a_message_the_provider_took_is_recorded_once_the_database_is_back(restartable_app):
    app, cluster = restartable_app
    appointment = one_booked_session(app, SESSION_START)
    [only] = fill_outbox(app, appointment, 1, NOW)
    provider = DatabaseGoesAwayMidSend(cluster)
    with app.app_context():
        db.session.query(Notification).filter(Notification.id != only).delete()
        db.session.commit()
        outcome = run_once("w", {"sms": provider, "email": provider})
    provider.restarting.join()
    # Not left pending for its lease to run out, which would send it a second time.
    assert outcome == {"sent": 1}
    with app.app_context():
        note = db.session.get(Notification, only)
        assert (note.status, note.provider_message_id, note.attempts) == ("sent", f"taken-{only}", 1)


def test_workers_ride_out_database_restarts_and_every_reminder_goes_out(restartable_app, twilio, tmp_path):
    app, cluster = restartable_app
    appointment = one_booked_session(app, SESSION_START)
    settings = provider_settings(twilio, timeout=PROVIDER_TIMEOUT_SECONDS)
    with Workers(app.config["SQLALCHEMY_DATABASE_URI"], settings, app.config["CLOCK"], tmp_path,
                 lease_seconds=SHORT_LEASE, poll_seconds=0.2) as workers:
        workers.start(WORKERS)
        ids = fill_outbox(app, appointment, MESSAGES, NOW)
        sent_at_restart = []
        for mode, share in (("fast", 1 / 4), ("immediate", 1 / 2)):
            wait_until(lambda: sent_count(app) >= share * MESSAGES, 90, every=0.02)
            sent_at_restart.append(sent_count(app))
            cluster.restart(mode)
        wait_until(lambda: due_and_pending(app) == 0, 90)  # claims lost in a restart too
        alive = workers.alive()
        result = tally(app, twilio)

    assert alive == WORKERS
    assert all(0 < sent < MESSAGES for sent in sent_at_restart)  # the restarts came mid-run
    assert pending_among(app, ids) == 0 and result.lost == 0
    assert result.missing_at_provider == 0
    # At most the sends each worker had out, and only if a restart outlasted the short lease.
    assert result.duplicates <= WORKERS * TestingConfig.WORKER_CONCURRENCY * len(sent_at_restart)
