"""A patient's whole journey, with every log record kept, at INFO and at DEBUG: booked at the
desk's pages, reminded by the worker through twilio-python and SMTP (to the local stand-ins),
confirming from the emailed link, checked in and out, texting a low score, words of self-harm,
STOP and START, a failed delivery, an alert escalated by email and acknowledged with a note, the
patient's pages read by every role, and a stranger guessing at a sign-in with the patient's
email. Their name, phone, email and every word they or staff wrote stay out of every record.

tests/api/test_logs_keep_patients_private.py covers the API's own booking day; this adds the
pages, the worker and its providers' libraries, the webhooks and the patient's link.

LOG_LEVEL=DEBUG does not switch on SQLAlchemy's SQL log (its "sqlalchemy" logger stays at WARNING
unless someone sets it). The third run switches it on at INFO, SQLAlchemy's echo=True, as an
operator chasing a database problem might: the engine's hide_parameters keeps each query's values
out of it (and out of any traceback). Its DEBUG level (echo="debug") prints every result row,
patients' names and all, and must never be used on a server holding real patients.
"""
from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from notifications.services.patient_links import token_for
from scheduler.extensions import db
from scheduler.models import Appointment
from tests.notifications.conftest import mail_server, twilio, wired_app  # noqa: F401 (fixtures)
from tests.notifications.texting import Ward, at, status_callback, text
from tests.web.pages import pages_as

PATIENT = {"first_name": "Marguerite", "last_name": "Quixotic-Lowe", "phone": "(617) 555-0177",
           "email": "marguerite.ql@example.com", "sms_opt_in": "y", "email_opt_in": "y"}
SECRETS = ("Marguerite", "Quixotic", "5550177", "555-0177", "marguerite.ql", "example.com", "555-0199",
           "Zanzibar", "kill myself", "Called her mother", "hunter2-wrong")


@pytest.mark.parametrize(("level", "sql_statements"), [
    pytest.param(logging.INFO, False, id="INFO"),
    pytest.param(logging.DEBUG, False, id="DEBUG"),
    pytest.param(logging.DEBUG, True, id="DEBUG-and-SQL-statements"),
])
def test_a_patients_whole_journey_leaves_no_trace_of_them_in_the_logs(wired_app, clock, caplog, level,
                                                                       sql_statements):
    caplog.set_level(level)
    assert not logging.getLogger("sqlalchemy.engine").isEnabledFor(logging.INFO)  # off unless asked
    if sql_statements:
        caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    ward = Ward(wired_app, clock)
    ward.admin.put("/clinic", json={"oncall_email": "oncall@test.clinic", "escalation_minutes": 30})
    desk, nurse, admin = (pages_as(wired_app, role) for role in ("front_desk", "monitoring", "admin"))

    patient = _registered_at_the_desk(ward, desk)
    phone = ward.desk.get(f"/patients/{patient}").json["phone"]
    sessions = ward.book_three(patient)
    ward.work()  # confirmations by SMS (twilio-python) and email (SMTP, with the link)
    _confirmed_from_the_emailed_link(ward, sessions[0]["id"])
    first = sessions[0]["id"]

    clock.set(at(3, 13))  # 09:00 in New York, the first session
    assert desk.post(f"/appointments/{first}/check-in").status_code in (200, 303)
    clock.set(at(3, 15))
    assert nurse.post(f"/appointments/{first}/complete").status_code in (200, 303)
    clock.set(at(4, 15))
    ward.work()  # the check-in question goes out
    clock.set(at(4, 16))
    for body in ("2, Zanzibar feelings today", "I want to kill myself", "STOP", "START"):
        assert text(ward.client, phone, body).status_code == 200
    sent = next(n for n in ward.notes(status="sent") if n["channel"] == "sms")
    assert status_callback(ward.client, sent["provider_message_id"], "undelivered", "30003").status_code == 200
    clock.set(at(4, 17))
    ward.work()  # the alerts nobody acknowledged are escalated by email

    _every_page_read(ward, desk, nurse, admin, patient, first, sessions)
    alert = ward.listing("/alerts")[0]["id"]
    assert nurse.post(f"/monitoring/alerts/{alert}/acknowledge",
                      {"note": "Called her mother; safe at home"}).status_code in (200, 303)
    assert desk.post(f"/patients/{patient}/edit", {**PATIENT, "phone": "+1 617 555 0199"}).status_code == 303
    for _ in range(6):  # someone guessing, with the patient's email as the account
        ward.client.post("/api/v1/auth/tokens", json={"email": PATIENT["email"], "password": "hunter2-wrong"})

    records = caplog.records
    logged = "\n".join(_everything_in(record) for record in records)
    assert '"request"' in logged and "batch sent" in logged  # the web and the worker both logged
    if sql_statements:
        assert "SELECT" in logged and "SQL parameters hidden" in logged
    for secret in SECRETS:
        assert secret not in logged, secret


def test_a_database_error_in_a_traceback_carries_no_values(app):
    with app.app_context(), pytest.raises(sa.exc.DBAPIError) as raised:
        db.session.execute(sa.text("SELECT * FROM no_such_table WHERE phone = :phone"),
                           {"phone": "+16175550177"})
    assert "5550177" not in str(raised.value)
    assert "SQL parameters hidden" in str(raised.value)


def _everything_in(record: logging.LogRecord) -> str:
    """The record as the service writes it, and every attribute it carries besides (another
    formatter, or a log shipper, could print any of them)."""
    from scheduler.logs import JsonFormatter

    return JsonFormatter().format(record) + " " + repr(vars(record))


def _registered_at_the_desk(ward, desk) -> int:
    assert desk.post("/patients/new", PATIENT).status_code == 303
    for query in ("Quixotic", "617 555 0177"):
        assert desk.get("/patients", query_string={"q": query}).status_code == 200
    [found] = ward.desk.get("/patients", query_string={"q": "Quixotic"}).json
    return found["id"]


def _confirmed_from_the_emailed_link(ward, appointment_id: int) -> None:
    with ward.app.test_request_context():
        start = db.session.get(Appointment, appointment_id).start_at
        link = f"/p/{token_for(appointment_id, start)}"
    patient = ward.app.test_client()
    assert patient.get(link).status_code == 200
    assert patient.post(link, data={"action": "confirm"}).status_code == 200


def _every_page_read(ward, desk, nurse, admin, patient, first, sessions) -> None:
    course = ward.desk.get(f"/appointments/{first}").json["course_id"]
    pages = {
        desk: ["/schedule", "/schedule?day=2026-06-03", "/patients", f"/patients/{patient}",
               f"/patients/{patient}/edit", f"/appointments/{sessions[1]['id']}", f"/courses/{course}",
               "/maintenance-due", "/courses/new"],
        nurse: ["/monitoring/alerts", f"/monitoring/patients/{patient}/check-ins", "/monitoring/today",
                "/monitoring/failed-messages", f"/patients/{patient}"],
        admin: ["/admin/staff", "/admin/clinic"],
    }
    for staff, paths in pages.items():
        for path in paths:
            assert staff.get(path).status_code == 200, path
