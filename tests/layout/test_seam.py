"""Scheduling announces what happened to sessions (scheduler.events); notifications reacts.
Booking, moving and cancelling work the same with no one listening, and write no message."""
from __future__ import annotations

import pytest

from scheduler import events
from tests.conftest import _make_app
from tests.factories import api_as, make_patient, set_up_clinic
from tests.layout.imports import graph

COURSE = {"kind": "induction", "sessions": 3, "start_on": "2026-06-08"}
WIRING = {"scheduler", "scheduler.cli"}  # the app factory and the commands wire both packages


def test_scheduling_reaches_notifications_only_through_the_seam():
    reaching = {name for name, targets in graph().items() if name.startswith("scheduler")
                and any(t.startswith("notifications") for t in targets)}
    assert reaching - WIRING == set()


@pytest.fixture
def unwired_app(database_url, clock):
    for app in _make_app(database_url, clock):
        events.wire(app, {})
        yield app


def test_a_clinic_with_no_one_listening_books_moves_and_cancels_and_writes_no_message(unwired_app):
    admin, desk = api_as(unwired_app, "admin"), api_as(unwired_app, "front_desk")
    clinic = set_up_clinic(admin)
    course = desk.post("/courses", json={"patient_id": make_patient(desk),
                                         "treatment_type_id": clinic.treatment, **COURSE})
    assert course.status_code == 201, course.json
    first, second = course.json["appointments"][:2]
    moved = desk.post(f"/appointments/{first['id']}/reschedule", json={"start": "2026-06-05T13:00:00-04:00"})
    assert moved.status_code == 200, moved.json
    assert desk.post(f"/appointments/{second['id']}/cancel", json={"reason": "unwell"}).status_code == 200
    assert desk.post(f"/courses/{course.json['id']}/cancel", json={"reason": "moved away"}).status_code == 200
    assert desk.get("/notifications").json == []


def test_a_booking_announces_itself_inside_its_own_transaction(app):
    """(The app fixture puts the wiring back after the test.)"""
    heard = []
    wired = events.wiring(app)
    events.wire(app, {**wired, events.SessionsBooked: [
        *wired[events.SessionsBooked], lambda event: heard.append([s.id for s in event.sessions])]})
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    course = desk.post("/courses", json={"patient_id": make_patient(desk),
                                         "treatment_type_id": clinic.treatment, **COURSE})
    assert heard == [[a["id"] for a in course.json["appointments"]]]  # ids: flushed, not yet committed
    assert {n["purpose"] for n in desk.get("/notifications").json} >= {"confirmation", "reminder"}


def test_with_no_one_listening_a_patients_page_shows_no_messages_and_metrics_still_answer(unwired_app):
    from tests.web.pages import pages_as, text_of

    desk = api_as(unwired_app, "front_desk")
    set_up_clinic(api_as(unwired_app, "admin"))
    patient = make_patient(desk)
    page = pages_as(unwired_app, "monitoring").get(f"/patients/{patient}")
    assert page.status_code == 200
    assert "Courses and sessions" in text_of(page)
    assert "Messages sent" not in text_of(page) and "Check-ins" not in text_of(page)
    assert unwired_app.test_client().get("/metrics").status_code == 200


def test_the_wired_app_draws_notifications_part_of_a_patients_page(app):
    from tests.web.pages import pages_as, text_of

    desk = api_as(app, "front_desk")
    set_up_clinic(api_as(app, "admin"))
    page = pages_as(app, "monitoring").get(f"/patients/{make_patient(desk)}")
    assert "Messages sent" in text_of(page) and "Check-ins" in text_of(page)
