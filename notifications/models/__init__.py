"""The outbox and what comes back: notifications, inbound messages, check-ins and alerts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from scheduler.extensions import db
from scheduler.models.types import UTCDateTime

STATUSES = ("pending", "sent", "delivered", "failed", "cancelled", "skipped")
CHANNELS = ("sms", "email")


class Notification(db.Model):
    """One message to one patient on one channel, due at a time: the outbox row.

    The table is the schedule: workers claim due rows (a lease, so a dead worker's claims come
    back) and decide at send time whether the message is still right to send.
    """

    __tablename__ = "notification"
    __table_args__ = (
        CheckConstraint("status IN ({})".format(", ".join(f"'{s}'" for s in STATUSES)),
                        name="status_known"),
        CheckConstraint("channel IN ('sms', 'email')", name="channel_known"),
        # Only pending rows are ever looked for by time: a partial index keeps that query the
        # same cost whatever has been sent before.
        Index("ix_notification_due", "due_at", postgresql_where=text("status = 'pending'"),
              sqlite_where=text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"), index=True)
    # A waitlist offer's message is about a freed time, not a booked session.
    waitlist_offer_id: Mapped[int | None] = mapped_column(ForeignKey("waitlist_offer.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    purpose: Mapped[str] = mapped_column(String(30))
    # Which rule made it, e.g. the reminder's offset in minutes; for staff and for tests.
    rule_minutes: Mapped[int | None] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider_message_id: Mapped[str | None] = mapped_column(String(64), index=True)
    error: Mapped[str | None] = mapped_column(String(500))  # or why it was skipped
    body: Mapped[str | None] = mapped_column(Text)  # what went out, for the patient's page
    # A questionnaire's message (and its one reminder) carries the link to this form.
    questionnaire_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire.id"), index=True)
    # A reschedule notice's session started here before it moved ("moved from ... to ...").
    moved_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


INBOUND_KINDS = ("confirm", "stop", "start", "help", "score", "crisis", "other", "unknown_sender")
# urgent: crisis words, or PHQ-9's item 9 above 0; high: a low check-in score, a high total
SEVERITIES = ("urgent", "high")
ALERT_STATUSES = ("open", "acknowledged")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return "{} IN ({})".format(column, ", ".join(f"'{v}'" for v in values))


class InboundMessage(db.Model):
    """A text a patient (or anyone) sent to the clinic's number, as Twilio posted it.

    The unique MessageSid is what makes a webhook Twilio retries act only once.
    """

    __tablename__ = "inbound_message"
    __table_args__ = (
        CheckConstraint(_one_of("kind", INBOUND_KINDS), name="kind_known"),
        CheckConstraint("inbox IS NULL OR inbox IN ('open', 'done')", name="inbox_known"),
        Index("ix_inbound_message_inbox_open", "received_at", postgresql_where=text("inbox = 'open'"),
              sqlite_where=text("inbox = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_phone: Mapped[str] = mapped_column(String(40))  # E.164 when it could be read as a phone
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    reply: Mapped[str | None] = mapped_column(Text)  # what the service answered, for staff
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The inbox: a text that was neither a command nor an awaited answer waits ("open") until
    # monitoring staff have read it and mark it "done" with a note; None: nothing to read.
    inbox: Mapped[str | None] = mapped_column(String(10))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    done_note: Mapped[str | None] = mapped_column(Text)


class CheckIn(db.Model):
    """A check-in question that went out by SMS after a session, and the patient's answer."""

    __tablename__ = "check_in"
    __table_args__ = (
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 10)", name="score_0_to_10"),
        Index("ix_check_in_patient_sent", "patient_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    # Not unique on purpose: this row is written in the same commit as the send's outcome, and
    # a clash there would lose the outcome and send the question again (see checkins.py).
    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[int | None] = mapped_column(Integer)  # 0 worst to 10 best
    text: Mapped[str | None] = mapped_column(Text)  # the reply as the patient wrote it


class Questionnaire(db.Model):
    """A PHQ-9 or GAD-7 sent to a patient by signed link, and their answers.

    Written when planned, with its messages; `sent_at` is set when the first of them goes out,
    so a form whose messages were all cancelled is never shown as sent.
    """

    __tablename__ = "questionnaire"
    __table_args__ = (
        CheckConstraint("instrument IN ('phq9', 'gad7')", name="instrument_known"),
        Index("ix_questionnaire_patient_due", "patient_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"), index=True)
    instrument: Mapped[str] = mapped_column(String(10))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the link is closed after it
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answers: Mapped[list[int] | None] = mapped_column(JSON)  # item scores 0-3, in order
    total: Mapped[int | None] = mapped_column(Integer)
    severity: Mapped[str | None] = mapped_column(String(20))


class Alert(db.Model):
    """Something monitoring staff must look at: a low score, words of self-harm, or a monitoring
    form not filed in time."""

    __tablename__ = "alert"
    __table_args__ = (
        CheckConstraint(_one_of("severity", SEVERITIES), name="severity_known"),
        CheckConstraint(_one_of("status", ALERT_STATUSES), name="status_known"),
        # Open alerts are looked for on every worker tick (escalation) and on staff's screen.
        Index("ix_alert_open", "created_at", postgresql_where=text("status = 'open'"),
              sqlite_where=text("status = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None only for crisis words from a number no patient has: still someone to call back.
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("check_in.id"))
    inbound_message_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_message.id"))
    # A monitoring form not filed in time; unique, so each such form opens one alert only.
    monitoring_form_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_form.id"), unique=True)
    questionnaire_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire.id"))
    severity: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PatientRequest(db.Model):
    """A patient asked, through their emailed link, to be called to reschedule or cancel."""

    __tablename__ = "patient_request"
    __table_args__ = (
        CheckConstraint("kind IN ('reschedule', 'cancel')", name="kind_known"),
        Index("ix_patient_request_open", "created_at", postgresql_where=text("handled_at IS NULL"),
              sqlite_where=text("handled_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
