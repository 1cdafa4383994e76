"""Booking single sessions and whole courses: the rules, the requested starts, and the planner."""
import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import (
    assert_slots_are_bookable, brute_free_slots, brute_induction, brute_maintenance,
    World, brute_rule_violation, every_day, hold, induction, local, maintenance, make_calendar,
    make_chairs, make_clinic, make_treatment, overlaps, starts_of, utc, wall, weekday_hours,
)
from scheduler.engine.courses import (
    CourseRules, course_rule_violation, fit_starts, place_session, plan_course, too_close_to,
)
from scheduler.engine.errors import (
    CourseRuleBroken, NoScheduleFits, NotBookable, SchedulingError, SlotTaken,
)
from scheduler.engine.slots import Slot
from strategies import induction_rules, maintenance_rules, start_times, worlds
from tests.properties import examples

NEW_YORK = "America/New_York"
SYDNEY = "Australia/Sydney"
MONDAY = date(2026, 5, 4)  # a week with no clock change


def ny(day_offset, hour, minute=0, week_of=MONDAY):
    """Wall-clock time in New York, `day_offset` days after `week_of`."""
    day = week_of + timedelta(days=day_offset)
    return local(NEW_YORK, day.year, day.month, day.day, hour, minute)


def whole_day(day_offset, week_of=MONDAY):
    return (ny(day_offset, 0, week_of=week_of), ny(day_offset + 1, 0, week_of=week_of))


def weekday_clinic(step=15):
    return make_clinic(NEW_YORK, weekday_hours(), step)


def daily_clinic(tz=NEW_YORK, step=15):
    return make_clinic(tz, every_day(), step)


def plan(calendar, rules, not_before, days=14):
    return plan_course(calendar, rules, not_before, not_before + timedelta(days=days))


# --- one session -------------------------------------------------------------------------------

def test_a_free_time_on_the_grid_gets_the_first_free_chair():
    chairs = make_chairs([hold(ny(0, 10), 60)], [])
    calendar = make_calendar(weekday_clinic(), make_treatment(60), chairs)
    assert place_session(calendar, ny(0, 10), now=ny(0, 8)) == Slot(ny(0, 10), ny(0, 11), 2)
    assert place_session(calendar, ny(0, 11), now=ny(0, 8)).chair_id == 1


def test_booking_a_time_that_has_passed_is_refused():
    calendar = make_calendar(weekday_clinic(), make_treatment(60))
    with pytest.raises(NotBookable) as refused:
        place_session(calendar, ny(0, 9, 45), now=ny(0, 10))
    assert refused.value.message == "is in the past" and refused.value.field == "start"
    assert not refused.value.conflict
    assert place_session(calendar, ny(0, 10), now=ny(0, 10)).start == ny(0, 10)  # right now is fine


@pytest.mark.parametrize("start, why", [
    (ny(0, 9, 10), "off the 15-minute grid"),
    (ny(0, 8, 45), "before opening"),
    (ny(0, 16, 15), "would end after closing"),
    (ny(5, 10), "Saturday, closed"),
])
def test_a_time_the_clinic_cannot_offer_is_not_bookable(start, why):
    calendar = make_calendar(weekday_clinic(), make_treatment(60))
    with pytest.raises(NotBookable) as refused:
        place_session(calendar, start, now=ny(0, 0), field="starts.2")
    assert "sessions start every 15 minutes from opening" in refused.value.message, why
    assert refused.value.field == "starts.2"


def test_a_time_on_a_day_the_clinic_has_closed_is_not_bookable():
    clinic = make_clinic(NEW_YORK, weekday_hours(), closed=[MONDAY + timedelta(days=1)])
    calendar = make_calendar(clinic, make_treatment(60))
    with pytest.raises(NotBookable):
        place_session(calendar, ny(1, 10), now=ny(0, 8))
    assert place_session(calendar, ny(2, 10), now=ny(0, 8)).start == ny(2, 10)


def test_a_time_with_the_only_chair_held_is_taken_not_unbookable():
    chairs = make_chairs([hold(ny(0, 11), 60)])
    calendar = make_calendar(weekday_clinic(), make_treatment(60, 15), chairs)
    with pytest.raises(SlotTaken) as taken:
        place_session(calendar, ny(0, 10), now=ny(0, 8))  # its buffer runs to 11:15
    assert taken.value.message == "no chair is free for the whole session"
    assert taken.value.conflict
    assert place_session(calendar, ny(0, 9, 45), now=ny(0, 8)).chair_id == 1  # hold ends at 11:00


