"""The front desk's day in a real browser: book a course and see it on the schedule, cancel one
session and move another."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlalchemy import select

from scheduler.extensions import db
from scheduler.models import Appointment

from ..factories import api_as, book_session, clinic_time, make_patient, set_up_clinic
from .conftest import sign_in

NEW_YORK = ZoneInfo("America/New_York")


def _clinic_with_patient(app, **patient):
    admin = api_as(app, "admin")
    ids = set_up_clinic(admin, chairs=2)
    return admin, ids, make_patient(admin, **patient)


def _sessions_of(app, patient_id):
    with app.app_context():
        return db.session.execute(
            select(Appointment.start_at, Appointment.status)
            .where(Appointment.patient_id == patient_id).order_by(Appointment.start_at)).all()


def test_front_desk_books_a_course_and_sees_it_on_the_schedule(page, live_app, shoot):
    _, ids, patient_id = _clinic_with_patient(live_app, first_name="Ada", last_name="Lovelace")
    sign_in(page, live_app, "front_desk")
    page.get_by_role("link", name="Book a course").first.click()
    page.get_by_label("Patient (required)").select_option(str(patient_id))
    page.get_by_label("Treatment (required)").select_option(str(ids.treatment))
    page.get_by_label("Course (required)").select_option("induction")
    page.get_by_label("Number of sessions").fill("3")
    page.get_by_label("First date").fill("2026-06-02")
    page.get_by_role("button", name="Show proposed schedule").click()
    expect(page.get_by_role("heading", name="Proposed schedule")).to_be_visible()
    shoot("front-desk-course-proposed")

    # Move the last session to the afternoon of its day (the gap rules still hold) before booking.
    last = page.get_by_label("Session 3")
    proposed = last.input_value()
    other = [value for value in last.locator("option").evaluate_all("os => os.map(o => o.value)")
             if value[:10] == proposed[:10] and value[11:16] == "14:00"][0]
    last.select_option(other)
    page.get_by_role("button", name="Book this course").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Induction course for")
    expect(page.get_by_role("status")).to_be_visible()
    shoot("front-desk-course-booked")
    booked = _sessions_of(live_app, patient_id)
    assert len(booked) == 3 and all(status == "scheduled" for _, status in booked)
    assert datetime.fromisoformat(other) in {start for start, _ in booked}  # the moved one

    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Schedule").click()
    page.get_by_label("Go to date").fill(booked[0][0].astimezone(NEW_YORK).date().isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.locator("table.schedule")).to_contain_text("Ada Lovelace")
    shoot("front-desk-schedule-day")
    page.get_by_role("link", name="Week view").click()
    expect(page.locator("table.schedule")).to_contain_text("Ada Lovelace")
    shoot("front-desk-schedule-week")


def test_choosing_a_twice_weekly_treatment_fills_in_its_rules_and_plans_it_twice_a_week(
        page, live_app, shoot):
    admin, ids, patient_id = _clinic_with_patient(live_app, first_name="Grace", last_name="Hopper")
    nasal = admin.post("/treatment-types", json={
        "name": "Nasal spray", "duration_minutes": 120, "protocol": {
            "induction_sessions": 6, "min_gap_hours": 72, "max_span_days": 28,
            "maintenance_interval_days": 7}}).json["id"]
    sign_in(page, live_app, "front_desk")
    page.goto("/courses/new")
    page.get_by_label("Patient (required)").select_option(str(patient_id))
    page.get_by_label("Treatment (required)").select_option(str(nasal))
    expect(page.get_by_label("Number of sessions")).to_have_value("6")
    expect(page.get_by_label("Minimum gap (hours)")).to_have_value("72")
    expect(page.get_by_label("Maximum span (days)")).to_have_value("28")
    expect(page.get_by_label("Interval (days)")).to_be_hidden()  # an induction's rules only
    page.get_by_label("First date").fill("2026-06-02")
    page.get_by_role("button", name="Show proposed schedule").click()
    expect(page.get_by_role("heading", name="Proposed schedule")).to_be_visible()
    shoot("front-desk-course-twice-a-week")
    proposed = [datetime.fromisoformat(page.get_by_label(f"Session {n}").input_value())
                for n in range(1, 7)]
    assert all((later - earlier).total_seconds() >= 72 * 3600
               for earlier, later in zip(proposed, proposed[1:])), proposed

    # Another treatment brings its own rules; a maintenance course shows its interval.
    page.get_by_label("Treatment (required)").select_option(str(ids.treatment))
    expect(page.get_by_label("Minimum gap (hours)")).to_have_value("24")
    page.get_by_label("Treatment (required)").select_option(str(nasal))
    page.get_by_label("Course (required)").select_option("maintenance")
    expect(page.get_by_label("Interval (days)")).to_have_value("7")
    expect(page.get_by_label("Number of sessions")).to_have_value("")
    expect(page.get_by_label("Minimum gap (hours)")).to_be_hidden()


def test_front_desk_cancels_one_session_and_reschedules_another(page, live_app, shoot):
    admin, ids, patient_id = _clinic_with_patient(live_app, first_name="Alan", last_name="Turing")
    first = book_session(admin, patient_id, ids.treatment, clinic_time("2026-06-02", "09:00")).json
    second = book_session(admin, patient_id, ids.treatment, clinic_time("2026-06-04", "09:00")).json
    sign_in(page, live_app, "front_desk")

    page.goto(f"/appointments/{first['id']}")
    shoot("front-desk-appointment")
    page.get_by_label("Reason").fill("Patient has a fever")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel the session").click()
    expect(page.locator("main")).to_contain_text(re.compile("cancelled", re.I))

    page.goto(f"/appointments/{second['id']}")
    target = clinic_time("2026-06-04", "13:00")
    page.get_by_label("Move to").select_option(target)
    page.get_by_role("button", name="Reschedule").click()
    expect(page.get_by_role("status")).to_be_visible()
    shoot("front-desk-rescheduled")

    sessions = dict(_sessions_of(live_app, patient_id))
    assert sessions[datetime.fromisoformat(first["start"])] == "cancelled"
    assert sessions[datetime.fromisoformat(target)] == "scheduled"
    assert datetime.fromisoformat(second["start"]) not in sessions
