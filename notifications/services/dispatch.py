"""Sending one claimed notification: decide at send time, render, send, record the outcome.

The database transaction is closed while the provider is called, so a slow provider holds no
locks; the outcome is written only if this worker still holds the claim.
"""
from __future__ import annotations

import logging
import random
import time
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from scheduler.extensions import db
from scheduler.models import Appointment, Clinic, Patient, TreatmentType, WaitlistOffer
from scheduler.services.waitlist import shown_outcome

from notifications.engine import rules, wording

from notifications.services import checkins, invites, opt_outs, patient_links, questionnaires
from notifications.services.templates import templates
from notifications.channels import Channel, Outgoing, PermanentFailure, TransientFailure
from notifications.models import Notification, Questionnaire

log = logging.getLogger("notifications.services.dispatch")
MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(minutes=30)
RECORD_RETRY_PAUSE_SECONDS = 1.0


def dispatch(notification_id: int, worker_id: str, channels: dict[str, Channel], now: datetime,
             lease: timedelta) -> str:
    """Handle one claimed notification; returns the status it ended in."""
    # The renewal and the reads share one transaction, committed before the provider is called:
    # the longer lease is in force while the message is out, and no lock is held during the call.
    if not _renew_claim(notification_id, worker_id, now, lease):
        db.session.rollback()
        return "lost"
    note, appointment, patient, treatment, clinic = _load(notification_id)
    decision = rules.decide(_situation(note, appointment, patient, clinic, now))
    if decision.action == "skip":
        return _finish(note, now, status="skipped", error=decision.reason)
    if decision.action == "defer":
        return _finish(note, now, status="pending", due_at=decision.until)
    message = _message(note, appointment, patient, treatment, clinic, now)
    # Read what is needed before committing: touching the (expired) row afterwards would open
    # a new transaction, and on SQLite that holds the write lock for the whole provider call.
    channel, patient_id, purpose = channels[note.channel], note.patient_id, note.purpose
    form_id = note.questionnaire_id
    db.session.commit()  # nothing is held while the provider is called

    try:
        delivery = channel.send(message)
    except PermanentFailure as failure:
        if failure.opted_out:  # the number texted STOP to Twilio: nothing more goes to it
            opt_outs.stopped_at_twilio(patient_id, now)
            return _record(notification_id, worker_id, now, status="failed",
                           error=opt_outs.REFUSED_AFTER_STOP)
        return _record(notification_id, worker_id, now, status="failed",
                       error=f"{failure.code or 'refused'}: {failure}"[:500])
    except TransientFailure as failure:
        return _retry(notification_id, worker_id, now, str(failure))
    return _record_sent(notification_id, worker_id, now, lease, purpose, message.text,
                        delivery.provider_message_id, form_id)


def _renew_claim(notification_id: int, worker_id: str, now: datetime, lease: timedelta) -> bool:
    """Extend our lease for this one message, if it is still ours and has not run out; the
    caller commits.

    A batch can outlast its lease (a slow provider, a loaded machine); by then another worker
    may have claimed a row of it. Renewing in one conditional UPDATE settles who owns the row
    before each send: either we extend a live lease (no one else can claim it until we are
    done), or it is gone and we leave it alone.
    """
    renewed = db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.claimed_by == worker_id,
               Notification.status == "pending", Notification.lease_until > now)
        .values(lease_until=now + lease)
        .execution_options(synchronize_session=False))  # see _record
    return renewed.rowcount == 1


def _load(notification_id: int) -> tuple:
    """The notification and all its decision and text need, in one round trip instead of five
    (a worker spends more of each message on database round trips than on the send itself)."""
    return db.session.execute(
        select(Notification, Appointment, Patient, TreatmentType, Clinic)
        .join(Patient, Patient.id == Notification.patient_id)
        .outerjoin(Appointment, Appointment.id == Notification.appointment_id)
        .outerjoin(TreatmentType, TreatmentType.id == Appointment.treatment_type_id)
        .outerjoin(Clinic, Clinic.id == 1)  # the one clinic this service runs
        .where(Notification.id == notification_id)).one()


def backoff(attempts: int) -> timedelta:
    """Exponential, capped, with full jitter so a burst of failures does not retry in step."""
    ceiling = min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)
    return timedelta(seconds=random.uniform(ceiling.total_seconds() / 2, ceiling.total_seconds()))


def _retry(notification_id: int, worker_id: str, now: datetime, error: str) -> str:
    attempts = db.session.scalar(select(Notification.attempts).where(Notification.id == notification_id))
    if attempts is not None and attempts >= MAX_ATTEMPTS:
        return _record(notification_id, worker_id, now, status="failed",
                       error=f"gave up after {attempts} attempts: {error}"[:500])
    return _record(notification_id, worker_id, now, status="pending",
                   due_at=now + backoff(attempts or 1), error=error[:500])


