"""Each treatment type's protocol: the course rules a booking leaves out, set by the admin with
POST or PATCH /treatment-types, on SQLite and on PostgreSQL.

The clinic is in New York, open 09:00-17:00 on weekdays; the clock starts on Monday 2026-06-01 at
08:00 there. The nasal spray's protocol is twice a week: six sessions 72 hours apart within 28
days, then weekly maintenance.
"""
from datetime import datetime

import pytest

from tests.factories import api_as, clinic_time, make_patient, set_up_clinic

TWICE_A_WEEK = {"induction_sessions": 6, "min_gap_hours": 72, "max_span_days": 28,
                "maintenance_interval_days": 7}


def clinic_with_nasal_spray(app):
    """The admin, the front desk and the nasal spray's treatment type id, its protocol set."""
    admin = api_as(app, "admin")
    ids = set_up_clinic(admin)
    changed = admin.patch(f"/treatment-types/{ids.treatment}", json={"protocol": TWICE_A_WEEK})
    assert changed.status_code == 200, changed.json
    return admin, api_as(app, "front_desk"), ids.treatment


def starts(response) -> list[str]:
    assert response.status_code in (200, 201), response.json
    return [session["start"] for session in response.json["appointments"]]


def at_nine(*days: str) -> list[str]:
    return [clinic_time(day, "09:00") for day in days]


def utc(times: list[str]) -> list[datetime]:
    return [datetime.fromisoformat(t) for t in times]


# --- a course takes what it leaves out from the protocol --------------------------------------

def test_an_induction_without_rules_is_planned_and_booked_twice_a_week(app):
    _, desk, treatment = clinic_with_nasal_spray(app)
    body = {"patient_id": make_patient(desk), "treatment_type_id": treatment, "kind": "induction",
            "start_on": "2026-06-01"}
    planned = starts(desk.post("/courses/plan", json=body))
    # Mon, Thu, then Monday (Sunday is closed), Thu, Mon, Thu: never two days running.
    assert utc(planned) == utc(at_nine("2026-06-01", "2026-06-04", "2026-06-08", "2026-06-11",
                                       "2026-06-15", "2026-06-18"))
    booked = desk.post("/courses", json=body)
    assert starts(booked) == planned
    assert booked.json["min_gap_hours"] == 72  # a session moved later keeps the protocol's gap


def test_a_maintenance_course_without_an_interval_takes_the_protocols(app):
    _, desk, treatment = clinic_with_nasal_spray(app)
    body = {"patient_id": make_patient(desk), "treatment_type_id": treatment, "kind": "maintenance",
            "sessions": 3, "start_on": "2026-06-01"}
    assert utc(starts(desk.post("/courses", json=body))) == utc(
        at_nine("2026-06-01", "2026-06-08", "2026-06-15"))


def test_a_rule_the_course_gives_wins_over_the_protocol(app):
    _, desk, treatment = clinic_with_nasal_spray(app)
    body = {"patient_id": make_patient(desk), "treatment_type_id": treatment, "kind": "induction",
            "sessions": 3, "min_gap_hours": 24, "start_on": "2026-06-01"}
    assert utc(starts(desk.post("/courses/plan", json=body))) == utc(
        at_nine("2026-06-01", "2026-06-02", "2026-06-03"))
    assert len(starts(desk.post("/courses", json=body))) == 3


def test_without_a_protocol_the_general_defaults_hold_and_sessions_must_be_given(app):
    ids = set_up_clinic(api_as(app, "admin"))
    desk = api_as(app, "front_desk")
    body = {"patient_id": make_patient(desk), "treatment_type_id": ids.treatment,
            "kind": "induction", "start_on": "2026-06-01"}
    refused = desk.post("/courses/plan", json=body)
    assert refused.status_code == 422
    assert "protocol" in refused.json["errors"]["json"]["sessions"][0]
    assert utc(starts(desk.post("/courses/plan", json={**body, "sessions": 3}))) == utc(
        at_nine("2026-06-01", "2026-06-02", "2026-06-03"))


def test_a_maintenance_course_must_say_how_many_sessions(app):
    _, desk, treatment = clinic_with_nasal_spray(app)
    refused = desk.post("/courses", json={"patient_id": make_patient(desk), "treatment_type_id": treatment,
                                          "kind": "maintenance"})
    assert refused.status_code == 422
    assert "sessions" in refused.json["errors"]["json"]


