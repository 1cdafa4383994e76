"""Booking a course at the front desk, a course's page, and an appointment's page with the day's
actions on it: check-in, complete, no-show, cancel and reschedule.

The clock stands at Monday 1 June 2026, 08:00 in New York; the clinic opens 09:00 to 17:00."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from ..factories import Api, api_as, book_session, clinic_time, make_patient, set_up_clinic
from .pages import StaffPages, pages_as, text_of

MONDAY, TUESDAY, WEDNESDAY = "2026-06-01", "2026-06-02", "2026-06-03"


@dataclass
class Desk:
    """A clinic set up for the day, a patient to book for, and the desk's page and API access."""

    pages: StaffPages
    api: Api
    patient: int
    treatment: int
    chairs: list[int]


def open_clinic(app, chairs=2) -> Desk:
    ids = set_up_clinic(api_as(app, "admin"), chairs=chairs)
    api = api_as(app, "front_desk")
    patient = make_patient(api, first_name="Ada", last_name="Lovelace")
    return Desk(pages_as(app, "front_desk"), api, patient, ids.treatment, ids.chairs)


def course_form(desk: Desk, action="plan", **fields) -> dict:
    return {"patient_id": str(desk.patient), "treatment_type_id": str(desk.treatment),
            "kind": "induction", "sessions": "3", "start_on": MONDAY, "action": action, **fields}


def chosen_starts(response) -> list[str]:
    """The start each session's select has chosen, in session order."""
    html = response.get_data(as_text=True)
    selects = re.findall(r'<select id="f-starts-\d+" name="starts".*?</select>', html, flags=re.S)
    return [re.search(r'<option value="([^"]+)" selected>', select).group(1) for select in selects]


def options_of(response, select_id: str) -> list[str]:
    html = response.get_data(as_text=True)
    select = re.search(rf'<select id="{select_id}".*?</select>', html, flags=re.S).group(0)
    return re.findall(r'<option value="([^"]+)"', select)


def appointments_of(desk: Desk) -> list[dict]:
    return desk.api.get(f"/appointments?patient_id={desk.patient}").json


def appointment(desk: Desk, appointment_id: int) -> dict:
    return desk.api.get(f"/appointments/{appointment_id}").json


def book_one(desk: Desk, day=MONDAY, at="09:00", patient=None) -> int:
    response = book_session(desk.api, patient or desk.patient, desk.treatment, clinic_time(day, at))
    assert response.status_code == 201, response.json
    return response.json["id"]


# --- booking a course ------------------------------------------------------------------------

def test_the_form_starts_with_the_patient_named_and_the_first_date_today(app):
    desk = open_clinic(app)
    page = desk.pages.get(f"/courses/new?patient_id={desk.patient}&kind=maintenance")
    assert page.status_code == 200
    assert "Book a course for Ada Lovelace" in text_of(page)
    html = page.get_data(as_text=True)
    assert f'<option value="{desk.patient}" selected>' in html
    assert '<option value="maintenance" selected>' in html
    assert f'value="{MONDAY}"' in html  # today in the clinic's zone


def test_the_desk_plans_an_induction_and_books_it_as_proposed(app):
    desk = open_clinic(app)
    planned = desk.pages.post("/courses/new", course_form(desk))
    assert planned.status_code == 200
    shown = text_of(planned)
    for day in ("Mon 01 Jun 2026, 09:00 EDT", "Tue 02 Jun 2026, 09:00 EDT", "Wed 03 Jun 2026, 09:00 EDT"):
        assert day in shown
    assert "Chair 1" in shown
    assert appointments_of(desk) == []  # a plan books nothing

    starts = chosen_starts(planned)
    assert starts == [clinic_time(day, "09:00") for day in (MONDAY, TUESDAY, WEDNESDAY)]
    booked = desk.pages.post("/courses/new", course_form(desk, "book", starts=starts))
    assert booked.status_code == 303
    course_id = int(booked.headers["Location"].rsplit("/", 1)[1])
    course = desk.api.get(f"/courses/{course_id}").json
    assert course["patient_id"] == desk.patient and course["kind"] == "induction"
    assert [a["start"] for a in course["appointments"]] == [
        "2026-06-01T13:00:00+00:00", "2026-06-02T13:00:00+00:00", "2026-06-03T13:00:00+00:00"]

    page = desk.pages.get(booked.headers["Location"])
    assert "Course booked: 3 sessions." in text_of(page)
    assert text_of(page).count("scheduled") == 3


