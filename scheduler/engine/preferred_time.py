"""A patient's preferred time of day, honoured where the clinic's free slots allow.

The planner finds the earliest schedule; a patient who can only come in the afternoon wants each
session moved to their time on the same day, when a chair is free then and the course's rules
still hold. Compared on the clinic's wall clock, so 14:00 means 14:00 whatever the UTC offset.
"""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Callable, Iterable, Sequence
from zoneinfo import ZoneInfo

from .slots import Slot


def honour_preferred_time(planned: Sequence[Slot], free: Iterable[Slot], preferred: time,
                          zone: ZoneInfo, keeps_rules: Callable[[list[datetime]], bool]) -> list[Slot]:
    """The planned sessions, each moved to the free slot at `preferred` on its own day where
    that keeps the course's rules; the others stay where the planner put them.

    Moving one session can make room for another (an induction's 24-hour gap to the next session
    holds only once that one has moved too), so passes repeat until nothing more moves. A session
    moves at most once, so this ends after at most len(planned) + 1 passes.
    """
    at_preferred: dict[date, Slot] = {}
    for slot in free:
        wall = slot.start.astimezone(zone)
        if wall.time() == preferred:
            at_preferred.setdefault(wall.date(), slot)
    chosen = list(planned)
    moved = True
    while moved:
        moved = False
        for i, slot in enumerate(chosen):
            target = at_preferred.get(slot.start.astimezone(zone).date())
            if target is None or target.start == slot.start:
                continue
            trial = [*chosen[:i], target, *chosen[i + 1:]]
            if keeps_rules([s.start for s in trial]):
                chosen, moved = trial, True
    return chosen
