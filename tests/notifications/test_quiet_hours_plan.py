"""A reminder due in the patient's quiet hours goes out before them, the evening before, or is
skipped with a reason staff can read: never left to wait until the session has started."""
from __future__ import annotations

from datetime import datetime, timezone

from notifications.engine.rules import before_quiet_hours, quiet_window, reminders_for
from notifications.worker import run_once
from tests.factories import api_as, clinic_time, make_patient, set_up_clinic

UTC = timezone.utc
QUIET = {"start": "21:00", "end": "08:00"}
RULES = [{"offset_minutes": 1440, "channels": ["sms", "email"]}, {"offset_minutes": 120, "channels": ["sms", "email"]}]
EIGHT_AM_NEW_YORK = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)  # Wednesday 08:00 EDT
EVENING_BEFORE = datetime(2026, 6, 10, 0, 59, tzinfo=UTC)  # Tuesday 20:59 EDT
EVERY_DAY_FROM_8 = {day: [["08:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def plan(now, timezone_name="America/New_York"):
    return {(p.channel, p.rule_minutes): p for p in
            reminders_for(EIGHT_AM_NEW_YORK, now, RULES, QUIET, timezone_name)}


def test_the_two_hour_text_for_an_eight_oclock_session_goes_the_evening_before():
    planned = plan(datetime(2026, 6, 1, 15, 0, tzinfo=UTC))
    assert planned["sms", 120].due_at == EVENING_BEFORE and planned["sms", 120].skip_reason is None
    # Email is not held by quiet hours, and the day-before text is due at 08:00, outside them.
    assert planned["email", 120].due_at == datetime(2026, 6, 10, 10, 0, tzinfo=UTC)
    assert planned["sms", 1440].due_at == datetime(2026, 6, 9, 12, 0, tzinfo=UTC)


def test_booked_inside_the_quiet_hours_the_two_hour_text_is_skipped_with_a_reason():
    planned = plan(datetime(2026, 6, 10, 3, 0, tzinfo=UTC))  # 23:00 the night before
    assert planned["sms", 120].skip_reason == ("due in the patient's quiet hours, and the evening "
                                               "before them had passed at booking")
    assert planned["email", 120].skip_reason is None


def test_quiet_hours_are_the_patients_own():
    # 06:00 in New York is 03:00 in Los Angeles: quiet there too, so 20:59 Pacific the evening before.
    planned = plan(datetime(2026, 6, 1, 15, 0, tzinfo=UTC), "America/Los_Angeles")
    assert planned["sms", 120].due_at == datetime(2026, 6, 10, 3, 59, tzinfo=UTC)
    # 06:00 in New York is 11:00 in London: no quiet hours to avoid.
    planned = plan(datetime(2026, 6, 1, 15, 0, tzinfo=UTC), "Europe/London")
    assert planned["sms", 120].due_at == datetime(2026, 6, 10, 10, 0, tzinfo=UTC)


def test_the_window_an_instant_falls_in_runs_over_midnight_and_through_a_clock_change():
    # The autumn night: 21:00 EDT on Saturday to 08:00 EST on Sunday is twelve hours, not eleven.
    window = quiet_window(QUIET, "America/New_York", datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    assert window == (datetime(2026, 11, 1, 1, 0, tzinfo=UTC), datetime(2026, 11, 1, 13, 0, tzinfo=UTC))
    assert quiet_window(QUIET, "America/New_York", datetime(2026, 11, 1, 14, 0, tzinfo=UTC)) is None
    noon = datetime(2026, 6, 10, 16, 0, tzinfo=UTC)
    assert before_quiet_hours(noon, QUIET, "America/New_York") == noon


def test_a_clinic_opening_at_eight_sends_its_early_patient_the_reminder_the_evening_before(app, clock):
    app.config["TOKEN_TTL_HOURS"] = 24 * 30  # the clock moves nine days; the desk stays signed in
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin, opening_hours=EVERY_DAY_FROM_8)
    clock.set(datetime(2026, 6, 1, 15, 0, tzinfo=UTC))
    booked = desk.post("/appointments", json={"patient_id": make_patient(desk), "treatment_type_id": clinic.treatment,
                                              "start": clinic_time("2026-06-10", "08:00")})
    assert booked.status_code == 201, booked.json
    texts = {n["rule_minutes"]: n for n in desk.get("/notifications", query_string={
        "appointment_id": booked.json["id"]}).json if n["purpose"] == "reminder" and n["channel"] == "sms"}
    assert texts[120]["due_at"] == "2026-06-10T00:59:00+00:00"
    clock.set(datetime(2026, 6, 10, 0, 59, tzinfo=UTC))
    with app.app_context():
        run_once("w1")
    sent = desk.get("/notifications", query_string={"appointment_id": booked.json["id"], "status": "sent"}).json
    assert [(n["channel"], n["rule_minutes"]) for n in sent if n["purpose"] == "reminder"] == [("sms", 120)]
