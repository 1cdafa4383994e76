"""The clinic's set-up: its settings, its chairs and the treatment types it offers."""
from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

DEFAULT_OPENING_HOURS = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
DEFAULT_REMINDER_RULES = [
    {"offset_minutes": 1440, "channels": ["sms", "email"]},
    {"offset_minutes": 120, "channels": ["sms"]},
]
DEFAULT_CHECKIN_RULES = [{"after_minutes": 1440, "channel": "sms"}]
# Sent to a patient whose text has words of self-harm. It points to services that answer at any
# hour, because the clinic does not: nothing the service says may promise round-the-clock care.
DEFAULT_CRISIS_TEXT = ("If you are in danger or thinking of harming yourself, call or text 988 "
                       "(Suicide & Crisis Lifeline) or 911 now.")


class Clinic(db.Model):
    """The one clinic this deployment serves (a single row)."""

    __tablename__ = "clinic"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    # The name texts go out under. Some clinic names reveal the treatment; this need not.
    sms_name: Mapped[str | None] = mapped_column(String(40))
    timezone: Mapped[str] = mapped_column(String(64))
    opening_hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=DEFAULT_OPENING_HOURS)
    # Whole clinic-local days closed despite the weekly hours (public holidays, training days).
    closed_dates: Mapped[list[str]] = mapped_column(JSON, default=list)
    slot_step_minutes: Mapped[int] = mapped_column(Integer, default=15)
    quiet_hours: Mapped[dict[str, str] | None] = mapped_column(JSON)
    reminder_rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    checkin_rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    alert_score_at_or_below: Mapped[int] = mapped_column(Integer, default=3)
    escalation_minutes: Mapped[int] = mapped_column(Integer, default=60)
    crisis_text: Mapped[str] = mapped_column(Text, default=DEFAULT_CRISIS_TEXT)
    # Where an alert nobody acknowledged in time is escalated to, by email; none: no escalation.
    oncall_email: Mapped[str | None] = mapped_column(String(254))
    # The right of the @ in each calendar invitation's UID. Chosen once and kept, so invitations
    # already sent can still be moved or cancelled wherever the service later runs.
    calendar_domain: Mapped[str] = mapped_column(
        String(120), default=lambda: f"{secrets.token_hex(8)}.clinic.invalid")
    # How long a waitlist offer of a freed time stays open before it lapses unanswered.
    waitlist_offer_minutes: Mapped[int] = mapped_column(Integer, default=120, server_default="120")
    # Which questionnaires go to patients, and when: [{"instrument": "phq9", "before_minutes": 2880}].
    questionnaire_rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # A questionnaire total at or above these opens an alert; None: no alert on that total.
    phq9_alert_at: Mapped[int | None] = mapped_column(Integer, default=20)
    gad7_alert_at: Mapped[int | None] = mapped_column(Integer)
    # How the staff pages write a time of day: "12h" (9:30 AM) or "24h" (09:30). 24-hour keeps
    # clinics set up before the choice existed looking as they did.
    time_format: Mapped[str] = mapped_column(String(3), default="24h", server_default="24h")


# What a place is for. A treatment chair takes bookings for a dose; a room (recovery, consult)
# is a place the clinic has but never books a dose in.
TREATMENT_CHAIR, ROOM = "chair", "room"
CHAIR_KINDS = (TREATMENT_CHAIR, ROOM)


class Chair(db.Model):
    """A treatment chair or room: one patient at a time, the clinic's unit of capacity."""

    __tablename__ = "chair"
    __table_args__ = (CheckConstraint("kind IN ('chair', 'room')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    kind: Mapped[str] = mapped_column(String(10), default=TREATMENT_CHAIR, server_default=TREATMENT_CHAIR)

    @property
    def is_treatment_chair(self) -> bool:
        return self.kind == TREATMENT_CHAIR


class TreatmentType(db.Model):
    """E.g. an IV infusion: 120 minutes of dose and observation, 15 to turn the chair over."""

    __tablename__ = "treatment_type"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint("buffer_minutes >= 0", name="buffer_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=0)
    # What the patient should do before coming (fasting, a ride home, ...); used in reminders.
    preparation: Mapped[str] = mapped_column(Text, default="")
    # One short line for texts (fasting, a ride home): no drug or diagnosis, fits one segment.
    sms_preparation: Mapped[str] = mapped_column(String(160), default="", server_default="")
    # Who must be on shift for each session: [{"role": "prescriber", "patients_per_staff": 6}];
    # empty: the treatment needs a chair only.
    staffing: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # The course rules a booking leaves out take these (induction_sessions, min_gap_hours,
    # max_span_days, maintenance_interval_days): a nasal spray is not spaced like an infusion.
    # None: the service's general defaults.
    protocol: Mapped[dict[str, int] | None] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    # What staff watch after a dose and for how long, and the monitoring form to file after:
    # {"min_minutes", "checks", "ranges", "monitoring_form_days"}. None: no observation rules.
    observation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
