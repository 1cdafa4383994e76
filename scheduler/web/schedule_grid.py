"""The schedule's grid, worked out from plain data: which days a view covers, the instants that
bound them in the clinic's zone, and which sessions go in which cell. No Flask, no database."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol, Sequence
from zoneinfo import ZoneInfo

DAY, WEEK = "day", "week"


class Placed(Protocol):
    chair_id: int
    start_at: datetime


@dataclass(frozen=True)
class Span:
    """The clinic-local days a view shows, [first, last], and the instants that bound them."""

    first: date
    last: date
    start: datetime
    end: datetime

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def span_of(day: date, view: str, zone: ZoneInfo) -> Span:
    """A day, or the Monday-to-Sunday week holding it. Each bound is that day's local midnight,
    so a day of 23 or 25 hours (a DST change) is shown whole."""
    first = day - timedelta(days=day.weekday()) if view == WEEK else day
    last = first + timedelta(days=6) if view == WEEK else first
    return Span(first, last, _midnight(first, zone), _midnight(last + timedelta(days=1), zone))


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone).astimezone(ZoneInfo("UTC"))


def step(day: date, view: str, forward: bool) -> date:
    """The day the previous or next button shows."""
    delta = timedelta(days=7 if view == WEEK else 1)
    return day + delta if forward else day - delta


def cells(sessions: Sequence[Placed], zone: ZoneInfo, view: str) -> dict[tuple, list[Placed]]:
    """Sessions by (row, chair_id): the row is the local hour for a day, the local date for a week."""
    grid: dict[tuple, list[Placed]] = {}
    for session in sessions:
        local = session.start_at.astimezone(zone)
        row = local.date() if view == WEEK else local.hour
        grid.setdefault((row, session.chair_id), []).append(session)
    return grid


def hour_rows(sessions: Sequence[Placed], zone: ZoneInfo, opens: int = 8, closes: int = 18) -> list[int]:
    """The local hours a day's grid shows: the usual working day, stretched to any session
    outside it."""
    hours = {s.start_at.astimezone(zone).hour for s in sessions}
    return list(range(min(hours | {opens}), max(hours | {closes - 1}) + 1))


def working_hours(opening_hours: dict[str, list[list[str]]]) -> tuple[int, int]:
    """The earliest opening hour and the hour after the latest closing, across the week;
    8 to 18 when the clinic has set no hours yet."""
    windows = [window for day in opening_hours.values() for window in day]
    if not windows:
        return 8, 18
    opens = min(int(start[:2]) for start, _ in windows)
    closes = max(int(end[:2]) + (end[3:5] != "00") for _, end in windows)
    return opens, closes
