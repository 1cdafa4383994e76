"""Observation in the clinic, on SQLite and on PostgreSQL: a session of a treatment type with an
observation plan is not completed before its minimum time, nor while a blood pressure is out of
range, unless monitoring staff override with a note; every reading keeps who took it and when.

The clinic is in New York; the clock starts on Monday 2026-06-01 at 08:00 there. The patient's
session is at 09:00 and the plan wants blood pressures at 0, 40 and 120 minutes, 90-160 systolic.
"""
from datetime import date

import pytest
from sqlalchemy import select

from scheduler.extensions import db
from scheduler.models import MonitoringForm
from tests.factories import api_as, book_session, clinic_time, make_patient, set_up_clinic

PLAN = {"min_minutes": 120, "checks": [{"name": "blood_pressure", "at_minutes": [0, 40, 120]}],
        "ranges": {"systolic": [90, 160], "diastolic": [50, 100]}, "monitoring_form_days": 7}
GOOD = {"name": "blood_pressure", "values": {"systolic": 128, "diastolic": 82}}
HIGH = {"name": "blood_pressure", "values": {"systolic": 172, "diastolic": 96}}


@pytest.fixture
def session(app, clock):
    """A checked-in 09:00 session of the observed treatment; the clock at 09:00."""
    admin = api_as(app, "admin")
    ids = set_up_clinic(admin)
    assert admin.patch(f"/treatment-types/{ids.treatment}", json={"observation": PLAN}).status_code == 200
    appointment = book_session(admin, make_patient(admin), ids.treatment, clinic_time("2026-06-01", "09:00"))
    assert appointment.status_code == 201, appointment.json
    clock.advance(hours=1)
    assert admin.post(f"/appointments/{appointment.json['id']}/check-in").status_code == 200
    return appointment.json["id"]


def test_the_plan_is_kept_with_its_default_minimum(app):
    admin = api_as(app, "admin")
    ids = set_up_clinic(admin)
    response = admin.patch(f"/treatment-types/{ids.treatment}", json={"observation": {"checks": []}})
    assert response.status_code == 200, response.json
    assert response.json["observation"] == {"min_minutes": 120, "checks": [], "ranges": {},
                                            "monitoring_form_days": None}


@pytest.mark.parametrize(("plan", "field"), [
    ({"min_minutes": -1}, "min_minutes"),
    ({"checks": [{"name": "Blood Pressure", "at_minutes": [0]}]}, "checks"),
    ({"ranges": {"systolic": [90, 160]}}, "ranges"),  # no blood pressure check
    ({"checks": [{"name": "blood_pressure", "at_minutes": [0]}], "ranges": {"systolic": [160, 90]}}, "ranges"),
    ({"monitoring_form_days": 0}, "monitoring_form_days"),
])
def test_a_plan_that_makes_no_sense_is_refused_naming_the_field(app, plan, field):
    admin = api_as(app, "admin")
    ids = set_up_clinic(admin)
    response = admin.patch(f"/treatment-types/{ids.treatment}", json={"observation": plan})
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]["observation"]


def test_a_reading_is_kept_with_who_took_it_and_when(app, clock, session):
    nurse = api_as(app, "monitoring")
    clock.advance(minutes=2)
    response = nurse.post(f"/appointments/{session}/observations", json={**GOOD, "note": "left arm"})
    assert response.status_code == 201, response.json
    assert response.json["out_of_range"] == []
    listed = api_as(app, "front_desk").get(f"/appointments/{session}/observations").json
    assert [(r["values"], r["note"], r["at"], r["recorded_at"]) for r in listed] == [
        ({"systolic": 128, "diastolic": 82}, "left arm", "2026-06-01T13:02:00+00:00", "2026-06-01T13:02:00+00:00")]
    assert listed[0]["recorded_by"].startswith("monitoring")


def test_an_out_of_range_reading_says_which_values(app, session):
    response = api_as(app, "monitoring").post(f"/appointments/{session}/observations", json=HIGH)
    assert response.json["out_of_range"] == ["systolic"]


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "blood_pressure", "values": {"systolic": 120}}, "values"),
    ({"name": "pulse", "values": {"pulse": 70}}, "name"),
    ({"name": "blood_pressure", "values": {"systolic": "high", "diastolic": 80}}, "values"),
    ({**GOOD, "at": "2026-06-01T12:00:00-04:00"}, "at"),  # in the future
])
def test_a_reading_that_cannot_be_right_is_refused_naming_the_field(app, session, body, field):
    response = api_as(app, "monitoring").post(f"/appointments/{session}/observations", json=body)
    assert response.status_code == 422, response.json
    assert field in str(response.json["errors"])


