"""A session's page in a real browser, as the front desk uses it (issue 14): moving a session to a
time the booking accepts, the course staying in time order, the day's actions appearing when
their time comes, a replacement for a cancelled session, and no accessibility problem axe-core
calls serious.

The clock stands at Monday 1 June 2026, 08:00 in New York; the clinic opens 09:00 to 17:00."""
from __future__ import annotations

from datetime import datetime

from playwright.sync_api import expect

from ..factories import api_as, clinic_time, make_patient, set_up_clinic
from .conftest import no_serious_problems, sign_in

PLAN = {"min_minutes": 120, "checks": [], "ranges": {}}


def _course(app, sessions=3):
    """An induction course of Ada Lovelace's, Tuesday to Thursday at 09:00; its sessions."""
    admin = api_as(app, "admin")
    ids = set_up_clinic(admin, chairs=2)
    patient = make_patient(admin, first_name="Ada", last_name="Lovelace", phone="+16175550142")
    booked = admin.post("/courses", json={"patient_id": patient, "treatment_type_id": ids.treatment,
                                          "kind": "induction", "sessions": sessions, "start_on": "2026-06-02"})
    assert booked.status_code == 201, booked.json
    return admin, ids, booked.json["appointments"]


def test_a_cancelled_session_of_a_course_is_replaced_from_its_page(page, live_app, shoot):
    _, _, (_, second, _) = _course(live_app)
    sign_in(page, live_app, "front_desk")
    page.goto(f"/appointments/{second['id']}")
    page.get_by_label("Reason").fill("Patient has a fever")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel the session").click()
    expect(page.get_by_role("heading", name="Book a replacement")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("1 session short")
    assert len(_left_edges(page, "List free times", "Book the replacement")) == 1
    no_serious_problems(page)
    shoot("session-page-replacement")

    page.get_by_label("Free times around").fill("2026-06-05")
    page.get_by_role("button", name="List free times").click()
    page.get_by_label("Replacement at (required)").select_option(clinic_time("2026-06-05", "09:00"))
    page.get_by_role("button", name="Book the replacement").click()
    expect(page.get_by_role("status")).to_contain_text("A replacement is booked for Fri 05 Jun 2026, 09:00")
    expect(page.locator("dl.facts")).to_contain_text("Induction course, session 4")

    page.get_by_role("link", name="Induction course").click()
    expect(page.locator("main")).not_to_contain_text("short")
    assert _sessions_listed(page) == [
        "Session 1 Tue 02 Jun 2026, 09:00 EDT", "Session 2 Wed 03 Jun 2026, 09:00 EDT",
        "Session 3 Thu 04 Jun 2026, 09:00 EDT", "Session 4 Fri 05 Jun 2026, 09:00 EDT"]
    shoot("session-page-course-replaced")
