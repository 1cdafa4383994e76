"""A patient's text, acted on: confirm a visit, stop or restart texts, answer a check-in, raise
an alert, or put it in monitoring's inbox to be read (nothing a patient writes goes unseen). One transaction per message, keyed by Twilio's MessageSid so a retried webhook acts once.

The answer is a text to send back, or None. A number that texted STOP gets no answer but the
confirmation of STOP itself. Twilio's own keywords (replies.TWILIO_KEYWORDS) get no answer from
us when Twilio answers them (SMS_OPT_OUT_REPLIES=twilio), so the patient hears once, not twice;
they are acted on all the same. Nothing here logs a phone or what the patient wrote.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from scheduler.engine import appointment_status as status
from scheduler.extensions import db
from scheduler.models import Appointment, Clinic, Patient
from scheduler.models.clinic import DEFAULT_CRISIS_TEXT
from scheduler.phones import to_e164
from scheduler.services import audit

from notifications.engine import replies, wording

from notifications.services import alerts, checkins, opt_outs
from notifications.services.templates import templates
from notifications.models import InboundMessage

log = logging.getLogger("notifications.services.inbound")
INBOX_OPEN = "open"
MAX_BODY = 2000  # Twilio joins long texts up to 1,600 characters
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # PostgreSQL refuses NUL in text


@dataclass(frozen=True)
class Sender:
    phone: str  # E.164 when it reads as a phone number
    patients: tuple[Patient, ...]  # several when family members share one phone

    @property
    def ids(self) -> list[int]:
        return [p.id for p in self.patients]

    @property
    def opted_out(self) -> bool:
        return any(p.sms_opted_out for p in self.patients)


class Duplicate(Exception):
    """This MessageSid was handled before (Twilio retried, or two deliveries raced)."""


def receive(message_sid: str, from_phone: str, body: str, now: datetime,
            twilio_answers_keywords: bool) -> str | None:
    """Record the text and do what it asks; the reply to send, if any. Raises Duplicate.

    `twilio_answers_keywords`: Twilio confirms its own keywords itself (SMS_OPT_OUT_REPLIES)."""
    body = _CONTROL.sub("", body)[:MAX_BODY]
    sender = _sender(from_phone)
    reading = replies.read(body)
    kind = reading.kind if sender.patients else "unknown_sender"
    message = InboundMessage(message_sid=message_sid, from_phone=sender.phone, body=body, kind=kind,
                             received_at=now, patient_id=_patient_meant(sender, now))
    db.session.add(message)
    try:
        db.session.flush()  # the unique MessageSid: a second delivery stops here, changing nothing
    except IntegrityError:
        db.session.rollback()
        raise Duplicate(message_sid) from None
    clinic = db.session.get(Clinic, 1)
    if sender.patients:
        reply = _act(reading, sender, message, clinic, now, twilio_answers_keywords)
        # Asked after acting, so START is answered: a number that said STOP hears nothing more
        # from us but the confirmation of STOP (and Twilio would block anything else anyway).
        if sender.opted_out and reading.kind != replies.STOP:
            reply = None
    else:
        reply = _answer_stranger(reading, message, clinic, now)
    # A YES is still answered: Twilio's reply to it says nothing about the visit it confirms.
    if twilio_answers_keywords and reading.twilio and reading.kind != replies.CONFIRM:
        reply = None
    message.reply = reply
    db.session.commit()
    log.info("inbound message", extra={"object_type": "inbound_message", "object_id": message.id,
                                       "action": kind})
    return reply


def _sender(raw: str) -> Sender:
    raw = _CONTROL.sub("", raw)[:40]
    phone = to_e164(raw)
    if phone is None:
        return Sender(raw, ())
    return Sender(phone, opt_outs.patients_at(phone))


def _patient_meant(sender: Sender, now: datetime) -> int | None:
    """Of the patients at this phone, the one the text is most likely about: the one whose
    check-in awaits an answer, else the one with the next visit, else the first."""
    if len(sender.patients) <= 1:
        return sender.patients[0].id if sender.patients else None
    awaiting = checkins.awaiting_answer(sender.ids, now)
    if awaiting:
        return awaiting.patient_id
    upcoming = _next_visit(sender.ids, now, lock=False)
    return upcoming.patient_id if upcoming else sender.patients[0].id


def _act(reading: replies.Reading, sender: Sender, message: InboundMessage, clinic: Clinic | None,
         now: datetime, twilio_answers_keywords: bool) -> str | None:
    if reading.kind == replies.CRISIS:
        return _crisis(reading, sender, message, clinic, now)
    if reading.kind == replies.STOP:
        opt_outs.stop_texts(sender.patients, now, by="patient text")
        return _say("stopped", clinic)
    restarted = False
    if reading.twilio == replies.START:  # START, and YES too: Twilio unblocks the number on both
        restarted = opt_outs.start_texts(clinic, sender.patients, now, by="patient text")
    if reading.kind == replies.START:
        return _say("started", clinic, when=None)
    if reading.kind == replies.CONFIRM:
        when = _confirm(sender, clinic, now)
        if restarted and not twilio_answers_keywords:  # one text says both
            return _say("started", clinic, when=when)
        return _say("confirmed", clinic, when=when) if when else _say("nothing_to_confirm", clinic)
    if reading.kind == replies.HELP:
        return _say("help", clinic)
    if reading.kind == replies.SCORE:
        return _score(reading.score, sender, message, clinic, now)
    return _noted(message, clinic)


def _confirm(sender: Sender, clinic: Clinic | None, now: datetime) -> str | None:
    """Confirm the next visit; when it is, in the patient's words, or None without one."""
    visit = _next_visit(sender.ids, now, lock=True)
    if visit is None:
        return None
    if visit.status == status.SCHEDULED:
        visit.status = status.next_status(visit.status, "confirm", visit.start_at, visit.end_at, now)
        visit.updated_at = now
        audit.record("appointment.confirm", "appointment", visit.id, previous=status.SCHEDULED,
                     status=visit.status, by="patient text")
    patient = next(p for p in sender.patients if p.id == visit.patient_id)
    zone = clinic.timezone if clinic else patient.timezone
    return wording.session_time(visit.start_at, zone, patient.timezone, brief=True)


