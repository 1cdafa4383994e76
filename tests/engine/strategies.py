"""Hypothesis strategies: random clinics, bookings and patients around the 2026 DST changes."""
from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from builders import UTC, WEEKDAYS, World, induction, maintenance
from scheduler.engine.courses import CourseRules

ZONES = ["America/New_York", "Australia/Sydney", "Europe/London", "UTC", "America/Sao_Paulo"]
DST_CHANGES = {
    "America/New_York": [date(2026, 3, 8), date(2026, 11, 1)],
    "Australia/Sydney": [date(2026, 4, 5), date(2026, 10, 4)],  # DST ends, DST starts
    "Europe/London": [date(2026, 3, 29), date(2026, 10, 25)],
}
ALL_CHANGES = sorted(day for days in DST_CHANGES.values() for day in days)

# Opening and closing times on the quarter hour, 00:00 to 23:45, but never strictly inside a
# spring-forward gap (01:00-02:00 London, 02:00-03:00 New York and Sydney). The engine reads a
# gap time an hour later on the new clock (as hours.local documents), which can make one span
# run into the next: see test_a_span_closing_inside_the_spring_forward_gap_*. Spans that cross
# the change, and spans opening or closing in the repeated autumn hour, are generated as usual.
QUARTERS = [q for q in range(96) if not (4 < q < 8 or 8 < q < 12)]


def clock(quarter: int) -> str:
    return f"{quarter // 4:02d}:{quarter % 4 * 15:02d}"


# 0, 1 or 2 spans a day (mostly open), in order and not overlapping.
day_spans = st.sampled_from([0, 2, 2, 2, 4]).flatmap(
    lambda n: st.lists(st.sampled_from(QUARTERS), min_size=n, max_size=n, unique=True)
).map(lambda marks: [[clock(a), clock(b)] for a, b in zip(*[iter(sorted(marks))] * 2)])

opening_hours = st.fixed_dictionaries({day: day_spans for day in WEEKDAYS})

# Bookings on a chair: (gap since the previous one, length) in minutes, laid end to end, so the
# holds on one chair never overlap (though they may touch: a gap of 0).
chair_bookings = st.lists(st.tuples(st.integers(0, 36 * 60), st.integers(10, 48 * 60)), max_size=8)


def _local(zone: ZoneInfo, day: date, minute: int) -> datetime:
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone).astimezone(UTC)


@st.composite
def worlds(draw) -> tuple[World, datetime]:
    """A clinic with bookings, holidays and a patient, and a `not_before` near a DST change.

    The first day is up to a week before, or a few days after, one of the zone's own changes
    (any 2026 change for zones without DST), so most searches run across it.
    """
    tz = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(tz)
    first_day = draw(st.sampled_from(DST_CHANGES.get(tz, ALL_CHANGES))) + timedelta(
        days=draw(st.integers(-7, 3)))
    origin = _local(zone, first_day, 0)

    bookings = []
    for _ in range(draw(st.integers(1, 4))):
        at, holds = origin - timedelta(days=1), []
        for gap, length in draw(chair_bookings):
            start = at + timedelta(minutes=gap)
            at = start + timedelta(minutes=length)
            holds.append((start, at))
        bookings.append(tuple(holds))

    busy = draw(st.lists(st.tuples(st.integers(-1, 30), st.integers(0, 24 * 60 - 1)),
                         max_size=6, unique_by=lambda pair: pair[0]))
    closed = draw(st.lists(st.integers(-1, 30), max_size=3))

    world = World(
        tz=tz,
        hours=draw(opening_hours),
        step=draw(st.sampled_from([10, 15, 30, 60])),
        duration=draw(st.integers(30, 240)),
        buffer=draw(st.integers(0, 60)),
        bookings=tuple(bookings),
        busy_days=frozenset(first_day + timedelta(days=offset) for offset, _ in busy),
        patient_sessions=tuple(_local(zone, first_day + timedelta(days=offset), minute)
                               for offset, minute in busy),
        closed=frozenset(first_day + timedelta(days=offset) for offset in closed),
    )
    not_before = origin + timedelta(seconds=draw(st.integers(0, 36 * 3600 - 1)))
    return world, not_before


@st.composite
def induction_rules(draw):
    """Induction rules whose span is usually just enough, so it often decides the plan."""
    sessions = draw(st.integers(3, 6))
    min_gap_hours = draw(st.sampled_from([20, 24, 24, 36, 48]))
    least_span = math.ceil((sessions - 1) * min_gap_hours / 24)
    max_span_days = draw(st.integers(max(1, least_span - 1), least_span + 4) | st.just(21))
    return induction(sessions, min_gap_hours, max_span_days)


maintenance_rules = st.builds(
    maintenance,
    sessions=st.integers(1, 4),
    interval_days=st.sampled_from([1, 2, 3, 7, 14, 28]),
)


@st.composite
def start_times(draw, rules: CourseRules) -> list[datetime]:
    """Start times for a course under `rules`: mostly the right number, mostly in order, spaced
    around what the rules ask (the minimum gap, the interval, a day), so each rule is tested on
    both sides of its line."""
    n = rules.sessions
    count = draw(st.sampled_from([n, n, n, n, max(n - 1, 0), n + 1]))
    first = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(minutes=15 * draw(st.integers(0, 40 * 96)))
    if rules.kind == "maintenance":
        quarters = 96 * rules.interval_days
    else:
        quarters = int(rules.min_gap / timedelta(minutes=15))
    step = (st.integers(quarters - 8, quarters + 8) | st.integers(0, 96 * 4)
            | st.sampled_from([quarters, 96]))
    steps = draw(st.lists(step, min_size=count, max_size=count))
    starts = [first + timedelta(minutes=15 * sum(steps[:k])) for k in range(count)]
    if draw(st.integers(0, 3)) == 0:
        starts = draw(st.permutations(starts))
    return starts