def test_the_desk_books_a_course_with_a_named_clinician_inside_her_shifts(app):
    desk = open_clinic(app)
    admin = api_as(app, "admin")
    doctor = admin.post("/clinicians", json={"name": "Dr. Ana Ortiz", "role": "prescriber"}).json["id"]
    rota = admin.post(f"/clinicians/{doctor}/shifts/weekly", json={  # Tuesdays and Thursdays only
        "first_day": MONDAY, "last_day": "2026-06-30", "pattern": {"tue": [["08:00", "17:00"]], "thu": [["08:00", "17:00"]]}})
    assert rota.status_code == 201, rota.json
    form = course_form(desk, clinician_id=str(doctor))
    planned = desk.pages.post("/courses/new", form)
    assert "Dr. Ana Ortiz (prescriber)" in text_of(planned)
    starts = chosen_starts(planned)
    assert starts == [clinic_time(day, "09:00") for day in (TUESDAY, "2026-06-04", "2026-06-09")]
    booked = desk.pages.post("/courses/new", {**form, "action": "book", "starts": starts})
    assert booked.status_code == 303
    course_id = int(booked.headers["Location"].rsplit("/", 1)[1])
    assert desk.api.get(f"/courses/{course_id}").json["clinician_id"] == doctor


def test_a_session_moved_to_another_free_time_is_booked_there(app):
    desk = open_clinic(app)
    planned = desk.pages.post("/courses/new", course_form(desk))
    thursday = clinic_time("2026-06-04", "10:00")
    offered = options_of(planned, "f-starts-2")
    assert clinic_time(WEDNESDAY, "14:00") in offered
    assert thursday in offered  # the days around are offered too
    assert clinic_time("2026-06-08", "09:00") not in offered  # but not the whole month
    starts = chosen_starts(planned)
    starts[2] = thursday

    booked = desk.pages.post("/courses/new", course_form(desk, "book", starts=starts))
    assert booked.status_code == 303
    assert [a["start"] for a in appointments_of(desk)] == [
        "2026-06-01T13:00:00+00:00", "2026-06-02T13:00:00+00:00", "2026-06-04T14:00:00+00:00"]


def test_checking_the_chosen_times_shows_them_with_their_chairs_and_books_nothing(app):
    desk = open_clinic(app)
    starts = chosen_starts(desk.pages.post("/courses/new", course_form(desk)))
    starts[2] = clinic_time(WEDNESDAY, "15:00")
    checked = desk.pages.post("/courses/new", course_form(desk, "check", starts=starts))
    assert checked.status_code == 200
    assert "Wed 03 Jun 2026, 15:00 EDT" in text_of(checked)
    assert chosen_starts(checked) == starts
    assert appointments_of(desk) == []


def test_a_preferred_afternoon_time_is_honoured_where_a_chair_is_free(app):
    desk = open_clinic(app, chairs=1)
    other = make_patient(desk.api)
    book_one(desk, TUESDAY, "14:00", patient=other)  # Tuesday afternoon's only chair is taken
    planned = desk.pages.post("/courses/new", course_form(desk, preferred_time="14:00"))
    assert planned.status_code == 200
    # Monday 14:00 would leave only 19 hours to Tuesday's 09:00: the course needs 24.
    assert chosen_starts(planned) == [
        clinic_time(MONDAY, "09:00"), clinic_time(TUESDAY, "09:00"), clinic_time(WEDNESDAY, "14:00")]
    assert 'value="14:00"' in planned.get_data(as_text=True)  # the preference is kept


