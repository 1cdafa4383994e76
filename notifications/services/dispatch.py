"""Sending claimed notifications: decide at send time, render, send, record the outcome.

The database work (load, decide, render, record) runs on the worker's own thread with its
session; only `send` may run on other threads, because it touches nothing but the provider. The
database transaction is closed while the provider is called, so a slow provider holds no locks;
an outcome is written only if this worker still holds the claim.
"""
from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import OperationalError

from scheduler.extensions import db
from scheduler.models import Appointment, Clinic, Patient, TreatmentType, WaitlistOffer
from scheduler.services.waitlist import shown_outcome

from notifications.engine import rules, wording

from notifications.services import checkins, invites, opt_outs, patient_links, questionnaires
from notifications.services import send_metrics as metrics
from notifications.services.templates import templates
from notifications.channels import Channel, Delivery, Outgoing, PermanentFailure, TransientFailure
from notifications.models import Notification, Questionnaire

log = logging.getLogger("notifications.services.dispatch")
MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(minutes=30)
RECORD_RETRY_PAUSE_SECONDS = 1.0


@dataclass(frozen=True)
class Ready:
    """A message that passed the send-time check, with what recording its outcome needs (read
    before the commit: the row itself must not be touched while the provider is called)."""

    notification_id: int
    attempts: int
    channel: str
    purpose: str
    patient_id: int
    questionnaire_id: int | None
    message: Outgoing


@dataclass(frozen=True)
class Answer:
    """The provider's answer to one send: a delivery, or the failure it raised."""

    ready: Ready
    delivery: Delivery | None
    failure: Exception | None
    seconds: float


@dataclass(frozen=True)
class Outcome:
    """What to write on one claimed row, and what to count."""

    notification_id: int
    channel: str
    values: dict = field(default_factory=dict)  # status and the columns it sets
    reason: str | None = None  # for the skipped and failed counters
    sent: Ready | None = None  # a send the provider took: its check-in or form is now out
    opted_out: int | None = None  # the patient whose number texted STOP to Twilio


def dispatch(notification_id: int, worker_id: str, channels: dict[str, Channel], now: datetime,
             lease: timedelta) -> str:
    """Handle one claimed notification on this thread; returns the status it ended in."""
    # The renewal and the reads share one transaction, committed before the provider is called:
    # the longer lease is in force while the message is out, and no lock is held during the call.
    if not renew_claims([notification_id], worker_id, now, lease):
        db.session.rollback()
        return "lost"
    prepared = prepare(load_claimed([notification_id])[0], now)
    if isinstance(prepared, Ready):
        db.session.commit()  # nothing is held while the provider is called
        prepared = outcome_of(send(prepared, channels[prepared.channel]), now)
    return record([prepared], worker_id, now, lease)[notification_id]


def renew_claims(notification_ids: list[int], worker_id: str, now: datetime,
                 lease: timedelta) -> set[int]:
    """Extend our lease on these messages, those still ours whose lease has not run out; the
    ids renewed. The caller commits.

    A batch can outlast its lease (a slow provider, a loaded machine); by then another worker
    may have claimed a row of it. Renewing in one conditional UPDATE per batch settles who owns
    each row before its send: either we extend a live lease (no one else can claim it until we
    are done), or it is gone and we leave it alone.
    """
    return set(db.session.scalars(
        update(Notification)
        .where(Notification.id.in_(notification_ids), Notification.claimed_by == worker_id,
               Notification.status == "pending", Notification.lease_until > now)
        .values(lease_until=now + lease)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)))  # see record


def load_claimed(notification_ids: list[int]) -> list[tuple]:
    """Each notification with all its decision and text need, the batch in one round trip
    (a worker spends more of each message on database round trips than on the send itself)."""
    return db.session.execute(
        select(Notification, Appointment, Patient, TreatmentType, Clinic)
        .join(Patient, Patient.id == Notification.patient_id)
        .outerjoin(Appointment, Appointment.id == Notification.appointment_id)
        .outerjoin(TreatmentType, TreatmentType.id == Appointment.treatment_type_id)
        .outerjoin(Clinic, Clinic.id == 1)  # the one clinic this service runs
        .where(Notification.id.in_(notification_ids))
        .order_by(Notification.due_at, Notification.id)).all()


def prepare(row: tuple, now: datetime) -> Ready | Outcome:
    """The send-time check on a loaded row: the message to send, or the outcome without one."""
    note, appointment, patient, treatment, clinic = row
    decision = rules.decide(_situation(note, appointment, patient, clinic, now))
    if decision.action == "skip":
        return Outcome(note.id, note.channel, {"status": "skipped", "error": decision.reason},
                       reason=decision.reason)
    if decision.action == "defer":
        return Outcome(note.id, note.channel, {"status": "pending", "due_at": decision.until})
    return Ready(note.id, note.attempts, note.channel, note.purpose, note.patient_id,
                 note.questionnaire_id, _message(note, appointment, patient, treatment, clinic, now))


def send(ready: Ready, channel: Channel) -> Answer:
    """Hand one message to its provider. Safe on any thread: no database, no session."""
    started = time.monotonic()
    metrics.IN_FLIGHT.inc()
    try:
        delivery, failure = channel.send(ready.message), None
    except (PermanentFailure, TransientFailure) as error:
        delivery, failure = None, error
    finally:
        metrics.IN_FLIGHT.dec()
    seconds = time.monotonic() - started
    metrics.PROVIDER_SECONDS.labels(ready.channel).observe(seconds)
    return Answer(ready, delivery, failure, seconds)


