"""The admin's clinicians pages: who is on the rota, their shifts, and what happens when a shift
or a person is still needed by booked sessions."""
from __future__ import annotations

import re

import pytest

from tests.factories import api_as, book_session, clinic_time, make_patient, set_up_clinic

from .pages import pages_as, text_of

PRESCRIBER_FOR_TWO = [{"role": "prescriber", "patients_per_staff": 2}]


@pytest.fixture
def clinic(app):
    admin = api_as(app, "admin")
    return admin, set_up_clinic(admin, time_format="12h")


def _clinician_id(response) -> int:
    assert response.status_code == 303
    return int(re.fullmatch(r"/admin/clinicians/(\d+)", response.headers["Location"]).group(1))


def staffed_day(app, time_format: str = "24h"):
    """Dr. Ana Ortiz on shift Tuesday 2 June 08:00-17:00; a nasal spray needing half a
    prescriber, booked for one patient at 10:00."""
    admin = api_as(app, "admin")
    ids = set_up_clinic(admin, time_format=time_format)
    spray = admin.post("/treatment-types", json={"name": "Nasal spray", "duration_minutes": 120,
                                                  "buffer_minutes": 10, "staffing": PRESCRIBER_FOR_TWO}).json["id"]
    doctor = admin.post("/clinicians", json={"name": "Dr. Ana Ortiz", "role": "prescriber"}).json["id"]
    shift = admin.post(f"/clinicians/{doctor}/shifts", json={
        "start": clinic_time("2026-06-02", "08:00"), "end": clinic_time("2026-06-02", "17:00")}).json["id"]
    patient = make_patient(admin, first_name="Ada", last_name="Lovelace")
    booked = book_session(admin, patient, spray, clinic_time("2026-06-02", "10:00"))
    assert booked.status_code == 201, booked.json
    return admin, ids, doctor, shift, booked.json


def test_admin_adds_a_prescriber_and_a_new_role_and_sees_them_by_role(app, clinic):
    pages = pages_as(app, "admin")
    added = pages.post("/admin/clinicians", {"action": "add", "name": "Dr. Ana Ortiz", "role": "prescriber"})
    assert added.status_code == 303 and added.headers["Location"].startswith("/admin/clinicians/")
    typed = pages.post("/admin/clinicians", {"action": "add", "name": "Sam Reyes", "role": "nurse",
                                             "new_role": "Nurse practitioner"})
    assert typed.status_code == 303
    assert "Sam Reyes added as nurse practitioner: add their shifts below" in text_of(pages.get(typed.headers["Location"]))
    page = text_of(pages.get("/admin/clinicians"))
    assert "Nurse practitioners Name State Change Sam Reyes on the rota" in page
    assert "Prescribers Name State Change Dr. Ana Ortiz on the rota" in page
    # The new role is offered from now on.
    assert '<option value="nurse_practitioner">Nurse practitioner</option>' in pages.get(
        "/admin/clinicians").get_data(as_text=True)


@pytest.mark.parametrize("form, field, words", [
    ({"name": "", "role": "nurse"}, "name", "Name: Required."),
    ({"name": "Sam", "role": ""}, "role", "Role: Choose a role, or type a new one."),
    ({"name": "Sam", "role": "nurse", "new_role": "nurse 2!"}, "new_role", "Another role: Must be one word"),
])
def test_a_bad_new_clinician_is_named_at_its_field(app, clinic, form, field, words):
    refused = pages_as(app, "admin").post("/admin/clinicians", {"action": "add", **form})
    assert refused.status_code == 422
    assert f'id="e-{field.replace("_", "_")}"' in refused.get_data(as_text=True)
    assert words in text_of(refused)
    assert api_as(app, "admin").get("/clinicians").json == []


def test_shifts_are_added_one_by_one_and_as_a_rota_in_the_clinics_clock(app, clinic):
    pages = pages_as(app, "admin")
    doctor = _clinician_id(pages.post("/admin/clinicians", {"action": "add", "name": "Dr. Ana Ortiz",
                                                            "role": "prescriber"}))
    path = f"/admin/clinicians/{doctor}"
    one = pages.post(path, {"action": "add_shift", "day": "2026-06-02", "from": "08:00", "until": "16:00"})
    assert one.status_code == 303 and one.headers["Location"] == path
    assert "Shift added: Tue 2 Jun, 8:00 AM – 4:00 PM." in text_of(pages.get(path))
    rota = pages.post(path, {"action": "add_rota", "thu.from": "13:00", "thu.until": "18:00",
                             "fri.from": "22:00", "fri.until": "06:00", "first_day": "2026-06-03",
                             "last_day": "2026-06-12", "except_days": "2026-06-11\n"})
    assert rota.status_code == 303
    page = text_of(pages.get(path))
    assert "Rota added: 3 shifts." in page
    assert "Thu 4 Jun, 1:00 PM – 6:00 PM" in page
    assert "Fri 5 Jun, 10:00 PM – Sat 6 Jun, 6:00 AM" in page
    assert "Thu 11 Jun" not in page and "Fri 12 Jun, 10:00 PM" in page
    shifts = api_as(app, "admin").get(f"/clinicians/{doctor}/shifts").json
    assert shifts[0]["start"] == "2026-06-02T12:00:00+00:00"  # 08:00 in New York