def test_a_slot_taken_between_plan_and_book_is_explained_and_nothing_is_booked(app):
    desk = open_clinic(app, chairs=1)
    planned = desk.pages.post("/courses/new", course_form(desk, preferred_time="09:00"))
    starts = chosen_starts(planned)
    rival = make_patient(desk.api)
    book_one(desk, TUESDAY, "09:00", patient=rival)  # another desk books Tuesday meanwhile

    refused = desk.pages.post("/courses/new", course_form(desk, "book", preferred_time="09:00",
                                                          starts=starts))
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    error = re.search(r'<p class="error" id="e-starts-1">([^<]+)</p>', html)
    assert error and "no chair is free" in error.group(1)
    assert "e-starts-0" not in html and "e-starts-2" not in html
    # Everything entered is still there, the taken time marked.
    assert f'<option value="{desk.patient}" selected>' in html
    assert 'name="sessions" type="number" value="3"' in html
    assert 'value="09:00"' in html
    assert chosen_starts(refused) == starts
    assert "09:00 EDT · not free now" in html
    assert appointments_of(desk) == []


def test_an_induction_of_seven_sessions_is_refused_naming_the_field(app):
    desk = open_clinic(app)
    response = desk.pages.post("/courses/new", course_form(desk, sessions="7"))
    assert response.status_code == 422
    assert re.search(r'id="e-sessions">an induction course has 3 to 6 sessions<',
                     response.get_data(as_text=True))
    assert 'value="7"' in response.get_data(as_text=True)


@pytest.mark.parametrize("field, value, message", [
    ("sessions", "three", "Not a valid integer."),
    ("patient_id", "", "choose a patient"),
    ("patient_id", "99999", "patient not found"),
    ("treatment_type_id", "", "choose a treatment"),
    ("start_on", "next week", "Not a valid date."),
    ("preferred_time", "2pm", "must be a time as HH:MM"),
    ("kind", "forever", "Must be one of"),
])
def test_bad_course_input_names_the_field_and_books_nothing(app, field, value, message):
    desk = open_clinic(app)
    starts = [clinic_time(day, "09:00") for day in (MONDAY, TUESDAY, WEDNESDAY)]
    response = desk.pages.post("/courses/new", course_form(desk, "book", starts=starts, **{field: value}))
    assert response.status_code == 422
    error = re.search(rf'id="e-{field}">([^<]+)<', response.get_data(as_text=True))
    assert error and message in error.group(1)
    assert appointments_of(desk) == []


def test_a_start_that_is_not_a_time_is_named_and_kept_as_entered(app):
    desk = open_clinic(app)
    starts = [clinic_time(MONDAY, "09:00"), "next tuesday", clinic_time(WEDNESDAY, "09:00")]
    response = desk.pages.post("/courses/new", course_form(desk, "book", starts=starts))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="e-starts-1">Not a valid datetime.<' in html
    assert chosen_starts(response) == starts
    assert appointments_of(desk) == []


def test_two_sessions_on_one_day_break_the_course_rules(app):
    desk = open_clinic(app)
    starts = [clinic_time(MONDAY, "09:00"), clinic_time(MONDAY, "14:00"), clinic_time(WEDNESDAY, "09:00")]
    response = desk.pages.post("/courses/new", course_form(desk, "book", starts=starts))
    assert response.status_code == 422
    # Beside the second session's row, naming both sessions in the clinic's time.
    assert ('id="e-starts-1">Session 2 (Mon 01 Jun 14:00) is on the same day as session 1 '
            '(Mon 01 Jun 09:00): one session a day at most<') in response.get_data(as_text=True)
    assert appointments_of(desk) == []


def test_booking_without_a_schedule_asks_for_one_first(app):
    desk = open_clinic(app)
    response = desk.pages.post("/courses/new", course_form(desk, "book"))
    assert response.status_code == 422
    assert "show the proposed schedule first" in text_of(response)


def test_a_second_induction_beside_a_running_one_is_a_conflict(app):
    desk = open_clinic(app)
    starts = chosen_starts(desk.pages.post("/courses/new", course_form(desk)))
    assert desk.pages.post("/courses/new", course_form(desk, "book", starts=starts)).status_code == 303
    again = desk.pages.post("/courses/new", course_form(desk, start_on="2026-06-15"))
    assert again.status_code == 409
    assert re.search(r'id="e-kind">the patient already has an induction course', again.get_data(as_text=True))
    assert len(appointments_of(desk)) == 3