def test_a_patient_who_already_has_a_session_that_local_day_cannot_book_another():
    calendar = make_calendar(weekday_clinic(), make_treatment(60), patient_sessions=[ny(0, 16)])
    with pytest.raises(SlotTaken) as taken:
        place_session(calendar, ny(0, 9), now=ny(0, 8))
    assert taken.value.message == "the patient already has a session that day"
    assert place_session(calendar, ny(1, 9), now=ny(0, 8)).start == ny(1, 9)


def test_in_sydney_the_patient_day_is_the_local_day_not_the_utc_day():
    clinic = make_clinic(SYDNEY, every_day([["07:00", "20:00"]]))
    booked = local(SYDNEY, 2026, 6, 9, 19)  # Tuesday 19:00 AEST, 09:00 UTC
    calendar = make_calendar(clinic, make_treatment(60), patient_sessions=[booked])
    wednesday_early = local(SYDNEY, 2026, 6, 10, 7)  # 21:00 UTC on Tuesday
    assert place_session(calendar, wednesday_early, now=utc(2026, 6, 1)).start == wednesday_early
    with pytest.raises(SlotTaken):
        place_session(calendar, local(SYDNEY, 2026, 6, 9, 7), now=utc(2026, 6, 1))


# --- course rules ------------------------------------------------------------------------------

@pytest.mark.parametrize("rules", [induction(2), induction(7), maintenance(0), maintenance(13)])
def test_a_course_with_too_few_or_too_many_sessions_breaks_the_rules(rules):
    starts = [ny(k, 10) for k in range(rules.sessions)]
    problem = course_rule_violation(rules, weekday_clinic(), starts)
    assert problem is not None and problem[0] == "sessions"
    calendar = make_calendar(weekday_clinic(), make_treatment())
    with pytest.raises(CourseRuleBroken) as broken:
        plan(calendar, rules, ny(0, 8))
    assert broken.value.field == "sessions"
    with pytest.raises(CourseRuleBroken) as broken:
        fit_starts(calendar, rules, starts, MONDAY, ny(0, 8))
    assert broken.value.field == "sessions"


def test_the_number_of_start_times_must_match_the_course():
    problem = course_rule_violation(induction(3), weekday_clinic(), [ny(0, 10), ny(1, 10)])
    assert problem == ("starts", "the course has 3 sessions but 2 start times were given")


@pytest.mark.parametrize("starts, problem", [
    ([ny(1, 10), ny(0, 10), ny(2, 10)],
     ("starts.1", "Session 2 (Mon 04 May 10:00) must start after session 1 (Tue 05 May 10:00)")),
    ([ny(0, 10), ny(2, 10), ny(2, 10)],
     ("starts.2", "Session 3 (Wed 06 May 10:00) must start after session 2 (Wed 06 May 10:00)")),
])
def test_start_times_must_be_in_order_and_the_session_out_of_order_is_named(starts, problem):
    assert course_rule_violation(induction(3, min_gap_hours=0), weekday_clinic(), starts) == problem


def test_at_most_one_session_a_day_even_when_they_are_far_enough_apart():
    rules = induction(3, min_gap_hours=1)
    assert course_rule_violation(rules, weekday_clinic(), [ny(0, 9), ny(0, 15), ny(1, 9)]) == (
        "starts.1", "Session 2 (Mon 04 May 15:00) is on the same day as session 1 (Mon 04 May 09:00): "
        "one session a day at most")
    assert course_rule_violation(rules, weekday_clinic(), [ny(0, 15), ny(1, 9), ny(2, 9)]) is None


