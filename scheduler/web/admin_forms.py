"""The clinic settings form: its flat inputs to and from the settings the API's ClinicSchema
loads, and the schema's complaints placed next to the inputs they are about.

Every input is named after the setting it edits ("opening_hours.mon.0.opens",
"reminder_rules.1.offset"), so a complaint about "reminder_rules.0.offset_minutes" finds its
input with little translation. Rows left blank are dropped, so a complaint about the first
rule may belong to the form's second row: `rows` remembers which row each rule came from.

Pure: no Flask, no database; the view loads the schema and calls the service.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..engine.hours import WEEKDAYS

DAY_NAMES = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                "Saturday", "Sunday")))
MAX_SPANS_PER_DAY = 4  # as many opening spans a day as the schema takes
MAX_RULES = 10  # reminder or check-in rules, as many as the schema takes
INSTRUMENTS = ("phq9", "gad7")  # the questionnaires, as the clinic's rules name them
BLANK_ROWS = 2  # empty rule rows offered for adding rules
MOST_ROWS_READ = 50  # rows past this are ignored: a crafted form cannot make us loop for long
UNITS = {"minutes": 1, "hours": 60, "days": 24 * 60}
CHANNELS = ("sms", "email")

TEXTS = ("name", "phone", "sms_name", "timezone", "time_format", "oncall_email", "crisis_text")
REQUIRED_TEXTS = ("name", "timezone", "time_format", "crisis_text")
TIME_FORMAT_OPTIONS = (("12h", "12-hour: 9:30 AM, 2:00 PM"), ("24h", "24-hour: 09:30, 14:00"))
WINDOWS_SHOWN = 2  # opening windows a day the hours grid always offers (a morning and an afternoon)
NUMBERS = ("slot_step_minutes", "alert_score_at_or_below", "escalation_minutes", "waitlist_offer_minutes")
REQUIRED = "Required."
_WHOLE_NUMBER = re.compile(r"^-?[0-9]{1,9}$")  # small enough for any SQL integer


def default_settings(crisis_text: str, opening_hours: dict, reminder_rules: list,
                     checkin_rules: list) -> dict[str, Any]:
    """What the form offers before the clinic is first set up: the values update_clinic starts
    a new clinic with (a test keeps the two the same), name and time zone still to fill in."""
    return {"name": "", "phone": None, "sms_name": None, "timezone": "", "time_format": "24h",
            "opening_hours": opening_hours, "closed_dates": [], "slot_step_minutes": 15,
            "quiet_hours": {"start": "21:00", "end": "08:00"}, "reminder_rules": reminder_rules,
            "checkin_rules": checkin_rules, "alert_score_at_or_below": 3, "escalation_minutes": 60,
            "crisis_text": crisis_text, "oncall_email": None, "waitlist_offer_minutes": 120,
            "questionnaire_rules": [], "phq9_alert_at": 20, "gad7_alert_at": None}


def form_values(settings: Mapping[str, Any]) -> dict[str, str]:
    """The clinic's settings as the form's inputs show them, {input name: text}."""
    values = {name: settings.get(name) or "" for name in TEXTS}
    for name in NUMBERS:
        values[name] = "" if settings.get(name) is None else str(settings[name])
    for day in WEEKDAYS:
        spans = (settings.get("opening_hours") or {}).get(day, [])
        if not spans:
            values[f"opening_hours.{day}.closed"] = "1"
        for row, (opens, closes) in enumerate(spans):
            values[f"opening_hours.{day}.{row}.opens"] = opens
            values[f"opening_hours.{day}.{row}.closes"] = closes
    values["closed_dates"] = "\n".join(settings.get("closed_dates") or [])
    quiet = settings.get("quiet_hours") or {}
    values["quiet_hours.start"] = quiet.get("start", "")
    values["quiet_hours.end"] = quiet.get("end", "")
    for row, rule in enumerate(settings.get("reminder_rules") or []):
        values.update(_amount(f"reminder_rules.{row}", "offset", rule["offset_minutes"]))
        values.update({f"reminder_rules.{row}.{channel}": "1" for channel in rule["channels"]})
    for row, rule in enumerate(settings.get("checkin_rules") or []):
        values.update(_amount(f"checkin_rules.{row}", "after", rule["after_minutes"]))
        values[f"checkin_rules.{row}.channel"] = rule["channel"]
    values.update(_questionnaire_values(settings))
    return values


def _questionnaire_values(settings: Mapping[str, Any]) -> dict[str, str]:
    """Each instrument's rules as the form's two boxes: hours before each session, every N days;
    and the alert lines ("" for none)."""
    values = {f"{name}_alert_at": "" if settings.get(f"{name}_alert_at") is None else str(settings[f"{name}_alert_at"])
              for name in INSTRUMENTS}
    for rule in settings.get("questionnaire_rules") or []:
        if rule.get("before_minutes") is not None:
            values[f"questionnaires.{rule['instrument']}.before_hours"] = f"{rule['before_minutes'] / 60:g}"
        if rule.get("every_days") is not None:
            values[f"questionnaires.{rule['instrument']}.every_days"] = str(rule["every_days"])
    return values


def _amount(prefix: str, name: str, minutes: int) -> dict[str, str]:
    """Minutes in the largest unit that divides them: 1440 shows as 1 day, 90 as 90 minutes."""
    unit = next(u for u in ("days", "hours", "minutes") if minutes % UNITS[u] == 0)
    return {f"{prefix}.{name}": str(minutes // UNITS[unit]), f"{prefix}.unit": unit}


@dataclass(frozen=True)
class Layout:
    """How many rows the form shows: those in use, and room to add rules; and how many opening
    windows each day of the hours grid has (the same for every day, so it stays a grid)."""

    windows: int
    reminder_rows: int
    checkin_rows: int


def layout(values: Mapping[str, str]) -> Layout:
    most = max(_rows_used(values, f"opening_hours.{day}") for day in WEEKDAYS)
    windows = max(WINDOWS_SHOWN, most + 1 if most >= WINDOWS_SHOWN else 0)  # room for one more
    return Layout(min(MAX_SPANS_PER_DAY, windows),
                  min(MAX_RULES, _rows_used(values, "reminder_rules") + BLANK_ROWS),
                  min(MAX_RULES, _rows_used(values, "checkin_rules") + BLANK_ROWS))


def _rows_used(values: Mapping[str, str], prefix: str) -> int:
    """One past the last row under `prefix` with anything in it (0 when none is). A unit alone
    is not something in it: a blank row's unit select posts one too, and counting it made the
    form grow two rows each time it was refused."""
    used = 0
    for name, value in values.items():
        head, _, rest = name.partition(prefix + ".")
        if head == "" and rest and str(value).strip() and not rest.endswith(".unit"):
            row = rest.split(".", 1)[0]
            if row.isdigit() and int(row) < MOST_ROWS_READ:
                used = max(used, int(row) + 1)
    return used


@dataclass
class PostedSettings:
    """The posted form as the settings dict ClinicSchema loads, the problems found on the way
    (inputs that cannot become settings at all), and where each kept row came from."""

    settings: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    rows: dict[str, str] = field(default_factory=dict)  # "reminder_rules.0" -> "reminder_rules.2"
    closed_date_lines: list[int] = field(default_factory=list)


def settings_from(form: Mapping[str, str]) -> PostedSettings:
    """Every setting from the posted form: the page always shows and posts them all."""
    posted = PostedSettings()
    for name in TEXTS:
        text = form.get(name, "").strip()
        if text:
            posted.settings[name] = text
        elif name in REQUIRED_TEXTS:
            posted.problems[name] = REQUIRED
        else:
            posted.settings[name] = None  # cleared: no phone, no SMS name, no on-call email
    for name in NUMBERS:
        number = whole_number(form, name, posted.problems)
        if number is not None:
            posted.settings[name] = number
    _read_opening_hours(form, posted)
    _read_closed_dates(form, posted)
    _read_quiet_hours(form, posted)
    _read_reminder_rules(form, posted)
    _read_checkin_rules(form, posted)
    _read_questionnaires(form, posted)
    posted.problems = {name: _labelled(name, text) for name, text in posted.problems.items()}
    return posted


def whole_number(form: Mapping[str, str], name: str, problems: dict[str, str],
                  unit: str = "") -> int | None:
    """The input's whole number; None, with the problem noted, when it is empty or not one.
    The API's counts are strict JSON integers, so the form's text is turned into one here."""
    text = form.get(name, "").strip()
    if not text:
        problems[name] = REQUIRED
        return None
    if not _WHOLE_NUMBER.match(text):
        problems[name] = f"Must be a whole number{' of ' + unit if unit else ''}."
        return None
    return int(text)


def _read_opening_hours(form: Mapping[str, str], posted: PostedSettings) -> None:
    hours: dict[str, list[list[str]]] = {}
    for day in WEEKDAYS:
        spans = hours[day] = []
        if form.get(f"opening_hours.{day}.closed"):
            if any(form.get(f"opening_hours.{day}.{row}.{end}", "").strip()
                   for row in range(MAX_SPANS_PER_DAY) for end in ("opens", "closes")):
                # Which was meant, open or closed? Asked, rather than guessed.
                posted.problems[f"opening_hours.{day}.closed"] = "Untick Closed, or clear the day's times."
            continue
        for row in range(MAX_SPANS_PER_DAY):
            prefix = f"opening_hours.{day}.{row}"
            opens = form.get(f"{prefix}.opens", "").strip()
            closes = form.get(f"{prefix}.closes", "").strip()
            if not opens and not closes:
                continue  # closed, or a spare row
            if not opens or not closes:
                missing = "opens" if not opens else "closes"
                posted.problems[f"{prefix}.{missing}"] = (
                    "Give both the opening and the closing time, or neither.")
                continue
            posted.rows[f"opening_hours.{day}.{len(spans)}"] = prefix
            spans.append([_minutes_only(opens), _minutes_only(closes)])
    posted.settings["opening_hours"] = hours


def _minutes_only(clock_text: str) -> str:
    # A browser's time input may add seconds ("09:00:00"); the settings keep HH:MM.
    return clock_text[:5] if len(clock_text) == 8 and clock_text.endswith(":00") else clock_text


def _read_closed_dates(form: Mapping[str, str], posted: PostedSettings) -> None:
    dates = []
    for line_number, line in enumerate(form.get("closed_dates", "").splitlines(), start=1):
        if line.strip():
            dates.append(line.strip())
            posted.closed_date_lines.append(line_number)
    posted.settings["closed_dates"] = dates


def _read_quiet_hours(form: Mapping[str, str], posted: PostedSettings) -> None:
    quiet = {end: form.get(f"quiet_hours.{end}", "").strip() for end in ("start", "end")}
    if not any(quiet.values()):
        posted.settings["quiet_hours"] = None  # texts may go out at any hour
        return
    # One end left empty: the schema names it as missing.
    posted.settings["quiet_hours"] = {end: _minutes_only(text) for end, text in quiet.items() if text}


def _read_questionnaires(form: Mapping[str, str], posted: PostedSettings) -> None:
    """Per instrument, a form before each session and one every so many days, each optional; an
    alert line per instrument, blank for none."""
    rules = []
    for instrument in INSTRUMENTS:
        prefix = f"questionnaires.{instrument}"
        if form.get(f"{prefix}.before_hours", "").strip():
            hours = whole_number(form, f"{prefix}.before_hours", posted.problems, "hours")
            if hours is not None:
                rules.append({"instrument": instrument, "before_minutes": hours * 60})
        if form.get(f"{prefix}.every_days", "").strip():
            days = whole_number(form, f"{prefix}.every_days", posted.problems, "days")
            if days is not None:
                rules.append({"instrument": instrument, "every_days": days})
        line = f"{instrument}_alert_at"
        posted.settings[line] = whole_number(form, line, posted.problems) if form.get(line, "").strip() else None
    posted.settings["questionnaire_rules"] = rules


def _read_reminder_rules(form: Mapping[str, str], posted: PostedSettings) -> None:
    rules = []
    for row in range(MOST_ROWS_READ):
        prefix = f"reminder_rules.{row}"
        channels = [channel for channel in CHANNELS if form.get(f"{prefix}.{channel}")]
        if not form.get(f"{prefix}.offset", "").strip() and not channels:
            continue  # a blank row, or a rule cleared to remove it
        minutes = _rule_minutes(form, prefix, "offset", posted.problems)
        if minutes is None:
            continue
        posted.rows[f"reminder_rules.{len(rules)}"] = prefix
        rules.append({"offset_minutes": minutes, "channels": channels})
    posted.settings["reminder_rules"] = rules


def _read_checkin_rules(form: Mapping[str, str], posted: PostedSettings) -> None:
    rules = []
    for row in range(MOST_ROWS_READ):
        prefix = f"checkin_rules.{row}"
        channel = form.get(f"{prefix}.channel", "").strip()
        if not form.get(f"{prefix}.after", "").strip() and not channel:
            continue
        minutes = _rule_minutes(form, prefix, "after", posted.problems)
        if minutes is None:
            continue
        posted.rows[f"checkin_rules.{len(rules)}"] = prefix
        rules.append({"after_minutes": minutes, **({"channel": channel} if channel else {})})
    posted.settings["checkin_rules"] = rules


def _rule_minutes(form: Mapping[str, str], prefix: str, name: str,
                  problems: dict[str, str]) -> int | None:
    unit = form.get(f"{prefix}.unit", "minutes")
    if unit not in UNITS:
        problems[f"{prefix}.unit"] = "Choose minutes, hours or days."
        return None
    amount = whole_number(form, f"{prefix}.{name}", problems, unit)
    return None if amount is None else amount * UNITS[unit]


# --- The schema's complaints, placed at the inputs -----------------------------------------

ROW_LABELS = {"reminder_rules": "Reminder", "checkin_rules": "Check-in"}
RULE_INPUTS = {"offset_minutes": "offset", "after_minutes": "after", "channels": "sms",
               "channel": "channel"}
FRIENDLIER = {
    "Missing data for required field.": REQUIRED,
    "Length must be between 1 and 2.": "Tick SMS, email or both.",
}


def place_problems(schema_problems: Mapping[str, str], posted: PostedSettings) -> dict[str, str]:
    """{schema path: message} (as forms.flatten gives them) as {input name: message}."""
    placed: dict[str, str] = {}
    for path, message in schema_problems.items():
        name, message = _input_for(path, message, posted)
        placed.setdefault(name, _labelled(name, FRIENDLIER.get(message, message)))
    return placed


def _labelled(name: str, message: str) -> str:
    """A row's problem says which row, e.g. "Reminder 2: Tick SMS, email or both.", so it reads
    plainly in the summary at the top of the page too."""
    parts = name.split(".")
    if parts[0] == "opening_hours" and len(parts) > 1 and parts[1] in DAY_NAMES:
        return f"{DAY_NAMES[parts[1]]}: {message}"
    if parts[0] in ROW_LABELS and len(parts) > 2 and parts[1].isdigit():
        return f"{ROW_LABELS[parts[0]]} {int(parts[1]) + 1}: {message}"
    return message


def _input_for(path: str, message: str, posted: PostedSettings) -> tuple[str, str]:
    parts = path.split(".")
    if parts[0] == "opening_hours":
        return _opening_hours_input(parts, message, posted)
    if parts[0] == "closed_dates" and len(parts) > 1 and parts[1].isdigit():
        lines = posted.closed_date_lines
        line = lines[int(parts[1])] if int(parts[1]) < len(lines) else None
        return "closed_dates", f"Line {line}: {message}" if line else message
    if parts[0] in ("reminder_rules", "checkin_rules") and len(parts) > 2:
        row = posted.rows.get(f"{parts[0]}.{parts[1]}", f"{parts[0]}.{parts[1]}")
        if parts[2] in ("offset_minutes", "after_minutes") and message.startswith("Must be greater"):
            message = "Must be from 0 minutes to 30 days."
        return f"{row}.{RULE_INPUTS.get(parts[2], parts[2])}", message
    return path, message


def _opening_hours_input(parts: list[str], message: str, posted: PostedSettings) -> tuple[str, str]:
    """"opening_hours.mon.value.0.1" is Monday's first span's closing time; a complaint about
    a whole day ("mon: opening hours overlap") belongs to that day."""
    if len(parts) == 1:
        day, _, rest = message.partition(": ")
        return (f"opening_hours.{day}", rest) if day in WEEKDAYS and rest else ("opening_hours", message)
    day = parts[1]
    if len(parts) >= 4 and parts[2] == "value":
        row = posted.rows.get(f"opening_hours.{day}.{parts[3]}", f"opening_hours.{day}.{parts[3]}")
        end = "closes" if len(parts) > 4 and parts[4] == "1" else "opens"
        return f"{row}.{end}", message
    return f"opening_hours.{day}", message