# --- the course's rules, from the treatment's protocol -----------------------------------------

TWICE_A_WEEK = {"induction_sessions": 4, "min_gap_hours": 72, "max_span_days": 28,
                "maintenance_interval_days": 7}


def nasal_spray_clinic(app) -> Desk:
    """The desk of a clinic whose one treatment is given twice a week, four times."""
    desk = open_clinic(app)
    changed = api_as(app, "admin").patch(f"/treatment-types/{desk.treatment}",
                                         json={"protocol": TWICE_A_WEEK})
    assert changed.status_code == 200, changed.json
    return desk


def value_of(response, name: str) -> str:
    return re.search(rf'name="{name}" type="number" value="([^"]*)"',
                     response.get_data(as_text=True)).group(1)


def rules_shown(response) -> dict[str, str]:
    return {name: value_of(response, name)
            for name in ("sessions", "min_gap_hours", "max_span_days", "interval_days")}


def test_the_form_shows_the_rules_of_the_treatments_protocol(app):
    desk = nasal_spray_clinic(app)
    page = desk.pages.get(f"/courses/new?patient_id={desk.patient}")  # its only treatment
    assert rules_shown(page) == {"sessions": "4", "min_gap_hours": "72", "max_span_days": "28",
                                 "interval_days": "7"}
    assert "The course's rules" in text_of(page)
    maintenance = desk.pages.get(f"/courses/new?patient_id={desk.patient}&kind=maintenance")
    assert value_of(maintenance, "sessions") == ""  # a maintenance course has no usual length


def test_a_twice_weekly_treatment_is_planned_twice_a_week_not_on_consecutive_days(app):
    desk = nasal_spray_clinic(app)
    blank_rules = course_form(desk, sessions="")
    planned = desk.pages.post("/courses/new", blank_rules)
    assert planned.status_code == 200, text_of(planned)
    assert chosen_starts(planned) == [clinic_time(day, "09:00") for day in
                                      (MONDAY, "2026-06-04", "2026-06-08", "2026-06-11")]
    assert rules_shown(planned)["min_gap_hours"] == "72"
    booked = desk.pages.post("/courses/new", {**blank_rules, "action": "book",
                                              "rules_from": f"{desk.treatment}/induction",
                                              "starts": chosen_starts(planned)})
    assert booked.status_code == 303
    assert len(appointments_of(desk)) == 4


def test_rules_filled_in_for_another_treatment_give_way_to_this_ones_protocol(app):
    desk = nasal_spray_clinic(app)
    daily = course_form(desk, sessions="3", min_gap_hours="24", rules_from="999/induction")
    planned = desk.pages.post("/courses/new", daily)
    assert rules_shown(planned)["min_gap_hours"] == "72"
    assert chosen_starts(planned)[:2] == [clinic_time(MONDAY, "09:00"), clinic_time("2026-06-04", "09:00")]


def test_rules_the_desk_changes_for_this_treatment_win_over_its_protocol(app):
    desk = nasal_spray_clinic(app)
    daily = course_form(desk, sessions="3", min_gap_hours="24", rules_from=f"{desk.treatment}/induction")
    planned = desk.pages.post("/courses/new", daily)
    assert chosen_starts(planned) == [clinic_time(day, "09:00") for day in (MONDAY, TUESDAY, WEDNESDAY)]


# --- a course --------------------------------------------------------------------------------

def book_course(desk: Desk) -> int:
    starts = chosen_starts(desk.pages.post("/courses/new", course_form(desk)))
    booked = desk.pages.post("/courses/new", course_form(desk, "book", starts=starts))
    return int(booked.headers["Location"].rsplit("/", 1)[1])


def test_a_course_page_lists_its_sessions_with_links_to_each(app):
    desk = open_clinic(app)
    course_id = book_course(desk)
    page = pages_as(app, "monitoring").get(f"/courses/{course_id}")
    assert page.status_code == 200
    assert "Induction course for Ada Lovelace" in text_of(page)
    html = page.get_data(as_text=True)
    for a in appointments_of(desk):
        assert f'href="/appointments/{a["id"]}"' in html
    assert "Cancel the course" not in text_of(page)  # not monitoring's to do


