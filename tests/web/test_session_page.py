"""A session's page as the front desk uses it (issue 14): the times offered to move a session or
to replace a cancelled one are exactly those the booking accepts, the actions offered are those
the status and the time of day allow, and a course's sessions stay numbered in time order.

The clock stands at Monday 1 June 2026, 08:00 in New York; the clinic opens 09:00 to 17:00 on
weekdays. The induction course is booked Tuesday, Wednesday and Thursday at 09:00, 24 hours apart.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from ..factories import api_as, clinic_time
from .pages import pages_as, text_of
from .test_booking_pages import TUESDAY, appointment, book_one, open_clinic, options_of

PLAN = {"min_minutes": 120, "checks": [], "ranges": {}}


def booked_course(desk, sessions=3) -> list[dict]:
    booked = desk.api.post("/courses", json={"patient_id": desk.patient, "treatment_type_id": desk.treatment,
                                             "kind": "induction", "sessions": sessions, "start_on": TUESDAY})
    assert booked.status_code == 201, booked.json
    return booked.json["appointments"]


def course_numbers(desk, course_id: int) -> list[tuple[int, str]]:
    """(session number, start) of each session of the course, in time order."""
    sessions = desk.api.get(f"/courses/{course_id}").json["appointments"]
    return [(s["session_number"], s["start"]) for s in sorted(sessions, key=lambda s: s["start"])]


def every_grid_start(first_day: str, days: int) -> list[str]:
    """Each quarter hour a 120-minute session could start at, 09:00 to 15:00, over the days."""
    day = datetime.fromisoformat(first_day)
    return [clinic_time((day + timedelta(days=n)).date().isoformat(), f"{9 + q // 4:02d}:{q % 4 * 15:02d}")
            for n in range(days) for q in range(25)]


def test_every_time_offered_for_a_move_is_one_the_booking_accepts_and_no_other(app):
    desk = open_clinic(app)
    _, _, third = booked_course(desk)
    book_one(desk, "2026-06-05", "13:00")  # the patient's single session on Friday
    offered = options_of(desk.pages.get(f"/appointments/{third['id']}"), "f-start")
    assert offered == sorted(offered, key=datetime.fromisoformat)
    assert not [start for start in offered if start.startswith("2026-06-05")]  # Friday is taken

    accepted = []
    for start in every_grid_start("2026-06-02", 5):  # Tuesday to Saturday, around Thursday
        moved = desk.api.post(f"/appointments/{third['id']}/reschedule", json={"start": start})
        if moved.status_code == 200:
            accepted.append(start)
            back = desk.api.post(f"/appointments/{third['id']}/reschedule", json={"start": third["start"]})
            assert back.status_code == 200, back.json
    assert offered == [start for start in accepted if start != clinic_time("2026-06-04", "09:00")]


def test_each_time_offered_names_its_chair_under_its_day_and_says_how_many_there_are(app):
    desk = open_clinic(app)
    session_id = book_one(desk, TUESDAY)
    page = desk.pages.get(f"/appointments/{session_id}")
    html = page.get_data(as_text=True)
    days = re.findall(r'<optgroup label="([^"]+)">', html)
    assert days == ["Mon 01 Jun 2026", "Tue 02 Jun 2026", "Wed 03 Jun 2026", "Thu 04 Jun 2026"]
    first = re.search(r'<optgroup label="Mon 01 Jun 2026">\s*<option value="[^"]+">([^<]+)<', html).group(1)
    assert first == "09:00, Chair 1"
    count = len(options_of(page, "f-start"))
    assert f"{count} free times, Mon 01 Jun – Thu 04 Jun 2026" in text_of(page)


def test_moving_a_session_past_the_next_renumbers_the_course_in_time_order(app):
    desk = open_clinic(app)
    first, second, third = booked_course(desk)
    course_id = first["course_id"]
    moved = desk.pages.post(f"/appointments/{first['id']}/reschedule", {"start": clinic_time("2026-06-05", "09:00")})
    assert moved.status_code == 303
    assert course_numbers(desk, course_id) == [
        (1, second["start"]), (2, third["start"]), (3, "2026-06-05T13:00:00+00:00")]
    assert re.search(r"Induction course\s*, session 3\b", text_of(desk.pages.get(f"/appointments/{first['id']}")))


def test_a_future_session_offers_no_check_in_or_no_show_and_says_when_they_open(app):
    desk = open_clinic(app)
    session_id = book_one(desk, TUESDAY)
    shown = text_of(desk.pages.get(f"/appointments/{session_id}"))
    html = desk.pages.get(f"/appointments/{session_id}").get_data(as_text=True)
    assert f'action="/appointments/{session_id}/check-in"' not in html
    assert f'action="/appointments/{session_id}/no-show"' not in html
    assert "Check-in not yet: check-in opens 4 hours before the session." in shown
    assert "No-show not yet: the session has not started yet" in shown
    assert f'action="/appointments/{session_id}/reschedule"' in html  # still movable


def test_no_show_is_offered_once_the_session_has_started(app, clock):
    desk = open_clinic(app)
    session_id = book_one(desk)
    before = desk.pages.get(f"/appointments/{session_id}").get_data(as_text=True)
    assert f'action="/appointments/{session_id}/no-show"' not in before
    clock.advance(hours=1, minutes=1)  # 09:01, the session has begun
    after = desk.pages.get(f"/appointments/{session_id}").get_data(as_text=True)
    assert f'action="/appointments/{session_id}/no-show"' in after
    assert f'action="/appointments/{session_id}/reschedule"' not in after


def test_completing_early_offers_monitoring_the_override_and_the_desk_only_the_reason(app, clock):
    desk = open_clinic(app)
    assert api_as(app, "admin").patch(f"/treatment-types/{desk.treatment}", json={"observation": PLAN}).status_code == 200
    session_id = book_one(desk)
    clock.advance(hours=1)
    assert desk.pages.post(f"/appointments/{session_id}/check-in").status_code == 303
    clock.advance(minutes=30)

    desk_page = text_of(desk.pages.get(f"/appointments/{session_id}"))
    assert "minimum observation of 120 minutes is not over (90 minutes left)" in desk_page
    assert "Only monitoring staff or the admin may discharge" in desk_page
    refused = desk.pages.post(f"/appointments/{session_id}/complete", {"override_note": "seen by Dr. Ortiz"})
    assert refused.status_code == 403
    assert appointment(desk, session_id)["status"] == "checked_in"

    nurse = pages_as(app, "monitoring")
    page = nurse.get(f"/appointments/{session_id}").get_data(as_text=True)
    assert 'name="override_note"' in page and "Complete anyway" in page
    assert nurse.post(f"/appointments/{session_id}/complete", {}).status_code == 409
    done = nurse.post(f"/appointments/{session_id}/complete", {"override_note": "seen by Dr. Ortiz"})
    assert done.status_code == 303
    assert appointment(desk, session_id)["status"] == "completed"


def test_a_cancelled_session_of_a_course_is_replaced_in_time_order(app):
    desk = open_clinic(app)
    first, second, third = booked_course(desk)
    course_id = first["course_id"]
    desk.api.post(f"/appointments/{second['id']}/cancel", json={"reason": "unwell"})
    assert "1 session short" in text_of(desk.pages.get(f"/courses/{course_id}"))
    page = desk.pages.get(f"/appointments/{second['id']}")
    assert "Book a replacement" in text_of(page)
    offered = options_of(page, "f-start")
    assert clinic_time("2026-06-05", "09:00") in offered
    # Only Wednesday 09:00, the cancelled session's own time, keeps a day from Tuesday and Thursday.
    assert [start for start in offered if start[:10] in ("2026-06-02", "2026-06-03", "2026-06-04")] == [
        clinic_time("2026-06-03", "09:00")]

    done = desk.pages.post(f"/appointments/{second['id']}/replacement", {"start": clinic_time("2026-06-05", "09:00")})
    assert done.status_code == 303
    new_id = int(done.headers["Location"].rsplit("/", 1)[1])
    assert appointment(desk, new_id)["course_id"] == course_id
    assert course_numbers(desk, course_id) == [
        (1, first["start"]), (2, second["start"]), (3, third["start"]), (4, "2026-06-05T13:00:00+00:00")]
    assert "short" not in text_of(desk.pages.get(f"/courses/{course_id}"))
    assert "Book a replacement" not in text_of(desk.pages.get(f"/appointments/{second['id']}"))


def test_a_replacement_breaking_the_gap_or_for_a_course_not_short_is_refused_and_books_nothing(app):
    desk = open_clinic(app)
    first, second, third = booked_course(desk)
    too_close = desk.pages.post(f"/appointments/{second['id']}/replacement", {"start": clinic_time("2026-06-05", "09:00")})
    assert too_close.status_code == 409  # not cancelled: nothing to replace
    desk.api.post(f"/appointments/{second['id']}/cancel", json={"reason": "unwell"})
    refused = desk.pages.post(f"/appointments/{second['id']}/replacement", {"start": clinic_time("2026-06-03", "14:00")})
    assert refused.status_code == 422
    assert re.search(r'id="e-start">Session 2 \(Wed 03 Jun 14:00\) must start at least 24 h', refused.get_data(as_text=True))
    missing = desk.pages.post(f"/appointments/{second['id']}/replacement", {})
    assert missing.status_code == 422 and 'id="e-start"' in missing.get_data(as_text=True)
    assert len(desk.api.get(f"/courses/{first['course_id']}").json["appointments"]) == 3


def test_the_patients_phone_is_a_number_to_tap_in_national_format(app):
    desk = open_clinic(app)
    session_id = book_one(desk)
    phone = desk.api.get(f"/patients/{desk.patient}").json["phone"]
    html = desk.pages.get(f"/appointments/{session_id}").get_data(as_text=True)
    national = f"({phone[2:5]}) {phone[5:8]}-{phone[8:]}"
    assert f'<a href="tel:{phone}">{national}</a>' in html
