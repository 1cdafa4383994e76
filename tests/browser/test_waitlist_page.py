"""The waitlist page in a real browser, as the front desk uses it: two patients put on the list
(one from her own page, one found by the search), a cancelled session offered to both, one
booked for a patient who phones, the other's offer found gone, and a patient taken off. No
accessibility problem axe-core calls serious on the list or the form."""
from __future__ import annotations

from playwright.sync_api import expect

from ..api.test_waitlist import Clinic
from ..factories import make_patient
from .conftest import sign_in
from .conftest import no_serious_problems


def _put_on_the_waitlist(page, latest: str) -> None:
    page.get_by_label("Latest day (required)").fill(latest)
    page.get_by_role("button", name="Put on the waitlist").click()


def test_the_front_desk_fills_a_freed_chair_from_the_waitlist(page, live_app, shoot):
    clinic = Clinic(live_app)  # one chair; a session Wednesday 3 June 10:00 that will be cancelled
    ada = make_patient(clinic.desk, first_name="Ada", last_name="Lovelace")
    make_patient(clinic.desk, first_name="Alan", last_name="Turing")
    sign_in(page, live_app, "front_desk")

    page.goto(f"/patients/{ada}")
    page.get_by_role("link", name="Put on the waitlist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Put Ada Lovelace on the waitlist")
    page.get_by_label("From", exact=True).fill("13:00")
    page.get_by_label("Until", exact=True).fill("09:00")
    _put_on_the_waitlist(page, "2026-05-29")
    expect(page.get_by_role("alert")).to_contain_text("Latest day: Must not be before the earliest day.")
    _put_on_the_waitlist(page, "2026-06-05")
    expect(page.get_by_role("alert")).to_contain_text("Until: Must be after the From time.")
    expect(page.get_by_label("Until", exact=True)).to_have_value("09:00")  # kept as entered
    no_serious_problems(page)
    shoot("waitlist-new-refused")
    page.get_by_label("From", exact=True).fill("")
    page.get_by_label("Until", exact=True).fill("")
    _put_on_the_waitlist(page, "2026-06-05")
    expect(page.get_by_role("status")).to_contain_text("Put on the waitlist")

    page.get_by_role("link", name="Put a patient on the waitlist").click()
    page.get_by_label("Find the patient by name or phone").fill("Turing")
    page.get_by_role("button", name="Find").click()
    page.get_by_label("Patient (required)").select_option(label=page.locator(
        "#f-patient_id option", has_text="Turing").inner_text())
    page.get_by_label("From", exact=True).fill("09:00")
    page.get_by_label("Until", exact=True).fill("13:00")
    no_serious_problems(page)
    shoot("waitlist-new")
    _put_on_the_waitlist(page, "2026-06-12")
    table = page.get_by_role("table", name="Waiting, oldest first")
    expect(table.get_by_role("row")).to_have_count(3)  # the heading and two patients

    clinic.cancel()  # Wednesday 10:00 comes free and is offered to both
    page.reload()
    expect(page.get_by_role("button", name="Book this time for the patient")).to_have_count(2)
    no_serious_problems(page)
    shoot("waitlist-offers-open")

    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Book this time for the patient (Ada Lovelace)").click()
    expect(page.get_by_role("status")).to_contain_text("Booked for the patient: Wed 03 Jun 2026, 10:00 EDT, Chair 1.")
    expect(page.get_by_role("table", name="Times offered to Alan Turing")).to_contain_text("gone to another patient")
    shoot("waitlist-offer-booked")

    page.goto("/waitlist?status=booked")
    expect(page.get_by_role("table", name="Booked, oldest first")).to_contain_text("Lovelace, Ada")
    page.goto("/waitlist")
    page.get_by_role("button", name="Take off the waitlist (Alan Turing)").click()
    expect(page.get_by_role("status")).to_contain_text("Taken off the waitlist")
    expect(page.get_by_text("No one here.")).to_be_visible()
    page.get_by_role("link", name="Taken off").click()
    expect(page.get_by_role("table", name="Taken off, oldest first")).to_contain_text("taken off")
    no_serious_problems(page)
    shoot("waitlist-taken-off")


def test_an_offer_taken_meanwhile_is_refused_in_words(page, live_app, shoot):
    clinic = Clinic(live_app)
    _first, first_entry = clinic.waiting()
    _second, _ = clinic.waiting()
    clinic.cancel()
    sign_in(page, live_app, "front_desk")
    page.goto("/waitlist")
    offer = clinic.entry(first_entry)["offers"][0]["id"]
    assert clinic.desk.post(f"/waitlist/{first_entry}/take", json={"offer_id": offer}).status_code == 200
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Book this time for the patient").last.click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was booked: another patient took this time first.")
    no_serious_problems(page)
    shoot("waitlist-offer-gone")