def _next_visit(patient_ids: Sequence[int], now: datetime, lock: bool) -> Appointment | None:
    """The next session to come that the patient may still confirm."""
    query = (select(Appointment)
             .where(Appointment.patient_id.in_(patient_ids), Appointment.start_at > now,
                    Appointment.status.in_((status.SCHEDULED, status.CONFIRMED)))
             .order_by(Appointment.start_at, Appointment.id).limit(1))
    return db.session.scalar(query.with_for_update() if lock else query)


def _score(score: int | None, sender: Sender, message: InboundMessage, clinic: Clinic | None,
           now: datetime) -> str:
    checkin = checkins.awaiting_answer(sender.ids, now)
    if checkin is None:
        return _noted(message, clinic)  # no question asked lately: for staff to read as it stands
    checkins.record_answer(checkin, score, message.body, now)
    message.patient_id = checkin.patient_id
    threshold = clinic.alert_score_at_or_below if clinic else -1
    if score is not None and score <= threshold:
        alerts.open_alert(checkin.patient_id, alerts.HIGH,
                          f"check-in score {score} (alert at {threshold} or below)", now,
                          checkin_id=checkin.id, inbound_message_id=message.id)
        return _say("low_score", clinic)
    return _say("thanks_for_score", clinic, score=score)


def _crisis(reading: replies.Reading, sender: Sender, message: InboundMessage,
            clinic: Clinic | None, now: datetime) -> str:
    """Alert at once, whatever else the text says, and point to help that answers at any hour."""
    checkin = checkins.awaiting_answer(sender.ids, now)
    if checkin is not None:
        checkins.record_answer(checkin, reading.score, message.body, now)
        message.patient_id = checkin.patient_id
    reason = "words of self-harm in a text"
    if reading.score is not None:
        reason += f", with score {reading.score}"
    alerts.open_alert(message.patient_id, alerts.URGENT, reason, now,
                      checkin_id=checkin.id if checkin else None, inbound_message_id=message.id)
    return _say("crisis", clinic)


def _answer_stranger(reading: replies.Reading, message: InboundMessage, clinic: Clinic | None,
                     now: datetime) -> str | None:
    """A number no patient has: nothing about anyone's visits. Words of self-harm still get the
    crisis lines, and an alert (it may be a patient with a new phone)."""
    if reading.kind == replies.CRISIS:
        alerts.open_alert(None, alerts.URGENT, "words of self-harm from a number not on file", now,
                          inbound_message_id=message.id)
        return _say("crisis_stranger", clinic)
    if reading.kind == replies.STOP:  # we never text numbers we do not know, but say so
        return _say("stopped_stranger", clinic)
    if reading.kind in (replies.OTHER, replies.SCORE):  # perhaps a patient with a new phone
        message.inbox = INBOX_OPEN
    return _say("stranger", clinic)


def _noted(message: InboundMessage, clinic: Clinic | None) -> str:
    """Neither a command nor an awaited answer: into monitoring's inbox, where someone reads it."""
    message.inbox = INBOX_OPEN
    return _say("noted", clinic)


def _say(name: str, clinic: Clinic | None, **facts) -> str:
    """A reply from its template (templates/reply_<name>.sms.txt, which staff may edit)."""
    context = {
        "clinic": (clinic.sms_name or clinic.name) if clinic else "The clinic",
        "clinic_phone": wording.national_phone(clinic.phone) if clinic and clinic.phone else "the clinic",
        "crisis_text": (clinic.crisis_text if clinic else None) or DEFAULT_CRISIS_TEXT,
        **facts,
    }
    return templates().get_template(f"reply_{name}.sms.txt").render(context).strip()
