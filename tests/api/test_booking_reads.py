"""What a booking asks of the database: each row it needs is read once. (SQLAlchemy's identity
map holds rows only while something refers to them: a row fetched in a helper and dropped is
fetched again by the next helper that asks.)"""
from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import event

from scheduler.extensions import db
from tests.factories import api_as, make_patient, set_up_clinic

READ = re.compile(r"\s*SELECT\b.*?\bFROM\s+(\w+)", re.S | re.I)


def _tables_read_during(app, action) -> Counter:
    read: Counter = Counter()

    def remember(conn, cursor, statement, parameters, context, executemany):
        if match := READ.match(statement):
            read[match[1]] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    return read


@pytest.mark.parametrize("sessions", [3, 6])
def test_booking_a_course_reads_the_clinic_and_the_treatment_type_once(app, sessions):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    patient = make_patient(desk)
    booked = []
    read = _tables_read_during(app, lambda: booked.append(desk.post("/courses", json={
        "patient_id": patient, "treatment_type_id": clinic.treatment, "kind": "induction",
        "sessions": sessions, "start_on": "2026-06-08"})))
    assert booked[0].status_code == 201, booked[0].json
    assert (read["clinic"], read["treatment_type"]) == (1, 1), read


def test_moving_a_session_reads_the_clinic_and_the_treatment_type_once(app):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    booked = desk.post("/appointments", json={"patient_id": make_patient(desk), "treatment_type_id": clinic.treatment,
                                              "start": "2026-06-04T10:00:00-04:00"}).json
    moved = []
    read = _tables_read_during(app, lambda: moved.append(desk.post(
        f"/appointments/{booked['id']}/reschedule", json={"start": "2026-06-05T10:00:00-04:00"})))
    assert moved[0].status_code == 200, moved[0].json
    assert (read["clinic"], read["treatment_type"]) == (1, 1), read
