"""The observation rules, pure: when a check is due and overdue, which values are out of range,
and why a patient may not go home yet."""
from datetime import datetime, timedelta, timezone

from scheduler.engine.observation import (
    DONE, DUE, OVERDUE, UPCOMING, Reading, check_states, discharge_refusals, observation_start, out_of_range,
)

DOSE = datetime(2026, 6, 1, 13, 0, tzinfo=timezone.utc)
PLAN = {"min_minutes": 120, "checks": [{"name": "blood_pressure", "at_minutes": [0, 40]}],
        "ranges": {"systolic": [90, 160], "diastolic": [50, 100]}}


def bp(systolic, diastolic, minutes):
    return Reading("blood_pressure", {"systolic": systolic, "diastolic": diastolic}, DOSE + timedelta(minutes=minutes))


def state_at(readings, minutes):
    [state] = check_states(PLAN, DOSE, readings, DOSE + timedelta(minutes=minutes))
    return state.state, state.at


def test_a_check_is_due_from_a_little_before_its_time_and_overdue_ten_minutes_after():
    first = bp(120, 80, 1)
    assert state_at([first], 30) == (UPCOMING, DOSE + timedelta(minutes=40))
    assert state_at([first], 35) == (DUE, DOSE + timedelta(minutes=40))
    assert state_at([first], 49) == (DUE, DOSE + timedelta(minutes=40))
    assert state_at([first], 50) == (OVERDUE, DOSE + timedelta(minutes=40))
    assert state_at([first, bp(120, 80, 52)], 55) == (DONE, None)


def test_one_reading_does_not_count_for_two_times():
    assert state_at([bp(120, 80, 45)], 46)[0] == DUE  # the 45-minute reading covers 0; 40 is still open
    assert state_at([bp(120, 80, 0), bp(120, 80, 45)], 46)[0] == DONE


def test_range_bounds_are_included():
    assert out_of_range({"systolic": 160, "diastolic": 50}, PLAN["ranges"]) == []
    assert out_of_range({"systolic": 161, "diastolic": 49}, PLAN["ranges"]) == ["systolic", "diastolic"]


def test_a_later_good_reading_settles_an_earlier_bad_one():
    at_two_hours = DOSE + timedelta(minutes=120)
    assert discharge_refusals(PLAN, DOSE, [bp(170, 80, 0)], at_two_hours) == [
        "the latest blood pressure reading is out of range (systolic)"]
    assert discharge_refusals(PLAN, DOSE, [bp(170, 80, 0), bp(150, 80, 40)], at_two_hours) == []


def test_no_plan_holds_nobody():
    assert discharge_refusals(None, DOSE, [bp(200, 120, 0)], DOSE) == []


def test_an_early_check_in_starts_the_clock_at_the_session():
    assert observation_start(DOSE - timedelta(hours=1), DOSE) == DOSE
    assert observation_start(DOSE + timedelta(minutes=5), DOSE) == DOSE + timedelta(minutes=5)
