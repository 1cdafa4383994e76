"""Alerts: a low check-in score or words of self-harm open one; monitoring staff acknowledge it
once; one nobody acknowledges in time is emailed to on-call, once."""
from __future__ import annotations

from sqlalchemy import select

from notifications.services import escalation
from notifications.services.escalation import escalate_overdue_alerts
from notifications.channels import Delivery, TransientFailure
from scheduler.extensions import db
from scheduler.models import AuditEvent

from .texting import answer, at, text


def alerts(ward, api=None, **query):
    return ward.listing("/alerts", api, **query)


def scored(ward, clock, body="2", **patient_fields):
    """A patient whose check-in went out answers it at 16:00 on 4 June; (patient, phone, reply)."""
    patient, phone = ward.patient(**patient_fields)
    ward.check_in_sent(patient)
    clock.set(at(4, 16))
    return patient, phone, answer(text(ward.client, phone, body))


class RecordingChannel:
    def __init__(self, fail_with: Exception | None = None):
        self.sent, self.fail_with = [], fail_with

    def send(self, message):
        if self.fail_with:
            raise self.fail_with
        self.sent.append(message)
        return Delivery(f"rec-{len(self.sent)}")


# Opening alerts.

def test_a_score_at_or_below_the_clinics_line_opens_a_high_alert(ward, clock):
    patient, phone, [reply] = scored(ward, clock, "2")
    [checkin] = ward.listing("/checkins", patient_id=patient)
    [alert] = alerts(ward, status="open")
    assert alert == {
        "id": alert["id"], "patient_id": patient, "checkin_id": checkin["id"],
        "inbound_message_id": alert["inbound_message_id"], "questionnaire_id": None, "severity": "high",
        "reason": "check-in score 2 (alert at 3 or below)", "status": "open",
        "created_at": "2026-06-04T16:00:00+00:00", "acknowledged_by": None, "acknowledged_at": None,
        "note": None, "escalated_at": None}
    assert checkin["score"] == 2
    # The patient is told someone will look, when, and where to turn meanwhile.
    assert "opening hours" in reply and "988" in reply


def test_the_alert_line_is_the_clinics_setting(ward, clock):
    ward.admin.put("/clinic", json={"alert_score_at_or_below": 5})
    scored(ward, clock, "5")
    assert [a["severity"] for a in alerts(ward)] == ["high"]


def test_a_score_above_the_line_opens_none(ward, clock):
    scored(ward, clock, "4")
    assert alerts(ward) == []


def test_words_of_self_harm_open_an_urgent_alert_and_answer_with_crisis_lines(ward, clock):
    patient, phone, [reply] = scored(ward, clock, "I want to kill myself")
    [alert] = alerts(ward, status="open")
    assert (alert["severity"], alert["patient_id"]) == ("urgent", patient)
    assert "988" in reply and "911" in reply and "(617) 555-0100" in reply
    assert "24/7" not in reply and "24 hours" not in reply and "around the clock" not in reply
    [checkin] = ward.listing("/checkins")
    assert (checkin["score"], checkin["text"]) == (None, "I want to kill myself")
    assert checkin["responded_at"] == "2026-06-04T16:00:00+00:00"


def test_words_of_self_harm_with_a_score_open_one_urgent_alert_and_record_the_score(ward, clock):
    scored(ward, clock, "1. i want to die")
    [alert] = alerts(ward)
    assert alert["severity"] == "urgent" and "score 1" in alert["reason"]
    assert ward.listing("/checkins")[0]["score"] == 1


def test_words_of_self_harm_alert_even_with_no_check_in_waiting(ward):
    patient, phone = ward.patient()
    answer(text(ward.client, phone, "no reason to live anymore"))
    [alert] = alerts(ward)
    assert (alert["severity"], alert["patient_id"], alert["checkin_id"]) == ("urgent", patient, None)


def test_the_crisis_answer_is_the_clinics_own_text(ward):
    ward.admin.put("/clinic", json={"crisis_text": "Call Samaritans on 116 123 now."})
    assert ward.admin.get("/clinic").json["crisis_text"] == "Call Samaritans on 116 123 now."
    patient, phone = ward.patient()
    [reply] = answer(text(ward.client, phone, "suicidal"))
    assert "Samaritans on 116 123" in reply


