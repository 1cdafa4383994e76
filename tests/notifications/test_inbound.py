"""Twilio's webhooks: only signed requests act, each text acts once, and a patient's reply does
what it asks (confirm, STOP, START, HELP, a check-in score)."""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from scheduler.logs import JsonFormatter
from tests.properties import examples

from .texting import (AUTH_TOKEN, PUBLIC_BASE_URL, Ward, answer, at, database_rows, new_sid,
                      signed_post, status_callback, text)


def inbound(ward, **query):
    return ward.listing("/inbound-messages", ward.desk, **query)


# Signatures.

FORGERIES = {
    "wrong signature": {"signature": "bm90IGEgcmVhbCBzaWduYXR1cmU="},
    "no signature": {"signature": ""},
    "signed for another address": {"url": "https://attacker.example.com/webhooks/twilio/sms"},
    "signed for the other webhook": {"url": PUBLIC_BASE_URL + "/webhooks/twilio/status"},
    "signed with another token": {"token": "someone-elses-auth-token"},
}


@pytest.mark.parametrize("forgery", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_text_without_twilios_signature_gets_403_and_changes_nothing(ward, forgery):
    patient, phone = ward.patient()
    ward.book_three(patient)
    before = database_rows(ward.app)
    for body in ("STOP", "C", "I want to kill myself"):
        assert text(ward.client, phone, body, **forgery).status_code == 403
    assert database_rows(ward.app) == before


def test_a_signed_text_whose_fields_were_changed_after_signing_gets_403(ward):
    patient, phone = ward.patient()
    fields = {"MessageSid": new_sid(), "From": phone, "To": "+15005550006", "Body": "C"}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_BASE_URL + "/webhooks/twilio/sms",
                                                               fields)
    before = database_rows(ward.app)
    tampered = {**fields, "Body": "STOP"}
    response = ward.client.post("/webhooks/twilio/sms", data=tampered,
                                headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    assert database_rows(ward.app) == before


def test_without_an_auth_token_configured_every_webhook_gets_403(ward):
    patient, phone = ward.patient()
    ward.app.config["TWILIO_AUTH_TOKEN"] = None
    before = database_rows(ward.app)
    assert text(ward.client, phone, "STOP").status_code == 403
    assert status_callback(ward.client, "SM" + "1" * 32, "delivered").status_code == 403
    assert database_rows(ward.app) == before


@pytest.mark.parametrize("forgery", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_status_callback_without_twilios_signature_gets_403_and_changes_nothing(ward, forgery):
    patient, phone = ward.patient()
    ward.book_three(patient)
    ward.work()
    sms = next(n for n in ward.notes(status="sent") if n["channel"] == "sms")
    before = database_rows(ward.app)
    if "url" in forgery and forgery["url"].endswith("/status"):
        forgery = {"url": PUBLIC_BASE_URL + "/webhooks/twilio/sms"}
    assert status_callback(ward.client, sms["provider_message_id"], "undelivered", "30003",
                           **forgery).status_code == 403
    assert database_rows(ward.app) == before


def _stop_from(phone: str) -> dict:
    return {"MessageSid": new_sid(), "From": phone, "To": "+15005550006", "Body": "STOP"}


@pytest.mark.parametrize("query", ["site=1", "site=north&clinic=2", "x=%2Fa%20b"])
def test_a_webhook_set_up_with_a_query_string_is_checked_against_the_whole_url(ward, query):
    # Twilio signs the URL it called, query string and all.
    patient, phone = ward.patient()
    response = signed_post(ward.client, f"/webhooks/twilio/sms?{query}", _stop_from(phone))
    assert len(answer(response)) == 1
    assert ward.desk.get(f"/patients/{patient}").json["sms_opted_out"] is True
    sms = signed_post(ward.client, f"/webhooks/twilio/status?{query}",
                      {"MessageSid": new_sid(), "MessageStatus": "delivered"})
    assert sms.status_code == 200


TAMPERED_QUERIES = {
    "query changed": ("/webhooks/twilio/sms?site=1", "/webhooks/twilio/sms?site=2"),
    "query added": ("/webhooks/twilio/sms", "/webhooks/twilio/sms?site=1"),
    "query dropped": ("/webhooks/twilio/sms?site=1", "/webhooks/twilio/sms"),
    "query reordered": ("/webhooks/twilio/sms?a=1&b=2", "/webhooks/twilio/sms?b=2&a=1"),
}


@pytest.mark.parametrize(("signed", "called"), TAMPERED_QUERIES.values(), ids=TAMPERED_QUERIES.keys())
def test_a_webhook_whose_query_string_was_changed_gets_403_and_changes_nothing(ward, signed, called):
    patient, phone = ward.patient()
    fields = _stop_from(phone)
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_BASE_URL + signed, fields)
    before = database_rows(ward.app)
    response = ward.client.post(called, data=fields, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    assert database_rows(ward.app) == before


def test_behind_a_proxy_the_url_checked_is_public_base_urls_not_the_requests_host(ward):
    patient, phone = ward.patient()
    path = "/webhooks/twilio/sms?site=1"
    inside = "http://10.0.0.7:8000"  # how the proxy calls us; it may pass any forwarded host on

    def post_signed_for(url: str):
        fields = _stop_from(phone)
        signature = RequestValidator(AUTH_TOKEN).compute_signature(url, fields)
        return ward.client.post(path, data=fields, base_url=inside, headers={
            "X-Twilio-Signature": signature, "X-Forwarded-Host": "attacker.example.com"})

    assert post_signed_for(PUBLIC_BASE_URL + path).status_code == 200
    assert post_signed_for(inside + path).status_code == 403
    assert post_signed_for("https://attacker.example.com" + path).status_code == 403


def test_the_webhooks_are_not_under_the_api_and_need_no_bearer_token(ward):
    patient, phone = ward.patient()
    assert answer(text(ward.client, phone, "HELP"))  # no Authorization header at all
    assert ward.client.get("/webhooks/twilio/sms").status_code in (403, 405)


# Each text acts once.

def test_a_text_twilio_delivers_twice_is_acted_on_once(ward, clock):
    patient, phone = ward.patient()
    ward.check_in_sent(patient)
    clock.set(at(4, 16))
    sid = new_sid()
    first = answer(text(ward.client, phone, "2", sid=sid))
    again = answer(text(ward.client, phone, "2", sid=sid))
    assert len(first) == 1 and again == []
    assert len(inbound(ward)) == 1
    assert len(ward.listing("/alerts")) == 1


def test_a_text_without_a_message_sid_is_refused_and_changes_nothing(ward):
    patient, phone = ward.patient()
    before = database_rows(ward.app)
    for sid in ("", "not a sid!", "SM" + "0" * 100):
        fields = {"MessageSid": sid, "From": phone, "Body": "STOP"}
        assert signed_post(ward.client, "/webhooks/twilio/sms", fields).status_code == 400
    assert signed_post(ward.client, "/webhooks/twilio/sms", {"Body": "STOP"}).status_code == 400
    assert database_rows(ward.app) == before


# What a patient's reply does.

def test_c_confirms_the_next_visit_and_says_when(ward):
    patient, phone = ward.patient()
    sessions = ward.book_three(patient)
    replies = answer(text(ward.client, phone, " c "))
    assert replies == ["Riverside Health: thank you, your visit on Wed 3 Jun 9am is confirmed."]
    statuses = [ward.desk.get(f"/appointments/{s['id']}").json["status"] for s in sessions]
    assert statuses == ["confirmed", "scheduled", "scheduled"]
    assert inbound(ward)[0]["kind"] == "confirm"
    assert inbound(ward)[0]["reply"] == replies[0]
    # Again: still confirmed, the same visit, no error.
    assert "Wed 3 Jun" in answer(text(ward.client, phone, "YES"))[0]


def test_c_with_nothing_booked_says_so(ward):
    patient, phone = ward.patient()
    assert "no upcoming visit" in answer(text(ward.client, phone, "CONFIRM"))[0]


def test_stop_ends_texts_until_start_but_email_still_goes(ward, clock):
    patient, phone = ward.patient()
    sessions = ward.book_three(patient)
    ward.work()  # the confirmations go out
    replies = answer(text(ward.client, phone, "Stop"))
    assert len(replies) == 1 and "no more texts" in replies[0] and "START" in replies[0]
    assert ward.desk.get(f"/patients/{patient}").json["sms_opted_out"] is True
    pending_sms = [n for n in ward.notes(patient_id=patient) if n["channel"] == "sms"
                   and n["purpose"] == "reminder"]
    assert {(n["status"], n["error"]) for n in pending_sms} == {("cancelled", "the patient texted STOP")}
    assert {n["status"] for n in ward.notes(patient_id=patient, status="pending")} == {"pending"}
    assert all(n["channel"] == "email" for n in ward.notes(patient_id=patient, status="pending"))

    # A number that said STOP gets no answer to anything else...
    assert answer(text(ward.client, phone, "HELP")) == []
    assert answer(text(ward.client, phone, "what time is my visit")) == []
    # ... and no text about a new booking, while the email still goes.
    extra = ward.desk.post("/appointments", json={
        "patient_id": patient, "treatment_type_id": ward.ids.treatment, "start": "2026-06-10T10:00:00-04:00"})
    assert extra.status_code == 201, extra.json
    ward.work()
    new = {n["channel"]: n for n in ward.notes(appointment_id=extra.json["id"])
           if n["purpose"] == "confirmation"}
    assert (new["sms"]["status"], new["sms"]["error"]) == ("skipped", "the patient texted STOP")
    assert new["email"]["status"] == "sent"

    # START brings texts back.
    replies = answer(text(ward.client, phone, "start"))
    assert len(replies) == 1 and "back on" in replies[0]
    assert ward.desk.get(f"/patients/{patient}").json["sms_opted_out"] is False
    moved = ward.desk.post(f"/appointments/{sessions[2]['id']}/reschedule",
                           json={"start": "2026-06-12T10:00:00-04:00"})
    assert moved.status_code == 200, moved.json
    ward.work()
    notice = [n for n in ward.notes(appointment_id=sessions[2]["id"]) if n["purpose"] == "reschedule"]
    assert {n["channel"]: n["status"] for n in notice} == {"sms": "sent", "email": "sent"}
    assert answer(text(ward.client, phone, "HELP"))


def _waiting_texts(ward, patient) -> list[tuple[int, int]]:
    return sorted((n["appointment_id"], n["rule_minutes"]) for n in ward.notes(patient_id=patient, status="pending")
                  if n["channel"] == "sms" and n["purpose"] == "reminder")


def test_start_brings_back_the_reminders_stop_took_and_plans_none_twice(ward, clock):
    patient, phone = ward.patient()
    sessions = ward.book_three(patient)
    ids = [s["id"] for s in sessions]
    ward.work()
    answer(text(ward.client, phone, "STOP"))
    assert _waiting_texts(ward, patient) == []
    first_start = datetime.fromisoformat(sessions[0]["start"])
    clock.set(first_start - timedelta(hours=23))  # an hour after the day-before reminder was due
    ward.work()
    day_before = {n["channel"]: n["status"] for n in ward.notes(appointment_id=ids[0])
                  if n["purpose"] == "reminder" and n["rule_minutes"] == 1440}
    assert day_before == {"sms": "cancelled", "email": "sent"}
    # Moved while stopped: the move planned its own reminders, which START must not double.
    moved = ward.desk.post(f"/appointments/{ids[2]}/reschedule", json={"start": "2026-06-12T10:00:00-04:00"})
    assert moved.status_code == 200, moved.json

    for _ in range(2):  # a second START plans nothing more
        assert len(answer(text(ward.client, phone, "START"))) == 1
        assert _waiting_texts(ward, patient) == sorted((i, m) for i in ids for m in (1440, 120))

    ward.work()  # the day-before text is an hour late and still useful: it goes now, once
    sent = [n["rule_minutes"] for n in ward.notes(appointment_id=ids[0], status="sent")
            if n["channel"] == "sms" and n["purpose"] == "reminder"]
    assert sent == [1440]
    stopped = [n for n in ward.notes(appointment_id=ids[0], status="cancelled") if n["channel"] == "sms"]
    assert {n["error"] for n in stopped} == {"the patient texted STOP"}  # kept for the record


def test_start_brings_back_no_reminder_that_is_too_late_or_for_a_cancelled_session(ward, clock):
    patient, phone = ward.patient()
    sessions = ward.book_three(patient)
    answer(text(ward.client, phone, "STOP"))
    assert ward.desk.post(f"/appointments/{sessions[1]['id']}/cancel", json={"reason": "patient asked"}).status_code == 200
    clock.set(datetime.fromisoformat(sessions[0]["start"]) - timedelta(minutes=30))
    answer(text(ward.client, phone, "START"))
    # The first session's reminders are past use (the two-hour one is 90 minutes late), the
    # second is cancelled: only the third's come back.
    assert _waiting_texts(ward, patient) == [(sessions[2]["id"], 120), (sessions[2]["id"], 1440)]


def test_yes_from_a_number_that_said_stop_starts_texts_again_and_confirms(ward):
    # Twilio unblocks a number on YES; our records must say the same, and YES still confirms.
    patient, phone = ward.patient()
    sessions = ward.book_three(patient)
    answer(text(ward.client, phone, "STOP"))
    assert answer(text(ward.client, phone, "YES")) == [
        "Riverside Health: texts are back on and your visit on Wed 3 Jun 9am is confirmed. "
        "Reply HELP for help, STOP to stop texts."]
    assert ward.desk.get(f"/patients/{patient}").json["sms_opted_out"] is False
    assert ward.desk.get(f"/appointments/{sessions[0]['id']}").json["status"] == "confirmed"
    assert [m["kind"] for m in inbound(ward)] == ["confirm", "stop"]


def test_stop_holds_for_everyone_who_shares_the_phone(ward):
    parent, phone = ward.patient()
    child = ward.desk.post("/patients", json={"first_name": "Kit", "last_name": "Young", "phone": phone,
                                              "sms_opt_in": True}).json["id"]
    answer(text(ward.client, phone, "STOP"))
    assert [ward.desk.get(f"/patients/{p}").json["sms_opted_out"] for p in (parent, child)] == [True, True]


def test_help_names_the_clinic_and_its_phone_and_how_to_stop(ward):
    patient, phone = ward.patient()
    [reply] = answer(text(ward.client, phone, "help"))
    assert "Riverside Health" in reply and "(617) 555-0100" in reply and "Reply" in reply and "STOP" in reply
    assert len(reply) <= 320


def test_a_stranger_is_answered_politely_and_told_nothing(ward):
    patient, phone = ward.patient(first_name="Marguerite")
    ward.book_three(patient)
    stranger = "+16175559876"
    for body in ("C", "HELP", "when is my visit", "7"):
        [reply] = answer(text(ward.client, stranger, body))
        for secret in ("Riverside", "Test Clinic", "+16175550100", "(617) 555-0100", "Marguerite", "Jun", "visit on"):
            assert secret not in reply
    [stopped] = answer(text(ward.client, stranger, "STOP"))  # Twilio's replies are off here
    assert stopped == "You will get no more texts from this number. Reply START to get them again."
    received = inbound(ward)
    assert {(m["kind"], m["patient_id"], m["from_phone"]) for m in received} == {
        ("unknown_sender", None, stranger)}
    assert {s["status"] for s in ward.listing("/appointments", ward.desk)} == {"scheduled"}


def test_a_sender_that_is_no_phone_number_is_a_stranger(ward):
    for sender in ("whatsapp:+1", "not a number", "+1" + "9" * 30, "\x00+16175550001"):
        assert len(answer(text(ward.client, sender, "C"))) == 1
    assert {m["kind"] for m in inbound(ward)} == {"unknown_sender"}


def test_anything_else_is_kept_for_staff_and_answered_without_promises(ward):
    patient, phone = ward.patient()
    [reply] = answer(text(ward.client, phone, "Running 10 min late, sorry!"))
    assert "opening hours" in reply and "24" not in reply
    [message] = inbound(ward, patient_id=patient)
    assert (message["kind"], message["body"]) == ("other", "Running 10 min late, sorry!")
    assert ward.listing("/alerts") == []


def test_a_score_with_no_check_in_waiting_is_kept_but_answers_nothing(ward, clock):
    patient, phone = ward.patient()
    answer(text(ward.client, phone, "2"))
    assert inbound(ward)[0]["kind"] == "score"
    assert ward.listing("/checkins") == [] and ward.listing("/alerts") == []


# The check-in loop.

def test_the_check_in_goes_out_and_a_good_score_is_recorded_without_alert(ward, clock):
    patient, phone = ward.patient()
    sessions = ward.check_in_sent(patient)
    [checkin] = ward.listing("/checkins", patient_id=patient)
    assert checkin == {"id": checkin["id"], "appointment_id": sessions[0]["id"], "patient_id": patient,
                       "sent_at": "2026-06-04T15:00:00+00:00", "responded_at": None, "score": None,
                       "text": None}
    clock.set(at(4, 18))
    [reply] = answer(text(ward.client, phone, "8/10"))
    assert "(8)" in reply
    [checkin] = ward.listing("/checkins", patient_id=patient)
    assert (checkin["score"], checkin["text"], checkin["responded_at"]) == (
        8, "8/10", "2026-06-04T18:00:00+00:00")
    assert ward.listing("/alerts") == []
    # A second number answers nothing more: the check-in has its answer.
    answer(text(ward.client, phone, "3"))
    assert ward.listing("/checkins", patient_id=patient)[0]["score"] == 8
    assert ward.listing("/alerts") == []


def test_a_check_in_waits_three_days_for_its_answer(ward, clock):
    patient, phone = ward.patient()
    ward.check_in_sent(patient)
    clock.set(at(7, 15, 1))
    answer(text(ward.client, phone, "1"))
    assert ward.listing("/checkins")[0]["score"] is None
    assert ward.listing("/alerts") == []


def test_the_check_in_is_recorded_only_for_sms(ward, clock):
    ward.admin.put("/clinic", json={"checkin_rules": [{"after_minutes": 60, "channel": "email"}]})
    patient, phone = ward.patient()
    sessions = ward.book_three(patient)
    clock.set(at(3, 13))
    ward.desk.post(f"/appointments/{sessions[0]['id']}/check-in")
    clock.set(at(3, 15))
    ward.desk.post(f"/appointments/{sessions[0]['id']}/complete")
    clock.set(at(3, 16))
    ward.work()
    checkin = [n for n in ward.notes(appointment_id=sessions[0]["id"]) if n["purpose"] == "checkin"]
    assert [(n["channel"], n["status"]) for n in checkin] == [("email", "sent")]
    assert ward.listing("/checkins") == []


# Delivery status callbacks.

def test_status_callbacks_mark_texts_delivered_or_failed(ward):
    patient, phone = ward.patient()
    ward.book_three(patient)
    other, _ = ward.patient()
    ward.book_three(other, start_on="2026-06-08")
    ward.work()
    [first, second] = [n for n in ward.notes(status="sent") if n["channel"] == "sms"]
    assert status_callback(ward.client, first["provider_message_id"], "sent").status_code == 200
    assert status_callback(ward.client, first["provider_message_id"], "delivered").status_code == 200
    assert status_callback(ward.client, second["provider_message_id"], "undelivered",
                           "30003").status_code == 200
    by_id = {n["id"]: n for n in ward.notes()}
    assert (by_id[first["id"]]["status"], by_id[first["id"]]["error"]) == ("delivered", None)
    assert (by_id[second["id"]]["status"], by_id[second["id"]]["error"]) == ("failed", "30003: undelivered")
    # Out of order: a late "sent" or "failed" does not undo "delivered".
    status_callback(ward.client, first["provider_message_id"], "sent")
    status_callback(ward.client, first["provider_message_id"], "failed", "30008")
    assert {n["id"]: n["status"] for n in ward.notes()}[first["id"]] == "delivered"


def test_a_status_callback_about_an_unknown_message_changes_nothing(ward):
    patient, phone = ward.patient()
    ward.book_three(patient)
    ward.work()
    before = database_rows(ward.app)
    for status in ("delivered", "undelivered", "failed", "queued", "", "bogus"):
        assert status_callback(ward.client, new_sid(), status, "30003").status_code == 200
    assert signed_post(ward.client, "/webhooks/twilio/status", {}).status_code == 200
    assert database_rows(ward.app) == before


# Hostile but correctly signed requests.

FIELD_VALUES = st.one_of(st.text(max_size=200), st.sampled_from(["", "\x00", "STOP", "delivered", "%s%n",
                                                                 "' OR 1=1 --", "9" * 400]))


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["/webhooks/twilio/sms", "/webhooks/twilio/status"]),
       fields=st.dictionaries(st.sampled_from(["MessageSid", "From", "Body", "MessageStatus", "ErrorCode",
                                               "To", "SmsStatus", "Extra"]), FIELD_VALUES, max_size=6))
