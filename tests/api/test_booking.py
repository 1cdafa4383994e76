"""The front desk's day through the JSON API: courses, single sessions, moves, cancellations and
the appointment's life, on SQLite and on PostgreSQL.

Unless a test says otherwise the clinic is in New York, open 09:00-17:00 on weekdays, and a session
is a 120-minute infusion with 15 minutes to turn the chair over. The clock starts on Monday
2026-06-01 at 12:00 UTC (08:00 in New York).
"""
import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from scheduler.extensions import db
from scheduler.models import Appointment, AuditEvent, Course
from tests.factories import api_as, book_session, clinic_time, make_patient, set_up_clinic

UTC = timezone.utc


def open_clinic(app, **options):
    """The front desk of a clinic the admin has just set up."""
    clinic = set_up_clinic(api_as(app, "admin"), **options)
    return api_as(app, "front_desk"), clinic


def course(clinic, patient, **fields) -> dict:
    return {"patient_id": patient, "treatment_type_id": clinic.treatment, **fields}


def starts(response) -> list[str]:
    return [session["start"] for session in response.json["appointments"]]


def appointments(api, **query) -> list[dict]:
    response = api.get("/appointments", query_string={"page_size": 100, **query})
    assert response.status_code == 200, response.json
    return response.json


def rows_in(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# --- courses ------------------------------------------------------------------------------------

def test_planning_a_course_books_nothing(app):
    desk, clinic = open_clinic(app)
    patient = make_patient(desk)
    plan = desk.post("/courses/plan", json=course(clinic, patient, kind="induction", sessions=6,
                                                  start_on="2026-06-02"))
    assert plan.status_code == 200, plan.json
    assert len(plan.json["appointments"]) == 6
    assert appointments(desk) == []
    assert rows_in(app, Course) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action.like("course.%"))) == 0


def test_an_induction_course_is_booked_as_planned_and_keeps_the_rules(app):
    desk, clinic = open_clinic(app)
    patient = make_patient(desk)
    body = course(clinic, patient, kind="induction", sessions=6, start_on="2026-06-02")
    plan = desk.post("/courses/plan", json=body)
    booked = desk.post("/courses", json=body)
    assert booked.status_code == 201, booked.json

    # 09:00 EDT each weekday from Tuesday, skipping the weekend.
    assert starts(booked) == ["2026-06-02T13:00:00+00:00", "2026-06-03T13:00:00+00:00",
                              "2026-06-04T13:00:00+00:00", "2026-06-05T13:00:00+00:00",
                              "2026-06-08T13:00:00+00:00", "2026-06-09T13:00:00+00:00"]
    assert [(s["start"], s["end"], s["chair_id"]) for s in plan.json["appointments"]] == [
        (s["start"], s["end"], s["chair_id"]) for s in booked.json["appointments"]]
    assert booked.json["kind"] == "induction" and booked.json["status"] == "active"
    sessions = booked.json["appointments"]
    assert [s["session_number"] for s in sessions] == [1, 2, 3, 4, 5, 6]
    assert {s["course_id"] for s in sessions} == {booked.json["id"]}
    assert {s["status"] for s in sessions} == {"scheduled"}
    assert {s["patient_id"] for s in sessions} == {patient}
    instants = [datetime.fromisoformat(s["start"]) for s in sessions]
    assert all(datetime.fromisoformat(s["end"]) - start == timedelta(hours=2)
               for s, start in zip(sessions, instants))
    gaps = [(later - earlier).total_seconds() / 3600 for earlier, later in zip(instants, instants[1:])]
    assert min(gaps) >= 24
    assert (instants[-1] - instants[0]).days <= 21

    # What GET answers is what was booked.
    again = desk.get(f"/courses/{booked.json['id']}")
    assert again.status_code == 200
    assert starts(again) == starts(booked)
    assert [a["id"] for a in appointments(desk, patient_id=patient)] == [s["id"] for s in sessions]


def test_a_course_that_cannot_fit_in_the_next_two_weeks_is_planned_after_them(app):
    # Closed from Wednesday Jun 3 to Friday Jun 26: Tuesday has room for a first session, but
    # no six sessions fit within 21 days of it, or of any day in the planner's first look.
    desk, clinic = open_clinic(app)
    admin = api_as(app, "admin")
    closed = [(datetime(2026, 6, 3) + timedelta(days=n)).date().isoformat() for n in range(24)]
    assert admin.put("/clinic", json={"closed_dates": closed}).status_code == 200
    patient = make_patient(desk)
    body = course(clinic, patient, kind="induction", sessions=6, start_on="2026-06-02")
    plan = desk.post("/courses/plan", json=body)
    assert plan.status_code == 200, plan.json
    assert starts(plan) == ["2026-06-29T13:00:00+00:00", "2026-06-30T13:00:00+00:00",
                            "2026-07-01T13:00:00+00:00", "2026-07-02T13:00:00+00:00",
                            "2026-07-03T13:00:00+00:00", "2026-07-06T13:00:00+00:00"]


