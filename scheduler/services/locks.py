"""Transaction locks that make rival bookings take turns (PostgreSQL advisory locks, released at
commit or rollback; SQLite already runs one writing transaction at a time, so nothing to do).

They are not what prevents double booking (the exclusion constraint and the checks under these
locks are); they keep rivals from inserting into the same chair-day at the same moment, where
PostgreSQL's exclusion check lets concurrent inserts wait on each other in circles and breaks
each circle only after deadlock_timeout: twenty desks at once took 48 s. Under the lock a loser
waits for the winner's commit, then meets its row at once. Always taken in one order (a
booking's staffing days, then its chair-days, each sorted), so two bookings never wait on each
other in a circle.
"""
from __future__ import annotations

from datetime import date
from typing import Iterable

from sqlalchemy import text

from ..extensions import db

STAFFING_DAYS = 7_001  # lock classes: a clinic day's staff cover ...
CHAIR_DAYS = 7_002  # ... and one chair's clinic day


def hold_staffing_days(days: Iterable[date]) -> None:
    _hold(STAFFING_DAYS, sorted(day.toordinal() for day in set(days)))


def hold_chair_days(chair_days: Iterable[tuple[int, date]]) -> None:
    # Two 32-bit keys: the class, and chair and day folded into one (ordinals stay below 2**22).
    _hold(CHAIR_DAYS, sorted({chair_id * 2**22 + day.toordinal() for chair_id, day in chair_days}))


def _hold(kind: int, keys: list[int]) -> None:
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for key in keys:
        db.session.execute(text("SELECT pg_advisory_xact_lock(:kind, :key)"), {"kind": kind, "key": key % 2**31})
