"""A worker keeps many sends out at once, writes a batch's outcomes together, slows down when
Twilio says it is overloaded, keeps to a sender's pace, and shows what it does on /metrics."""
from __future__ import annotations

import threading
import time
import urllib.request
import uuid
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY

from notifications.channels import Delivery
from notifications.channels.pacing import Pacing
from notifications.models import Notification
from notifications.services.dispatch import Outcome, record
from notifications.worker import Slowdown, _serve_metrics, claim_due, run_once
from scheduler.extensions import db
from tests.conftest import _make_app
from tests.factories import api_as, make_patient, set_up_clinic

from .conftest import PROVIDER_TIMEOUT_SECONDS
from .standins import _free_port
from .test_dispatch_reads import _statements_during

TIMES = ["2026-06-03T09:00:00-04:00", "2026-06-03T10:30:00-04:00", "2026-06-03T12:00:00-04:00",
         "2026-06-03T13:30:00-04:00"]


def book_patients(desk, clinic, count: int) -> None:
    for start in TIMES[:count]:
        booked = desk.post("/appointments", json={"patient_id": make_patient(desk),
                                                  "treatment_type_id": clinic.treatment, "start": start})
        assert booked.status_code == 201, booked.json


def test_four_confirmations_are_at_twilio_together(wired_app, clinic, desk, twilio):
    twilio.answer_together(4)  # a worker sending one at a time gets 500s
    book_patients(desk, clinic, 4)
    with wired_app.app_context():
        assert run_once("w1") == {"sent": 8}  # the four emails too
    assert len(twilio.accepted) == 4


def test_a_batch_is_claimed_read_and_recorded_in_a_few_statements_whatever_its_size(app, clock):
    class Accepting:
        def send(self, message):
            return Delivery(f"ok-{message.notification_id}")

    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    book_patients(desk, set_up_clinic(admin), 4)
    channel = Accepting()
    with app.app_context():
        outcome = []
        statements = _statements_during(
            lambda: outcome.append(run_once("w", {"sms": channel, "email": channel})))
        assert outcome == [{"sent": 8}]
        # The claim, then the outcomes as the answers come in (in a wave or a few), where one
        # write a message would take nine.
        assert 2 <= statements.count("UPDATE") < 1 + 8
        sent = db.session.scalars(db.select(Notification).where(Notification.status == "sent")).all()
        assert len(sent) == 8 and all(n.claimed_by is None and n.body for n in sent)


def test_a_batch_of_outcomes_is_one_statement(app, clock):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    book_patients(desk, set_up_clinic(admin), 4)
    with app.app_context():
        claimed = claim_due("w")
        outcomes = [Outcome(i, "sms", {"status": "skipped", "error": "a test"}) for i in claimed]
        statements = _statements_during(lambda: record(outcomes, "w", clock(), timedelta(minutes=2)))
        assert statements == ["UPDATE"] and len(claimed) == 8
        rows = db.session.scalars(db.select(Notification).where(Notification.id.in_(claimed))).all()
        assert {(n.status, n.error, n.claimed_by) for n in rows} == {("skipped", "a test", None)}


class HeldTogether:
    """Holds each send until two are out, and says SIGTERM arrived meanwhile."""

    def __init__(self, stopping: threading.Event):
        self.stopping, self.both_out = stopping, threading.Barrier(2, timeout=5)
        self.sent: list[int] = []

    def send(self, message):
        self.both_out.wait()
        self.stopping.set()
        self.sent.append(message.notification_id)
        return Delivery(f"ok-{message.notification_id}")


def test_a_worker_told_to_stop_finishes_the_sends_in_flight_and_hands_back_the_rest(app, clock):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    book_patients(desk, set_up_clinic(admin), 2)  # four confirmations
    app.config["WORKER_CONCURRENCY"] = 2
    stopping = threading.Event()
    channel = HeldTogether(stopping)
    with app.app_context():
        assert run_once("leaving", {"sms": channel, "email": channel}, batch=4,
                        stopping=stopping) == {"sent": 2, "released": 2}
        rows = db.session.scalars(db.select(Notification).where(Notification.purpose == "confirmation")).all()
        assert sorted(n.id for n in rows if n.status == "sent") == sorted(channel.sent)
        assert all(n.claimed_by is None and n.attempts == 0 for n in rows if n.status == "pending")


@pytest.mark.parametrize("trouble", ["429", 20429, "500"], ids=["http-429", "error-20429", "http-500"])
def test_an_overloaded_twilio_slows_the_worker_down_and_loses_nothing(wired_app, clinic, desk,
                                                                      twilio, trouble):
    twilio.fail_next(trouble)
    book_patients(desk, clinic, 2)
    wired_app.config["WORKER_CONCURRENCY"] = 1  # the first answer comes before the next send
    slowdown = Slowdown(base_seconds=0.01)
    with wired_app.app_context():
        first = run_once("w1", batch=4, slowdown=slowdown)
        assert first["pending"] == 1 and first["released"] >= 1  # the rest handed back at once
        assert slowdown.pause_seconds() > 0
        waiting = db.session.scalars(db.select(Notification).where(Notification.status == "pending",
                                                                    Notification.error.is_not(None))).one()
        assert waiting.due_at > waiting.updated_at  # tried again later, not lost
        run_once("w1", batch=4, slowdown=slowdown)
        assert slowdown.pause_seconds() == 0  # a batch that went through ends the slowdown
        assert not db.session.scalars(db.select(Notification).where(Notification.claimed_by.is_not(None))).all()


