"""The patient pages: finding a patient, registering one with their consent per channel, the
patient's page (sessions, messages, replies, STOP), and who is due for maintenance."""
from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from scheduler.extensions import db
from scheduler.logs import JsonFormatter
from scheduler.models import AuditEvent, Patient
from tests.factories import api_as, book_session, clinic_time, make_patient, set_up_clinic
from tests.notifications.texting import Ward, answer, at, status_callback, text

from .pages import pages_as, text_of

UTC = timezone.utc
ADA = {"first_name": "Ada", "last_name": "Lovelace", "phone": "(617) 555-0123",
       "email": "ada@example.com", "sms_opt_in": "1"}

def patient_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Patient))


def add_patients(app, count: int, last_name: str = "Lovelace") -> list[int]:
    """Patients straight into the table, one minute apart, for the lists that page."""
    start = datetime(2026, 5, 1, tzinfo=UTC)
    with app.app_context():
        rows = [Patient(first_name=f"Pat{n:03d}", last_name=last_name, timezone="America/New_York",
                        created_at=start + timedelta(minutes=n), updated_at=start + timedelta(minutes=n))
                for n in range(count)]
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]


def names_in_order(response) -> list[str]:
    return re.findall(r'<a href="/patients/\d+">([^<]+)</a>', response.get_data(as_text=True))


# Finding a patient.

def test_front_desk_finds_a_patient_by_part_of_the_name(app):
    desk = api_as(app, "front_desk")
    set_up_clinic(api_as(app, "admin"))
    ada = make_patient(desk, first_name="Ada", last_name="Lovelace")
    make_patient(desk, first_name="Alan", last_name="Turing")
    response = pages_as(app, "front_desk").get("/patients?q=lovel")
    assert response.status_code == 200
    assert names_in_order(response) == ["Lovelace, Ada"]
    assert f'href="/patients/{ada}"' in response.get_data(as_text=True)
    assert "Turing" not in text_of(response)


def test_a_phone_typed_the_way_the_patient_says_it_finds_them(app):
    desk = api_as(app, "front_desk")
    set_up_clinic(api_as(app, "admin"))
    make_patient(desk, first_name="Ada", last_name="Lovelace", phone="+16175550123")
    make_patient(desk, first_name="Alan", last_name="Turing", phone="+16175550124")
    response = pages_as(app, "monitoring").get("/patients", query_string={"q": "(617) 555-0123"})
    assert names_in_order(response) == ["Lovelace, Ada"]


@pytest.mark.parametrize(("typed", "found"), [
    ("555 01", ["Lovelace, Ada", "Turing, Alan"]), ("0123", ["Lovelace, Ada"]),
    ("(617) 555", ["Lovelace, Ada", "Turing, Alan"]), ("212", ["Babbage, Charles"]),
    ("55", []),  # two digits match too much to help
])
def test_part_of_a_phone_number_finds_whoever_has_it(app, typed, found):
    desk = api_as(app, "front_desk")
    set_up_clinic(api_as(app, "admin"))
    make_patient(desk, first_name="Ada", last_name="Lovelace", phone="+16175550123")
    make_patient(desk, first_name="Alan", last_name="Turing", phone="+16175550124")
    make_patient(desk, first_name="Charles", last_name="Babbage", phone="+12129870177")
    response = pages_as(app, "front_desk").get("/patients", query_string={"q": typed})
    assert names_in_order(response) == found


def test_with_nothing_typed_the_patients_added_last_come_first(app, clock):
    desk = api_as(app, "front_desk")
    set_up_clinic(api_as(app, "admin"))
    make_patient(desk, first_name="Zed", last_name="Early")
    clock.advance(hours=1)
    make_patient(desk, first_name="Amy", last_name="Later")
    response = pages_as(app, "front_desk").get("/patients")
    assert "Added most recently" in text_of(response)
    assert names_in_order(response) == ["Later, Amy", "Early, Zed"]


def test_a_search_matching_many_shows_fifty_and_says_there_are_more(app):
    add_patients(app, 51)
    pages = pages_as(app, "front_desk")
    first = pages.get("/patients?q=Lovelace")
    assert len(names_in_order(first)) == 50
    assert "More patients match than this page shows" in text_of(first)
    assert 'href="/patients?page=2&amp;q=Lovelace"' in first.get_data(as_text=True)
    second = pages.get("/patients?q=Lovelace&page=2")
    assert names_in_order(second) == ["Lovelace, Pat050"]
    assert "More patients match" not in text_of(second)


