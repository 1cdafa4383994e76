"""An appointment's life: which status changes are allowed, from where, and when."""
from datetime import timedelta

import pytest

from builders import utc
from scheduler.engine.appointment_status import HOLDING, STATUSES, TRANSITIONS, next_status
from scheduler.engine.errors import IllegalStatusChange

START = utc(2026, 5, 4, 14)  # a 10:00 session in New York
END = START + timedelta(hours=2)
SECOND = timedelta(seconds=1)

# Written out by hand, not read from the engine: action -> {status it may start from: result}.
ALLOWED = {
    "confirm": {"scheduled": "confirmed", "confirmed": "confirmed"},
    "check_in": {"scheduled": "checked_in", "confirmed": "checked_in"},
    "complete": {"checked_in": "completed"},
    "cancel": {"scheduled": "cancelled", "confirmed": "cancelled", "checked_in": "cancelled"},
    "no_show": {"scheduled": "no_show", "confirmed": "no_show"},
    "reschedule": {"scheduled": "scheduled", "confirmed": "scheduled"},
}
ALL_STATUSES = ["scheduled", "confirmed", "checked_in", "completed", "cancelled", "no_show"]

# A moment at which each action is timely, so only the status decides.
TIMELY = {
    "confirm": START - timedelta(days=1),
    "check_in": START - timedelta(minutes=30),
    "complete": END,
    "cancel": START - timedelta(days=1),
    "no_show": START + timedelta(minutes=20),
    "reschedule": START - timedelta(days=1),
}


def test_the_engine_knows_the_same_statuses_and_actions_as_the_front_desk():
    assert list(STATUSES) == ALL_STATUSES
    assert set(TRANSITIONS) == set(ALLOWED)
    assert set(HOLDING) == {"scheduled", "confirmed", "checked_in"}


@pytest.mark.parametrize("status", ALL_STATUSES)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_every_action_from_every_status_is_allowed_or_refused_as_the_table_says(action, status):
    now = TIMELY[action]
    if status in ALLOWED[action]:
        assert next_status(status, action, START, END, now) == ALLOWED[action][status]
    else:
        with pytest.raises(IllegalStatusChange, match=f"a {status} appointment cannot"):
            next_status(status, action, START, END, now)


@pytest.mark.parametrize("status", ["completed", "cancelled", "no_show"])
def test_a_finished_appointment_cannot_change_any_more(status):
    for action in ALLOWED:
        with pytest.raises(IllegalStatusChange):
            next_status(status, action, START, END, TIMELY[action])


def test_a_cancelled_appointment_no_longer_holds_its_chair():
    assert "cancelled" not in HOLDING and "no_show" not in HOLDING and "completed" not in HOLDING


def test_check_in_opens_four_hours_before_the_session():
    assert next_status("confirmed", "check_in", START, END, START - timedelta(hours=4)) == "checked_in"
    with pytest.raises(IllegalStatusChange, match="check-in opens 4 hours before"):
        next_status("confirmed", "check_in", START, END, START - timedelta(hours=4) - SECOND)


def test_a_late_patient_can_still_be_checked_in_during_the_session():
    late = START + timedelta(minutes=45)
    assert next_status("scheduled", "check_in", START, END, late) == "checked_in"


@pytest.mark.parametrize("action", ["complete", "no_show"])
def test_a_session_cannot_be_completed_or_marked_a_no_show_before_it_starts(action):
    status = "checked_in" if action == "complete" else "scheduled"
    with pytest.raises(IllegalStatusChange, match="has not started yet"):
        next_status(status, action, START, END, START - SECOND)
    assert next_status(status, action, START, END, START) == ALLOWED[action][status]


@pytest.mark.parametrize("action", ["confirm", "reschedule"])
def test_a_session_cannot_be_confirmed_or_rescheduled_once_it_has_started(action):
    assert next_status("confirmed", action, START, END, START - SECOND) == ALLOWED[action]["confirmed"]
    with pytest.raises(IllegalStatusChange, match="already started"):
        next_status("confirmed", action, START, END, START)


def test_a_session_can_be_cancelled_until_it_ends_but_not_after():
    assert next_status("checked_in", "cancel", START, END, END - SECOND) == "cancelled"
    with pytest.raises(IllegalStatusChange, match="the session is over"):
        next_status("checked_in", "cancel", START, END, END)


def test_the_wrong_status_is_reported_before_the_wrong_time():
    with pytest.raises(IllegalStatusChange, match="a completed appointment cannot check in"):
        next_status("completed", "check_in", START, END, START - timedelta(days=1))


def test_an_unknown_action_is_a_programming_error_not_a_refusal():
    with pytest.raises(KeyError):
        next_status("scheduled", "teleport", START, END, START)


def test_a_patient_cannot_be_checked_in_once_the_session_time_is_over():
    assert next_status("scheduled", "check_in", START, END, END - timedelta(minutes=1)) == "checked_in"
    with pytest.raises(IllegalStatusChange, match="time is over"):
        next_status("scheduled", "check_in", START, END, END)


def test_a_session_next_month_may_only_be_confirmed_moved_or_cancelled():
    from scheduler.engine.appointment_status import actions_open

    a_month_before = START - timedelta(days=30)
    assert actions_open("scheduled", START, END, a_month_before) == {"confirm", "cancel", "reschedule"}


def test_on_the_day_check_in_opens_and_once_started_no_show_does_and_moving_closes():
    from scheduler.engine.appointment_status import actions_open, why_not

    assert "check_in" in actions_open("confirmed", START, END, START - timedelta(hours=1))
    assert why_not("confirmed", "no_show", START, END, START - SECOND) is not None
    started = actions_open("confirmed", START, END, START + SECOND)
    assert started == {"check_in", "cancel", "no_show"}
    assert actions_open("checked_in", START, END, START + SECOND) == {"complete", "cancel"}
    assert actions_open("checked_in", START, END, END) == {"complete"}