@pytest.mark.parametrize("form, field, words", [
    ({"action": "add_shift", "day": "", "from": "08:00", "until": "16:00"}, "day", "Day: Required."),
    ({"action": "add_shift", "day": "2026-06-02", "from": "08:00"}, "until", "Until: Required: give both"),
    ({"action": "add_shift", "day": "2026-06-02", "from": "8am", "until": "16:00"}, "from", "From: must be a time"),
    ({"action": "add_rota", "first_day": "2026-06-01", "last_day": "2026-06-30"}, "mon-from",
     "Monday from: Give the times of at least one day"),
    ({"action": "add_rota", "tue.from": "09:00", "tue.until": "17:00", "first_day": "2026-06-10",
      "last_day": "2026-06-01"}, "last_day", "Last day: Must be on or after the first day"),
    ({"action": "add_rota", "tue.from": "09:00", "tue.until": "17:00", "first_day": "2026-06-01",
      "last_day": "2026-06-30", "except_days": "2026-06-02\n\nnot a day"}, "except_days", "Days off: Line 3: Not a valid date."),
])
def test_a_bad_shift_or_rota_is_named_at_its_field_in_words(app, clinic, form, field, words):
    doctor = api_as(app, "admin").post("/clinicians", json={"name": "Dr. Ana Ortiz", "role": "prescriber"}).json["id"]
    refused = pages_as(app, "admin").post(f"/admin/clinicians/{doctor}", form)
    assert refused.status_code == 422
    assert f'id="e-{field}"' in refused.get_data(as_text=True)
    assert words in text_of(refused)
    assert "first_day" not in text_of(refused).replace("f-first_day", "")
    assert api_as(app, "admin").get(f"/clinicians/{doctor}/shifts").json == []


def test_a_shift_that_overlaps_one_already_there_is_refused_in_the_clinics_clock(app):
    _, _, doctor, _, _ = staffed_day(app)
    refused = pages_as(app, "admin").post(f"/admin/clinicians/{doctor}", {
        "action": "add_shift", "day": "2026-06-02", "from": "16:00", "until": "20:00"})
    assert refused.status_code == 409
    assert "already has a shift from Tue 02 Jun 2026 08:00 to 17:00" in text_of(refused)
    assert 'id="e-from"' in refused.get_data(as_text=True)


def test_a_needed_shift_is_kept_until_removed_anyway_and_its_sessions_are_listed_to_move(app):
    _, _, doctor, shift, booked = staffed_day(app)
    pages = pages_as(app, "admin")
    path = f"/admin/clinicians/{doctor}"
    refused = pages.post(path, {"action": "remove_shift", "shift_id": str(shift)})
    assert refused.status_code == 409
    page = text_of(refused)
    assert "The shift Tue 2 Jun, 08:00 – 17:00 is still needed: 1 booked session would have no clinician" in page
    html = refused.get_data(as_text=True)
    assert f'href="/appointments/{booked["id"]}#reschedule"' in html
    assert "Tue 2 Jun, 10:00 – 12:00: Ada Lovelace, Nasal spray" in page
    assert "Remove anyway" in page
    assert len(api_as(app, "admin").get(f"/clinicians/{doctor}/shifts").json) == 1

    forced = pages.post(path, {"action": "remove_shift", "shift_id": str(shift), "force": "1"})
    assert forced.status_code == 303
    after = pages.get(forced.headers["Location"])
    page = text_of(after)
    assert "Shift removed: Tue 2 Jun, 08:00 – 17:00. 1 booked session now needs a new time" in page
    assert "Sessions that need a new time Tue 2 Jun, 10:00 – 12:00: Ada Lovelace" in page
    assert f'href="/appointments/{booked["id"]}#reschedule"' in after.get_data(as_text=True)
    assert api_as(app, "admin").get(f"/clinicians/{doctor}/shifts").json == []


def test_a_shift_no_session_needs_is_removed_at_once(app, clinic):
    admin, _ = clinic
    doctor = admin.post("/clinicians", json={"name": "Sam Reyes", "role": "nurse"}).json["id"]
    shift = admin.post(f"/clinicians/{doctor}/shifts", json={
        "start": clinic_time("2026-06-03", "08:00"), "end": clinic_time("2026-06-03", "12:00")}).json["id"]
    pages = pages_as(app, "admin")
    removed = pages.post(f"/admin/clinicians/{doctor}", {"action": "remove_shift", "shift_id": str(shift)})
    assert removed.status_code == 303
    assert "Shift removed: Wed 3 Jun, 8:00 AM – 12:00 PM." in text_of(pages.get(removed.headers["Location"]))


