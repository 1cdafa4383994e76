"""Every worker stopped from Monday afternoon to Tuesday 10:00 while the clinic carries on:
on restart, what is still useful goes out once, the rest is skipped with its reason, and the
backlog brings no patient more than one message per channel (see bench/fault_outage.py for the
clinic's day; `python -m bench.faults --scenario outage` runs it with real worker processes)."""
from __future__ import annotations

from collections import Counter

import pytest

from bench.fault_outage import ClinicWeek, catch_up, waiting_at_restart
from bench.fault_workers import due_and_pending, provider_settings, tally
from tests.conftest import _make_app

from .conftest import send_until


@pytest.fixture
def restarted(database_url, twilio, mail_server):
    """The clinic's two days, the outage, and one worker started at Tuesday 10:00; the backlog
    as the restart left it."""
    week = ClinicWeek(chairs=2)
    # _make_app is the generator fixtures use: the loop's second turn empties the tables.
    for app in _make_app(database_url, week.clock, **provider_settings(twilio, mail_server, timeout=1.0)):
        week.book(app)
        send_until(app, lambda: due_and_pending(app) == 0)  # Monday 15:00, as normal
        week.run_the_outage(app)
        backlog = waiting_at_restart(app, week.restart_at)
        week.clock.set(week.restart_at)
        send_until(app, lambda: due_and_pending(app) == 0)
        yield catch_up(app, backlog, week.restart_at), tally(app, twilio, mail_server)


def test_after_an_outage_every_waiting_message_is_sent_or_skipped_with_a_reason(restarted):
    outcome, _ = restarted
    statuses = Counter(note.status for note, _, _ in outcome.rows)
    assert set(statuses) == {"sent", "skipped"}
    assert all(note.error for note, _, _ in outcome.rows if note.status == "skipped")


def test_after_an_outage_nothing_stale_goes_out(restarted):
    outcome, _ = restarted
    assert outcome.sent_too_late() == []
    assert outcome.sent_about_a_past_or_off_session() == []


def test_after_an_outage_a_patient_whose_session_was_cancelled_is_still_told(restarted):
    outcome, _ = restarted
    assert outcome.cancellations_skipped_before_the_session() == 0


def test_after_an_outage_what_still_helps_goes_out_once(restarted):
    outcome, sent = restarted
    kinds = outcome.by_outcome()
    # Wednesday's day-before reminders fell due at 09:00, an hour before the restart.
    assert kinds["reminder sms 1440 min"]["sent"] == 2
    assert kinds["reminder email 1440 min"]["sent"] == 2
    # Tuesday 09:00's two-hour reminders: the session had begun.
    assert kinds["reminder sms 120 min"]["skipped: the session has already started"] >= 1
    assert kinds["no_show sms"] == {"sent": 1}
    assert (sent.duplicates, sent.missing_at_provider) == (0, 0)


def test_after_an_outage_no_patient_gets_a_burst(restarted):
    outcome, _ = restarted
    per_patient_channel = Counter((note.patient_id, note.channel) for note in (r[0] for r in outcome.sent))
    assert max(per_patient_channel.values()) == 1
