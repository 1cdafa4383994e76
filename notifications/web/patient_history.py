"""The part of a staff member's patient page (scheduler.web.patients) that is notifications':
every message with its delivery, the patient's replies and, for clinical staff, the check-ins.
Drawn when the page announces itself (scheduler.events.PatientPageShown)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template
from markupsafe import Markup

from scheduler import clock
from scheduler.models import Patient
from scheduler.web.display import clinic_time
from scheduler.web.pages import one_page

from notifications.models import Notification
from notifications.services.checkins import list_checkins
from notifications.services.patient_messages import messages_to, replies_from, without_patient_links

HISTORY_SIZE = 200  # the latest messages, replies and check-ins on a patient's page

# What each status means to the front desk, who reads "pending" as "stuck".
STATE_WORDS = {"pending": "waiting", "sent": "sent", "delivered": "delivered", "failed": "failed",
               "skipped": "not sent", "cancelled": "cancelled"}
# Twilio's delivery errors the desk meets most, in words they can act on (call, check the number).
CARRIER_WORDS = {
    "30003": "the phone was off or out of reach",
    "30004": "the number blocks messages from us",
    "30005": "the number does not exist or is no longer in service",
    "30006": "the number is a landline or its carrier cannot take texts",
    "30007": "the carrier filtered it as unwanted",
    "30008": "the carrier did not say why",
    "21211": "the number is not a valid phone number",
    "21610": "the number texted STOP, so nothing is sent until START",
    "21614": "the number is not a mobile phone",
}
# The outbox's own reasons, where its wording is the engineer's rather than the desk's.
REASON_WORDS = {"no consent to SMS": "the patient has not agreed to texts",
                "no consent to email": "the patient has not agreed to emails",
                "no phone number": "no mobile number on file",
                "no email address": "no email address on file"}
CODED = re.compile(r"(?:gave up after (?P<tries>\d+) attempts: )?(?P<code>\d{5}|no code|refused): ?(?P<rest>.*)", re.S)


@dataclass(frozen=True)
class MessageShown:
    """One message as the desk reads it: what became of it, when, and why in plain words."""
    note: Notification
    state: str
    when: str
    why: str


def section(patient: Patient, clinical: bool) -> Markup:
    messages, more_messages = one_page(messages_to(patient.id), 1, HISTORY_SIZE)
    replies, more_replies = one_page(replies_from(patient.id), 1, HISTORY_SIZE)
    checkins, more_checkins = (one_page(list_checkins(patient.id), 1, HISTORY_SIZE) if clinical
                               else ([], False))
    base_url = current_app.config["PUBLIC_BASE_URL"]
    texts = {message.id: without_patient_links(message.body, base_url)
             for message in messages if message.body}
    now = clock.now()
    return Markup(render_template(
        "web/patient_pages/_messages.html", patient=patient, texts=texts,
        messages=[shown(message, now) for message in messages],
        more_messages=more_messages, replies=replies, more_replies=more_replies, clinical=clinical,
        checkins=checkins, more_checkins=more_checkins, history_size=HISTORY_SIZE))


def shown(note: Notification, now: datetime) -> MessageShown:
    return MessageShown(note, STATE_WORDS.get(note.status, note.status), _when(note, now), _why(note))


def _when(note: Notification, now: datetime) -> str:
    if note.status == "pending":
        # The worker sends what is due within seconds; a due time past means it is on its way.
        return f"goes out {clinic_time(note.due_at)}" if note.due_at > now else "going out now"
    if note.status in ("sent", "delivered"):
        return f"sent {clinic_time(note.sent_at or note.updated_at)}"
    if note.status == "failed":
        return f"tried {clinic_time(note.sent_at or note.updated_at)}"
    return f"was due {clinic_time(note.due_at)}"


def _why(note: Notification) -> str:
    if not note.error:
        return ""
    reason = plain_reason(note.error)
    if note.status == "pending":
        return f"the last try failed ({reason}); trying again then"
    return reason


def plain_reason(error: str) -> str:
    """A delivery error or skip reason in the desk's words; a carrier's code stays beside them,
    for when someone calls the carrier or Twilio."""
    if error in REASON_WORDS:
        return REASON_WORDS[error]
    coded = CODED.fullmatch(error)
    if coded is None:
        return error
    code, rest = coded["code"], coded["rest"].strip()
    words = CARRIER_WORDS.get(code) or (f"the carrier refused it: {rest}" if rest else "the carrier refused it")
    tried = f"gave up after {coded['tries']} tries: " if coded["tries"] else ""
    return f"{tried}{words} (code {code})" if code.isdigit() else f"{tried}{words}"