def test_one_session_a_day_means_the_clinic_day_in_sydney():
    clinic = daily_clinic(SYDNEY)
    rules = induction(3, min_gap_hours=1)
    # 00:30 and 23:30 on the same Sydney day fall on different UTC dates...
    same_day = [local(SYDNEY, 2026, 6, 9, 0, 30), local(SYDNEY, 2026, 6, 9, 23, 30),
                local(SYDNEY, 2026, 6, 11, 9)]
    assert same_day[0].date() != same_day[1].date()
    assert course_rule_violation(rules, clinic, same_day)[0] == "starts.1"
    # ...and 23:30 then 09:00 next morning share a UTC date but not a clinic day.
    next_day = [local(SYDNEY, 2026, 6, 9, 23, 30), local(SYDNEY, 2026, 6, 10, 9),
                local(SYDNEY, 2026, 6, 11, 9)]
    assert next_day[0].date() == next_day[1].date()
    assert course_rule_violation(rules, clinic, next_day) is None


def test_induction_sessions_must_start_the_minimum_gap_apart_naming_both_sessions_and_the_gap():
    clinic = weekday_clinic()
    assert course_rule_violation(induction(3), clinic, [ny(0, 10), ny(1, 9, 45), ny(2, 10)]) == (
        "starts.1", "Session 2 (Tue 05 May 09:45) must start at least 24 h after session 1 (Mon 04 May 10:00)")
    assert course_rule_violation(induction(3), clinic, [ny(0, 10), ny(1, 10), ny(2, 10)]) is None
    assert course_rule_violation(induction(3, min_gap_hours=36), clinic,
                                 [ny(0, 10), ny(1, 10), ny(3, 10)]) == (
        "starts.1", "Session 2 (Tue 05 May 10:00) must start at least 36 h after session 1 (Mon 04 May 10:00)")


def test_ten_oclock_on_the_spring_forward_sunday_counts_as_24_hours_after_ten_on_saturday():
    # Only 23 real hours pass, but the gap is counted on the clinic's clock, as staff count it.
    clinic = daily_clinic()
    starts = [local(NEW_YORK, 2026, 3, 7, 10), local(NEW_YORK, 2026, 3, 8, 10),
              local(NEW_YORK, 2026, 3, 9, 10)]
    assert course_rule_violation(induction(3), clinic, starts) is None
    a_quarter_hour_early = [starts[0], local(NEW_YORK, 2026, 3, 8, 9, 45), starts[2]]
    assert course_rule_violation(induction(3), clinic, a_quarter_hour_early) == (
        "starts.1", "Session 2 (Sun 08 Mar 09:45) must start at least 24 h after session 1 (Sat 07 Mar 10:00)")


def test_all_induction_sessions_must_start_within_the_span_of_the_first():
    clinic = weekday_clinic()
    three_weeks = [ny(0, 10), ny(7, 10), ny(21, 10)]
    assert course_rule_violation(induction(3), clinic, three_weeks) is None
    a_quarter_hour_more = [ny(0, 10), ny(7, 10), ny(21, 10, 15)]
    assert course_rule_violation(induction(3), clinic, a_quarter_hour_more) == (
        "starts.2", "Session 3 (Mon 25 May 10:15) must start within 21 days of session 1 (Mon 04 May 10:00)")


def test_the_span_is_counted_on_the_clock_so_the_fall_back_hour_does_not_count_against_it():
    clinic = weekday_clinic()
    # Monday 10:00 EDT to Monday three weeks later 10:00 EST: 21 days and one real hour.
    starts = [ny(0, 10, week_of=date(2026, 10, 19)), ny(7, 10, week_of=date(2026, 10, 19)),
              ny(21, 10, week_of=date(2026, 10, 19))]
    assert course_rule_violation(induction(3), clinic, starts) is None
    later = starts[:2] + [ny(21, 10, minute=15, week_of=date(2026, 10, 19))]
    assert course_rule_violation(induction(3), clinic, later)[0] == "starts.2"
    spring = [ny(0, 10, week_of=date(2026, 2, 23)), ny(7, 10, week_of=date(2026, 2, 23)),
              ny(21, 9, minute=30, week_of=date(2026, 2, 23))]  # on the clock, 21 days less 30 min
    assert course_rule_violation(induction(3), clinic, spring) is None


