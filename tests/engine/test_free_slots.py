"""Free slots: where a session fits, on which chair, and when; and the busy timelines behind it."""
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from builders import (
    assert_slots_are_bookable, brute_free_slots, every_day, hold, local, make_chairs, make_clinic,
    make_treatment, overlaps, utc, wall, weekday_hours,
)
from scheduler.engine.hours import Window
from scheduler.engine.slots import (
    Slot, Timeline, earliest_slot, first_free_chair, free_slots, on_grid, opening_window_for,
    patient_days,
)
from strategies import worlds
from tests.properties import examples

NEW_YORK = "America/New_York"
WEDNESDAY = date(2026, 3, 4)


def ny(hour, minute=0, day=WEDNESDAY):
    return local(NEW_YORK, day.year, day.month, day.day, hour, minute)


def clock(slots, tz=NEW_YORK):
    """The slots' starts as the clinic's clock shows them, 'HH:MM'."""
    return [wall(tz, slot.start)[11:16] for slot in slots]


def slots_for_the_day(clinic, treatment, chairs=None, patient=Timeline(), day=WEDNESDAY):
    chairs = chairs if chairs is not None else make_chairs([])
    return free_slots(clinic, treatment, chairs, ny(0, day=day), ny(0, day=day + timedelta(days=1)),
                      patient)


# --- Timeline.busy_until -----------------------------------------------------------------------

def test_an_empty_chair_is_free_all_day():
    assert Timeline().busy_until(ny(9), ny(17)) is None
    assert len(Timeline()) == 0


def test_a_session_ending_when_the_next_one_starts_does_not_overlap_it():
    chair = Timeline([(ny(9), ny(11))])
    assert chair.busy_until(ny(11), ny(13)) is None  # [9, 11) and [11, 13) only touch
    assert chair.busy_until(ny(7), ny(9)) is None


def test_a_session_overlapping_a_booking_by_one_minute_is_busy_until_that_booking_ends():
    chair = Timeline([(ny(9), ny(11))])
    assert chair.busy_until(ny(10, 59), ny(13)) == ny(11)
    assert chair.busy_until(ny(7), ny(9, 1)) == ny(11)


def test_a_session_inside_a_booking_or_around_it_is_busy():
    chair = Timeline([(ny(10), ny(11))])
    assert chair.busy_until(ny(10, 15), ny(10, 45)) == ny(11)
    assert chair.busy_until(ny(9), ny(12)) == ny(11)


def test_busy_until_reaches_the_end_of_the_last_of_back_to_back_bookings_that_overlap_the_ask():
    chair = Timeline([(ny(9), ny(10)), (ny(10), ny(12)), (ny(13), ny(14))])
    assert chair.busy_until(ny(9, 30), ny(10, 30)) == ny(12)
    assert chair.busy_until(ny(12), ny(13)) is None


def test_a_long_early_booking_keeps_the_chair_busy_past_a_short_later_one():
    chair = Timeline([(ny(8), ny(20)), (ny(10), ny(11))])
    assert chair.busy_until(ny(15), ny(16)) == ny(20)
    assert chair.busy_until(ny(11), ny(12)) == ny(20)


def test_overlapping_bookings_given_out_of_order_are_sorted_first():
    chair = Timeline([(ny(13), ny(15)), (ny(9), ny(10)), (ny(9, 30), ny(14))])
    assert len(chair) == 3
    assert chair.busy_until(ny(10), ny(10, 30)) == ny(14)  # [13, 15) starts too late to count
    assert chair.busy_until(ny(15), ny(16)) is None


# --- the slot grid -----------------------------------------------------------------------------

def test_grid_starts_count_from_opening_time_not_from_the_hour():
    window = Window(ny(9, 10), ny(17))
    step = timedelta(minutes=30)
    assert on_grid(window, ny(8), step) == ny(9, 10)
    assert on_grid(window, ny(9, 10), step) == ny(9, 10)
    assert on_grid(window, ny(9, 11), step) == ny(9, 40)
    assert on_grid(window, ny(9, 40), step) == ny(9, 40)
    assert on_grid(window, ny(9, 40) + timedelta(microseconds=1), step) == ny(10, 10)