def test_signed_nonsense_never_fails_the_server(ward, path, fields):
    fields = {k: v.replace("\x00", "") if k == "MessageSid" else v for k, v in fields.items()}
    response = signed_post(ward.client, path, fields)
    assert response.status_code in (200, 400), response.data


def test_signed_nonsense_from_a_patient_changes_nothing_but_the_record_of_it(ward):
    patient, phone = ward.patient()
    ward.book_three(patient)
    before = database_rows(ward.app)
    for body in ("\x00\x01\x02", "<Response><Message>hi</Message></Response>", "{{ clinic_phone }}",
                 "é" * 5000, "'; DROP TABLE patient; --"):
        response = text(ward.client, phone, body)
        assert len(answer(response)) == 1
    after = database_rows(ward.app)
    changed = {table for table in after if after[table] != before[table]}
    assert changed == {"inbound_message"}
    stored = [m["body"] for m in inbound(ward)]
    assert "\x00" not in "".join(stored) and max(len(b) for b in stored) <= 2000


# Privacy.

def test_texts_leave_no_phone_name_or_words_in_the_logs(ward, clock, caplog):
    caplog.set_level(logging.DEBUG)
    patient, phone = ward.patient(first_name="Marguerite")
    ward.check_in_sent(patient)
    clock.set(at(4, 16))
    for body in ("Quixotic feelings today, 2", "C", "I want to kill myself", "STOP", "START", "HELP"):
        answer(text(ward.client, phone, body))
    text(ward.client, phone, "Quixotic", signature="forged")
    logged = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    assert '"request"' in logged
    for secret in ("Marguerite", "Quixotic", phone, phone[2:], "kill myself"):
        assert secret not in logged