def _record(notification_id: int, worker_id: str, now: datetime, **values) -> str:
    """Write the outcome only if the claim is still ours (a lease may have run out)."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.claimed_by == worker_id)
        .values(lease_until=None, claimed_by=None, updated_at=now, **values)
        # The ORM would otherwise search the session for copies of the row to update in Python
        # (about a quarter of a millisecond of CPU a message); the commit expires them anyway.
        .execution_options(synchronize_session=False))
    db.session.commit()
    return values["status"] if result.rowcount else "lost"


def _record_sent(notification_id: int, worker_id: str, now: datetime, lease: timedelta,
                 purpose: str, text: str, provider_message_id: str,
                 questionnaire_id: int | None = None) -> str:
    """Write down a send the provider has taken, waiting out a database that is away for a
    moment (a restart, a failover) for as long as our lease lasts.

    Giving up here would leave the row pending, and once the lease ran out the message would go
    to the patient a second time. The lease was renewed just before the send, so no other worker
    takes the row while we wait.
    """
    give_up_at = time.monotonic() + lease.total_seconds()
    while True:
        try:
            if purpose == "checkin":  # the only kind that opens one; spares every other send a read
                checkins.prompt_sent(notification_id, now)  # the question now awaits its answer
            if questionnaire_id is not None:
                questionnaires.form_sent(questionnaire_id, now)
            return _record(notification_id, worker_id, now, status="sent", sent_at=now, body=text,
                           provider_message_id=provider_message_id)
        except OperationalError:  # the connection or server went away (or SQLite was locked)
            db.session.rollback()
            if time.monotonic() >= give_up_at:
                raise
            time.sleep(RECORD_RETRY_PAUSE_SECONDS)


def _finish(note: Notification, now: datetime, **values) -> str:
    for field, value in values.items():
        setattr(note, field, value)
    note.lease_until, note.claimed_by, note.updated_at = None, None, now
    db.session.commit()
    return values["status"]


def _situation(note, appointment, patient, clinic, now) -> rules.Situation:
    recipient = rules.Recipient(patient.phone, patient.email, patient.sms_opt_in,
                                patient.email_opt_in, patient.sms_opted_out, patient.timezone)
    offer = _offer(note)
    return rules.Situation(
        purpose=note.purpose, channel=note.channel, due_at=note.due_at,
        rule_minutes=note.rule_minutes, recipient=recipient,
        appointment_status=appointment.status if appointment else None,
        appointment_start=appointment.start_at if appointment else None,
        quiet_hours=clinic.quiet_hours if clinic else None, now=now,
        offer_outcome=shown_outcome(offer) if offer else None,
        offer_expires_at=offer.expires_at if offer else None,
        questionnaire_open=questionnaires.still_open(_form(note), now) if note.questionnaire_id else None)


def _form(note) -> Questionnaire | None:
    return db.session.get(Questionnaire, note.questionnaire_id) if note.questionnaire_id else None


def _offer(note) -> WaitlistOffer | None:
    """The waitlist offer a message is about (read only for those: every other send is spared it)."""
    if note.waitlist_offer_id is None:
        return None
    return db.session.get(WaitlistOffer, note.waitlist_offer_id)


def _message(note, appointment, patient, treatment, clinic, now) -> Outgoing:
    sessions = _sessions(note, appointment)
    offer = _offer(note)
    facts = wording.MessageFacts(
        purpose=note.purpose, channel=note.channel, rule_minutes=note.rule_minutes,
        first_name=patient.first_name, patient_timezone=patient.timezone,
        clinic_timezone=clinic.timezone, clinic_name=clinic.name,
        sms_name=clinic.sms_name or clinic.name, clinic_phone=clinic.phone or "",
        session_starts=(offer.start_at,) if offer else tuple(a.start_at for a in sessions),
        preparation=treatment.preparation if treatment else "",
        sms_preparation=treatment.sms_preparation if treatment else "",
        link=_patient_link(note, appointment), moved_from=note.moved_from,
        offer_link=patient_links.url_for_offer(offer.id) if offer else None,
        offer_until=offer.expires_at if offer else None,
        form_link=patient_links.url_for_questionnaire(note.questionnaire_id) if note.questionnaire_id else None)
    rendered = wording.render(templates(), facts)
    to = patient.phone if note.channel == "sms" else patient.email
    invitations = invites.attachments_for(note, _invited(note, appointment, sessions), patient,
                                          clinic, current_app.config, now)
    return Outgoing(note.id, to, rendered.text, rendered.subject, attachments=invitations)


def _patient_link(note, appointment) -> str | None:
    """Emails about a session still to come carry the patient's own link (valid until it starts)."""
    if note.channel != "email" or appointment is None or note.purpose not in rules.ABOUT_UPCOMING:
        return None
    return patient_links.url_for_appointment(appointment.id, appointment.start_at)


def _sessions(note, appointment) -> list[Appointment]:
    """The sessions a message is about: a course's confirmation lists every booked one."""
    if appointment is None:
        return []
    if note.purpose == "confirmation" and appointment.course is not None:
        return [a for a in appointment.course.appointments if a.status in ("scheduled", "confirmed")]
    return [appointment]


def _invited(note, appointment, sessions) -> list[Appointment]:
    """The calendar entries a message updates: a course's cancellation removes every cancelled
    session from the patient's calendar, though its text names only the first."""
    if note.purpose == "course_cancellation" and appointment.course is not None:
        return [a for a in appointment.course.appointments if a.status == "cancelled"]
    return sessions
