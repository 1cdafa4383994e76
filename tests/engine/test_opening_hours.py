"""Opening hours: the clinic's weekly wall-clock schedule turned into real UTC instants."""
from datetime import date, time, timedelta

import pytest

from builders import NINE_TO_FIVE, every_day, hours_between, local, utc, wall, weekday_hours
from scheduler.engine.hours import OpeningHours, Window, parse_clock

NEW_YORK = "America/New_York"
SYDNEY = "Australia/Sydney"


def opening(tz, hours, closed_dates=()):
    return OpeningHours.from_settings(tz, hours, closed_dates)


def windows_on(hours: OpeningHours, tz: str, day: date) -> list[Window]:
    """The windows of one local day, asked for over exactly that day."""
    start = local(tz, day.year, day.month, day.day)
    return list(hours.windows(start, start + timedelta(hours=23)))


# --- reading the settings ----------------------------------------------------------------------

def test_clock_times_are_read_as_hours_and_minutes():
    assert parse_clock("09:30") == time(9, 30)
    assert parse_clock("00:00") == time(0, 0)
    assert parse_clock("23:45") == time(23, 45)


@pytest.mark.parametrize("text", ["9:30", "09:3", "0930", "ab:cd", "09:30:00", "", "25:00", "12:60"])
def test_a_clock_time_that_is_not_hh_mm_is_refused(text):
    with pytest.raises(ValueError):
        parse_clock(text)


def test_days_missing_from_the_settings_are_closed_and_spans_are_sorted():
    hours = opening("UTC", {"tue": [["13:00", "17:00"], ["09:00", "12:00"]]})
    assert hours.weekly[0] == ()
    assert hours.weekly[1] == ((time(9), time(12)), (time(13), time(17)))
    assert all(day == () for day in hours.weekly[2:])


# --- ordinary days -----------------------------------------------------------------------------

def test_a_winter_weekday_in_new_york_opens_at_nine_eastern_standard_time():
    hours = opening(NEW_YORK, weekday_hours())
    [window] = windows_on(hours, NEW_YORK, date(2026, 3, 4))
    assert window == Window(utc(2026, 3, 4, 14), utc(2026, 3, 4, 22))


def test_a_summer_weekday_in_new_york_opens_at_nine_eastern_daylight_time():
    hours = opening(NEW_YORK, weekday_hours())
    [window] = windows_on(hours, NEW_YORK, date(2026, 7, 8))
    assert window == Window(utc(2026, 7, 8, 13), utc(2026, 7, 8, 21))


def test_a_sydney_monday_morning_is_still_sunday_in_utc():
    hours = opening(SYDNEY, weekday_hours())
    [window] = windows_on(hours, SYDNEY, date(2026, 6, 8))  # Monday, AEST (+10)
    assert window == Window(utc(2026, 6, 7, 23), utc(2026, 6, 8, 7))


def test_a_closed_day_has_no_windows():
    hours = opening(NEW_YORK, weekday_hours())
    assert windows_on(hours, NEW_YORK, date(2026, 3, 7)) == []  # Saturday


def test_a_holiday_has_no_windows_though_its_weekday_is_open():
    hours = opening(NEW_YORK, weekday_hours(), ["2026-07-03"])
    assert hours.closed == {date(2026, 7, 3)}
    assert windows_on(hours, NEW_YORK, date(2026, 7, 3)) == []  # Friday
    assert len(windows_on(hours, NEW_YORK, date(2026, 7, 2))) == 1
    assert len(windows_on(hours, NEW_YORK, date(2026, 7, 6))) == 1


def test_a_holiday_is_a_clinic_local_date():
    # Sydney's Monday 2026-06-08 opens at 23:00 UTC on Sunday the 7th.
    hours = opening(SYDNEY, weekday_hours(), ["2026-06-08"])
    found = list(hours.windows(utc(2026, 6, 7), utc(2026, 6, 10)))
    assert found == [Window(utc(2026, 6, 8, 23), utc(2026, 6, 9, 7)),
                     Window(utc(2026, 6, 9, 23), utc(2026, 6, 10, 7))]


def test_a_holiday_that_is_not_a_date_is_refused():
    with pytest.raises(ValueError):
        opening(NEW_YORK, weekday_hours(), ["2026-02-30"])


