"""Check-ins: the question a patient gets by SMS after a session, waiting for its answer.

A check-in awaits its answer from when the question went out until the patient answers, a newer
question supersedes it, or ANSWER_WINDOW has passed (a number texted a week later is more likely
about something else, and is kept for staff as it stands).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence

from sqlalchemy import select

from scheduler.extensions import db

from notifications.models import CheckIn, Notification

ANSWER_WINDOW = timedelta(days=3)


def prompt_sent(notification_id: int, now: datetime) -> None:
    """Called for every notification just sent: a check-in question on SMS opens a check-in.

    The row joins the caller's transaction, so it is saved with the send's outcome.
    """
    note = db.session.get(Notification, notification_id)
    if note is None or note.purpose != "checkin" or note.channel != "sms" or note.appointment_id is None:
        return
    # A lease that ran out can make a second worker send the same question: one check-in each.
    if db.session.scalar(select(CheckIn.id).where(CheckIn.notification_id == notification_id)):
        return
    db.session.add(CheckIn(appointment_id=note.appointment_id, patient_id=note.patient_id,
                           notification_id=note.id, sent_at=now))


def awaiting_answer(patient_ids: Sequence[int], now: datetime) -> CheckIn | None:
    """The latest check-in still waiting for an answer from these patients (who share a phone),
    held until the transaction ends so two replies at once cannot both answer it."""
    if not patient_ids:
        return None
    return db.session.scalar(
        select(CheckIn)
        .where(CheckIn.patient_id.in_(patient_ids), CheckIn.responded_at.is_(None),
               CheckIn.sent_at > now - ANSWER_WINDOW, CheckIn.sent_at <= now)
        .order_by(CheckIn.sent_at.desc(), CheckIn.id.desc())
        .limit(1)
        .with_for_update())


def record_answer(checkin: CheckIn, score: int | None, text: str, now: datetime) -> None:
    checkin.score = score
    checkin.text = text
    checkin.responded_at = now


def list_checkins(patient_id: int | None):
    listing = select(CheckIn).order_by(CheckIn.sent_at.desc(), CheckIn.id.desc())
    if patient_id is not None:
        listing = listing.where(CheckIn.patient_id == patient_id)
    return listing