def test_a_course_with_given_starts_books_exactly_those(app):
    desk, clinic = open_clinic(app)
    patient = make_patient(desk)
    chosen = [clinic_time("2026-06-03", "10:00"), clinic_time("2026-06-05", "14:00"),
              clinic_time("2026-06-08", "09:30")]
    body = course(clinic, patient, kind="induction", sessions=3, starts=chosen)
    plan = desk.post("/courses/plan", json=body)
    assert plan.status_code == 200, plan.json
    booked = desk.post("/courses", json=body)
    assert booked.status_code == 201, booked.json
    expected = ["2026-06-03T14:00:00+00:00", "2026-06-05T18:00:00+00:00", "2026-06-08T13:30:00+00:00"]
    assert starts(plan) == expected
    assert starts(booked) == expected


def test_given_starts_that_break_the_course_rules_are_refused(app):
    desk, clinic = open_clinic(app)
    patient = make_patient(desk)
    too_close = [clinic_time("2026-06-02", "14:00"), clinic_time("2026-06-03", "09:00"),
                 clinic_time("2026-06-04", "09:00")]  # 19 hours apart
    response = desk.post("/courses", json=course(clinic, patient, kind="induction", sessions=3,
                                                 starts=too_close))
    assert response.status_code == 422
    assert "starts" in response.json["errors"]["json"]
    too_few = desk.post("/courses", json=course(clinic, patient, kind="induction", sessions=2))
    assert too_few.status_code == 422
    assert "sessions" in too_few.json["errors"]["json"]
    assert appointments(desk) == []


def test_a_course_with_one_clashing_session_books_nothing_at_all(app):
    desk, clinic = open_clinic(app, chairs=1)
    other, patient = make_patient(desk), make_patient(desk)
    # Another patient has the only chair from 13:00 to 15:15 on Friday.
    assert book_session(desk, other, clinic.treatment, clinic_time("2026-06-05", "13:00")).status_code == 201
    before = appointments(desk)
    chosen = [clinic_time("2026-06-03", "09:00"), clinic_time("2026-06-05", "14:00"),  # clashes
              clinic_time("2026-06-08", "09:00")]
    response = desk.post("/courses", json=course(clinic, patient, kind="induction", sessions=3,
                                                 starts=chosen))
    assert response.status_code == 409, response.json
    assert "1" in response.json["errors"]["json"]["starts"]
    assert appointments(desk) == before
    assert appointments(desk, patient_id=patient) == []
    assert rows_in(app, Course) == 0
    # The two free sessions stay free: the same course at 10:00 on Friday books whole.
    chosen[1] = clinic_time("2026-06-05", "10:00")
    retry = desk.post("/courses", json=course(clinic, patient, kind="induction", sessions=3, starts=chosen))
    assert retry.status_code == 201, retry.json
    assert len(appointments(desk)) == 4


def test_a_maintenance_course_keeps_its_local_time_across_the_november_clock_change(app):
    desk, clinic = open_clinic(app)
    patient = make_patient(desk)
    body = course(clinic, patient, kind="maintenance", sessions=3, start_on="2026-10-20", interval_days=28)
    plan = desk.post("/courses/plan", json=body)
    booked = desk.post("/courses", json=body)
    assert booked.status_code == 201, booked.json
    # 09:00 EDT (UTC-4) on Oct 20, then 09:00 EST (UTC-5) after Nov 1: the UTC hour moves.
    assert starts(booked) == ["2026-10-20T13:00:00+00:00", "2026-11-17T14:00:00+00:00",
                              "2026-12-15T14:00:00+00:00"]
    assert starts(plan) == starts(booked)


def test_an_induction_course_across_the_march_clock_change_stays_at_nine(app, clock):
    clock.set(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))  # Monday; clocks go forward on Sunday Mar 8
    desk, clinic = open_clinic(app)
    patient = make_patient(desk)
    booked = desk.post("/courses", json=course(clinic, patient, kind="induction", sessions=6,
                                               start_on="2026-03-04"))
    assert booked.status_code == 201, booked.json
    assert starts(booked) == ["2026-03-04T14:00:00+00:00", "2026-03-05T14:00:00+00:00",
                              "2026-03-06T14:00:00+00:00", "2026-03-09T13:00:00+00:00",
                              "2026-03-10T13:00:00+00:00", "2026-03-11T13:00:00+00:00"]


