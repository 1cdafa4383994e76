"""Scoring PHQ-9 and GAD-7, and the times a clinic's rules send them: pure rules, so property
tests over every possible set of answers and any bookings."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from notifications.engine import questionnaires as forms

UTC = timezone.utc
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
BANDS = {  # the published cut-offs, written out once more as the papers give them
    "phq9": [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 19, "moderately severe"),
             (20, 27, "severe")],
    "gad7": [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")],
}


def answers_for(instrument):
    size = len(forms.INSTRUMENTS[instrument].items)
    return st.lists(st.integers(0, 3), min_size=size, max_size=size)


@pytest.mark.parametrize("instrument, items", [("phq9", 9), ("gad7", 7)])
def test_each_instrument_has_its_published_number_of_items(instrument, items):
    assert len(forms.INSTRUMENTS[instrument].items) == items
    assert forms.ANSWERS == (("Not at all", 0), ("Several days", 1), ("More than half the days", 2),
                             ("Nearly every day", 3))


@pytest.mark.parametrize("instrument", ["phq9", "gad7"])
@pytest.mark.parametrize("total", range(0, 28))
def test_every_total_falls_in_its_published_band(instrument, total):
    if total > forms.INSTRUMENTS[instrument].max_total:
        return
    [band] = [name for low, high, name in BANDS[instrument] if low <= total <= high]
    assert forms.severity(instrument, total) == band


@given(st.sampled_from(["phq9", "gad7"]).flatmap(lambda i: st.tuples(st.just(i), answers_for(i))))
def test_the_total_is_the_sum_and_only_phq9_item_9_flags_self_harm(drawn):
    instrument, answers = drawn
    result = forms.score(instrument, answers)
    assert result.total == sum(answers)
    assert 0 <= result.total <= forms.INSTRUMENTS[instrument].max_total
    assert result.severity == forms.severity(instrument, result.total)
    assert result.self_harm == (instrument == "phq9" and answers[8] > 0)


@pytest.mark.parametrize("answers", [[0] * 8, [0] * 10, [0] * 8 + [4], [0] * 8 + [-1], [0] * 8 + ["1"],
                                     [0] * 8 + [True]])
def test_anything_but_one_answer_0_to_3_per_item_is_refused(answers):
    with pytest.raises(forms.BadAnswers):
        forms.score("phq9", answers)


starts = st.lists(st.integers(1, 60 * 24 * 60).map(lambda m: NOW + timedelta(minutes=m)),
                  min_size=1, max_size=8, unique=True)


@given(starts, st.integers(0, 7 * 24 * 60), st.integers(1, 30))
def test_rules_send_before_each_session_and_every_so_many_days_while_sessions_are_to_come(
        sessions, before, every):
    rules = [{"instrument": "phq9", "before_minutes": before}, {"instrument": "gad7", "every_days": every}]
    planned = forms.due_for(sessions, NOW, rules)
    ordered = sorted(sessions)
    phq9 = [d for d in planned if d.instrument == "phq9"]
    assert sorted(d.due_at for d in phq9) == sorted(max(s - timedelta(minutes=before), NOW) for s in sessions)
    gad7 = [d.due_at for d in planned if d.instrument == "gad7"]
    assert gad7 == [NOW + timedelta(days=every * n) for n in range(len(gad7))]
    assert all(due < ordered[-1] for due in gad7) and gad7[-1] + timedelta(days=every) >= ordered[-1]
    for due in planned:  # tied to a session still to come at the time it goes
        assert ordered[due.session_index] > due.due_at or due.rule == "before"
        assert due.due_at >= NOW


def test_a_series_already_running_is_not_started_again_by_a_second_booking():
    sessions = [NOW + timedelta(days=d) for d in (10, 30)]
    planned = forms.due_for(sessions, NOW, [{"instrument": "gad7", "every_days": 14}],
                            {"gad7": NOW - timedelta(days=4)})
    assert [d.due_at for d in planned] == [NOW + timedelta(days=10), NOW + timedelta(days=24)]
