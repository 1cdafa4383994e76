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


def _left_edges(page, *names) -> set[float]:
    return {round(page.get_by_role("button", name=name, exact=True).bounding_box()["x"]) for name in names}


def _sessions_listed(page) -> list[str]:
    rows = page.locator("table tbody tr")
    return [rows.nth(n).locator("th").inner_text() + " " + rows.nth(n).locator("td").first.inner_text()
            for n in range(rows.count())]


def test_front_desk_moves_a_session_to_a_free_time_and_the_course_stays_in_order(page, live_app, shoot):
    _, _, (first, _, _) = _course(live_app)
    sign_in(page, live_app, "front_desk")
    page.goto(f"/appointments/{first['id']}")
    expect(page.get_by_role("link", name="(617) 555-0142")).to_have_attribute("href", "tel:+16175550142")
    shoot("session-page-move")
    # The day box and the time list stand in one column, and so do their buttons.
    assert len(_left_edges(page, "List free times", "Reschedule")) == 1
    boxes = [page.get_by_label(label).bounding_box() for label in ("Free times around", "Move to (required)")]
    assert boxes[0]["x"] == boxes[1]["x"] and boxes[0]["width"] == boxes[1]["width"]
    no_serious_problems(page)

    page.get_by_label("Free times around").fill("2026-06-05")
    page.get_by_role("button", name="List free times").click()
    choices = page.get_by_label("Move to (required)").locator("option").all_inner_texts()
    assert choices[1] == "09:00, Chair 1"  # Friday's first, with its chair
    # Wednesday and Thursday hold the course's other sessions, a day apart: nothing fits there.
    days = page.get_by_label("Move to (required)").locator("optgroup").evaluate_all("gs => gs.map(g => g.label)")
    assert days == ["Fri 05 Jun 2026"]
    page.get_by_label("Move to (required)").select_option(clinic_time("2026-06-05", "09:00"))
    page.get_by_role("button", name="Reschedule").click()
    expect(page.get_by_role("status")).to_contain_text("Moved to Fri 05 Jun 2026, 09:00")
    expect(page.locator("dl.facts")).to_contain_text("Induction course, session 3")

    page.get_by_role("link", name="Induction course").click()
    assert _sessions_listed(page) == ["Session 1 Wed 03 Jun 2026, 09:00 EDT", "Session 2 Thu 04 Jun 2026, 09:00 EDT",
                                      "Session 3 Fri 05 Jun 2026, 09:00 EDT"]
    shoot("session-page-course-after-move")


def test_the_days_actions_appear_when_their_time_comes_and_an_early_discharge_takes_a_reason(
        page, live_app, clock, shoot):
    admin, ids, (first, _, _) = _course(live_app)
    assert admin.patch(f"/treatment-types/{ids.treatment}", json={"observation": PLAN}).status_code == 200
    live_app.config["TOKEN_TTL_HOURS"] = 48  # the sign-in outlasts the night the clock skips
    sign_in(page, live_app, "admin")  # books and discharges, as a small clinic's manager does
    page.goto(f"/appointments/{first['id']}")
    expect(page.get_by_role("button", name="Check in")).to_have_count(0)
    expect(page.get_by_role("button", name="No-show")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Check-in not yet: check-in opens 4 hours before the session.")
    shoot("session-page-a-day-ahead")

    clock.set(datetime.fromisoformat(clinic_time("2026-06-02", "08:30")))
    page.reload()
    expect(page.get_by_role("button", name="No-show")).to_have_count(0)  # not started yet
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("status")).to_contain_text("Checked in.")

    clock.set(datetime.fromisoformat(clinic_time("2026-06-02", "09:40")))
    page.reload()
    expect(page.get_by_role("button", name="Complete", exact=True)).to_have_count(0)
    expect(page.locator(".holds")).to_contain_text("minimum observation of 120 minutes is not over (80 minutes left)")
    no_serious_problems(page)
    shoot("session-page-held-by-the-plan")
    page.get_by_label("Why discharge now").fill("Feels well; seen by Dr. Ortiz")
    page.get_by_role("button", name="Complete anyway").click()
    expect(page.get_by_role("status")).to_contain_text("The session is completed.")
    expect(page.locator("dl.facts")).to_contain_text("completed")


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
