"""A tour of every main page with the demo clinic's data and a day's events, as the admin (who
may open them all): each page opens, names itself, and is saved as a screenshot for a person to
look at."""
from __future__ import annotations

from playwright.sync_api import expect

from ..factories import api_as
from ..web.test_demo_clinic import start_the_demo
from .conftest import sign_in


def _a_day_at_the_demo_clinic(app, tmp_path):
    """The demo clinic as `dev.py run` seeds it: a patient whose induction ended last week with
    a low check-in score (an open alert), two patients in chairs today, a text that failed."""
    app.config["DEMO_ACCOUNTS_PATH"] = str(tmp_path / "demo-accounts.json")
    start_the_demo(app)
    desk = api_as(app, "front_desk")
    followed = desk.get("/patients", query_string={"q": "Ellis"}).json[0]["id"]
    first = desk.get("/appointments", query_string={"patient_id": followed}).json[0]
    return first, "Casey Brooks"


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


def test_every_main_page_opens_with_a_days_data(page, live_app, shoot, tmp_path):
    first, in_the_chair = _a_day_at_the_demo_clinic(live_app, tmp_path)
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
    expect(page.locator("main")).to_contain_text("Morgan Ellis")
    page.goto("/monitoring/failed-messages")
    expect(page.locator("main")).to_contain_text("30003")
    page.goto("/monitoring/today")
    expect(page.locator("main")).to_contain_text(in_the_chair)
