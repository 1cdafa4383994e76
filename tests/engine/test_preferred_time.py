"""A patient's preferred time of day: sessions move to it on their own day where a chair is free
then, and never so as to break the course's rules."""
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from builders import induction, local, maintenance, make_clinic, starts_of, weekday_hours
from scheduler.engine.courses import course_rule_violation
from scheduler.engine.preferred_time import honour_preferred_time
from scheduler.engine.slots import Slot
from tests.properties import examples

NEW_YORK = "America/New_York"
ZONE = ZoneInfo(NEW_YORK)
CLINIC = make_clinic(NEW_YORK, weekday_hours())
MONDAY = date(2026, 5, 4)
TWO_HOURS = timedelta(hours=2)


def at(day_offset, hour, minute=0, week_of=MONDAY, chair=1):
    day = week_of + timedelta(days=day_offset)
    start = local(NEW_YORK, day.year, day.month, day.day, hour, minute)
    return Slot(start, start + TWO_HOURS, chair)


def keeps(rules):
    return lambda starts: course_rule_violation(rules, CLINIC, starts) is None


def test_every_session_moves_to_the_afternoon_when_chairs_are_free_then():
    planned = [at(0, 9), at(1, 9), at(2, 9)]
    free = [at(d, h) for d in range(3) for h in (9, 11, 14)]
    chosen = honour_preferred_time(planned, free, time(14), ZONE, keeps(induction(3)))
    # Session 1 alone at 14:00 would be 19 hours before session 2: it moves once that one has.
    assert chosen == [at(0, 14), at(1, 14), at(2, 14)]


def test_a_session_whose_preferred_time_is_taken_stays_and_its_neighbour_keeps_the_gap():
    planned = [at(0, 9), at(1, 9), at(2, 9)]
    free = [at(0, 14), at(2, 14)]  # Tuesday 14:00 is taken
    chosen = honour_preferred_time(planned, free, time(14), ZONE, keeps(induction(3)))
    # Monday 14:00 would leave 19 hours to Tuesday 09:00, under the course's 24.
    assert chosen == [at(0, 9), at(1, 9), at(2, 14)]


def test_a_morning_preference_moves_sessions_earlier():
    planned = [at(0, 13), at(1, 13), at(2, 13)]
    free = [at(d, 9, chair=2) for d in range(3)]
    chosen = honour_preferred_time(planned, free, time(9), ZONE, keeps(induction(3)))
    assert chosen == [at(0, 9, chair=2), at(1, 9, chair=2), at(2, 9, chair=2)]


def test_no_session_moves_to_another_day():
    planned = [at(0, 9), at(28, 9)]
    free = [at(1, 14), at(27, 14)]
    assert honour_preferred_time(planned, free, time(14), ZONE, keeps(maintenance(2))) == planned


def test_the_time_is_read_on_the_clinic_clock_across_the_spring_change():
    # 2026-03-08: New York moves from EST to EDT; 14:00 is 19:00 UTC before and 18:00 after.
    week = date(2026, 3, 6)  # Friday, then Monday 9 March
    planned = [at(d, 9, week_of=week) for d in (0, 3, 4)]
    free = [at(d, 14, week_of=week) for d in (0, 3, 4)]
    chosen = honour_preferred_time(planned, free, time(14), ZONE, keeps(induction(3)))
    assert chosen == free
    assert {s.start.astimezone(ZONE).time() for s in chosen} == {time(14)}
    assert chosen[0].start.hour != chosen[1].start.hour  # 19:00 UTC, then 18:00 UTC


HOURS = [9, 10, 11, 13, 14, 15]


@settings(max_examples=examples(300), deadline=None)
@given(days=st.lists(st.integers(0, 20), min_size=3, max_size=6, unique=True),
       preferred=st.sampled_from(HOURS), data=st.data())
def test_moved_sessions_keep_their_day_and_the_course_rules(days, preferred, data):
    days = sorted(days)
    planned = [at(d, data.draw(st.sampled_from(HOURS))) for d in days]
    # The preferred time is free on some of the planned days, and other times on any day.
    free = [at(d, preferred, chair=2) for d in days if data.draw(st.booleans())]
    free += [at(d, h, chair=2) for d, h in data.draw(
        st.sets(st.tuples(st.integers(0, 20), st.sampled_from(HOURS)), max_size=10))]
    rules = induction(len(planned), min_gap_hours=20, max_span_days=21)
    chosen = honour_preferred_time(planned, free, time(preferred), ZONE, keeps(rules))
    assert [CLINIC.hours.local_date(s) for s in starts_of(chosen)] == [
        CLINIC.hours.local_date(s) for s in starts_of(planned)]
    for before, after in zip(planned, chosen):
        assert after == before or (after in free and after.start.astimezone(ZONE).hour == preferred)
    if keeps(rules)(starts_of(planned)):
        assert keeps(rules)(starts_of(chosen))
