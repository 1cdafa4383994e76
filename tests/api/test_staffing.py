"""A clinic limited by its people as much as by its chairs: nasal-spray sessions need a prescriber
on shift (one for every two patients here), and no plan, booking or move uses more of them than
are on shift, at any minute."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from scheduler.extensions import db
from scheduler.models import Appointment
from tests.api.test_booking_races import codes, desks, hold_first_checks, race
from tests.factories import api_as, book_session, clinic_time, make_patient, set_up_clinic

UTC = timezone.utc
PRESCRIBER_FOR_TWO = [{"role": "prescriber", "patients_per_staff": 2}]


def staffed_clinic(app, chairs=4):
    """Four chairs; a nasal-spray treatment needing half a prescriber; Dr Ortiz on shift Tuesday
    2 June 08:00-17:00 only (New York)."""
    admin = api_as(app, "admin")
    clinic = set_up_clinic(admin, chairs=chairs)
    spray = admin.post("/treatment-types", json={"name": "Nasal spray", "duration_minutes": 120, "buffer_minutes": 10,
                                                  "staffing": PRESCRIBER_FOR_TWO})
    assert spray.status_code == 201, spray.json
    assert spray.json["staffing"] == PRESCRIBER_FOR_TWO
    doctor = admin.post("/clinicians", json={"name": "Dr. Ana Ortiz", "role": "prescriber"})
    assert doctor.status_code == 201, doctor.json
    shift = admin.post(f"/clinicians/{doctor.json['id']}/shifts", json={
        "start": clinic_time("2026-06-02", "08:00"), "end": clinic_time("2026-06-02", "17:00")})
    assert shift.status_code == 201, shift.json
    return admin, clinic, spray.json["id"], doctor.json["id"], shift.json["id"]


def test_two_patients_per_prescriber_and_the_third_is_told_no_one_can_cover_her(app):
    admin, clinic, spray, _, _ = staffed_clinic(app)
    desk = api_as(app, "front_desk")
    nine = clinic_time("2026-06-02", "09:00")
    assert book_session(desk, make_patient(desk), spray, nine).status_code == 201
    assert book_session(desk, make_patient(desk), spray, nine).status_code == 201
    third = book_session(desk, make_patient(desk), spray, nine)
    assert third.status_code == 409, third.json
    assert "no clinician on shift" in third.json["message"]
    # A chair-only treatment is not held back by the prescriber's load.
    assert book_session(desk, make_patient(desk), clinic.treatment, nine).status_code == 201


def test_free_slots_and_course_plans_keep_to_the_prescribers_shifts(app):
    admin, clinic, spray, doctor, _ = staffed_clinic(app)
    desk = api_as(app, "front_desk")
    slots = desk.get("/availability", query_string={"treatment_type_id": spray, "start": "2026-06-01T00:00:00-04:00",
                                                    "end": "2026-06-06T00:00:00-04:00"}).json
    assert slots and {s["start"][:10] for s in slots} == {"2026-06-02"}
    assert min(s["start"] for s in slots) == "2026-06-02T13:00:00+00:00"  # 09:00, when the clinic opens
    assert max(s["end"] for s in slots) <= "2026-06-02T21:00:00+00:00"  # over by 17:00, with the shift
    # A rota on Tuesdays and Fridays: an induction is planned on those days only.
    rota = admin.post(f"/clinicians/{doctor}/shifts/weekly", json={
        "first_day": "2026-06-03", "last_day": "2026-07-31", "pattern": {"tue": [["08:00", "17:00"]], "fri": [["08:00", "17:00"]]}})
    assert rota.status_code == 201, rota.json
    plan = desk.post("/courses/plan", json={"patient_id": make_patient(desk), "treatment_type_id": spray,
                                            "kind": "induction", "sessions": 4, "start_on": "2026-06-02",
                                            "min_gap_hours": 48}).json
    days = [datetime.fromisoformat(a["start"]).astimezone(timezone.utc).strftime("%a") for a in plan["appointments"]]
    assert days == ["Tue", "Fri", "Tue", "Fri"], plan


def test_a_shift_still_needed_is_kept_unless_forced_and_then_its_sessions_are_named(app):
    admin, clinic, spray, doctor, shift = staffed_clinic(app)
    desk = api_as(app, "front_desk")
    booked = book_session(desk, make_patient(desk), spray, clinic_time("2026-06-02", "10:00")).json
    refused = admin.call("DELETE", f"/shifts/{shift}")
    assert refused.status_code == 409, refused.json
    assert [a["id"] for a in refused.json["appointments"]] == [booked["id"]]
    assert len(admin.get(f"/clinicians/{doctor}/shifts").json) == 1
    assert admin.patch(f"/clinicians/{doctor}", json={"active": False}).status_code == 409
    forced = admin.call("DELETE", f"/shifts/{shift}?force=true")
    assert forced.status_code == 200 and [a["id"] for a in forced.json] == [booked["id"]]
    assert admin.get(f"/clinicians/{doctor}/shifts").json == []


def test_a_session_is_not_moved_to_a_time_nobody_covers(app):
    admin, clinic, spray, _, _ = staffed_clinic(app)
    desk = api_as(app, "front_desk")
    booked = book_session(desk, make_patient(desk), spray, clinic_time("2026-06-02", "10:00")).json
    moved = desk.post(f"/appointments/{booked['id']}/reschedule", json={"start": clinic_time("2026-06-03", "10:00")})
    assert moved.status_code == 409, moved.json
    assert desk.post(f"/appointments/{booked['id']}/reschedule",
                     json={"start": clinic_time("2026-06-02", "14:00")}).status_code == 200


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "X", "role": "Head Nurse"}, "role"),
    ({"name": "", "role": "nurse"}, "name"),
])
def test_a_clinician_with_a_bad_field_is_refused_by_name(app, body, field):
    admin = api_as(app, "admin")
    set_up_clinic(admin)
    answer = admin.post("/clinicians", json=body)
    assert answer.status_code == 422 and field in answer.json["errors"]["json"]
    assert admin.get("/clinicians").json == []


def test_a_clinician_is_never_on_two_shifts_at_once(app):
    admin, clinic, spray, doctor, _ = staffed_clinic(app)
    overlap = admin.post(f"/clinicians/{doctor}/shifts", json={
        "start": clinic_time("2026-06-02", "16:00"), "end": clinic_time("2026-06-02", "20:00")})
    assert overlap.status_code == 409, overlap.json
    backwards = admin.post(f"/clinicians/{doctor}/shifts", json={
        "start": clinic_time("2026-06-03", "16:00"), "end": clinic_time("2026-06-03", "08:00")})
    assert backwards.status_code == 422 and "end" in backwards.json["errors"]["json"]


def test_twenty_desks_racing_for_the_last_covered_place_book_it_once(pg_app):
    # A chair for every desk, so no chair is in dispute: only the prescriber's cover is. She
    # covers two at 09:00 and one is taken already.
    admin, clinic, spray, _, _ = staffed_clinic(pg_app, chairs=21)
    desk = api_as(pg_app, "front_desk")
    nine = clinic_time("2026-06-02", "09:00")
    assert book_session(desk, make_patient(desk), spray, nine, chair_id=clinic.chairs[0]).status_code == 201
    patients = [make_patient(desk) for _ in range(20)]

    answers = race([lambda api=api, patient=patient, chair=chair: book_session(api, patient, spray, nine, chair_id=chair)
                    for api, patient, chair in zip(desks(pg_app, 20), patients, clinic.chairs[1:])])

    assert codes(answers) == [201] + [409] * 19, [(a.status_code, a.json) for a in answers]
    with pg_app.app_context():
        at_nine = db.session.scalar(select(func.count()).select_from(Appointment).where(
            Appointment.start_at == datetime(2026, 6, 2, 13, tzinfo=UTC)))
    assert at_nine == 2


def test_when_every_desk_saw_the_cover_free_the_lock_still_lets_one_in(pg_app, monkeypatch):
    # Each request passes its own check before any writes: only the day's lock and the second
    # look under it can stop the others.
    racers = 8
    admin, clinic, spray, _, _ = staffed_clinic(pg_app, chairs=racers + 1)
    desk = api_as(pg_app, "front_desk")
    nine = clinic_time("2026-06-02", "09:00")
    assert book_session(desk, make_patient(desk), spray, nine, chair_id=clinic.chairs[0]).status_code == 201
    patients = [make_patient(desk) for _ in range(racers)]
    hold_first_checks(monkeypatch, racers)
    answers = race([lambda api=api, patient=patient, chair=chair: book_session(api, patient, spray, nine, chair_id=chair)
                    for api, patient, chair in zip(desks(pg_app, racers), patients, clinic.chairs[1:])])
    assert codes(answers) == [201] + [409] * (racers - 1), [(a.status_code, a.json) for a in answers]


def test_a_new_shift_offers_the_time_it_covers_to_the_waitlist(app, clock):
    admin, clinic, spray, doctor, _ = staffed_clinic(app)
    desk = api_as(app, "front_desk")
    waiting = desk.post("/waitlist", json={"patient_id": make_patient(desk), "treatment_type_id": spray,
                                           "earliest": "2026-06-03", "latest": "2026-06-03"})
    assert waiting.status_code == 201, waiting.json
    assert desk.get("/waitlist").json[0]["offers"] == []  # nobody covers Wednesday yet
    added = admin.post(f"/clinicians/{doctor}/shifts", json={
        "start": clinic_time("2026-06-03", "12:00"), "end": clinic_time("2026-06-03", "17:00")})
    assert added.status_code == 201, added.json
    [offer] = desk.get("/waitlist").json[0]["offers"]
    assert offer["appointment_start"] == "2026-06-03T16:00:00+00:00"  # 12:00, when the doctor comes in


def test_a_staffing_line_with_a_bad_role_is_refused_at_the_field_not_a_crash(app):
    admin = api_as(app, "admin")
    set_up_clinic(admin)
    refused = admin.post("/treatment-types", json={"name": "Nasal spray", "duration_minutes": 120, "staffing": [
        {"role": "Head Nurse!", "patients_per_staff": 2}, {"role": "nurse", "patients_per_staff": 2}]})
    assert refused.status_code == 422, refused.json
    assert "role" in refused.json["errors"]["json"]["staffing"]["0"]


def test_a_weekly_rota_covers_the_same_wall_clock_hours_either_side_of_the_autumn_change(app, clock):
    # Friday 30 October is EDT, Monday 2 November EST: the doctor is in 08:00-16:00 on both, so a
    # two-hour session may start at 14:00 and not at 14:15 on either day.
    admin, clinic, spray, doctor, _ = staffed_clinic(app)
    desk = api_as(app, "front_desk")
    rota = admin.post(f"/clinicians/{doctor}/shifts/weekly", json={
        "first_day": "2026-10-30", "last_day": "2026-11-02",
        "pattern": {"fri": [["08:00", "16:00"]], "mon": [["08:00", "16:00"]]}})
    assert rota.status_code == 201 and len(rota.json) == 2, rota.json
    for day in ("2026-10-30", "2026-11-02"):
        late = book_session(desk, make_patient(desk), spray, clinic_time(day, "14:15"))
        assert late.status_code == 409, (day, late.json)
        assert book_session(desk, make_patient(desk), spray, clinic_time(day, "14:00")).status_code == 201, day


# --- continuity of care: a course booked with a named clinician -------------------------------

def test_a_course_booked_with_a_named_clinician_keeps_to_their_shifts(app):
    admin, clinic, spray, ortiz, _ = staffed_clinic(app)
    desk = api_as(app, "front_desk")
    lee = admin.post("/clinicians", json={"name": "Dr. Lee Park", "role": "prescriber"}).json["id"]
    # Dr Ortiz works Mondays and Thursdays, Dr Park Tuesdays and Fridays, from 8 June.
    for doctor, days in ((ortiz, ("mon", "thu")), (lee, ("tue", "fri"))):
        rota = admin.post(f"/clinicians/{doctor}/shifts/weekly", json={
            "first_day": "2026-06-08", "last_day": "2026-07-31",
            "pattern": {day: [["08:00", "17:00"]] for day in days}})
        assert rota.status_code == 201, rota.json
    body = {"patient_id": make_patient(desk), "treatment_type_id": spray, "kind": "induction", "sessions": 4,
            "start_on": "2026-06-08", "min_gap_hours": 48, "max_span_days": 21, "clinician_id": lee}
    course = desk.post("/courses", json=body)
    assert course.status_code == 201, course.json
    assert course.json["clinician_id"] == lee
    days = [datetime.fromisoformat(a["start"]).strftime("%a") for a in course.json["appointments"]]
    assert days == ["Tue", "Fri", "Tue", "Fri"], days
    # Moving its last session to Dr Ortiz's Thursday is refused; to Dr Park's Tuesday, done.
    last = course.json["appointments"][-1]
    refused = desk.post(f"/appointments/{last['id']}/reschedule", json={"start": clinic_time("2026-06-25", "10:00")})
    assert refused.status_code == 409, refused.json
    assert desk.post(f"/appointments/{last['id']}/reschedule",
                     json={"start": clinic_time("2026-06-23", "10:00")}).status_code == 200


def test_a_course_named_for_a_clinician_who_is_off_the_rota_is_refused_on_that_field(app):
    admin, clinic, spray, ortiz, _ = staffed_clinic(app)
    desk = api_as(app, "front_desk")
    gone = admin.post("/clinicians", json={"name": "Dr. Gone", "role": "prescriber", "active": False}).json["id"]
    answer = desk.post("/courses/plan", json={"patient_id": make_patient(desk), "treatment_type_id": spray,
                                              "kind": "induction", "sessions": 3, "clinician_id": gone})
    assert answer.status_code == 422 and "clinician_id" in answer.json["errors"]["json"], answer.json
