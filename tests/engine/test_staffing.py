"""Clinicians on shift: a session needs a share of one person of each role it names, and at no
moment may the sessions in progress use more people of a role than are on shift."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from zoneinfo import ZoneInfo

from hypothesis import given, strategies as st

from scheduler.engine.slots import Timeline, free_slots
from scheduler.engine.staffing import NOBODY_NEEDED, RoleCover, cover_for, needs_of, weekly_shifts
from tests.engine.builders import make_chairs, make_clinic, make_treatment

UTC = timezone.utc
NEW_YORK = ZoneInfo("America/New_York")
DAY = datetime(2026, 6, 2, tzinfo=UTC)
SIXTH = Fraction(1, 6)


def at(hour: float) -> datetime:
    return DAY + timedelta(hours=hour)


def test_a_treatments_staffing_is_a_share_of_a_person_per_session():
    assert needs_of([{"role": "prescriber", "patients_per_staff": 6}, {"role": "nurse", "patients_per_staff": 2}]) == {
        "prescriber": SIXTH, "nurse": Fraction(1, 2)}
    assert needs_of([]) == {}


def test_six_sessions_fill_one_prescriber_exactly_and_a_seventh_does_not_fit():
    six = [(at(13), at(15), {"prescriber": SIXTH})] * 5
    cover = cover_for({"prescriber": SIXTH}, {"prescriber": [(at(12), at(20))]}, six)
    assert cover.busy_until(at(13), at(15)) is None  # the sixth
    full = cover_for({"prescriber": SIXTH}, {"prescriber": [(at(12), at(20))]}, six * 2 + [(at(13), at(15), {"prescriber": SIXTH})])
    assert full.busy_until(at(14), at(16)) == at(15)  # skip to when some of them end


def test_a_session_must_be_covered_for_its_whole_length_not_only_its_start():
    cover = cover_for({"nurse": Fraction(1, 2)}, {"nurse": [(at(12), at(16))]}, [])
    assert cover.busy_until(at(13), at(15)) is None
    assert cover.busy_until(at(15), at(17)) is not None  # the nurse leaves at 16:00
    assert cover.busy_until(at(10), at(12)) is not None  # and is not in before 12:00


def test_back_to_back_shifts_cover_a_session_across_the_hand_over():
    cover = cover_for({"nurse": Fraction(1, 2)}, {"nurse": [(at(8), at(14)), (at(14), at(20))]}, [])
    assert cover.busy_until(at(13), at(15)) is None


def test_every_role_named_must_cover_it():
    needs = {"prescriber": SIXTH, "nurse": Fraction(1, 2)}
    cover = cover_for(needs, {"prescriber": [(at(8), at(18))]}, [])
    assert cover.busy_until(at(9), at(11)) is not None  # no nurse at all
    assert NOBODY_NEEDED.busy_until(at(9), at(11)) is None  # a treatment that names no role


def test_shortfalls_are_the_spans_where_more_is_in_use_than_on_shift():
    role = RoleCover([(at(8), at(12))], [(at(11), at(13), Fraction(1, 2))])
    assert role.shortfalls() == [(at(12), at(13))]


def test_free_slots_offer_only_times_staff_can_cover():
    clinic, treatment = make_clinic("UTC", {"tue": [["08:00", "22:00"]]}), make_treatment(120)
    # one prescriber on Tuesday afternoon only, for up to two patients at once
    staff = cover_for({"prescriber": Fraction(1, 2)}, {"prescriber": [(at(17), at(21))]}, [])
    slots = free_slots(clinic, treatment, make_chairs([], [], []), at(0), at(24), staff=staff)
    assert slots and all(at(17) <= s.start and s.end <= at(21) for s in slots)


def test_a_weekly_rota_keeps_its_wall_clock_hours_across_the_autumn_change():
    shifts = weekly_shifts({"fri": [["08:00", "16:00"]], "mon": [["08:00", "16:00"]]},
                           date(2026, 10, 30), date(2026, 11, 2), [], NEW_YORK)
    assert shifts == [(datetime(2026, 10, 30, 12, tzinfo=UTC), datetime(2026, 10, 30, 20, tzinfo=UTC)),  # EDT
                      (datetime(2026, 11, 2, 13, tzinfo=UTC), datetime(2026, 11, 2, 21, tzinfo=UTC))]  # EST


def test_a_rota_skips_its_days_off_and_a_night_shift_ends_the_next_morning():
    shifts = weekly_shifts({"tue": [["22:00", "06:00"]]}, date(2026, 6, 1), date(2026, 6, 16),
                           [date(2026, 6, 9)], NEW_YORK)
    assert shifts == [(datetime(2026, 6, 3, 2, tzinfo=UTC), datetime(2026, 6, 3, 10, tzinfo=UTC)),
                      (datetime(2026, 6, 17, 2, tzinfo=UTC), datetime(2026, 6, 17, 10, tzinfo=UTC))]


# --- against a minute-by-minute count ---------------------------------------------------------

hours = st.integers(min_value=0, max_value=24 * 4).map(lambda quarter: at(quarter / 4))
spans = st.tuples(hours, st.integers(min_value=1, max_value=40).map(lambda q: timedelta(minutes=15 * q))).map(
    lambda pair: (pair[0], pair[0] + pair[1]))
per_staff = st.sampled_from([1, 2, 3, 6])


def people_and_use_at(moment, shifts, sessions) -> tuple[int, Fraction]:
    people = sum(1 for start, end in shifts if start <= moment < end)
    used = sum((share for start, end, share in sessions if start <= moment < end), Fraction(0))
    return people, used


@given(st.lists(spans, max_size=4), st.lists(st.tuples(spans, per_staff), max_size=8), spans, per_staff)
def test_a_session_is_covered_exactly_when_every_minute_of_it_is(shifts, booked, candidate, patients_per_staff):
    share = Fraction(1, patients_per_staff)
    sessions = [(start, end, Fraction(1, n)) for (start, end), n in booked]
    role = RoleCover(shifts, sessions)
    start, end = candidate
    minutes = [start + timedelta(minutes=m) for m in range(0, int((end - start).total_seconds() // 60), 15)]
    fits = all(used + share <= people for people, used in (people_and_use_at(m, shifts, sessions) for m in minutes))
    blocked = role.blocked_until(start, end, share)
    assert (blocked is None) == fits
    if blocked is not None:  # skipping to `blocked` never skips a start that would fit
        for later in (m for m in minutes if m < blocked):
            shifted = [later + timedelta(minutes=15 * k) for k in range(len(minutes))]
            assert not all(used + share <= people for people, used in
                           (people_and_use_at(m, shifts, sessions) for m in shifted))


def test_a_named_clinician_covers_a_session_only_inside_one_of_their_shifts():
    from scheduler.engine.staffing import AllOf, OnShift

    ortiz = OnShift([(at(8), at(12)), (at(12), at(14)), (at(16), at(20))])  # back to back till 14:00
    assert ortiz.busy_until(at(11), at(13)) is None  # across the hand-over to herself
    assert ortiz.busy_until(at(13), at(15)) == at(16)  # she is out from 14:00: try again at 16:00
    assert ortiz.busy_until(at(19), at(21)) == at(21) + timedelta(days=1)  # none follows: a day past the end
    both = AllOf((ortiz, cover_for({"nurse": Fraction(1, 2)}, {"nurse": [(at(8), at(18))]}, [])))
    assert both.busy_until(at(16), at(18)) is None
    assert both.busy_until(at(17), at(19)) is not None  # Ortiz is in, the nurse is not
