"""The patient's emailed link: their session, confirm, or ask to be called; nothing for anyone
else, and nothing once the session has started."""
import re
from datetime import datetime, timezone

import pytest

from notifications.services.patient_links import token_for
from notifications.worker import run_once
from tests.api.test_booking_races import race
from tests.factories import api_as, make_patient, set_up_clinic

RACERS = 8

UTC = timezone.utc


@pytest.fixture(autouse=True)
def tokens_that_outlive_the_week(app):
    app.config["TOKEN_TTL_HOURS"] = 24 * 30


def booked_session(app):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    admin.put("/clinic", json={"phone": "+16175550100"})
    patient = make_patient(desk, first_name="Rosalind")
    booked = desk.post("/appointments", json={"patient_id": patient, "treatment_type_id": clinic.treatment,
                                              "start": "2026-06-03T10:00:00-04:00"})
    assert booked.status_code == 201, booked.json
    return desk, booked.json


def emailed_link(app, desk, appointment_id) -> str:
    with app.app_context():
        run_once("w1")
    emails = [n for n in desk.get("/notifications", query_string={"appointment_id": appointment_id}).json
              if n["channel"] == "email" and n["status"] == "sent"]
    link = re.search(r"http://127\.0\.0\.1:5000(/p/\S+)", emails[0]["body"])
    assert link, emails[0]["body"]
    return link.group(1)


def booked_course(app, patient_timezone="America/New_York"):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    admin.put("/clinic", json={"phone": "+16175550100"})
    patient = make_patient(desk, first_name="Rosalind", timezone=patient_timezone)
    booked = desk.post("/courses", json={"patient_id": patient, "treatment_type_id": clinic.treatment,
                                         "kind": "induction", "sessions": 4, "start_on": "2026-06-03"})
    assert booked.status_code == 201, booked.json
    return desk, booked.json["appointments"]


def test_the_confirmation_email_links_to_a_page_showing_the_session_in_the_clinics_time(app):
    desk, appointment = booked_session(app)
    page = app.test_client().get(emailed_link(app, desk, appointment["id"]))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Wed 3 Jun, 10:00 AM EDT" in text
    assert "Rosalind" not in text  # a forwarded link shows no name


def test_a_courses_page_shows_every_session_to_come_in_clinic_time(app):
    desk, sessions = booked_course(app, patient_timezone="America/Los_Angeles")
    desk.post(f"/appointments/{sessions[2]['id']}/cancel", json={"reason": "away"})
    text = app.test_client().get(emailed_link(app, desk, sessions[0]["id"])).get_data(as_text=True)
    listed = re.findall(r"<li[^>]*>([^<]*)</li>", text)
    assert listed == ["Wed 3 Jun, 9:00 AM EDT: booked, not yet confirmed (the session above)",
                      "Thu 4 Jun, 9:00 AM EDT: booked, not yet confirmed",
                      "Fri 5 Jun, 9:00 AM EDT: cancelled",
                      "Mon 8 Jun, 9:00 AM EDT: booked, not yet confirmed"]


def test_the_page_gives_the_clinics_number_to_tap_in_national_format(app):
    desk, appointment = booked_session(app)
    text = app.test_client().get(emailed_link(app, desk, appointment["id"])).get_data(as_text=True)
    assert '<a href="tel:+16175550100">(617) 555-0100</a>' in text
    assert "<main>" in text


def test_the_page_keeps_its_address_out_of_caches_referers_and_frames(app):
    desk, appointment = booked_session(app)
    client = app.test_client()
    for page in (client.get(emailed_link(app, desk, appointment["id"])), client.get("/p/not-a-token")):
        assert page.headers["Cache-Control"] == "no-store"
        assert page.headers["Referrer-Policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
        assert page.headers["X-Content-Type-Options"] == "nosniff"
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page.get_data(as_text=True))
    assert client.get(stylesheet.group(1)).status_code == 200  # its own file: the policy runs no inline style


