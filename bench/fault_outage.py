"""The outage scenario's clinic: two days of booked sessions, a night and a morning without any
worker while the front desk carries on, and what the workers make of the backlog on restart.

Times are the clinic's (America/New_York, open 09:00-17:00, sessions of 120 + 15 minutes at
09:00, 11:15 and 13:30 in every chair; the default reminder rules: a day before by SMS and
email, two hours before by SMS; quiet hours 21:00-08:00).

    Mon 15:00  sessions for Tue and Wed are booked; the workers send what is due, then stop
    Mon 16:00  some Tue afternoon sessions cancelled        (notice 18 h late at restart)
    Mon 16:30  some Thu sessions booked                      (confirmation 17.5 h late)
    Tue 08:30  some Wed sessions cancelled                   (notice 1.5 h late)
    Tue 09:40  some of Tue 09:00's patients marked no-show   (notice 20 min late)
    Tue 09:50  some more Thu sessions booked                 (confirmation 10 min late)
    Tue 10:00  the workers start again

notifications/engine/rules.py decides what is still worth sending at 10:00; this module only sets the
scene and counts what happened.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from notifications.engine import rules
from notifications.models import Notification
from scheduler.extensions import db
from scheduler.models import Appointment
from tests.clock import FrozenClock
from tests.factories import ClinicIds, api_as, make_patient, set_up_clinic

CLINIC_ZONE = ZoneInfo("America/New_York")
SLOTS = ("09:00", "11:15", "13:30")
MONDAY = date(2026, 6, 1)


def clinic_time(day_offset: int, clock_time: str) -> datetime:
    """A time on the clinic's wall clock, `day_offset` days after Monday 1 June 2026, in UTC."""
    day = MONDAY + timedelta(days=day_offset)
    local = datetime.fromisoformat(f"{day.isoformat()}T{clock_time}").replace(tzinfo=CLINIC_ZONE)
    return local.astimezone(timezone.utc)


