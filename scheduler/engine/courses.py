"""Course planning: the earliest set of session starts that satisfies a course's rules.

Induction: N sessions, consecutive starts at least `min_gap` apart and on different days, the
last within `max_span` of the first; both measured on the clinic's clock, so "10:00, then 10:00
the next day" is 24 hours apart even across a DST change. Maintenance: N sessions, session k on the local date
`interval_days * k` after the first, preferably at the first session's time of day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, Mapping, Sequence

from .errors import CourseRuleBroken, NoScheduleFits, NotBookable, SlotTaken
from .slots import Clinic, Slot, Timeline, Treatment, earliest_slot, first_free_chair, opening_window_for
from .staffing import NOBODY_NEEDED, Busy

INDUCTION = "induction"
MAINTENANCE = "maintenance"
SESSION_LIMITS = {INDUCTION: (3, 6), MAINTENANCE: (1, 12)}
DST_SLACK = timedelta(hours=3)  # more than any zone's clock change


@dataclass(frozen=True)
class CourseRules:
    kind: str
    sessions: int
    min_gap: timedelta = timedelta(hours=24)
    max_span: timedelta = timedelta(days=21)
    interval_days: int = 28


@dataclass(frozen=True)
class Calendar:
    """Everything a booking is checked against: the clinic and what is already booked."""

    clinic: Clinic
    treatment: Treatment
    chairs: Mapping[int, Timeline]  # in order of preference
    patient: Timeline  # the local days the patient already has a session on
    staff: Busy = NOBODY_NEEDED  # the clinicians on shift and what booked sessions use of them


def course_shape_problem(rules: CourseRules) -> tuple[str, str] | None:
    """(field, why) when no start times at all could keep these rules."""
    low, high = SESSION_LIMITS[rules.kind]
    if not low <= rules.sessions <= high:
        article = "an" if rules.kind == INDUCTION else "a"
        return "sessions", f"{article} {rules.kind} course has {low} to {high} sessions"
    if rules.kind == INDUCTION and (rules.sessions - 1) * rules.min_gap > rules.max_span:
        return "max_span_days", (
            f"{rules.sessions} sessions at least {_hours(rules.min_gap)} hours apart cannot "
            f"all start within {rules.max_span.days} days")
    return None


def course_rule_violation(rules: CourseRules, clinic: Clinic,
                          starts: Sequence[datetime]) -> tuple[str, str] | None:
    """(field, why) when these start times break the course rules, or None when they keep them.

    The field is the session at fault (`starts.2` for the third) and the message names it and
    the session it is measured from, with both times on the clinic's clock: the desk must see
    which session to move and why, not only that the course is "too close"."""
    shape = course_shape_problem(rules)
    if shape:
        return shape
    if len(starts) != rules.sessions:
        return "starts", f"the course has {rules.sessions} sessions but {len(starts)} start times were given"
    days = [clinic.hours.local_date(start) for start in starts]
    clock_time = clinic.hours.wall_time_between  # gaps are counted on the clinic's clock
    session = _session_namer(clinic, starts)
    for k in range(1, len(starts)):
        earlier, later = starts[k - 1], starts[k]
        if later <= earlier:
            return f"starts.{k}", f"{session(k)} must start after {session(k - 1, lower=True)}"
        if days[k - 1] == days[k]:
            return f"starts.{k}", (f"{session(k)} is on the same day as {session(k - 1, lower=True)}: "
                                   "one session a day at most")
        if rules.kind == INDUCTION and clock_time(earlier, later) < rules.min_gap:
            return f"starts.{k}", (f"{session(k)} must start at least {_hours(rules.min_gap)} h "
                                   f"after {session(k - 1, lower=True)}")
    last = len(starts) - 1
    if rules.kind == INDUCTION and clock_time(starts[0], starts[last]) > rules.max_span:
        return f"starts.{last}", (f"{session(last)} must start within {rules.max_span.days} days "
                                  f"of {session(0, lower=True)}")
    if rules.kind == MAINTENANCE:
        for k, day in enumerate(days):
            due = days[0] + timedelta(days=k * rules.interval_days)
            if day != due:
                return f"starts.{k}", (
                    f"{session(k)} must fall on {due:%a %d %b}, {k * rules.interval_days} days after "
                    f"{session(0, lower=True)}: maintenance every {rules.interval_days} days")
    return None


def _session_namer(clinic: Clinic, starts: Sequence[datetime]):
    """session(k) -> "Session 3 (Thu 14 May 10:00)" for starts[k]."""
    return lambda k, lower=False: session_at(clinic, k + 1, starts[k], lower)


def session_at(clinic: Clinic, number: int, start: datetime, lower: bool = False) -> str:
    """"Session 3 (Thu 14 May 10:00)": a course's session as the desk names it in a message,
    its time on the clinic's clock; `lower` for the middle of a sentence."""
    word = "session" if lower else "Session"
    return f"{word} {number} ({start.astimezone(clinic.hours.timezone):%a %d %b %H:%M})"


def too_close_to(clinic: Clinic, start: datetime, others: Iterable[datetime], min_gap: timedelta) -> datetime | None:
    """The first of an induction's other sessions that a session moved to `start` would come
    within `min_gap` of (on the clinic's clock, as when the course was planned), or None."""
    for other in sorted(others):
        earlier, later = sorted((start, other))
        if clinic.hours.wall_time_between(earlier, later) < min_gap:
            return other
    return None