def test_maintenance_sessions_fall_on_the_same_weekday_every_28_days_across_the_clock_change():
    clinic = weekday_clinic()
    starts = [local(NEW_YORK, 2026, 10, 15, 10), local(NEW_YORK, 2026, 11, 12, 10),
              local(NEW_YORK, 2026, 12, 10, 16)]  # any time of day is allowed
    assert (starts[1] - starts[0]) == timedelta(days=28, hours=1)
    assert course_rule_violation(maintenance(3), clinic, starts) is None
    off_by_a_day = starts[:2] + [local(NEW_YORK, 2026, 12, 11, 10)]
    assert course_rule_violation(maintenance(3), clinic, off_by_a_day) == (
        "starts.2", "Session 3 (Fri 11 Dec 10:00) must fall on Thu 10 Dec, 56 days after session 1 "
        "(Thu 15 Oct 10:00): maintenance every 28 days")
    assert course_rule_violation(maintenance(3, interval_days=14), clinic, starts) == (
        "starts.1", "Session 2 (Thu 12 Nov 10:00) must fall on Thu 29 Oct, 14 days after session 1 "
        "(Thu 15 Oct 10:00): maintenance every 14 days")


def test_the_maintenance_interval_counts_sydney_dates_not_utc_dates():
    clinic = daily_clinic(SYDNEY)
    starts = [local(SYDNEY, 2026, 9, 10, 23), local(SYDNEY, 2026, 10, 8, 8)]
    assert (starts[1].date() - starts[0].date()).days == 27
    assert course_rule_violation(maintenance(2), clinic, starts) is None


def test_a_single_maintenance_session_keeps_the_rules():
    assert course_rule_violation(maintenance(1), weekday_clinic(), [ny(0, 10)]) is None


# --- booking the start times asked for ---------------------------------------------------------

def test_the_start_times_asked_for_are_booked_each_on_the_first_free_chair():
    chairs = make_chairs([hold(ny(1, 10), 60)], [])
    calendar = make_calendar(weekday_clinic(), make_treatment(60), chairs)
    slots = fit_starts(calendar, induction(3), [ny(0, 10), ny(1, 10), ny(2, 10)], MONDAY, ny(0, 8))
    assert [(slot.start, slot.chair_id) for slot in slots] == [
        (ny(0, 10), 1), (ny(1, 10), 2), (ny(2, 10), 1)]


def test_start_times_that_break_the_rules_are_refused_as_a_whole():
    calendar = make_calendar(weekday_clinic(), make_treatment(60))
    with pytest.raises(CourseRuleBroken) as broken:
        fit_starts(calendar, induction(3), [ny(0, 10), ny(0, 14), ny(2, 10)], MONDAY, ny(0, 8))
    assert broken.value.field == "starts.1"  # the session at fault
    assert not broken.value.conflict


def test_a_first_session_before_the_course_start_date_is_refused():
    calendar = make_calendar(weekday_clinic(), make_treatment(60))
    with pytest.raises(CourseRuleBroken) as broken:
        fit_starts(calendar, induction(3), [ny(0, 10), ny(1, 10), ny(2, 10)],
                   MONDAY + timedelta(days=1), ny(0, 8))
    assert broken.value.field == "starts.0"
    assert broken.value.message == (
        "Session 1 (Mon 04 May 10:00) is before the first date asked for, Tue 05 May")


def test_the_start_time_that_is_taken_is_named_by_its_position():
    calendar = make_calendar(weekday_clinic(), make_treatment(60), make_chairs([hold(ny(1, 10), 60)]))
    with pytest.raises(SlotTaken) as taken:
        fit_starts(calendar, induction(3), [ny(0, 10), ny(1, 10), ny(2, 10)], MONDAY, ny(0, 8))
    assert taken.value.field == "starts.1"
    with pytest.raises(NotBookable) as unbookable:
        fit_starts(calendar, induction(3), [ny(0, 10), ny(1, 11), ny(2, 11, 5)], MONDAY, ny(0, 8))
    assert unbookable.value.field == "starts.2"


# --- planning an induction course --------------------------------------------------------------

def test_induction_starts_at_the_first_free_time_and_repeats_a_day_later():
    calendar = make_calendar(weekday_clinic(), make_treatment(60))
    slots = plan(calendar, induction(3), ny(0, 8))
    assert slots == [Slot(ny(k, 9), ny(k, 10), 1) for k in range(3)]


