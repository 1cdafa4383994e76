"""Texts through the real twilio library to a stand-in Twilio on 127.0.0.1: what Twilio is sent,
and what the clinic sees when Twilio refuses, is busy, or does not answer."""
from datetime import datetime

import pytest

from tests.factories import make_patient

from .conftest import SENDER_NUMBER
from .test_outbox_loop import book_three, notes, work


def the_text(desk, purpose="confirmation") -> dict:
    return next(n for n in notes(desk) if n["purpose"] == purpose and n["channel"] == "sms")


def test_a_booked_course_is_confirmed_by_one_text_through_twilio(wired_app, clinic, desk, twilio):
    patient = make_patient(desk, phone="(617) 555-0142")
    book_three(wired_app, desk, clinic, patient)
    assert work(wired_app) == {"sent": 2}
    [request] = twilio.requests
    account = wired_app.config["TWILIO_ACCOUNT_SID"]
    assert request.path == f"/2010-04-01/Accounts/{account}/Messages.json"
    assert request.account == account
    assert request.fields["To"] == "+16175550142"
    assert request.fields["From"] == SENDER_NUMBER
    assert "3 visits" in request.fields["Body"] and "Reply C to confirm" in request.fields["Body"]
    assert request.fields["StatusCallback"] == "https://clinic.example.org/webhooks/twilio/status"
    sms = the_text(desk)
    assert sms["status"] == "sent" and sms["provider_message_id"].startswith("SM")
    assert len(sms["provider_message_id"]) == 34


@pytest.mark.parametrize("code", [21211, 30006], ids=["invalid-number", "landline"])
def test_a_wrong_number_or_a_landline_fails_at_once_and_shows_to_staff(wired_app, clinic, desk,
                                                                       twilio, code):
    twilio.fail_next(code)
    book_three(wired_app, desk, clinic, make_patient(desk))
    assert work(wired_app) == {"failed": 1, "sent": 1}  # the email still goes
    sms = the_text(desk)
    assert sms["status"] == "failed" and sms["error"].startswith(f"{code}:")
    assert len(twilio.requests) == 1  # not tried again


def test_a_number_that_opted_out_with_the_carrier_gets_no_more_texts(wired_app, clinic, desk,
                                                                     twilio, clock):
    twilio.fail_next(21610)
    patient = make_patient(desk)
    book_three(wired_app, desk, clinic, patient)
    work(wired_app)
    sms = the_text(desk)
    assert (sms["status"], sms["error"]) == (
        "failed", "21610: the number texted STOP, Twilio sends it nothing until START")
    # As if the patient had texted us STOP: the reminders waiting are cancelled for the record.
    assert desk.get(f"/patients/{patient}").json["sms_opted_out"] is True
    reminders = [n for n in notes(desk) if n["channel"] == "sms" and n["purpose"] == "reminder"]
    assert {(n["status"], n["error"]) for n in reminders} == {("cancelled", "the patient texted STOP")}
    clock.set(datetime.fromisoformat("2026-06-02T13:00:00+00:00"))  # the day-before reminders
    work(wired_app)
    assert len(twilio.requests) == 1


@pytest.mark.parametrize("trouble, shown", [("429", "answered 429"), ("500", "answered 500"),
                                            ("hang", "no answer from Twilio: ReadTimeout")],
                         ids=["rate-limited", "twilio-error", "no-answer"])
def test_a_busy_or_silent_twilio_is_tried_again_later_and_the_text_goes_once(
        wired_app, clinic, desk, twilio, clock, trouble, shown):
    twilio.fail_next(trouble)
    book_three(wired_app, desk, clinic, make_patient(desk))
    work(wired_app)
    waiting = the_text(desk)
    assert waiting["status"] == "pending" and shown in waiting["error"]
    retry_at = datetime.fromisoformat(waiting["due_at"])
    assert retry_at > clock()
    assert work(wired_app) == {}  # not before its time
    clock.set(retry_at)
    assert work(wired_app) == {"sent": 1}
    assert the_text(desk)["status"] == "sent"
    assert len(twilio.accepted) == 1 and len(twilio.requests) == 2
    assert work(wired_app) == {}
