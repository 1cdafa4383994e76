"""After an outage: news about a session to come still goes out however late, until its time."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from notifications.engine.rules import Recipient, Situation, decide

UTC = timezone.utc
SESSION = datetime(2026, 6, 3, 13, 0, tzinfo=UTC)
PATIENT = Recipient(phone="+16175550101", email="p@example.com", sms_opt_in=True,
                    email_opt_in=True, sms_opted_out=False, timezone="America/New_York")


def _news(purpose: str, status: str, due_at: datetime, now: datetime) -> Situation:
    return Situation(purpose=purpose, channel="email", due_at=due_at, rule_minutes=None,
                     recipient=PATIENT, appointment_status=status, appointment_start=SESSION,
                     quiet_hours=None, now=now)


@pytest.mark.parametrize("purpose, status", [("cancellation", "cancelled"), ("reschedule", "scheduled")])
def test_news_a_day_late_still_goes_while_the_session_is_ahead(purpose, status):
    due = SESSION - timedelta(days=2)
    decision = decide(_news(purpose, status, due, now=SESSION - timedelta(hours=1)))
    assert decision.action == "send"


@pytest.mark.parametrize("purpose, status", [("cancellation", "cancelled"), ("reschedule", "scheduled")])
def test_news_is_skipped_once_the_sessions_time_has_come(purpose, status):
    due = SESSION - timedelta(days=2)
    decision = decide(_news(purpose, status, due, now=SESSION + timedelta(minutes=1)))
    assert decision.action == "skip"
    assert "time has passed" in decision.reason or "already started" in decision.reason


def test_a_late_check_in_prompt_is_still_skipped_by_its_own_limit():
    late = Situation(purpose="checkin", channel="sms", due_at=SESSION, rule_minutes=None,
                     recipient=PATIENT, appointment_status="completed", appointment_start=SESSION,
                     quiet_hours=None, now=SESSION + timedelta(days=2))
    assert decide(late).action == "skip"
