"""The schedule grid's arithmetic: spans by the clinic's wall clock, DST days whole."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from scheduler.web.schedule_grid import (CLOSED, CONTINUES, DAY, FREE, SESSION, TURNOVER, WEEK, cells, day_pieces,
                                         hour_rows, overlapping, row_starts, span_of, step, working_hours)

NEW_YORK = ZoneInfo("America/New_York")


@dataclass(frozen=True)
class Session:
    """A session as the grid sees it: 120 minutes and 15 of turnover unless said otherwise."""

    chair_id: int
    start_at: datetime
    minutes: int = 120
    turnover: int = 15

    @property
    def end_at(self) -> datetime:
        return self.start_at + timedelta(minutes=self.minutes)

    @property
    def held_until(self) -> datetime:
        return self.end_at + timedelta(minutes=self.turnover)


@dataclass(frozen=True)
class Open:
    start: datetime
    end: datetime


def at(clock_time: str, day: str = "2026-06-02") -> datetime:
    """A New York wall-clock time on the test day, in UTC as the database keeps it."""
    return datetime.fromisoformat(f"{day}T{clock_time}").replace(tzinfo=NEW_YORK).astimezone(timezone.utc)


DAY_ROWS = row_starts(date(2026, 6, 2), range(8, 18), NEW_YORK)
NINE_TO_FIVE = [Open(at("09:00"), at("17:00"))]


def drawn(pieces) -> list[tuple[str, str, str]]:
    """Pieces as a person reads them: (kind, from, to) in New York time."""
    return [(p.kind, f"{p.start.astimezone(NEW_YORK):%H:%M}", f"{p.end.astimezone(NEW_YORK):%H:%M}")
            for p in pieces]


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
    late = Session(1, datetime(2026, 6, 2, 23, 0, tzinfo=timezone.utc), minutes=30, turnover=0)  # 19:00 local
    assert hour_rows([], NEW_YORK, 9, 17) == list(range(9, 17))
    assert hour_rows([late], NEW_YORK, 9, 17) == list(range(9, 20))


def test_working_hours_span_the_whole_week():
    hours = {"mon": [["09:00", "17:00"]], "sat": [["08:30", "12:00"]], "thu": [["10:00", "19:15"]]}
    assert working_hours(hours) == (8, 20)
    assert working_hours({}) == (8, 18)


def test_a_two_hour_session_holds_every_hour_it_runs_and_its_turnover_after():
    session = Session(1, at("10:00"))
    grid = day_pieces([session], [1], DAY_ROWS, NINE_TO_FIVE, {})
    assert drawn(grid[(10, 1)]) == [(SESSION, "10:00", "11:00")]
    assert drawn(grid[(11, 1)]) == [(CONTINUES, "11:00", "12:00")]
    assert drawn(grid[(12, 1)]) == [(TURNOVER, "12:00", "12:15"), (FREE, "12:15", "13:00")]
    assert grid[(11, 1)][0].session == session and grid[(10, 1)][0].quarters == 4


def test_a_session_starting_at_half_past_starts_halfway_down_its_hour():
    grid = day_pieces([Session(2, at("10:30"))], [2], DAY_ROWS, NINE_TO_FIVE, {})
    assert drawn(grid[(10, 2)]) == [(FREE, "10:00", "10:30"), (SESSION, "10:30", "11:00")]
    assert drawn(grid[(12, 2)]) == [(CONTINUES, "12:00", "12:30"), (TURNOVER, "12:30", "12:45"),
                                    (FREE, "12:45", "13:00")]
    assert [p.quarters for p in grid[(12, 2)]] == [2, 1, 1]


def test_hours_the_clinic_is_closed_are_not_free():
    grid = day_pieces([], [1], DAY_ROWS, [Open(at("08:30"), at("12:00"))], {})
    assert drawn(grid[(8, 1)]) == [(CLOSED, "08:00", "08:30"), (FREE, "08:30", "09:00")]
    assert drawn(grid[(12, 1)]) == [(CLOSED, "12:00", "13:00")]


def test_a_free_time_offers_the_first_bookable_start_in_it_in_its_own_chair():
    bookable = {1: [at("12:15"), at("12:30")], 2: [at("12:00")]}
    grid = day_pieces([Session(1, at("10:00"))], [1, 2], DAY_ROWS, NINE_TO_FIVE, bookable)
    assert [p.book_at for p in grid[(12, 1)]] == [None, at("12:15")]
    assert [p.book_at for p in grid[(12, 2)]] == [at("12:00")]
    assert [p.book_at for p in grid[(13, 1)]] == [None]  # nothing bookable in that hour


def test_a_session_starting_while_another_holds_its_chair_is_kept_off_the_timeline():
    first, second = Session(1, at("10:00")), Session(1, at("11:00"))
    assert overlapping([second, first]) == [second]
    grid = day_pieces([first, second], [1], DAY_ROWS, NINE_TO_FIVE, {})
    assert drawn(grid[(11, 1)]) == [(CONTINUES, "11:00", "12:00")]


def test_the_day_grid_stretches_to_a_turnover_running_past_closing():
    late = Session(1, at("16:00"), minutes=120, turnover=30)  # held until 18:30
    assert hour_rows([late], NEW_YORK, 9, 17) == list(range(9, 19))
