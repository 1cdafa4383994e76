"""A tour of every main page with the demo clinic's data and a day's events, as the admin (who
may open them all): each page opens, names itself, and is saved as a screenshot for a person to
look at."""
from __future__ import annotations

from datetime import datetime, timezone

from playwright.sync_api import expect

from scheduler import demo
from scheduler.extensions import db

from notifications.worker import run_once

from ..factories import api_as
from ..notifications.texting import status_callback, wire_twilio
from .conftest import sign_in
from .test_monitoring import text_the_clinic

UTC = timezone.utc


def _a_day_at_the_demo_clinic(app, clock, server):
    """The demo clinic a day after its first sessions: one patient in a chair, one low check-in
    score (an open alert), and one text that failed to arrive."""
    with app.test_request_context():
        demo.seed()
        db.session.commit()
    wire_twilio(app)
    desk = api_as(app, "front_desk")
    sessions = desk.get("/appointments", query_string={"page_size": 100}).json
    first = sessions[0]
    _at(clock, first["start"])
    assert desk.post(f"/appointments/{first['id']}/check-in").status_code == 200
    _at(clock, first["end"])
    assert desk.post(f"/appointments/{first['id']}/complete").status_code == 200
    clock.advance(hours=24)
    with app.app_context():
        run_once("tour-worker")  # sends the check-in prompt (and the day's reminders)
    phone = desk.get(f"/patients/{first['patient_id']}").json["phone"]
    assert text_the_clinic(server, phone, "2") == 200
    sent = desk.get("/notifications", query_string={"status": "sent", "page_size": 1000}).json
    sms = next(n for n in sent if n["channel"] == "sms")
    assert status_callback(app.test_client(), sms["provider_message_id"], "undelivered",
                           "30003").status_code == 200
    second = next(s for s in sessions if datetime.fromisoformat(s["start"]) > clock())
    _at(clock, second["start"])
    assert desk.post(f"/appointments/{second['id']}/check-in").status_code == 200
    patient = desk.get(f"/patients/{second['patient_id']}").json
    return first, f"{patient['first_name']} {patient['last_name']}"


def _at(clock, instant: str) -> None:
    clock.set(datetime.fromisoformat(instant).astimezone(UTC))


PAGES = (
    ("/schedule", "Schedule", "schedule-day"),
    ("/schedule?view=week", "Schedule", "schedule-week"),
    ("/patients", "Patients", "patients"),
    ("/patients/new", "New patient", "patient-new"),
    ("/courses/new", "Book a course", "course-new"),
    ("/maintenance-due", "maintenance", "maintenance-due"),
    ("/waitlist", "Waitlist", "waitlist"),
    ("/monitoring/alerts", "Open alerts", "monitoring-alerts"),
    ("/monitoring/today", "Today", "monitoring-today"),
    ("/monitoring/failed-messages", "did not reach", "monitoring-failed-messages"),
    ("/admin/clinic", "Clinic settings", "admin-clinic"),
    ("/admin/chairs", "Chairs", "admin-chairs"),
    ("/admin/treatment-types", "Treatment types", "admin-treatment-types"),
    ("/admin/clinicians", "Clinicians", "admin-clinicians-tour"),
    ("/admin/staff", "Staff", "admin-staff"),
)


def test_every_main_page_opens_with_a_days_data(page, live_app, server, clock, shoot):
    first, in_the_chair = _a_day_at_the_demo_clinic(live_app, clock, server)
    sign_in(page, live_app, "admin")
    for path, heading, name in PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading, ignore_case=True)
        shoot(name)
    for path, name in ((f"/patients/{first['patient_id']}", "patient"),
                       (f"/appointments/{first['id']}", "appointment"),
                       (f"/courses/{first['course_id']}", "course"),
                       (f"/monitoring/patients/{first['patient_id']}/check-ins", "monitoring-check-ins")):
        assert page.goto(path).status == 200, path
        shoot(name)
    page.goto("/monitoring/alerts")
    expect(page.locator("main")).to_contain_text("Alex Rivera")
    page.goto("/monitoring/failed-messages")
    expect(page.locator("main")).to_contain_text("30003")
    page.goto("/monitoring/today")
    expect(page.locator("main")).to_contain_text(in_the_chair)
