"""How many messages per second one worker sends through twilio-python to a local stand-in.

    .venv/bin/python -m bench.dispatch_rate [--db postgresql|sqlite] [--messages 2000]

A throwaway database gets one clinic, one patient, one session and N due SMS reminders; one
worker (`notifications.worker.run_once`, batches of 50, as `flask worker` runs it) sends them
all through the real twilio library over HTTP to the stand-in Twilio server on 127.0.0.1.
The figure includes everything a real send does: claim, send-time decision, rendering, the
HTTP round trip, and recording the outcome.
"""
from __future__ import annotations

import argparse
import time
import uuid
from datetime import datetime, timezone

from flask_migrate import upgrade
from sqlalchemy import func, select

from config import TestingConfig
from notifications.models import Notification
from notifications.worker import run_once
from scheduler import create_app
from scheduler.extensions import db
from tests.factories import add_due_reminders, api_as, make_patient, set_up_clinic
from tests.notifications.standins import TwilioStandIn

from .plan_course import ThrowawayDatabase, machine

NOW = datetime(2026, 6, 1, 14, 0, tzinfo=timezone.utc)  # 10:00 in New York: no quiet hours


def seed(app, messages: int) -> None:
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    patient = make_patient(desk)
    booked = desk.post("/appointments", json={"patient_id": patient, "treatment_type_id": clinic.treatment,
                                              "start": "2026-06-04T10:00:00-04:00"})
    assert booked.status_code == 201, booked.json
    add_due_reminders(app, booked.json, messages, NOW)


def measure(kind: str, messages: int) -> dict:
    twilio = TwilioStandIn().start()
    try:
        with ThrowawayDatabase(kind) as url:
            app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, CLOCK=lambda: NOW,
                             LOG_LEVEL="WARNING", SMS_BACKEND="twilio", TWILIO_API_BASE_URL=twilio.url,
                             TWILIO_ACCOUNT_SID="AC" + uuid.uuid4().hex,
                             TWILIO_AUTH_TOKEN=uuid.uuid4().hex, TWILIO_FROM_NUMBER="+15005550006",
                             TOKEN_TTL_HOURS=24)
            with app.app_context():
                upgrade()
            seed(app, messages)
            with app.app_context():
                started = time.perf_counter()
                sent = 0
                while outcomes := run_once("bench-worker"):
                    sent += outcomes.get("sent", 0)
                elapsed = time.perf_counter() - started
                left = db.session.scalar(select(func.count()).select_from(Notification)
                                         .where(Notification.status == "pending"))
                db.engine.dispose()
    finally:
        twilio.stop()
    return {"database": kind, "sent": sent, "seconds": round(elapsed, 2),
            "messages_per_second": round(sent / elapsed, 1), "still_pending": left,
            "requests_at_stand_in": len(twilio.requests)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    info = machine()
    print(f"machine: {info['machine']} cpus={info['cpu_count']} python={info['python']} "
          f"({info['platform']})")
    result = measure(args.db, args.messages)
    print(f"{result['database']}: one worker sent {result['sent']} SMS in {result['seconds']} s "
          f"= {result['messages_per_second']} messages/s through twilio-python to the stand-in "
          f"({result['requests_at_stand_in']} requests received, {result['still_pending']} left pending)")


if __name__ == "__main__":
    main()
