"""Health and metrics, as an operator or a load balancer reads them."""
from __future__ import annotations

import re
from datetime import timedelta

from tests.factories import add_due_reminders, api_as, book_session, clinic_time, make_patient, set_up_clinic


def _gauge(text: str, name: str) -> float:
    return float(re.search(rf"^{name} (\S+)$", text, re.M).group(1))


def test_health_answers_ok_while_the_database_answers(client):
    assert client.get("/healthz").json == {"status": "ok", "database": "ok"}


def test_metrics_report_the_backlog_of_due_messages_and_how_long_it_has_waited(app, client, clock):
    desk = api_as(app, "front_desk")
    clinic = set_up_clinic(api_as(app, "admin"))
    booked = book_session(desk, make_patient(desk), clinic.treatment, clinic_time("2026-06-04", "10:00"))
    assert booked.status_code == 201
    before = client.get("/metrics").get_data(as_text=True)
    add_due_reminders(app, booked.json, 7, clock() - timedelta(minutes=10))
    after = client.get("/metrics").get_data(as_text=True)
    assert _gauge(after, "notifications_due") == _gauge(before, "notifications_due") + 7
    assert _gauge(after, "notifications_oldest_due_seconds") >= 600
