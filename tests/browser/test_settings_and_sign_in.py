"""The admin's settings in a real browser, as issue 14 found them: one weekly hours grid in
sections instead of a 3,800-pixel page of 28 time boxes, times in the clinic's one format, a
menu that fits one line of a 1280-pixel screen for every role, the treatment types' table in
line; and the front desk's own browser still signing in while a stranger's guesses have its
account locked out."""
from __future__ import annotations

from playwright.sync_api import expect

from ..factories import api_as, set_up_clinic
from .conftest import PASSWORD, make_staff, no_serious_problems, sign_in

ROLES = ("front_desk", "monitoring", "admin")


def menu_rows(page, name: str = "Pages") -> int:
    """How many lines the menu's entries take."""
    tops = page.get_by_role("navigation", name=name, exact=True).get_by_role("listitem").evaluate_all(
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))")
    return len(set(tops))


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


# --- The menu -------------------------------------------------------------------------------

def test_the_menu_fits_one_line_at_1280_for_every_role_and_wraps_cleanly_on_a_phone(page, live_app, shoot):
    set_up_clinic(api_as(live_app, "admin"), time_format="12h")
    page.set_viewport_size({"width": 1280, "height": 800})
    for role in ROLES:
        sign_in(page, live_app, role)
        assert menu_rows(page) == 1, role
        brand = page.locator("header .brand").bounding_box()
        button = page.get_by_role("button", name="Sign out").bounding_box()
        assert abs((brand["y"] + brand["height"] / 2) - (button["y"] + button["height"] / 2)) < 8, role
        shoot(f"menu-1280-{role}")
        sign_out(page)
    fill_sign_in(page, "admin@e2e.clinic")  # the admin again, on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    menu = page.get_by_role("navigation", name="Pages", exact=True)
    for link in menu.get_by_role("link").all():
        expect(link).to_be_visible()
    assert page.evaluate("document.querySelector('header.top').scrollWidth") <= 390
    shoot("menu-390-admin")


def test_the_admin_pages_sit_under_one_settings_entry_with_their_own_line(page, live_app, shoot):
    set_up_clinic(api_as(live_app, "admin"))
    sign_in(page, live_app, "admin")
    page.get_by_role("navigation", name="Pages", exact=True).get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinic settings")
    settings = page.get_by_role("navigation", name="Settings pages")
    expect(settings.get_by_role("link")).to_have_text(
        ["Clinic settings", "Chairs", "Treatment types", "Clinicians", "Staff"])
    settings.get_by_role("link", name="Chairs").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chairs")
    expect(page.get_by_role("navigation", name="Pages", exact=True).get_by_role("link", name="Settings")).to_have_attribute(
        "aria-current", "true")
    expect(page.get_by_role("navigation", name="Settings pages").get_by_role("link", name="Chairs")).to_have_attribute(
        "aria-current", "page")
    page.goto("/schedule")
    expect(page.get_by_role("navigation", name="Settings pages")).to_have_count(0)


# --- The clinic settings page ---------------------------------------------------------------

def test_the_admin_sets_the_weeks_hours_in_one_grid_in_the_clinics_time_format(page, live_app, shoot):
    admin = api_as(live_app, "admin")
    set_up_clinic(admin, time_format="12h")
    sign_in(page, live_app, "admin")
    page.goto("/admin/clinic")
    assert page.locator("input[type=time]").count() == 0  # no box in the browser's own format
    for section in ("Clinic", "Hours", "Messages", "Alerts and crisis", "Questionnaires (PHQ-9, GAD-7)", "Waitlist"):
        expect(page.get_by_role("heading", level=2, name=section, exact=True)).to_be_visible()
    grid = page.get_by_role("table", name="Weekly opening hours")
    expect(grid.get_by_role("row")).to_have_count(8)  # a header and seven days
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 2800, height  # it was about 3,800 pixels
    no_serious_problems(page)
    shoot("settings-clinic")

    expect(page.get_by_label("Monday opens", exact=True)).to_have_value("09:00")
    expect(page.get_by_label("Monday opens", exact=True).locator("option:checked")).to_have_text("9:00 AM")
    page.get_by_label("Monday closes", exact=True).select_option(label="12:00 PM")
    page.get_by_label("Monday opens (window 2)").select_option(label="1:00 PM")
    page.get_by_label("Monday closes (window 2)").select_option(label="5:30 PM")
    page.get_by_label("Closed on Friday").check()  # clears Friday's times
    expect(page.get_by_label("Friday opens", exact=True)).to_have_value("")
    page.get_by_label("Saturday opens", exact=True).select_option(label="9:00 AM")  # opens Saturday
    expect(page.get_by_label("Closed on Saturday")).not_to_be_checked()
    page.get_by_label("Saturday closes", exact=True).select_option(label="1:00 PM")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_role("status")).to_contain_text("Clinic settings saved")
    hours = admin.get("/clinic").json["opening_hours"]
    assert hours["mon"] == [["09:00", "12:00"], ["13:00", "17:30"]]
    assert hours["fri"] == [] and hours["sat"] == [["09:00", "13:00"]]
    expect(page.get_by_label("Closed on Friday")).to_be_checked()
    shoot("settings-clinic-saved")
    page.set_viewport_size({"width": 390, "height": 844})  # the grid scrolls on its own on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot("settings-clinic-phone")


