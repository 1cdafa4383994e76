"""The front desk's schedule page: sessions by chair, in the clinic's time zone."""
from __future__ import annotations

import pytest

from ..factories import api_as, book_session, clinic_time, make_patient, set_up_clinic
from .pages import pages_as, text_of


@pytest.fixture
def clinic(app):
    admin = api_as(app, "admin")
    return admin, set_up_clinic(admin)


def _book(api, ids, day, at, chair=0, **patient):
    patient_id = make_patient(api, **patient)
    response = book_session(api, patient_id, ids.treatment, clinic_time(day, at), chair_id=ids.chairs[chair])
    assert response.status_code == 201, response.json
    return response.json


def test_the_day_shows_each_session_in_its_chair_at_clinic_time(app, clinic):
    admin, ids = clinic
    _book(admin, ids, "2026-06-02", "09:00", chair=0, first_name="Ada", last_name="Lovelace")
    _book(admin, ids, "2026-06-02", "13:30", chair=1, first_name="Alan", last_name="Turing")
    page = text_of(pages_as(app, "front_desk").get("/schedule?day=2026-06-02"))
    assert "Tuesday 02 June 2026" in page
    assert "America/New_York" in page
    assert "09:00–11:00 Ada Lovelace" in page and "13:30–15:30 Alan Turing" in page
    assert "2 sessions booked" in page


def test_the_week_shows_every_day_from_monday(app, clinic):
    admin, ids = clinic
    _book(admin, ids, "2026-06-05", "10:00", first_name="Grace", last_name="Hopper")
    page = text_of(pages_as(app, "front_desk").get("/schedule?day=2026-06-03&view=week"))
    assert "week of Mon 01 Jun 2026" in page
    assert "Sun 07 Jun" in page
    assert "10:00–12:00 Grace Hopper" in page


def test_a_cancelled_session_is_shown_as_cancelled_and_not_counted(app, clinic):
    admin, ids = clinic
    booked = _book(admin, ids, "2026-06-02", "09:00", first_name="Ada", last_name="Lovelace")
    assert admin.post(f"/appointments/{booked['id']}/cancel", json={"reason": "unwell"}).status_code == 200
    response = pages_as(app, "front_desk").get("/schedule?day=2026-06-02")
    assert "status-cancelled" in response.get_data(as_text=True)
    assert "0 sessions booked" in text_of(response)


def test_today_is_the_clinics_today(app, clinic, clock):
    clock.set(clock().replace(hour=2))  # 22:00 on Sunday 31 May in New York
    page = text_of(pages_as(app, "front_desk").get("/schedule"))
    assert "Sunday 31 May 2026" in page


def test_each_session_links_to_its_appointment_for_those_who_may_open_it(app, clinic):
    admin, ids = clinic
    booked = _book(admin, ids, "2026-06-02", "09:00")
    html = pages_as(app, "front_desk").get("/schedule?day=2026-06-02").get_data(as_text=True)
    assert f'href="/appointments/{booked["id"]}"' in html


def test_a_bad_date_is_named_and_today_shown(app, clinic):
    response = pages_as(app, "front_desk").get("/schedule?day=2026-13-45")
    assert response.status_code == 422
    assert "day: not a date" in text_of(response)


@pytest.mark.parametrize("role", ["admin", "front_desk", "monitoring"])
def test_every_staff_role_may_read_the_schedule(app, clinic, role):
    assert pages_as(app, role).get("/schedule").status_code == 200


def test_a_stranger_is_sent_to_sign_in(app):
    assert pages_as(app, None).get("/schedule?day=2026-06-02").status_code == 302


def test_the_menu_shows_each_role_only_its_pages(app, clinic):
    desk = text_of(pages_as(app, "front_desk").get("/schedule"))
    assert "Schedule" in desk and "Clinic settings" not in desk and "Alerts" not in desk
    admin = text_of(pages_as(app, "admin").get("/schedule"))
    assert "Schedule" in admin


# --- staffing -----------------------------------------------------------------------------------