def test_the_front_desk_cannot_record_a_reading(app, session):
    assert api_as(app, "front_desk").post(f"/appointments/{session}/observations", json=GOOD).status_code == 403


def test_a_session_cannot_be_completed_before_its_minimum_observation(app, clock, session):
    nurse = api_as(app, "monitoring")
    clock.advance(minutes=119)
    response = nurse.post(f"/appointments/{session}/complete")
    assert response.status_code == 409, response.json
    assert "1 minutes left" in response.json["message"]
    clock.advance(minutes=1)
    assert nurse.post(f"/appointments/{session}/complete").status_code == 200


def test_an_early_check_in_does_not_start_the_observation_before_the_session(app, clock):
    admin = api_as(app, "admin")
    ids = set_up_clinic(admin)
    admin.patch(f"/treatment-types/{ids.treatment}", json={"observation": PLAN})
    appointment = book_session(admin, make_patient(admin), ids.treatment, clinic_time("2026-06-01", "09:00")).json
    admin.post(f"/appointments/{appointment['id']}/check-in")  # at 08:00
    clock.advance(hours=2, minutes=30)  # 10:30: two hours after check-in, 90 minutes after the start
    assert admin.post(f"/appointments/{appointment['id']}/complete").status_code == 409


def test_an_out_of_range_reading_holds_the_patient_until_a_later_one_is_in_range(app, clock, session):
    nurse = api_as(app, "monitoring")
    nurse.post(f"/appointments/{session}/observations", json=HIGH)
    clock.advance(minutes=125)
    refused = nurse.post(f"/appointments/{session}/complete")
    assert refused.status_code == 409
    assert "blood pressure reading is out of range (systolic)" in refused.json["message"]
    nurse.post(f"/appointments/{session}/observations", json=GOOD)
    assert nurse.post(f"/appointments/{session}/complete").status_code == 200


def test_monitoring_staff_may_discharge_anyway_with_a_note(app, clock, session):
    nurse = api_as(app, "monitoring")
    nurse.post(f"/appointments/{session}/observations", json=HIGH)
    clock.advance(minutes=30)
    response = nurse.post(f"/appointments/{session}/complete",
                          json={"override_note": "usual BP for her; seen by Dr. Ortiz"})
    assert response.status_code == 200, response.json
    assert response.json["status"] == "completed"


def test_the_front_desk_cannot_override_the_plan(app, clock, session):
    clock.advance(minutes=30)
    desk = api_as(app, "front_desk")
    response = desk.post(f"/appointments/{session}/complete", json={"override_note": "patient in a hurry"})
    assert response.status_code == 403, response.json
    assert api_as(app, "admin").get(f"/appointments/{session}").json["status"] == "checked_in"


def test_the_front_desk_may_still_discharge_when_the_plan_allows(app, clock, session):
    clock.advance(minutes=120)
    assert api_as(app, "front_desk").post(f"/appointments/{session}/complete").status_code == 200


def test_a_completed_session_leaves_a_form_due_within_the_plans_days(app, clock, session):
    nurse = api_as(app, "monitoring")
    clock.advance(minutes=120)
    nurse.post(f"/appointments/{session}/complete")
    forms = nurse.get("/monitoring-forms?status=due").json
    assert [(f["appointment_id"], f["due_on"], f["status"]) for f in forms] == [(session, "2026-06-08", "due")]
    clock.advance(days=8)
    nurse = api_as(app, "monitoring")  # signed in afresh: a token lasts a shift
    assert nurse.get("/monitoring-forms?status=due").json == []
    assert [f["status"] for f in nurse.get("/monitoring-forms?status=overdue").json] == ["overdue"]
    filed = nurse.post(f"/monitoring-forms/{forms[0]['id']}/filed", json={"reference": "REMS-77"})
    assert filed.status_code == 200, filed.json
    assert (filed.json["status"], filed.json["reference"]) == ("filed", "REMS-77")
    again = nurse.post(f"/monitoring-forms/{forms[0]['id']}/filed", json={"reference": "REMS-78"})
    assert again.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(MonitoringForm.due_on)) == date(2026, 6, 8)


def test_a_treatment_without_a_plan_is_completed_as_before(app, clock):
    admin = api_as(app, "admin")
    ids = set_up_clinic(admin)
    appointment = book_session(admin, make_patient(admin), ids.treatment, clinic_time("2026-06-01", "09:00")).json
    clock.advance(hours=1)
    admin.post(f"/appointments/{appointment['id']}/check-in")
    assert admin.post(f"/appointments/{appointment['id']}/complete").status_code == 200
    assert admin.get("/monitoring-forms").json == []
