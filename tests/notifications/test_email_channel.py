"""Email through smtplib to a real SMTP server on 127.0.0.1: text and HTML, and a calendar invite
that follows the session as it is booked, moved and cancelled."""
from datetime import datetime

import pytest
from icalendar import Calendar

from scheduler.extensions import db
from scheduler.models import Clinic
from tests.factories import api_as, make_patient

from .conftest import CLINIC_EMAIL
from .test_outbox_loop import book_three, notes, work


def invites(email) -> list[tuple[str, Calendar]]:
    """Each calendar invitation an email carries, with the method its Content-Type announces."""
    found = []
    for part in email.iter_attachments():
        if part.get_content_type() == "text/calendar":
            found.append((part.get_param("method"), Calendar.from_ical(part.get_payload(decode=True))))
    return found


def invite(email) -> tuple[str, Calendar]:
    """The one invitation an email about one session carries."""
    [only] = invites(email)
    return only


def uid_of(wired_app, appointment_id) -> str:
    with wired_app.app_context():
        return f"appointment-{appointment_id}@{db.session.get(Clinic, 1).calendar_domain}"


def the_email(desk, purpose) -> dict:
    return next(n for n in notes(desk) if n["purpose"] == purpose and n["channel"] == "email")


def test_the_booking_email_reads_as_text_and_html_and_puts_every_session_in_the_calendar(
        wired_app, clinic, desk, mail_server):
    # A name HTML must show, not parse.
    api_as(wired_app, "admin").put("/clinic", json={"name": "Hope & Healing <Clinic>"})
    patient = make_patient(desk, email="sam@example.com")
    sessions = book_three(wired_app, desk, clinic, patient)
    work(wired_app)
    [email] = mail_server.messages
    assert email["To"] == "sam@example.com" and email["From"] == CLINIC_EMAIL
    assert email["Subject"] == "Your booking at Hope & Healing <Clinic>"
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    assert "Hope & Healing <Clinic>" in text
    assert "Hope &amp; Healing &lt;Clinic&gt;" in html and "<Clinic>" not in html
    assert f'<a href="https://clinic.example.org/p/' in html  # the patient's page opens with a tap
    # One invitation per session, so every session lands in the calendar, not just the first.
    sent = invites(email)
    assert len(sent) == len(sessions)
    for (method, calendar), session in zip(sent, sessions):
        assert method == calendar["METHOD"] == "REQUEST"
        [event] = calendar.events
        assert event.uid == uid_of(wired_app, session["id"]) and event.sequence == 0
        assert event["SUMMARY"] == "Appointment at Hope & Healing <Clinic>"
    assert [p.get_filename() for p in email.iter_attachments()] == [
        "session-2026-06-03.ics", "session-2026-06-04.ics", "session-2026-06-05.ics"]
    assert the_email(desk, "confirmation")["status"] == "sent"


def test_the_sessions_sit_at_clinic_time_in_the_calendar(wired_app, clinic, desk, mail_server):
    book_three(wired_app, desk, clinic, make_patient(desk, timezone="America/Los_Angeles"))
    work(wired_app)
    _, calendar = invites(mail_server.messages[0])[0]
    [first] = calendar.events
    assert first.start.tzinfo.key == "America/New_York"
    assert first.start.replace(tzinfo=None) == datetime(2026, 6, 3, 9, 0)
    assert b"DTSTART;TZID=America/New_York:20260603T090000" in calendar.to_ical()
    assert [tz.tz_name for tz in calendar.timezones] == ["America/New_York"]


def test_a_moved_session_updates_the_same_calendar_entry(wired_app, clinic, desk, mail_server):
    sessions = book_three(wired_app, desk, clinic, make_patient(desk))
    work(wired_app)
    moved = desk.post(f"/appointments/{sessions[2]['id']}/reschedule",
                      json={"start": "2026-06-12T10:00:00-04:00"})
    assert moved.status_code == 200, moved.json
    work(wired_app)
    booked = [calendar.events[0] for _, calendar in invites(mail_server.messages[0])]
    method, update = invite(mail_server.messages[1])
    [after] = update.events
    [before] = [e for e in booked if e.uid == after.uid]
    assert method == "REQUEST"
    assert after.sequence > before.sequence
    assert after.start.isoformat() == "2026-06-12T10:00:00-04:00"


