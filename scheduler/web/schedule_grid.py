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


class Held(Placed, Protocol):
    end_at: datetime
    held_until: datetime  # the end plus the treatment's turnover


# What a stretch of a chair's hour holds, in the day view.
SESSION = "session"        # a session, in the hour it starts
CONTINUES = "continues"    # the same session, going on in a later hour
TURNOVER = "turnover"      # the chair being made ready after a session (the treatment's buffer)
FREE = "free"              # nothing booked, the clinic open
CLOSED = "closed"          # nothing booked, the clinic closed
QUARTER = timedelta(minutes=15)


@dataclass(frozen=True)
class Piece:
    """One stretch of one chair's hour row: a session where it starts or goes on, its turnover,
    or the chair free; `book_at`, on a free piece, is the first time in it a session can be booked."""

    kind: str
    start: datetime
    end: datetime
    session: Held | None = None
    book_at: datetime | None = None

    @property
    def quarters(self) -> int:
        """Its height in quarter hours (1 to 4), so the rows draw the day to scale: a session
        at 10:30 starts halfway down the 10:00 row. A sliver under 15 minutes still reads."""
        return min(4, max(1, round((self.end - self.start) / QUARTER)))


def day_pieces(sessions: Sequence[Held], chair_ids: Sequence[int], rows: Sequence[tuple[int, datetime]],
               open_windows: Sequence, bookable: dict[int, list[datetime]]) -> dict[tuple[int, int], list[Piece]]:
    """{(hour, chair_id): the pieces of that chair's hour, in order}. `rows` are (local hour, its
    first instant); `sessions` are the ones holding their chair (not cancelled)."""
    grid: dict[tuple[int, int], list[Piece]] = {}
    for chair_id in chair_ids:
        held = _held_stretches([s for s in sessions if s.chair_id == chair_id])
        for hour, row_start in rows:
            row_end = row_start + timedelta(hours=1)
            pieces = _pieces_in(held, row_start, row_end, open_windows)
            grid[(hour, chair_id)] = [_with_booking(p, bookable.get(chair_id, ())) for p in pieces]
    return grid


def overlapping(sessions: Sequence[Held]) -> list[Held]:
    """The sessions that start while an earlier one still holds the same chair (a session marked
    no-show, then the chair rebooked): drawn as cards in their start hour, not on the timeline."""
    return [s for s in sessions if s not in _timeline_sessions(sessions)]


def _timeline_sessions(sessions: Sequence[Held]) -> list[Held]:
    kept: list[Held] = []
    free_from: dict[int, datetime] = {}
    for session in sorted(sessions, key=lambda s: s.start_at):
        if session.start_at >= free_from.get(session.chair_id, session.start_at):
            kept.append(session)
            free_from[session.chair_id] = max(session.held_until, session.end_at)
    return kept


def _held_stretches(sessions: Sequence[Held]) -> list[tuple[datetime, datetime, str, Held]]:
    stretches = []
    for session in _timeline_sessions(sessions):
        stretches.append((session.start_at, session.end_at, SESSION, session))
        if session.held_until > session.end_at:
            stretches.append((session.end_at, session.held_until, TURNOVER, session))
    return stretches


def _pieces_in(held, row_start: datetime, row_end: datetime, open_windows) -> list[Piece]:
    pieces: list[Piece] = []
    cursor = row_start
    for start, end, kind, session in held:
        if end <= row_start or start >= row_end:
            continue
        pieces += _unbooked(cursor, max(start, row_start), open_windows)
        going_on = kind == SESSION and start < row_start
        pieces.append(Piece(CONTINUES if going_on else kind, max(start, row_start), min(end, row_end), session))
        cursor = min(end, row_end)
    return pieces + _unbooked(cursor, row_end, open_windows)


def _unbooked(start: datetime, end: datetime, open_windows) -> list[Piece]:
    """[start, end) with nothing booked, cut where the clinic opens or closes."""
    cuts = sorted({start, end} | {t for w in open_windows for t in (w.start, w.end) if start < t < end})
    return [Piece(FREE if _is_open(a, open_windows) else CLOSED, a, b) for a, b in zip(cuts, cuts[1:])]


def _is_open(at: datetime, open_windows) -> bool:
    return any(w.start <= at < w.end for w in open_windows)


def _with_booking(piece: Piece, starts) -> Piece:
    if piece.kind != FREE:
        return piece
    book_at = next((at for at in starts if piece.start <= at < piece.end), None)
    return Piece(piece.kind, piece.start, piece.end, book_at=book_at)


def row_starts(day: date, hours: Sequence[int], zone: ZoneInfo) -> list[tuple[int, datetime]]:
    """Each hour row of a day with its first instant, in UTC."""
    return [(hour, datetime.combine(day, time(hour), zone).astimezone(ZoneInfo("UTC"))) for hour in hours]


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


def hour_rows(sessions: Sequence[Held], zone: ZoneInfo, opens: int = 8, closes: int = 18) -> list[int]:
    """The local hours a day's grid shows: the usual working day, stretched to any session (and
    its turnover) outside it."""
    hours = {s.start_at.astimezone(zone).hour for s in sessions}
    hours |= {(s.held_until - timedelta(minutes=1)).astimezone(zone).hour for s in sessions
              if s.held_until.astimezone(zone).date() == s.start_at.astimezone(zone).date()}
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