def test_induction_asked_for_mid_morning_starts_at_the_next_quarter_hour():
    calendar = make_calendar(weekday_clinic(), make_treatment(60))
    assert starts_of(plan(calendar, induction(3), ny(0, 10, 7))) == [ny(k, 10, 15) for k in range(3)]


def test_induction_skips_a_day_when_the_only_chair_is_booked_all_day():
    calendar = make_calendar(weekday_clinic(), make_treatment(60), make_chairs([whole_day(1)]))
    assert starts_of(plan(calendar, induction(3), ny(0, 8))) == [ny(0, 9), ny(2, 9), ny(3, 9)]


def test_induction_skips_a_day_the_patient_already_has_a_session():
    calendar = make_calendar(weekday_clinic(), make_treatment(60), patient_sessions=[ny(1, 16)])
    assert starts_of(plan(calendar, induction(3), ny(0, 8))) == [ny(0, 9), ny(2, 9), ny(3, 9)]


def test_induction_skips_the_weekend_when_the_clinic_is_closed():
    calendar = make_calendar(weekday_clinic(), make_treatment(60))
    assert starts_of(plan(calendar, induction(3), ny(3, 8))) == [ny(3, 9), ny(4, 9), ny(7, 9)]


def test_induction_skips_a_holiday():
    clinic = make_clinic(NEW_YORK, weekday_hours(), closed=[MONDAY + timedelta(days=1)])
    calendar = make_calendar(clinic, make_treatment(60))
    assert starts_of(plan(calendar, induction(3), ny(0, 8))) == [ny(0, 9), ny(2, 9), ny(3, 9)]


def test_induction_uses_a_second_chair_rather_than_wait():
    chairs = make_chairs([whole_day(1)], [])
    calendar = make_calendar(weekday_clinic(), make_treatment(60), chairs)
    assert [(s.start, s.chair_id) for s in plan(calendar, induction(3), ny(0, 8))] == [
        (ny(0, 9), 1), (ny(1, 9), 2), (ny(2, 9), 1)]


def test_induction_starts_later_on_the_first_day_so_the_last_session_lands_within_the_span():
    # Tuesday is free only from 15:00: Monday 09:00 -> Tuesday 15:00 -> Wednesday 15:00 is 54
    # hours, over a 48-hour span, so the course moves to 15:00 on all three days.
    chairs = make_chairs([(ny(1, 9), ny(1, 15))])
    calendar = make_calendar(weekday_clinic(), make_treatment(60), chairs)
    assert starts_of(plan(calendar, induction(3, max_span_days=2), ny(0, 8))) == [
        ny(0, 15), ny(1, 15), ny(2, 15)]


def test_induction_moves_to_a_later_day_when_a_full_day_breaks_the_span():
    calendar = make_calendar(daily_clinic(), make_treatment(60), make_chairs([whole_day(2)]))
    assert starts_of(plan(calendar, induction(3, max_span_days=2), ny(0, 8))) == [
        ny(3, 9), ny(4, 9), ny(5, 9)]


def test_the_session_after_spring_forward_keeps_its_time_on_the_clock():
    calendar = make_calendar(daily_clinic(), make_treatment(60))
    slots = plan(calendar, induction(3), local(NEW_YORK, 2026, 3, 7, 10))
    assert [wall(NEW_YORK, s.start) for s in slots] == [
        "2026-03-07 10:00 EST", "2026-03-08 10:00 EDT", "2026-03-09 10:00 EDT"]


def test_the_session_after_fall_back_keeps_its_time_on_the_clock():
    calendar = make_calendar(daily_clinic(), make_treatment(60))
    slots = plan(calendar, induction(3), local(NEW_YORK, 2026, 10, 31, 10))
    assert [wall(NEW_YORK, s.start) for s in slots] == [
        "2026-10-31 10:00 EDT", "2026-11-01 10:00 EST", "2026-11-02 10:00 EST"]


def test_induction_never_books_twice_on_the_25_hour_fall_back_day():
    # Midnight EDT plus 24 hours is 23:00 EST the same day: the next session waits for Monday.
    around_the_clock = make_clinic(NEW_YORK, every_day([["00:00", "23:45"]]), step=60)
    calendar = make_calendar(around_the_clock, make_treatment(30))
    slots = plan(calendar, induction(3), local(NEW_YORK, 2026, 11, 1, 0))
    assert [wall(NEW_YORK, s.start) for s in slots] == [
        "2026-11-01 00:00 EDT", "2026-11-02 00:00 EST", "2026-11-03 00:00 EST"]


