"""PHQ-9 and GAD-7: their published wording, their scoring, and when a clinic's rules send them.
Pure: no Flask, no database, no clock (callers pass `now`).

Both instruments are in the public domain (Pfizer; Spitzer, Kroenke, Williams et al.). The
wording below is the published one, word for word: a changed item is a different instrument,
and its total would no longer mean what the bands say.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, Mapping, Sequence

PHQ9, GAD7 = "phq9", "gad7"
ANSWERS = (("Not at all", 0), ("Several days", 1), ("More than half the days", 2), ("Nearly every day", 3))
# PHQ-9's item 9 asks about thoughts of death or self-harm: any answer above 0 opens an urgent alert.
SELF_HARM_ITEM = 9
# A questionnaire not answered this long after it went out is reminded once.
REMIND_AFTER = timedelta(days=1)
# How long a questionnaire's link stays open: its answers describe the two weeks before it.
ANSWER_DAYS = timedelta(days=7)


@dataclass(frozen=True)
class Instrument:
    key: str
    name: str  # for staff only: texts never name an instrument
    question: str
    items: tuple[str, ...]
    bands: tuple[tuple[int, str], ...]  # (lowest total of the band, its name), lowest first

    @property
    def max_total(self) -> int:
        return 3 * len(self.items)


INSTRUMENTS = {
    PHQ9: Instrument(PHQ9, "PHQ-9", "Over the last 2 weeks, how often have you been bothered by any of "
                 "the following problems?", (
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself \u2014 or that you are a failure or have let yourself or your "
        "family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite \u2014 "
        "being so fidgety or restless that you have been moving around a lot more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ), ((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "moderately severe"), (20, "severe"))),
    GAD7: Instrument(GAD7, "GAD-7", "Over the last 2 weeks, how often have you been bothered by the "
                 "following problems?", (
        "Feeling nervous, anxious or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid as if something awful might happen",
    ), ((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe"))),
}


@dataclass(frozen=True)
class Score:
    total: int
    severity: str
    self_harm: bool  # PHQ-9 item 9 above 0


class BadAnswers(ValueError):
    """Not one answer 0 to 3 for each item."""


def score(instrument: str, answers: Sequence[int]) -> Score:
    """The total, its band, and whether the self-harm item was answered above 0."""
    items = INSTRUMENTS[instrument].items
    if len(answers) != len(items) or any(type(a) is not int or not 0 <= a <= 3 for a in answers):
        raise BadAnswers(f"one answer from 0 to 3 for each of the {len(items)} questions")
    total = sum(answers)
    self_harm = instrument == PHQ9 and answers[SELF_HARM_ITEM - 1] > 0
    return Score(total, severity(instrument, total), self_harm)


def severity(instrument: str, total: int) -> str:
    return [name for lowest, name in INSTRUMENTS[instrument].bands if total >= lowest][-1]


@dataclass(frozen=True)
class Due:
    """A questionnaire a rule asks for: which, when, and the session it belongs to."""

    instrument: str
    due_at: datetime
    session_index: int  # into the sessions given to due_for
    rule: str  # "before" or "every", for staff and tests


def due_for(sessions: Sequence[datetime], now: datetime, rules: Iterable[Mapping],
            last_sent: Mapping[str, datetime] | None = None) -> list[Due]:
    """The questionnaires the clinic's rules ask for around these booked sessions (their starts,
    soonest first).

    `before_minutes`: that long before each session, or at once when booked later than that (a
    PHQ-9 answered on the morning of a session still informs it). `every_days`: from now, every
    so many days while a session is still to come, each tied to the next session after it (so it
    goes when that session is cancelled); not before `every_days` after one already sent
    (`last_sent`), so booking a second course does not send a second form the same week.
    """
    starts = sorted(sessions)
    last_sent = last_sent or {}
    planned: list[Due] = []
    for rule in rules:
        instrument = rule["instrument"]
        if rule.get("before_minutes") is not None:
            for index, start in enumerate(starts):
                if start > now:
                    due = max(start - timedelta(minutes=rule["before_minutes"]), now)
                    planned.append(Due(instrument, due, index, "before"))
        if rule.get("every_days") is not None:
            step = timedelta(days=rule["every_days"])
            due = max(now, last_sent[instrument] + step) if instrument in last_sent else now
            while starts and due < starts[-1]:
                index = next(i for i, start in enumerate(starts) if start > due)
                planned.append(Due(instrument, due, index, "every"))
                due += step
    return planned
