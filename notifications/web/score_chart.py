"""The geometry of a patient's charts: check-in scores, and PHQ-9 and GAD-7 totals over their
severity bands; where each score, gridline, band, date and session falls on an SVG drawn
server-side. Pure: plain data in, numbers and labels out, no Flask, no database and no clock
(the caller says what today is).

x is time, in whole days of the clinic's calendar (ticks at local midnights, so a date label
sits under the day it names, across DST changes too); y is the score: for check-ins 0 (worst) at
the bottom to 10 (best) at the top, for a questionnaire 0 at the bottom to its highest total.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Sequence
from zoneinfo import ZoneInfo

from scheduler.engine.hours import instant_of

from notifications.engine.questionnaires import Instrument, severity

WIDTH, HEIGHT = 720, 320
# The plot area inside the margins. The right margin holds half of the last date's label, which
# is centred on the axis's end ("28 Sep" is about 40 px wide at 12 px).
LEFT, RIGHT, TOP, BOTTOM = 44, WIDTH - 28, 16, HEIGHT - 40
# A questionnaire's chart names its bands in a wider right margin, clear of the line and points.
BANDS_RIGHT = WIDTH - 172  # "moderately severe (15–19)" is about 150 px at 11 px
MIN_SCORE, MAX_SCORE = 0, 10
Y_TICK_STEP = 2
MAX_X_TICKS = 8
DAY_STEPS = (1, 2, 7, 14, 28, 56, 91, 182, 364)  # tick spacings that read as days, weeks, months


@dataclass(frozen=True)
class Answer:
    """A check-in answer: when it came, and its score (None: words but no number)."""

    at: datetime
    score: int | None


@dataclass(frozen=True)
class Tick:
    position: float  # x for a date tick, y for a score tick
    label: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # read out on hover, e.g. "4 Jun 12:00: score 2"


@dataclass(frozen=True)
class Marker:
    x: float
    label: str


@dataclass(frozen=True)
class Band:
    """A severity band behind a questionnaire's totals, from y_top down to y_bottom."""

    y_top: float
    y_bottom: float
    label: str  # e.g. "moderate (10-14)"
    shade: int  # 0 for the mildest band, counting up: the page's CSS colours each

    @property
    def label_y(self) -> float:
        return round((self.y_top + self.y_bottom) / 2 + 4, 1)


@dataclass(frozen=True)
class ScoreChart:
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    points: tuple[Point, ...]
    sessions: tuple[Marker, ...]
    threshold_y: float | None
    summary: str  # the chart in one or two sentences, for its <desc> and screen readers
    bands: tuple[Band, ...] = ()
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM

    @property
    def line(self) -> str:
        """The polyline's points attribute: "x,y x,y ..."."""
        return " ".join(f"{p.x},{p.y}" for p in self.points)


def score_chart(answers: Sequence[Answer], sessions: Sequence[datetime], threshold: int | None,
                zone: ZoneInfo, today: date) -> ScoreChart:
    """The chart of these answers (those without a score are left out of the line) and these
    sessions, with the clinic's alert line at `threshold`. With nothing to show, the axes cover
    `today`, so the page still shows an empty chart rather than none."""
    scored = sorted((a for a in answers if a.score is not None), key=lambda a: a.at)
    chart = _timeline(scored, sessions, zone, today, MAX_SCORE, RIGHT, lambda a: f"score {a.score}")
    return ScoreChart(
        **chart,
        y_ticks=tuple(Tick(y_of(score), str(score))
                      for score in range(MIN_SCORE, MAX_SCORE + 1, Y_TICK_STEP)),
        threshold_y=y_of(threshold) if threshold is not None else None,
        summary=summary(scored, len(chart["sessions"]), threshold, zone),
    )


def totals_chart(instrument: Instrument, totals: Sequence[Answer], sessions: Sequence[datetime],
                 alert_at: int | None, zone: ZoneInfo, today: date) -> ScoreChart:
    """A questionnaire's totals (0 at the bottom, its highest total at the top) over its
    severity bands, beside the sessions; the clinic's alert line at `alert_at`."""
    scored = sorted((a for a in totals if a.score is not None), key=lambda a: a.at)
    max_total = instrument.max_total
    bounds = [low for low, _ in instrument.bands] + [max_total + 1]
    named = dict(instrument.bands)
    chart = _timeline(scored, sessions, zone, today, max_total, BANDS_RIGHT,
                      lambda a: f"{instrument.name} {a.score}, {severity(instrument.key, a.score)}")
    return ScoreChart(
        **chart,
        y_ticks=tuple(Tick(y_of(low, max_total), str(low)) for low in bounds[:-1])
        + (Tick(y_of(max_total, max_total), str(max_total)),),
        threshold_y=y_of(alert_at, max_total) if alert_at is not None else None,
        summary=totals_summary(instrument, scored, len(chart["sessions"]), zone),
        right=BANDS_RIGHT,
        bands=tuple(Band(y_of(min(high, max_total), max_total), y_of(low, max_total),
                         f"{named[low]} ({low}\u2013{high - 1})", shade)
                    for shade, (low, high) in enumerate(zip(bounds, bounds[1:]))),
    )


