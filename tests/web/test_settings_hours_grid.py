"""The settings page's weekly hours grid without the page's script: a day marked closed and
given times is asked about, never guessed, and its problems speak the clinic's time format."""
from __future__ import annotations

from tests.factories import api_as, set_up_clinic

from .pages import pages_as, text_of
from .test_admin_pages import form_on


def _settings_form(app, time_format: str = "12h"):
    set_up_clinic(api_as(app, "admin"), time_format=time_format)
    admin = pages_as(app, "admin")
    return admin, form_on(admin.get("/admin/clinic"), "/admin/clinic")


def test_a_day_marked_closed_is_saved_closed_and_shown_so(app):
    admin, form = _settings_form(app)
    assert "opening_hours.mon.closed" not in form and form["opening_hours.sat.closed"] == "1"
    form.update({"opening_hours.mon.closed": "1", "opening_hours.mon.0.opens": "", "opening_hours.mon.0.closes": ""})
    assert admin.post("/admin/clinic", form).status_code == 303
    assert api_as(app, "admin").get("/clinic").json["opening_hours"]["mon"] == []
    assert form_on(admin.get("/admin/clinic"), "/admin/clinic")["opening_hours.mon.closed"] == "1"


def test_a_day_marked_closed_with_times_is_asked_about_and_nothing_changes(app):
    admin, form = _settings_form(app)
    before = api_as(app, "admin").get("/clinic").json
    refused = admin.post("/admin/clinic", {**form, "opening_hours.tue.closed": "1"})
    assert refused.status_code == 422
    assert "Tuesday: Untick Closed, or clear the day" in text_of(refused)
    assert 'id="e-opening_hours-tue-closed"' in refused.get_data(as_text=True)
    assert api_as(app, "admin").get("/clinic").json == before


def test_a_days_problem_names_its_times_in_the_clinics_format(app):
    admin, form = _settings_form(app, "12h")
    refused = admin.post("/admin/clinic", {**form, "opening_hours.wed.0.closes": "08:00"})
    assert refused.status_code == 422
    assert "Wednesday: 9:00 AM-8:00 AM must open before it closes" in text_of(refused)


def test_a_lunch_break_is_a_second_window_and_a_third_column_appears(app):
    admin, form = _settings_form(app)
    form.update({"opening_hours.thu.0.closes": "12:00", "opening_hours.thu.1.opens": "13:00",
                 "opening_hours.thu.1.closes": "17:00"})
    assert admin.post("/admin/clinic", form).status_code == 303
    assert api_as(app, "admin").get("/clinic").json["opening_hours"]["thu"] == [["09:00", "12:00"], ["13:00", "17:00"]]
    shown = form_on(admin.get("/admin/clinic"), "/admin/clinic")
    assert shown["opening_hours.fri.2.opens"] == ""  # every day gets the third window's column


def test_a_refused_form_keeps_its_number_of_rule_rows(app):
    admin, form = _settings_form(app)
    shown = admin.get("/admin/clinic").get_data(as_text=True)
    refused = admin.post("/admin/clinic", {**form, "opening_hours.wed.0.closes": "08:00"}).get_data(as_text=True)
    for rows in ("reminder_rules", "checkin_rules"):
        assert refused.count(f'name="{rows}.') == shown.count(f'name="{rows}.'), rows