def test_a_search_that_matches_no_one_says_so(app):
    add_patients(app, 2)
    response = pages_as(app, "front_desk").get("/patients?q=Babbage")
    assert response.status_code == 200
    assert "No patient matches “Babbage”" in text_of(response)


@pytest.mark.parametrize("q", ["x" * 101, "Ada\x00"])
def test_a_search_the_api_would_refuse_is_refused_naming_the_box(app, q):
    response = pages_as(app, "front_desk").get("/patients", query_string={"q": q})
    assert response.status_code == 422
    assert 'id="e-q"' in response.get_data(as_text=True)
    assert "Name or phone:" in text_of(response)


@pytest.mark.parametrize("page", ["0", "-3", "abc", "99999999999999999999"])
def test_an_odd_page_number_still_shows_a_page(app, page):
    add_patients(app, 1)
    response = pages_as(app, "front_desk").get("/patients", query_string={"page": page})
    assert response.status_code == 200


def test_only_bookers_are_offered_the_new_patient_form(app):
    for role, offered in (("front_desk", True), ("admin", True), ("monitoring", False)):
        html = pages_as(app, role).get("/patients").get_data(as_text=True)
        assert ('href="/patients/new"' in html) is offered, role


# Registering a patient.

def test_new_patient_form_offers_the_clinics_zone_and_a_consent_box_per_channel(app):
    set_up_clinic(api_as(app, "admin"), timezone="America/Chicago")
    response = pages_as(app, "front_desk").get("/patients/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="timezone" type="text" value="America/Chicago"' in html
    assert re.search(r'<input id="f-sms_opt_in" name="sms_opt_in" type="checkbox" value="1"\s*>', html)
    assert re.search(r'<label for="f-sms_opt_in">Agrees to text messages</label>', html)
    assert re.search(r'<label for="f-email_opt_in">Agrees to email</label>', html)
    assert 'name="csrf_token"' in html


def test_front_desk_registers_a_patient_who_agrees_to_texts_but_not_email(app):
    set_up_clinic(api_as(app, "admin"))
    pages = pages_as(app, "front_desk")
    response = pages.post("/patients/new", {**ADA, "timezone": ""})
    assert response.status_code == 303
    patient_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert response.headers["Location"] == f"/patients/{patient_id}"
    saved = api_as(app, "monitoring").get(f"/patients/{patient_id}").json
    assert {k: saved[k] for k in ("first_name", "last_name", "phone", "email", "timezone",
                                  "sms_opt_in", "email_opt_in", "sms_opted_out")} == {
        "first_name": "Ada", "last_name": "Lovelace", "phone": "+16175550123",
        "email": "ada@example.com", "timezone": "America/New_York", "sms_opt_in": True,
        "email_opt_in": False, "sms_opted_out": False}
    page = text_of(pages.get(response.headers["Location"]))
    assert "Patient added." in page
    assert "Agrees to text messages" in page and "Has not agreed to email" in page


def test_a_bad_phone_is_refused_next_to_the_field_and_no_one_is_added(app):
    set_up_clinic(api_as(app, "admin"))
    response = pages_as(app, "front_desk").post("/patients/new", {**ADA, "phone": "555-12"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    # The message sits inside the phone's own field and is tied to its input.
    phone_field = re.search(r'<div class="field has-error">\s*<label for="f-phone">.*?</div>', html, re.S)
    assert phone_field and 'id="e-phone">is not a valid phone number' in phone_field.group(0)
    assert 'aria-describedby="h-phone e-phone" aria-invalid="true"' in phone_field.group(0)
    assert "Mobile phone: is not a valid phone number" in text_of(response)  # the summary
    # What was typed is kept, consent included.
    assert 'value="Ada"' in html and 'value="555-12"' in html
    assert re.search(r'name="sms_opt_in" type="checkbox" value="1" checked', html)
    assert patient_count(app) == 0


@pytest.mark.parametrize("field, value, message", [
    ("first_name", "", "Missing data for required field."),
    ("last_name", "x" * 101, "Length must be between 1 and 100."),
    ("email", "ada@", "Not a valid email address."),
    ("timezone", "Mars/Olympus", "is not an IANA time zone name"),
])
def test_other_bad_input_is_refused_at_its_field(app, field, value, message):
    set_up_clinic(api_as(app, "admin"))
    response = pages_as(app, "front_desk").post("/patients/new", {**ADA, field: value})
    assert response.status_code == 422
    assert f'id="e-{field}">{message}' in response.get_data(as_text=True)
    assert patient_count(app) == 0


def test_before_the_clinic_is_set_up_a_patient_without_a_zone_is_refused_plainly(app):
    response = pages_as(app, "front_desk").post("/patients/new", ADA)
    assert response.status_code == 409
    assert "the clinic is not set up yet" in text_of(response)
    assert patient_count(app) == 0


def test_a_new_patient_form_without_its_csrf_token_adds_no_one(app):
    set_up_clinic(api_as(app, "admin"))
    response = pages_as(app, "front_desk").post("/patients/new", ADA, csrf=False)
    assert response.status_code == 400
    assert patient_count(app) == 0


# A patient registered twice.

def warning_of(response) -> str:
    """The page's words with the bold name's closing tag not leaving a space before its comma."""
    return text_of(response).replace(" ,", ",")


def test_the_same_name_and_phone_is_warned_about_before_anyone_is_added(app):
    set_up_clinic(api_as(app, "admin"))
    first = make_patient(api_as(app, "front_desk"), first_name="Ada", last_name="Lovelace",
                         phone="+16175550123", email="ada@example.com")
    pages = pages_as(app, "front_desk")
    response = pages.post("/patients/new", {**ADA, "first_name": "ada ", "email": ""})
    page, html = warning_of(response), response.get_data(as_text=True)
    assert response.status_code == 409 and patient_count(app) == 1
    assert "Possible duplicate" in page
    assert "Ada Lovelace, (617) 555-0123, ada@example.com, date of birth not on file (same name, phone)" in page
    assert f'href="/patients/{first}">Open Ada Lovelace' in html
    assert 'value="ada "' in html  # what was typed is kept for "Add anyway"
    # Staff say it is someone else: added, the warning not asked again.
    added = pages.post("/patients/new", {**ADA, "email": "", "add_anyway": "1"})
    assert added.status_code == 303 and patient_count(app) == 2


def test_the_same_name_and_date_of_birth_is_warned_about(app):
    set_up_clinic(api_as(app, "admin"))
    pages = pages_as(app, "front_desk")
    assert pages.post("/patients/new", {**ADA, "birth_date": "1984-07-21"}).status_code == 303
    again = pages.post("/patients/new", {"first_name": "Ada", "last_name": "LOVELACE",
                                         "birth_date": "1984-07-21"})
    assert again.status_code == 409 and patient_count(app) == 1
    assert "born 21 Jul 1984 (same name, date of birth)" in warning_of(again)
    namesake = pages.post("/patients/new", {"first_name": "Ada", "last_name": "Lovelace",
                                            "birth_date": "1990-01-02"})
    assert namesake.status_code == 303 and patient_count(app) == 2


def test_a_phone_or_email_already_another_patients_is_pointed_out(app):
    set_up_clinic(api_as(app, "admin"))
    desk = api_as(app, "front_desk")
    make_patient(desk, first_name="Grace", last_name="Hopper", phone="+16175550123", email="g@example.com")
    make_patient(desk, first_name="Alan", last_name="Turing", phone="+16175550199", email="ada@example.com")
    response = pages_as(app, "front_desk").post("/patients/new", ADA)
    page = warning_of(response)
    assert response.status_code == 409 and patient_count(app) == 2
    assert "Grace Hopper, (617) 555-0123, g@example.com, date of birth not on file (same phone)" in page
    assert "Alan Turing, (617) 555-0199, ada@example.com, date of birth not on file (same email)" in page
    assert 'name="add_anyway"' in response.get_data(as_text=True)


def test_a_date_of_birth_in_the_future_is_refused_at_its_field(app):
    set_up_clinic(api_as(app, "admin"))
    response = pages_as(app, "front_desk").post("/patients/new", {**ADA, "birth_date": "2999-01-01"})
    assert response.status_code == 422
    assert 'id="e-birth_date">must be a date of birth between 1900 and today' in response.get_data(as_text=True)
    assert patient_count(app) == 0


def test_the_api_refuses_the_same_patient_twice_unless_told_it_is_someone_else(app):
    set_up_clinic(api_as(app, "admin"))
    desk = api_as(app, "front_desk")
    ada = {"first_name": "Ada", "last_name": "Lovelace", "phone": "+16175550123", "birth_date": "1984-07-21"}
    first = desk.post("/patients", json=ada)
    assert first.status_code == 201 and first.json["birth_date"] == "1984-07-21"
    again = desk.post("/patients", json={**ada, "phone": "617 555 0123", "birth_date": None})
    assert again.status_code == 409
    assert again.json["duplicates"] == [{"id": first.json["id"], "shared": ["name", "phone"]}]
    assert patient_count(app) == 1
    # A relative sharing the phone is not the same person: no refusal.
    assert desk.post("/patients", json={**ada, "first_name": "Byron", "birth_date": None}).status_code == 201
    assert desk.post("/patients", json={**ada, "allow_duplicate": True}).status_code == 201
    assert patient_count(app) == 3


# Correcting a patient's details.

def test_front_desk_corrects_the_phone_and_removes_the_email(app):
    set_up_clinic(api_as(app, "admin"))
    desk = api_as(app, "front_desk")
    patient = make_patient(desk, first_name="Ada", last_name="Lovelace", email="ada@example.com",
                           email_opt_in=True, sms_opt_in=True)
    pages = pages_as(app, "front_desk")
    form = pages.get(f"/patients/{patient}/edit").get_data(as_text=True)
    assert 'value="ada@example.com"' in form and 'value="Lovelace"' in form
    response = pages.post(f"/patients/{patient}/edit", {
        "first_name": "Ada", "last_name": "Lovelace", "phone": "617 555 0199", "email": "",
        "timezone": "America/New_York", "sms_opt_in": "1"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/patients/{patient}"
    saved = desk.get(f"/patients/{patient}").json
    assert (saved["phone"], saved["email"], saved["sms_opt_in"], saved["email_opt_in"]) == (
        "+16175550199", None, True, False)
    with app.app_context():
        edit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "patient.update")).one()
    assert edit.details == {"fields": ["email", "email_opt_in", "phone"]}
    assert "Details saved." in text_of(pages.get(f"/patients/{patient}"))


def test_a_phone_corrected_to_another_patients_is_pointed_out_before_saving(app):
    set_up_clinic(api_as(app, "admin"))
    desk = api_as(app, "front_desk")
    make_patient(desk, first_name="Grace", last_name="Hopper", phone="+16175550199", email=None)
    patient = make_patient(desk, first_name="Ada", last_name="Lovelace", phone="+16175550123")
    pages = pages_as(app, "front_desk")
    edited = {"first_name": "Ada", "last_name": "Lovelace", "phone": "617 555 0199", "timezone": ""}
    response = pages.post(f"/patients/{patient}/edit", edited)
    assert response.status_code == 409
    assert "Grace Hopper, (617) 555-0199, date of birth not on file (same phone)" in warning_of(response)
    assert desk.get(f"/patients/{patient}").json["phone"] == "+16175550123"
    # The patient's own unchanged details never count against them.
    assert pages.post(f"/patients/{patient}/edit", {**edited, "phone": "+16175550123",
                                                     "sms_opt_in": "1"}).status_code == 303
    saved = pages.post(f"/patients/{patient}/edit", {**edited, "add_anyway": "1"})
    assert saved.status_code == 303 and desk.get(f"/patients/{patient}").json["phone"] == "+16175550199"


def test_emptying_a_name_is_refused_and_changes_nothing(app):
    set_up_clinic(api_as(app, "admin"))
    desk = api_as(app, "front_desk")
    patient = make_patient(desk, first_name="Ada", last_name="Lovelace")
    before = desk.get(f"/patients/{patient}").json
    response = pages_as(app, "admin").post(f"/patients/{patient}/edit", {
        "first_name": " ", "last_name": "Byron", "phone": "not a phone"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="e-first_name">Missing data for required field.' in html
    assert 'id="e-phone">is not a valid phone number' in html
    assert desk.get(f"/patients/{patient}").json == before


def test_editing_a_patient_who_is_not_there_is_not_found(app):
    pages = pages_as(app, "front_desk")
    assert pages.get("/patients/4242/edit").status_code == 404
    assert pages.post("/patients/4242/edit", ADA).status_code == 404
    assert pages.get("/patients/4242").status_code == 404
    assert pages.get("/patients/99999999999").status_code == 404  # past SQL's integers: no 500


# The patient's page.

def test_the_patients_page_shows_courses_messages_replies_and_a_stop(app, clock):
    ward = Ward(app, clock)
    patient, phone = ward.patient(first_name="Ada", last_name="Lovelace")
    sessions = ward.book_three(patient, start_on="2026-06-03")
    ward.work()  # the confirmations go out
    sms = next(n for n in ward.notes(patient_id=patient) if n["channel"] == "sms")
    status_callback(ward.client, sms["provider_message_id"], "undelivered", "30003")
    clock.set(at(1, 13))
    answer(text(ward.client, phone, "C"))
    clock.set(at(1, 14))
    answer(text(ward.client, phone, "STOP"))

    response = pages_as(app, "front_desk").get(f"/patients/{patient}")
    page, html = text_of(response), response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("Replied STOP: no texts until START") >= 2  # the banner and the consent line
    assert "(617) 555-0" in page
    # The course and its sessions, on the clinic's clock, each opening the appointment's page.
    course = desk_course_id(ward, sessions[0]["id"])
    assert f'href="/courses/{course}">Induction course</a>' in html
    assert "Wed 03 Jun 2026, 09:00 EDT" in page and "Chair 1" in page
    for session in sessions:
        assert f'href="/appointments/{session["id"]}"' in html
    assert re.search(r'<a href="/appointments/\d+">Wed 03 Jun 2026, 09:00 EDT</a></td>\s*<td>IV infusion</td>'
                     r'\s*<td>Chair 1</td>\s*<td><span class="status status-confirmed">confirmed', html)  # by "C"
    # Every message with its purpose, channel and delivery; the failed text says why.
    assert re.search(r"<td>confirmation</td>\s*<td>text</td>\s*<td><span class=\"status status-failed\">failed"
                     r"</span> <span class=\"why\">the phone was off or out of reach \(code 30003\)</span>", html)
    assert re.search(r"<td>confirmation</td>\s*<td>email</td>\s*<td><span class=\"status status-sent\">sent", html)
    assert "Reply C to confirm" in page  # the text itself, for staff
    # The emailed link would let anyone holding it act as the patient: not on a staff screen.
    assert "/p/" not in html and "[patient link hidden]" in page
    # What the patient texted, and how the service read it.
    assert re.search(r'<pre class="message-text">STOP</pre></td>\s*<td>stop</td>', html)
    assert re.search(r'<pre class="message-text">C</pre></td>\s*<td>confirm</td>', html)
    # Front desk may book; check-ins are for clinical staff, as in the API.
    assert f'href="/courses/new?patient_id={patient}"' in html
    assert "Check-ins" not in page and "/check-ins" not in html


def test_each_message_says_when_it_goes_out_or_went_and_why_one_was_not_sent(app, clock):
    ward = Ward(app, clock)
    patient, _phone = ward.patient(email_opt_in=False)
    sessions = ward.book_three(patient, start_on="2026-06-03")
    waiting = [n for n in ward.notes(patient_id=patient) if n["status"] == "pending"
               and datetime.fromisoformat(n["due_at"]) > clock()]
    assert waiting
    page = text_of(pages_as(app, "front_desk").get(f"/patients/{patient}"))
    # A message still to go out names the time it will, on the clinic's clock, in words.
    with app.test_request_context():
        from scheduler.web.display import clinic_time as shown_at
        for note in waiting:
            assert f"goes out {shown_at(datetime.fromisoformat(note['due_at']))}" in page
    assert "waiting" in page and "pending" not in page
    ward.work()
    assert ward.desk.post(f"/appointments/{sessions[-1]['id']}/cancel",
                          json={"reason": "patient unwell"}).status_code == 200
    page = text_of(pages_as(app, "front_desk").get(f"/patients/{patient}"))
    assert re.search(r"sent \w{3} \d\d \w{3} 2026, \d\d:\d\d E[DS]T confirmation text sent", page)
    # The cancelled session's reminders: when they were due, and why they did not go.
    assert re.search(r"was due \w{3} \d\d \w{3} 2026, \d\d:\d\d E[DS]T reminder text cancelled "
                     r"the session was cancelled", page)


def test_every_signed_link_of_the_patients_is_hidden_from_staff():
    from notifications.services.patient_messages import without_patient_links

    base = "https://clinic.example.org"
    for path in ("p", "q", "w"):
        body = f"Riverside: your form {base}/{path}/2.Uq5GKRPNJg3S-KA_x thanks"
        assert without_patient_links(body, base) == "Riverside: your form [patient link hidden] thanks"
    assert without_patient_links(f"see {base}/docs", base) == f"see {base}/docs"


def test_a_carriers_error_is_read_out_in_plain_words_with_its_code():
    from notifications.web.patient_history import plain_reason

    assert plain_reason("30003: undelivered") == "the phone was off or out of reach (code 30003)"
    assert plain_reason("gave up after 5 attempts: 30008: failed") == \
        "gave up after 5 tries: the carrier did not say why (code 30008)"
    assert plain_reason("no code: undelivered") == "the carrier refused it: undelivered"
    assert plain_reason("no consent to SMS") == "the patient has not agreed to texts"
    assert plain_reason("the appointment is cancelled") == "the appointment is cancelled"


def desk_course_id(ward, appointment_id: int) -> int:
    return ward.desk.get(f"/appointments/{appointment_id}").json["course_id"]


def test_monitoring_sees_the_check_in_scores_with_a_link_to_the_chart(app, clock):
    ward = Ward(app, clock)
    patient, phone = ward.patient()
    ward.check_in_sent(patient)
    clock.set(at(4, 16))
    answer(text(ward.client, phone, "7"))
    response = pages_as(app, "monitoring").get(f"/patients/{patient}")
    page, html = text_of(response), response.get_data(as_text=True)
    assert "Check-ins" in page
    assert re.search(r"Thu 04 Jun 2026, 12:00 EDT 7 7", page)  # answered at 12:00 New York, score, reply
    assert f'href="/monitoring/patients/{patient}/check-ins"' in html
    # Monitoring reads patients but does not edit or book.
    assert f'href="/patients/{patient}/edit"' not in html
    assert "/courses/new" not in html


def test_a_patient_with_no_history_yet_gets_a_plain_page(app):
    set_up_clinic(api_as(app, "admin"))
    patient = make_patient(api_as(app, "front_desk"), sms_opt_in=False, email_opt_in=False)
    page = text_of(pages_as(app, "admin").get(f"/patients/{patient}"))
    assert "No sessions booked yet." in page and "No messages yet." in page
    assert "No replies received." in page and "No check-ins yet." in page
    assert "Has not agreed to text messages" in page and "Replied STOP" not in page


def test_message_texts_shown_to_staff_never_reach_the_logs(app, clock, caplog):
    caplog.set_level(logging.DEBUG)
    ward = Ward(app, clock)
    patient, phone = ward.patient(first_name="Marguerite", last_name="Quixotic-Lowe")
    ward.book_three(patient)
    ward.work()
    answer(text(ward.client, phone, "my knee hurts"))
    pages = pages_as(app, "front_desk")
    caplog.clear()
    page = text_of(pages.get(f"/patients/{patient}"))
    pages.get("/patients", query_string={"q": "Quixotic"})
    pages.post(f"/patients/{patient}/edit", {"first_name": "Marguerite", "last_name": "Quixotic-Lowe",
                                            "phone": "not a phone"})
    assert "my knee hurts" in page and "booked" in page  # shown to staff
    logged = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    assert '"request"' in logged
    # The phone's last ten digits, not four: four digits turn up by chance in a request id's hex.
    for secret in ("Marguerite", "Quixotic", "knee", phone[-10:], "booked"):
        assert secret not in logged


# Who is due for maintenance.

@pytest.fixture
def ward(app, clock):
    return Ward(app, clock)


def due_ids(app, now) -> list[int]:
    from scheduler.services.maintenance import patients_due_for_maintenance
    from zoneinfo import ZoneInfo

    with app.app_context():
        return [row.patient.id for row in patients_due_for_maintenance(now, ZoneInfo("America/New_York"))]


def induction_done(ward, **fields) -> tuple[int, list[dict]]:
    """A patient whose three-session induction (2, 3 and 4 June, 09:00) is booked."""
    patient, _ = ward.patient(**fields)
    return patient, ward.book_three(patient, start_on="2026-06-02")


def test_a_patient_still_in_induction_is_not_due(ward, clock):
    patient, sessions = induction_done(ward)
    clock.set(at(3, 18))  # two sessions held, one to come
    assert due_ids(ward.app, clock.now) == []
    clock.set(at(4, 14))  # the last one is under way
    last = sessions[2]["id"]
    assert ward.desk.post(f"/appointments/{last}/check-in").status_code == 200
    assert due_ids(ward.app, clock.now) == []


def test_a_finished_induction_with_nothing_booked_is_due(ward, clock):
    patient, sessions = induction_done(ward)
    clock.set(at(4, 13, 30))
    assert ward.desk.post(f"/appointments/{sessions[2]['id']}/check-in").status_code == 200
    clock.set(at(4, 15, 30))
    assert ward.desk.post(f"/appointments/{sessions[2]['id']}/complete").status_code == 200
    assert due_ids(ward.app, clock.now) == [patient]
    from scheduler.services.maintenance import patients_due_for_maintenance
    from zoneinfo import ZoneInfo

    # 02:00 UTC on the 11th is still the 10th in New York: 6 days after the 4th, not 7.
    with ward.app.app_context():
        [row] = patients_due_for_maintenance(at(11, 2), ZoneInfo("America/New_York"))
    assert row.induction_ended_at == at(4, 13) and row.days_since_induction == 6


def test_a_finished_induction_with_a_maintenance_session_booked_is_not_due(ward, clock):
    patient, _ = induction_done(ward)
    clock.set(at(8, 12))
    booked = book_session(ward.desk, patient, ward.ids.treatment, clinic_time("2026-06-29", "09:00"))
    assert booked.status_code == 201, booked.json
    assert due_ids(ward.app, clock.now) == []


def test_a_cancelled_maintenance_session_leaves_the_patient_due(ward, clock):
    patient, _ = induction_done(ward)
    clock.set(at(8, 12))
    booked = book_session(ward.desk, patient, ward.ids.treatment, clinic_time("2026-06-29", "09:00")).json
    assert ward.desk.post(f"/appointments/{booked['id']}/cancel", json={"reason": "moving away"}).status_code == 200
    assert due_ids(ward.app, clock.now) == [patient]


def test_a_cancelled_induction_course_is_not_a_finished_one(ward, clock):
    """Our choice: stopping a course is a decision staff made, not a patient to chase."""
    patient, sessions = induction_done(ward)
    clock.set(at(2, 18))  # after the first session
    course = desk_course_id(ward, sessions[0]["id"])
    assert ward.desk.post(f"/courses/{course}/cancel", json={"reason": "side effects"}).status_code == 200
    clock.set(at(10, 12))
    assert due_ids(ward.app, clock.now) == []


def test_only_patients_who_had_an_induction_are_listed(ward, clock):
    ward.patient()  # never booked
    single, _ = ward.patient()
    assert book_session(ward.desk, single, ward.ids.treatment,
                        clinic_time("2026-06-02", "09:00")).status_code == 201
    maintained, _ = ward.patient()
    assert ward.desk.post("/courses", json={"patient_id": maintained, "treatment_type_id": ward.ids.treatment,
                                            "kind": "maintenance", "sessions": 1,
                                            "start_on": "2026-06-02"}).status_code == 201
    clock.set(at(10, 12))
    assert due_ids(ward.app, clock.now) == []


def test_the_longest_waiting_come_first_with_their_latest_session(ward, clock):
    later, _ = induction_done(ward)
    clock.set(at(1, 13))
    earlier, _ = ward.patient()
    # A later patient's course in the other chair, a week on: ends 11 June.
    assert ward.desk.post("/courses", json={"patient_id": earlier, "treatment_type_id": ward.ids.treatment,
                                            "kind": "induction", "sessions": 3,
                                            "start_on": "2026-06-09"}).status_code == 201
    clock.set(at(20, 12))
    assert due_ids(ward.app, clock.now) == [later, earlier]


def test_front_desk_sees_who_is_due_and_a_link_to_book_their_maintenance(ward, clock):
    patient, _ = induction_done(ward, first_name="Ada", last_name="Lovelace")
    clock.set(at(10, 16))  # Wed 10 June, noon in New York
    response = pages_as(ward.app, "front_desk").get("/maintenance-due")
    page, html = text_of(response), response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Lovelace, Ada" in page
    assert "Thu 04 Jun 2026, 09:00 EDT 6 days" in page
    assert f'href="/courses/new?patient_id={patient}&amp;kind=maintenance">Book maintenance</a>' in html


def test_an_empty_maintenance_list_says_everyone_is_booked(app):
    page = text_of(pages_as(app, "admin").get("/maintenance-due"))
    assert "No one is due for maintenance" in page


def test_a_long_maintenance_list_is_paged(ward, clock, monkeypatch):
    from scheduler.web import patients as patient_pages

    for _ in range(3):
        induction_done(ward)
    clock.set(at(20, 12))
    monkeypatch.setattr(patient_pages, "PAGE_SIZE", 2)
    pages = pages_as(ward.app, "front_desk")
    first, second = pages.get("/maintenance-due"), pages.get("/maintenance-due?page=2")
    assert len(names_in_order(first)) == 2 and 'href="/maintenance-due?page=2"' in first.get_data(as_text=True)
    assert len(names_in_order(second)) == 1 and "Next page" not in text_of(second)


# Who may open what.

PAGES = [("GET", "/patients"), ("GET", "/patients/new"), ("POST", "/patients/new"),
         ("GET", "/patients/{id}"), ("GET", "/patients/{id}/edit"), ("POST", "/patients/{id}/edit"),
         ("GET", "/maintenance-due")]
BOOKERS_ONLY = {"/patients/new", "/patients/{id}/edit", "/maintenance-due"}


@pytest.mark.parametrize("method, path", PAGES)
def test_a_stranger_is_sent_to_sign_in_and_nothing_changes(app, method, path):
    set_up_clinic(api_as(app, "admin"))
    patient = make_patient(api_as(app, "front_desk"), first_name="Ada")
    pages = pages_as(app, None)
    address = path.format(id=patient)
    response = pages.get(address) if method == "GET" else pages.post(address, {**ADA, "first_name": "Eve"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert patient_count(app) == 1
    assert api_as(app, "monitoring").get(f"/patients/{patient}").json["first_name"] == "Ada"


@pytest.mark.parametrize("method, path", [page for page in PAGES if page[1] in BOOKERS_ONLY])
def test_monitoring_may_not_add_edit_or_chase_patients(app, method, path):
    set_up_clinic(api_as(app, "admin"))
    patient = make_patient(api_as(app, "front_desk"), first_name="Ada")
    pages = pages_as(app, "monitoring")
    address = path.format(id=patient)
    response = pages.get(address) if method == "GET" else pages.post(address, {**ADA, "first_name": "Eve"})
    assert response.status_code == 403
    assert "Not for your role" in text_of(response)
    assert patient_count(app) == 1
    assert api_as(app, "monitoring").get(f"/patients/{patient}").json["first_name"] == "Ada"


@pytest.mark.parametrize("role", ["front_desk", "monitoring", "admin"])
def test_every_staff_role_may_search_and_read_a_patient(app, role):
    set_up_clinic(api_as(app, "admin"))
    patient = make_patient(api_as(app, "front_desk"))
    pages = pages_as(app, role)
    assert pages.get("/patients").status_code == 200
    assert pages.get(f"/patients/{patient}").status_code == 200


def test_the_menu_shows_due_for_maintenance_to_bookers_only(app):
    assert 'href="/maintenance-due"' in pages_as(app, "front_desk").get("/patients").get_data(as_text=True)
    assert 'href="/maintenance-due"' not in pages_as(app, "monitoring").get("/patients").get_data(as_text=True)
