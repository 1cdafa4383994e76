"""The admin sets the clinic up: settings, chairs, treatment types."""
from datetime import date

import pytest

from scheduler.extensions import db
from scheduler.models import Appointment
from tests.factories import api_as, make_patient, set_up_clinic


def test_first_set_up_needs_a_name_and_a_time_zone(app):
    admin = api_as(app, "admin")
    assert admin.get("/clinic").status_code == 404
    response = admin.put("/clinic", json={"name": "Harbour Clinic"})
    assert response.status_code == 422
    assert response.json["errors"]["json"] == {
        "timezone": ["is required when the clinic is first set up"]}
    assert admin.get("/clinic").status_code == 404


def test_settings_left_out_keep_their_value(app):
    admin = api_as(app, "admin")
    set_up_clinic(admin, timezone="Europe/London", slot_step=30)
    response = admin.put("/clinic", json={"alert_score_at_or_below": 2})
    assert response.status_code == 200
    assert response.json["timezone"] == "Europe/London"
    assert response.json["slot_step_minutes"] == 30
    assert response.json["alert_score_at_or_below"] == 2


def test_a_chair_name_is_used_once(app):
    admin = api_as(app, "admin")
    set_up_clinic(admin, chairs=1)
    response = admin.post("/chairs", json={"name": "Chair 1"})
    assert response.status_code == 409
    assert "name" in response.json["errors"]["json"]
    assert len(admin.get("/chairs").json) == 1


def test_moving_the_clinic_zone_moves_the_day_a_late_session_counts_on(app):
    # 23:00 in Honolulu on June 2 is 09:00 UTC on June 3; the same instant in UTC is June 3.
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    late = {day: [["00:00", "23:59"]] for day in ("mon", "tue", "wed", "thu", "fri")}
    clinic = set_up_clinic(admin, timezone="Pacific/Honolulu", opening_hours=late, duration=30, buffer=0)
    patient = make_patient(desk)
    booked = desk.post("/appointments", json={"patient_id": patient, "treatment_type_id": clinic.treatment,
                                              "start": "2026-06-03T09:00:00Z"})
    assert booked.status_code == 201, booked.json
    assert admin.put("/clinic", json={"timezone": "UTC"}).status_code == 200
    with app.app_context():
        assert db.session.get(Appointment, booked.json["id"]).local_date == date(2026, 6, 3)
    # Another session on UTC June 3 for the same patient is now the same day: refused.
    again = desk.post("/appointments", json={"patient_id": patient, "treatment_type_id": clinic.treatment,
                                             "start": "2026-06-03T15:00:00Z"})
    assert again.status_code == 409


def test_a_closed_day_offers_no_slots_and_courses_step_over_it(app):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin, chairs=1)
    assert admin.put("/clinic", json={"closed_dates": ["2026-06-03"]}).json["closed_dates"] == ["2026-06-03"]
    slots = desk.get("/availability", query_string={
        "treatment_type_id": clinic.treatment, "start": "2026-06-03T00:00:00-04:00",
        "end": "2026-06-04T00:00:00-04:00"})
    assert slots.status_code == 200 and slots.json == []
    plan = desk.post("/courses/plan", json={"patient_id": make_patient(desk), "kind": "induction",
                                            "treatment_type_id": clinic.treatment, "sessions": 3,
                                            "start_on": "2026-06-02"})
    days = [a["start"][:10] for a in plan.json["appointments"]]
    assert days == ["2026-06-02", "2026-06-04", "2026-06-05"]


def test_an_induction_whose_gaps_overrun_its_span_is_refused_naming_the_span(app):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    body = {"patient_id": make_patient(desk), "treatment_type_id": clinic.treatment,
            "kind": "induction", "sessions": 6, "min_gap_hours": 72, "max_span_days": 14}
    for path in ("/courses/plan", "/courses"):
        response = desk.post(path, json=body)
        assert response.status_code == 422
        assert "max_span_days" in response.json["errors"]["json"]
    assert desk.get("/appointments").json == []


@pytest.mark.parametrize("settings, field", [
    ({"sms_name": "Ketamine Care"}, "sms_name"),
    ({"name": "North Shore Depression Clinic"}, "name"),
    ({"crisis_text": "Call us about your esketamine dose"}, "crisis_text"),
])
def test_a_setting_sent_by_sms_may_not_name_a_drug_or_diagnosis(app, settings, field):
    admin = api_as(app, "admin")
    set_up_clinic(admin)
    before = admin.get("/clinic").json
    response = admin.put("/clinic", json=settings)
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]
    assert admin.get("/clinic").json == before


def test_a_telling_clinic_name_is_fine_once_texts_go_out_under_a_discreet_sms_name(app):
    admin = api_as(app, "admin")
    set_up_clinic(admin)
    response = admin.put("/clinic", json={"name": "North Shore Ketamine Clinic", "sms_name": "North Shore Health"})
    assert response.status_code == 200, response.json