def test_another_clinicians_shift_is_not_found_from_this_page(app):
    admin, _, doctor, shift, _ = staffed_day(app)
    other = admin.post("/clinicians", json={"name": "Sam Reyes", "role": "nurse"}).json["id"]
    response = pages_as(app, "admin").post(f"/admin/clinicians/{other}", {"action": "remove_shift",
                                                                         "shift_id": str(shift)})
    assert response.status_code == 404
    assert len(admin.get(f"/clinicians/{doctor}/shifts").json) == 1


def test_taking_a_needed_clinician_off_the_rota_is_refused_with_the_sessions_as_links(app):
    _, _, doctor, _, booked = staffed_day(app)
    pages = pages_as(app, "admin")
    refused = pages.post("/admin/clinicians", {"action": "deactivate", "clinician_id": str(doctor)})
    assert refused.status_code == 409
    assert "Dr. Ana Ortiz is still needed: 1 booked session would have no clinician to cover it" in text_of(refused)
    assert f'href="/appointments/{booked["id"]}#reschedule"' in refused.get_data(as_text=True)
    assert api_as(app, "admin").get(f"/clinicians/{doctor}").json["active"] is True


def test_a_needed_clinicians_role_is_not_changed(app):
    _, _, doctor, _, _ = staffed_day(app)
    refused = pages_as(app, "admin").post(f"/admin/clinicians/{doctor}", {
        "action": "edit", "name": "Dr. Ana Ortiz", "role": "nurse"})
    assert refused.status_code == 409
    assert "still needed" in text_of(refused)
    assert api_as(app, "admin").get(f"/clinicians/{doctor}").json["role"] == "prescriber"


def test_a_clinician_off_the_rota_is_shown_so_and_put_back(app, clinic):
    admin, _ = clinic
    nurse = admin.post("/clinicians", json={"name": "Sam Reyes", "role": "nurse"}).json["id"]
    pages = pages_as(app, "admin")
    off = pages.post("/admin/clinicians", {"action": "deactivate", "clinician_id": str(nurse)})
    assert off.status_code == 303
    assert "Sam Reyes off the rota" in text_of(pages.get("/admin/clinicians"))
    assert pages.post("/admin/clinicians", {"action": "activate", "clinician_id": str(nurse)}).status_code == 303
    assert admin.get(f"/clinicians/{nurse}").json["active"] is True


def test_renaming_keeps_the_role(app, clinic):
    admin, _ = clinic
    nurse = admin.post("/clinicians", json={"name": "Sam Reyes", "role": "nurse"}).json["id"]
    saved = pages_as(app, "admin").post(f"/admin/clinicians/{nurse}", {"action": "edit", "name": "Sam Reyes-Ortiz",
                                                                      "role": "nurse"})
    assert saved.status_code == 303
    assert admin.get(f"/clinicians/{nurse}").json == {"id": nurse, "name": "Sam Reyes-Ortiz", "role": "nurse",
                                                      "active": True}


@pytest.mark.parametrize("form", [{"action": "nonsense"}, {"action": "remove_shift", "shift_id": "x' or 1"},
                                  {"action": "remove_shift", "shift_id": "99999999999999"}])
def test_made_up_posts_get_4xx(app, clinic, form):
    admin, _ = clinic
    nurse = admin.post("/clinicians", json={"name": "Sam Reyes", "role": "nurse"}).json["id"]
    assert pages_as(app, "admin").post(f"/admin/clinicians/{nurse}", form).status_code in (400, 404)
    assert pages_as(app, "admin").post("/admin/clinicians", {"action": "deactivate",
                                                             "clinician_id": "abc"}).status_code == 404


def test_a_made_up_clinician_is_not_found(app, clinic):
    assert pages_as(app, "admin").get("/admin/clinicians/4242").status_code == 404


@pytest.mark.parametrize("role", ["front_desk", "monitoring"])
def test_only_the_admin_opens_the_clinicians_pages(app, clinic, role):
    admin, _ = clinic
    nurse = admin.post("/clinicians", json={"name": "Sam Reyes", "role": "nurse"}).json["id"]
    pages = pages_as(app, role)
    for path in ("/admin/clinicians", f"/admin/clinicians/{nurse}"):
        assert pages.get(path).status_code == 403
        assert pages.post(path, {"action": "deactivate", "clinician_id": str(nurse)}).status_code == 403
    assert "Clinicians" not in text_of(pages.get("/schedule"))
    assert "Settings" in text_of(pages_as(app, "admin").get("/schedule"))
    assert "Clinicians" in text_of(pages_as(app, "admin").get("/admin/chairs"))  # under Settings


def test_a_stranger_is_sent_to_sign_in(app, clinic):
    for path in ("/admin/clinicians", "/admin/clinicians/1"):
        response = pages_as(app, None).get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
