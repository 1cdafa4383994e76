"""The patient's page behind an emailed link, in a real browser, as the patient on a phone sees
it: every session of the course to come, the clinic's number to tap, and no accessibility
problem axe-core calls serious."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from ..notifications.test_patient_link import booked_course, emailed_link
from .conftest import no_serious_problems


def test_a_patient_sees_their_course_and_asks_to_be_called(page, live_app, shoot):
    desk, sessions = booked_course(live_app)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone, where the email is read
    assert page.goto(emailed_link(live_app, desk, sessions[0]["id"])).status == 200
    expect(page.get_by_role("main").get_by_role("listitem")).to_have_count(4)
    expect(page.get_by_role("link", name="(617) 555-0100")).to_have_attribute("href", "tel:+16175550100")
    no_serious_problems(page)
    shoot("patient-page")

    page.get_by_role("button", name="Please call me to change the time").click()
    expect(page.get_by_role("status")).to_contain_text("we will call you")
    page.get_by_role("button", name="Please call me to change the time").click()
    expect(page.get_by_role("status")).to_contain_text("we will call you")
    assert [r["kind"] for r in desk.get("/patient-requests").json] == ["reschedule"]
    assert re.search(r"/p/\S+$", page.url)
    shoot("patient-page-asked")


def test_a_waiting_patient_books_a_freed_time_from_the_text(page, live_app, shoot):
    from ..api.test_waitlist import Clinic

    live_app.config["TOKEN_TTL_HOURS"] = 24 * 30
    clinic = Clinic(live_app)
    patient, _entry = clinic.waiting()
    clinic.cancel()
    page.set_viewport_size({"width": 390, "height": 844})  # a phone, where the text is read
    assert page.goto(clinic.link(patient)).status == 200
    expect(page.locator(".when")).to_have_text("Wed 3 Jun, 10:00 AM EDT")
    no_serious_problems(page)
    shoot("waitlist-offer")

    page.get_by_role("button", name="Book this visit").click()
    expect(page.get_by_role("status")).to_contain_text("booked for you")
    assert [a["start"] for a in clinic.sessions_of(patient)] == ["2026-06-03T14:00:00+00:00"]