def test_split_hours_give_two_windows_with_the_lunch_break_between():
    hours = opening(NEW_YORK, weekday_hours([["09:00", "12:00"], ["13:00", "17:00"]]))
    assert windows_on(hours, NEW_YORK, date(2026, 3, 4)) == [
        Window(utc(2026, 3, 4, 14), utc(2026, 3, 4, 17)),
        Window(utc(2026, 3, 4, 18), utc(2026, 3, 4, 22)),
    ]


def test_windows_are_those_overlapping_the_range_in_order_and_not_clipped_to_it():
    hours = opening("UTC", every_day([["09:00", "12:00"], ["13:00", "17:00"]]))
    found = list(hours.windows(utc(2026, 5, 4, 11), utc(2026, 5, 5, 10)))
    assert found == [
        Window(utc(2026, 5, 4, 9), utc(2026, 5, 4, 12)),
        Window(utc(2026, 5, 4, 13), utc(2026, 5, 4, 17)),
        Window(utc(2026, 5, 5, 9), utc(2026, 5, 5, 12)),
    ]


def test_an_evening_window_already_open_when_the_search_starts_is_included():
    # 22:00 in New York is 02:00 UTC the next day: the window belongs to the earlier local day.
    hours = opening(NEW_YORK, every_day([["18:00", "23:45"]]))
    search_start = local(NEW_YORK, 2026, 5, 4, 22)
    assert search_start.date() == date(2026, 5, 5)
    found = list(hours.windows(search_start, search_start + timedelta(hours=1)))
    assert found == [Window(local(NEW_YORK, 2026, 5, 4, 18), local(NEW_YORK, 2026, 5, 4, 23, 45))]


def test_a_window_that_only_touches_the_range_is_not_included():
    hours = opening("UTC", every_day())
    assert list(hours.windows(utc(2026, 5, 4, 17), utc(2026, 5, 5, 9))) == []


# --- New York: spring forward (2026-03-08) and fall back (2026-11-01) ---------------------------

@pytest.mark.parametrize("day, length", [
    (date(2026, 3, 7), 24), (date(2026, 3, 8), 23), (date(2026, 3, 9), 24),
    (date(2026, 10, 31), 24), (date(2026, 11, 1), 25), (date(2026, 11, 2), 24),
])
def test_a_new_york_day_lasts_23_hours_in_spring_and_25_in_autumn(day, length):
    bounds = opening(NEW_YORK, {}).day_bounds(day)
    assert hours_between(bounds.start, bounds.end) == length


def test_the_early_window_on_the_spring_forward_day_is_one_real_hour_short():
    hours = opening(NEW_YORK, weekday_hours(sun=[["00:00", "06:00"]]))
    [window] = windows_on(hours, NEW_YORK, date(2026, 3, 8))
    assert window == Window(utc(2026, 3, 8, 5), utc(2026, 3, 8, 10))  # 00:00 EST to 06:00 EDT
    assert hours_between(window.start, window.end) == 5


def test_the_early_window_on_the_fall_back_day_is_one_real_hour_long():
    hours = opening(NEW_YORK, weekday_hours(sun=[["00:00", "06:00"]]))
    [window] = windows_on(hours, NEW_YORK, date(2026, 11, 1))
    assert window == Window(utc(2026, 11, 1, 4), utc(2026, 11, 1, 11))  # 00:00 EDT to 06:00 EST
    assert hours_between(window.start, window.end) == 7


@pytest.mark.parametrize("day, opens_utc", [
    (date(2026, 3, 8), utc(2026, 3, 8, 13)),  # EDT already
    (date(2026, 11, 1), utc(2026, 11, 1, 14)),  # EST already
])
def test_nine_to_five_on_a_transition_sunday_is_still_eight_hours(day, opens_utc):
    hours = opening(NEW_YORK, every_day())
    [window] = windows_on(hours, NEW_YORK, day)
    assert window.start == opens_utc
    assert hours_between(window.start, window.end) == 8


def test_a_window_opening_in_the_spring_forward_gap_opens_when_the_clocks_jump():
    # 02:30 does not exist on 2026-03-08: the clinic opens at the first real time after it.
    hours = opening(NEW_YORK, weekday_hours(sun=[["02:30", "06:00"]]))
    [window] = windows_on(hours, NEW_YORK, date(2026, 3, 8))
    assert wall(NEW_YORK, window.start) == "2026-03-08 03:00 EDT"
    assert hours_between(window.start, window.end) == 3