def test_a_day_that_closes_before_it_opens_is_named_in_the_grid_and_nothing_changes(page, live_app, shoot):
    admin = api_as(live_app, "admin")
    set_up_clinic(admin, time_format="12h")
    before = admin.get("/clinic").json
    sign_in(page, live_app, "admin")
    page.goto("/admin/clinic")
    page.get_by_label("Tuesday closes", exact=True).select_option(label="8:00 AM")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_role("alert")).to_contain_text("Tuesday: 9:00 AM-8:00 AM must open before it closes")
    page.get_by_role("alert").get_by_role("link").first.click()
    expect(page.locator("#f-opening_hours-tue")).to_be_focused()
    expect(page.locator("#e-opening_hours-tue")).to_contain_text("must open before it closes")
    assert admin.get("/clinic").json == before
    no_serious_problems(page)
    shoot("settings-clinic-refused")


def test_treatment_types_line_up_in_their_table(page, live_app, shoot):
    admin = api_as(live_app, "admin")
    set_up_clinic(admin)
    admin.post("/treatment-types", json={"name": "Nasal spray with observation", "duration_minutes": 120,
                                         "buffer_minutes": 10, "staffing": [{"role": "prescriber", "patients_per_staff": 6}]})
    sign_in(page, live_app, "admin")
    page.goto("/admin/treatment-types")
    rows = page.get_by_role("table", name="What the clinic offers").locator("tbody tr")
    expect(rows).to_have_count(2)
    for row in rows.all():
        edges = row.locator("th, td").evaluate_all(
            "cells => cells.map(cell => { const box = cell.getBoundingClientRect();"
            " return [Math.round(box.top), Math.round(box.bottom)]; })")
        assert len({tuple(edge) for edge in edges}) == 1, edges  # every cell spans the row exactly
        button = row.get_by_role("button", name="Stop booking").bounding_box()
        link = row.get_by_role("link", name="Edit").bounding_box()
        assert abs((button["y"] + button["height"] / 2) - (link["y"] + link["height"] / 2)) < 4  # side by side
    shoot("settings-treatment-types")
    page.set_viewport_size({"width": 390, "height": 844})  # the table scrolls on its own on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    no_serious_problems(page)


# --- Signing in while a stranger guesses ------------------------------------------------------

def stranger_guesses(app, email: str) -> None:
    client = app.test_client()
    for _ in range(5):
        response = client.post("/api/v1/auth/tokens", json={"email": email, "password": "a guess"},
                               environ_base={"REMOTE_ADDR": "198.51.100.20"})
        assert response.status_code == 401


def fill_sign_in(page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_the_front_desks_browser_signs_in_while_a_stranger_has_the_account_locked(page, browser, server, live_app, shoot):
    set_up_clinic(api_as(live_app, "admin"))
    email = sign_in(page, live_app, "front_desk")
    sign_out(page)
    stranger_guesses(live_app, email)

    other = browser.new_context(base_url=server)
    elsewhere = other.new_page()
    fill_sign_in(elsewhere, email)
    expect(elsewhere.locator("main")).to_contain_text("Too many failed sign-ins")
    other.close()

    fill_sign_in(page, email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Schedule")
    shoot("signed-in-while-locked")
