"""Each role signs in through the browser and sees only its own pages."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, make_staff, sign_in

MENU = {
    "front_desk": {"Schedule", "Patients", "Book a course", "Due for maintenance"},
    "monitoring": {"Schedule", "Patients", "Alerts", "Inbox", "Today in the clinic", "Failed messages"},
    "admin": {"Schedule", "Patients", "Book a course", "Due for maintenance", "Alerts", "Inbox",
              "Today in the clinic", "Failed messages", "Clinic settings", "Chairs",
              "Treatment types", "Clinicians", "Staff"},
}
HOME_HEADING = {"front_desk": "Schedule", "monitoring": "Open alerts", "admin": "Schedule"}


@pytest.mark.parametrize("role", ["front_desk", "monitoring", "admin"])
def test_each_role_signs_in_and_sees_only_its_pages(page, live_app, shoot, role):
    sign_in(page, live_app, role)
    expect(page.get_by_role("heading", level=1)).to_contain_text(HOME_HEADING[role])
    menu = page.get_by_role("navigation", name="Pages").get_by_role("link")
    assert set(menu.all_inner_texts()) == MENU[role]
    shoot(f"home-{role.replace('_', '-')}")


def test_front_desk_cannot_reach_monitoring_or_admin_pages(page, live_app, shoot):
    sign_in(page, live_app, "front_desk")
    for path in ("/monitoring/alerts", "/monitoring/today", "/monitoring/failed-messages",
                 "/admin/clinic", "/admin/staff"):
        response = page.goto(path)
        assert response.status == 403, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Not for your role")
    shoot("forbidden-front-desk-on-monitoring")


def test_a_wrong_password_is_explained_and_the_email_kept(page, live_app, shoot):
    email = make_staff(live_app, "front_desk")
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("not " + PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
    expect(page.get_by_label("Email")).to_have_value(email)
    shoot("sign-in-refused")


def test_a_stranger_signs_in_and_lands_on_the_page_asked_for(page, live_app):
    email = make_staff(live_app, "front_desk")
    page.goto("/schedule?view=week")
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")  # the form works from the keyboard
    expect(page).to_have_url(re.compile(r"/schedule\?view=week$"))


def test_sign_out_ends_the_session(page, live_app):
    sign_in(page, live_app, "front_desk")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    page.goto("/schedule")
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))