def test_slots_start_every_step_from_opening_and_end_by_closing():
    clinic = make_clinic(NEW_YORK, weekday_hours([["09:10", "12:00"]]), step=30)
    slots = slots_for_the_day(clinic, make_treatment(60))
    assert clock(slots) == ["09:10", "09:40", "10:10", "10:40"]
    assert all(slot.end == slot.start + timedelta(minutes=60) and slot.chair_id == 1 for slot in slots)


def test_a_search_starting_between_grid_times_begins_at_the_next_grid_time():
    clinic = make_clinic(NEW_YORK, weekday_hours([["09:10", "12:00"]]), step=30)
    slots = free_slots(clinic, make_treatment(60), make_chairs([]), ny(9, 55), ny(23))
    assert clock(slots) == ["10:10", "10:40"]


def test_the_search_range_is_half_open():
    clinic = make_clinic(NEW_YORK, weekday_hours(), step=60)
    slots = free_slots(clinic, make_treatment(60), make_chairs([]), ny(10), ny(12))
    assert clock(slots) == ["10:00", "11:00"]


def test_a_session_must_fit_inside_one_window_not_across_the_lunch_break():
    clinic = make_clinic(NEW_YORK, weekday_hours([["09:00", "12:00"], ["13:00", "17:00"]]), step=30)
    slots = slots_for_the_day(clinic, make_treatment(90))
    assert clock(slots) == ["09:00", "09:30", "10:00", "10:30",
                            "13:00", "13:30", "14:00", "14:30", "15:00", "15:30"]


def test_a_treatment_longer_than_every_window_has_no_slots():
    clinic = make_clinic(NEW_YORK, weekday_hours([["09:00", "12:00"], ["13:00", "17:00"]]))
    assert slots_for_the_day(clinic, make_treatment(241)) == []


def test_the_repeated_hour_is_bookable_twice_on_the_fall_back_day():
    clinic = make_clinic(NEW_YORK, weekday_hours(sun=[["00:00", "06:00"]]), step=60)
    slots = slots_for_the_day(clinic, make_treatment(60), day=date(2026, 11, 1))
    assert [wall(NEW_YORK, slot.start)[11:] for slot in slots] == [
        "00:00 EDT", "01:00 EDT", "01:00 EST", "02:00 EST", "03:00 EST", "04:00 EST", "05:00 EST"]


def test_the_missing_hour_has_no_slots_on_the_spring_forward_day():
    clinic = make_clinic(NEW_YORK, weekday_hours(sun=[["00:00", "06:00"]]), step=60)
    slots = slots_for_the_day(clinic, make_treatment(60), day=date(2026, 3, 8))
    assert [wall(NEW_YORK, slot.start)[11:] for slot in slots] == [
        "00:00 EST", "01:00 EST", "03:00 EDT", "04:00 EDT", "05:00 EDT"]


def test_session_ends_by_closing_time_on_the_fall_back_day():
    # Open 00:00-04:00 on the clock, five real hours; two-hour sessions on an hourly grid.
    clinic = make_clinic(NEW_YORK, weekday_hours(sun=[["00:00", "04:00"]]), step=60)
    closing = local(NEW_YORK, 2026, 11, 1, 4)
    slots = slots_for_the_day(clinic, make_treatment(120), day=date(2026, 11, 1))
    assert [wall(NEW_YORK, slot.start)[11:] for slot in slots] == [
        "00:00 EDT", "01:00 EDT", "01:00 EST", "02:00 EST"]
    assert slots[-1].end == closing