def test_words_of_self_harm_from_a_number_not_on_file_still_alert(ward):
    [reply] = answer(text(ward.client, "+16175559876", "I want to end my life"))
    assert "988" in reply and "Riverside" not in reply
    [alert] = alerts(ward)
    assert (alert["severity"], alert["patient_id"]) == ("urgent", None)
    [message] = ward.listing("/inbound-messages")
    assert message["id"] == alert["inbound_message_id"] and message["from_phone"] == "+16175559876"


def test_words_of_self_harm_from_a_number_that_said_stop_alert_but_get_no_text(ward):
    patient, phone = ward.patient()
    answer(text(ward.client, phone, "STOP"))
    assert answer(text(ward.client, phone, "i want to kill myself")) == []
    assert [a["severity"] for a in alerts(ward)] == ["urgent"]


def test_alerts_list_urgent_first_then_the_longest_waiting(ward, clock):
    patients = [ward.patient() for _ in range(3)]
    bodies = ["sad, 1/10 and suicidal", "suicide", "hurt myself"]
    for n, ((patient, phone), body) in enumerate(zip(patients, bodies)):
        clock.set(at(2, 12 + n))
        answer(text(ward.client, phone, body))
    clock.set(at(2, 15))
    quiet_patient, quiet_phone = ward.patient()
    answer(text(ward.client, quiet_phone, "self harm"))
    listed = alerts(ward, status="open")
    assert [a["created_at"][11:13] for a in listed] == ["12", "13", "14", "15"]
    first = listed[0]["id"]
    assert ward.nurse.post(f"/alerts/{first}/acknowledge", json={"note": "called"}).status_code == 200
    assert [a["created_at"][11:13] for a in alerts(ward, status="open")] == ["13", "14", "15"]
    assert [a["status"] for a in alerts(ward, status="acknowledged")] == ["acknowledged"]
    assert len(alerts(ward)) == 4


def test_urgent_alerts_come_before_older_high_ones(ward, clock):
    scored(ward, clock, "1")  # high, 4 June 16:00
    clock.set(at(4, 17))
    patient, phone = ward.patient()
    answer(text(ward.client, phone, "i want to die"))
    assert [a["severity"] for a in alerts(ward, status="open")] == ["urgent", "high"]


# Acknowledging.

def test_monitoring_acknowledges_an_alert_once(ward, clock):
    patient, phone, _ = scored(ward, clock, "1")
    [alert] = alerts(ward)
    clock.set(at(4, 16, 20))
    response = ward.nurse.post(f"/alerts/{alert['id']}/acknowledge", json={"note": "Called; safe at home."})
    assert response.status_code == 200, response.json
    done = response.json
    assert (done["status"], done["acknowledged_at"], done["note"]) == (
        "acknowledged", "2026-06-04T16:20:00+00:00", "Called; safe at home.")
    with ward.app.app_context():
        audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "alert.acknowledge")).all()
    assert [(a.object_id, a.staff_id) for a in audit] == [(alert["id"], done["acknowledged_by"])]
    assert "Called" not in repr(audit[0].details)

    again = ward.admin.post(f"/alerts/{alert['id']}/acknowledge", json={"note": "me too"})
    assert again.status_code == 409, again.json
    assert alerts(ward)[0]["note"] == "Called; safe at home."
    assert alerts(ward, status="open") == []


def test_acknowledging_needs_no_note_and_an_alert_that_exists(ward, clock):
    scored(ward, clock, "0")
    [alert] = alerts(ward)
    assert ward.admin.post(f"/alerts/{alert['id']}/acknowledge").status_code == 200
    assert ward.nurse.post("/alerts/999999/acknowledge", json={"note": "x"}).status_code == 404
    assert ward.nurse.post(f"/alerts/{alert['id']}/acknowledge", json={"note": 5}).status_code == 422