def test_a_paced_sender_books_one_moment_per_send_across_threads():
    now, slept = [100.0], []
    pacing = Pacing(2, clock=lambda: now[0], sleep=slept.append)
    threads = [threading.Thread(target=pacing.wait_turn) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(slept) == [0.5, 1.0, 1.5]  # the first goes at once, then one each half second


@pytest.fixture
def pooled_app(database_url, clock, twilio, mail_server):
    """Texts through a Messaging Service, at most 10 a second, and no From number at all."""
    yield from _make_app(
        database_url, clock, SMS_BACKEND="twilio", TWILIO_API_BASE_URL=twilio.url,
        TWILIO_ACCOUNT_SID="AC" + uuid.uuid4().hex, TWILIO_AUTH_TOKEN=uuid.uuid4().hex,
        TWILIO_FROM_NUMBER=None, TWILIO_MESSAGING_SERVICE_SID="MG" + uuid.uuid4().hex,
        SMS_MAX_PER_SECOND=10, PUBLIC_BASE_URL="https://clinic.example.org",
        PROVIDER_TIMEOUT_SECONDS=PROVIDER_TIMEOUT_SECONDS, TOKEN_TTL_HOURS=24 * 30)


def test_texts_go_through_the_messaging_service_at_its_pace(pooled_app, twilio):
    admin, desk = api_as(pooled_app, "admin"), api_as(pooled_app, "front_desk")
    book_patients(desk, set_up_clinic(admin), 4)
    with pooled_app.app_context():
        assert run_once("w1")["sent"] == 8
    service = pooled_app.config["TWILIO_MESSAGING_SERVICE_SID"]
    assert [r.fields.get("MessagingServiceSid") for r in twilio.accepted] == [service] * 4
    assert not any("From" in r.fields for r in twilio.accepted)
    arrivals = sorted(r.arrived for r in twilio.accepted)
    # Four texts booked 0.1 s apart span 0.3 s; unpaced, they arrive within milliseconds. The
    # margin is for a loaded machine, where one request can reach the stand-in late.
    assert arrivals[-1] - arrivals[0] >= 0.2


def _sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_the_worker_counts_what_it_sends_skips_and_fails_on_its_metrics_port(wired_app, clinic,
                                                                             desk, twilio):
    twilio.fail_next(21211)
    sent, failed = _sample("notifications_sent_total", channel="email"), \
        _sample("notifications_failed_total", channel="sms", reason="21211")
    answers = _sample("notifications_provider_seconds_count", channel="sms")
    book_patients(desk, clinic, 1)
    with wired_app.app_context():
        assert run_once("w1") == {"sent": 1, "failed": 1}
    assert _sample("notifications_sent_total", channel="email") == sent + 1
    assert _sample("notifications_failed_total", channel="sms", reason="21211") == failed + 1
    assert _sample("notifications_provider_seconds_count", channel="sms") == answers + 1
    port = _free_port()
    _serve_metrics(port)
    page = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    assert "notifications_sends_in_flight 0.0" in page
    assert 'notifications_failed_total{channel="sms",reason="21211"}' in page


def test_each_send_thread_has_its_own_twilio_client(wired_app):
    """The library keeps each answer on its HTTP client between receiving and returning it: a
    shared one could hand one thread another's message id."""
    from notifications.channels.twilio_sms import TwilioChannel

    channel = TwilioChannel.from_config(wired_app.config)
    seen = []
    thread = threading.Thread(target=lambda: seen.append(channel.client))
    thread.start()
    thread.join()
    assert channel.client is channel.client and seen[0] is not channel.client


class Counted:
    """Accepts each send after a moment, noting the most that were out at once."""

    def __init__(self):
        self.lock, self.out, self.most, self.sent = threading.Lock(), 0, 0, 0

    def send(self, message):
        with self.lock:
            self.out += 1
            self.most = max(self.most, self.out)
        time.sleep(0.02)
        with self.lock:
            self.out, self.sent = self.out - 1, self.sent + 1
        return Delivery(f"ok-{message.notification_id}")


def test_a_draining_worker_claims_again_while_sends_are_out_never_more_than_its_concurrency(app, clock):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    book_patients(desk, set_up_clinic(admin), 4)  # eight confirmations
    app.config["WORKER_CONCURRENCY"] = 2
    channel = Counted()
    with app.app_context():
        assert run_once("w", {"sms": channel, "email": channel}, drain=True) == {"sent": 8}
        assert run_once("w", {"sms": channel, "email": channel}) == {}
    assert channel.most == 2 and channel.sent == 8


def test_a_reply_to_another_number_of_the_messaging_service_confirms_alike(ward):
    """A Messaging Service texts from any number of its pool; the patient answers whichever
    texted them, and the reply is read by the patient's number, not ours."""
    from .texting import AUTH_TOKEN, answer, new_sid, signed_post

    patient, phone = ward.patient()
    sessions = ward.book_three(patient)
    fields = {"MessageSid": new_sid(), "AccountSid": "AC" + "0" * 32, "From": phone,
              "To": "+15005550077", "MessagingServiceSid": "MG" + "1" * 32, "Body": "C", "NumMedia": "0"}
    replies = answer(signed_post(ward.client, "/webhooks/twilio/sms", fields, token=AUTH_TOKEN))
    assert replies and "confirmed" in replies[0]
    assert ward.desk.get(f"/appointments/{sessions[0]['id']}").json["status"] == "confirmed"


def test_paced_texts_are_claimed_about_a_seconds_worth_at_a_time(app, clock):
    """Each batch is checked just before it goes out: at 2 texts a second, a batch of 32 would
    be checked up to 16 seconds before its last text."""
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    book_patients(desk, set_up_clinic(admin), 4)
    app.config["SMS_MAX_PER_SECOND"] = 2
    channel = Counted()
    with app.app_context():
        assert run_once("w", {"sms": channel, "email": channel}) == {"sent": 2}
    assert channel.most <= 2