def test_sessions_across_the_spring_forward_change_last_their_real_duration():
    clinic = make_clinic(NEW_YORK, weekday_hours(sun=[["01:00", "05:00"]]), step=30)
    slots = slots_for_the_day(clinic, make_treatment(90), day=date(2026, 3, 8))
    # 01:00 EST to 05:00 EDT is three real hours: starts 01:00, 01:30 EST, 03:00 EDT, 03:30 EDT.
    assert [wall(NEW_YORK, slot.start)[11:] for slot in slots] == [
        "01:00 EST", "01:30 EST", "03:00 EDT", "03:30 EDT"]
    assert wall(NEW_YORK, slots[0].end)[11:] == "03:30 EDT"


def test_a_search_starting_late_in_the_evening_finds_the_rest_of_that_evening():
    clinic = make_clinic(NEW_YORK, every_day([["18:00", "23:45"]]), step=15)
    slots = free_slots(clinic, make_treatment(60), make_chairs([]), ny(22, 20), ny(23, 59))
    assert clock(slots) == ["22:30", "22:45"]


# --- chairs, buffers and the patient ------------------------------------------------------------

def test_the_buffer_after_a_session_blocks_the_chair_though_the_patient_has_left():
    clinic = make_clinic(NEW_YORK, weekday_hours(), step=30)
    booked = [hold(ny(10), 90)]  # someone's 60-minute session with its 30-minute buffer
    with_buffer = slots_for_the_day(clinic, make_treatment(60, 30), make_chairs(booked))
    without = slots_for_the_day(clinic, make_treatment(60, 0), make_chairs(booked))
    assert clock(with_buffer)[0] == "11:30"  # at 09:00 its own buffer would run into 10:00
    assert clock(without)[:2] == ["09:00", "11:30"]


def test_the_buffer_may_run_past_closing_time():
    clinic = make_clinic(NEW_YORK, weekday_hours(), step=30)
    slots = slots_for_the_day(clinic, make_treatment(60, 30))
    assert clock(slots)[-1] == "16:00"
    assert slots[-1].end == ny(17)


def test_a_buffer_past_closing_still_blocks_the_chair_for_the_evening_clinic():
    clinic = make_clinic(NEW_YORK, weekday_hours([["09:00", "17:00"], ["17:15", "20:00"]]), step=30)
    evening_booking = [hold(ny(17, 15), 60)]
    slots = slots_for_the_day(clinic, make_treatment(60, 30), make_chairs(evening_booking))
    assert "16:00" not in clock(slots)  # its hold runs to 17:30, into the 17:15 booking
    assert "15:30" in clock(slots)  # its hold ends 17:00


def test_a_slot_goes_to_the_first_chair_in_order_of_preference_that_is_free():
    clinic = make_clinic(NEW_YORK, weekday_hours(), step=60)
    chairs = make_chairs([hold(ny(9), 60)], [], [])
    slots = slots_for_the_day(clinic, make_treatment(60), chairs)
    assert [(clock([slot])[0], slot.chair_id) for slot in slots[:2]] == [("09:00", 2), ("10:00", 1)]
    assert first_free_chair({3: Timeline(), 1: Timeline()}, ny(9), ny(10)) == 3


def test_a_time_with_every_chair_held_is_not_offered():
    clinic = make_clinic(NEW_YORK, weekday_hours(), step=60)
    chairs = make_chairs([hold(ny(9), 120)], [hold(ny(10), 60)])
    assert clock(slots_for_the_day(clinic, make_treatment(60), chairs))[:2] == ["09:00", "11:00"]
    assert first_free_chair(chairs, ny(10), ny(11)) is None


def test_a_patient_who_already_has_a_session_that_day_is_offered_nothing_that_day():
    clinic = make_clinic(NEW_YORK, weekday_hours(), step=60)
    patient = patient_days(clinic.hours, [ny(16)])
    assert slots_for_the_day(clinic, make_treatment(60), patient=patient) == []
    thursday = slots_for_the_day(clinic, make_treatment(60), patient=patient,
                                 day=WEDNESDAY + timedelta(days=1))
    assert len(thursday) == 8