def outcome_of(answer: Answer, now: datetime) -> Outcome:
    """What the provider's answer means for the row."""
    ready, failure = answer.ready, answer.failure
    if isinstance(failure, PermanentFailure):
        if failure.opted_out:  # the number texted STOP to Twilio: nothing more goes to it
            return Outcome(ready.notification_id, ready.channel,
                           {"status": "failed", "error": opt_outs.REFUSED_AFTER_STOP},
                           reason="opted out at the provider", opted_out=ready.patient_id)
        return Outcome(ready.notification_id, ready.channel,
                       {"status": "failed", "error": f"{failure.code or 'refused'}: {failure}"[:500]},
                       reason=failure.code or "refused")
    if isinstance(failure, TransientFailure):
        return _retry(ready, now, str(failure), "throttled" if failure.throttled else "no answer")
    return Outcome(ready.notification_id, ready.channel,
                   {"status": "sent", "sent_at": now, "body": ready.message.text,
                    "provider_message_id": answer.delivery.provider_message_id}, sent=ready)


def backoff(attempts: int) -> timedelta:
    """Exponential, capped, with full jitter so a burst of failures does not retry in step."""
    ceiling = min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)
    return timedelta(seconds=random.uniform(ceiling.total_seconds() / 2, ceiling.total_seconds()))


def _retry(ready: Ready, now: datetime, error: str, why: str) -> Outcome:
    if ready.attempts >= MAX_ATTEMPTS:
        return Outcome(ready.notification_id, ready.channel,
                       {"status": "failed", "error": f"gave up after {ready.attempts} attempts: {error}"[:500]},
                       reason="gave up")
    return Outcome(ready.notification_id, ready.channel,
                   {"status": "pending", "due_at": now + backoff(ready.attempts or 1), "error": error[:500]},
                   reason=f"will retry: {why}")


def record(outcomes: list[Outcome], worker_id: str, now: datetime, lease: timedelta) -> dict[int, str]:
    """Write a batch of outcomes in one statement and commit; each row's status ("lost" where
    the claim is no longer ours: a lease ran out and another worker took the row).

    A database away for a moment (a restart, a failover) is waited out for as long as our
    lease lasts: giving up would leave sent rows pending, and once the lease ran out those
    messages would go to the patients a second time. No other worker takes the rows meanwhile.
    """
    give_up_at = time.monotonic() + lease.total_seconds()
    while True:
        try:
            statuses = _write(outcomes, worker_id, now)
            break
        except OperationalError:  # the connection or server went away (or SQLite was locked)
            db.session.rollback()
            if time.monotonic() >= give_up_at:
                raise
            time.sleep(RECORD_RETRY_PAUSE_SECONDS)
    _count(outcomes, statuses)
    return statuses


# One UPDATE for every outcome, run once per batch with a row of parameters each. A column an
# outcome does not set is passed as NULL and kept by COALESCE; the claim is cleared in all.
_COLUMNS = ("error", "due_at", "sent_at", "body", "provider_message_id")
_TABLE = Notification.__table__
_WRITE_OUTCOME = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row_id"), _TABLE.c.claimed_by == bindparam("worker_id"))
    .values(status=bindparam("new_status"), lease_until=None, claimed_by=None,
            updated_at=bindparam("now", type_=_TABLE.c.updated_at.type),
            **{column: func.coalesce(bindparam(f"new_{column}", type_=_TABLE.c[column].type),
                                     _TABLE.c[column]) for column in _COLUMNS}))


def _write(outcomes: list[Outcome], worker_id: str, now: datetime) -> dict[int, str]:
    for outcome in outcomes:
        if outcome.sent is not None and outcome.sent.purpose == "checkin":
            checkins.prompt_sent(outcome.notification_id, now)  # the question now awaits its answer
        if outcome.sent is not None and outcome.sent.questionnaire_id is not None:
            questionnaires.form_sent(outcome.sent.questionnaire_id, now)
        if outcome.opted_out is not None:
            opt_outs.stopped_at_twilio(outcome.opted_out, now)
    rows = [{"row_id": o.notification_id, "worker_id": worker_id, "now": now,
             "new_status": o.values["status"],
             **{f"new_{column}": o.values.get(column) for column in _COLUMNS}} for o in outcomes]
    written = db.session.execute(_WRITE_OUTCOME, rows).rowcount
    ours = ({o.notification_id for o in outcomes} if written == len(rows)
            else _written_by_us(outcomes, now))
    db.session.commit()
    return {o.notification_id: o.values["status"] if o.notification_id in ours else "lost"
            for o in outcomes}


def _written_by_us(outcomes: list[Outcome], now: datetime) -> set[int]:
    """Which rows our write reached, when a lease ran out under some (rare: the write counts
    only the rows, not which). Ours are the ones just freed at our `now`; another worker's
    claim or outcome left its own mark."""
    return set(db.session.scalars(select(Notification.id).where(
        Notification.id.in_([o.notification_id for o in outcomes]),
        Notification.claimed_by.is_(None), Notification.updated_at == now)))


def _count(outcomes: list[Outcome], statuses: dict[int, str]) -> None:
    for outcome in outcomes:
        status = statuses[outcome.notification_id]
        if status == "sent":
            metrics.SENT.labels(outcome.channel).inc()
        elif status == "skipped":
            metrics.SKIPPED.labels(outcome.channel, metrics.reason_label(outcome.reason)).inc()
        elif outcome.reason is not None and status in ("failed", "pending"):
            metrics.FAILED.labels(outcome.channel, outcome.reason).inc()  # a provider's code or our words


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
