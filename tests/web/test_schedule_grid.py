"""The schedule grid's arithmetic: spans by the clinic's wall clock, DST days whole."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from scheduler.web.schedule_grid import DAY, WEEK, cells, hour_rows, span_of, step, working_hours

NEW_YORK = ZoneInfo("America/New_York")


@dataclass
class Session:
    chair_id: int
    start_at: datetime


def test_a_day_runs_from_local_midnight_to_local_midnight():
    span = span_of(date(2026, 6, 2), DAY, NEW_YORK)
    assert span.start == datetime(2026, 6, 2, 4, tzinfo=timezone.utc)
    assert span.end - span.start == timedelta(hours=24)
    assert span.days == [date(2026, 6, 2)]


def test_the_day_the_clocks_go_forward_has_23_hours_and_the_day_they_go_back_25():
    spring = span_of(date(2026, 3, 8), DAY, NEW_YORK)
    autumn = span_of(date(2026, 11, 1), DAY, NEW_YORK)
    assert spring.end - spring.start == timedelta(hours=23)
    assert autumn.end - autumn.start == timedelta(hours=25)


def test_a_week_is_monday_to_sunday_around_the_day_asked():
    span = span_of(date(2026, 6, 4), WEEK, NEW_YORK)  # a Thursday
    assert span.first == date(2026, 6, 1) and span.last == date(2026, 6, 7)
    assert len(span.days) == 7


def test_previous_and_next_move_by_the_view():
    assert step(date(2026, 6, 4), DAY, forward=True) == date(2026, 6, 5)
    assert step(date(2026, 6, 4), WEEK, forward=False) == date(2026, 5, 28)


def test_sessions_fall_in_the_cell_of_their_local_hour_or_day_and_chair():
    early = Session(1, datetime(2026, 6, 2, 13, 0, tzinfo=timezone.utc))   # 09:00 in New York
    late = Session(2, datetime(2026, 6, 3, 3, 30, tzinfo=timezone.utc))    # 23:30 on the 2nd
    by_hour = cells([early, late], NEW_YORK, DAY)
    assert by_hour == {(9, 1): [early], (23, 2): [late]}
    by_day = cells([early, late], NEW_YORK, WEEK)
    assert by_day == {(date(2026, 6, 2), 1): [early], (date(2026, 6, 2), 2): [late]}


def test_the_day_grid_stretches_to_a_session_outside_working_hours():
    late = Session(1, datetime(2026, 6, 2, 23, 0, tzinfo=timezone.utc))  # 19:00 local
    assert hour_rows([], NEW_YORK, 9, 17) == list(range(9, 17))
    assert hour_rows([late], NEW_YORK, 9, 17) == list(range(9, 20))


def test_working_hours_span_the_whole_week():
    hours = {"mon": [["09:00", "17:00"]], "sat": [["08:30", "12:00"]], "thu": [["10:00", "19:15"]]}
    assert working_hours(hours) == (8, 20)
    assert working_hours({}) == (8, 18)
