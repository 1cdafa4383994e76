"""Plain builders for engine tests, and brute-force references to check the engine against.

Everything here is an ordinary function over plain data: no fixtures, no hidden state. The
reference functions further down deliberately share no code with `scheduler.engine` beyond the
data classes: they walk every grid start one by one, test overlaps by scanning every booking,
and read local dates straight from zoneinfo, so an engine bug cannot hide behind itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from scheduler.engine.courses import Calendar, CourseRules
from scheduler.engine.hours import OpeningHours
from scheduler.engine.slots import Clinic, Slot, Timeline, Treatment, patient_days

UTC = timezone.utc
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NINE_TO_FIVE = (("09:00", "17:00"),)

Interval = tuple[datetime, datetime]


# --- instants ----------------------------------------------------------------------------------

def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(tz: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0,
          fold: int = 0) -> datetime:
    """A wall-clock time in `tz`, as the UTC instant the engine works with."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz), fold=fold).astimezone(UTC)


def wall(tz: str, instant: datetime) -> str:
    """How the clinic's clock reads at `instant`, e.g. '2026-11-01 01:30 EST'."""
    return instant.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M %Z")


def hours_between(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 3600


# --- clinic, treatment, chairs, patient --------------------------------------------------------

def weekday_hours(spans: Sequence[Sequence[str]] = NINE_TO_FIVE,
                  days: Iterable[str] = ("mon", "tue", "wed", "thu", "fri"),
                  **overrides: Sequence[Sequence[str]]) -> dict[str, list[list[str]]]:
    """Settings-shaped opening hours: `spans` on each of `days`, closed otherwise.

    Keyword overrides set single days, e.g. weekday_hours(sun=[["00:00", "06:00"]]).
    """
    hours = {day: [list(span) for span in spans] for day in days}
    hours.update({day: [list(span) for span in value] for day, value in overrides.items()})
    return hours


def every_day(spans: Sequence[Sequence[str]] = NINE_TO_FIVE) -> dict[str, list[list[str]]]:
    return weekday_hours(spans, WEEKDAYS)


def make_clinic(tz: str, hours: Mapping[str, Sequence[Sequence[str]]], step: int = 15,
                closed: Iterable[date] = ()) -> Clinic:
    """A clinic in `tz` with settings-shaped weekly hours and whole local days closed."""
    closed_dates = [day.isoformat() for day in closed]
    return Clinic(OpeningHours.from_settings(tz, hours, closed_dates), timedelta(minutes=step))


def make_treatment(duration: int = 60, buffer: int = 0) -> Treatment:
    return Treatment(timedelta(minutes=duration), timedelta(minutes=buffer))


def hold(start: datetime, minutes: int) -> Interval:
    return (start, start + timedelta(minutes=minutes))


def make_chairs(*holds_per_chair: Iterable[Interval]) -> dict[int, Timeline]:
    """Chairs 1, 2, ... in that order of preference, each with the holds already booked on it."""
    return {chair_id: Timeline(holds) for chair_id, holds in enumerate(holds_per_chair, start=1)}


def make_calendar(clinic: Clinic, treatment: Treatment,
                  chairs: Mapping[int, Timeline] | None = None,
                  patient_sessions: Iterable[datetime] = ()) -> Calendar:
    """A calendar with one empty chair unless told otherwise, and the patient's booked sessions."""
    return Calendar(clinic, treatment, dict(chairs) if chairs is not None else make_chairs([]),
                    patient_days(clinic.hours, patient_sessions))


def induction(sessions: int = 3, min_gap_hours: float = 24, max_span_days: int = 21) -> CourseRules:
    return CourseRules("induction", sessions, timedelta(hours=min_gap_hours),
                       timedelta(days=max_span_days))


def maintenance(sessions: int = 3, interval_days: int = 28) -> CourseRules:
    return CourseRules("maintenance", sessions, interval_days=interval_days)


def starts_of(slots: Iterable[Slot]) -> list[datetime]:
    return [slot.start for slot in slots]


# --- brute-force references --------------------------------------------------------------------

def overlaps(a: Interval, b: Interval) -> bool:
    """Half-open intervals overlap: [9, 11) and [11, 13) do not."""
    return max(a[0], b[0]) < min(a[1], b[1])


@dataclass(frozen=True)
class World:
    """A clinic and everything already booked in it, described as plain data."""

    tz: str
    hours: Mapping[str, Sequence[Sequence[str]]]  # the settings' shape
    step: int  # minutes
    duration: int  # minutes
    buffer: int  # minutes
    bookings: tuple[tuple[Interval, ...], ...]  # per chair, in preference order: holds
    busy_days: frozenset[date]  # local days on which the patient already has a session
    patient_sessions: tuple[datetime, ...]  # those sessions (one or more per busy day)
    closed: frozenset[date] = frozenset()  # local days the clinic is closed (holidays)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def clinic(self) -> Clinic:
        return make_clinic(self.tz, self.hours, self.step, sorted(self.closed))

    def treatment(self) -> Treatment:
        return make_treatment(self.duration, self.buffer)

    def chairs(self) -> dict[int, Timeline]:
        return make_chairs(*self.bookings)

    def calendar(self) -> Calendar:
        return make_calendar(self.clinic(), self.treatment(), self.chairs(), self.patient_sessions)

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

    def clock_gap(self, earlier: datetime, later: datetime) -> timedelta:
        """How far apart two instants are on the clinic's wall clock (naive local readings)."""
        def reading(instant: datetime) -> datetime:
            return instant.astimezone(self.zone).replace(tzinfo=None)
        return reading(later) - reading(earlier)


def brute_windows(world: World, day: date) -> list[Interval]:
    """The opening windows of one local day, each endpoint read from zoneinfo on its own."""
    windows = []
    if day in world.closed:
        return windows
    for opens, closes in world.hours.get(WEEKDAYS[day.weekday()], []):
        start, end = (
            datetime.combine(day, time.fromisoformat(clock), tzinfo=world.zone).astimezone(UTC)
            for clock in (opens, closes))
        windows.append((start, end))
    return windows


def brute_slots_on_day(world: World, day: date) -> list[tuple[datetime, int]]:
    """Every (start, chair) a new session could take on this local day, by walking the grid.

    One entry per start, with the first chair (in preference order) that is free for the whole
    hold; starts with no free chair, or on a day the patient is busy, are left out.
    """
    if day in world.busy_days:
        return []
    step, duration = timedelta(minutes=world.step), timedelta(minutes=world.duration)
    hold_length = duration + timedelta(minutes=world.buffer)
    slots = []
    for window_start, window_end in brute_windows(world, day):
        at = window_start
        while at + duration <= window_end:
            for chair_id, holds in enumerate(world.bookings, start=1):
                if not any(overlaps((at, at + hold_length), booked) for booked in holds):
                    slots.append((at, chair_id))
                    break
            at += step
    return sorted(slots, key=lambda slot: slot[0])


def brute_free_slots(world: World, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """Every (start, chair) in [start, end), in order."""
    day, last = world.local_date(start) - timedelta(days=1), world.local_date(end)
    slots = []
    while day <= last:
        slots.extend(s for s in brute_slots_on_day(world, day) if start <= s[0] < end)
        day += timedelta(days=1)
    return slots


def brute_induction(world: World, rules: CourseRules, not_before: datetime,
                    search_until: datetime) -> list[tuple[datetime, int]] | None:
    """The earliest induction course, found by trying every free slot as its first session.

    For a fixed first session, taking each next session as early as the rules allow gives every
    session its earliest possible time (the 'after' bound only grows with the previous start, and
    planned sessions do not block each other), so a first session admits a course if and only if
    that greedy chain reaches its last session within max_span. The earliest course therefore
    starts at the earliest free slot whose greedy chain succeeds.
    """
    slots = brute_free_slots(world, not_before, search_until + rules.max_span + timedelta(days=1))
    for first in slots:
        if first[0] > search_until:
            return None
        chain = [first]
        while len(chain) < rules.sessions:
            previous = chain[-1][0]
            following = next((slot for slot in slots if slot[0] > previous
                              and world.local_date(slot[0]) > world.local_date(previous)
                              and world.clock_gap(previous, slot[0]) >= rules.min_gap), None)
            if following is None or world.clock_gap(first[0], following[0]) > rules.max_span:
                break
            chain.append(following)
        else:
            return chain
    return None


def brute_maintenance(world: World, rules: CourseRules, not_before: datetime,
                      search_until: datetime) -> list[tuple[datetime, int]] | None:
    """The earliest maintenance course, session k on the local date interval_days * k later.

    Each later session takes the first free slot at or after the first session's local time of
    day, or failing that the first free slot of its day.
    """
    tried: set[date] = set()
    for first in brute_free_slots(world, not_before, search_until + timedelta(seconds=1)):
        first_day = world.local_date(first[0])
        if first_day in tried:
            continue  # the same target days as the first slot of that day: already failed
        tried.add(first_day)
        time_of_day = first[0].astimezone(world.zone).time()
        course = [first]
        for k in range(1, rules.sessions):
            day = first_day + timedelta(days=k * rules.interval_days)
            preferred = first_instant_at_or_after(day, time_of_day, world.zone)
            on_day = brute_slots_on_day(world, day)
            later = [slot for slot in on_day if slot[0] >= preferred]
            if not on_day:
                break
            course.append(later[0] if later else on_day[0])
        else:
            return course
    return None


def first_instant_at_or_after(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The first instant whose wall clock on `day` reads `at` or later, found minute by minute:
    a time that never happens (the spring-forward gap) is the moment the clocks jump, as the
    clinic's hours read it, not the same time on the old offset (zoneinfo's fold=0)."""
    wall = datetime.combine(day, at)
    earliest = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    latest = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    instant = min(earliest, latest)
    while instant.astimezone(zone).replace(tzinfo=None) < wall and instant < max(earliest, latest):
        instant += timedelta(minutes=1)
    return instant


def brute_rule_violation(world: World, rules: CourseRules, starts: Sequence[datetime]) -> bool:
    """Whether `starts` breaks the course rules, checked pair by pair and day by day."""
    low, high = (3, 6) if rules.kind == "induction" else (1, 12)
    if not low <= rules.sessions <= high or len(starts) != rules.sessions:
        return True
    days = [world.local_date(start) for start in starts]
    if any(b <= a for a, b in zip(starts, starts[1:])):
        return True
    if len(set(days)) != len(days):
        return True
    if rules.kind == "induction":
        if any(world.clock_gap(a, b) < rules.min_gap for a, b in zip(starts, starts[1:])):
            return True
        return world.clock_gap(starts[0], starts[-1]) > rules.max_span
    return any((day - days[0]).days != k * rules.interval_days for k, day in enumerate(days))


# --- checks against the raw data ----------------------------------------------------------------

def assert_slots_are_bookable(world: World, slots: Iterable[Slot], not_before: datetime) -> None:
    """Each slot: inside one window on its grid, its hold clear of its chair's bookings, not on a
    day the patient is busy, and not before `not_before`. Checked against the raw data."""
    duration = timedelta(minutes=world.duration)
    step = timedelta(minutes=world.step)
    for slot in slots:
        assert slot.start >= not_before
        assert slot.end - slot.start == duration
        day = world.local_date(slot.start)
        assert day not in world.busy_days, f"patient busy on {day}"
        homes = [(ws, we) for ws, we in brute_windows(world, day)
                 if ws <= slot.start and slot.end <= we and (slot.start - ws) % step == timedelta(0)]
        assert homes, f"{wall(world.tz, slot.start)} is not a grid start inside one opening window"
        chair_hold = (slot.start, slot.end + timedelta(minutes=world.buffer))
        assert 1 <= slot.chair_id <= len(world.bookings)
        clashes = [b for b in world.bookings[slot.chair_id - 1] if overlaps(chair_hold, b)]
        assert not clashes, f"hold {chair_hold} overlaps {clashes} on chair {slot.chair_id}"
