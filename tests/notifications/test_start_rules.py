"""START plans again only what STOP alone held back, and only while it still helps."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from notifications.engine.rules import STOPPED, reminders_after_start

SESSION = datetime(2026, 6, 3, 14, 0, tzinfo=timezone.utc)
RULES = [{"offset_minutes": 1440, "channels": ["sms", "email"]}, {"offset_minutes": 120, "channels": ["sms"]}]
DAYS_AHEAD = SESSION - timedelta(days=2)


def planned(earlier, now=DAYS_AHEAD):
    return [(p.channel, p.rule_minutes) for p in reminders_after_start(SESSION, now, RULES, earlier)]


CASES = {
    "both stopped while waiting": ([(1440, STOPPED), (120, STOPPED)], [("sms", 1440), ("sms", 120)]),
    "nothing was stopped": ([(1440, None), (120, None)], []),
    "no reminder on record (booked with no rule then)": ([], []),
    "one stopped, one sent before STOP": ([(1440, None), (120, STOPPED)], [("sms", 120)]),
    "stopped, then planned again and waiting": ([(120, STOPPED), (120, None)], []),
    "skipped for another reason": ([(120, "no consent to SMS")], []),
    "a rule the clinic no longer has": ([(60, STOPPED)], []),
}


@pytest.mark.parametrize("earlier, expected", CASES.values(), ids=CASES.keys())
def test_only_what_stop_alone_held_back_comes_back(earlier, expected):
    assert planned(earlier) == expected


def test_a_reminder_past_its_use_does_not_come_back():
    stopped = [(1440, STOPPED), (120, STOPPED)]
    assert planned(stopped, now=SESSION - timedelta(hours=3)) == [("sms", 120)]  # day-before: 21 h late
    assert planned(stopped, now=SESSION - timedelta(minutes=60)) == []


def test_a_late_but_useful_reminder_goes_at_once():
    [reminder] = reminders_after_start(SESSION, SESSION - timedelta(hours=20), RULES, [(1440, STOPPED)])
    assert reminder.due_at == SESSION - timedelta(hours=20) and reminder.skip_reason is None