def test_patient_days_are_local_days_even_when_the_utc_date_differs():
    # A Sydney session at 08:00 local on Tuesday is Monday evening in UTC.
    sydney = "Australia/Sydney"
    clinic = make_clinic(sydney, every_day([["07:00", "20:00"]]), step=60)
    busy = patient_days(clinic.hours, [local(sydney, 2026, 6, 9, 8)])
    tuesday_evening = local(sydney, 2026, 6, 9, 19)
    wednesday_morning = local(sydney, 2026, 6, 10, 7)
    assert busy.busy_until(tuesday_evening, tuesday_evening + timedelta(hours=1)) is not None
    assert busy.busy_until(wednesday_morning, wednesday_morning + timedelta(hours=1)) is None
    assert wednesday_morning.date() == date(2026, 6, 9)  # the same UTC date as the busy session


def test_a_patient_day_on_the_fall_back_day_lasts_all_25_hours():
    clinic = make_clinic(NEW_YORK, every_day(), step=60)
    busy = patient_days(clinic.hours, [local(NEW_YORK, 2026, 11, 1, 12)])
    late = local(NEW_YORK, 2026, 11, 1, 23)
    assert busy.busy_until(late, late + timedelta(minutes=30)) == local(NEW_YORK, 2026, 11, 2, 0)
    assert len(busy) == 1


def test_a_holiday_offers_no_slots_and_the_search_moves_past_it():
    clinic = make_clinic(NEW_YORK, weekday_hours(), step=60, closed=[WEDNESDAY])
    assert slots_for_the_day(clinic, make_treatment(60)) == []
    slot = earliest_slot(clinic, make_treatment(60), make_chairs([]), Timeline(),
                         ny(8), ny(8) + timedelta(days=7))
    assert slot.start == ny(9, day=WEDNESDAY + timedelta(days=1))


# --- earliest slot and the window a start belongs to -------------------------------------------

def test_the_earliest_slot_skips_held_times_and_prefers_the_first_chair_on_a_tie():
    clinic = make_clinic(NEW_YORK, weekday_hours(), step=30)
    chairs = make_chairs([hold(ny(9), 120)], [hold(ny(9), 90)])
    slot = earliest_slot(clinic, make_treatment(60), chairs, Timeline(), ny(8), ny(17))
    assert slot == Slot(ny(10, 30), ny(11, 30), 2)
    tie = earliest_slot(clinic, make_treatment(60), make_chairs([], []), Timeline(), ny(8), ny(17))
    assert tie.chair_id == 1


def test_the_earliest_slot_moves_to_the_next_open_day_and_respects_not_after():
    clinic = make_clinic(NEW_YORK, weekday_hours(), step=30)
    friday_evening, monday = ny(18, day=date(2026, 3, 6)), date(2026, 3, 9)
    slot = earliest_slot(clinic, make_treatment(60), make_chairs([]), Timeline(),
                         friday_evening, ny(9, day=monday))
    assert slot.start == ny(9, day=monday)
    assert earliest_slot(clinic, make_treatment(60), make_chairs([]), Timeline(),
                         friday_evening, ny(8, 59, day=monday)) is None


def test_a_start_belongs_to_a_window_only_on_the_grid_and_if_the_session_ends_by_closing():
    clinic = make_clinic(NEW_YORK, weekday_hours([["09:00", "12:00"], ["13:00", "17:00"]]))
    treatment = make_treatment(60)
    assert opening_window_for(clinic, ny(13), treatment) == Window(ny(13), ny(17))
    assert opening_window_for(clinic, ny(11), treatment) == Window(ny(9), ny(12))
    assert opening_window_for(clinic, ny(11, 15), treatment) is None  # ends 12:15
    assert opening_window_for(clinic, ny(9, 5), treatment) is None  # off the grid
    assert opening_window_for(clinic, ny(12, 30), treatment) is None  # lunch
    assert opening_window_for(clinic, ny(10, day=date(2026, 3, 7)), treatment) is None  # Saturday


