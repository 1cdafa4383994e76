"""A patient's phone, for tests: texts the clinic through the webhook, signed as Twilio signs
(with twilio's own RequestValidator), and reads the TwiML answer."""
from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from sqlalchemy import select
from twilio.request_validator import RequestValidator

from scheduler.extensions import db

AUTH_TOKEN = "test-twilio-auth-token-0123456789"
PUBLIC_BASE_URL = "https://clinic.example.org"
CLINIC_NUMBER = "+15005550006"
UTC = timezone.utc
_sids = itertools.count(1)


def wire_twilio(app) -> None:
    """The settings Twilio's signatures are checked against. Our own answers to STOP, START and
    HELP unless told otherwise, so tests can read them (test_opt_outs covers Twilio's)."""
    app.config.update(TWILIO_AUTH_TOKEN=AUTH_TOKEN, PUBLIC_BASE_URL=PUBLIC_BASE_URL,
                      SMS_OPT_OUT_REPLIES="ours",
                      TOKEN_TTL_HOURS=24 * 30)  # tests move the clock by days


def new_sid(prefix: str = "SM") -> str:
    return f"{prefix}{next(_sids):032x}"


def signed_post(client, path: str, fields: dict, *, token: str = AUTH_TOKEN, url: str | None = None,
                signature: str | None = None):
    """POST form fields as Twilio would, signed for `url` (by default the right one)."""
    url = url or PUBLIC_BASE_URL + path
    if signature is None:
        signature = RequestValidator(token).compute_signature(url, fields)
    return client.post(path, data=fields, headers={"X-Twilio-Signature": signature})


def text(client, sender: str, body: str, *, sid: str | None = None, **signing):
    """The patient at `sender` texts `body` to the clinic; the HTTP response."""
    fields = {"MessageSid": sid or new_sid(), "AccountSid": "AC" + "0" * 32, "From": sender,
              "To": CLINIC_NUMBER, "Body": body, "NumMedia": "0"}
    return signed_post(client, "/webhooks/twilio/sms", fields, **signing)


def answer(response) -> list[str]:
    """The texts a TwiML answer sends back (none for an empty <Response/>)."""
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/xml"
    return [m.text or "" for m in ET.fromstring(response.data).iter("Message")]


def status_callback(client, message_sid: str, status: str, error_code: str | None = None, **signing):
    fields = {"MessageSid": message_sid, "MessageStatus": status, "AccountSid": "AC" + "0" * 32,
              "To": "+16175550001", "From": CLINIC_NUMBER}
    if error_code is not None:
        fields["ErrorCode"] = error_code
    return signed_post(client, "/webhooks/twilio/status", fields, **signing)


def database_rows(app) -> dict[str, list]:
    """Every row of every table, to show a refused request changed nothing at all."""
    with app.app_context():
        return {table.name: sorted((tuple(row) for row in db.session.execute(select(table))), key=repr)
                for table in db.metadata.sorted_tables}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant in June 2026, UTC."""
    return datetime(2026, 6, day, hour, minute, tzinfo=UTC)


class Ward:
    """A clinic set up through the API with the staff who work it, and helpers for a patient's
    path from booking to check-in."""

    def __init__(self, app, clock):
        from tests.factories import api_as, set_up_clinic

        wire_twilio(app)
        self.app, self.clock = app, clock
        self.admin, self.desk = api_as(app, "admin"), api_as(app, "front_desk")
        self.nurse = api_as(app, "monitoring")
        self.client = app.test_client()
        self.ids = set_up_clinic(self.admin)
        response = self.admin.put("/clinic", json={"phone": "+16175550100", "sms_name": "Riverside Health"})
        assert response.status_code == 200, response.json

    def patient(self, **fields) -> tuple[int, str]:
        """A new patient who agreed to texts and email: their id and phone."""
        from tests.factories import make_patient

        patient = make_patient(self.desk, **fields)
        return patient, self.desk.get(f"/patients/{patient}").json["phone"]

    def book_three(self, patient: int, start_on: str = "2026-06-03") -> list[dict]:
        response = self.desk.post("/courses", json={
            "patient_id": patient, "treatment_type_id": self.ids.treatment, "kind": "induction",
            "sessions": 3, "start_on": start_on})
        assert response.status_code == 201, response.json
        return response.json["appointments"]

    def work(self, channels=None) -> dict:
        from notifications.worker import run_once

        with self.app.app_context():
            return run_once("test-worker", channels)

    def check_in_sent(self, patient: int) -> list[dict]:
        """Book a course, hold its first session on 3 June, and send the check-in a day later
        (4 June, 15:00 UTC, 11:00 in New York); the course's sessions."""
        sessions = self.book_three(patient)
        first = sessions[0]["id"]
        self.clock.set(at(3, 13))
        assert self.desk.post(f"/appointments/{first}/check-in").status_code == 200
        self.clock.set(at(3, 15))
        assert self.desk.post(f"/appointments/{first}/complete").status_code == 200
        self.clock.set(at(4, 15))
        self.work()
        return sessions

    def notes(self, **query) -> list[dict]:
        response = self.desk.get("/notifications", query_string={"page_size": 1000, **query})
        assert response.status_code == 200, response.json
        return response.json

    def listing(self, path: str, api=None, **query) -> list[dict]:
        response = (api or self.nurse).get(path, query_string={"page_size": 1000, **query})
        assert response.status_code == 200, response.json
        return response.json
