"""Booking a course at the front desk in a real browser, as a receptionist would: started from a
free slot on the schedule's week (its day, time and chair filled in), the patient found by the
phone as the clinic writes it, the chair each session will take, and a course rule broken by a
changed time named beside that session's row, in the clinic's time. No accessibility problem
axe-core calls serious."""
from __future__ import annotations

from playwright.sync_api import expect

from ..factories import api_as, book_session, clinic_time, make_patient, set_up_clinic
from .conftest import no_serious_problems, sign_in

TUESDAY, WEDNESDAY, THURSDAY = "2026-06-02", "2026-06-03", "2026-06-04"


def _clinic(app):
    admin = api_as(app, "admin")
    ids = set_up_clinic(admin, chairs=3)
    patient = make_patient(admin, first_name="Ada", last_name="Lovelace", phone="+16175550101")
    # Someone else has Chair 2 on Thursday morning.
    other = make_patient(admin, first_name="Grace", last_name="Hopper")
    taken = book_session(admin, other, ids.treatment, clinic_time(THURSDAY, "10:00"), chair_id=ids.chairs[1])
    assert taken.status_code == 201, taken.json
    return ids, patient


def _chair_column(page) -> list[str]:
    return page.locator("table.sessions tbody tr td:nth-child(3)").all_inner_texts()


def test_a_course_started_from_a_free_slot_keeps_its_day_time_and_chair(page, live_app, shoot):
    ids, patient = _clinic(live_app)
    sign_in(page, live_app, "front_desk")
    page.goto(f"/courses/new?treatment_type_id={ids.treatment}&start_on={TUESDAY}"
              f"&preferred_time=10:00&chair_id={ids.chairs[1]}")
    expect(page.get_by_label("First date")).to_have_value(TUESDAY)
    expect(page.get_by_label("Preferred time of day")).to_have_value("10:00")
    expect(page.get_by_label("Chair", exact=True)).to_have_value(str(ids.chairs[1]))

    # The desk finds the patient by the number as the caller reads it out.
    page.get_by_label("Find the patient by name or phone").fill("555-0101")
    page.get_by_role("button", name="Find").click()
    picker = page.get_by_label("Patient (required)")
    expect(picker.locator("option", has_text="Lovelace, Ada")).to_have_text("Lovelace, Ada · (617) 555-0101")
    picker.select_option(str(patient))
    expect(page.get_by_label("First date")).to_have_value(TUESDAY)  # kept across the search
    page.get_by_label("Number of sessions").fill("3")
    page.get_by_role("button", name="Show proposed schedule").click()

    expect(page.get_by_role("heading", name="Proposed schedule")).to_be_visible()
    expect(page.get_by_role("cell", name="Tue 02 Jun 2026, 10:00 EDT")).to_be_visible()
    assert _chair_column(page) == ["Chair 2", "Chair 2", "Chair 1 (Chair 2 is taken then)"]
    no_serious_problems(page)
    shoot("booking-a-course-from-a-free-slot")

    page.get_by_role("button", name="Book this course").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Induction course for")
    chairs = page.locator("table tbody tr td:nth-child(4)").all_inner_texts()
    assert chairs == ["Chair 2", "Chair 2", "Chair 1"]
    no_serious_problems(page)
    shoot("booking-a-course-booked")


def test_a_session_moved_too_close_is_named_beside_its_row_with_both_times(page, live_app, shoot):
    ids, patient = _clinic(live_app)
    sign_in(page, live_app, "front_desk")
    page.goto(f"/courses/new?patient_id={patient}&treatment_type_id={ids.treatment}&start_on={TUESDAY}")
    page.get_by_label("Number of sessions").fill("3")
    page.get_by_label("Minimum gap (hours)").fill("48")
    page.get_by_role("button", name="Show proposed schedule").click()
    expect(page.get_by_role("heading", name="Proposed schedule")).to_be_visible()

    # Session 2 moved to Wednesday 10:00: only 25 hours after Tuesday's 09:00.
    second = page.get_by_label("Session 2")
    second.select_option(clinic_time(WEDNESDAY, "10:00"))
    page.get_by_role("button", name="Check the chosen times").click()

    message = "Session 2 (Wed 03 Jun 10:00) must start at least 48 h after session 1 (Tue 02 Jun 09:00)"
    expect(page.get_by_role("alert")).to_contain_text(message)
    row = page.locator("table.sessions tbody tr").nth(1)
    expect(row.locator(".error")).to_have_text(message)
    expect(page.get_by_label("Session 2")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Session 2")).to_have_accessible_description(message)
    assert "chosen on booking" not in page.inner_text("main")
    assert _chair_column(page)[1] == "any free chair (free then: Chair 1, Chair 2, Chair 3)"
    no_serious_problems(page)
    shoot("booking-a-course-gap-too-short")