def test_over_a_short_spring_night_the_next_session_keeps_its_time_on_the_clock(app, clock):
    # Open every day: Saturday 09:00 EST to Sunday 09:00 EDT is only 23 real hours, but the
    # clinic's clock says 24, which is how staff and patients count "same time tomorrow".
    clock.set(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    every_day = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    desk, clinic = open_clinic(app, opening_hours=every_day)
    patient = make_patient(desk)
    body = course(clinic, patient, kind="induction", sessions=3, start_on="2026-03-07")
    booked = desk.post("/courses", json=body)
    assert booked.status_code == 201, booked.json
    assert starts(booked) == ["2026-03-07T14:00:00+00:00", "2026-03-08T13:00:00+00:00",
                              "2026-03-09T13:00:00+00:00"]
    # A 25-hour gap moves each session an hour later on the clock, DST or not.
    other = make_patient(desk)
    longer = desk.post("/courses/plan", json=course(clinic, other, kind="induction", sessions=3,
                                                    start_on="2026-03-07", min_gap_hours=25))
    assert longer.status_code == 200, longer.json
    assert [s["start"] for s in longer.json["appointments"]] == [
        "2026-03-07T14:00:00+00:00", "2026-03-08T14:00:00+00:00", "2026-03-09T15:00:00+00:00"]


def test_a_sydney_clinic_keeps_nine_oclock_when_its_clocks_go_back_in_april(app, clock):
    clock.set(datetime(2026, 3, 30, 0, 0, tzinfo=UTC))  # Monday 11:00 in Sydney
    desk, clinic = open_clinic(app, timezone="Australia/Sydney")
    patient = make_patient(desk)
    body = course(clinic, patient, kind="induction", sessions=6, start_on="2026-04-01")
    plan = desk.post("/courses/plan", json=body)
    booked = desk.post("/courses", json=body)
    assert booked.status_code == 201, booked.json
    # 09:00 AEDT (UTC+11) is 22:00 UTC the day before; after Apr 5, 09:00 AEST (UTC+10) is 23:00.
    assert starts(booked) == ["2026-03-31T22:00:00+00:00", "2026-04-01T22:00:00+00:00",
                              "2026-04-02T22:00:00+00:00", "2026-04-05T23:00:00+00:00",
                              "2026-04-06T23:00:00+00:00", "2026-04-07T23:00:00+00:00"]
    assert starts(plan) == starts(booked)
    with app.app_context():
        days = db.session.scalars(select(Appointment.local_date).order_by(Appointment.start_at))
        assert [d.isoformat() for d in days] == ["2026-04-01", "2026-04-02", "2026-04-03",
                                                 "2026-04-06", "2026-04-07", "2026-04-08"]


def test_a_second_induction_course_while_one_is_running_is_refused(app):
    desk, clinic = open_clinic(app)
    patient = make_patient(desk)
    body = course(clinic, patient, kind="induction", sessions=3, start_on="2026-06-02")
    first = desk.post("/courses", json=body)
    assert first.status_code == 201, first.json
    second = desk.post("/courses", json={**body, "start_on": "2026-06-15"})
    assert second.status_code == 409
    assert "kind" in second.json["errors"]["json"]
    assert len(appointments(desk)) == 3
    # Once the first is cancelled, a new one may be booked, even on the same days.
    assert desk.post(f"/courses/{first.json['id']}/cancel", json={"reason": "moved"}).status_code == 200
    third = desk.post("/courses", json=body)
    assert third.status_code == 201, third.json
    assert starts(third) == starts(first)


def test_cancelling_a_course_cancels_only_the_sessions_still_to_come(app, clock):
    desk, clinic = open_clinic(app)
    patient = make_patient(desk)
    booked = desk.post("/courses", json=course(clinic, patient, kind="induction", sessions=3,
                                               start_on="2026-06-02"))
    assert booked.status_code == 201, booked.json
    first, second, third = (s["id"] for s in booked.json["appointments"])

    clock.set(datetime(2026, 6, 2, 12, 45, tzinfo=UTC))  # Tuesday's session starts at 13:00
    desk = api_as(app, "front_desk")  # a new shift, a new sign-in
    assert desk.post(f"/appointments/{first}/check-in").status_code == 200
    clock.set(datetime(2026, 6, 2, 15, 0, tzinfo=UTC))
    assert desk.post(f"/appointments/{first}/complete").status_code == 200
    clock.set(datetime(2026, 6, 3, 13, 30, tzinfo=UTC))  # Wednesday's session is under way
    desk = api_as(app, "front_desk")
    assert desk.post(f"/appointments/{second}/check-in").status_code == 200

    cancelled = desk.post(f"/courses/{booked.json['id']}/cancel", json={"reason": "patient moved away"})
    assert cancelled.status_code == 200, cancelled.json
    assert cancelled.json["status"] == "cancelled"
    assert [s["status"] for s in cancelled.json["appointments"]] == ["completed", "checked_in", "cancelled"]
    assert desk.get(f"/appointments/{third}").json["status"] == "cancelled"
    again = desk.post(f"/courses/{booked.json['id']}/cancel", json={})
    assert again.status_code == 409


def test_a_course_can_be_cancelled_without_giving_a_reason(app):
    desk, clinic = open_clinic(app)
    patient = make_patient(desk)
    booked = desk.post("/courses", json=course(clinic, patient, kind="maintenance", sessions=2,
                                               start_on="2026-06-02"))
    assert booked.status_code == 201, booked.json
    response = desk.post(f"/courses/{booked.json['id']}/cancel")
    assert response.status_code == 200, response.json
    assert [s["status"] for s in response.json["appointments"]] == ["cancelled", "cancelled"]


def test_a_start_date_in_the_year_9999_is_refused_not_a_crash(app):
    desk, clinic = open_clinic(app)
    patient = make_patient(desk)
    for path in ("/courses/plan", "/courses"):
        for fields in ({"kind": "induction", "sessions": 3, "start_on": "9999-12-31"},
                       {"kind": "maintenance", "sessions": 12, "interval_days": 120, "start_on": "9999-01-04"}):
            response = desk.post(path, json=course(clinic, patient, **fields))
            assert response.status_code in (400, 422), (path, fields, response.status_code)
            assert "start_on" in response.json["errors"]["json"]
    assert appointments(desk) == []


# --- single sessions ----------------------------------------------------------------------------

def test_a_taken_chair_and_time_cannot_be_booked_again(app):
    desk, clinic = open_clinic(app)
    first, second, third = make_patient(desk), make_patient(desk), make_patient(desk)
    nine = clinic_time("2026-06-02", "09:00")
    chair = clinic.chairs[0]
    booked = book_session(desk, first, clinic.treatment, nine, chair_id=chair)
    assert booked.status_code == 201, booked.json
    assert (booked.json["start"], booked.json["end"], booked.json["chair_id"]) == (
        "2026-06-02T13:00:00+00:00", "2026-06-02T15:00:00+00:00", chair)
    assert booked.json["course_id"] is None and booked.json["status"] == "scheduled"

    same_chair = book_session(desk, second, clinic.treatment, nine, chair_id=chair)
    assert same_chair.status_code == 409
    # Without a chair named, the other chair is given; then no chair is left at 09:00.
    other_chair = book_session(desk, second, clinic.treatment, nine)
    assert other_chair.status_code == 201
    assert other_chair.json["chair_id"] == clinic.chairs[1]
    assert book_session(desk, third, clinic.treatment, nine).status_code == 409
    # The buffer counts: 11:00 still overlaps the 09:00 session's turnover (until 11:15).
    assert book_session(desk, third, clinic.treatment, clinic_time("2026-06-02", "11:00")).status_code == 409
    assert book_session(desk, third, clinic.treatment, clinic_time("2026-06-02", "11:15")).status_code == 201
    assert len(appointments(desk)) == 3


def test_a_patient_gets_one_session_a_day(app):
    desk, clinic = open_clinic(app)
    patient = make_patient(desk)
    assert book_session(desk, patient, clinic.treatment, clinic_time("2026-06-02", "09:00")).status_code == 201
    afternoon = book_session(desk, patient, clinic.treatment, clinic_time("2026-06-02", "14:00"))
    assert afternoon.status_code == 409
    assert "start" in afternoon.json["errors"]["json"]
    assert book_session(desk, patient, clinic.treatment, clinic_time("2026-06-03", "14:00")).status_code == 201
    assert len(appointments(desk, patient_id=patient)) == 2


def test_a_time_off_the_grid_or_outside_hours_or_in_the_past_is_not_bookable(app):
    desk, clinic = open_clinic(app)
    patient = make_patient(desk)
    for start in (clinic_time("2026-06-02", "09:10"),   # off the 15-minute grid
                  clinic_time("2026-06-02", "15:15"),   # would end after 17:00
                  clinic_time("2026-06-06", "10:00"),   # Saturday
                  clinic_time("2026-05-29", "10:00")):  # last Friday
        response = book_session(desk, patient, clinic.treatment, start)
        assert response.status_code == 422, (start, response.json)
        assert "start" in response.json["errors"]["json"]
    naive = book_session(desk, patient, clinic.treatment, "2026-06-02T09:00:00")
    assert naive.status_code == 422
    assert "start" in naive.json["errors"]["json"]
    assert appointments(desk) == []


def test_availability_leaves_out_a_booked_session_and_its_turnover(app):
    desk, clinic = open_clinic(app, chairs=1)
    patient = make_patient(desk)
    assert book_session(desk, patient, clinic.treatment, clinic_time("2026-06-02", "09:00")).status_code == 201
    response = desk.get("/availability", query_string={
        "treatment_type_id": clinic.treatment, "start": clinic_time("2026-06-02", "00:00"),
        "end": clinic_time("2026-06-03", "00:00")})
    assert response.status_code == 200, response.json
    offered = [slot["start"] for slot in response.json]
    # The chair is held until 11:15; the last session that ends by 17:00 starts at 15:00.
    assert offered[0] == "2026-06-02T15:15:00+00:00"  # 11:15 EDT
    assert "2026-06-02T15:00:00+00:00" not in offered  # 11:00 EDT
    quarter_hours = (datetime(2026, 6, 2, 15, 15, tzinfo=UTC) + timedelta(minutes=15 * k) for k in range(16))
    assert offered == [at.isoformat() for at in quarter_hours]  # 11:15 to 15:00 EDT
    assert offered[-1] == "2026-06-02T19:00:00+00:00"
    assert {slot["chair_id"] for slot in response.json} == {clinic.chairs[0]}
    assert response.json[0]["end"] == "2026-06-02T17:15:00+00:00"


def test_availability_leaves_room_for_a_new_sessions_own_turnover(app):
    desk, clinic = open_clinic(app, chairs=1)
    patient, other = make_patient(desk), make_patient(desk)
    assert book_session(desk, patient, clinic.treatment, clinic_time("2026-06-02", "13:00")).status_code == 201
    response = desk.get("/availability", query_string={
        "treatment_type_id": clinic.treatment, "start": clinic_time("2026-06-02", "00:00"),
        "end": clinic_time("2026-06-03", "00:00")})
    assert response.status_code == 200, response.json
    # 10:45 ends at 12:45 and is turned over by 13:00; 11:00 would still be turning over at 13:00.
    # After the 13:00 session (held until 15:15) nothing fits before closing.
    assert [slot["start"] for slot in response.json] == [
        f"2026-06-02T{hour}:{minute}:00+00:00" for hour in ("13", "14") for minute in ("00", "15", "30", "45")]
    assert book_session(desk, other, clinic.treatment, clinic_time("2026-06-02", "11:00")).status_code == 409
    assert book_session(desk, other, clinic.treatment, clinic_time("2026-06-02", "10:45")).status_code == 201


def test_availability_offers_the_free_chair_beside_a_booked_one(app):
    desk, clinic = open_clinic(app)
    patient = make_patient(desk)
    booked = book_session(desk, patient, clinic.treatment, clinic_time("2026-06-02", "09:00"),
                          chair_id=clinic.chairs[0])
    assert booked.status_code == 201
    response = desk.get("/availability", query_string={
        "treatment_type_id": clinic.treatment, "start": clinic_time("2026-06-02", "09:00"),
        "end": clinic_time("2026-06-02", "11:30")})
    assert response.status_code == 200, response.json
    by_start = {slot["start"]: slot["chair_id"] for slot in response.json}
    assert by_start["2026-06-02T13:00:00+00:00"] == clinic.chairs[1]
    assert by_start["2026-06-02T15:00:00+00:00"] == clinic.chairs[1]  # 11:00: chair 1 still held
    assert by_start["2026-06-02T15:15:00+00:00"] == clinic.chairs[0]  # 11:15: chair 1 free again


# --- moving and cancelling ----------------------------------------------------------------------

def test_a_session_moved_to_a_free_time_needs_confirming_again(app):
    desk, clinic = open_clinic(app, chairs=1)
    patient, other = make_patient(desk), make_patient(desk)
    booked = book_session(desk, patient, clinic.treatment, clinic_time("2026-06-02", "09:00"))
    assert booked.status_code == 201
    with app.app_context():  # the patient replied C to the confirmation SMS
        db.session.get(Appointment, booked.json["id"]).status = "confirmed"
        db.session.commit()

    moved = desk.post(f"/appointments/{booked.json['id']}/reschedule",
                      json={"start": clinic_time("2026-06-03", "10:00")})
    assert moved.status_code == 200, moved.json
    assert (moved.json["start"], moved.json["end"], moved.json["status"]) == (
        "2026-06-03T14:00:00+00:00", "2026-06-03T16:00:00+00:00", "scheduled")
    assert desk.get(f"/appointments/{booked.json['id']}").json["start"] == "2026-06-03T14:00:00+00:00"
    # Its old time is free for someone else.
    assert book_session(desk, other, clinic.treatment, clinic_time("2026-06-02", "09:00")).status_code == 201


def test_a_session_can_move_within_its_own_time(app):
    desk, clinic = open_clinic(app, chairs=1)
    patient = make_patient(desk)
    booked = book_session(desk, patient, clinic.treatment, clinic_time("2026-06-02", "09:00"))
    moved = desk.post(f"/appointments/{booked.json['id']}/reschedule",
                      json={"start": clinic_time("2026-06-02", "09:30")})
    assert moved.status_code == 200, moved.json
    assert moved.json["start"] == "2026-06-02T13:30:00+00:00"


def test_a_session_cannot_be_moved_onto_a_taken_time(app):
    desk, clinic = open_clinic(app, chairs=1)
    patient, other = make_patient(desk), make_patient(desk)
    booked = book_session(desk, patient, clinic.treatment, clinic_time("2026-06-02", "09:00")).json
    assert book_session(desk, other, clinic.treatment, clinic_time("2026-06-04", "09:00")).status_code == 201
    for start in (clinic_time("2026-06-04", "09:00"), clinic_time("2026-06-04", "11:00")):
        refused = desk.post(f"/appointments/{booked['id']}/reschedule", json={"start": start})
        assert refused.status_code == 409, (start, refused.json)
    unchanged = desk.get(f"/appointments/{booked['id']}").json
    assert (unchanged["start"], unchanged["chair_id"], unchanged["status"]) == (
        "2026-06-02T13:00:00+00:00", booked["chair_id"], "scheduled")
    # Nor onto a day the patient already has a session.
    mine = book_session(desk, patient, clinic.treatment, clinic_time("2026-06-05", "09:00"))
    assert mine.status_code == 201
    same_day = desk.post(f"/appointments/{booked['id']}/reschedule",
                         json={"start": clinic_time("2026-06-05", "14:00")})
    assert same_day.status_code == 409


def test_an_induction_session_cannot_be_moved_closer_than_its_courses_gap(app):
    desk, clinic = open_clinic(app)
    patient = make_patient(desk)
    booked = desk.post("/courses", json=course(clinic, patient, kind="induction", sessions=3,
                                                min_gap_hours=48, start_on="2026-06-02"))
    assert booked.status_code == 201, booked.json
    assert booked.json["min_gap_hours"] == 48
    first, second, third = booked.json["appointments"]
    assert first["start"] == "2026-06-02T13:00:00+00:00"  # Tuesday 09:00 in New York
    before = appointments(desk, patient_id=patient)

    # Wednesday 14:00 is 29 hours after Tuesday's session: too soon after that dose.
    refused = desk.post(f"/appointments/{second['id']}/reschedule",
                        json={"start": clinic_time("2026-06-03", "14:00")})
    assert refused.status_code == 422, refused.json
    assert refused.json["errors"]["json"]["start"] == [
        "Session 2 (Wed 03 Jun 14:00) must start at least 48 h after session 1 (Tue 02 Jun 09:00)"]
    assert appointments(desk, patient_id=patient) == before

    # Later is fine, even past the course's planned span (a session put off for illness)...
    last = desk.post(f"/appointments/{third['id']}/reschedule", json={"start": clinic_time("2026-06-26", "09:00")})
    assert last.status_code == 200, last.json
    # ... and a cancelled session holds no dose to keep apart from.
    assert desk.post(f"/appointments/{first['id']}/cancel", json={"reason": "unwell"}).status_code == 200
    moved = desk.post(f"/appointments/{second['id']}/reschedule", json={"start": clinic_time("2026-06-03", "14:00")})
    assert moved.status_code == 200, moved.json


def test_cancelled_session_frees_its_chair(app):
    desk, clinic = open_clinic(app, chairs=1)
    patient, other = make_patient(desk), make_patient(desk)
    nine = clinic_time("2026-06-02", "09:00")
    booked = book_session(desk, patient, clinic.treatment, nine)
    assert book_session(desk, other, clinic.treatment, nine).status_code == 409
    assert desk.post(f"/appointments/{booked.json['id']}/cancel", json={}).status_code == 422  # a reason
    cancelled = desk.post(f"/appointments/{booked.json['id']}/cancel", json={"reason": "unwell"})
    assert cancelled.status_code == 200, cancelled.json
    assert cancelled.json["status"] == "cancelled"
    taken = book_session(desk, other, clinic.treatment, nine)
    assert taken.status_code == 201, taken.json
    assert taken.json["chair_id"] == booked.json["chair_id"]
    assert [a["status"] for a in appointments(desk)] == ["cancelled", "scheduled"]


# --- the appointment's life ---------------------------------------------------------------------

def test_a_session_is_checked_in_then_completed(app, clock):
    desk, clinic = open_clinic(app)
    patient = make_patient(desk)
    booked = book_session(desk, patient, clinic.treatment, clinic_time("2026-06-02", "09:00")).json
    path = f"/appointments/{booked['id']}"

    assert desk.post(f"{path}/check-in").status_code == 409  # the day before: too early
    assert desk.post(f"{path}/no-show").status_code == 409  # not started yet
    assert desk.post(f"{path}/complete").status_code == 409  # never checked in

    clock.set(datetime(2026, 6, 2, 12, 50, tzinfo=UTC))  # ten minutes before
    desk = api_as(app, "front_desk")
    checked_in = desk.post(f"{path}/check-in")
    assert checked_in.status_code == 200, checked_in.json
    assert checked_in.json["status"] == "checked_in"
    assert desk.post(f"{path}/no-show").status_code == 409  # they are here
    assert desk.post(f"{path}/reschedule", json={"start": clinic_time("2026-06-03", "09:00")}).status_code == 409

    clock.set(datetime(2026, 6, 2, 14, 45, tzinfo=UTC))  # before the booked end: the desk may still cancel
    nurse = api_as(app, "monitoring")
    completed = nurse.post(f"{path}/complete")
    assert completed.status_code == 200, completed.json
    assert completed.json["status"] == "completed"
    assert nurse.post(f"{path}/check-in").status_code == 403

    for action, body in (("cancel", {"reason": "oops"}), ("check-in", None), ("no-show", None),
                         ("complete", None)):
        refused = desk.post(f"{path}/{action}", json=body)
        assert refused.status_code == 409, (action, refused.json)
        assert "status" in refused.json["errors"]["json"]
    assert desk.get(path).json["status"] == "completed"


def test_a_session_started_without_the_patient_is_a_no_show(app, clock):
    desk, clinic = open_clinic(app)
    patient = make_patient(desk)
    booked = book_session(desk, patient, clinic.treatment, clinic_time("2026-06-02", "09:00")).json
    clock.set(datetime(2026, 6, 2, 13, 30, tzinfo=UTC))
    desk = api_as(app, "front_desk")
    assert desk.post(f"/appointments/{booked['id']}/complete").status_code == 409  # not checked in
    no_show = desk.post(f"/appointments/{booked['id']}/no-show")
    assert no_show.status_code == 200, no_show.json
    assert no_show.json["status"] == "no_show"
    assert desk.post(f"/appointments/{booked['id']}/check-in").status_code == 409


def test_status_changes_on_an_unknown_session_are_404(app):
    desk, _ = open_clinic(app)
    for action in ("check-in", "complete", "no-show"):
        assert desk.post(f"/appointments/999999/{action}").status_code == 404
    assert desk.post("/appointments/999999/cancel", json={"reason": "x"}).status_code == 404
    assert desk.post("/appointments/999999/reschedule",
                     json={"start": clinic_time("2026-06-02", "09:00")}).status_code == 404
    assert desk.post("/courses/999999/cancel", json={}).status_code == 404


# --- the schedule list --------------------------------------------------------------------------

def test_the_schedule_filters_by_time_patient_and_status(app):
    desk, clinic = open_clinic(app)
    anna, ben = make_patient(desk), make_patient(desk)
    course_ids = [s["id"] for s in desk.post("/courses", json=course(
        clinic, anna, kind="induction", sessions=3, start_on="2026-06-02")).json["appointments"]]
    ben_wed = book_session(desk, ben, clinic.treatment, clinic_time("2026-06-03", "13:00")).json["id"]
    ben_fri = book_session(desk, ben, clinic.treatment, clinic_time("2026-06-05", "09:00")).json["id"]
    assert desk.post(f"/appointments/{ben_fri}/cancel", json={"reason": "travel"}).status_code == 200

    everything = appointments(desk)
    assert [a["id"] for a in everything] == [course_ids[0], course_ids[1], ben_wed, course_ids[2], ben_fri]
    assert set(everything[0]) >= {"id", "patient_id", "course_id", "session_number", "treatment_type_id",
                                  "chair_id", "start", "end", "status"}
    wednesday = appointments(desk, **{"from": clinic_time("2026-06-03", "00:00"),
                                      "to": clinic_time("2026-06-04", "00:00")})
    assert [a["id"] for a in wednesday] == [course_ids[1], ben_wed]
    # "from" counts the start itself; "to" does not.
    edge = appointments(desk, **{"from": "2026-06-03T13:00:00Z", "to": "2026-06-03T17:00:00Z"})
    assert [a["id"] for a in edge] == [course_ids[1]]
    assert [a["id"] for a in appointments(desk, patient_id=ben)] == [ben_wed, ben_fri]
    assert [a["id"] for a in appointments(desk, status="cancelled")] == [ben_fri]
    assert [a["id"] for a in appointments(desk, patient_id=anna, **{"from": clinic_time("2026-06-03", "00:00")})] == \
        course_ids[1:]
    for bad in ({"from": "2026-06-03T00:00:00"}, {"status": "lost"}, {"patient_id": "ben"}):
        response = desk.get("/appointments", query_string=bad)
        assert response.status_code == 422, (bad, response.json)
    nurse = api_as(app, "monitoring")
    assert len(nurse.get("/appointments").json) == 5
    assert api_as(app, None).get("/appointments").status_code == 401


def test_the_schedule_comes_in_pages(app):
    desk, clinic = open_clinic(app)
    patients = [make_patient(desk) for _ in range(5)]
    for n, patient in enumerate(patients):
        chair = clinic.chairs[n % 2]
        day = ["2026-06-02", "2026-06-02", "2026-06-03", "2026-06-03", "2026-06-04"][n]
        assert book_session(desk, patient, clinic.treatment, clinic_time(day, "09:00"),
                            chair_id=chair).status_code == 201
    ordered = [a["id"] for a in appointments(desk)]

    page = desk.get("/appointments", query_string={"page": 2, "page_size": 2})
    assert page.status_code == 200
    assert [a["id"] for a in page.json] == ordered[2:4]
    assert json.loads(page.headers["X-Pagination"]) == {
        "total": 5, "total_pages": 3, "first_page": 1, "last_page": 3, "page": 2,
        "previous_page": 1, "next_page": 3}
    last = desk.get("/appointments", query_string={"page": 3, "page_size": 2})
    assert [a["id"] for a in last.json] == ordered[4:]
    assert desk.get("/appointments", query_string={"page_size": 1001}).status_code == 422


# --- the audit trail ----------------------------------------------------------------------------

def test_every_booking_change_leaves_an_audit_row_without_patient_details(app, clock):
    desk, clinic = open_clinic(app)
    person = {"first_name": "Winifred", "last_name": "Oyelaran-Bishop", "phone": "+16175550142",
              "email": "winifred.ob@example.com"}
    patient = make_patient(desk, **person)
    booked = desk.post("/courses", json=course(clinic, patient, kind="induction", sessions=3,
                                               start_on="2026-06-02")).json
    course_id = booked["id"]
    first, second, _ = (s["id"] for s in booked["appointments"])
    single = book_session(desk, patient, clinic.treatment, clinic_time("2026-06-12", "09:00")).json["id"]
    assert desk.post(f"/appointments/{single}/reschedule",
                     json={"start": clinic_time("2026-06-12", "13:00")}).status_code == 200
    assert desk.post(f"/appointments/{single}/cancel",
                     json={"reason": "Winifred is travelling"}).status_code == 200
    # A refused change writes nothing.
    assert desk.post(f"/appointments/{first}/complete").status_code == 409
    clock.set(datetime(2026, 6, 2, 12, 30, tzinfo=UTC))
    desk = api_as(app, "front_desk")
    assert desk.post(f"/appointments/{first}/check-in").status_code == 200
    clock.set(datetime(2026, 6, 2, 15, 0, tzinfo=UTC))
    assert desk.post(f"/appointments/{first}/complete").status_code == 200
    assert desk.post(f"/courses/{course_id}/cancel", json={"reason": "Winifred asked"}).status_code == 200

    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type.in_(("course", "appointment"))).order_by(AuditEvent.id)).all()
        trail = [(e.action, e.object_type, e.object_id) for e in events]
        assert trail == [
            ("course.book", "course", course_id),
            ("appointment.book", "appointment", single),
            ("appointment.reschedule", "appointment", single),
            ("appointment.cancel", "appointment", single),
            ("appointment.check_in", "appointment", first),
            ("appointment.complete", "appointment", first),
            ("course.cancel", "course", course_id),
        ]
        assert all(e.staff_id is not None for e in events)
        assert events[-1].details["cancelled"] == [second, booked["appointments"][2]["id"]]
        everything = json.dumps([e.details for e in db.session.scalars(select(AuditEvent))])
    for secret in ("Winifred", "Oyelaran", "5550142", "winifred.ob", "travelling", "asked"):
        assert secret not in everything


