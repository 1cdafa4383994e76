"""A course one session short after a cancellation gets a replacement through the API: it keeps
the course's gap, numbers the course again in time order, and is refused (changing nothing) when
the course is not short or the time breaks the gap.

The clock stands at Monday 1 June 2026, 08:00 in New York; the course runs Tuesday to Thursday
at 09:00, 24 hours apart."""
from __future__ import annotations

from ..factories import clinic_time, make_patient
from .test_booking import course, open_clinic


def short_course(app):
    desk, clinic = open_clinic(app)
    booked = desk.post("/courses", json=course(clinic, make_patient(desk), kind="induction", sessions=3,
                                               start_on="2026-06-02"))
    assert booked.status_code == 201, booked.json
    assert booked.json["sessions_short"] == 0
    second = booked.json["appointments"][1]
    assert desk.post(f"/appointments/{second['id']}/cancel", json={"reason": "unwell"}).status_code == 200
    return desk, booked.json["id"]


def test_a_cancelled_session_is_replaced_and_the_course_numbered_in_time_order(app):
    desk, course_id = short_course(app)
    assert desk.get(f"/courses/{course_id}").json["sessions_short"] == 1
    booked = desk.post(f"/courses/{course_id}/sessions", json={"start": clinic_time("2026-06-05", "09:00")})
    assert booked.status_code == 201, booked.json
    assert (booked.json["course_id"], booked.json["session_number"], booked.json["status"]) == (course_id, 4, "scheduled")
    after = desk.get(f"/courses/{course_id}").json
    assert after["sessions_short"] == 0
    assert [(s["session_number"], s["status"]) for s in after["appointments"]] == [
        (1, "scheduled"), (2, "cancelled"), (3, "scheduled"), (4, "scheduled")]


def test_a_replacement_too_close_to_the_others_names_start_and_books_nothing(app):
    desk, course_id = short_course(app)
    refused = desk.post(f"/courses/{course_id}/sessions", json={"start": clinic_time("2026-06-03", "14:00")})
    assert refused.status_code == 422, refused.json
    assert "must start at least 24 h before session 3" in refused.json["errors"]["json"]["start"][0]
    assert len(desk.get(f"/courses/{course_id}").json["appointments"]) == 3


def test_a_course_not_short_gets_no_replacement(app):
    desk, course_id = short_course(app)
    assert desk.post(f"/courses/{course_id}/sessions", json={"start": clinic_time("2026-06-03", "09:00")}).status_code == 201
    again = desk.post(f"/courses/{course_id}/sessions", json={"start": clinic_time("2026-06-05", "09:00")})
    assert again.status_code == 409
    assert len(desk.get(f"/courses/{course_id}").json["appointments"]) == 4
    assert desk.post("/courses/4242/sessions", json={"start": clinic_time("2026-06-05", "09:00")}).status_code == 404
    missing = desk.post(f"/courses/{course_id}/sessions", json={})
    assert missing.status_code == 422 and "start" in missing.json["errors"]["json"]


def test_two_desks_replacing_one_cancelled_session_at_once_book_one(pg_app):
    from .test_booking_races import codes, desks, race

    desk, course_id = short_course(pg_app)
    times = [clinic_time("2026-06-05", "09:00"), clinic_time("2026-06-08", "09:00")]  # both keep the gap
    answers = race([lambda api=api, start=start: api.post(f"/courses/{course_id}/sessions", json={"start": start})
                    for api, start in zip(desks(pg_app, 2), times)])
    assert codes(answers) == [201, 409], [(a.status_code, a.json) for a in answers]
    after = desk.get(f"/courses/{course_id}").json
    assert len(after["appointments"]) == 4 and after["sessions_short"] == 0


def test_two_desks_moving_sessions_of_one_course_at_once_leave_it_numbered_in_time_order(pg_app):
    from .test_booking_races import codes, desks, race

    desk, clinic = open_clinic(pg_app)
    booked = desk.post("/courses", json=course(clinic, make_patient(desk), kind="induction", sessions=3,
                                               start_on="2026-06-02")).json
    first, _, third = booked["appointments"]
    moves = [(first["id"], clinic_time("2026-06-05", "09:00")), (third["id"], clinic_time("2026-06-01", "09:00"))]
    answers = race([lambda api=api, move=move: api.post(f"/appointments/{move[0]}/reschedule", json={"start": move[1]})
                    for api, move in zip(desks(pg_app, 2), moves)])
    assert codes(answers) == [200, 200], [(a.status_code, a.json) for a in answers]
    sessions = desk.get(f"/courses/{booked['id']}").json["appointments"]
    assert [s["session_number"] for s in sorted(sessions, key=lambda s: s["start"])] == [1, 2, 3]
    assert [s["id"] for s in sorted(sessions, key=lambda s: s["start"])] == [third["id"], booked["appointments"][1]["id"], first["id"]]
