"""PHQ-9 and GAD-7 by signed link: sent by the clinic's rules at their times, reminded once,
answered on the patient's phone, scored, and alerted on in the same request."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from notifications.engine import questionnaires as forms
from notifications.engine.segments import segments
from notifications.worker import run_once
from tests.factories import api_as, make_patient, set_up_clinic

UTC = timezone.utc
RULES = [{"instrument": "phq9", "before_minutes": 2880}, {"instrument": "gad7", "every_days": 14}]
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)  # the test clock's start
PHQ9_ITEM_9_AT_1 = [0, 0, 0, 0, 0, 0, 0, 0, 1]


@pytest.fixture(autouse=True)
def tokens_that_outlive_the_month(app):
    app.config["TOKEN_TTL_HOURS"] = 24 * 60


def course_with_forms(app, start_on="2026-06-08", sessions=4):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    assert admin.put("/clinic", json={"questionnaire_rules": RULES, "phone": "+16175550100",
                                      "sms_name": "Riverside"}).status_code == 200
    patient = make_patient(desk)
    booked = desk.post("/courses", json={"patient_id": patient, "treatment_type_id": clinic.treatment,
                                         "kind": "induction", "sessions": sessions, "start_on": start_on})
    assert booked.status_code == 201, booked.json
    return patient, booked.json["appointments"]


def listing(app, path, **query) -> list[dict]:
    response = api_as(app, "admin").get(path, query_string={"page_size": 1000, **query})
    assert response.status_code == 200, response.json
    return response.json


def messages(app, patient, purpose="questionnaire", channel="sms"):
    return [n for n in listing(app, "/notifications", patient_id=patient)
            if n["purpose"] == purpose and n["channel"] == channel]


def sent_link(app, clock, patient, instrument) -> str:
    """Send what is due and return the path of the form's link from the text that went out."""
    with app.app_context():
        run_once("w1")
    [form] = [q for q in listing(app, "/questionnaires", patient_id=patient) if q["instrument"] == instrument][:1]
    texts = [n for n in messages(app, patient) if n["status"] == "sent"]
    for text in texts:
        link = re.search(r"https?://[^/\s]+(/q/\S+)", text["body"])
        if link and app.test_client().get(link.group(1)).get_data(as_text=True).count("<fieldset") \
                == len(forms.INSTRUMENTS[instrument].items):
            return link.group(1)
    raise AssertionError(f"no sent {instrument} link: {form}")


def answer(app, link, answers):
    return app.test_client().post(link, data={f"item{n}": str(a) for n, a in enumerate(answers, 1)})


def test_the_rules_send_a_phq9_two_days_before_each_session_and_a_gad7_every_two_weeks(app):
    patient, sessions = course_with_forms(app, sessions=4)
    texts = messages(app, patient)
    starts = [datetime.fromisoformat(s["start"]) for s in sessions]
    due = sorted(datetime.fromisoformat(n["due_at"]) for n in texts)
    before = sorted(max(s - timedelta(minutes=2880), NOW) for s in starts)
    every = [NOW + timedelta(days=14 * n) for n in range(3) if NOW + timedelta(days=14 * n) < max(starts)]
    assert due == sorted(before + every)


def test_an_unanswered_form_is_reminded_once_a_day_later_and_an_answered_one_not_at_all(app, clock):
    patient, _ = course_with_forms(app, start_on="2026-06-02", sessions=3)
    reminders = messages(app, patient, "questionnaire_reminder")
    forms_sent = messages(app, patient)
    assert sorted(r["due_at"] for r in reminders) == sorted(
        (datetime.fromisoformat(f["due_at"]) + forms.REMIND_AFTER).isoformat() for f in forms_sent)
    link = sent_link(app, clock, patient, "gad7")
    assert answer(app, link, [1] * 7).status_code == 200
    clock.advance(days=1, minutes=1)
    with app.app_context():
        run_once("w1")
    outcomes = {(r["status"], r["error"]) for r in messages(app, patient, "questionnaire_reminder")
                if datetime.fromisoformat(r["due_at"]) <= clock()}
    assert ("skipped", "the form is answered or closed") in outcomes  # the answered GAD-7's
    assert any(status == "sent" for status, _ in outcomes)  # the PHQ-9 nobody answered


def test_the_text_fits_one_segment_and_names_no_instrument(app, clock):
    patient, _ = course_with_forms(app, start_on="2026-06-02", sessions=3)
    with app.app_context():
        run_once("w1")
    for purpose in ("questionnaire", "questionnaire_reminder"):
        clock.advance(days=1, minutes=1)
        with app.app_context():
            run_once("w1")
        for text in messages(app, patient, purpose):
            if text["status"] == "sent":
                body = text["body"]
                assert segments(body) == 1, (len(body), body)
                assert not re.search(r"phq|gad|depress|anxi|ketamine", body, re.I), body


