"""Hypothesis strategies: random clinics, bookings and patients around the 2026 DST changes."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from builders import UTC, WEEKDAYS, World, induction, maintenance

ZONES = ["America/New_York", "Australia/Sydney", "Europe/London", "UTC", "America/Sao_Paulo"]
# New York 03-08 / 11-01, Sydney 04-05 / 10-04, London 03-29 / 10-25.
DST_CHANGES = [date(2026, 3, 8), date(2026, 3, 29), date(2026, 4, 5),
               date(2026, 10, 4), date(2026, 10, 25), date(2026, 11, 1)]


def clock(quarter: int) -> str:
    return f"{quarter // 4:02d}:{quarter % 4 * 15:02d}"


# 0, 1 or 2 spans a day (mostly open), each endpoint on the quarter hour between 00:00 and 23:45.
day_spans = st.sampled_from([0, 2, 2, 2, 4]).flatmap(
    lambda n: st.lists(st.integers(0, 95), min_size=n, max_size=n, unique=True)
).map(lambda marks: [[clock(a), clock(b)] for a, b in zip(*[iter(sorted(marks))] * 2)])

opening_hours = st.fixed_dictionaries({day: day_spans for day in WEEKDAYS})

# Bookings on a chair: (gap since the previous one, length) in minutes, laid end to end, so the
# holds on one chair never overlap (though they may touch: a gap of 0).
chair_bookings = st.lists(st.tuples(st.integers(0, 36 * 60), st.integers(10, 48 * 60)), max_size=8)


def _local(zone: ZoneInfo, day: date, minute: int) -> datetime:
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone).astimezone(UTC)


@st.composite
def worlds(draw) -> tuple[World, datetime]:
    """A clinic with bookings and a patient, and a `not_before` within a day or so of it all."""
    tz = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(tz)
    first_day = draw(st.sampled_from(DST_CHANGES)) + timedelta(days=draw(st.integers(-10, 5)))
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
    busy_days = frozenset(first_day + timedelta(days=offset) for offset, _ in busy)
    sessions = tuple(_local(zone, first_day + timedelta(days=offset), minute) for offset, minute in busy)

    world = World(
        tz=tz,
        hours=draw(opening_hours),
        step=draw(st.sampled_from([10, 15, 30, 60])),
        duration=draw(st.integers(30, 240)),
        buffer=draw(st.integers(0, 60)),
        bookings=tuple(bookings),
        busy_days=busy_days,
        patient_sessions=sessions,
    )
    not_before = origin + timedelta(seconds=draw(st.integers(0, 36 * 3600 - 1)))
    return world, not_before


induction_rules = st.builds(
    induction,
    sessions=st.integers(3, 6),
    min_gap_hours=st.sampled_from([12, 20, 24, 24, 36, 48]),
    max_span_days=st.integers(2, 21),
)

maintenance_rules = st.builds(
    maintenance,
    sessions=st.integers(1, 4),
    interval_days=st.sampled_from([1, 2, 3, 7, 14, 28]),
)
