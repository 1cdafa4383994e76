"""The front desk's patients in a real browser, on the demo clinic `dev.py run` seeds: a patient
typed in twice is caught before being added, a patient's messages say when they go out and why
one did not, and no page asks for an icon it does not have. Each page passes axe-core with
nothing serious."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from ..web.test_demo_clinic import start_the_demo
from .conftest import no_serious_problems, sign_in


def _demo(live_app, tmp_path) -> None:
    live_app.config["DEMO_ACCOUNTS_PATH"] = str(tmp_path / "demo-accounts.json")
    start_the_demo(live_app)


def _add_patient(page, typed: dict[str, str]) -> None:
    """The new patient form filled in, label by label, and "Add patient" pressed."""
    page.goto("/patients/new")
    for label, value in typed.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Add patient").click()


def test_the_desk_is_warned_before_adding_a_patient_who_is_already_here(page, live_app, tmp_path, shoot):
    _demo(live_app, tmp_path)
    sign_in(page, live_app, "front_desk")
    _add_patient(page, {"First name": "Alex", "Last name": "rivera", "Mobile phone": "(617) 555-0101"})
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("Possible duplicate")
    expect(warning).to_contain_text("Alex Rivera, (617) 555-0101, alex.rivera@example.com")
    expect(warning).to_contain_text("(same name, phone)")
    expect(page.get_by_label("Last name")).to_have_value("rivera")  # what was typed is kept
    no_serious_problems(page)
    shoot("patient-new-possible-duplicate")

    # The desk opens the patient already registered instead: nobody new is added.
    warning.get_by_role("link", name="Open Alex Rivera's page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alex Rivera")
    page.goto("/patients?q=rivera")
    expect(page.locator("main").get_by_role("link", name="Rivera, Alex")).to_have_count(1)


def test_a_relative_sharing_a_phone_is_added_once_the_desk_says_so(page, live_app, tmp_path):
    _demo(live_app, tmp_path)
    sign_in(page, live_app, "front_desk")
    _add_patient(page, {"First name": "Dana", "Last name": "Rivera", "Date of birth": "1990-03-14",
                        "Mobile phone": "+16175550101"})
    expect(page.get_by_role("alert")).to_contain_text("(same phone)")
    page.get_by_role("button", name="Add anyway").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dana Rivera")
    expect(page.locator("main")).to_contain_text("14 Mar 1990")


def test_a_patients_messages_say_when_they_go_out_and_why_one_failed(page, live_app, tmp_path, shoot):
    _demo(live_app, tmp_path)
    sign_in(page, live_app, "front_desk")
    page.goto("/patients?q=Alex")
    page.locator("main").get_by_role("link", name="Rivera, Alex").click()
    messages = page.locator("table.messages-sent")
    failed = messages.locator("tr:has(.status-failed)")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("failed the phone was off or out of reach (code 30003)")
    expect(failed).to_contain_text("tried Mon 01 Jun 2026, 8:00 AM EDT")
    expect(failed).to_contain_text("confirmation")
    waiting = messages.locator("tr:has(.status-pending)")
    expect(waiting.first).to_contain_text("waiting")
    expect(waiting.first).to_contain_text(re.compile(r"goes out \w{3} \d\d \w{3} 2026, \d{1,2}:\d\d [AP]M EDT"))
    expect(messages).not_to_contain_text("pending")
    # The questionnaire's signed link would let anyone answer as the patient: hidden from staff.
    expect(messages).not_to_contain_text("/q/")
    expect(messages).to_contain_text("[patient link hidden]")
    no_serious_problems(page)
    shoot("patient-messages")


def test_no_page_asks_for_an_icon_it_does_not_have(page, live_app, server):
    missing = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    sign_in(page, live_app, "admin")
    for path in ("/schedule", "/patients", "/monitoring/alerts", "/docs"):
        page.goto(path)
    icon = page.request.get(f"{server}/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert "max-age=31536000" in icon.headers["cache-control"]
    page.goto("/schedule")
    assert page.locator('head link[rel="icon"]').get_attribute("href") == "/favicon.ico"
    assert missing == []
