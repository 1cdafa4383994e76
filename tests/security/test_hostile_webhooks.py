"""Twilio's webhooks against random and hostile form bodies that are correctly signed (an
attacker who stole the auth token, or Twilio itself sending something new): never a 5xx, and a
body that means nothing changes nothing but what the contract keeps ("anything else: kept, and
shown to staff").

Beside tests/notifications/test_inbound.py, which covers forged signatures, duplicates and
short nonsense: here the bodies are huge, in any script, full of control characters, with keys
repeated or missing, and the status callbacks carry statuses and error codes that mean nothing.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import update
from werkzeug.datastructures import MultiDict

from notifications.engine import replies
from notifications.models import Notification
from scheduler.extensions import db
from tests.factories import add_due_reminders
from tests.notifications.texting import CLINIC_NUMBER, Ward, database_rows, new_sid, signed_post
from tests.properties import examples

SMS, STATUS = "/webhooks/twilio/sms", "/webhooks/twilio/status"
STRANGER = "+16175559876"
TWILIO_FIELDS = ("MessageSid", "SmsSid", "SmsMessageSid", "AccountSid", "MessagingServiceSid", "From",
                 "To", "Body", "NumMedia", "NumSegments", "MediaUrl0", "MessageStatus", "SmsStatus",
                 "ErrorCode", "ErrorMessage", "FromCity", "FromCountry", "ApiVersion")
ERROR_OR_SENT = ("delivered", "undelivered", "failed", "sent")

HOSTILE = settings(max_examples=examples(30), deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                          HealthCheck.data_too_large])

# Any text at all but lone surrogates (no form encoding can carry one): control characters, NUL,
# right-to-left marks, emoji, combining marks...
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
SPECIAL = st.sampled_from(["", "\x00", "\r\n\r\n", "%00", "%s%n", "{{ clinic_phone }}", "' OR 1=1 --",
                           "<Response><Message>hi</Message></Response>", "\u202eSTOP", "ＳＴＯＰ",
                           "-1", "1e400", "NaN", "9" * 40, "SM" + "f" * 32, "whatsapp:+16175550001"])
# Long enough to pass every limit of ours (2,000 characters kept, 40 read as a phone, the
# webhooks' 32 KiB form: 40,000 emoji are 480 kB URL-encoded).
HUGE = st.builds(lambda text, times: text * times, st.sampled_from(["9", "é", "😀", "\u0301", "\x00", "a "]),
                 st.integers(2_000, 40_000))
# The form Hypothesis found in CI: extra fields of 40,000 emoji, past every limit.
EMOJI_FLOOD = [("ErrorMessage", "😀" * 40_000), ("FromCity", "😀" * 40_000)]
VALUES = st.one_of(ANY_TEXT, SPECIAL, HUGE)
KEYS = st.one_of(st.sampled_from(TWILIO_FIELDS), st.text(max_size=20))


@pytest.fixture
def ward(app, clock):
    return Ward(app, clock)


def form(pairs) -> MultiDict:
    """Form fields in order, a key repeated as often as it comes (Twilio's validator signs
    every value of a repeated key)."""
    return MultiDict(list(pairs))


def changed_tables(before: dict, after: dict) -> set[str]:
    return {table for table in after if after[table] != before[table]}


@HOSTILE
@given(path=st.sampled_from([SMS, STATUS]), pairs=st.lists(st.tuples(KEYS, VALUES), max_size=12))
def test_any_signed_form_is_answered_without_a_server_error(ward, path, pairs):
    response = signed_post(ward.client, path, form(pairs))
    if over_the_limit(ward.app, response):
        assert response.status_code == 413, (response.status_code, response.data[:300])
    else:  # 400: a text without a usable MessageSid or sender; never 403: the signature is right
        assert response.status_code in (200, 400), (response.status_code, response.data[:300])


def over_the_limit(app, response) -> bool:
    """Whether the form the request carried, as sent, passed the webhooks' own limit
    (TWILIO_WEBHOOK_MAX_BYTES)."""
    return (response.request.content_length or 0) > app.config["TWILIO_WEBHOOK_MAX_BYTES"]


def test_the_webhooks_take_what_twilio_sends_and_refuse_more(ward):
    """A 1,600-character text of emoji (Twilio's largest) is read; a form just past 32 KiB is
    refused with 413, and so is one past the service's 1 MiB, all before anything changes."""
    assert ward.app.config["TWILIO_WEBHOOK_MAX_BYTES"] == 32 * 1024
    longest = {"MessageSid": new_sid(), "From": STRANGER, "To": CLINIC_NUMBER, "Body": "😀" * 1600,
               "NumMedia": "10", **{f"MediaUrl{n}": "https://api.twilio.com/" + "m" * 120 for n in range(10)}}
    assert signed_post(ward.client, SMS, longest).status_code == 200
    before = database_rows(ward.app)
    for body in ("x" * (32 * 1024), "x" * 1_100_000):
        for path in (SMS, STATUS):
            fields = {"MessageSid": new_sid(), "From": STRANGER, "Body": body, "MessageStatus": "failed"}
            assert signed_post(ward.client, path, fields).status_code == 413
    assert database_rows(ward.app) == before


def text_that_means_nothing():
    """Whatever a reply reader finds no request in (not a keyword, a score or words of
    self-harm): "anything else" in the contract."""
    return VALUES.filter(lambda body: replies.read(body).kind == replies.OTHER)


@HOSTILE
@given(body=text_that_means_nothing(), sender_is_a_patient=st.booleans(),
       extra=st.lists(st.tuples(KEYS, VALUES), max_size=4))
@example(body="can we talk", sender_is_a_patient=True, extra=EMOJI_FLOOD)
@example(body="😀" * 40_000, sender_is_a_patient=False, extra=[])
def test_a_text_that_means_nothing_is_kept_for_staff_and_changes_nothing_else(
        ward, body, sender_is_a_patient, extra):
    patient, phone = _booked_patient(ward)
    sender = phone if sender_is_a_patient else STRANGER
    fields = form([(k, v) for k, v in extra if k not in ("MessageSid", "From", "Body")]
                  + [("MessageSid", new_sid()), ("From", sender), ("To", CLINIC_NUMBER), ("Body", body)])
    before = database_rows(ward.app)
    response = signed_post(ward.client, SMS, fields)
    if over_the_limit(ward.app, response):  # not a text Twilio could send: refused, unread
        assert response.status_code == 413, response.data[:300]
        assert database_rows(ward.app) == before
        return
    assert response.status_code == 200, response.data[:300]
    after = database_rows(ward.app)
    assert changed_tables(before, after) == {"inbound_message"}
    [kept] = [row for row in after["inbound_message"] if row not in before["inbound_message"]]
    kept_body = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", body)[:2000]
    assert kept_body in kept  # what the patient wrote, as staff will read it (control characters off)


@HOSTILE
@given(status=st.one_of(ANY_TEXT, SPECIAL, st.sampled_from(["queued", "sending", "sent", "read",
                                                            "accepted", "scheduled", "DELIVERED"])),
       error_code=st.one_of(st.none(), VALUES), known=st.booleans())
def test_a_status_callback_that_means_nothing_changes_nothing(ward, status, error_code, known):
    assume(status not in ("delivered", "undelivered", "failed"))
    sid = _sent_text(ward) if known else new_sid()
    fields = {"MessageSid": sid, "MessageStatus": status, "To": STRANGER, "From": CLINIC_NUMBER}
    if error_code is not None:
        fields["ErrorCode"] = error_code
    before = database_rows(ward.app)
    response = signed_post(ward.client, STATUS, fields)
    assert response.status_code == (413 if over_the_limit(ward.app, response) else 200)
    assert database_rows(ward.app) == before


@HOSTILE
@given(status=st.sampled_from(["undelivered", "failed"]), error_code=VALUES)
def test_a_failure_with_a_garbage_error_code_keeps_only_a_clean_one(ward, status, error_code):
    sid = _sent_text(ward)
    fields = MultiDict([("MessageSid", sid), ("MessageStatus", status), ("ErrorCode", error_code)])
    response = signed_post(ward.client, STATUS, fields)
    if over_the_limit(ward.app, response):  # refused unread: the text stays as sent
        assert response.status_code == 413
        assert [n["status"] for n in ward.notes() if n["provider_message_id"] == sid] == ["sent"]
        return
    assert response.status_code == 200
    [note] = [n for n in ward.notes(status="failed") if n["provider_message_id"] == sid]
    assert re.fullmatch(rf"(\d{{1,10}}|no code): {status}", note["error"]), note["error"]


def test_a_repeated_key_is_read_once_and_the_first_value_counts(ward):
    patient, phone = _booked_patient(ward)
    fields = form([("MessageSid", new_sid()), ("From", STRANGER), ("From", phone), ("Body", "C"),
                   ("Body", "STOP")])
    before = database_rows(ward.app)
    assert signed_post(ward.client, SMS, fields).status_code == 200
    after = database_rows(ward.app)
    assert changed_tables(before, after) == {"inbound_message"}  # a stranger's "C": kept, no more
    assert ward.desk.get(f"/patients/{patient}").json["sms_opted_out"] is False


# The clinic's day these tests text into: one patient with a course booked (so a "C" would have
# something to confirm and a STOP something to cancel), and SMS already sent.

def _booked_patient(ward) -> tuple[int, str]:
    if not hasattr(ward, "booked"):
        patient, phone = ward.patient()
        ward.booked = (patient, phone, ward.book_three(patient))
    return ward.booked[:2]


def _sent_text(ward) -> str:
    """A text we sent and Twilio has not reported on yet: its MessageSid."""
    _booked_patient(ward)
    sid = new_sid()
    [note_id] = add_due_reminders(ward.app, ward.booked[2][0], 1, ward.clock())
    with ward.app.app_context():
        db.session.execute(update(Notification).where(Notification.id == note_id).values(
            status="sent", sent_at=ward.clock(), provider_message_id=sid))
        db.session.commit()
    return sid
