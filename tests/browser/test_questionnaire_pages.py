"""A questionnaire in a real browser: the patient opens the texted link on a phone, answers in a
few taps, and sees the crisis text at once after a PHQ-9 item 9 above 0; monitoring staff then
see the urgent alert and the patient's PHQ-9 and GAD-7 totals charted over their bands beside the
sessions. No accessibility problem axe-core calls serious on either page."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from playwright.sync_api import expect

from notifications.models import Questionnaire
from notifications.worker import run_once
from scheduler.extensions import db

from ..factories import api_as, make_patient, set_up_clinic
from .conftest import sign_in
from .conftest import no_serious_problems

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
RULES = [{"instrument": "phq9", "before_minutes": 2880}, {"instrument": "gad7", "every_days": 14}]
HISTORY = {"phq9": [(0, 18), (14, 13), (28, 8), (42, 4)], "gad7": [(0, 16), (14, 11), (28, 7), (42, 3)]}


def booked_with_forms(app, clock):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    assert admin.put("/clinic", json={"questionnaire_rules": RULES, "phone": "+16175550100"}).status_code == 200
    patient = make_patient(desk, first_name="Ada", last_name="Lovelace")
    booked = desk.post("/courses", json={"patient_id": patient, "treatment_type_id": clinic.treatment,
                                         "kind": "induction", "sessions": 3, "start_on": "2026-06-02"})
    assert booked.status_code == 201, booked.json
    with app.app_context():
        run_once("w1")
    return desk, patient, booked.json["appointments"]


def phq9_link(desk, patient) -> str:
    texts = desk.get("/notifications", query_string={"patient_id": patient, "page_size": 100}).json
    for note in texts:
        if note["purpose"] == "questionnaire" and note["channel"] == "sms" and note["status"] == "sent":
            link = re.search(r"(/q/\S+)", note["body"]).group(1)
            yield link


def test_a_patient_answers_on_a_phone_and_item_9_shows_the_crisis_text_at_once(browser, server, live_app,
                                                                                  clock, screenshot_dir):
    desk, patient, _ = booked_with_forms(live_app, clock)
    phone = browser.new_context(base_url=server, **PHONE)
    page = phone.new_page()
    for link in phq9_link(desk, patient):
        page.goto(link)
        if page.locator("fieldset").count() == 9:
            break
    expect(page.get_by_role("heading", name="A short check-in form")).to_be_visible()
    no_serious_problems(page)
    page.screenshot(path=str(screenshot_dir / "questionnaire-phone.png"), full_page=True)
    for number in range(1, 9):
        page.locator(f"#item{number}").get_by_label("Not at all").check()
    page.locator("#item9").get_by_label("Several days").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("alert")).to_contain_text("988")
    no_serious_problems(page)
    page.screenshot(path=str(screenshot_dir / "questionnaire-phone-crisis.png"), full_page=True)
    phone.close()
    [alert] = api_as(live_app, "monitoring").get("/alerts", query_string={"status": "open"}).json
    assert alert["severity"] == "urgent" and alert["patient_id"] == patient


def test_monitoring_sees_phq9_and_gad7_totals_over_their_bands_beside_the_sessions(page, live_app, clock, shoot):
    desk, patient, sessions = booked_with_forms(live_app, clock)
    with live_app.app_context():  # six weeks of answered forms, as the link would have saved them
        start = clock()
        for instrument, history in HISTORY.items():
            for days, total in history:
                at = start + timedelta(days=days, hours=2)
                db.session.add(Questionnaire(patient_id=patient, instrument=instrument, due_at=at,
                                             expires_at=at + timedelta(days=7), sent_at=at, completed_at=at,
                                             answers=None, total=total, severity=_band(instrument, total)))
        db.session.commit()
    clock.set(datetime.fromisoformat(sessions[0]["start"]) + timedelta(minutes=5))  # the first: checked in
    checked_in = api_as(live_app, "front_desk").post(f"/appointments/{sessions[0]['id']}/check-in")
    assert checked_in.status_code == 200, checked_in.json
    clock.set(start + timedelta(days=43))

    sign_in(page, live_app, "monitoring")
    page.goto(f"/patients/{patient}")
    page.get_by_role("link", name=re.compile("PHQ-9 and GAD-7 totals on a chart")).click()
    for key, name in (("phq9", "PHQ-9"), ("gad7", "GAD-7")):
        chart = page.locator(f"#{key}-chart svg.chart")
        expect(chart).to_be_visible()
        expect(chart.locator("circle.point")).to_have_count(4)
        expect(chart.locator("rect.band")).to_have_count(5 if key == "phq9" else 4)
        expect(page.locator(f"#{key}-chart figcaption")).to_contain_text(f"4 {name} totals")
    expect(page.locator("#phq9-chart")).to_contain_text("moderately severe (15–19)")
    no_serious_problems(page)
    shoot("monitoring-questionnaire-chart")


def _band(instrument, total):
    from notifications.engine.questionnaires import severity

    return severity(instrument, total)
