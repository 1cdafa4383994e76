"""`flask sms-in PHONE TEXT`: a patient's text tried from the command line, where no Twilio
account signs webhooks (the demo). It goes through the webhook's own handling."""
from __future__ import annotations

from tests.factories import api_as, book_session, clinic_time, make_patient, set_up_clinic


def test_a_patient_texting_c_confirms_the_next_session_and_hears_back(app):
    desk = api_as(app, "front_desk")
    clinic = set_up_clinic(api_as(app, "admin"))
    patient = make_patient(desk, phone="+16175550142")
    booked = book_session(desk, patient, clinic.treatment, clinic_time("2026-06-04", "10:00")).json

    answer = app.test_cli_runner().invoke(args=["sms-in", "(617) 555-0142", "c"])

    assert answer.exit_code == 0, answer.output
    assert "confirmed" in answer.output
    assert desk.get(f"/appointments/{booked['id']}").json["status"] == "confirmed"
    texts = desk.get("/inbound-messages", query_string={"patient_id": patient}).json
    assert [(text["kind"], text["reply"]) for text in texts] == [("confirm", answer.output.strip())]


def test_after_stop_the_command_says_no_reply_goes_back(app):
    desk = api_as(app, "front_desk")
    set_up_clinic(api_as(app, "admin"))
    patient = make_patient(desk, phone="+16175550143")
    runner = app.test_cli_runner()

    assert runner.invoke(args=["sms-in", "+16175550143", "STOP"]).exit_code == 0
    help_after_stop = runner.invoke(args=["sms-in", "+16175550143", "HELP"])

    assert help_after_stop.exit_code == 0 and "no reply" in help_after_stop.output
    assert desk.get(f"/patients/{patient}").json["sms_opted_out"] is True
