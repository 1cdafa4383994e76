"""Clinicians on shift: whether the people of each role can cover one more session.

A treatment type needs, for the whole of each session (the dose and the observation, not the
chair's turnover), a share of one person of each role it names: one prescriber for six nasal-spray
patients is 1/6 of a prescriber per session. At no moment may the sessions in progress use more
people of a role than are on shift then. Shares are exact fractions, so six sixths make one
person and never 1.0000001.

Pure: the caller passes the shifts and the sessions it loaded, as instants.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from itertools import accumulate
from typing import Iterable, Mapping, Protocol, Sequence

from .hours import instant_of, parse_clock

Span = tuple[datetime, datetime]
# A session's needs: the share of one person of each role, e.g. {"prescriber": Fraction(1, 6)}.
Needs = Mapping[str, Fraction]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def needs_of(staffing: Iterable[Mapping]) -> dict[str, Fraction]:
    """A treatment type's `staffing` ([{"role", "patients_per_staff"}]) as shares per role."""
    return {item["role"]: Fraction(1, item["patients_per_staff"]) for item in staffing}


class RoleCover:
    """The spare people of one role over time: on shift, less the shares in use."""

    def __init__(self, shifts: Iterable[Span], shares_in_use: Iterable[tuple[datetime, datetime, Fraction]]):
        changes: dict[datetime, Fraction] = defaultdict(Fraction)
        for start, end in shifts:
            changes[start] += 1
            changes[end] -= 1
        for start, end, share in shares_in_use:
            changes[start] -= share
            changes[end] += share
        self._at = sorted(changes)
        # _spare[i]: spare people from _at[i] until _at[i + 1] (before _at[0]: nobody, none used).
        self._spare = list(accumulate(changes[moment] for moment in self._at))

    def blocked_until(self, start: datetime, end: datetime, share: Fraction) -> datetime | None:
        """None when `share` more can be used throughout [start, end); else an instant before
        which no session overlapping the shortfall can start (the shortfall's end), so a search
        can skip ahead to it."""
        i = bisect_right(self._at, start) - 1  # the segment `start` falls in (-1: before any)
        while True:
            spare = self._spare[i] if i >= 0 else 0
            next_change = self._at[i + 1] if i + 1 < len(self._at) else None
            if spare < share:
                return next_change if next_change is not None else end + timedelta(days=1)
            if next_change is None or next_change >= end:
                return None
            i += 1

    def shortfalls(self) -> list[Span]:
        """The spans where more is in use than there are people on shift."""
        return [(moment, self._at[i + 1]) for i, moment in enumerate(self._at[:-1]) if self._spare[i] < 0]


@dataclass(frozen=True)
class Cover:
    """What one treatment type's sessions need, against the cover of each role it needs."""

    needs: Needs
    roles: Mapping[str, RoleCover]

    def busy_until(self, start: datetime, end: datetime) -> datetime | None:
        """As Timeline.busy_until: None when a session over [start, end) is covered by every
        role it needs, else the latest instant among the roles' shortfalls to skip to."""
        blocked = [until for role, share in self.needs.items()
                   if (until := self.roles[role].blocked_until(start, end, share)) is not None]
        return max(blocked, default=None)


NOBODY_NEEDED = Cover({}, {})


def most_in_use(shares_in_use: Iterable[tuple[datetime, datetime, Fraction]]) -> Fraction:
    """The most of one role the sessions use at any one moment, e.g. Fraction(5, 6) when five
    sessions needing a sixth of a prescriber each overlap."""
    changes: dict[datetime, Fraction] = defaultdict(Fraction)
    for start, end, share in shares_in_use:
        changes[start] += share
        changes[end] -= share
    return max(accumulate(changes[moment] for moment in sorted(changes)), default=Fraction(0))


class Busy(Protocol):
    """What a search asks of chairs, patients and staff alike (slots.Timeline, Cover)."""

    def busy_until(self, start: datetime, end: datetime) -> datetime | None: ...


def cover_for(needs: Needs, shifts_by_role: Mapping[str, Sequence[Span]],
              sessions: Iterable[tuple[datetime, datetime, Needs]]) -> Cover:
    """The cover a treatment type needing `needs` has, given who is on shift and the sessions
    (each with its own needs) already booked."""
    if not needs:
        return NOBODY_NEEDED
    sessions = list(sessions)
    roles = {role: RoleCover(shifts_by_role.get(role, ()),
                             ((start, end, their[role]) for start, end, their in sessions if role in their))
             for role in needs}
    return Cover(needs, roles)


def weekly_shifts(pattern: Mapping[str, Sequence[Sequence[str]]], first: date, last: date,
                  except_days: Iterable[date], zone) -> list[Span]:
    """A weekly pattern ({"tue": [["13:00", "18:00"]]}, clinic wall-clock times) as shifts from
    `first` to `last`, both included, leaving out `except_days` (holidays, leave). Each is
    placed on that day's own clock, so a 09:00-17:00 shift is eight hours in March and in
    November alike, whatever the clocks did in between."""
    skipped = set(except_days)
    spans = []
    day = first
    while day <= last:
        for opens, closes in pattern.get(WEEKDAYS[day.weekday()], ()) if day not in skipped else ():
            start = instant_of(zone, datetime.combine(day, parse_clock(opens)))
            end_day = day if closes > opens else day + timedelta(days=1)  # a night shift ends tomorrow
            spans.append((start, instant_of(zone, datetime.combine(end_day, parse_clock(closes)))))
        day += timedelta(days=1)
    return spans