def test_a_course_prefers_the_chair_asked_for_where_it_is_free_and_names_an_unknown_one(app):
    desk, clinic = open_clinic(app)
    other, patient = make_patient(desk), make_patient(desk)
    taken = book_session(desk, other, clinic.treatment, clinic_time("2026-06-03", "09:00"), chair_id=clinic.chairs[1])
    assert taken.status_code == 201, taken.json
    body = course(clinic, patient, kind="induction", sessions=3, start_on="2026-06-02",
                  preferred_chair_id=clinic.chairs[1])
    plan = desk.post("/courses/plan", json=body)
    assert plan.status_code == 200, plan.json
    assert [s["chair_id"] for s in plan.json["appointments"]] == [clinic.chairs[1], clinic.chairs[0], clinic.chairs[1]]
    unknown = desk.post("/courses/plan", json={**body, "preferred_chair_id": 999999})
    assert unknown.status_code == 422 and "preferred_chair_id" in unknown.json["errors"]["json"]
    booked = desk.post("/courses", json=body)
    assert [s["chair_id"] for s in booked.json["appointments"]] == [clinic.chairs[1], clinic.chairs[0], clinic.chairs[1]]


def test_a_gap_too_short_is_refused_naming_the_session_and_both_times(app):
    desk, clinic = open_clinic(app)
    patient = make_patient(desk)
    starts = [clinic_time(day, "09:00") for day in ("2026-06-02", "2026-06-03", "2026-06-04")]
    refused = desk.post("/courses", json=course(clinic, patient, kind="induction", sessions=3,
                                                 min_gap_hours=48, starts=starts))
    assert refused.status_code == 422
    assert refused.json["errors"]["json"] == {"starts": {
        "1": ["Session 2 (Wed 03 Jun 09:00) must start at least 48 h after session 1 (Tue 02 Jun 09:00)"]}}