def test_front_desk_sees_texts_but_not_check_ins_or_alerts(ward, clock):
    scored(ward, clock, "2")
    [alert] = alerts(ward)
    assert ward.desk.get("/alerts").status_code == 403
    assert ward.desk.get("/checkins").status_code == 403
    assert ward.desk.post(f"/alerts/{alert['id']}/acknowledge", json={"note": "x"}).status_code == 403
    assert alerts(ward)[0]["status"] == "open"
    assert [m["body"] for m in ward.listing("/inbound-messages", ward.desk)] == ["2"]
    for api in (ward.nurse, ward.admin):
        assert api.get("/alerts").status_code == 200 and api.get("/checkins").status_code == 200


# Escalation.

def on_call(ward, minutes=60):
    response = ward.admin.put("/clinic", json={"oncall_email": "oncall@test.clinic",
                                               "escalation_minutes": minutes})
    assert response.status_code == 200, response.json


def escalate(ward, when, channel):
    with ward.app.app_context():
        return escalate_overdue_alerts(when, channel)


def test_an_alert_left_open_past_the_escalation_time_is_emailed_to_on_call_once(ward, clock):
    on_call(ward, minutes=30)
    patient, phone, _ = scored(ward, clock, "Marguerite here. I want to kill myself", first_name="Marguerite")
    [alert] = alerts(ward)
    email = RecordingChannel()
    assert escalate(ward, at(4, 16, 29), email) == 0
    assert escalate(ward, at(4, 16, 30), email) == 1
    assert escalate(ward, at(4, 17, 30), email) == 0
    [page] = email.sent
    assert page.to == "oncall@test.clinic"
    assert f"Alert {alert['id']}" in page.text and f"patient {patient}" in page.text
    assert "https://clinic.example.org/api/v1/alerts" in page.text
    assert str(alert["id"]) in page.subject
    for secret in ("Marguerite", "kill", phone, phone[2:]):
        assert secret not in page.text and secret not in (page.subject or "")
    assert alerts(ward)[0]["escalated_at"] == "2026-06-04T16:30:00+00:00"


def test_an_acknowledged_alert_is_not_escalated(ward, clock):
    on_call(ward)
    scored(ward, clock, "1")
    [alert] = alerts(ward)
    ward.nurse.post(f"/alerts/{alert['id']}/acknowledge", json={"note": "on it"})
    email = RecordingChannel()
    assert escalate(ward, at(5, 12), email) == 0 and email.sent == []


def test_without_an_on_call_address_nothing_is_escalated(ward, clock):
    scored(ward, clock, "1")
    email = RecordingChannel()
    assert escalate(ward, at(5, 12), email) == 0 and email.sent == []
    assert alerts(ward)[0]["escalated_at"] is None


def test_an_escalation_email_that_fails_is_tried_again_next_time(ward, clock):
    on_call(ward)
    scored(ward, clock, "1")
    assert escalate(ward, at(4, 17), RecordingChannel(TransientFailure("mail server down"))) == 0
    assert alerts(ward)[0]["escalated_at"] is None
    email = RecordingChannel()
    assert escalate(ward, at(4, 17, 5), email) == 1 and len(email.sent) == 1


def test_the_worker_escalates_on_each_tick_and_sends_one_email(ward, clock):
    on_call(ward)
    scored(ward, clock, "1")
    clock.set(at(4, 17, 1))
    email = RecordingChannel()
    channels = {"sms": RecordingChannel(), "email": email}
    ward.work(channels)
    ward.work(channels)
    assert [m.to for m in email.sent] == ["oncall@test.clinic"]
    assert alerts(ward)[0]["escalated_at"] == "2026-06-04T17:01:00+00:00"


def test_a_failing_escalation_does_not_stop_the_worker_sending(ward, clock, monkeypatch):
    on_call(ward)

    def broken(now, email=None):
        raise RuntimeError("escalation is broken")

    monkeypatch.setattr(escalation, "escalate_overdue_alerts", broken)
    patient, phone = ward.patient()
    ward.book_three(patient)
    assert ward.work() == {"sent": 2}
