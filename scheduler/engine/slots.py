"""Free slots: where a session of a treatment type fits, on which chair, and when.

A session occupies its chair from its start to its end plus the treatment type's buffer (the
time to turn the chair over); that whole span is the chair's *hold*. A session must itself lie
inside one opening window, while the buffer may run past closing time. A patient has at most one
session on a local calendar day.
"""
from __future__ import annotations

import itertools
from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, Iterator, Mapping

from .hours import OpeningHours, Window
from .staffing import NOBODY_NEEDED, Busy


@dataclass(frozen=True)
class Treatment:
    duration: timedelta  # the dose and the observation after it
    buffer: timedelta  # turning the chair over

    @property
    def hold(self) -> timedelta:
        return self.duration + self.buffer


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime  # the session's end; the chair is held `buffer` longer
    chair_id: int


@dataclass(frozen=True)
class Clinic:
    hours: OpeningHours
    slot_step: timedelta


class Timeline:
    """Busy intervals (of one chair, or one patient's days), asked for overlaps in O(log n)."""

    def __init__(self, intervals: Iterable[tuple[datetime, datetime]] = ()):
        ordered = sorted(intervals)
        self._starts = [start for start, _ in ordered]
        # The furthest end among the first i intervals: intervals need not be disjoint.
        self._reach = list(itertools.accumulate((end for _, end in ordered), max))

    def __len__(self) -> int:
        return len(self._starts)

    def busy_until(self, start: datetime, end: datetime) -> datetime | None:
        """None when [start, end) is free, else an instant before which it cannot be free.

        Every interval that starts before `end` and ends after `start` overlaps; the furthest
        end among those starting before `end` is a safe place to try next, because any later
        start short of it still overlaps that interval.
        """
        i = bisect_left(self._starts, end)
        if i and self._reach[i - 1] > start:
            return self._reach[i - 1]
        return None


def patient_days(hours: OpeningHours, session_starts: Iterable[datetime]) -> Timeline:
    """The local days on which the patient already has a session, as a timeline to avoid."""
    days = {hours.local_date(start) for start in session_starts}
    return Timeline((w.start, w.end) for w in map(hours.day_bounds, days))


def on_grid(window: Window, at: datetime, step: timedelta) -> datetime:
    """The first grid start (window opening + k * step) at or after `at`."""
    if at <= window.start:
        return window.start
    steps = -((window.start - at) // step)  # ceiling division of timedeltas
    return window.start + steps * step


def first_fit_in_window(
    clinic: Clinic,
    treatment: Treatment,
    window: Window,
    chair: Timeline,
    patient: Timeline,
    not_before: datetime,
    not_after: datetime,
    staff: Busy = NOBODY_NEEDED,
) -> datetime | None:
    """The earliest start in this window where the chair, the patient and the staff are free."""
    start = on_grid(window, not_before, clinic.slot_step)
    while start <= not_after and start + treatment.duration <= window.end:
        blocked = (patient.busy_until(start, start + treatment.duration)
                   or staff.busy_until(start, start + treatment.duration)
                   or chair.busy_until(start, start + treatment.hold))
        if blocked is None:
            return start
        start = on_grid(window, blocked, clinic.slot_step)
    return None


def earliest_slot(
    clinic: Clinic,
    treatment: Treatment,
    chairs: Mapping[int, Timeline],
    patient: Timeline,
    not_before: datetime,
    not_after: datetime,
    staff: Busy = NOBODY_NEEDED,
) -> Slot | None:
    """The earliest session start in [not_before, not_after] on any chair, with staff to cover it.

    Ties go to the chair that comes first in `chairs`, so callers decide the preference.
    """
    for window in clinic.hours.windows(not_before, not_after + treatment.duration):
        fits = (
            (start, chair_id)
            for chair_id, chair in chairs.items()
            if (start := first_fit_in_window(
                clinic, treatment, window, chair, patient, not_before, not_after, staff
            )) is not None
        )
        best = min(fits, key=lambda fit: fit[0], default=None)
        if best is not None:
            return Slot(best[0], best[0] + treatment.duration, best[1])
    return None


def grid_starts(clinic: Clinic, treatment: Treatment, start: datetime, end: datetime) -> Iterator[datetime]:
    """Every start on the grid in [start, end) whose session fits inside opening hours."""
    for window in clinic.hours.windows(start, end):
        at = on_grid(window, start, clinic.slot_step)
        while at < end and at + treatment.duration <= window.end:
            yield at
            at += clinic.slot_step


def free_slots(
    clinic: Clinic,
    treatment: Treatment,
    chairs: Mapping[int, Timeline],
    start: datetime,
    end: datetime,
    patient: Timeline = Timeline(),
    staff: Busy = NOBODY_NEEDED,
) -> list[Slot]:
    """Each bookable start in [start, end), once, with the first chair free for it."""
    slots = []
    for at in grid_starts(clinic, treatment, start, end):
        if patient.busy_until(at, at + treatment.duration) or staff.busy_until(at, at + treatment.duration):
            continue
        chair_id = first_free_chair(chairs, at, at + treatment.hold)
        if chair_id is not None:
            slots.append(Slot(at, at + treatment.duration, chair_id))
    return slots


def first_free_chair(chairs: Mapping[int, Timeline], start: datetime, end: datetime) -> int | None:
    return next(iter(free_chairs(chairs, start, end)), None)


def free_chairs(chairs: Mapping[int, Timeline], start: datetime, end: datetime) -> list[int]:
    """The chairs free for the whole of [start, end), in order of preference."""
    return [cid for cid, chair in chairs.items() if chair.busy_until(start, end) is None]


def opening_window_for(clinic: Clinic, start: datetime, treatment: Treatment) -> Window | None:
    """The opening window that holds a whole session starting at `start` on the grid, if any."""
    for window in clinic.hours.windows(start, start + treatment.duration):
        inside = window.start <= start and start + treatment.duration <= window.end
        if inside and on_grid(window, start, clinic.slot_step) == start:
            return window
    return None
