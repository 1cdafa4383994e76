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
        """The UTC instant of a local wall-clock time.

        A time inside a spring-forward gap resolves with the offset before the change (zoneinfo's
        fold=0), i.e. an hour later on the new clock; an ambiguous fall-back time takes its first
        occurrence. Either way the result is a real instant, never a naive guess.
        """
        return datetime.combine(day, at, tzinfo=self.timezone).astimezone(timezone.utc)

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