# Races, on PostgreSQL where requests really run side by side.

def _at_once(app, deliveries) -> list[list[str]]:
    """Send each (phone, body, sid) from its own thread, all released together."""
    barrier = threading.Barrier(len(deliveries))
    answers: list[list[str]] = []

    def deliver(phone, body, sid):
        client = app.test_client()
        barrier.wait()
        answers.append(answer(text(client, phone, body, sid=sid)))

    threads = [threading.Thread(target=deliver, args=d) for d in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(answers) == len(deliveries)
    return answers


def test_the_same_text_delivered_several_times_at_once_acts_once(pg_app, clock):
    ward = Ward(pg_app, clock)
    patient, phone = ward.patient()
    ward.check_in_sent(patient)
    clock.set(at(4, 16))
    sid = new_sid()
    answers = _at_once(pg_app, [(phone, "2", sid)] * 6)
    assert sorted(len(a) for a in answers) == [0, 0, 0, 0, 0, 1]
    assert len(inbound(ward)) == 1 and len(ward.listing("/alerts")) == 1


def test_two_answers_at_once_give_the_check_in_one_score(pg_app, clock):
    ward = Ward(pg_app, clock)
    patient, phone = ward.patient()
    ward.check_in_sent(patient)
    clock.set(at(4, 16))
    _at_once(pg_app, [(phone, "1", new_sid()), (phone, "2", new_sid())])
    [checkin] = ward.listing("/checkins")
    assert checkin["score"] in (1, 2)
    [alert] = ward.listing("/alerts")
    assert alert["reason"].startswith(f"check-in score {checkin['score']} ")
    assert sorted(m["kind"] for m in inbound(ward)) == ["score", "score"]
