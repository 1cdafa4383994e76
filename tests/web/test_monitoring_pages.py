"""Monitoring's pages: the open alerts and their acknowledgement, a patient's check-in chart,
today's clinic by chair, and the messages someone should follow up by phone.

Check-ins and alerts are made as in the clinic: a session completed, the worker sends the
check-in, the patient texts back through the signed webhook.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from notifications.engine import rules

from notifications.services import monitoring_views
from notifications.models import Notification
from scheduler.extensions import db
from scheduler.models import AuditEvent, StaffUser
from tests.factories import book_session, clinic_time
from tests.notifications.texting import Ward, answer, at, database_rows, status_callback, text

from .pages import as_shown, pages_as, text_of

PAGES = ("/monitoring/alerts", "/monitoring/today", "/monitoring/failed-messages")


@pytest.fixture
def ward(app, clock):
    return Ward(app, clock)


@pytest.fixture
def nurse(ward):
    return pages_as(ward.app, "monitoring")


def answered(ward, clock, body, **patient_fields):
    """A patient whose check-in went out on 4 June answers it at 16:00 UTC (12:00 in New York)."""
    patient, phone = ward.patient(**patient_fields)
    sessions = ward.check_in_sent(patient)
    clock.set(at(4, 16))
    answer(text(ward.client, phone, body))
    return patient, phone, sessions


def open_alerts(ward):
    return ward.listing("/alerts", status="open")


def order_of(page_text: str, *words: str) -> list[int]:
    return [page_text.index(word) for word in words]


# The open alerts.

def test_an_alert_shows_the_patient_how_to_reach_them_their_reply_and_how_long_it_waits(ward, clock, nurse):
    patient, phone, _ = answered(ward, clock, "2 out of 10 today", first_name="Marguerite",
                                 last_name="Okafor", email="m.okafor@example.com")
    clock.set(at(4, 18, 5))
    response = nurse.get("/monitoring/alerts")
    assert response.status_code == 200
    page = text_of(response)
    assert "Marguerite Okafor" in page
    assert as_shown(phone) in page and "m.okafor@example.com" in page
    assert "2 out of 10 today" in page
    assert "check-in score 2 (alert at 3 or below)" in page
    assert "2 h 05 min" in page and "Thu 04 Jun 2026, 12:00 EDT" in page
    html = response.get_data(as_text=True)
    assert f'href="tel:{phone}"' in html
    assert f'href="/monitoring/patients/{patient}/check-ins"' in html


def test_urgent_alerts_come_before_older_high_ones_then_the_longest_waiting(ward, clock, nurse):
    answered(ward, clock, "1", first_name="Older")  # high, 4 June 16:00
    for hour, name in ((17, "Second"), (18, "Third")):
        clock.set(at(4, hour))
        patient, phone = ward.patient(first_name=name)
        answer(text(ward.client, phone, "i want to die"))  # urgent
    page = text_of(nurse.get("/monitoring/alerts"))
    places = order_of(page, "Urgent Second", "Urgent Third", "High Older")
    assert places == sorted(places)
    assert "3 open" in page


def test_an_urgent_alert_is_marked_so(ward, clock, nurse):
    answered(ward, clock, "I want to kill myself")
    html = nurse.get("/monitoring/alerts").get_data(as_text=True)
    assert re.search(r'<li class="alert-item urgent" id="alert-\d+">', html)


def test_words_of_self_harm_from_a_number_not_on_file_show_the_number_to_call(ward, nurse):
    answer(text(ward.client, "+16175559876", "I want to end my life"))
    page = text_of(nurse.get("/monitoring/alerts"))
    assert "A number not on file" in page and "(617) 555-9876" in page
    assert "I want to end my life" in page


def test_with_nothing_open_the_page_says_so(ward, nurse):
    assert "No open alerts." in text_of(nurse.get("/monitoring/alerts"))


# Acknowledging.

def test_a_nurse_acknowledges_an_alert_with_a_note_and_it_leaves_the_open_list(ward, clock, nurse):
    answered(ward, clock, "1", first_name="Marguerite")
    [alert] = open_alerts(ward)
    clock.set(at(4, 16, 20))
    response = nurse.post(f"/monitoring/alerts/{alert['id']}/acknowledge", {"note": "Called; safe at home."})
    assert response.status_code == 303
    assert response.headers["Location"] == "/monitoring/alerts"
    [done] = ward.listing("/alerts")
    assert (done["status"], done["note"], done["acknowledged_at"]) == (
        "acknowledged", "Called; safe at home.", "2026-06-04T16:20:00+00:00")
    with ward.app.app_context():
        email = db.session.get(StaffUser, done["acknowledged_by"]).email
        [audit] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "alert.acknowledge"))
        assert (audit.object_id, audit.staff_id) == (alert["id"], done["acknowledged_by"])
    assert email.startswith("monitoring")
    page = text_of(nurse.get("/monitoring/alerts"))
    assert "Alert acknowledged." in page and "No open alerts." in page
    recent = page[page.index("Recently acknowledged"):]
    assert "Marguerite" in recent and email in recent and "Called; safe at home." in recent
    assert "Thu 04 Jun 2026, 12:20 EDT" in recent


def test_an_admin_may_acknowledge_without_a_note(ward, clock):
    answered(ward, clock, "0")
    [alert] = open_alerts(ward)
    response = pages_as(ward.app, "admin").post(f"/monitoring/alerts/{alert['id']}/acknowledge", {"note": "  "})
    assert response.status_code == 303
    [done] = ward.listing("/alerts")
    assert (done["status"], done["note"]) == ("acknowledged", None)


def test_acknowledging_an_alert_twice_is_refused_and_keeps_the_first_note(ward, clock, nurse):
    answered(ward, clock, "1")
    [alert] = open_alerts(ward)
    assert nurse.post(f"/monitoring/alerts/{alert['id']}/acknowledge", {"note": "called"}).status_code == 303
    other = pages_as(ward.app, "monitoring")
    before = database_rows(ward.app)
    response = other.post(f"/monitoring/alerts/{alert['id']}/acknowledge", {"note": "me too"})
    assert response.status_code == 409
    page = text_of(response)
    assert "already acknowledged by monitoring" in page and "nothing was changed" in page
    assert database_rows(ward.app) == before
    assert ward.listing("/alerts")[0]["note"] == "called"


def test_a_note_too_long_is_refused_naming_the_field_and_keeps_what_was_typed(ward, clock, nurse):
    answered(ward, clock, "1")
    [alert] = open_alerts(ward)
    before = database_rows(ward.app)
    typed = "x" * 2001
    response = nurse.post(f"/monitoring/alerts/{alert['id']}/acknowledge", {"note": typed})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    key = f"note-{alert['id']}"
    assert f'<p class="error" id="e-{key}">Note: Length must be between 0 and 2000.</p>' in html
    assert f'href="#f-{key}"' in html  # the summary links to the field at fault
    assert re.search(rf'<textarea id="f-{key}" name="note"[^>]*aria-invalid="true"[^>]*>{typed}</textarea>', html)
    assert database_rows(ward.app) == before


def test_a_field_the_form_does_not_have_is_ignored_not_applied(ward, clock, nurse):
    answered(ward, clock, "1")
    [alert] = open_alerts(ward)
    response = nurse.post(f"/monitoring/alerts/{alert['id']}/acknowledge",
                          {"note": "x", "status": "open", "severity": "low"})
    assert response.status_code == 303
    [after] = ward.listing("/alerts")
    assert after["status"] == "acknowledged" and after["severity"] == alert["severity"]


def test_a_note_with_control_characters_is_refused(ward, clock, nurse):
    answered(ward, clock, "1")
    [alert] = open_alerts(ward)
    response = nurse.post(f"/monitoring/alerts/{alert['id']}/acknowledge", {"note": "called\x00"})
    assert response.status_code == 422
    assert "Note: must not contain control characters" in text_of(response)
    assert open_alerts(ward) != []


def test_acknowledging_an_alert_that_does_not_exist_is_not_found(ward, nurse):
    response = nurse.post("/monitoring/alerts/999999/acknowledge", {"note": "x"})
    assert response.status_code == 404
    assert "Not found" in text_of(response)


def test_acknowledging_without_the_forms_csrf_token_is_refused(ward, clock, nurse):
    answered(ward, clock, "1")
    [alert] = open_alerts(ward)
    response = nurse.post(f"/monitoring/alerts/{alert['id']}/acknowledge", {"note": "x"}, csrf=False)
    assert response.status_code == 400
    assert open_alerts(ward) != []


# A patient's check-ins.

def test_a_patients_check_ins_are_charted_with_their_sessions_and_the_alert_line(ward, clock, nurse):
    patient, phone, sessions = answered(ward, clock, "2", first_name="Marguerite")
    # The third session is completed too; its check-in goes out and is never answered.
    clock.set(at(5, 13))
    assert ward.desk.post(f"/appointments/{sessions[2]['id']}/check-in").status_code == 200
    clock.set(at(5, 15))
    assert ward.desk.post(f"/appointments/{sessions[2]['id']}/complete").status_code == 200
    clock.set(at(6, 15))
    ward.work()
    response = nurse.get(f"/monitoring/patients/{patient}/check-ins")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert 'role="img"' in svg and 'aria-label="Check-in scores of Marguerite' in svg
    assert "<title>" in svg and '<desc id="checkin-desc">1 check-in score on 4 Jun' in svg
    assert len(re.findall(r'<circle class="point"', svg)) == 1  # the unanswered one is not drawn
    assert "<title>4 Jun 12:00: score 2</title>" in svg
    assert len(re.findall(r'<line class="session"', svg)) == 2  # sessions 1 and 3; 2 never happened
    assert "Session 3 Jun 09:00" in svg and "Session 5 Jun 09:00" in svg
    assert svg.count('class="threshold"') == 1 and "alert at 3 or below" in svg
    assert 'class="gridline"' in svg and ">10</text>" in svg
    assert "http" not in svg and "<script>" not in html  # drawn by the server, no script
    page = text_of(response)
    table = page[page.index("Check-ins, oldest first"):]
    assert table.index("Thu 04 Jun 2026, 12:00 EDT 2 2") < table.index("no answer none")


def test_a_patient_with_no_check_ins_gets_an_empty_chart_that_says_so(ward, nurse):
    patient, _ = ward.patient()
    response = nurse.get(f"/monitoring/patients/{patient}/check-ins")
    assert response.status_code == 200
    page = text_of(response)
    assert "No check-in scores yet." in page
    assert "No check-ins have been sent to this patient yet." in page


def test_the_check_ins_of_a_patient_who_does_not_exist_are_not_found(ward, nurse):
    response = nurse.get("/monitoring/patients/999999/check-ins")
    assert response.status_code == 404
    assert "Not found" in text_of(response)


# Today's clinic.

def book(ward, patient, day, clock_time, chair):
    response = book_session(ward.desk, patient, ward.ids.treatment, clinic_time(day, clock_time),
                            chair_id=ward.ids.chairs[chair])
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_today_shows_who_is_in_which_chair_and_when_observation_ends(ward, clock, nurse):
    names = ("Ada", "Bea", "Cy", "Dee", "Eve")
    people = {name: ward.patient(first_name=name, last_name="Lovelace")[0] for name in names}
    ada = book(ward, people["Ada"], "2026-06-03", "09:00", 0)
    book(ward, people["Bea"], "2026-06-03", "11:30", 0)
    cy = book(ward, people["Cy"], "2026-06-03", "09:00", 1)
    dee = book(ward, people["Dee"], "2026-06-03", "13:00", 1)
    book(ward, people["Eve"], "2026-06-04", "09:00", 1)  # tomorrow: not shown
    assert ward.desk.post(f"/appointments/{dee}/cancel", json={"reason": "unwell"}).status_code == 200
    clock.set(at(3, 13, 5))  # 09:05 in New York
    assert ward.desk.post(f"/appointments/{ada}/check-in").status_code == 200
    clock.set(at(3, 14, 30))  # 10:30
    assert ward.desk.post(f"/appointments/{cy}/no-show").status_code == 200

    response = nurse.get("/monitoring/today")
    assert response.status_code == 200
    page = text_of(response)
    assert "Wednesday 03 June 2026" in page and "now 10:30 EDT" in page
    chair_1, chair_2 = page[page.index("Chair 1"):page.index("Chair 2")], page[page.index("Chair 2"):]
    assert "In the chair now: Ada Lovelace" in chair_1
    assert "in observation, 85 min; observation ends 11:00 EDT." in chair_1
    places = order_of(chair_1, "Ada Lovelace IV infusion 09:00 EDT 11:00 EDT in observation, 85 min",
                      "Bea Lovelace IV infusion 11:30 EDT 13:30 EDT scheduled")
    assert places == sorted(places)
    assert "Free now." in chair_2 and "Cy Lovelace IV infusion 09:00 EDT 11:00 EDT no-show" in chair_2
    assert "Dee" not in page and "Eve" not in page
    html = response.get_data(as_text=True)
    assert len(re.findall(r'<tr class="in-progress">', html)) == 1


def test_today_is_the_clinics_day_not_utcs(ward, clock, nurse):
    patient, _ = ward.patient(first_name="Late", last_name="Evening")
    book(ward, patient, "2026-06-03", "15:00", 0)
    clock.set(at(4, 2))  # 22:00 on 3 June in New York, already 4 June in UTC
    page = text_of(nurse.get("/monitoring/today"))
    assert "Wednesday 03 June 2026" in page and "Late Evening" in page


def test_a_session_still_checked_in_after_its_observation_asks_to_be_completed(ward, clock, nurse):
    patient, _ = ward.patient()
    session = book(ward, patient, "2026-06-03", "09:00", 0)
    clock.set(at(3, 13))
    ward.desk.post(f"/appointments/{session}/check-in")
    clock.set(at(3, 15, 10))  # 11:10, ten minutes after the observation ended
    assert "observation over: complete the session" in text_of(nurse.get("/monitoring/today"))


# Messages to follow up.

def test_failed_and_unreachable_messages_are_listed_newest_first_with_a_phone_to_call(ward, clock, nurse):
    failed, failed_phone = ward.patient(first_name="Fay", last_name="Failed")
    ward.book_three(failed)
    no_email, no_email_phone = ward.patient(first_name="Noel", last_name="Noemail", email=None)
    ward.book_three(no_email, start_on="2026-06-08")
    no_consent, _ = ward.patient(first_name="Nick", last_name="Noconsent", sms_opt_in=False)
    ward.book_three(no_consent, start_on="2026-06-15")
    ward.work()  # the confirmations: Noel's email and Nick's SMS are skipped
    clock.advance(hours=1)
    [fays_text] = [n for n in ward.notes(patient_id=failed) if n["channel"] == "sms" and n["status"] == "sent"]
    assert status_callback(ward.client, fays_text["provider_message_id"], "undelivered", "30003").status_code == 200

    response = nurse.get("/monitoring/failed-messages")
    assert response.status_code == 200
    page = text_of(response)
    places = order_of(page, "Fay Failed", "Noel Noemail")  # Fay's failure came an hour later
    assert places == sorted(places)
    assert f"Fay Failed {as_shown(failed_phone)} SMS confirmation" in page and "failed 30003: undelivered" in page
    assert f"Noel Noemail {as_shown(no_email_phone)} Email confirmation" in page and "not sent no email address" in page
    assert "Nick" not in page  # no consent to SMS: on purpose, nobody to call about
    assert "2 messages to follow up" in page
    assert f'href="tel:{failed_phone}"' in response.get_data(as_text=True)


def test_failures_older_than_two_weeks_are_no_longer_listed(ward, clock, nurse):
    patient, _ = ward.patient(first_name="Noel", email=None)
    ward.book_three(patient)
    ward.work()
    assert "Noel" in text_of(nurse.get("/monitoring/failed-messages"))
    clock.advance(days=14, minutes=1)
    assert "Nothing to follow up." in text_of(nurse.get("/monitoring/failed-messages"))


def test_the_skips_worth_a_call_are_the_ones_the_send_rules_give_for_a_missing_phone_or_address():
    recipient = rules.Recipient(None, None, True, True, False, "America/New_York")
    when = at(1, 12)
    reasons = {rules.decide(rules.Situation(purpose="confirmation", channel=channel, due_at=when,
                                            rule_minutes=None, recipient=recipient,
                                            appointment_status="scheduled",
                                            appointment_start=when + timedelta(days=2), quiet_hours=None,
                                            now=when)).reason
               for channel in ("sms", "email")}
    assert reasons == set(monitoring_views.UNREACHABLE)


def test_messages_to_follow_up_leave_out_what_was_sent_or_skipped_on_purpose(ward, clock):
    patient, _ = ward.patient(sms_opt_in=False)
    ward.book_three(patient)
    ward.work()
    with ward.app.app_context():
        statuses = {n.status for n in db.session.scalars(select(Notification))}
        assert {"sent", "skipped"} <= statuses
        assert monitoring_views.messages_to_follow_up(at(1, 0)) == []


# Who may open these pages.

def test_the_pages_open_before_the_clinic_is_set_up(app):
    nurse = pages_as(app, "monitoring")
    for path in PAGES:
        assert nurse.get(path).status_code == 200, path
    assert "No chairs are set up yet." in text_of(nurse.get("/monitoring/today"))


def test_a_stranger_is_sent_to_sign_in_from_every_monitoring_page(ward, clock):
    patient, _, _ = answered(ward, clock, "1")
    [alert] = open_alerts(ward)
    stranger = pages_as(ward.app, None)
    for path in PAGES + (f"/monitoring/patients/{patient}/check-ins",):
        response = stranger.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith(f"/sign-in?next={path}"), path
    response = stranger.post(f"/monitoring/alerts/{alert['id']}/acknowledge", {"note": "x"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert open_alerts(ward) != []


def test_the_front_desk_may_not_open_any_monitoring_page_nor_acknowledge(ward, clock):
    patient, _, _ = answered(ward, clock, "1")
    [alert] = open_alerts(ward)
    desk = pages_as(ward.app, "front_desk")
    for path in PAGES + (f"/monitoring/patients/{patient}/check-ins",):
        response = desk.get(path)
        assert response.status_code == 403, path
        assert "Not for your role" in text_of(response)
    response = desk.post(f"/monitoring/alerts/{alert['id']}/acknowledge", {"note": "x"})
    assert response.status_code == 403
    assert open_alerts(ward) != []
    menu = text_of(desk.get("/monitoring/alerts"))
    assert "Today in the clinic" not in menu and "Failed messages" not in menu


def test_monitoring_and_the_admin_open_every_page_and_see_them_in_the_menu(ward, clock):
    patient, _ = ward.patient()
    for role in ("monitoring", "admin"):
        staff = pages_as(ward.app, role)
        for path in PAGES + (f"/monitoring/patients/{patient}/check-ins",):
            assert staff.get(path).status_code == 200, (role, path)
        menu = text_of(staff.get("/monitoring/alerts"))
        assert "Alerts" in menu and "Today in the clinic" in menu and "Failed messages" in menu