def place_session(calendar: Calendar, start: datetime, now: datetime, field: str = "start") -> Slot:
    """Check one requested start and give it the first free chair, or say why it cannot be."""
    treatment = calendar.treatment
    if start < now:
        raise NotBookable("is in the past", field)
    if opening_window_for(calendar.clinic, start, treatment) is None:
        step = int(calendar.clinic.slot_step.total_seconds() // 60)
        raise NotBookable(
            f"is not a bookable time: sessions start every {step} minutes from opening "
            "and must end by closing time", field)
    if calendar.patient.busy_until(start, start + treatment.duration):
        raise SlotTaken("the patient already has a session that day", field)
    if calendar.staff.busy_until(start, start + treatment.duration):
        raise SlotTaken("no clinician on shift can cover the whole session", field)
    chair_id = first_free_chair(calendar.chairs, start, start + treatment.hold)
    if chair_id is None:
        raise SlotTaken("no chair is free for the whole session", field)
    return Slot(start, start + treatment.duration, chair_id)


def fit_starts(calendar: Calendar, rules: CourseRules, starts: Sequence[datetime],
               first_day: date, now: datetime) -> list[Slot]:
    """Book exactly the start times asked for, if they keep the rules and are free."""
    _refuse_impossible_shape(rules)
    problem = course_rule_violation(rules, calendar.clinic, starts)
    if problem:
        raise CourseRuleBroken(problem[1], problem[0])
    if calendar.clinic.hours.local_date(starts[0]) < first_day:
        first = _session_namer(calendar.clinic, starts)(0)
        raise CourseRuleBroken(f"{first} is before the first date asked for, {first_day:%a %d %b}",
                               "starts.0")
    return [place_session(calendar, start, now, f"starts.{i}") for i, start in enumerate(starts)]


def plan_course(calendar: Calendar, rules: CourseRules, not_before: datetime,
                search_until: datetime) -> list[Slot]:
    """The earliest schedule whose first session starts in [not_before, search_until]."""
    _refuse_impossible_shape(rules)
    if rules.kind == INDUCTION:
        return _plan_induction(calendar, rules, not_before, search_until)
    return _plan_maintenance(calendar, rules, not_before, search_until)


def _refuse_impossible_shape(rules: CourseRules) -> None:
    shape = course_shape_problem(rules)
    if shape:
        raise CourseRuleBroken(shape[1], shape[0])


def _plan_induction(calendar: Calendar, rules: CourseRules, not_before: datetime,
                    search_until: datetime) -> list[Slot]:
    hours = calendar.clinic.hours
    first_from = not_before
    while True:
        first = _earliest(calendar, first_from, search_until)
        plan = [first]
        while len(plan) < rules.sessions:
            after = max(hours.add_wall_time(plan[-1].start, rules.min_gap),
                        _next_day(calendar.clinic, plan[-1].start))
            limit = search_until + rules.max_span + timedelta(days=1)
            following = _earliest(calendar, after, limit)
            # In the hour a fall-back repeats, a later instant can read earlier on the clock.
            while hours.wall_time_between(plan[-1].start, following.start) < rules.min_gap:
                following = _earliest(calendar, following.start + timedelta(seconds=1), limit)
            if hours.wall_time_between(first.start, following.start) > rules.max_span:
                # Greedy starts only move later when the first does, so a course that reaches
                # this session in time must start at most max_span before it (on the clock,
                # which strays from real time by at most a DST shift: hence the slack).
                first_from = max(first.start + timedelta(seconds=1),
                                 following.start - rules.max_span - DST_SLACK)
                break
            plan.append(following)
        else:
            return plan


def _plan_maintenance(calendar: Calendar, rules: CourseRules, not_before: datetime,
                      search_until: datetime) -> list[Slot]:
    hours = calendar.clinic.hours
    first_from = not_before
    while True:
        first = _earliest(calendar, first_from, search_until)
        first_day = hours.local_date(first.start)
        time_of_day = first.start.astimezone(hours.timezone).time()
        plan = [first]
        for k in range(1, rules.sessions):
            day = first_day + timedelta(days=k * rules.interval_days)
            slot = _slot_on_day(calendar, day, hours.local(day, time_of_day))
            if slot is None:
                break
            plan.append(slot)
        else:
            return plan
        # The target days depend only on the first session's day, so try the next day.
        first_from = hours.day_bounds(first_day).end


def _slot_on_day(calendar: Calendar, day: date, preferred: datetime) -> Slot | None:
    """A slot on that local day: at or after the preferred time if one is free, else earlier."""
    bounds = calendar.clinic.hours.day_bounds(day)
    last = bounds.end - timedelta(seconds=1)
    return _earliest_or_none(calendar, max(preferred, bounds.start), last) or _earliest_or_none(
        calendar, bounds.start, last)


def _earliest_or_none(calendar: Calendar, not_before: datetime, not_after: datetime) -> Slot | None:
    return earliest_slot(calendar.clinic, calendar.treatment, calendar.chairs, calendar.patient,
                         not_before, not_after, calendar.staff)


def _earliest(calendar: Calendar, not_before: datetime, not_after: datetime) -> Slot:
    slot = _earliest_or_none(calendar, not_before, not_after)
    if slot is None:
        raise NoScheduleFits("no schedule that keeps the course rules fits in the coming weeks",
                             "start_on")
    return slot


def _next_day(clinic: Clinic, instant: datetime) -> datetime:
    return clinic.hours.day_bounds(clinic.hours.local_date(instant)).end


def _hours(gap: timedelta) -> str:
    return f"{gap.total_seconds() / 3600:g}"