def test_an_ambiguous_opening_time_on_the_fall_back_day_means_its_first_occurrence():
    hours = opening(NEW_YORK, weekday_hours(sun=[["01:30", "06:00"]]))
    [window] = windows_on(hours, NEW_YORK, date(2026, 11, 1))
    assert wall(NEW_YORK, window.start) == "2026-11-01 01:30 EDT"
    assert hours_between(window.start, window.end) == 5.5


def test_a_span_closing_inside_the_spring_forward_gap_does_not_run_into_the_next_span():
    hours = opening(NEW_YORK, weekday_hours(sun=[["01:10", "02:50"], ["03:00", "06:00"]]))
    first, second = windows_on(hours, NEW_YORK, date(2026, 3, 8))
    assert first.end <= second.start


# --- Sydney: DST ends 2026-04-05, starts 2026-10-04 ---------------------------------------------

@pytest.mark.parametrize("day, length", [
    (date(2026, 4, 4), 24), (date(2026, 4, 5), 25), (date(2026, 4, 6), 24),
    (date(2026, 10, 3), 24), (date(2026, 10, 4), 23), (date(2026, 10, 5), 24),
])
def test_a_sydney_day_lasts_25_hours_in_april_and_23_in_october(day, length):
    bounds = opening(SYDNEY, {}).day_bounds(day)
    assert hours_between(bounds.start, bounds.end) == length


def test_the_early_window_in_sydney_is_seven_real_hours_when_daylight_saving_ends():
    hours = opening(SYDNEY, weekday_hours(sun=[["00:00", "06:00"]]))
    [window] = windows_on(hours, SYDNEY, date(2026, 4, 5))
    assert window == Window(utc(2026, 4, 4, 13), utc(2026, 4, 4, 20))  # 00:00 AEDT to 06:00 AEST
    assert hours_between(window.start, window.end) == 7


def test_the_early_window_in_sydney_is_five_real_hours_when_daylight_saving_starts():
    hours = opening(SYDNEY, weekday_hours(sun=[["00:00", "06:00"]]))
    [window] = windows_on(hours, SYDNEY, date(2026, 10, 4))
    assert window == Window(utc(2026, 10, 3, 14), utc(2026, 10, 3, 19))  # 00:00 AEST to 06:00 AEDT
    assert hours_between(window.start, window.end) == 5


def test_a_sydney_clinic_opens_at_nine_on_both_sides_of_the_april_change():
    hours = opening(SYDNEY, every_day(NINE_TO_FIVE))
    saturday = windows_on(hours, SYDNEY, date(2026, 4, 4))[0]
    sunday = windows_on(hours, SYDNEY, date(2026, 4, 5))[0]
    assert saturday.start == utc(2026, 4, 3, 22)  # 09:00 AEDT (+11)
    assert sunday.start == utc(2026, 4, 4, 23)  # 09:00 AEST (+10)
    assert sunday.start - saturday.start == timedelta(hours=25)


# --- instants and local dates ------------------------------------------------------------------

def test_local_reads_a_wall_clock_time_in_the_clinic_zone():
    hours = opening(SYDNEY, {})
    assert hours.local(date(2026, 1, 5), time(9)) == utc(2026, 1, 4, 22)
    assert hours.local(date(2026, 1, 5), time(9)).tzinfo is not None


def test_the_local_date_is_the_clinic_date_not_the_utc_date():
    hours = opening(SYDNEY, {})
    assert hours.local_date(utc(2026, 1, 4, 22)) == date(2026, 1, 5)
    ny = opening(NEW_YORK, {})
    assert ny.local_date(utc(2026, 1, 5, 3)) == date(2026, 1, 4)


def test_both_passes_through_the_repeated_hour_belong_to_the_fall_back_day():
    hours = opening(NEW_YORK, {})
    first = local(NEW_YORK, 2026, 11, 1, 1, 30, fold=0)
    second = local(NEW_YORK, 2026, 11, 1, 1, 30, fold=1)
    assert second - first == timedelta(hours=1)
    assert hours.local_date(first) == hours.local_date(second) == date(2026, 11, 1)
