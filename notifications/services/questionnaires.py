"""Questionnaires: planned with a booking by the clinic's rules, sent by signed link, reminded
once, answered on the patient's phone, scored, and alerted on in the same transaction.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Sequence

from sqlalchemy import Select, func, select, update

from scheduler.extensions import db
from scheduler.models import Appointment, Clinic
from scheduler.services import audit

from notifications.engine import questionnaires as forms
from notifications.engine import rules
from notifications.models import Notification, Questionnaire
from notifications.services import alerts

log = logging.getLogger("notifications.services.questionnaires")
FORM, REMINDER = "questionnaire", "questionnaire_reminder"
CHANNELS = ("sms", "email")


class FormClosed(Exception):
    """Answered already, or past its time: nothing is changed."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


def plan(questionnaire_rules: Sequence[dict], sessions: Sequence[Appointment],
         now: datetime) -> list[tuple[Questionnaire, list[rules.Planned]]]:
    """The questionnaires the clinic's rules ask for around these newly booked sessions, written
    in the caller's transaction (one flush for all), each with its messages and its one reminder
    for the caller to write with the booking's other messages."""
    if not questionnaire_rules or not sessions:
        return []
    patient_id = sessions[0].patient_id
    ordered = sorted(sessions, key=lambda s: s.start_at)
    planned = [Questionnaire(patient_id=patient_id, appointment_id=ordered[due.session_index].id,
                             instrument=due.instrument, due_at=due.due_at,
                             expires_at=due.due_at + forms.ANSWER_DAYS)
               for due in forms.due_for([s.start_at for s in ordered], now, questionnaire_rules,
                                        _last_planned(patient_id))]
    db.session.add_all(planned)
    db.session.flush()  # their ids, for the messages' links
    return [(form, [rules.Planned(purpose, channel, at)
                    for purpose, at in ((FORM, form.due_at), (REMINDER, form.due_at + forms.REMIND_AFTER))
                    for channel in CHANNELS])
            for form in planned]


def plan_moved(questionnaire_rules: Sequence[dict], session: Appointment,
               now: datetime) -> list[tuple[Questionnaire, list[rules.Planned]]]:
    """A moved session: the forms due before it, again (its earlier messages were cancelled).
    A fortnightly form tied to it is not planned again here: the next booking's plan picks the
    series up."""
    return plan([r for r in questionnaire_rules or () if r.get("before_minutes") is not None], [session], now)


def _last_planned(patient_id: int) -> dict[str, datetime]:
    """Per instrument, the latest form already on its way (or answered): a second booking does
    not start a second fortnightly series beside the first."""
    rows = db.session.execute(
        select(Questionnaire.instrument, func.max(Questionnaire.due_at))
        .join(Notification, Notification.questionnaire_id == Questionnaire.id)
        .where(Questionnaire.patient_id == patient_id, Notification.purpose == FORM,
               Notification.status.in_(("pending", "sent", "delivered")))
        .group_by(Questionnaire.instrument))
    return dict(rows.all())


def form_sent(questionnaire_id: int, now: datetime) -> None:
    """Called in the transaction that records a sent form or reminder: the first sets `sent_at`."""
    db.session.execute(update(Questionnaire)
                       .where(Questionnaire.id == questionnaire_id, Questionnaire.sent_at.is_(None))
                       .values(sent_at=now).execution_options(synchronize_session=False))


def still_open(form: Questionnaire | None, now: datetime) -> bool:
    return form is not None and form.completed_at is None and now < form.expires_at


def why_closed(form: Questionnaire, now: datetime) -> str | None:
    if form.completed_at is not None:
        return "Thank you: this form was already filled in. Nothing was changed."
    if now >= form.expires_at:
        return ("This form has closed, since its questions are about the two weeks before it was "
                "sent. We will send you a new one. Please call the clinic if you need anything.")
    return None


def save_answers(questionnaire_id: int, answers: list[int], now: datetime) -> tuple[Questionnaire, forms.Score]:
    """Score and keep the answers; open the alerts they call for at once. One commit, so no
    answer is saved without its alert. Raises FormClosed (nothing changed), forms.BadAnswers."""
    form = db.session.scalar(select(Questionnaire).where(Questionnaire.id == questionnaire_id)
                             .with_for_update())
    why = why_closed(form, now)
    if why:
        db.session.rollback()
        raise FormClosed(why)
    result = forms.score(form.instrument, answers)
    form.answers, form.total, form.severity, form.completed_at = list(answers), result.total, result.severity, now
    name = forms.INSTRUMENTS[form.instrument].name
    if result.self_harm:
        alerts.open_alert(form.patient_id, alerts.URGENT,
                          f"{name} item 9 (thoughts of death or self-harm) answered "
                          f"{answers[forms.SELF_HARM_ITEM - 1]}", now, questionnaire_id=form.id)
    threshold = _alert_total(form.instrument)
    if threshold is not None and result.total >= threshold:
        alerts.open_alert(form.patient_id, alerts.HIGH,
                          f"{name} total {result.total}, {result.severity} (alert at {threshold} or above)",
                          now, questionnaire_id=form.id)
    audit.record("questionnaire.answer", "questionnaire", form.id, patient_id=form.patient_id)
    db.session.commit()
    log.info("questionnaire answered", extra={"object_type": "questionnaire", "object_id": form.id,
                                              "action": form.instrument})
    return form, result


def _alert_total(instrument: str) -> int | None:
    clinic = db.session.get(Clinic, 1)
    if clinic is None:
        return None
    return clinic.phq9_alert_at if instrument == forms.PHQ9 else clinic.gad7_alert_at


def list_questionnaires(patient_id: int | None) -> Select:
    """Forms that went out (planned ones still waiting are not yet the patient's), newest first."""
    listing = (select(Questionnaire).where(Questionnaire.sent_at.is_not(None))
               .order_by(Questionnaire.due_at.desc(), Questionnaire.id.desc()))
    if patient_id is not None:
        listing = listing.where(Questionnaire.patient_id == patient_id)
    return listing


def answered(patient_id: int) -> list[Questionnaire]:
    """A patient's answered forms, oldest first: what their chart draws."""
    return list(db.session.scalars(
        select(Questionnaire).where(Questionnaire.patient_id == patient_id,
                                    Questionnaire.completed_at.is_not(None))
        .order_by(Questionnaire.completed_at, Questionnaire.id)))