def test_no_induction_fits_when_the_chair_is_booked_for_the_whole_horizon():
    chairs = make_chairs([(ny(0, 0), ny(40, 0))])
    with pytest.raises(NoScheduleFits) as none:
        plan(make_calendar(weekday_clinic(), make_treatment(60), chairs), induction(3), ny(0, 8))
    assert none.value.field == "start_on" and none.value.conflict


def test_no_induction_fits_when_only_a_first_session_could_be_booked():
    chairs = make_chairs([(ny(1, 0), ny(60, 0))])  # free on Monday only
    calendar = make_calendar(weekday_clinic(), make_treatment(60), chairs)
    with pytest.raises(NoScheduleFits):
        plan(calendar, induction(3), ny(0, 8))


def test_no_induction_fits_when_the_search_ends_before_the_clinic_opens():
    calendar = make_calendar(weekday_clinic(), make_treatment(60))
    with pytest.raises(NoScheduleFits):
        plan_course(calendar, induction(3), ny(0, 8), ny(0, 8, 59))
    assert plan_course(calendar, induction(3), ny(0, 8), ny(0, 9))[0].start == ny(0, 9)


# --- planning a maintenance course -------------------------------------------------------------

def test_maintenance_keeps_the_same_local_time_across_the_fall_back_change():
    calendar = make_calendar(daily_clinic(), make_treatment(60))
    slots = plan(calendar, maintenance(3), local(NEW_YORK, 2026, 10, 15, 10))
    assert [wall(NEW_YORK, s.start) for s in slots] == [
        "2026-10-15 10:00 EDT", "2026-11-12 10:00 EST", "2026-12-10 10:00 EST"]
    assert slots[1].start - slots[0].start == timedelta(days=28, hours=1)


def test_maintenance_keeps_the_same_local_time_when_sydney_starts_daylight_saving():
    calendar = make_calendar(daily_clinic(SYDNEY), make_treatment(60))
    slots = plan(calendar, maintenance(2), local(SYDNEY, 2026, 9, 17, 10))
    assert [wall(SYDNEY, s.start) for s in slots] == ["2026-09-17 10:00 AEST", "2026-10-15 10:00 AEDT"]


def test_maintenance_takes_a_later_time_that_day_when_the_usual_time_is_booked():
    target = date(2026, 5, 4) + timedelta(days=28)
    chairs = make_chairs([(ny(0, 10, week_of=target), ny(0, 12, week_of=target))])
    calendar = make_calendar(daily_clinic(), make_treatment(60), chairs)
    assert starts_of(plan(calendar, maintenance(2), ny(0, 10))) == [ny(0, 10), ny(0, 12, week_of=target)]


def test_maintenance_takes_an_earlier_time_that_day_when_the_rest_of_it_is_booked():
    target = date(2026, 5, 4) + timedelta(days=28)
    chairs = make_chairs([(ny(0, 10, week_of=target), ny(0, 23, week_of=target))])
    calendar = make_calendar(daily_clinic(), make_treatment(60), chairs)
    assert starts_of(plan(calendar, maintenance(2), ny(0, 14))) == [ny(0, 14), ny(0, 9, week_of=target)]


def test_maintenance_starts_a_day_later_when_a_target_day_is_full():
    target = date(2026, 5, 4) + timedelta(days=56)
    chairs = make_chairs([whole_day(0, week_of=target)])
    calendar = make_calendar(daily_clinic(), make_treatment(60), chairs)
    assert starts_of(plan(calendar, maintenance(3), ny(0, 11))) == [
        ny(1, 9), ny(29, 9), ny(57, 9)]


def test_maintenance_starts_a_day_later_when_the_patient_is_busy_on_a_target_day():
    calendar = make_calendar(daily_clinic(), make_treatment(60), patient_sessions=[ny(28, 13)])
    assert starts_of(plan(calendar, maintenance(2), ny(0, 11))) == [ny(1, 9), ny(29, 9)]