def test_cancelling_a_course_cancels_its_sessions_with_the_reason(app):
    desk = open_clinic(app)
    course_id = book_course(desk)
    page = desk.pages.get(f"/courses/{course_id}")
    assert 'data-confirm="Cancel this course' in page.get_data(as_text=True)
    done = desk.pages.post(f"/courses/{course_id}/cancel", {"reason": "moving abroad"})
    assert done.status_code == 303
    assert desk.api.get(f"/courses/{course_id}").json["status"] == "cancelled"
    assert {(a["status"], a["cancel_reason"]) for a in appointments_of(desk)} == {("cancelled", "moving abroad")}
    assert "The course is cancelled" in text_of(desk.pages.get(done.headers["Location"]))

    again = desk.pages.post(f"/courses/{course_id}/cancel", {"reason": "twice"})
    assert again.status_code == 409
    assert "already cancelled" in text_of(again)


def test_an_unknown_course_or_appointment_is_not_found(app):
    desk = open_clinic(app)
    assert desk.pages.get("/courses/4242").status_code == 404
    assert desk.pages.get("/appointments/4242").status_code == 404
    assert desk.pages.post("/appointments/4242/check-in").status_code == 404


# --- an appointment --------------------------------------------------------------------------

def test_an_appointment_page_shows_who_what_where_and_when(app):
    desk = open_clinic(app)
    course_id = book_course(desk)
    first = appointments_of(desk)[0]
    page = desk.pages.get(f"/appointments/{first['id']}")
    assert page.status_code == 200
    shown = text_of(page)
    for fact in ("Ada Lovelace", "IV infusion", "Chair 1", "Mon 01 Jun 2026, 09:00 EDT",
                 "Mon 01 Jun 2026, 11:00 EDT", "scheduled", "Induction course", "session 1"):
        assert fact in shown
    assert f'href="/courses/{course_id}"' in page.get_data(as_text=True)
    for button in ("Check in", "No-show", "Reschedule", "Cancel the session"):
        assert button in shown
    assert "Complete" not in shown  # only once checked in


def test_check_in_then_complete_by_monitoring(app, clock):
    desk = open_clinic(app)
    session_id = book_one(desk)
    done = desk.pages.post(f"/appointments/{session_id}/check-in")
    assert done.status_code == 303 and done.headers["Location"] == f"/appointments/{session_id}"
    assert appointment(desk, session_id)["status"] == "checked_in"
    assert "Checked in." in text_of(desk.pages.get(done.headers["Location"]))

    clock.advance(hours=3)
    monitoring = pages_as(app, "monitoring")
    page = monitoring.get(f"/appointments/{session_id}")
    assert "Complete" in text_of(page) and "Cancel the session" not in text_of(page)
    assert monitoring.post(f"/appointments/{session_id}/complete").status_code == 303
    assert appointment(desk, session_id)["status"] == "completed"


def test_a_patient_who_did_not_come_is_marked_a_no_show(app, clock):
    desk = open_clinic(app)
    session_id = book_one(desk)
    clock.advance(hours=2)
    assert desk.pages.post(f"/appointments/{session_id}/no-show").status_code == 303
    assert appointment(desk, session_id)["status"] == "no_show"


def test_completing_a_session_not_checked_in_is_refused_and_changes_nothing(app, clock):
    desk = open_clinic(app)
    session_id = book_one(desk)
    clock.advance(hours=2)
    refused = desk.pages.post(f"/appointments/{session_id}/complete")
    assert refused.status_code == 409
    assert "a scheduled appointment cannot complete" in text_of(refused)
    assert appointment(desk, session_id)["status"] == "scheduled"


def test_checking_in_tomorrows_patient_is_refused(app):
    desk = open_clinic(app)
    session_id = book_one(desk, TUESDAY)
    refused = desk.pages.post(f"/appointments/{session_id}/check-in")
    assert refused.status_code == 409
    assert "check-in opens 4 hours before the session" in text_of(refused)
    assert appointment(desk, session_id)["status"] == "scheduled"


