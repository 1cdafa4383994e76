"""The front desk's waitlist page: who waits and what they were offered, putting a patient on it,
taking one off, and booking an offer for a patient who phones.

The clinic of tests/api/test_waitlist.py: New York, one chair, a patient booked Wednesday 3 June
10:00 whose cancelled session frees the chair. It is Monday 1 June 2026, 08:00 in New York.
"""
from __future__ import annotations

import pytest

from tests.api.test_waitlist import WED_10_UTC, Clinic
from tests.factories import make_patient

from .pages import pages_as, text_of

WAITING_FOR_WEDNESDAY = {"earliest": "2026-06-02", "latest": "2026-06-05"}


@pytest.fixture
def clinic(app):
    return Clinic(app)


def _add(desk, clinic, patient, **fields):
    return desk.post("/waitlist/new", {"patient_id": patient, "treatment_type_id": clinic.ids.treatment,
                                       **WAITING_FOR_WEDNESDAY, **fields})


def test_the_desk_puts_a_patient_on_the_waitlist_and_sees_them_waiting(app, clinic):
    desk = pages_as(app, "front_desk")
    patient = make_patient(clinic.desk, first_name="Ada", last_name="Lovelace")
    added = _add(desk, clinic, patient, from_time="09:00", until_time="13:00")
    assert (added.status_code, added.headers["Location"]) == (303, "/waitlist")
    page = text_of(desk.get("/waitlist"))
    assert "Put on the waitlist: when a fitting time comes free, the patient is offered it." in page
    assert ("Lovelace, Ada IV infusion Tue 02 Jun – Fri 05 Jun 2026 09:00 to 13:00 waiting Mon 01 Jun 2026"
            in page)
    assert clinic.entry(clinic.desk.get("/waitlist").json[0]["id"])["from_time"] == "09:00"


def test_a_patients_page_links_to_the_form_with_that_patient_chosen(app, clinic):
    desk = pages_as(app, "front_desk")
    patient = make_patient(clinic.desk, first_name="Ada", last_name="Lovelace")
    assert f'href="/waitlist/new?patient_id={patient}"' in desk.get(f"/patients/{patient}").get_data(as_text=True)
    form = desk.get(f"/waitlist/new?patient_id={patient}")
    html = form.get_data(as_text=True)
    assert "Put Ada Lovelace on the waitlist" in text_of(form)
    assert f'<option value="{patient}" selected>' in html
    assert 'name="earliest" type="date" value="2026-06-01"' in html  # from today, the clinic's


def test_the_patient_search_narrows_the_choice_and_keeps_what_was_entered(app, clinic):
    desk = pages_as(app, "front_desk")
    make_patient(clinic.desk, first_name="Ada", last_name="Lovelace")
    make_patient(clinic.desk, first_name="Alan", last_name="Turing")
    found = text_of(desk.get("/waitlist/new?q=Lovel&latest=2026-06-09"))
    assert "Lovelace, Ada" in found and "Turing" not in found
    assert 'name="latest" type="date" value="2026-06-09"' in desk.get(
        "/waitlist/new?q=Lovel&latest=2026-06-09").get_data(as_text=True)


@pytest.mark.parametrize("change, field, words", [
    ({"patient_id": ""}, "patient_id", "Patient: Choose a patient."),
    ({"latest": ""}, "latest", "Latest day: Give the last day the patient could come."),
    ({"latest": "2026-06-01", "earliest": "2026-06-03"}, "latest", "Latest day: Must not be before the earliest day."),
    ({"from_time": "13:00", "until_time": "09:00"}, "until_time", "Until: Must be after the From time."),
    ({"from_time": "9 o'clock"}, "from_time", "From: must be a time as HH:MM"),
    ({"earliest": "2026-05-01", "latest": "2026-05-29"}, "latest", "Latest day: This day has passed already."),
    ({"patient_id": "999999"}, "patient_id", "Patient: This patient is not on file."),
])
def test_a_bad_entry_is_named_beside_its_field_in_words_and_nothing_is_added(app, clinic, change, field, words):
    desk = pages_as(app, "front_desk")
    patient = make_patient(clinic.desk)
    refused = _add(desk, clinic, patient, **change)
    assert refused.status_code == 422
    assert f'id="e-{field}"' in refused.get_data(as_text=True)
    page = text_of(refused)
    assert words in page
    assert "_id" not in page and "_time" not in page and "Missing data" not in page
    assert clinic.desk.get("/waitlist").json == []


def test_the_desk_takes_a_patient_off_and_a_second_try_is_refused_in_words(app, clinic):
    desk = pages_as(app, "front_desk")
    _patient, entry = clinic.waiting()
    removed = desk.post(f"/waitlist/{entry}/remove")
    assert (removed.status_code, removed.headers["Location"]) == (303, "/waitlist")
    assert "Taken off the waitlist" in text_of(desk.get("/waitlist"))
    assert clinic.entry(entry)["status"] == "removed"
    assert "taken off" in text_of(desk.get("/waitlist?status=removed"))
    again = desk.post(f"/waitlist/{entry}/remove")
    assert again.status_code == 409 and "the entry is removed already" in text_of(again)
    assert desk.post("/waitlist/999999/remove").status_code == 404


