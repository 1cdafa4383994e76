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
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from itertools import accumulate
from math import lcm
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

    def __init__(self, shifts: Iterable[Span], shares_in_use: Iterable[tuple[datetime, datetime, Fraction | int]],
                 people: int = 1):
        """`people`: what one person on shift counts as, in the shares' unit (1: shares are
        fractions of a person)."""
        changes: dict[datetime, Fraction | int] = defaultdict(int)
        for start, end in shifts:
            changes[start] += people
            changes[end] -= people
        for start, end, share in shares_in_use:
            changes[start] -= share
            changes[end] += share
        moments = sorted(changes)
        self._set(moments, [changes[moment] for moment in moments])

    @classmethod
    def from_changes(cls, moments: list[datetime], changes: list) -> RoleCover:
        """From the changes in spare people at each of `moments` (in time order)."""
        cover = cls.__new__(cls)
        cover._set(moments, changes)
        return cover

    def _set(self, moments: list[datetime], changes: list) -> None:
        self._at = moments
        # _spare[i]: spare people from _at[i] until _at[i + 1] (before _at[0]: nobody, none used).
        self._spare = list(accumulate(changes))

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


class OnShift:
    """One named clinician's shifts, for a course booked with them (continuity of care): a
    session fits only inside one of their shifts, whatever the others' cover."""

    def __init__(self, shifts: Iterable[Span]):
        merged: list[list[datetime]] = []
        for start, end in sorted(shifts):
            if merged and start <= merged[-1][1]:  # back to back: the same person stays on
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [start for start, _ in merged]
        self._ends = [end for _, end in merged]

    def busy_until(self, start: datetime, end: datetime) -> datetime | None:
        """None when one shift holds all of [start, end); else the next shift's start, or a day
        past `end` when none follows."""
        i = bisect_right(self._starts, start) - 1
        if i >= 0 and self._ends[i] >= end:
            return None
        later = i + 1
        return self._starts[later] if later < len(self._starts) else end + timedelta(days=1)


@dataclass(frozen=True)
class AllOf:
    """Free only when every part is; busy until the latest instant any part names."""

    parts: Sequence[Busy]

    def busy_until(self, start: datetime, end: datetime) -> datetime | None:
        return max((until for part in self.parts if (until := part.busy_until(start, end)) is not None),
                   default=None)


class Busy(Protocol):
    """What a search asks of chairs, patients and staff alike (slots.Timeline, Cover)."""

    def busy_until(self, start: datetime, end: datetime) -> datetime | None: ...


def cover_for(needs: Needs, shifts_by_role: Mapping[str, Sequence[Span]],
              sessions: Iterable[tuple[datetime, datetime, Needs]]) -> Cover:
    """The cover a treatment type needing `needs` has, given who is on shift and the sessions
    (each with its own needs) already booked.

    Sessions of one treatment type share one needs mapping; the arithmetic is done in whole
    units of 1/lcm(every share's denominator) of a person, so a busy calendar costs integer
    additions, not thousands of Fractions.
    """
    if not needs:
        return NOBODY_NEEDED
    sessions = list(sessions)
    distinct = {id(their): their for _, _, their in sessions}
    distinct[id(needs)] = needs
    unit = lcm(*(share.denominator for their in distinct.values() for share in their.values()))
    in_units = {key: [int(their.get(role, 0) * unit) for role in needs] for key, their in distinct.items()}
    # One pass over the sessions for every role at once: each moment gets a change per role.
    changes: dict[datetime, list[int]] = {}
    blank = [0] * len(needs)
    for i, role in enumerate(needs):
        for start, end in shifts_by_role.get(role, ()):
            changes.setdefault(start, blank.copy())[i] += unit
            changes.setdefault(end, blank.copy())[i] -= unit
    # Twenty chairs start on the same grid: sessions alike in time and needs are counted once.
    for (start, end, key), count in Counter((start, end, id(their)) for start, end, their in sessions).items():
        at_start, at_end = changes.setdefault(start, blank.copy()), changes.setdefault(end, blank.copy())
        for i, share in enumerate(in_units[key]):
            at_start[i] -= share * count
            at_end[i] += share * count
    moments = sorted(changes)
    roles = {role: RoleCover.from_changes(moments, [changes[m][i] for m in moments])
             for i, role in enumerate(needs)}
    return Cover(dict(zip(needs, in_units[id(needs)])), roles)


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
