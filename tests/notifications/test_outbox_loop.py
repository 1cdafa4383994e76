"""The outbox through a clinic's day, on the console channels: written with the booking, sent
once by the worker, skipped with a reason when no longer right."""
from datetime import datetime, timezone

import pytest

from notifications.worker import run_once
from tests.factories import api_as, make_patient, set_up_clinic

UTC = timezone.utc


@pytest.fixture(autouse=True)
def tokens_that_outlive_the_week(app):
    # These tests move the clock by days; staff sign in again daily, these tests don't.
    app.config["TOKEN_TTL_HOURS"] = 24 * 30


def notes(api, **query):
    response = api.get("/notifications", query_string={"page_size": 1000, **query})
    assert response.status_code == 200, response.json
    return response.json


def work(app, worker="w1"):
    with app.app_context():
        return run_once(worker)


def book_three(app, desk, clinic, patient):
    response = desk.post("/courses", json={"patient_id": patient, "treatment_type_id": clinic.treatment,
                                           "kind": "induction", "sessions": 3, "start_on": "2026-06-03"})
    assert response.status_code == 201, response.json
    return response.json["appointments"]


def test_booking_a_course_writes_one_confirmation_and_reminders_per_session(app):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    sessions = book_three(app, desk, clinic, make_patient(desk))
    written = notes(desk)
    confirmations = [n for n in written if n["purpose"] == "confirmation"]
    assert {n["channel"] for n in confirmations} == {"sms", "email"}
    reminders = [n for n in written if n["purpose"] == "reminder"]
    # The default rules: a day before on SMS and email, two hours before on SMS, per session.
    assert len(reminders) == 3 * 3
    first_day_before = [n for n in reminders if n["appointment_id"] == sessions[0]["id"]
                        and n["channel"] == "email"]
    assert first_day_before[0]["due_at"] == "2026-06-02T13:00:00+00:00"


def test_the_worker_sends_what_is_due_once_and_leaves_the_rest(app, clock):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    book_three(app, desk, clinic, make_patient(desk))
    assert work(app) == {"sent": 2}  # the two confirmations; reminders are not due yet
    assert work(app) == {}
    sent = notes(desk, status="sent")
    assert len(sent) == 2 and all(n["provider_message_id"].startswith("console-") for n in sent)
    sms = next(n for n in sent if n["channel"] == "sms")
    assert "Reply C to confirm" in sms["body"]
    clock.set(datetime(2026, 6, 2, 13, 0, tzinfo=UTC))  # the day-before reminders fall due
    assert work(app) == {"sent": 2}


def test_cancelled_session_gets_no_reminder(app, clock):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    sessions = book_three(app, desk, clinic, make_patient(desk))
    assert desk.post(f"/appointments/{sessions[0]['id']}/cancel", json={"reason": "ill"}).status_code == 200
    of_first = notes(desk, appointment_id=sessions[0]["id"])
    assert {n["status"] for n in of_first if n["purpose"] == "reminder"} == {"cancelled"}
    assert [n["channel"] for n in of_first if n["purpose"] == "cancellation"] == ["sms", "email"]
    clock.set(datetime(2026, 6, 3, 12, 0, tzinfo=UTC))
    work(app)
    assert not [n for n in notes(desk, appointment_id=sessions[0]["id"], status="sent")
                if n["purpose"] == "reminder"]


def test_a_rescheduled_session_drops_its_old_reminders_and_gets_new_ones(app):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    sessions = book_three(app, desk, clinic, make_patient(desk))
    moved = desk.post(f"/appointments/{sessions[2]['id']}/reschedule",
                      json={"start": "2026-06-12T10:00:00-04:00"})
    assert moved.status_code == 200, moved.json
    of_moved = notes(desk, appointment_id=sessions[2]["id"])
    pending = [n["due_at"] for n in of_moved if n["purpose"] == "reminder" and n["status"] == "pending"]
    assert sorted(pending) == ["2026-06-11T14:00:00+00:00", "2026-06-11T14:00:00+00:00",
                               "2026-06-12T12:00:00+00:00"]
    assert any(n["purpose"] == "reschedule" for n in of_moved)


def test_a_reminder_due_during_an_outage_is_skipped_with_its_reason_not_sent_late(app, clock):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    sessions = book_three(app, desk, clinic, make_patient(desk))
    work(app)  # confirmations out
    clock.set(datetime(2026, 6, 3, 12, 30, tzinfo=UTC))  # 30 minutes before the first session
    work(app)
    first = notes(desk, appointment_id=sessions[0]["id"])
    day_before = [n for n in first if n["purpose"] == "reminder" and n["channel"] == "email"]
    assert day_before[0]["status"] == "skipped"
    assert "too late" in day_before[0]["error"]