def test_maintenance_every_30_days_avoids_first_days_whose_targets_fall_on_a_weekend():
    # Thursday + 30 is a Saturday and Friday + 30 a Sunday; the weekend is closed; Monday works.
    calendar = make_calendar(weekday_clinic(), make_treatment(60))
    slots = plan(calendar, maintenance(2, interval_days=30), ny(3, 8))
    assert starts_of(slots) == [ny(7, 9), ny(37, 9)]


def test_maintenance_starts_a_day_later_when_a_target_day_is_a_holiday():
    clinic = make_clinic(NEW_YORK, every_day(), closed=[MONDAY + timedelta(days=28)])
    calendar = make_calendar(clinic, make_treatment(60))
    assert starts_of(plan(calendar, maintenance(2), ny(0, 11))) == [ny(1, 9), ny(29, 9)]


def test_a_single_maintenance_session_is_the_earliest_free_slot():
    calendar = make_calendar(weekday_clinic(), make_treatment(60), make_chairs([(ny(0, 9), ny(0, 13))]))
    assert plan(calendar, maintenance(1), ny(0, 8)) == [Slot(ny(0, 13), ny(0, 14), 1)]


def test_no_maintenance_fits_when_every_candidate_first_day_has_a_full_target_day():
    chairs = make_chairs([(ny(28, 0), ny(60, 0))])
    calendar = make_calendar(daily_clinic(), make_treatment(60), chairs)
    with pytest.raises(NoScheduleFits):
        plan(calendar, maintenance(2), ny(0, 8), days=14)


def test_every_scheduling_error_carries_a_message_and_a_field():
    errors = [NotBookable("x"), CourseRuleBroken("x", "starts"), SlotTaken("x"), NoScheduleFits("x")]
    for error in errors:
        assert isinstance(error, SchedulingError) and error.message == "x" and error.field
    assert [error.conflict for error in errors] == [False, False, True, True]


# --- properties --------------------------------------------------------------------------------

def _plan_or_none(world, rules, not_before, search_until):
    try:
        return plan_course(world.calendar(), rules, not_before, search_until)
    except NoScheduleFits:
        return None
    except CourseRuleBroken as impossible:  # the gaps alone overrun the span: refused up front
        assert impossible.field == "max_span_days"
        assert (rules.sessions - 1) * rules.min_gap > rules.max_span
        return None


def _check_planned_course(world, rules, not_before, search_until, slots):
    """What must hold of any planned course, checked against the raw data."""
    assert_slots_are_bookable(world, slots, not_before)
    assert slots[0].start <= search_until
    assert course_rule_violation(rules, world.clinic(), starts_of(slots)) is None
    assert not brute_rule_violation(world, rules, starts_of(slots))
    # Round trip: booking exactly the proposed starts is accepted, on the same chairs, even at the
    # very moment the first session starts.
    booked = fit_starts(world.calendar(), rules, starts_of(slots), world.local_date(not_before),
                        now=slots[0].start)
    assert booked == slots


@settings(max_examples=examples(200), deadline=None)
@given(data=worlds(), rules=induction_rules(), search_hours=st.integers(0, 10 * 24))
def test_planned_induction_course_keeps_the_rules_and_is_the_earliest_that_does(
        data, rules, search_hours):
    world, not_before = data
    search_until = not_before + timedelta(hours=search_hours)
    slots = _plan_or_none(world, rules, not_before, search_until)
    expected = brute_induction(world, rules, not_before, search_until)
    assert (None if slots is None else [(s.start, s.chair_id) for s in slots]) == expected
    if slots is not None:
        _check_planned_course(world, rules, not_before, search_until, slots)


@settings(max_examples=examples(200), deadline=None)
@given(data=worlds(), rules=maintenance_rules, search_hours=st.integers(0, 10 * 24))
def test_planned_maintenance_course_keeps_the_rules_and_the_time_of_day_where_it_can(
        data, rules, search_hours):
    world, not_before = data
    search_until = not_before + timedelta(hours=search_hours)
    slots = _plan_or_none(world, rules, not_before, search_until)
    expected = brute_maintenance(world, rules, not_before, search_until)
    assert (None if slots is None else [(s.start, s.chair_id) for s in slots]) == expected
    if slots is not None:
        _check_planned_course(world, rules, not_before, search_until, slots)


