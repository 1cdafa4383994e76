"""A tour of every main page with the demo clinic's data and a day's events, as the admin (who
may open them all): each page opens, names itself, has no accessibility problem axe-core calls
serious or critical, and is saved as a screenshot for a person to look at. No staff page escapes
the tour: a new one fails it until the tour opens it."""
from __future__ import annotations

from playwright.sync_api import expect

from ..factories import api_as
from ..web.test_demo_clinic import start_the_demo
from .conftest import no_serious_problems, sign_in


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


# Pages that are not staff pages: assets, the operator's endpoints, and the patients' own pages
# behind a link (each has a browser test of its own, axe included).
NOT_STAFF_PAGES = {"web.static", "static", "patient_page.static", "ops.healthz", "ops.metrics",
                   "patient_page.appointment_page", "questionnaire_page.form_page",
                   "waitlist_offer_page.offer_page", "web.home", "web.favicon"}


def test_every_main_page_opens_with_a_days_data(page, live_app, shoot, tmp_path):
    first, in_the_chair = _a_day_at_the_demo_clinic(live_app, tmp_path)
    visited = []

    def visit(path: str, name: str) -> None:
        assert page.goto(path).status == 200, path
        visited.append(path)
        shoot(name)
        no_serious_problems(page)

    visit("/sign-in", "sign-in")
    sign_in(page, live_app, "admin")
    for path, heading, name in PAGES:
        visit(path, name)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading, ignore_case=True)
    clinician = api_as(live_app, "admin").get("/clinicians").json[0]
    for path, name in ((f"/patients/{first['patient_id']}", "patient"),
                       (f"/patients/{first['patient_id']}/edit", "patient-edit"),
                       (f"/appointments/{first['id']}", "appointment"),
                       (f"/courses/{first['course_id']}", "course"),
                       ("/waitlist/new", "waitlist-new"),
                       ("/monitoring/inbox", "monitoring-inbox"),
                       (f"/monitoring/patients/{first['patient_id']}/check-ins", "monitoring-check-ins"),
                       (f"/admin/clinicians/{clinician['id']}", "admin-clinician")):
        visit(path, name)
    page.goto("/monitoring/alerts")
    expect(page.locator("main")).to_contain_text("Morgan Ellis")
    page.goto("/monitoring/failed-messages")
    expect(page.locator("main")).to_contain_text("30003")
    page.goto("/monitoring/today")
    expect(page.locator("main")).to_contain_text(in_the_chair)
    assert _staff_pages(live_app) - _endpoints(live_app, visited) == set()


def _staff_pages(app) -> set[str]:
    """Every page a GET can open that is not the API's, nor in NOT_STAFF_PAGES: a new page
    fails this test until the tour looks at it."""
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.rule.startswith("/api")
            and rule.endpoint not in NOT_STAFF_PAGES and not rule.endpoint.startswith("api")}


def _endpoints(app, paths: list[str]) -> set[str]:
    urls = app.url_map.bind("localhost")
    return {urls.match(path.split("?")[0])[0] for path in paths}
