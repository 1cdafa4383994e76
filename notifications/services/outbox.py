"""Writing the notifications a change implies, in the same transaction as the change.

The reactions to what scheduling announces (notifications.reactions) call these before the
booking service commits: either the change and its messages are saved together, or neither is. What a change makes wrong (reminders for a session that moved or was
cancelled) is cancelled in that same transaction.

Each change's rows go in one multi-row INSERT (a course's confirmation, reminders and
questionnaire messages together): one round trip instead of one per row, and no ORM object per
row, since nothing in the transaction reads them back. A row already due wakes the workers
(notifications.services.wakeups) when the transaction commits.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterable, Sequence

from sqlalchemy import insert, select, update

from scheduler.engine import appointment_status as status
from scheduler.extensions import db
from scheduler.models import Appointment, Clinic, Patient, WaitlistOffer

from notifications.engine import rules
from notifications.models import Notification, Questionnaire
from notifications.services import questionnaires, wakeups


def sessions_booked(clinic: Clinic, sessions: Sequence[Appointment], now: datetime) -> None:
    """One confirmation for a whole course (it lists every session), reminders per session."""
    rows = _rows_about(sessions[0], rules.notices_for("confirmation", now), now)
    for session in sessions:
        rows += _rows_about(session, _reminders(clinic, session, now), now)
    rows += _form_rows(questionnaires.plan(clinic.questionnaire_rules, sessions, now), now)
    write(rows, now)


def session_moved(clinic: Clinic, appointment: Appointment, moved_from: datetime, now: datetime) -> None:
    """The notice says from when to when: a patient with two sessions that week must tell which."""
    cancel_pending([appointment.id], "the session was rescheduled", now)
    write(_rows_about(appointment, rules.notices_for("reschedule", now), now, moved_from=moved_from)
          + _rows_about(appointment, _reminders(clinic, appointment, now), now)
          + _form_rows(questionnaires.plan_moved(clinic.questionnaire_rules, appointment, now), now), now)


def session_cancelled(appointment: Appointment, now: datetime) -> None:
    cancel_pending([appointment.id], "the session was cancelled", now)
    write(_rows_about(appointment, rules.notices_for("cancellation", now), now), now)


def course_cancelled(cancelled: Sequence[Appointment], now: datetime) -> None:
    """One notice for the course, not one per session."""
    if not cancelled:
        return
    cancel_pending([a.id for a in cancelled], "the course was cancelled", now)
    write(_rows_about(cancelled[0], rules.notices_for("course_cancellation", now), now), now)


def session_missed(appointment: Appointment, now: datetime) -> None:
    cancel_pending([appointment.id], "the patient did not come", now)
    write(_rows_about(appointment, rules.notices_for("no_show", now), now), now)


def session_completed(clinic: Clinic, appointment: Appointment, now: datetime) -> None:
    cancel_pending([appointment.id], "the session is over", now)
    write(_rows_about(appointment, rules.checkins_for(now, clinic.checkin_rules), now), now)


def waitlist_offered(offers: Sequence[WaitlistOffer], now: datetime) -> None:
    """Each patient offered the freed time hears of it at once, by the channels they agreed to;
    the worker drops a text that quiet hours would hold past the offer's expiry."""
    write([row for offer in offers
           for row in rows_for(rules.notices_for("waitlist_offer", now), now, offer.entry.patient_id,
                               waitlist_offer_id=offer.id)], now)


def texts_stopped(patient_ids: Sequence[int], now: datetime) -> None:
    """STOP: no text waiting for these patients goes out (email still does)."""
    db.session.execute(
        update(Notification)
        .where(Notification.patient_id.in_(list(patient_ids)), Notification.channel == "sms",
               Notification.status == "pending")
        .values(status="cancelled", error=rules.STOPPED, updated_at=now))