def test_the_day_shows_who_is_on_shift_and_the_busiest_moment_per_role(app):
    from .test_clinician_pages import staffed_day

    admin, ids, doctor, _, booked = staffed_day(app)
    nurse = admin.post("/clinicians", json={"name": "Sam Reyes", "role": "nurse"}).json["id"]
    admin.post(f"/clinicians/{nurse}/shifts", json={"start": clinic_time("2026-06-02", "22:00"),
                                                     "end": clinic_time("2026-06-03", "06:00")})
    spray = booked["treatment_type_id"]
    assert book_session(admin, make_patient(admin), spray, clinic_time("2026-06-02", "11:00")).status_code == 201
    page = text_of(pages_as(app, "front_desk").get("/schedule?day=2026-06-02"))
    assert "Prescribers: 1 on shift 08:00–17:00, at most 1 in use at once" in page
    assert "Nurses: 1 on shift 22:00–Wed 06:00, at most 0 in use at once" in page
    assert "Dr. Ana Ortiz Prescriber 08:00–17:00" in page
    assert "no clinician to cover" not in page.lower()


def test_a_session_left_without_cover_is_marked_in_words_with_a_link_to_move_it(app):
    from .test_clinician_pages import staffed_day

    admin, _, _, shift, booked = staffed_day(app)
    assert admin.call("DELETE", f"/shifts/{shift}?force=true").status_code == 200
    response = pages_as(app, "front_desk").get("/schedule?day=2026-06-02")
    page = text_of(response)
    assert "1 session with no clinician to cover At these times the sessions need more clinicians than are on shift: add a shift, or move it. 10:00–12:00 Ada Lovelace, Nasal spray: move" in page
    assert "10:00–12:00 Ada Lovelace Nasal spray scheduled ⚠ No clinician to cover" in page
    assert "Prescribers: nobody on shift, at most 1/2 needed at once: more than on shift" in page
    assert f'href="/appointments/{booked["id"]}#reschedule"' in response.get_data(as_text=True)


def test_a_day_without_staffing_shows_no_staff_box(app, clinic):
    admin, ids = clinic
    _book(admin, ids, "2026-06-02", "09:00")
    assert "Staff on shift" not in text_of(pages_as(app, "front_desk").get("/schedule?day=2026-06-02"))


def test_an_empty_room_is_left_off_the_schedule_but_one_holding_a_session_is_shown_as_a_room(app, clinic):
    admin, ids = clinic
    booked = _book(admin, ids, "2026-06-02", "09:00", chair=1, first_name="Ada", last_name="Lovelace")
    room = admin.post("/chairs", json={"name": "Recovery room", "kind": "room"}).json["id"]
    desk = pages_as(app, "front_desk")
    assert "Recovery room" not in text_of(desk.get("/schedule?day=2026-06-02"))
    admin.patch(f"/chairs/{booked['chair_id']}", json={"kind": "room"})  # booked before it became one
    page = text_of(desk.get("/schedule?day=2026-06-02"))
    assert "Chair 2 (room)" in page and "Ada Lovelace" in page
    assert room and "Recovery room" not in page


def test_a_treatment_not_in_use_for_the_free_times_is_named(app, clinic):
    response = pages_as(app, "front_desk").get("/schedule?day=2026-06-02&treatment_type_id=999")
    assert response.status_code == 422
    assert "treatment_type_id: not a treatment in use" in text_of(response)


def test_those_who_may_not_book_see_free_times_without_booking_links(app, clinic):
    html = pages_as(app, "monitoring").get("/schedule?day=2026-06-02").get_data(as_text=True)
    assert "Free" in html and "/courses/new?" not in html


def test_a_cancelled_session_outside_the_working_day_still_has_its_hour_shown(app, clinic):
    admin, ids = clinic
    late = _book(admin, ids, "2026-06-02", "15:00", first_name="Ada", last_name="Lovelace")
    # The clinic then shortens its hours: the cancelled session now lies outside them.
    assert admin.put("/clinic", json={"opening_hours": {"tue": [["09:00", "12:00"]]}}).status_code == 200
    admin.post(f"/appointments/{late['id']}/cancel", json={"reason": "unwell"})
    page = text_of(pages_as(app, "front_desk").get("/schedule?day=2026-06-02"))
    assert "15:00–17:00 Ada Lovelace" in page and "cancelled" in page