# --- properties --------------------------------------------------------------------------------

@settings(max_examples=examples(150), deadline=None)
@given(data=worlds(), search_hours=st.integers(1, 10 * 24))
def test_every_free_slot_is_bookable_and_free(data, search_hours):
    world, not_before = data
    end = not_before + timedelta(hours=search_hours)
    slots = free_slots(world.clinic(), world.treatment(), world.chairs(), not_before, end,
                       patient_days(world.clinic().hours, world.patient_sessions))
    assert_slots_are_bookable(world, slots, not_before)
    assert all(slot.start < end for slot in slots)
    assert [slot.start for slot in slots] == sorted({slot.start for slot in slots})


@settings(max_examples=examples(150), deadline=None)
@given(data=worlds(), search_hours=st.integers(1, 10 * 24))
def test_free_slots_lists_exactly_the_starts_a_walk_along_the_grid_finds(data, search_hours):
    world, not_before = data
    end = not_before + timedelta(hours=search_hours)
    slots = free_slots(world.clinic(), world.treatment(), world.chairs(), not_before, end,
                       patient_days(world.clinic().hours, world.patient_sessions))
    assert [(slot.start, slot.chair_id) for slot in slots] == brute_free_slots(world, not_before, end)


@settings(max_examples=examples(150), deadline=None)
@given(data=worlds(), search_hours=st.integers(0, 10 * 24), on_a_slot=st.integers(0, 5))
def test_the_earliest_slot_is_the_first_free_slot(data, search_hours, on_a_slot):
    world, not_before = data
    not_after = not_before + timedelta(hours=search_hours)
    free = brute_free_slots(world, not_before, not_after)
    if on_a_slot < len(free):  # sometimes end the search exactly on a free start: it counts
        not_after = free[on_a_slot][0]
    slot = earliest_slot(world.clinic(), world.treatment(), world.chairs(),
                         patient_days(world.clinic().hours, world.patient_sessions),
                         not_before, not_after)
    expected = brute_free_slots(world, not_before, not_after + timedelta(seconds=1))[:1]
    assert ([(slot.start, slot.chair_id)] if slot else []) == expected
    if slot:
        assert slot.end == slot.start + timedelta(minutes=world.duration)


MINUTE = timedelta(minutes=1)
BASE = utc(2026, 3, 8)
# On a coarse half-hour grid as well as a fine one, so intervals often touch or share ends.
intervals = st.one_of(
    st.tuples(st.integers(0, 600), st.integers(1, 240)),
    st.tuples(st.integers(0, 20).map(lambda h: 30 * h), st.integers(1, 8).map(lambda h: 30 * h)),
).map(lambda pair: (BASE + pair[0] * MINUTE, BASE + (pair[0] + pair[1]) * MINUTE))


@settings(max_examples=examples(500), deadline=None)
@given(booked=st.lists(intervals, max_size=12), asked=intervals)
def test_busy_until_agrees_with_checking_every_booking(booked, asked):
    answer = Timeline(booked).busy_until(*asked)
    clashing = [b for b in booked if overlaps(asked, b)]
    if not clashing:
        assert answer is None
        return
    assert answer is not None
    assert answer > asked[0]
    assert answer in [end for _, end in booked]
    # Safe to skip to: no start before `answer` (the same length as asked) is free, while the
    # earliest free start (always `asked[0]` or some booking's end) is not before it.
    length = asked[1] - asked[0]
    candidates = sorted({asked[0]} | {end for _, end in booked if end > asked[0]})
    earliest_free = next(s for s in candidates if not any(overlaps((s, s + length), b) for b in booked))
    assert answer <= earliest_free
    probe = answer - MINUTE
    if probe >= asked[0]:
        assert any(overlaps((probe, probe + length), b) for b in booked)