def test_a_session_is_cancelled_with_its_reason(app):
    desk = open_clinic(app)
    session_id = book_one(desk)
    done = desk.pages.post(f"/appointments/{session_id}/cancel", {"reason": "unwell"})
    assert done.status_code == 303
    assert appointment(desk, session_id)["status"] == "cancelled"
    page = desk.pages.get(done.headers["Location"])
    assert "Cancel reason unwell" in text_of(page)
    assert "Check in" not in text_of(page)  # nothing left to do with a cancelled session


def test_a_cancel_without_a_reason_names_the_field_and_changes_nothing(app):
    desk = open_clinic(app)
    session_id = book_one(desk)
    refused = desk.pages.post(f"/appointments/{session_id}/cancel", {"reason": "   "})
    assert refused.status_code == 422
    assert 'id="e-reason"' in refused.get_data(as_text=True)
    assert appointment(desk, session_id)["status"] == "scheduled"


def test_a_session_is_rescheduled_to_a_free_time(app):
    desk = open_clinic(app)
    session_id = book_one(desk)
    page = desk.pages.get(f"/appointments/{session_id}")
    offered = options_of(page, "f-start")
    assert clinic_time(TUESDAY, "10:00") in offered
    assert clinic_time(MONDAY, "09:00") not in offered  # where it is already
    done = desk.pages.post(f"/appointments/{session_id}/reschedule", {"start": clinic_time(TUESDAY, "10:00")})
    assert done.status_code == 303
    assert appointment(desk, session_id)["start"] == "2026-06-02T14:00:00+00:00"
    assert "Moved to Tue 02 Jun 2026, 10:00 EDT" in text_of(desk.pages.get(done.headers["Location"]))


def test_an_induction_session_is_offered_no_time_too_close_to_its_courses_others(app):
    desk = open_clinic(app)
    booked = desk.api.post("/courses", json={"patient_id": desk.patient, "treatment_type_id": desk.treatment,
                                             "kind": "induction", "sessions": 3, "start_on": TUESDAY})
    assert booked.status_code == 201, booked.json
    _, second, third = booked.json["appointments"]
    assert [s["start"] for s in booked.json["appointments"]] == [
        "2026-06-02T13:00:00+00:00", "2026-06-03T13:00:00+00:00", "2026-06-04T13:00:00+00:00"]
    # Tuesday, Wednesday and Thursday at 09:00, 24 hours apart: from Monday to Friday around
    # the second, only Monday 09:00 and Friday keep a day's gap from both the others.
    offered = options_of(desk.pages.get(f"/appointments/{second['id']}"), "f-start")
    assert {start[:10] for start in offered} == {MONDAY, "2026-06-05"}
    assert [start for start in offered if start.startswith(MONDAY)] == [clinic_time(MONDAY, "09:00")]
    assert clinic_time("2026-06-05", "09:00") in offered  # exactly a day after Thursday's
    later = options_of(desk.pages.get(f"/appointments/{third['id']}"), "f-start")
    assert clinic_time("2026-06-04", "09:15") in later
    assert not [start for start in later if start < clinic_time("2026-06-04", "09:00")]


def test_another_days_free_times_are_listed_on_asking(app):
    desk = open_clinic(app)
    session_id = book_one(desk)
    page = desk.pages.get(f"/appointments/{session_id}?day=2026-06-17")
    offered = options_of(page, "f-start")
    assert clinic_time("2026-06-17", "13:00") in offered
    assert clinic_time(TUESDAY, "10:00") not in offered
    bad = desk.pages.get(f"/appointments/{session_id}?day=someday")
    assert bad.status_code == 422 and 'id="e-day"' in bad.get_data(as_text=True)


def test_rescheduling_onto_a_taken_chair_is_explained_and_changes_nothing(app):
    desk = open_clinic(app, chairs=1)
    session_id = book_one(desk)
    book_one(desk, TUESDAY, "10:00", patient=make_patient(desk.api))
    refused = desk.pages.post(f"/appointments/{session_id}/reschedule", {"start": clinic_time(TUESDAY, "10:00")})
    assert refused.status_code == 409
    assert re.search(r'id="e-start">no chair is free', refused.get_data(as_text=True))
    assert appointment(desk, session_id)["start"] == "2026-06-01T13:00:00+00:00"


