"""A REMS monitoring form not filed by its due day opens an alert on the worker's next tick,
once, and that alert is escalated to on-call like any other nobody acknowledges.

New York clinic; a session on Monday 2026-06-01 at 09:00 whose plan wants the form within 7
days, so it is due on 8 June and overdue from 9 June (New York's day).
"""
from __future__ import annotations

from datetime import datetime, timezone

from notifications.worker import run_once
from tests.factories import api_as, book_session, clinic_time, make_patient, set_up_clinic

from .test_alerts import RecordingChannel

PLAN = {"min_minutes": 0, "checks": [], "monitoring_form_days": 7}


def completed_session(app, clock) -> int:
    admin = api_as(app, "admin")
    ids = set_up_clinic(admin)
    admin.patch(f"/treatment-types/{ids.treatment}", json={"observation": PLAN})
    admin.put("/clinic", json={"oncall_email": "oncall@test.clinic", "escalation_minutes": 60})
    appointment = book_session(admin, make_patient(admin), ids.treatment, clinic_time("2026-06-01", "09:00")).json
    clock.advance(hours=1)
    admin.post(f"/appointments/{appointment['id']}/check-in")
    assert admin.post(f"/appointments/{appointment['id']}/complete").status_code == 200
    return appointment["patient_id"]


def tick(app, clock, when: datetime, email: RecordingChannel) -> None:
    clock.set(when)
    with app.app_context():
        run_once("test-worker", {"sms": RecordingChannel(), "email": email})


def test_a_form_not_filed_in_time_opens_one_alert_and_it_escalates_once(app, clock):
    patient = completed_session(app, clock)
    email = RecordingChannel()
    tick(app, clock, datetime(2026, 6, 9, 3, 59, tzinfo=timezone.utc), email)  # 23:59 on the 8th in New York
    assert api_as(app, "monitoring").get("/alerts?status=open").json == []
    tick(app, clock, datetime(2026, 6, 9, 4, 0, tzinfo=timezone.utc), email)
    tick(app, clock, datetime(2026, 6, 9, 4, 30, tzinfo=timezone.utc), email)
    alerts = api_as(app, "monitoring").get("/alerts?status=open").json
    assert [(a["patient_id"], a["severity"]) for a in alerts] == [(patient, "high")]
    assert "monitoring form" in alerts[0]["reason"]
    assert email.sent == []
    tick(app, clock, datetime(2026, 6, 9, 5, 0, tzinfo=timezone.utc), email)
    tick(app, clock, datetime(2026, 6, 9, 6, 0, tzinfo=timezone.utc), email)
    assert len(email.sent) == 1 and f"Alert {alerts[0]['id']}" in email.sent[0].text
    assert len(api_as(app, "monitoring").get("/alerts").json) == 1


def test_a_form_filed_in_time_opens_no_alert(app, clock):
    completed_session(app, clock)
    nurse = api_as(app, "monitoring")
    [form] = nurse.get("/monitoring-forms?status=due").json
    assert nurse.post(f"/monitoring-forms/{form['id']}/filed", json={"reference": "REMS-1"}).status_code == 200
    tick(app, clock, datetime(2026, 6, 12, tzinfo=timezone.utc), RecordingChannel())
    assert api_as(app, "monitoring").get("/alerts").json == []
