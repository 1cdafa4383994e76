"""What one send asks of the database: the worker's pace is set by its round trips, so a reminder
takes three statements (renew the lease, read what the message needs, record the outcome)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, insert

from notifications.channels import Delivery
from notifications.services.dispatch import dispatch
from notifications.models import Notification
from notifications.worker import claim_due
from scheduler import clock as service_clock
from scheduler.extensions import db
from tests.factories import add_due_reminders, api_as, make_patient, set_up_clinic

LEASE = timedelta(minutes=2)


class Accepting:
    def send(self, message):
        return Delivery(f"ok-{message.notification_id}")


def _booked(app) -> dict:
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    booked = desk.post("/appointments", json={"patient_id": make_patient(desk),
                                              "treatment_type_id": clinic.treatment,
                                              "start": "2026-06-04T10:00:00-04:00"})
    assert booked.status_code == 201, booked.json
    return booked.json


def _statements_during(action) -> list[str]:
    seen: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if statement.split(None, 1)[0].upper() in ("SELECT", "UPDATE", "INSERT", "DELETE"):
            seen.append(statement.split(None, 1)[0].upper())

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    return seen


def test_a_reminder_is_renewed_read_and_recorded_in_three_statements(app, clock):
    booked = _booked(app)
    with app.app_context():
        now = service_clock.now()
    reminder, = add_due_reminders(app, booked, 1, now)
    channel = Accepting()
    with app.app_context():
        claimed = claim_due("w", lease=LEASE)
        assert reminder in claimed
        outcome = []
        statements = _statements_during(
            lambda: outcome.append(dispatch(reminder, "w", {"sms": channel, "email": channel}, now, LEASE)))
        assert outcome == ["sent"]
        assert statements == ["UPDATE", "SELECT", "UPDATE"]
        assert db.session.get(Notification, reminder).provider_message_id == f"ok-{reminder}"


def test_a_check_in_whose_session_is_gone_is_skipped_not_stuck(app, clock):
    """The read joins the session with an outer join: a message with no session still loads."""
    patient_id = _booked(app)["patient_id"]
    with app.app_context():
        now = service_clock.now()
        orphan = db.session.scalar(insert(Notification).returning(Notification.id), [{
            "appointment_id": None, "patient_id": patient_id, "channel": "sms", "purpose": "checkin",
            "due_at": now, "status": "pending", "attempts": 0, "created_at": now, "updated_at": now}])
        db.session.commit()
        assert orphan in claim_due("w", lease=LEASE)
        channel = Accepting()
        assert dispatch(orphan, "w", {"sms": channel, "email": channel}, now, LEASE) == "skipped"
        assert db.session.get(Notification, orphan).error == "the appointment no longer exists"