def test_no_sms_after_stop_but_email_still_goes(app):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    patient = make_patient(desk)
    with app.app_context():
        from scheduler.extensions import db
        from scheduler.models import Patient
        db.session.get(Patient, patient).sms_opted_out = True
        db.session.commit()
    book_three(app, desk, clinic, patient)
    work(app)
    confirmations = {n["channel"]: n for n in notes(desk) if n["purpose"] == "confirmation"}
    assert confirmations["sms"]["status"] == "skipped"
    assert confirmations["sms"]["error"] == "the patient texted STOP"
    assert confirmations["email"]["status"] == "sent"


def test_texts_wait_for_the_end_of_the_patients_quiet_hours(app, clock):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    clock.set(datetime(2026, 6, 2, 2, 0, tzinfo=UTC))  # 22:00 in New York: quiet hours
    book_three(app, desk, clinic, make_patient(desk))
    work(app)
    sms = next(n for n in notes(desk) if n["purpose"] == "confirmation" and n["channel"] == "sms")
    assert sms["status"] == "pending"
    assert sms["due_at"] == "2026-06-02T12:00:00+00:00"  # 08:00 local
    email = next(n for n in notes(desk) if n["purpose"] == "confirmation" and n["channel"] == "email")
    assert email["status"] == "sent"


def test_completing_a_session_sends_the_check_in_a_day_later(app, clock):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    sessions = book_three(app, desk, clinic, make_patient(desk))
    clock.set(datetime(2026, 6, 3, 13, 0, tzinfo=UTC))
    desk.post(f"/appointments/{sessions[0]['id']}/check-in")
    clock.set(datetime(2026, 6, 3, 15, 0, tzinfo=UTC))
    assert desk.post(f"/appointments/{sessions[0]['id']}/complete").status_code == 200
    checkin = [n for n in notes(desk, appointment_id=sessions[0]["id"]) if n["purpose"] == "checkin"]
    assert [(n["channel"], n["due_at"]) for n in checkin] == [("sms", "2026-06-04T15:00:00+00:00")]
    clock.set(datetime(2026, 6, 4, 15, 0, tzinfo=UTC))
    work(app)
    sent = notes(desk, appointment_id=sessions[0]["id"], status="sent")
    assert [n["purpose"] for n in sent if n["channel"] == "sms"] == ["checkin"]
    assert "0 (worst) to 10 (best)" in sent[-1]["body"]


def test_no_sms_names_a_drug_a_diagnosis_or_the_treatment(app, clock):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    admin.put("/clinic", json={"name": "Ketamine Depression Center", "sms_name": "Riverside Health"})
    sessions = book_three(app, desk, clinic, make_patient(desk))
    desk.post(f"/appointments/{sessions[2]['id']}/cancel", json={"reason": "x"})
    for moment in (datetime(2026, 6, 1, 13, 0), datetime(2026, 6, 2, 13, 0), datetime(2026, 6, 3, 11, 0)):
        clock.set(moment.replace(tzinfo=UTC))
        work(app)
    texts = [n["body"] for n in notes(desk, status="sent") if n["channel"] == "sms"]
    assert len(texts) >= 3
    for text in texts:
        for word in ("ketamine", "esketamine", "spravato", "depression", "anxiety", "infusion"):
            assert word not in text.lower()
        assert "Riverside Health" in text


def test_a_reminder_across_the_spring_change_is_due_a_real_day_before_and_reads_local_time(app, clock):
    # Sunday 8 March 2026, 10:00 EDT; 1,440 minutes earlier is Saturday 09:00 EST.
    every_day = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin, opening_hours=every_day)
    clock.set(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))
    booked = desk.post("/appointments", json={"patient_id": make_patient(desk),
                                              "treatment_type_id": clinic.treatment,
                                              "start": "2026-03-08T10:00:00-04:00"}).json
    day_before = [n for n in notes(desk, appointment_id=booked["id"])
                  if n["purpose"] == "reminder" and n["channel"] == "sms" and n["rule_minutes"] == 1440]
    assert day_before[0]["due_at"] == "2026-03-07T14:00:00+00:00"
    clock.set(datetime(2026, 3, 7, 14, 0, tzinfo=UTC))
    work(app)
    sent = notes(desk, appointment_id=booked["id"], status="sent")
    reminder = next(n for n in sent if n["purpose"] == "reminder" and n["channel"] == "sms")
    assert "Sun 8 Mar 10am" in reminder["body"]


def test_quiet_hours_follow_the_patients_own_time_zone(app, clock):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    west = make_patient(desk, timezone="America/Los_Angeles")
    clock.set(datetime(2026, 6, 2, 12, 30, tzinfo=UTC))  # 08:30 in New York, 05:30 in Los Angeles
    desk.post("/appointments", json={"patient_id": west, "treatment_type_id": clinic.treatment,
                                     "start": "2026-06-05T10:00:00-04:00"})
    work(app)
    sms = next(n for n in notes(desk, patient_id=west) if n["purpose"] == "confirmation"
               and n["channel"] == "sms")
    assert (sms["status"], sms["due_at"]) == ("pending", "2026-06-02T15:00:00+00:00")  # 08:00 LA
