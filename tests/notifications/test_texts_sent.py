"""The texts a booking, a move and a course send, as the worker sends them, and the short SMS
preparation line an admin sets per treatment type (no drug, no diagnosis, one segment)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from notifications.engine.segments import segments
from notifications.worker import run_once
from tests.factories import api_as, clinic_time, make_patient, set_up_clinic

UTC = timezone.utc
LINE = "No food 4h before. Bring a ride home."


@pytest.fixture(autouse=True)
def tokens_that_outlive_the_week(app):
    app.config["TOKEN_TTL_HOURS"] = 24 * 30


def sent_texts(app, desk, **query):
    with app.app_context():
        run_once("w1")
    return [n for n in desk.get("/notifications", query_string={"status": "sent", "page_size": 1000, **query}).json
            if n["channel"] == "sms"]


def a_clinic(app):
    admin = api_as(app, "admin")
    clinic = set_up_clinic(admin)
    assert admin.put("/clinic", json={"name": "Riverside Wellness Clinic", "phone": "+16175550100"}).status_code == 200
    return admin, clinic


def test_a_moved_session_is_told_from_when_to_when(app, clock):
    admin, clinic = a_clinic(app)
    desk = api_as(app, "front_desk")
    clock.set(datetime(2026, 6, 1, 15, 0, tzinfo=UTC))
    booked = desk.post("/appointments", json={"patient_id": make_patient(desk), "treatment_type_id": clinic.treatment,
                                              "start": clinic_time("2026-06-09", "10:00")}).json
    moved = desk.post(f"/appointments/{booked['id']}/reschedule", json={"start": clinic_time("2026-06-11", "13:30")})
    assert moved.status_code == 200, moved.json
    [notice] = [n for n in sent_texts(app, desk, appointment_id=booked["id"]) if n["purpose"] == "reschedule"]
    assert "your visit on Tue 9 Jun 10am is moved to Thu 11 Jun 1:30pm." in notice["body"]
    assert "(617) 555-0100" in notice["body"] and segments(notice["body"]) == 1


def test_a_course_confirmation_says_which_session_c_confirms_and_carries_the_treatments_line(app, clock):
    admin, clinic = a_clinic(app)
    desk = api_as(app, "front_desk")
    treatment = admin.post("/treatment-types", json={"name": "Nasal spray", "duration_minutes": 120,
                                                     "sms_preparation": LINE})
    assert treatment.status_code == 201 and treatment.json["sms_preparation"] == LINE
    clock.set(datetime(2026, 6, 1, 15, 0, tzinfo=UTC))
    course = desk.post("/courses", json={"patient_id": make_patient(desk), "treatment_type_id": treatment.json["id"],
                                         "kind": "induction", "sessions": 6, "start_on": "2026-06-02"})
    assert course.status_code == 201, course.json
    [confirmation] = [n for n in sent_texts(app, desk) if n["purpose"] == "confirmation"]
    assert "6 visits: Tue 2, Wed 3, Thu 4, Fri 5, Mon 8, Tue 9 Jun at 9am." in confirmation["body"]
    assert "Reply C to confirm Tue 2 Jun" in confirmation["body"] and LINE in confirmation["body"]
    assert segments(confirmation["body"]) <= 2


@pytest.mark.parametrize(("line", "refusal"), [
    ("Bring your esketamine leaflet", "must not say \"esketamine\""),
    ("Arrive early " * 10, "must fit in one text"),
])
def test_an_sms_line_that_tells_or_would_not_fit_one_text_is_refused_and_nothing_is_saved(app, line, refusal):
    admin, clinic = a_clinic(app)
    before = admin.get("/treatment-types").json
    answer = admin.post("/treatment-types", json={"name": "Nasal spray", "duration_minutes": 120,
                                                  "sms_preparation": line})
    assert answer.status_code == 422, answer.json
    assert refusal in str(answer.json["errors"]["json"]["sms_preparation"])
    assert admin.get("/treatment-types").json == before


def test_a_clinic_name_too_long_for_its_reminders_to_fit_one_text_is_refused(app):
    admin, clinic = a_clinic(app)
    longer_line = "No food 4h or drink 2h before. Bring a ride home, please."
    assert admin.post("/treatment-types", json={"name": "Nasal spray", "duration_minutes": 120,
                                                "sms_preparation": longer_line}).status_code == 201
    assert admin.put("/clinic", json={"sms_name": "Riverside Wellness"}).status_code == 200
    answer = admin.put("/clinic", json={"sms_name": "The Riverside Wellness and Recovery Clin"})
    assert answer.status_code == 422, answer.json
    assert "one text" in str(answer.json["errors"]["json"]["sms_name"])
    assert admin.get("/clinic").json["sms_name"] == "Riverside Wellness"
