"""A receptionist's day on the seeded demo clinic, end to end in a real browser, as issue 14 walked
it: find a patient who phones in by part of the number, be warned before registering someone
twice, book an induction course from a free time on the schedule, move a session, cancel one and
book its replacement, check a patient in on the day, and look at the week. Not one error page and
no surprise on the way; each page passes axe-core and is saved as a screenshot."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from playwright.sync_api import expect

from ..web.test_demo_clinic import start_the_demo
from .conftest import no_serious_problems

DESK = "frontdesk@demo.clinic"


def test_a_front_desk_day_on_the_demo_without_one_error_page(page, live_app, clock, tmp_path, shoot):
    live_app.config["DEMO_ACCOUNTS_PATH"] = str(tmp_path / "demo-accounts.json")
    password = start_the_demo(live_app)[DESK]  # Monday 1 June 2026, 08:00 at the clinic
    errors, questions = _watch(page)

    def look(name: str) -> None:
        expect(page.locator("main")).to_be_visible()
        no_serious_problems(page)
        shoot(f"receptionist-{name}")

    _sign_in(page, password)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    expect(page.locator("table.schedule")).to_contain_text("Casey Brooks")  # in observation
    look("01-schedule-today")

    # A patient phones in and reads out part of the number.
    _menu(page, "Patients")
    page.get_by_label("Name or phone").fill("555 0103")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("main").get_by_role("table")).to_contain_text("Okafor, Jordan")
    look("02-patient-found-by-phone")

    # A caller who is registered already is not added twice.
    page.get_by_role("link", name="New patient").click()
    page.get_by_label("First name").fill("Alex")
    page.get_by_label("Last name").fill("Rivera")
    page.get_by_label(re.compile("^Mobile phone")).fill("(617) 555-0101")
    page.get_by_role("button", name="Add patient").click()
    expect(page.get_by_role("alert")).to_contain_text("Possible duplicate")
    look("03-duplicate-warning")
    page.get_by_label(re.compile("^Mobile phone")).fill("(617) 555-0190")
    page.get_by_label("First name").fill("Quinn")
    page.get_by_label("Last name").fill("Harper")
    page.get_by_role("button", name="Add patient").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quinn Harper")
    look("04-new-patient")

    # Tomorrow's free time on Chair 3 opens the course form with its day, time and chair.
    _menu(page, "Schedule")
    page.get_by_role("link", name="Next day").click()
    free = page.get_by_role("link", name=re.compile(r"^Book Chair 3, Tue 02 Jun 10:00"))
    free.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a course")
    page.get_by_label("Find the patient by name or phone").fill("Harper")
    page.get_by_role("button", name="Find").click()
    page.get_by_label("Patient (required)").select_option(label="Harper, Quinn · (617) 555-0190")
    page.get_by_role("button", name="Show proposed schedule").click()
    rows = page.locator("table.sessions tbody tr")
    expect(rows).to_have_count(6)
    expect(rows.first).to_contain_text("Chair 3")
    look("05-course-proposed")
    page.get_by_role("button", name="Book this course").click()
    expect(page.get_by_role("status")).to_contain_text("Course booked: 6 sessions")
    course_page = page.url
    look("06-course-booked")

    # Session 2 moves past the last one, to the first time free on Tuesday week; the course
    # still reads 1 to 6 in time order.
    page.get_by_role("link", name="Session 2", exact=True).click()
    page.get_by_label("Free times around").fill("2026-06-09")
    page.get_by_role("button", name="List free times").click()
    _first_time(page, "Move to")
    page.get_by_role("button", name="Reschedule").click()
    expect(page.get_by_role("status")).to_contain_text("Moved to")
    look("07-session-moved")
    page.goto(course_page)
    _numbered_in_time_order(page)

    # Session 3 is cancelled; its replacement is booked into the course from its page.
    page.get_by_role("link", name="Session 3", exact=True).click()
    page.get_by_label(re.compile("^Reason")).fill("Patient unwell")
    page.get_by_role("button", name="Cancel the session").click()
    expect(page.get_by_role("status")).to_contain_text("cancelled")
    expect(page.get_by_role("heading", name="Book a replacement")).to_be_visible()
    look("08-session-cancelled")
    _first_time(page, "Replacement at")
    page.get_by_role("button", name="Book the replacement").click()
    expect(page.get_by_role("status")).to_be_visible()
    page.goto(course_page)
    expect(page.locator("main")).not_to_contain_text("short")
    _numbered_in_time_order(page)
    look("09-course-with-replacement")

    # Tomorrow at 09:00 the course's first session, at 10:00, is checked in from the schedule.
    clock.set(datetime(2026, 6, 2, 13, 0, tzinfo=timezone.utc))
    page.reload()  # yesterday's sign-in has ended overnight: sign in again
    _sign_in(page, password)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tuesday 02 June 2026")
    page.locator("table.schedule").get_by_role("link", name=re.compile("Quinn Harper")).first.click()
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("status")).to_contain_text("Checked in")
    look("10-checked-in")

    _menu(page, "Schedule")
    page.get_by_role("link", name="Week view").click()
    expect(page.locator("[aria-current=date]")).to_contain_text("Tue 02 Jun")
    expect(page.locator("table.schedule")).to_contain_text("Quinn Harper")
    look("11-week")

    # The one answer that was not a page or a redirect: the duplicate warning, which re-shows
    # the form with the patient already here (409); no error page, no refused form.
    assert [status_and_path.split("/", 3)[-1] for status_and_path in errors] == ["patients/new"]
    assert errors[0].startswith("409 ")
    assert questions == ["Cancel this session? The patient is told."]


def _watch(page) -> tuple[list[str], list[str]]:
    """Every page that answered with an error, and every question a dialog asked (each one
    accepted, as the receptionist would)."""
    errors: list[str] = []
    questions: list[str] = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.request.resource_type == "document" and r.status >= 400 else None)

    def answer(dialog) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    return errors, questions


def _sign_in(page, password: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(DESK)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _menu(page, name: str) -> None:
    page.get_by_role("navigation", name="Pages").get_by_role("link", name=name, exact=True).click()


def _first_time(page, label: str) -> None:
    """Chooses the first time the select offers (the options after its prompt)."""
    choice = page.get_by_label(re.compile(f"^{label}"))
    first = choice.locator("option:not([value=''])").first.get_attribute("value")
    choice.select_option(first)


def _numbered_in_time_order(page) -> None:
    numbers = page.locator("main table tbody th").all_inner_texts()
    assert numbers == [f"Session {n}" for n in range(1, len(numbers) + 1)], numbers
