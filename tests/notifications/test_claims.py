"""Claims and leases: a worker whose lease ran out mid-batch leaves the rest to whoever has them."""
import threading
from datetime import timedelta

from notifications.channels import Delivery
from notifications.services.dispatch import dispatch
from notifications.models import Notification
from notifications.worker import claim_due, run_once
from scheduler import clock as service_clock
from scheduler.extensions import db
from tests.factories import api_as, make_patient, set_up_clinic

LEASE = timedelta(minutes=1)


class Counting:
    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message.notification_id)
        return Delivery(f"count-{message.notification_id}")


def test_a_worker_whose_lease_ran_out_does_not_send_what_another_worker_claimed(app, clock):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    desk.post("/appointments", json={"patient_id": make_patient(desk), "treatment_type_id": clinic.treatment,
                                     "start": "2026-06-03T10:00:00-04:00"})
    slow, fast = Counting(), Counting()
    with app.app_context():
        mine = claim_due("slow", lease=LEASE)
        assert len(mine) == 2  # the confirmation, by SMS and by email
        clock.advance(minutes=2)  # the slow worker is still busy when its lease runs out
        # Even before anyone else claims it, a row whose lease ran out is not sent: another
        # worker may be claiming it at this very moment.
        assert dispatch(mine[0], "slow", {"sms": slow, "email": slow}, service_clock.now(), LEASE) == "lost"
        theirs = claim_due("fast", lease=LEASE)
        assert theirs == mine
        now = service_clock.now()
        assert [dispatch(i, "slow", {"sms": slow, "email": slow}, now, LEASE) for i in mine] == ["lost", "lost"]
        assert [dispatch(i, "fast", {"sms": fast, "email": fast}, now, LEASE) for i in theirs] == ["sent", "sent"]
    assert slow.sent == [] and sorted(fast.sent) == sorted(mine)


def test_a_live_lease_is_renewed_message_by_message_so_no_one_else_can_claim_it(app, clock):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    desk.post("/appointments", json={"patient_id": make_patient(desk), "treatment_type_id": clinic.treatment,
                                     "start": "2026-06-03T10:00:00-04:00"})
    with app.app_context():
        first, second = claim_due("steady", lease=LEASE)
        clock.advance(seconds=50)  # near the end of the batch's lease, the last message starts
        channel = Counting()
        assert dispatch(second, "steady", {"sms": channel, "email": channel}, service_clock.now(),
                        LEASE) == "sent"
        clock.advance(seconds=20)  # past the batch's first lease: the unsent one is free again
        assert claim_due("other", lease=LEASE) == [first]


def test_a_message_that_breaks_is_logged_by_type_and_place_never_by_its_words(app, caplog):
    from scheduler.logs import JsonFormatter

    class Broken:
        def send(self, message):
            raise RuntimeError(f"could not reach {message.to}")  # a message quoting the phone

    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    desk.post("/appointments", json={"patient_id": make_patient(desk, phone="+16175550188"),
                                     "treatment_type_id": clinic.treatment,
                                     "start": "2026-06-03T10:00:00-04:00"})
    with app.app_context():
        assert run_once("w1", {"sms": Broken(), "email": Broken()}) == {"error": 2}
    logged = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert "RuntimeError at" in logged
    assert "5550188" not in logged


class StopsTheWorker(Counting):
    """Sends, then tells the worker to stop (SIGTERM arriving while a message is out)."""

    def __init__(self, stopping):
        super().__init__()
        self.stopping = stopping

    def send(self, message):
        self.stopping.set()
        return super().send(message)


def test_a_worker_told_to_stop_sends_the_message_in_hand_and_hands_back_the_rest(app):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    desk.post("/appointments", json={"patient_id": make_patient(desk), "treatment_type_id": clinic.treatment,
                                     "start": "2026-06-03T10:00:00-04:00"})
    stopping = threading.Event()
    channel = StopsTheWorker(stopping)
    app.config["WORKER_CONCURRENCY"] = 1  # the second waits for a free send while the first is out
    with app.app_context():
        assert run_once("leaving", {"sms": channel, "email": channel}, batch=2,
                        stopping=stopping) == {"sent": 1, "released": 1}
        confirmations = db.select(Notification).where(Notification.purpose == "confirmation")
        rows = {n.status: n for n in db.session.scalars(confirmations)}
        assert rows["pending"].lease_until is None and rows["pending"].attempts == 0
        assert claim_due("next", lease=LEASE) == [rows["pending"].id]  # at once, no lease to wait out
        assert channel.sent == [rows["sent"].id]
