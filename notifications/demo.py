"""Notifications' part of the demo clinic (scheduler.demo makes the clinic; the CLI calls this
right after, once): a patient's induction last week lived through with its messages sent on
time, questionnaires answered and a low check-in score that opened an alert; a text that did not
arrive; and two texts for the inbox. Everything goes through the real services and the worker,
with the app's clock set to each moment in turn, over the console channels whatever the
settings say, so seeding never texts or emails anyone.
"""
from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select

from scheduler import clock
from scheduler.demo import INDUCTION_DONE, NASAL_SPRAY, NORMAL_BLOOD_PRESSURE, acting_as, living_at, patient_at
from scheduler.extensions import db
from scheduler.models import Patient, TreatmentType
from scheduler.services import booking, clinic, observations
from scheduler.services.booking import CourseRequest

from notifications.channels.console import ConsoleChannel
from notifications.models import CheckIn, Notification, Questionnaire
from notifications.services import deliveries, inbound, questionnaires
from notifications.worker import run_once

INDUCTION_BOOKED_DAYS_AGO, INDUCTION_STARTED_DAYS_AGO = 18, 15
READINGS_AT_MINUTES = (0, 40, 120)  # the nasal spray's observation plan
# Answers, item by item: PHQ-9 easing over the course, one GAD-7 (moderate anxiety).
PHQ9_ANSWERS = ([2, 2, 2, 2, 2, 2, 2, 2, 0], [2, 2, 1, 2, 1, 2, 1, 1, 0], [1, 1, 1, 2, 1, 1, 1, 1, 0])
GAD7_ANSWERS = [2, 2, 1, 2, 1, 1, 1]
ANSWERED_AFTER = timedelta(minutes=20)
# The check-in score (0 worst, 10 best) after each session; the last, at the clinic's
# alert_score_at_or_below, opens an alert.
CHECKIN_SCORES = ("6", "5", "3")
FAILED_CODE = "30003"  # Twilio: the phone was off or out of reach
INBOX_TEXTS = (("+16175550103", "Can my partner drive me home and wait with me?"),
               ("+16175550199", "Hi, is there parking at the clinic?"))
FAILED_TEXT_TO = "+16175550101"
WORKER = "demo-seed"
MOST_WORKER_RUNS = 500  # every due message of the story goes in far fewer; a bound, not a count


def seed_history() -> None:
    now = clock.now()
    morgan = patient_at(INDUCTION_DONE)
    _live_an_induction(morgan, now)
    _send_until(now)
    _fail_the_first_text_to(FAILED_TEXT_TO, now)
    twilio_answers = current_app.config["SMS_OPT_OUT_REPLIES"] == "twilio"
    for sender, text in INBOX_TEXTS:
        inbound.receive(f"DEMO{uuid.uuid4().hex}", sender, text, now, twilio_answers)


def _live_an_induction(patient_id: int, now: datetime) -> None:
    """Booked, attended and followed up, each step at its time, ending with the check-in answer."""
    zone = clinic.scheduling_rules(clinic.get_clinic()).hours.timezone
    today = now.astimezone(zone).date()
    booked_at = datetime.combine(today - timedelta(days=INDUCTION_BOOKED_DAYS_AGO),
                                 time(10), zone)
    with living_at(booked_at):
        course = booking.book_course(CourseRequest(
            patient_id, _nasal_spray_id(), "induction", 3,
            start_on=today - timedelta(days=INDUCTION_STARTED_DAYS_AGO)))
    sessions = sorted(course.appointments, key=lambda session: session.start_at)
    phone = db.session.get(Patient, patient_id).phone
    for number, session in enumerate(sessions):
        _send_until(session.start_at)
        if number:
            _answer_checkin(patient_id, phone, CHECKIN_SCORES[number - 1])
        _attend(session.id, session.start_at)
    prompt_due = db.session.scalar(select(func.max(Notification.due_at)).where(
        Notification.patient_id == patient_id, Notification.purpose == "checkin"))
    _send_until(prompt_due)
    _answer_checkin(patient_id, phone, CHECKIN_SCORES[-1])


def _answer_checkin(patient_id: int, phone: str, score: str) -> None:
    """The patient answers the check-in question sent last, a little after it came."""
    asked = db.session.scalar(select(func.max(CheckIn.sent_at)).where(CheckIn.patient_id == patient_id))
    if asked is not None:
        inbound.receive(f"DEMO{uuid.uuid4().hex}", phone, score, asked + ANSWERED_AFTER,
                        current_app.config["SMS_OPT_OUT_REPLIES"] == "twilio")


def _attend(session_id: int, start: datetime) -> None:
    with living_at(start):
        booking.change_status(session_id, "check_in")
    for minutes in READINGS_AT_MINUTES:
        with living_at(start + timedelta(minutes=minutes)), acting_as("monitoring"):
            observations.record(session_id, "blood_pressure", NORMAL_BLOOD_PRESSURE)
    with living_at(start + timedelta(minutes=READINGS_AT_MINUTES[-1])):
        booking.change_status(session_id, "complete")


def _send_until(until: datetime) -> None:
    """The worker, woken at each message's due time up to `until`; forms sent are answered."""
    channels = {"sms": ConsoleChannel("sms"), "email": ConsoleChannel("email")}
    for _ in range(MOST_WORKER_RUNS):
        due = db.session.scalar(select(Notification.due_at).where(
            Notification.status == "pending", Notification.due_at <= until).order_by(Notification.due_at))
        if due is None:
            return
        with living_at(due):
            run_once(WORKER, channels)
        _answer_forms_sent(due, until)


def _answer_forms_sent(now: datetime, latest: datetime) -> None:
    waiting = db.session.scalars(select(Questionnaire).where(
        Questionnaire.sent_at.is_not(None), Questionnaire.completed_at.is_(None),
        Questionnaire.expires_at > now).order_by(Questionnaire.id))
    for form in list(waiting):
        answers = _answers_for(form)
        with living_at(min(form.sent_at + ANSWERED_AFTER, latest)):
            questionnaires.save_answers(form.id, answers, clock.now())


def _answers_for(form: Questionnaire) -> list[int]:
    if form.instrument == "gad7":
        return GAD7_ANSWERS
    done = db.session.scalar(select(func.count()).select_from(Questionnaire).where(
        Questionnaire.patient_id == form.patient_id, Questionnaire.instrument == "phq9",
        Questionnaire.completed_at.is_not(None)))
    return PHQ9_ANSWERS[min(done, len(PHQ9_ANSWERS) - 1)]


def _fail_the_first_text_to(phone: str, now: datetime) -> None:
    """The carrier reports the booking's confirmation text undelivered, as Twilio's status
    callback would: the desk has a patient to call."""
    sid = db.session.scalar(
        select(Notification.provider_message_id).join(Patient, Patient.id == Notification.patient_id)
        .where(Patient.phone == phone, Notification.channel == "sms", Notification.status == "sent")
        .order_by(Notification.sent_at, Notification.id))
    if sid is not None:
        deliveries.status_reported(sid, "undelivered", FAILED_CODE, now)


def _nasal_spray_id() -> int:
    return db.session.scalar(select(TreatmentType.id).where(TreatmentType.name == NASAL_SPRAY))