@settings(max_examples=examples(100), deadline=None)
@given(data=worlds(), rules=st.one_of(induction_rules(), maintenance_rules),
       search_hours=st.integers(0, 10 * 24))
def test_planned_course_never_overlaps_a_booking_on_its_chair(data, rules, search_hours):
    # The plain statement, without the reference planners: every session is a free slot (inside
    # one window, on the grid, its hold clear of the chair's bookings, not on a busy day), no two
    # sessions of the course hold one chair at once, and nothing is free before the first one.
    world, not_before = data
    search_until = not_before + timedelta(hours=search_hours)
    slots = _plan_or_none(world, rules, not_before, search_until)
    if slots is None:
        return
    assert_slots_are_bookable(world, slots, not_before)
    buffer = timedelta(minutes=world.buffer)
    for a, b in itertools.combinations(slots, 2):
        if a.chair_id == b.chair_id:
            assert not overlaps((a.start, a.end + buffer), (b.start, b.end + buffer))
    first_free = brute_free_slots(world, not_before, search_until + timedelta(seconds=1))
    assert first_free and slots[0].start >= first_free[0][0]


any_rules = st.one_of(
    induction_rules(), maintenance_rules,
    st.builds(CourseRules, st.sampled_from(["induction", "maintenance"]), st.integers(0, 13)))


@settings(max_examples=examples(300), deadline=None)
@given(data=worlds(),
       rules_and_starts=any_rules.flatmap(lambda r: st.tuples(st.just(r), start_times(r))))
def test_course_rule_violation_agrees_with_checking_each_rule_by_hand(data, rules_and_starts):
    world, _ = data
    rules, starts = rules_and_starts
    problem = course_rule_violation(rules, world.clinic(), starts)
    assert (problem is not None) == brute_rule_violation(world, rules, starts)


# --- moving one session of an induction ----------------------------------------------------------

def test_a_moved_session_too_close_to_another_names_that_one():
    clinic = weekday_clinic()
    others = [ny(0, 9), ny(3, 9)]  # Monday and Thursday
    gap = timedelta(hours=24)
    assert too_close_to(clinic, ny(1, 8, 45), others, gap) == ny(0, 9)  # 23 h 45 after Monday's
    assert too_close_to(clinic, ny(2, 9, 15), others, gap) == ny(3, 9)  # 23 h 45 before Thursday's
    assert too_close_to(clinic, ny(1, 9), others, gap) is None  # exactly the gap
    assert too_close_to(clinic, ny(1, 9), [], gap) is None


def test_the_gap_of_a_moved_session_is_counted_on_the_clinics_clock_across_dst():
    clinic = daily_clinic()
    saturday = local(NEW_YORK, 2026, 3, 7, 10)
    sunday = local(NEW_YORK, 2026, 3, 8, 10)  # the clocks went forward overnight: 23 real hours
    assert sunday - saturday == timedelta(hours=23)
    assert too_close_to(clinic, sunday, [saturday], timedelta(hours=24)) is None
    assert too_close_to(clinic, sunday - timedelta(minutes=15), [saturday], timedelta(hours=24)) == saturday


def test_a_maintenance_time_of_day_lost_to_the_spring_forward_gap_moves_to_the_jump():
    # Found by the maintenance property: open 00:00-03:00 in London, first session at 01:10 on
    # the Saturday; on Sunday 29 March 2026 the clocks jump from 01:00 to 02:00, so 01:10 never
    # happens. The next session takes the first real time after it, 02:00 BST, as the clinic's
    # hours read a time in the gap (and as the oracle now does).
    clinic = make_clinic("Europe/London", every_day([["00:00", "03:00"]]), step=10)
    calendar = make_calendar(clinic, make_treatment(30))
    saturday = local("Europe/London", 2026, 3, 28, 1, 10)
    slots = plan(calendar, maintenance(2, interval_days=1), saturday, days=0)
    assert starts_of(slots) == [saturday, utc(2026, 3, 29, 1, 0)]
    expected = brute_maintenance(World("Europe/London", every_day([["00:00", "03:00"]]), 10, 30, 0,
                                       ((),), frozenset(), ()), maintenance(2, interval_days=1),
                                 saturday, saturday)
    assert expected == [(start, 1) for start in starts_of(slots)]
