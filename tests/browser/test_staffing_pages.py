"""The admin's clinicians pages and the day's staffing on the schedule, in a real browser: a
second prescriber is added with a shift, their shift removed anyway on a sick day, and the
schedule then says which sessions no one can cover. No accessibility problem axe-core calls
serious on either page."""
from __future__ import annotations

from playwright.sync_api import expect

from ..factories import book_session, clinic_time, make_patient
from ..web.test_clinician_pages import staffed_day
from .conftest import no_serious_problems, sign_in


def test_a_sick_day_leaves_sessions_the_schedule_marks_to_move(page, live_app, shoot):
    admin, _, _, _, booked = staffed_day(live_app, "12h")  # Dr. Ortiz 08:00-17:00, one spray at 10:00
    admin.post("/clinicians", json={"name": "Sam Reyes", "role": "nurse"})
    for name in ("Chair 3", "Chair 4"):
        assert admin.post("/chairs", json={"name": name}).status_code == 201
    sign_in(page, live_app, "admin")

    page.goto("/admin/clinicians")
    page.get_by_label("Name (required)").fill("Dr. Lee Park")
    page.get_by_label("Role", exact=True).select_option("prescriber")
    page.get_by_role("button", name="Add the clinician").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dr. Lee Park")
    page.get_by_label("Day (required)", exact=True).fill("2026-06-02")
    page.get_by_label("From (required)", exact=True).select_option(label="8:00 AM")  # the clinic's format
    page.get_by_label("Until (required)", exact=True).select_option(label="12:00 PM")
    page.get_by_role("button", name="Add the shift").click()
    expect(page.get_by_role("status")).to_contain_text("Shift added: Tue 2 Jun, 8:00 AM – 12:00 PM.")
    for _ in range(3):  # four sprays at 10:00 need both prescribers
        book = book_session(admin, make_patient(admin), booked["treatment_type_id"], clinic_time("2026-06-02", "10:00"))
        assert book.status_code == 201, book.json
    no_serious_problems(page)
    shoot("admin-clinician-shifts")

    page.get_by_role("button", name="Remove the shift Tue 2 Jun, 8:00 AM – 12:00 PM").click()
    expect(page.get_by_role("alert")).to_contain_text("would have no clinician to cover them")
    expect(page.get_by_role("region", name="Sessions that need this cover").get_by_role("link")).to_have_count(4)
    no_serious_problems(page)
    shoot("admin-clinician-shift-still-needed")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove anyway").click()
    expect(page.get_by_role("region", name="Sessions that need a new time").get_by_role("link")).to_have_count(4)
    shoot("admin-clinician-shift-removed-anyway")

    page.goto("/admin/clinicians")
    expect(page.get_by_role("table", name="Prescribers")).to_contain_text("Dr. Lee Park")
    expect(page.get_by_role("table", name="Nurses")).to_contain_text("Sam Reyes")
    no_serious_problems(page)
    shoot("admin-clinicians")

    page.goto("/schedule?day=2026-06-02")
    staff = page.get_by_role("region", name="Staff on shift")
    expect(staff).to_contain_text("Prescribers: 1 on shift 8:00 AM–5:00 PM, at most 2 needed at once: more than on shift")
    expect(staff).to_contain_text("Dr. Ana Ortiz")
    expect(page.get_by_role("region", name="4 sessions with no clinician to cover").get_by_role("link")).to_have_count(4)
    expect(page.get_by_text("⚠ No clinician to cover", exact=True)).to_have_count(4)
    no_serious_problems(page)
    shoot("schedule-day-staffing")
