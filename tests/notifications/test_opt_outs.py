"""Twilio acts on a few single-word texts itself (it blocks a number on STOP and its like, and
unblocks it on START, YES or UNSTOP); the clinic's records agree with it on every one of them,
on a refused send (error 21610) as on a text, and the patient hears one answer, Twilio's or ours."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from notifications.engine.wording import TEMPLATES

from .test_replies import TWILIO_HELP, TWILIO_OPT_IN, TWILIO_OPT_OUT
from .texting import answer, status_callback, text

REFUSED = "21610: the number texted STOP, Twilio sends it nothing until START"
STOPPED = "the patient texted STOP"
SPELLINGS = ["{}", "{lower}", " {title} ", "\t{lower}\n"]


def spelt(word: str, spelling: str) -> str:
    return spelling.format(word, lower=word.lower(), title=word.title())


def opted_out(ward, patient: int) -> bool:
    return ward.desk.get(f"/patients/{patient}").json["sms_opted_out"]


def waiting_texts(ward, patient: int) -> list[dict]:
    return [n for n in ward.notes(patient_id=patient, status="pending") if n["channel"] == "sms"]


def twilio_answers(ward) -> None:
    ward.app.config["SMS_OPT_OUT_REPLIES"] = "twilio"


# Every opt-out word is the opt-out it is at Twilio.

@pytest.mark.parametrize("spelling", SPELLINGS)
@pytest.mark.parametrize("word", TWILIO_OPT_OUT)
def test_each_opt_out_word_stops_texts_and_says_how_to_change_a_visit(ward, word, spelling):
    patient, phone = ward.patient()
    sessions = ward.book_three(patient)
    [reply] = answer(text(ward.client, phone, spelt(word, spelling)))
    assert opted_out(ward, patient) is True
    assert waiting_texts(ward, patient) == []
    # A patient who texts CANCEL to cancel a visit has opted out at Twilio: the answer says so,
    # and how to cancel or change the visit instead. The visit itself is left as booked.
    assert "no more texts" in reply and "START" in reply
    assert "cancel or change a visit, please call (617) 555-0100" in reply
    assert {ward.desk.get(f"/appointments/{s['id']}").json["status"] for s in sessions} == {"scheduled"}


@pytest.mark.parametrize("word", TWILIO_OPT_IN)
def test_each_opt_in_word_ends_an_opt_out(ward, word):
    patient, phone = ward.patient()
    ward.book_three(patient)
    answer(text(ward.client, phone, "STOP"))
    [reply] = answer(text(ward.client, phone, f" {word.lower()} "))
    assert opted_out(ward, patient) is False
    assert reply.startswith("Riverside Health: texts are back on")
    assert {n["purpose"] for n in waiting_texts(ward, patient)} == {"reminder"}


@pytest.mark.parametrize("word", TWILIO_HELP)
def test_each_help_word_is_answered_with_the_clinics_phone(ward, word):
    patient, phone = ward.patient()
    [reply] = answer(text(ward.client, phone, word.title()))
    assert "(617) 555-0100" in reply and "STOP" in reply


def test_a_stop_twilio_lets_through_still_stops_our_texts(ward):
    # "Stop." is not Twilio's keyword: it blocks nothing, but the patient means it.
    patient, phone = ward.patient()
    ward.book_three(patient)
    twilio_answers(ward)
    [reply] = answer(text(ward.client, phone, "Stop."))  # Twilio did not answer it: we do
    assert "no more texts" in reply
    assert opted_out(ward, patient) is True and waiting_texts(ward, patient) == []


# One answer reaches the patient: Twilio's or ours.

@pytest.mark.parametrize("word", TWILIO_OPT_OUT + TWILIO_OPT_IN + TWILIO_HELP)
def test_when_twilio_answers_its_words_we_stay_silent_but_still_act(ward, word):
    twilio_answers(ward)
    patient, phone = ward.patient()
    ward.book_three(patient)
    if word in TWILIO_OPT_IN:
        answer(text(ward.client, phone, "STOP"))
    replies = answer(text(ward.client, phone, f" {word.lower()}"))
    assert opted_out(ward, patient) is (word in TWILIO_OPT_OUT)
    if word == "YES":  # Twilio's answer says texts are back on; ours only that the visit is confirmed
        assert replies == ["Riverside Health: thank you, your visit on Wed 3 Jun 9am is confirmed."]
    else:
        assert replies == []


def test_when_we_answer_twilios_words_we_answer_each_once(ward):
    patient, phone = ward.patient()
    for body in ("STOP", "START", "HELP", "INFO", "CANCEL", "UNSTOP", "END", "YES"):
        assert len(answer(text(ward.client, phone, body))) == 1, body


def test_stop_then_start_when_twilio_answers_round_trips_as_when_we_do(ward):
    twilio_answers(ward)
    patient, phone = ward.patient()
    ward.book_three(patient)
    before = reminders_waiting(ward, patient)
    assert answer(text(ward.client, phone, "STOP")) == []
    assert opted_out(ward, patient) is True and waiting_texts(ward, patient) == []
    assert answer(text(ward.client, phone, "START")) == []
    assert opted_out(ward, patient) is False
    assert reminders_waiting(ward, patient) == before and len(before) == 6


def reminders_waiting(ward, patient: int) -> list[tuple[int, int]]:
    return sorted((n["appointment_id"], n["rule_minutes"]) for n in waiting_texts(ward, patient)
                  if n["purpose"] == "reminder")


@pytest.mark.parametrize(("value", "chosen"), [("ours", "ours"), (" Twilio ", "twilio"), ("", "twilio"),
                                               ("twillio", None), ("both", None)])
def test_the_setting_takes_twilio_or_ours_and_stops_the_service_on_anything_else(value, chosen):
    read = subprocess.run([sys.executable, "-c", "import config; print(config.Config.SMS_OPT_OUT_REPLIES)"],
                          env={**os.environ, "SMS_OPT_OUT_REPLIES": value}, cwd=Path(__file__).resolve().parents[2],
                          capture_output=True, text=True, timeout=60)
    if chosen:
        assert read.stdout.strip() == chosen, read.stderr
    else:
        assert read.returncode != 0 and "SMS_OPT_OUT_REPLIES must be one of twilio, ours" in read.stderr


# Error 21610: Twilio refuses a text to a number that texted it STOP.

@pytest.mark.parametrize("outcome", ["undelivered", "failed"])
def test_a_status_callback_with_21610_records_the_stop_for_everyone_at_that_phone(ward, outcome):
    parent, phone = ward.patient()
    child = ward.desk.post("/patients", json={"first_name": "Kit", "last_name": "Young", "phone": phone,
                                              "sms_opt_in": True}).json["id"]
    ward.book_three(parent)
    ward.book_three(child, start_on="2026-06-08")
    ward.work()
    sms = next(n for n in ward.notes(patient_id=parent, status="sent") if n["channel"] == "sms")
    assert status_callback(ward.client, sms["provider_message_id"], outcome, "21610").status_code == 200
    failed = next(n for n in ward.notes() if n["id"] == sms["id"])
    assert (failed["status"], failed["error"]) == ("failed", REFUSED)
    assert [opted_out(ward, p) for p in (parent, child)] == [True, True]
    for patient in (parent, child):
        assert waiting_texts(ward, patient) == []
        stopped = [n for n in ward.notes(patient_id=patient, status="cancelled") if n["channel"] == "sms"]
        assert stopped and {n["error"] for n in stopped} == {STOPPED}
    # START lifts it, as for a STOP texted to us.
    answer(text(ward.client, phone, "START"))
    assert [opted_out(ward, p) for p in (parent, child)] == [False, False]


def test_a_status_callback_with_another_error_does_not_opt_out(ward):
    patient, phone = ward.patient()
    ward.book_three(patient)
    ward.work()
    sms = next(n for n in ward.notes(status="sent") if n["channel"] == "sms")
    status_callback(ward.client, sms["provider_message_id"], "undelivered", "30003")
    assert opted_out(ward, patient) is False and waiting_texts(ward, patient)


# No text invites a reply with one of Twilio's words for anything but what Twilio does with it.

ALLOWED = {  # what an invitation to reply with each word may offer
    "STOP": r"to (stop|end)( texts)?", "START": r"to get (them|texts) again", "UNSTOP": r"to get (them|texts) again",
    "HELP": r"for help", "INFO": r"for help",
}
TWILIO_WORD = re.compile(r"\b(" + "|".join(TWILIO_OPT_OUT + TWILIO_OPT_IN + TWILIO_HELP) + r")\b(.{0,30})",
                         re.IGNORECASE)
INVITES = re.compile(r"(reply|text|send|respond|answer)( with| back)?\W*$", re.IGNORECASE)


def invitations(template: str) -> list[tuple[str, str]]:
    """(word, what follows it) for each of Twilio's words the text asks the patient to send:
    after "reply", "text" and the like, or written in capitals."""
    found = []
    for match in TWILIO_WORD.finditer(template):
        word, after = match.group(1), match.group(2)
        if word.isupper() or INVITES.search(template[:match.start()]):
            found.append((word.upper(), after))
    return found


@pytest.mark.parametrize("path", sorted(Path(TEMPLATES).glob("*.sms.txt")), ids=lambda p: p.name)
def test_no_text_invites_a_reply_with_twilios_words_for_anything_else(path):
    for word, after in invitations(path.read_text()):
        assert word in ALLOWED and re.match(r"[ ,]*" + ALLOWED[word], after), (word, after)


@pytest.mark.parametrize("template", ["Reply CANCEL to cancel your visit.", "Text yes to confirm.",
                                      "Reply C to confirm, END to end texts.", "Send QUIT to quit",
                                      "Reply STOP to cancel your visit", "START to book again"])
def test_the_template_scan_catches_a_wrong_invitation(template):
    assert any(word not in ALLOWED or not re.match(r"[ ,]*" + ALLOWED[word], after)
               for word, after in invitations(template))
