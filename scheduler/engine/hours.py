"""Opening hours: the clinic's weekly schedule in local time, turned into real instants."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterator, Mapping, Sequence
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Window:
    """One stretch of opening hours as UTC instants, e.g. Monday 09:00-17:00 local."""

    start: datetime
    end: datetime


def parse_clock(text: str) -> time:
    """'09:30' -> time(9, 30). Raises ValueError on anything else."""
    hours, _, minutes = text.partition(":")
    if len(hours) != 2 or len(minutes) != 2 or not (hours + minutes).isdigit():
        raise ValueError(f"{text!r} is not a HH:MM time")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class OpeningHours:
    timezone: ZoneInfo
    weekly: tuple[tuple[tuple[time, time], ...], ...]  # index 0 is Monday, as date.weekday()
    closed: frozenset[date] = frozenset()  # local days closed whatever the weekly hours say

    @classmethod
    def from_settings(
        cls, timezone_name: str, opening_hours: Mapping[str, Sequence[Sequence[str]]],
        closed_dates: Sequence[str] = (),
    ) -> OpeningHours:
        """Build from the clinic settings' shape: {"mon": [["09:00", "17:00"]], ...}."""
        weekly = []
        for day in WEEKDAYS:
            spans = [(parse_clock(a), parse_clock(b)) for a, b in opening_hours.get(day, [])]
            weekly.append(tuple(sorted(spans)))
        closed = frozenset(date.fromisoformat(text) for text in closed_dates)
        return cls(ZoneInfo(timezone_name), tuple(weekly), closed)

    def local(self, day: date, at: time) -> datetime:
        """The UTC instant of a local wall-clock time on a local day."""
        return self.instant_of(datetime.combine(day, at))

    def instant_of(self, wall: datetime) -> datetime:
        """The UTC instant a naive local wall-clock reading stands for.

        An ambiguous fall-back time means its first occurrence. A time that never happens (in a
        spring-forward gap) means the moment the clocks jump, the first real time after it: hours
        "02:30-06:00" open at 03:00, and a span closing at 02:50 closes at 03:00, so no span
        spills past the gap into the next one.
        """
        return instant_of(self.timezone, wall)

    def wall_clock(self, instant: datetime) -> datetime:
        """The naive local reading of the clinic's clock at an instant."""
        return instant.astimezone(self.timezone).replace(tzinfo=None)

    def add_wall_time(self, instant: datetime, delta: timedelta) -> datetime:
        """`delta` later on the clinic's clock: 10:00 plus 24 hours is 10:00 the next day, even
        when the night between is 23 or 25 hours long, as staff and patients count it."""
        return self.instant_of(self.wall_clock(instant) + delta)

    def wall_time_between(self, earlier: datetime, later: datetime) -> timedelta:
        return self.wall_clock(later) - self.wall_clock(earlier)

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.timezone).date()

    def windows(self, start: datetime, end: datetime) -> Iterator[Window]:
        """The opening windows that overlap [start, end), in order; not clipped to it."""
        day = self.local_date(start) - timedelta(days=1)
        last_day = self.local_date(end)
        while day <= last_day:
            for opens, closes in () if day in self.closed else self.weekly[day.weekday()]:
                window = Window(self.local(day, opens), self.local(day, closes))
                if window.end > start and window.start < end:
                    yield window
            day += timedelta(days=1)

    def day_bounds(self, day: date) -> Window:
        """Local midnight to the next local midnight (23 or 25 hours on DST days)."""
        return Window(self.local(day, time(0)), self.local(day + timedelta(days=1), time(0)))


def instant_of(zone: ZoneInfo, wall: datetime) -> datetime:
    """The UTC instant a naive wall-clock reading in `zone` stands for (see OpeningHours)."""
    instant = wall.replace(tzinfo=zone).astimezone(timezone.utc)
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant
    before_jump = wall.replace(tzinfo=zone, fold=1).astimezone(timezone.utc)
    return _offset_change(zone, before_jump, instant)


def _offset_change(zone: ZoneInfo, low: datetime, high: datetime) -> datetime:
    """The instant in (low, high] at which the zone's UTC offset changes; zones change offset on
    whole minutes, so a bisection over minutes finds it exactly."""

    def offset(minute: int) -> timedelta | None:
        return datetime.fromtimestamp(minute * 60, timezone.utc).astimezone(zone).utcoffset()

    lo, hi = int(low.timestamp() // 60), -int(-high.timestamp() // 60)
    before = offset(lo)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if offset(mid) == before:
            lo = mid
        else:
            hi = mid
    return datetime.fromtimestamp(hi * 60, timezone.utc)