@pytest.mark.parametrize("start, message", [
    ("", "Missing data for required field."),
    ("2026-06-02T10:00", "must include a UTC offset"),
    ("2026-06-02T10:05:00-04:00", "is not a bookable time"),
])
def test_a_bad_new_time_names_the_field_and_changes_nothing(app, start, message):
    desk = open_clinic(app)
    session_id = book_one(desk)
    refused = desk.pages.post(f"/appointments/{session_id}/reschedule", {"start": start})
    assert refused.status_code == 422
    error = re.search(r'id="e-start">([^<]+)<', refused.get_data(as_text=True))
    assert error and message in error.group(1)
    assert appointment(desk, session_id)["start"] == "2026-06-01T13:00:00+00:00"


# --- who may do what -------------------------------------------------------------------------

def every_page_and_action(course_id: int, appointment_id: int) -> list[tuple[str, str]]:
    return [("GET", "/courses/new"), ("POST", "/courses/new"),
            ("GET", f"/courses/{course_id}"), ("POST", f"/courses/{course_id}/cancel"),
            ("GET", f"/appointments/{appointment_id}")] + [
        ("POST", f"/appointments/{appointment_id}/{action}")
        for action in ("reschedule", "cancel", "check-in", "complete", "no-show", "replacement")]


def test_a_stranger_is_sent_to_sign_in_from_every_page_and_action(app):
    desk = open_clinic(app)
    course_id = book_course(desk)
    stranger = pages_as(app, None)
    for method, path in every_page_and_action(course_id, appointments_of(desk)[0]["id"]):
        response = stranger.get(path) if method == "GET" else stranger.post(path, {"reason": "x"})
        assert response.status_code == 302, (method, path)
        assert response.headers["Location"].startswith("/sign-in"), (method, path)
    assert {a["status"] for a in appointments_of(desk)} == {"scheduled"}


def test_monitoring_may_read_and_complete_but_not_book_or_cancel(app):
    desk = open_clinic(app)
    course_id = book_course(desk)
    first = appointments_of(desk)[0]["id"]
    monitoring = pages_as(app, "monitoring")
    allowed = {f"/courses/{course_id}", f"/appointments/{first}", f"/appointments/{first}/complete"}
    for method, path in every_page_and_action(course_id, first):
        response = monitoring.get(path) if method == "GET" else monitoring.post(
            path, {**course_form(desk, "book"), "reason": "x", "start": clinic_time(TUESDAY, "10:00")})
        if path in allowed:
            assert response.status_code != 403, (method, path)
        else:
            assert response.status_code == 403, (method, path)
    assert {a["status"] for a in appointments_of(desk)} == {"scheduled"}
    assert len(appointments_of(desk)) == 3
    assert "Book a course" not in text_of(monitoring.get(f"/courses/{course_id}"))  # not in the menu


@pytest.mark.parametrize("role", ["front_desk", "admin"])
def test_bookers_may_open_the_booking_form(app, role):
    open_clinic(app)
    assert pages_as(app, role).get("/courses/new").status_code == 200


# --- a course started from the schedule's free slot, and the chair it takes -------------------

def chair_column(response) -> list[str]:
    """What the proposed schedule's Chair column says, session by session."""
    rows = re.findall(r"<tr[^>]*>\s*<th scope=\"row\"[^>]*>.*?</tr>", response.get_data(as_text=True), flags=re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)[1])).strip()
            for row in rows]


