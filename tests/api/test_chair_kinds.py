"""A clinic's places are treatment chairs or rooms: a recovery or consult room is a place the
clinic has, never one a dose is booked in (issue 14: the "Recovery room" offered like a chair)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import func, select

from config import TestingConfig
from scheduler import create_app
from scheduler.extensions import db
from scheduler.models import Appointment, Chair
from tests.factories import api_as, book_session, clinic_time, make_patient, set_up_clinic

TUESDAY = {"start": clinic_time("2026-06-02", "00:00"), "end": clinic_time("2026-06-03", "00:00")}


def clinic_with_a_room(app):
    """An admin, a front desk, and a clinic of one treatment chair and one recovery room."""
    admin = api_as(app, "admin")
    clinic = set_up_clinic(admin, chairs=1)
    room = admin.post("/chairs", json={"name": "Recovery room", "kind": "room"})
    assert room.status_code == 201, room.json
    return admin, api_as(app, "front_desk"), clinic, room.json["id"]


def sessions_booked(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Appointment))


def test_a_room_is_never_offered_as_a_free_time(app):
    _, desk, clinic, _room = clinic_with_a_room(app)
    # Fill the one chair on Tuesday morning: a room that counted would be offered then.
    book_session(desk, make_patient(desk), clinic.treatment, clinic_time("2026-06-02", "09:00"))
    slots = desk.get("/availability", query_string={"treatment_type_id": clinic.treatment, **TUESDAY})
    assert slots.status_code == 200, slots.json
    assert {slot["chair_id"] for slot in slots.json} == {clinic.chairs[0]}
    assert clinic_time("2026-06-02", "09:30") not in [slot["start"] for slot in slots.json]


def test_a_course_is_planned_in_treatment_chairs_only(app):
    _, desk, clinic, _room = clinic_with_a_room(app)
    patients = [make_patient(desk) for _ in range(2)]
    body = {"treatment_type_id": clinic.treatment, "kind": "induction", "sessions": 3, "start_on": "2026-06-02"}
    first = desk.post("/courses", json={"patient_id": patients[0], **body})
    second = desk.post("/courses/plan", json={"patient_id": patients[1], **body})
    assert first.status_code == 201 and second.status_code == 200, second.json
    chairs = {s["chair_id"] for s in first.json["appointments"] + second.json["appointments"]}
    assert chairs == {clinic.chairs[0]}
    # With the chair taken at 09:00, the second course starts when the chair is free again.
    assert second.json["appointments"][0]["start"] == "2026-06-02T15:15:00+00:00"


def test_booking_or_moving_a_session_into_a_room_is_refused_naming_the_chair(app):
    _, desk, clinic, room = clinic_with_a_room(app)
    patient = make_patient(desk)
    refused = book_session(desk, patient, clinic.treatment, clinic_time("2026-06-02", "09:00"), chair_id=room)
    assert refused.status_code == 422
    assert "chair_id" in refused.json["errors"]["json"]
    assert sessions_booked(app) == 0

    booked = book_session(desk, patient, clinic.treatment, clinic_time("2026-06-02", "09:00"))
    moved = desk.post(f"/appointments/{booked.json['id']}/reschedule",
                      json={"start": clinic_time("2026-06-02", "13:00"), "chair_id": room})
    assert moved.status_code == 422 and "chair_id" in moved.json["errors"]["json"]
    kept = desk.get(f"/appointments/{booked.json['id']}").json
    assert (kept["start"], kept["chair_id"]) == (booked.json["start"], clinic.chairs[0])


def test_an_admin_makes_a_chair_a_room_and_back(app):
    admin, desk, clinic, _room = clinic_with_a_room(app)
    chair = clinic.chairs[0]
    made_room = admin.patch(f"/chairs/{chair}", json={"kind": "room"})
    assert made_room.status_code == 200, made_room.json
    assert (made_room.json["kind"], made_room.json["name"], made_room.json["active"]) == ("room", "Chair 1", True)
    slots = desk.get("/availability", query_string={"treatment_type_id": clinic.treatment, **TUESDAY})
    assert slots.json == []  # no treatment chair left

    back = admin.patch(f"/chairs/{chair}", json={"kind": "chair"})
    assert back.json["kind"] == "chair"
    listed = {c["name"]: c["kind"] for c in admin.get("/chairs").json}
    assert listed == {"Chair 1": "chair", "Recovery room": "room"}


def test_a_kind_not_known_is_refused_naming_kind_and_changes_nothing(app):
    admin, _, clinic, _room = clinic_with_a_room(app)
    refused = admin.patch(f"/chairs/{clinic.chairs[0]}", json={"kind": "sofa", "name": "Sofa"})
    assert refused.status_code == 422 and "kind" in refused.json["errors"]["json"]
    added = admin.post("/chairs", json={"name": "Sofa", "kind": "sofa"})
    assert added.status_code == 422 and "kind" in added.json["errors"]["json"]
    assert [c["name"] for c in admin.get("/chairs").json] == ["Chair 1", "Recovery room"]
    assert admin.patch("/chairs/999", json={"kind": "room"}).status_code == 404


def test_only_an_admin_changes_a_chair(app):
    _, desk, clinic, _room = clinic_with_a_room(app)
    assert desk.patch(f"/chairs/{clinic.chairs[0]}", json={"kind": "room"}).status_code == 403
    assert api_as(app, "admin").get("/chairs").json[0]["kind"] == "chair"


def test_chairs_set_up_before_kinds_stay_treatment_chairs(tmp_path):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with app.app_context():
        upgrade(revision="0014")
        db.session.execute(sa.text("INSERT INTO chair (id, name, active) VALUES (1, 'Recovery room', true)"))
        db.session.commit()
        upgrade(revision="0015")
        assert db.session.scalar(select(Chair.kind)) == "chair"
        db.engine.dispose()


def test_a_time_freed_in_a_room_is_not_offered_to_the_waitlist(app):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin, chairs=2)
    nine = clinic_time("2026-06-02", "09:00")
    in_chair_2, in_chair_1 = (book_session(desk, make_patient(desk), clinic.treatment, nine, chair_id=chair).json
                              for chair in (clinic.chairs[1], clinic.chairs[0]))
    assert admin.patch(f"/chairs/{clinic.chairs[1]}", json={"kind": "room"}).status_code == 200
    waiting = desk.post("/waitlist", json={"patient_id": make_patient(desk), "treatment_type_id": clinic.treatment,
                                           "earliest": "2026-06-02", "latest": "2026-06-02"})
    assert waiting.status_code == 201, waiting.json

    desk.post(f"/appointments/{in_chair_2['id']}/cancel", json={"reason": "unwell"})
    assert desk.get("/waitlist").json[0]["offers"] == []  # its chair is a room now; chair 1 is taken
    desk.post(f"/appointments/{in_chair_1['id']}/cancel", json={"reason": "unwell"})
    assert [offer["chair_id"] for offer in desk.get("/waitlist").json[0]["offers"]] == [clinic.chairs[0]]