def test_an_offer_shows_its_time_chair_and_outcome_and_the_desk_books_it_for_a_caller(app, clinic):
    desk = pages_as(app, "front_desk")
    patient, entry = clinic.waiting()
    clinic.cancel()
    page = text_of(desk.get("/waitlist"))
    assert ("Offered time Chair Sent Expires Outcome Book "
            "Wed 03 Jun, 10:00 Chair 1 Mon 01 Jun, 08:00 Mon 01 Jun, 10:00 open Book this time for the patient") in page
    offer = clinic.entry(entry)["offers"][0]["id"]
    booked = desk.post(f"/waitlist/{entry}/take", {"offer_id": offer})
    assert (booked.status_code, booked.headers["Location"]) == (303, "/waitlist")
    assert "Booked for the patient: Wed 03 Jun 2026, 10:00 EDT, Chair 1. The entry is now under Booked." in text_of(desk.get("/waitlist"))
    assert [a["start"] for a in clinic.sessions_of(patient)] == [WED_10_UTC]
    assert "Wed 03 Jun, 10:00 Chair 1 Mon 01 Jun, 08:00 Mon 01 Jun, 10:00 booked" in text_of(
        desk.get("/waitlist?status=booked"))


def test_an_offer_gone_to_another_patient_or_expired_is_refused_in_words_and_books_nothing(app, clinic, clock):
    desk = pages_as(app, "front_desk")
    first, first_entry = clinic.waiting()
    second, second_entry = clinic.waiting()
    clinic.cancel()
    offers = {e: clinic.entry(e)["offers"][0]["id"] for e in (first_entry, second_entry)}
    assert desk.post(f"/waitlist/{first_entry}/take", {"offer_id": offers[first_entry]}).status_code == 303
    late = desk.post(f"/waitlist/{second_entry}/take", {"offer_id": offers[second_entry]})
    assert late.status_code == 409
    assert f'id="e-offer-{offers[second_entry]}"' in late.get_data(as_text=True)
    assert "Nothing was booked: another patient took this time first." in text_of(late)
    assert "gone to another patient" in text_of(late)
    assert clinic.sessions_of(second) == []

    third, third_entry = clinic.waiting()
    clinic.desk.post(f"/appointments/{clinic.sessions_of(first)[0]['id']}/cancel", json={"reason": "unwell"})
    offer = clinic.entry(third_entry)["offers"][0]["id"]
    clock.advance(minutes=121)
    expired = desk.post(f"/waitlist/{third_entry}/take", {"offer_id": offer})
    assert expired.status_code == 409 and "Nothing was booked: this offer has expired." in text_of(expired)
    assert clinic.sessions_of(third) == []


def test_an_offer_of_another_entry_or_a_made_up_one_is_not_found(app, clinic):
    desk = pages_as(app, "front_desk")
    _first, first_entry = clinic.waiting()
    _second, second_entry = clinic.waiting()
    clinic.cancel()
    offer = clinic.entry(first_entry)["offers"][0]["id"]
    assert desk.post(f"/waitlist/{second_entry}/take", {"offer_id": offer}).status_code == 404
    assert desk.post(f"/waitlist/{first_entry}/take", {"offer_id": "x"}).status_code == 404
    assert clinic.entry(first_entry)["offers"][0]["outcome"] == "open"


def test_monitoring_staff_read_the_waitlist_without_buttons_to_change_it(app, clinic):
    clinic.waiting()
    clinic.cancel()
    page = pages_as(app, "monitoring").get("/waitlist")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Take off the waitlist" not in html and "Book this time" not in html
    assert "Put a patient on the waitlist" not in html


def test_open_entries_come_first_and_the_others_are_behind_the_filter(app, clinic, clock):
    desk = pages_as(app, "front_desk")
    _old, old = clinic.waiting(earliest="2026-06-01", latest="2026-06-02")
    _new, new = clinic.waiting()
    clinic.desk.call("DELETE", f"/waitlist/{new}")
    assert [text in text_of(desk.get("/waitlist")) for text in ("Mon 01 Jun – Tue 02 Jun", "Tue 02 Jun – Fri 05 Jun")] \
        == [True, False]
    clock.advance(days=2)
    desk = pages_as(app, "front_desk")  # signed in anew: a sign-in lasts less than two days
    assert "Mon 01 Jun – Tue 02 Jun 2026 any time of day window passed" in text_of(desk.get("/waitlist?status=expired"))
    assert "No one here." in text_of(desk.get("/waitlist"))
    unknown = desk.get("/waitlist?status=everything")
    assert unknown.status_code == 422 and "There is no such list" in text_of(unknown)


def test_the_page_waits_for_the_clinic_to_be_set_up(app):
    page = pages_as(app, "front_desk").get("/waitlist")
    assert page.status_code == 409 and "The clinic is not set up yet" in text_of(page)