def test_the_patient_confirms_from_the_page(app):
    desk, appointment = booked_session(app)
    link = emailed_link(app, desk, appointment["id"])
    done = app.test_client().post(link, data={"action": "confirm"})
    assert done.status_code == 200 and "confirmed" in done.get_data(as_text=True)
    assert desk.get(f"/appointments/{appointment['id']}").json["status"] == "confirmed"


def test_asking_to_be_called_to_reschedule_shows_to_the_front_desk(app):
    desk, appointment = booked_session(app)
    link = emailed_link(app, desk, appointment["id"])
    app.test_client().post(link, data={"action": "reschedule"})
    requests = desk.get("/patient-requests").json
    assert [(r["appointment_id"], r["kind"]) for r in requests] == [(appointment["id"], "reschedule")]
    assert desk.post(f"/patient-requests/{requests[0]['id']}/handle").status_code == 200
    assert desk.post(f"/patient-requests/{requests[0]['id']}/handle").status_code == 409
    assert desk.get("/patient-requests").json == []


def test_pressing_ask_to_reschedule_twice_leaves_one_request(app):
    desk, appointment = booked_session(app)
    link = emailed_link(app, desk, appointment["id"])
    client = app.test_client()
    answers = [client.post(link, data={"action": "reschedule"}) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].get_data(as_text=True).count("we will call you to find another time") == 1
    assert "we will call you to find another time" in answers[1].get_data(as_text=True)
    assert [r["kind"] for r in desk.get("/patient-requests").json] == ["reschedule"]
    assert "You asked us to call you to change the time" in client.get(link).get_data(as_text=True)


def test_asking_to_cancel_after_asking_to_reschedule_changes_the_one_request(app):
    desk, appointment = booked_session(app)
    link = emailed_link(app, desk, appointment["id"])
    app.test_client().post(link, data={"action": "reschedule"})
    app.test_client().post(link, data={"action": "cancel"})
    assert [r["kind"] for r in desk.get("/patient-requests").json] == ["cancel"]


def test_a_request_handled_by_the_front_desk_lets_the_patient_ask_again(app):
    desk, appointment = booked_session(app)
    link = emailed_link(app, desk, appointment["id"])
    app.test_client().post(link, data={"action": "reschedule"})
    [first] = desk.get("/patient-requests").json
    assert desk.post(f"/patient-requests/{first['id']}/handle").status_code == 200
    app.test_client().post(link, data={"action": "reschedule"})
    [again] = desk.get("/patient-requests").json
    assert again["id"] != first["id"]


def test_two_presses_at_once_leave_one_request(app):
    desk, appointment = booked_session(app)
    link = emailed_link(app, desk, appointment["id"])
    answers = race([lambda client=app.test_client(): client.post(link, data={"action": "cancel"})
                    for _ in range(RACERS)])
    assert {a.status_code for a in answers} == {200}
    assert len(desk.get("/patient-requests").json) == 1


def test_a_tampered_link_explains_itself_and_shows_no_one(app):
    desk, appointment = booked_session(app)
    link = emailed_link(app, desk, appointment["id"])
    forged = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
    page = app.test_client().get(forged)
    assert page.status_code == 400
    assert "not valid" in page.get_data(as_text=True)
    assert "10:00" not in page.get_data(as_text=True)
    assert app.test_client().post(forged, data={"action": "confirm"}).status_code == 400
    assert desk.get(f"/appointments/{appointment['id']}").json["status"] == "scheduled"


def test_a_link_signed_with_another_key_for_another_appointment_is_refused(app):
    desk, appointment = booked_session(app)
    with app.test_request_context():
        app.config["SECRET_KEY"], real = "someone-elses-key", app.config["SECRET_KEY"]
        token = token_for(appointment["id"], datetime(2026, 6, 3, 14, tzinfo=UTC))
        app.config["SECRET_KEY"] = real
    assert app.test_client().get(f"/p/{token}").status_code == 400


def test_the_link_expires_when_the_session_starts(app, clock):
    desk, appointment = booked_session(app)
    link = emailed_link(app, desk, appointment["id"])
    clock.set(datetime(2026, 6, 3, 14, 0, tzinfo=UTC))  # 10:00 in New York
    page = app.test_client().get(link)
    assert page.status_code == 410
    assert "expired" in page.get_data(as_text=True)