# --- setting the protocol -----------------------------------------------------------------------

def test_a_treatment_type_is_created_with_its_protocol_and_shows_it(app):
    admin = api_as(app, "admin")
    made = admin.post("/treatment-types", json={"name": "Nasal spray", "duration_minutes": 120,
                                                "protocol": TWICE_A_WEEK})
    assert made.status_code == 201, made.json
    assert made.json["protocol"] == TWICE_A_WEEK
    assert admin.get("/treatment-types").json[0]["protocol"] == TWICE_A_WEEK


def test_patch_changes_only_the_fields_given(app):
    admin, _, treatment = clinic_with_nasal_spray(app)
    renamed = admin.patch(f"/treatment-types/{treatment}", json={"name": "Nasal spray"})
    assert renamed.status_code == 200, renamed.json
    assert renamed.json | {"name": "IV infusion"} == admin.get("/treatment-types").json[0] | {
        "name": "IV infusion"}
    assert renamed.json["buffer_minutes"] == 15 and renamed.json["protocol"] == TWICE_A_WEEK
    cleared = admin.patch(f"/treatment-types/{treatment}", json={"protocol": None})
    assert cleared.status_code == 200 and cleared.json["protocol"] is None


@pytest.mark.parametrize(("protocol", "field"), [
    ({**TWICE_A_WEEK, "induction_sessions": 8}, "induction_sessions"),
    ({**TWICE_A_WEEK, "min_gap_hours": 0}, "min_gap_hours"),
    ({**TWICE_A_WEEK, "max_span_days": "four weeks"}, "max_span_days"),
    ({**TWICE_A_WEEK, "maintenance_interval_days": 1}, "maintenance_interval_days"),
    ({"induction_sessions": 6, "min_gap_hours": 72, "max_span_days": 28}, "maintenance_interval_days"),
    # Six sessions three days apart need fifteen days: they cannot fit in fourteen.
    ({**TWICE_A_WEEK, "max_span_days": 14}, "max_span_days"),
], ids=["eight sessions", "no gap", "a span in words", "daily maintenance", "a rule left out",
        "a course that cannot fit its span"])
def test_a_bad_protocol_is_refused_naming_its_field(app, protocol, field):
    admin, _, treatment = clinic_with_nasal_spray(app)
    refused = admin.patch(f"/treatment-types/{treatment}", json={"protocol": protocol})
    assert refused.status_code == 422, refused.json
    assert list(refused.json["errors"]["json"]["protocol"]) == [field]
    created = admin.post("/treatment-types", json={"name": "Other", "duration_minutes": 60,
                                                   "protocol": protocol})
    assert created.status_code == 422 and field in created.json["errors"]["json"]["protocol"]
    assert admin.get("/treatment-types").json[0]["protocol"] == TWICE_A_WEEK


def test_an_impossible_protocol_says_why(app):
    admin, _, treatment = clinic_with_nasal_spray(app)
    refused = admin.patch(f"/treatment-types/{treatment}",
                          json={"protocol": {**TWICE_A_WEEK, "max_span_days": 14}})
    assert refused.json["errors"]["json"]["protocol"]["max_span_days"] == [
        "6 sessions at least 72 hours apart cannot all start within 14 days"]


def test_patch_refuses_bad_fields_and_a_taken_name(app):
    admin, _, treatment = clinic_with_nasal_spray(app)
    other = admin.post("/treatment-types", json={"name": "IM injection", "duration_minutes": 60})
    bad = admin.patch(f"/treatment-types/{treatment}", json={"duration_minutes": 0, "name": ""})
    assert bad.status_code == 422
    assert set(bad.json["errors"]["json"]) == {"duration_minutes", "name"}
    taken = admin.patch(f"/treatment-types/{treatment}", json={"name": other.json["name"]})
    assert taken.status_code == 409


def test_only_the_admin_may_patch_a_treatment_type(app):
    admin, desk, treatment = clinic_with_nasal_spray(app)
    change = {"protocol": None}
    assert api_as(app, None).patch(f"/treatment-types/{treatment}", json=change).status_code == 401
    assert desk.patch(f"/treatment-types/{treatment}", json=change).status_code == 403
    assert api_as(app, "monitoring").patch(f"/treatment-types/{treatment}", json=change).status_code == 403
    assert admin.patch("/treatment-types/9999", json=change).status_code == 404
    assert admin.get("/treatment-types").json[0]["protocol"] == TWICE_A_WEEK