@dataclass
class ClinicWeek:
    chairs: int = 20
    booked_at: datetime = clinic_time(0, "15:00")
    restart_at: datetime = clinic_time(1, "10:00")
    sessions: dict[int, list[dict]] = field(default_factory=dict)  # day offset -> appointments
    clinic: ClinicIds | None = None
    _patients: int = 0

    def __post_init__(self):
        self.clock = FrozenClock(self.booked_at)  # the front desk's clock; workers have their own

    @property
    def stopped_at(self) -> datetime:
        return self.booked_at

    def book(self, app) -> None:
        """The clinic, and every chair's three sessions on Tue and Wed, booked on Monday 15:00."""
        app.config["CLOCK"] = self.clock
        self.admin, self.desk = api_as(app, "admin"), api_as(app, "front_desk")
        self.clinic = set_up_clinic(self.admin, chairs=self.chairs)
        for day in (1, 2):
            self.sessions[day] = [self._book(day, slot, chair)
                                  for slot in SLOTS for chair in self.clinic.chairs]

    def run_the_outage(self, app) -> None:
        """What the front desk does while no worker runs (the web process does)."""
        app.config["CLOCK"] = self.clock
        tuesday, wednesday = self.sessions[1], self.sessions[2]
        share = max(1, self.chairs // 5)  # a fifth of a slot's chairs each time
        self._at(0, "16:00", lambda: [self._cancel(a) for a in _at_slot(tuesday, "13:30")[:share]])
        self._at(0, "16:30", lambda: [self._book(3, "09:00", c) for c in self.clinic.chairs[:share]])
        self._at(1, "08:30", lambda: [self._cancel(a) for a in _at_slot(wednesday, "11:15")[:share]])
        self._at(1, "09:40", lambda: [self._no_show(a) for a in _at_slot(tuesday, "09:00")[:share]])
        self._at(1, "09:50", lambda: [self._book(3, "11:15", c) for c in self.clinic.chairs[:share]])

    def _at(self, day: int, clock_time: str, act) -> None:
        self.clock.set(clinic_time(day, clock_time))
        act()

    def _book(self, day: int, slot: str, chair: int) -> dict:
        self._patients += 1
        patient = make_patient(self.desk, phone=f"+1617555{self._patients:04d}",
                               email=f"outage{self._patients}@example.com")
        booked = self.desk.post("/appointments", json={
            "patient_id": patient, "treatment_type_id": self.clinic.treatment, "chair_id": chair,
            "start": clinic_time(day, slot).isoformat()})
        assert booked.status_code == 201, booked.json
        return booked.json

    def _cancel(self, appointment: dict) -> None:
        answer = self.desk.post(f"/appointments/{appointment['id']}/cancel",
                                json={"reason": "the clinic had to close the chair"})
        assert answer.status_code == 200, answer.json

    def _no_show(self, appointment: dict) -> None:
        answer = self.desk.post(f"/appointments/{appointment['id']}/no-show")
        assert answer.status_code == 200, answer.json


def _at_slot(appointments: list[dict], clock_time: str) -> list[dict]:
    return [a for a in appointments
            if datetime.fromisoformat(a["start"]).astimezone(CLINIC_ZONE).strftime("%H:%M") == clock_time]


def waiting_at_restart(app, restart_at: datetime) -> list[int]:
    """The backlog: pending notifications that fell due while no worker ran."""
    with app.app_context():
        ids = list(db.session.scalars(select(Notification.id).where(
            Notification.status == "pending", Notification.due_at <= restart_at)))
        db.session.rollback()
    return ids


# ---------------------------------------------------------------------------------------------
# What the restart did with the backlog
# ---------------------------------------------------------------------------------------------

@dataclass
class CatchUp:
    rows: list  # (Notification, appointment start, appointment status) per backlog row
    schedule: list[datetime]  # when each reminder falls due by its rule, outage or not
    restart_at: datetime

    @property
    def sent(self) -> list:
        return [r for r in self.rows if r[0].status == "sent"]

    def by_outcome(self) -> dict[str, dict[str, int]]:
        """Per purpose and channel: how many were sent, skipped (by reason), left."""
        table: dict[str, Counter] = defaultdict(Counter)
        for note, _, _ in self.rows:
            outcome = note.status if note.status != "skipped" else f"skipped: {_reason(note.error)}"
            table[f"{note.purpose} {note.channel}"
                  + (f" {note.rule_minutes} min" if note.purpose == "reminder" else "")][outcome] += 1
        return {kind: dict(sorted(counts.items())) for kind, counts in sorted(table.items())}

    def sent_too_late(self) -> list[int]:
        """Sent later after their due time than rules.late_limit allows (must be none); news the
        patient needs before the session (rules.UNTIL_THE_SESSION) may go until its start."""
        return [n.id for n, start, _ in self.sent
                if n.sent_at - n.due_at > rules.late_limit(n.purpose, n.rule_minutes)
                and not (n.purpose in rules.UNTIL_THE_SESSION and start and n.sent_at < start)]

    def sent_about_a_past_or_off_session(self) -> list[int]:
        return [n.id for n, start, status in self.sent if n.purpose in rules.ABOUT_UPCOMING
                and (status in ("cancelled", "no_show", "completed") or (start and n.sent_at >= start))]

    def cancellations_skipped_before_the_session(self) -> int:
        """Cancellation notices skipped as too late although the session was still to come: the
        patient is not told and may come in."""
        return sum(1 for n, start, _ in self.rows
                   if n.purpose == "cancellation" and n.status == "skipped" and start > self.restart_at)

    def peak_sent(self, seconds: int) -> int:
        """Most backlog messages sent within any `seconds`-long bucket after the restart."""
        buckets = Counter(int((n.sent_at - self.restart_at).total_seconds() // seconds)
                          for n, _, _ in self.sent)
        return max(buckets.values(), default=0)

    def peak_due_per_minute(self) -> int:
        """The busiest minute of the reminder schedule: what a worker that never stopped sends at
        once on a normal day (every chair's day-before reminders for 09:00, by SMS and email)."""
        return max(Counter(due.replace(second=0, microsecond=0) for due in self.schedule).values(),
                   default=0)

    def most_to_one_patient(self) -> int:
        return max(Counter(n.patient_id for n, _, _ in self.sent).values(), default=0)

    def figures(self) -> dict:
        sent = len(self.sent)
        skipped = sum(1 for n, _, _ in self.rows if n.status == "skipped")
        return {
            "backlog": len(self.rows), "sent": sent, "skipped": skipped,
            "left_pending_or_failed": len(self.rows) - sent - skipped,
            "by_kind": self.by_outcome(),
            "sent_later_than_rules_allow": len(self.sent_too_late()),
            "sent_about_a_started_or_cancelled_session": len(self.sent_about_a_past_or_off_session()),
            "cancellations_skipped_though_session_still_to_come": self.cancellations_skipped_before_the_session(),
            "peak_sent_per_second_after_restart": self.peak_sent(1),
            "peak_sent_per_minute_after_restart": self.peak_sent(60),
            "peak_due_per_minute_normal_schedule": self.peak_due_per_minute(),
            "most_messages_to_one_patient_in_catch_up": self.most_to_one_patient(),
        }


def catch_up(app, backlog: list[int], restart_at: datetime) -> CatchUp:
    with app.app_context():
        rows = db.session.execute(
            select(Notification, Appointment.start_at, Appointment.status)
            .join(Appointment, Appointment.id == Notification.appointment_id, isouter=True)
            .where(Notification.id.in_(backlog)).order_by(Notification.id)).all()
        schedule = [start - timedelta(minutes=minutes) for start, minutes in db.session.execute(
            select(Appointment.start_at, Notification.rule_minutes)
            .join(Appointment, Appointment.id == Notification.appointment_id)
            .where(Notification.purpose == "reminder"))]
        db.session.expunge_all()
        db.session.rollback()
    return CatchUp([tuple(r) for r in rows], schedule, restart_at)


def _reason(error: str | None) -> str:
    """A skip reason without its figures, so like ones count together."""
    return re.sub(r"^\d+ minutes late", "N minutes late", error or "(none)")
