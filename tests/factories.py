"""Test data through the front door: staff tokens, and a clinic set up through the API."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from flask import Flask
from flask.testing import FlaskClient

from scheduler.extensions import db
from scheduler.models import StaffUser
from scheduler.services.staff import issue_token

WEEKDAYS_9_TO_5 = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
_emails = itertools.count(1)


class Api:
    """The JSON API as one signed-in staff member (or a stranger, token=None) uses it."""

    def __init__(self, client: FlaskClient, token: str | None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, path: str, **kwargs):
        return self.client.open(f"/api/v1{path}", method=method, headers=self.headers, **kwargs)

    def get(self, path: str, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self.call("POST", path, json=json, **kwargs)

    def put(self, path: str, json=None, **kwargs):
        return self.call("PUT", path, json=json, **kwargs)

    def patch(self, path: str, json=None, **kwargs):
        return self.call("PATCH", path, json=json, **kwargs)


def staff_token(app: Flask, role: str) -> str:
    """A signed-in staff member of this role (made directly: Argon2 per test would be slow)."""
    with app.app_context():
        user = StaffUser(email=f"{role}{next(_emails)}@test.clinic", password_hash="!unusable",
                         role=role, created_at=app.config["CLOCK"]())
        db.session.add(user)
        db.session.commit()
        return issue_token(user).token


def api_as(app: Flask, role: str | None) -> Api:
    return Api(app.test_client(), staff_token(app, role) if role else None)


@dataclass
class ClinicIds:
    chairs: list[int] = field(default_factory=list)
    treatment: int = 0


def set_up_clinic(admin: Api, *, timezone: str = "America/New_York", chairs: int = 2,
                  opening_hours: dict | None = None, duration: int = 120, buffer: int = 15,
                  slot_step: int = 15, time_format: str = "24h") -> ClinicIds:
    response = admin.put("/clinic", json={
        "name": "Test Clinic", "timezone": timezone, "slot_step_minutes": slot_step,
        "opening_hours": opening_hours or WEEKDAYS_9_TO_5, "time_format": time_format})
    assert response.status_code == 200, response.json
    ids = ClinicIds()
    for n in range(chairs):
        ids.chairs.append(_created(admin.post("/chairs", json={"name": f"Chair {n + 1}"}))["id"])
    ids.treatment = _created(admin.post("/treatment-types", json={
        "name": "IV infusion", "duration_minutes": duration, "buffer_minutes": buffer}))["id"]
    return ids


_patients = itertools.count(1)


def make_patient(api: Api, **fields) -> int:
    n = next(_patients)
    body = {"first_name": "Pat", "last_name": f"Patient{n}", "phone": f"+1617555{n % 100:04d}",
            "email": f"patient{n}@example.com", "sms_opt_in": True, "email_opt_in": True, **fields}
    return _created(api.post("/patients", json=body))["id"]


def _created(response) -> dict:
    assert response.status_code == 201, response.json
    return response.json


def clinic_time(day: str, clock_time: str, timezone: str = "America/New_York") -> str:
    """A wall-clock time in the clinic's zone as the API takes it: ISO 8601 with that day's
    offset, e.g. clinic_time("2026-06-02", "09:00") -> "2026-06-02T09:00:00-04:00"."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(f"{day}T{clock_time}").replace(tzinfo=ZoneInfo(timezone)).isoformat()


def book_session(api: Api, patient_id: int, treatment_type_id: int, start: str, **fields):
    """POST /appointments for one session; the caller checks the answer."""
    return api.post("/appointments", json={"patient_id": patient_id, "treatment_type_id": treatment_type_id,
                                           "start": start, **fields})


def add_due_reminders(app: Flask, appointment: dict, count: int, due_at) -> list[int]:
    """`count` SMS reminders about one booked session, all due at `due_at`: a full outbox for
    worker and load tests. Their ids."""
    from sqlalchemy import insert

    from notifications.models import Notification

    rows = [{"appointment_id": appointment["id"], "patient_id": appointment["patient_id"],
             "channel": "sms", "purpose": "reminder", "rule_minutes": 1440, "due_at": due_at,
             "status": "pending", "attempts": 0, "created_at": due_at, "updated_at": due_at}
            for _ in range(count)]
    with app.app_context():
        ids = list(db.session.scalars(insert(Notification).returning(Notification.id), rows))
        db.session.commit()
    return ids