def test_a_link_from_a_free_slot_fills_in_its_day_time_and_chair(app):
    desk = open_clinic(app)
    page = desk.pages.get(f"/courses/new?treatment_type_id={desk.treatment}&start_on={WEDNESDAY}"
                          f"&preferred_time=14:00&chair_id={desk.chairs[1]}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(rf'id="f-start_on" name="start_on" type="date" value="{WEDNESDAY}"', html)
    assert re.search(r'id="f-preferred_time" name="preferred_time" type="time" value="14:00"', html)
    assert f'<option value="{desk.chairs[1]}" selected>Chair 2</option>' in html
    # The patient search keeps what the link filled in.
    assert f'<input type="hidden" name="start_on" value="{WEDNESDAY}">' in html
    assert f'<input type="hidden" name="preferred_chair_id" value="{desk.chairs[1]}">' in html


@pytest.mark.parametrize("query", ["start_on=2026-05-01", "start_on=nonsense&preferred_time=25:99"])
def test_a_link_with_a_past_or_bad_day_starts_today_without_the_bad_time(app, query):
    desk = open_clinic(app)
    html = desk.pages.get(f"/courses/new?{query}").get_data(as_text=True)
    assert re.search(rf'name="start_on" type="date" value="{MONDAY}"', html)
    assert 'type="time" value=""' in html


def test_the_chair_asked_for_is_planned_where_free_and_the_column_says_where_it_is_not(app):
    desk = open_clinic(app)
    other = make_patient(desk.api)
    taken = book_session(desk.api, other, desk.treatment, clinic_time(TUESDAY, "09:00"), chair_id=desk.chairs[1])
    assert taken.status_code == 201, taken.json
    planned = desk.pages.post("/courses/new", course_form(desk, preferred_chair_id=str(desk.chairs[1])))
    assert planned.status_code == 200
    assert chair_column(planned) == ["Chair 2", "Chair 1 (Chair 2 is taken then)", "Chair 2"]
    booked = desk.pages.post("/courses/new", course_form(desk, "book", starts=chosen_starts(planned),
                                                         preferred_chair_id=str(desk.chairs[1])))
    assert booked.status_code == 303
    assert [a["chair_id"] for a in appointments_of(desk)] == [desk.chairs[1], desk.chairs[0], desk.chairs[1]]


def test_times_sent_back_after_a_refusal_show_the_chairs_free_then_not_chosen_on_booking(app):
    desk = open_clinic(app)
    book_one(desk, TUESDAY, "09:00", patient=make_patient(desk.api))  # takes Chair 1
    starts = [clinic_time(MONDAY, "09:00"), clinic_time(TUESDAY, "09:00"), clinic_time(TUESDAY, "14:00")]
    refused = desk.pages.post("/courses/new", course_form(desk, "check", starts=starts))
    assert refused.status_code == 422
    assert "chosen on booking" not in text_of(refused)
    assert chair_column(refused) == ["any free chair (free then: Chair 1, Chair 2)",
                                     "any free chair (free then: Chair 2)",
                                     "any free chair (free then: Chair 1, Chair 2)"]


def test_an_unknown_chair_is_named_by_its_label_and_nothing_is_booked(app):
    desk = open_clinic(app)
    refused = desk.pages.post("/courses/new", course_form(desk, preferred_chair_id="999999"))
    assert refused.status_code == 422
    assert "Chair: chair in use not found" in text_of(refused)
    assert appointments_of(desk) == []


def test_a_gap_too_short_names_both_sessions_beside_the_later_ones_row(app):
    desk = open_clinic(app)
    starts = [clinic_time(MONDAY, "09:00"), clinic_time(WEDNESDAY, "09:00"), clinic_time("2026-06-04", "10:00")]
    refused = desk.pages.post("/courses/new", course_form(desk, "check", starts=starts, min_gap_hours="48"))
    assert refused.status_code == 422
    assert ('id="e-starts-2">Session 3 (Thu 04 Jun 10:00) must start at least 48 h after session 2 '
            '(Wed 03 Jun 09:00)<') in refused.get_data(as_text=True)
    assert chosen_starts(refused) == starts


def test_the_patient_pickers_show_the_phone_as_the_clinic_writes_it(app):
    desk = open_clinic(app)
    make_patient(desk.api, first_name="Grace", last_name="Hopper", phone="+16175550101")
    for form in ("/courses/new", "/waitlist/new"):  # the waitlist's form uses the same picker
        html = desk.pages.get(f"{form}?q=Hopper").get_data(as_text=True)
        assert "Hopper, Grace · (617) 555-0101" in html, form
        assert "+16175550101" not in html, form