def _timeline(scored: Sequence[Answer], sessions: Sequence[datetime], zone: ZoneInfo, today: date,
              top: int, right: int, says) -> dict:
    """What every chart here shares: its dates along x, its points and its session markers."""
    first, last = _date_span([a.at for a in scored] + list(sessions), zone, today)
    start, end = _midnight(zone, first), _midnight(zone, last + timedelta(days=1))

    def x_of(instant: datetime) -> float:
        share = (instant - start) / (end - start)
        return round(LEFT + share * (right - LEFT), 1)

    return {
        "x_ticks": tuple(Tick(x_of(_midnight(zone, day)), _day_label(day)) for day in date_ticks(first, last)),
        "points": tuple(Point(x_of(a.at), y_of(a.score, top), f"{_when(a.at, zone)}: {says(a)}")
                        for a in scored),
        "sessions": tuple(Marker(x_of(s), f"Session {_when(s, zone)}") for s in sorted(sessions)),
    }


def y_of(score: int, top: int = MAX_SCORE) -> float:
    """Scores outside 0..top (a threshold set oddly) are drawn at the edge, not off the chart."""
    score = min(max(score, MIN_SCORE), top)
    return round(BOTTOM - (score - MIN_SCORE) / (top - MIN_SCORE) * (BOTTOM - TOP), 1)


def date_ticks(first: date, last: date) -> list[date]:
    """Local dates to label, from `first` to the day after `last` (the axis's end), spaced so
    there are at most MAX_X_TICKS of them."""
    days = (last - first).days + 1
    step = next((s for s in DAY_STEPS if days / s <= MAX_X_TICKS - 1), DAY_STEPS[-1])
    return [first + timedelta(days=n) for n in range(0, days + 1, step)]


def summary(scored: Sequence[Answer], sessions: int, threshold: int | None, zone: ZoneInfo) -> str:
    marked = f" {sessions} session{'s' if sessions != 1 else ''} marked."
    line = f" The alert line is at {threshold}." if threshold is not None else ""
    if not scored:
        return f"No check-in scores yet.{line}{marked}"
    latest = scored[-1]
    lowest = min(scored, key=lambda a: (a.score, a.at))
    count = f"{len(scored)} check-in score{'s' if len(scored) != 1 else ''}"
    span = (f"on {_day_label(_local_date(latest.at, zone))}" if len(scored) == 1 else
            f"from {_day_label(_local_date(scored[0].at, zone))} to {_day_label(_local_date(latest.at, zone))}")
    return (f"{count} {span}; the latest {latest.score} on {_day_label(_local_date(latest.at, zone))}, "
            f"the lowest {lowest.score} on {_day_label(_local_date(lowest.at, zone))}.{line}{marked}")


def totals_summary(instrument: Instrument, scored: Sequence[Answer], sessions: int, zone: ZoneInfo) -> str:
    name = instrument.name
    marked = f" {sessions} session{'s' if sessions != 1 else ''} marked."
    if not scored:
        return f"No {name} answered yet.{marked}"
    latest = scored[-1]
    highest = max(scored, key=lambda a: (a.score, a.at))
    count = f"{len(scored)} {name} total{'s' if len(scored) != 1 else ''}"
    return (f"{count}; the latest {latest.score} ({severity(instrument.key, latest.score)}) on "
            f"{_day_label(_local_date(latest.at, zone))}, the highest {highest.score} "
            f"({severity(instrument.key, highest.score)}) on {_day_label(_local_date(highest.at, zone))}.{marked}")


def _date_span(instants: list[datetime], zone: ZoneInfo, today: date) -> tuple[date, date]:
    if not instants:
        return today, today
    days = [_local_date(instant, zone) for instant in instants]
    return min(days), max(days)


def _midnight(zone: ZoneInfo, day: date) -> datetime:
    # instant_of: a zone whose clocks jump at midnight starts that day at the jump.
    return instant_of(zone, datetime.combine(day, time(0)))


def _local_date(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def _day_label(day: date) -> str:
    return f"{day.day} {day:%b}"


def _when(instant: datetime, zone: ZoneInfo) -> str:
    local = instant.astimezone(zone)
    return f"{_day_label(local.date())} {local:%H:%M}"