def test_a_phq9_with_item_9_above_0_opens_an_urgent_alert_at_once_and_shows_the_crisis_text(app, clock):
    patient, _ = course_with_forms(app, start_on="2026-06-02", sessions=3)
    link = sent_link(app, clock, patient, "phq9")
    page = answer(app, link, PHQ9_ITEM_9_AT_1)
    assert page.status_code == 200
    assert "988" in page.get_data(as_text=True)  # the clinic's crisis text, on the page itself
    [alert] = listing(app, "/alerts", status="open")
    assert (alert["patient_id"], alert["severity"]) == (patient, "urgent")
    assert alert["questionnaire_id"] is not None and "item 9" in alert["reason"]
    [form] = [q for q in listing(app, "/questionnaires", patient_id=patient)
              if q["completed_at"]]
    assert (form["instrument"], form["answers"], form["total"], form["severity"]) == (
        "phq9", PHQ9_ITEM_9_AT_1, 1, "minimal")


def test_a_total_at_the_clinics_line_opens_a_high_alert(app, clock):
    patient, _ = course_with_forms(app, start_on="2026-06-02", sessions=3)
    link = sent_link(app, clock, patient, "phq9")
    page = answer(app, link, [3, 3, 3, 3, 3, 3, 2, 0, 0])  # 20, item 9 at 0
    assert page.status_code == 200 and "988" not in page.get_data(as_text=True).split("Questions?")[0]
    [alert] = listing(app, "/alerts", status="open")
    assert alert["severity"] == "high" and "PHQ-9 total 20, severe" in alert["reason"]


def test_a_total_below_the_line_opens_none(app, clock):
    patient, _ = course_with_forms(app, start_on="2026-06-02", sessions=3)
    assert answer(app, sent_link(app, clock, patient, "phq9"), [2] * 8 + [0]).status_code == 200
    assert listing(app, "/alerts", status="open") == []


def test_a_missing_answer_is_named_and_nothing_is_saved(app, clock):
    patient, _ = course_with_forms(app, start_on="2026-06-02", sessions=3)
    link = sent_link(app, clock, patient, "gad7")
    page = app.test_client().post(link, data={"item1": "1", "item2": "7", "item3": "0"})
    assert page.status_code == 400
    assert "Please answer\n      questions 2, 4, 5, 6, 7" in page.get_data(as_text=True)
    assert not any(q["completed_at"] for q in listing(app, "/questionnaires",
                                                                                patient_id=patient))


def test_a_tampered_link_gets_a_plain_page_and_changes_nothing(app, clock):
    patient, _ = course_with_forms(app, start_on="2026-06-02", sessions=3)
    link = sent_link(app, clock, patient, "phq9")
    tampered = link[:-2] + ("aa" if not link.endswith("aa") else "bb")
    other_id = re.sub(r"/q/\d+", "/q/1", link) if "/q/1." not in link else re.sub(r"/q/\d+", "/q/2", link)
    for bad in (tampered, other_id, "/q/nonsense"):
        page = answer(app, bad, PHQ9_ITEM_9_AT_1)
        assert page.status_code == 400
        assert "This link is not valid" in page.get_data(as_text=True)
    assert listing(app, "/alerts") == []


def test_an_expired_link_gets_a_plain_page_and_changes_nothing(app, clock):
    patient, _ = course_with_forms(app, start_on="2026-06-02", sessions=3)
    link = sent_link(app, clock, patient, "phq9")
    clock.advance(days=8)
    page = answer(app, link, PHQ9_ITEM_9_AT_1)
    assert page.status_code == 410 and "This form has closed" in page.get_data(as_text=True)
    assert listing(app, "/alerts") == []


def test_a_form_answered_twice_keeps_the_first_answers(app, clock):
    patient, _ = course_with_forms(app, start_on="2026-06-02", sessions=3)
    link = sent_link(app, clock, patient, "gad7")
    assert answer(app, link, [0] * 7).status_code == 200
    again = answer(app, link, [3] * 7)
    assert again.status_code == 409 and "already filled in" in again.get_data(as_text=True)
    [form] = [q for q in listing(app, "/questionnaires", patient_id=patient)
              if q["completed_at"]]
    assert form["total"] == 0


def test_the_page_carries_the_patient_pages_headers_and_the_published_wording(app, clock):
    patient, _ = course_with_forms(app, start_on="2026-06-02", sessions=3)
    page = app.test_client().get(sent_link(app, clock, patient, "phq9"))
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in page.headers
    text = page.get_data(as_text=True)
    assert "Over the last 2 weeks, how often have you been bothered by any of the following problems?" in text
    assert "Thoughts that you would be better off dead or of hurting yourself in some way" in text
    for label, _ in forms.ANSWERS:
        assert label in text


def test_bad_clinic_rules_are_refused_with_the_field_named(app):
    admin = api_as(app, "admin")
    set_up_clinic(admin)
    for bad in ([{"instrument": "bdi", "every_days": 14}], [{"instrument": "phq9"}],
                [{"instrument": "phq9", "every_days": 14, "before_minutes": 60}],
                [{"instrument": "gad7", "every_days": 0}]):
        response = admin.put("/clinic", json={"questionnaire_rules": bad})
        assert response.status_code == 422, (bad, response.json)
        assert "questionnaire_rules" in str(response.json), response.json
    assert admin.put("/clinic", json={"phq9_alert_at": 30}).status_code == 422
