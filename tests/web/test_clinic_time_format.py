"""The clinic's one time format: every staff page writes a time of day as the clinic chose on
its settings page, 12-hour (2:30 PM) or 24-hour (14:30), never a mix."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from scheduler.web.display import clinic_span, clinic_time, clock_label
from tests.factories import api_as, book_session, clinic_time as at_clinic, make_patient, set_up_clinic

from .pages import pages_as, text_of
from .test_admin_pages import form_on

AFTERNOON = datetime(2026, 6, 2, 18, 30, tzinfo=timezone.utc)  # 14:30 in New York (EDT)


def _booked_afternoon(app, time_format: str):
    admin = api_as(app, "admin")
    ids = set_up_clinic(admin, time_format=time_format)
    patient = make_patient(admin, first_name="Ada", last_name="Lovelace")
    booked = book_session(admin, patient, ids.treatment, at_clinic("2026-06-02", "14:30"))
    assert booked.status_code == 201, booked.json
    return booked.json


@pytest.mark.parametrize("time_format, shown, not_shown", [("12h", "2:30 PM", "14:30"), ("24h", "14:30", "PM")])
def test_the_schedule_and_the_sessions_page_write_times_in_the_clinics_format(app, time_format, shown, not_shown):
    booked = _booked_afternoon(app, time_format)
    desk = pages_as(app, "front_desk")
    for path in ("/schedule?day=2026-06-02", f"/appointments/{booked['id']}", f"/patients/{booked['patient_id']}"):
        page = text_of(desk.get(path))
        assert shown in page, path
        assert not_shown not in page, path


def test_the_admin_chooses_the_format_on_the_settings_page(app):
    _booked_afternoon(app, "24h")
    admin = pages_as(app, "admin")
    form = form_on(admin.get("/admin/clinic"), "/admin/clinic")
    assert form["time_format"] == "24h"
    assert admin.post("/admin/clinic", {**form, "time_format": "12h"}).status_code == 303
    assert api_as(app, "admin").get("/clinic").json["time_format"] == "12h"
    assert "2:30 PM" in text_of(pages_as(app, "front_desk").get("/schedule?day=2026-06-02"))


def test_an_unknown_format_is_refused_at_its_field_and_nothing_changes(app):
    _booked_afternoon(app, "24h")
    admin = pages_as(app, "admin")
    form = form_on(admin.get("/admin/clinic"), "/admin/clinic")
    refused = admin.post("/admin/clinic", {**form, "time_format": "13h"})
    assert refused.status_code == 422
    assert 'id="e-time_format"' in refused.get_data(as_text=True)
    answer = api_as(app, "admin").put("/clinic", json={"time_format": "ampm"})
    assert answer.status_code == 422 and "time_format" in answer.json["errors"]["json"]
    assert api_as(app, "admin").get("/clinic").json["time_format"] == "24h"


def test_the_settings_pages_hours_are_chosen_in_the_clinics_format_not_the_browsers(app):
    set_up_clinic(api_as(app, "admin"), time_format="12h")
    html = pages_as(app, "admin").get("/admin/clinic").get_data(as_text=True)
    assert 'type="time"' not in html  # a browser's own AM/PM or 24-hour box
    assert '<option value="09:00" selected>9:00 AM</option>' in html
    assert '<option value="17:00" selected>5:00 PM</option>' in html


def test_a_time_set_off_the_selects_grid_is_offered_and_kept(app):
    admin_api = api_as(app, "admin")
    set_up_clinic(admin_api, opening_hours={"mon": [["08:10", "17:00"]]})
    admin = pages_as(app, "admin")
    form = form_on(admin.get("/admin/clinic"), "/admin/clinic")
    assert form["opening_hours.mon.0.opens"] == "08:10"
    assert admin.post("/admin/clinic", form).status_code == 303
    assert admin_api.get("/clinic").json["opening_hours"]["mon"] == [["08:10", "17:00"]]


@pytest.mark.parametrize("time_format, style, expected", [
    ("12h", "%H:%M", "2:30 PM EDT"),
    ("24h", "%H:%M", "14:30 EDT"),
    ("12h", "%a %d %b %Y %H:%M", "Tue 02 Jun 2026 2:30 PM EDT"),
    ("12h", "%a %d %b, %H:%M", "Tue 02 Jun, 2:30 PM EDT"),
    ("12h", "%d %b %Y", "02 Jun 2026"),
])
def test_clinic_time_writes_the_clock_part_of_any_style_in_the_clinics_format(app, time_format, style, expected):
    set_up_clinic(api_as(app, "admin"), time_format=time_format)
    with app.test_request_context():
        assert clinic_time(AFTERNOON, style) == expected


@pytest.mark.parametrize("time_format, span, label", [
    ("12h", "Tue 2 Jun, 2:30 PM – 6:30 PM", "12:05 AM"), ("24h", "Tue 2 Jun, 14:30 – 18:30", "00:05")])
def test_shifts_and_clock_texts_follow_the_format_too(app, time_format, span, label):
    set_up_clinic(api_as(app, "admin"), time_format=time_format)
    with app.test_request_context():
        assert clinic_span(AFTERNOON, AFTERNOON.replace(hour=22)) == span
        assert clock_label("00:05") == label


def test_a_clinicians_shift_times_are_chosen_in_the_clinics_format_too(app):
    admin_api = api_as(app, "admin")
    set_up_clinic(admin_api, time_format="12h")
    doctor = admin_api.post("/clinicians", json={"name": "Dr. Ana Ortiz", "role": "prescriber"}).json["id"]
    html = pages_as(app, "admin").get(f"/admin/clinicians/{doctor}").get_data(as_text=True)
    assert 'type="time"' not in html
    assert '<option value="08:00">8:00 AM</option>' in html and '<option value="22:30">10:30 PM</option>' in html