def test_a_cancelled_session_is_removed_from_the_calendar(wired_app, clinic, desk, mail_server):
    sessions = book_three(wired_app, desk, clinic, make_patient(desk))
    work(wired_app)
    desk.post(f"/appointments/{sessions[0]['id']}/cancel", json={"reason": "unwell"})
    work(wired_app)
    method, calendar = invite(mail_server.messages[1])
    [event] = calendar.events
    assert method == calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event.uid == uid_of(wired_app, sessions[0]["id"])
    assert event.sequence > 0  # outranks the REQUEST the calendar holds


def test_a_cancelled_course_is_removed_from_the_calendar_session_by_session(
        wired_app, clinic, desk, mail_server):
    sessions = book_three(wired_app, desk, clinic, make_patient(desk))
    course = desk.get(f"/appointments/{sessions[0]['id']}").json["course_id"]
    work(wired_app)
    assert desk.post(f"/courses/{course}/cancel").status_code == 200
    work(wired_app)
    cancelled = invites(mail_server.messages[1])
    assert {method for method, _ in cancelled} == {"CANCEL"}
    assert sorted(calendar.events[0].uid for _, calendar in cancelled) == sorted(
        uid_of(wired_app, s["id"]) for s in sessions)


def test_a_mail_server_that_is_down_gets_the_email_later_once(wired_app, clinic, desk,
                                                              mail_server, clock):
    mail_server.stop()
    book_three(wired_app, desk, clinic, make_patient(desk))
    assert work(wired_app) == {"sent": 1, "pending": 1}  # the text goes; the email waits
    waiting = the_email(desk, "confirmation")
    assert "mail server unreachable" in waiting["error"]
    mail_server.start()
    clock.set(datetime.fromisoformat(waiting["due_at"]))
    assert work(wired_app) == {"sent": 1}
    assert len(mail_server.messages) == 1
    assert work(wired_app) == {}


@pytest.mark.parametrize("reply, status", [("550 5.1.1 no such mailbox", "failed"),
                                           ("450 4.2.1 try again later", "pending")],
                         ids=["no-such-mailbox", "greylisted"])
def test_an_address_the_mail_server_refuses_fails_at_once_unless_it_says_try_later(
        wired_app, clinic, desk, mail_server, reply, status):
    mail_server.refuse("gone@example.com", reply)
    book_three(wired_app, desk, clinic, make_patient(desk, email="gone@example.com"))
    work(wired_app)
    refused = the_email(desk, "confirmation")
    assert refused["status"] == status and reply[:3] in refused["error"]
    assert mail_server.messages == []


def test_the_invitation_names_the_patient_and_the_clinic_and_asks_for_no_reply(
        wired_app, clinic, desk, mail_server):
    api_as(wired_app, "admin").put("/clinic", json={"sms_name": "Riverside Health"})
    book_three(wired_app, desk, clinic, make_patient(desk, first_name="Rosalind", email="ros@example.com"))
    work(wired_app)
    for _, calendar in invites(mail_server.messages[0]):
        [event] = calendar.events
        assert event["ORGANIZER"] == "mailto:bookings@test.clinic"
        assert event["ORGANIZER"].params["CN"] == "Riverside Health"
        [attendee] = event.attendees
        assert attendee == "mailto:ros@example.com"
        assert attendee.params["CN"] == "Rosalind"
        assert attendee.params["PARTSTAT"] == "ACCEPTED" and attendee.params["RSVP"] == "FALSE"


def test_a_session_keeps_its_calendar_entry_when_the_service_moves_to_another_address(
        wired_app, clinic, desk, mail_server):
    sessions = book_three(wired_app, desk, clinic, make_patient(desk))
    work(wired_app)
    wired_app.config["PUBLIC_BASE_URL"] = "https://new-host.example.net"
    assert desk.post(f"/appointments/{sessions[1]['id']}/reschedule",
                     json={"start": "2026-06-12T10:00:00-04:00"}).status_code == 200
    work(wired_app)
    booked = {calendar.events[0].uid for _, calendar in invites(mail_server.messages[0])}
    _, moved = invite(mail_server.messages[1])
    assert moved.events[0].uid in booked
    assert "example" not in moved.events[0].uid  # named by the clinic, not by where it runs
