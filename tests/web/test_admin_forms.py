"""The clinic settings form's translation to and from settings, and the words no text may say:
pure functions, tested without the app."""
from __future__ import annotations

from notifications.engine.discretion import telltale_words
from scheduler.web.admin_forms import form_values, layout, place_problems, settings_from

SETTINGS = {
    "name": "Harbour Clinic", "phone": None, "sms_name": "Harbour", "timezone": "Europe/London",
    "time_format": "24h",
    "opening_hours": {"mon": [["09:00", "12:00"], ["13:00", "17:00"]], "sat": [["10:00", "14:00"]]},
    "closed_dates": ["2026-12-25", "2026-12-26"], "slot_step_minutes": 15,
    "quiet_hours": {"start": "21:00", "end": "08:00"},
    "reminder_rules": [{"offset_minutes": 1440, "channels": ["sms", "email"]},
                       {"offset_minutes": 90, "channels": ["sms"]}],
    "checkin_rules": [{"after_minutes": 120, "channel": "email"}],
    "alert_score_at_or_below": 3, "escalation_minutes": 60, "crisis_text": "Call 988.",
    "oncall_email": None, "waitlist_offer_minutes": 120,
    "questionnaire_rules": [{"instrument": "phq9", "before_minutes": 2880}, {"instrument": "gad7", "every_days": 14}],
    "phq9_alert_at": 20, "gad7_alert_at": None,
}


def test_settings_shown_on_the_form_come_back_the_same():
    values = form_values(SETTINGS)
    assert (values["reminder_rules.0.offset"], values["reminder_rules.0.unit"]) == ("1", "days")
    assert (values["reminder_rules.1.offset"], values["reminder_rules.1.unit"]) == ("90", "minutes")
    assert (values["checkin_rules.0.after"],
            values["checkin_rules.0.unit"]) == ("2", "hours")
    assert (values["questionnaires.phq9.before_hours"], values["questionnaires.gad7.every_days"]) == ("48", "14")
    assert (values["phq9_alert_at"], values["gad7_alert_at"]) == ("20", "")
    posted = settings_from(values)
    assert posted.problems == {}
    expected = {**SETTINGS, "opening_hours": {day: SETTINGS["opening_hours"].get(day, [])
                                              for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}}
    assert posted.settings == expected


def test_the_hours_grid_offers_two_windows_a_day_or_one_more_than_used_and_rules_two_more_rows():
    assert layout(form_values({**SETTINGS, "opening_hours": {"mon": [["09:00", "17:00"]]}})).windows == 2
    shape = layout(form_values(SETTINGS))
    assert shape.windows == 3  # Monday has a lunch break: room for a third window
    assert (shape.reminder_rows, shape.checkin_rows) == (4, 3)
    crowded = {f"reminder_rules.{n}.offset": "1" for n in range(10)}
    assert layout(crowded).reminder_rows == 10  # never more rows than the schema takes


def test_blank_rows_are_dropped_and_problems_land_on_the_row_they_came_from():
    form = {**form_values(SETTINGS), "reminder_rules.0.offset": "", "reminder_rules.0.sms": "",
            "reminder_rules.0.email": "", "reminder_rules.3.offset": "5",
            "reminder_rules.3.unit": "hours"}
    posted = settings_from(form)
    assert [r["offset_minutes"] for r in posted.settings["reminder_rules"]] == [90, 300]
    placed = place_problems({"reminder_rules.1.channels": "Length must be between 1 and 2.",
                             "opening_hours.mon.value.1.1": "must be a time as HH:MM, 00:00 to 23:59",
                             "opening_hours": "sat: opening hours overlap",
                             "closed_dates.1": "Not a valid date."}, posted)
    assert placed == {"reminder_rules.3.sms": "Reminder 4: Tick SMS, email or both.",
                      "opening_hours.mon.1.closes": "Monday: must be a time as HH:MM, 00:00 to 23:59",
                      "opening_hours.sat": "Saturday: opening hours overlap",
                      "closed_dates": "Line 2: Not a valid date."}


def test_half_filled_inputs_are_problems_before_the_schema_sees_them():
    form = {**form_values(SETTINGS), "opening_hours.mon.1.closes": "", "slot_step_minutes": "1.5",
            "escalation_minutes": "--5", "name": "  ", "phone": "", "checkin_rules.1.channel": "sms",
            "reminder_rules.0.unit": "weeks"}
    posted = settings_from(form)
    assert set(posted.problems) == {"opening_hours.mon.1.closes", "slot_step_minutes",
                                    "escalation_minutes", "name", "checkin_rules.1.after",
                                    "reminder_rules.0.unit"}
    assert posted.problems["checkin_rules.1.after"] == "Check-in 2: Required."
    assert posted.settings["phone"] is None  # cleared, not kept
    assert posted.settings["opening_hours"]["mon"] == [["09:00", "12:00"]]


def test_no_quiet_hours_when_both_are_empty_and_one_end_alone_is_left_to_the_schema():
    values = form_values(SETTINGS)
    neither = settings_from({**values, "quiet_hours.start": "", "quiet_hours.end": ""})
    assert neither.settings["quiet_hours"] is None
    assert settings_from({**values, "quiet_hours.end": ""}).settings["quiet_hours"] == {"start": "21:00"}


def test_words_that_tell_what_a_patient_is_treated_for():
    assert telltale_words("Riverside Health") == []
    assert telltale_words("KETAMINE & Esketamine Depression Centre, ketamine") == [
        "ketamine", "esketamine", "depression"]
    assert telltale_words("Spravato clinic for depressive disorders") == ["spravato", "depressive"]
    assert telltale_words("Call or text 988 (Suicide & Crisis Lifeline) or 911 now.") == []
    assert telltale_words(None) == []
