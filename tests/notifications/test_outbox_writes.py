"""How a booking's messages reach the outbox: every row a course plans (its confirmation, each
session's reminders, the questionnaires' messages and their reminders) in one INSERT, read back
afterwards like any other row."""
from __future__ import annotations

from collections import Counter
from contextlib import contextmanager

from sqlalchemy import event, select

from notifications.models import Notification, Questionnaire
from scheduler.extensions import db
from tests.factories import api_as, make_patient, set_up_clinic

RULES = [{"instrument": "phq9", "before_minutes": 2880}, {"instrument": "gad7", "every_days": 14}]


@contextmanager
def statements_into(app, table: str):
    """The INSERT statements sent to the database for `table` (an executemany counts once)."""
    seen: list[tuple[str, int]] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()} "):
            seen.append((statement, len(parameters) if executemany else 1))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def book_course(app, sessions: int) -> tuple[int, dict]:
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    assert admin.put("/clinic", json={"questionnaire_rules": RULES}).status_code == 200
    patient = make_patient(desk, email="robin@example.org", email_opt_in=True)
    booked = desk.post("/courses", json={"patient_id": patient, "treatment_type_id": clinic.treatment,
                                         "kind": "induction", "sessions": sessions, "start_on": "2026-06-08"})
    assert booked.status_code == 201, booked.json
    return patient, booked.json


def test_a_course_writes_all_its_messages_in_one_statement(app):
    with statements_into(app, "notification") as inserts:
        patient, _ = book_course(app, sessions=6)
    rows = api_as(app, "admin").get("/notifications", query_string={"patient_id": patient,
                                                                    "page_size": 1000}).json
    purposes = Counter(row["purpose"] for row in rows)
    # Confirmation, reminders for six sessions, and two questionnaires with their reminders.
    assert purposes["confirmation"] >= 1 and purposes["reminder"] >= 6
    assert purposes["questionnaire"] >= 2 and purposes["questionnaire_reminder"] >= 2
    assert len(inserts) == 1, [statement for statement, _ in inserts]
    assert sum(count for _, count in inserts) == len(rows)


def test_the_rows_written_in_bulk_read_back_with_their_links(app):
    patient, course = book_course(app, sessions=3)
    with app.app_context():
        rows = db.session.scalars(select(Notification).where(Notification.patient_id == patient)).all()
        forms = {q.id: q.appointment_id for q in db.session.scalars(select(Questionnaire))}
    assert {row.appointment_id for row in rows} == {a["id"] for a in course["appointments"]}
    assert all(row.status in ("pending", "skipped") and row.attempts == 0 for row in rows)
    linked = [row for row in rows if row.purpose.startswith("questionnaire")]
    assert len(linked) == 4 * len(forms) and forms  # each form: its message and reminder, SMS and email
    assert all(forms[row.questionnaire_id] == row.appointment_id for row in linked)