def texts_started(clinic: Clinic | None, patient_ids: Sequence[int], now: datetime) -> None:
    """START: the SMS reminders STOP took from sessions still to come are planned again.

    They are new rows: the stopped ones stay as they were, for the record. A session's rows from
    before its last move (the time of its latest reschedule notice) are about another time and
    are left out.
    """
    if clinic is None:
        return
    sessions = db.session.scalars(
        select(Appointment).where(Appointment.patient_id.in_(list(patient_ids)), Appointment.start_at > now,
                                  Appointment.status.in_((status.SCHEDULED, status.CONFIRMED)))
        .order_by(Appointment.start_at)).all()
    if not sessions:
        return
    rows = db.session.scalars(
        select(Notification).where(Notification.appointment_id.in_([a.id for a in sessions]),
                                   Notification.purpose.in_(("reminder", "reschedule")))).all()
    planned = []
    for session in sessions:
        own = [r for r in rows if r.appointment_id == session.id]
        moved = max((r.created_at for r in own if r.purpose == "reschedule"), default=None)
        earlier = [(r.rule_minutes, r.error) for r in own if r.purpose == "reminder" and r.channel == "sms"
                   and (moved is None or r.created_at >= moved)]
        timezone = _patient(session).timezone
        planned += _rows_about(session, rules.reminders_after_start(
            session.start_at, now, clinic.reminder_rules, earlier, clinic.quiet_hours, timezone), now)
    write(planned, now)


def cancel_pending(appointment_ids: Iterable[int], reason: str, now: datetime) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.appointment_id.in_(list(appointment_ids)),
               Notification.status == "pending")
        .values(status="cancelled", error=reason, updated_at=now)
    )


def _reminders(clinic: Clinic, session: Appointment, now: datetime) -> list[rules.Planned]:
    """The session's reminders by the clinic's rules, its texts kept out of the patient's quiet hours."""
    return rules.reminders_for(session.start_at, now, clinic.reminder_rules, clinic.quiet_hours,
                               _patient(session).timezone)


def _patient(session: Appointment) -> Patient:
    # The booking service has loaded the patient already: this is the session's identity map.
    return db.session.get(Patient, session.patient_id)


def write(rows: list[dict], now: datetime) -> None:
    """Every row in one executemany on the session's connection (its transaction): psycopg sends
    it as one pipeline, SQLite as one statement. Core's insert rather than the ORM's bulk one,
    which costs about half as much CPU again per call (profiled in bench/README.md) and would
    split rows whose None columns differ into separate statements. No ORM object is made: nothing
    in the transaction reads these rows back before the commit."""
    if not rows:
        return
    db.session.flush()  # what the rows refer to, if still pending: a connection does not autoflush
    db.session.connection().execute(insert(Notification.__table__), rows)
    wakeups.announce(rows, now)


def rows_for(planned: Iterable[rules.Planned], now: datetime, patient_id: int, *,
             appointment_id: int | None = None, waitlist_offer_id: int | None = None,
             questionnaire_id: int | None = None, moved_from: datetime | None = None) -> list[dict]:
    """The notification rows for what was planned, as `write` takes them."""
    return [dict(appointment_id=appointment_id, waitlist_offer_id=waitlist_offer_id,
                 questionnaire_id=questionnaire_id, patient_id=patient_id, channel=item.channel,
                 purpose=item.purpose, rule_minutes=item.rule_minutes, due_at=item.due_at,
                 status="skipped" if item.skip_reason else "pending", error=item.skip_reason,
                 moved_from=moved_from, attempts=0, created_at=now, updated_at=now)
            for item in planned]


def _rows_about(appointment: Appointment, planned: Iterable[rules.Planned], now: datetime,
                moved_from: datetime | None = None) -> list[dict]:
    return rows_for(planned, now, appointment.patient_id, appointment_id=appointment.id, moved_from=moved_from)


def _form_rows(forms: Iterable[tuple[Questionnaire, list[rules.Planned]]], now: datetime) -> list[dict]:
    return [row for form, planned in forms
            for row in rows_for(planned, now, form.patient_id, appointment_id=form.appointment_id,
                                questionnaire_id=form.id)]
