"""In-clinic observation after a dose: which checks are due, which readings are out of range,
and whether the patient may go home. Pure: the caller passes the plan, the readings and `now`.

The observation clock starts when the patient is dosed. The service takes check-in as the dose
time, but never earlier than the session's booked start: a patient who checks in early waits,
and is not dosed, until their session begins.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping, Sequence

DEFAULT_MIN_MINUTES = 120
BLOOD_PRESSURE = "blood_pressure"
# A reading taken a little early still counts for its time; one this late is overdue.
EARLY = timedelta(minutes=5)
LATE = timedelta(minutes=10)

UPCOMING, DUE, OVERDUE, DONE = "upcoming", "due", "overdue", "done"


def values_of(check: str) -> tuple[str, ...]:
    """The values one reading of a check holds: a blood pressure has two, any other check one,
    named as the check itself (e.g. "oxygen_saturation": 97)."""
    return ("systolic", "diastolic") if check == BLOOD_PRESSURE else (check,)


def words_for(check: str) -> str:
    return check.replace("_", " ")


@dataclass(frozen=True)
class Reading:
    name: str
    values: Mapping[str, float]
    at: datetime


@dataclass(frozen=True)
class CheckState:
    """Where one check stands: its next time not yet covered by a reading, and how it stands."""

    name: str
    state: str  # upcoming, due, overdue or done
    at: datetime | None  # the time the reading is (or was) wanted; None when all are done


def observation_start(checked_in_at: datetime, start_at: datetime) -> datetime:
    return max(checked_in_at, start_at)


def out_of_range(values: Mapping[str, float], ranges: Mapping[str, Sequence[float]]) -> list[str]:
    """The names of the values outside the plan's range for them (inclusive bounds)."""
    return [name for name, value in values.items()
            if name in ranges and not ranges[name][0] <= value <= ranges[name][1]]


def check_states(plan: Mapping[str, Any], started: datetime, readings: Sequence[Reading],
                 now: datetime) -> list[CheckState]:
    """Each planned check's next wanted reading. A reading covers the earliest time still open
    that it is not too early for, so two readings are needed for two times."""
    states = []
    for check in plan.get("checks", []):
        taken = sorted(r.at for r in readings if r.name == check["name"])
        states.append(_state(check["name"], [started + timedelta(minutes=m)
                                             for m in sorted(check["at_minutes"])], taken, now))
    return states


def _state(name: str, wanted: list[datetime], taken: list[datetime], now: datetime) -> CheckState:
    for at in wanted:
        covering = next((t for t in taken if t >= at - EARLY), None)
        if covering is not None:
            taken = taken[taken.index(covering) + 1:]
            continue
        if now >= at + LATE:
            return CheckState(name, OVERDUE, at)
        return CheckState(name, DUE if now >= at - EARLY else UPCOMING, at)
    return CheckState(name, DONE, None)


def latest_out_of_range(plan: Mapping[str, Any], readings: Sequence[Reading]) -> list[Reading]:
    """For each check, its latest reading when that one is out of range: a later good reading
    settles an earlier bad one."""
    latest: dict[str, Reading] = {}
    for reading in sorted(readings, key=lambda r: r.at):
        latest[reading.name] = reading
    ranges = plan.get("ranges", {})
    return [r for r in latest.values() if out_of_range(r.values, ranges)]


def discharge_refusals(plan: Mapping[str, Any] | None, started: datetime,
                       readings: Sequence[Reading], now: datetime) -> list[str]:
    """Why the patient may not go home yet, in words; empty: they may. No plan: no rule."""
    if not plan:
        return []
    reasons = []
    ends = started + timedelta(minutes=plan.get("min_minutes", DEFAULT_MIN_MINUTES))
    if now < ends:
        left = -(-int((ends - now).total_seconds()) // 60)  # whole minutes, rounded up
        reasons.append(f"the minimum observation of {plan.get('min_minutes', DEFAULT_MIN_MINUTES)} "
                       f"minutes is not over ({left} minutes left)")
    for reading in latest_out_of_range(plan, readings):
        names = ", ".join(out_of_range(reading.values, plan.get("ranges", {})))
        reasons.append(f"the latest {words_for(reading.name)} reading is out of range ({names})")
    return reasons
