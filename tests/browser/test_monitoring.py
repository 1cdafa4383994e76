"""Monitoring in a real browser: a patient answers a check-in by text (a signed Twilio webhook
over real HTTP), the low score raises an alert, and monitoring staff acknowledge it."""
from __future__ import annotations

import re
import urllib.parse
import urllib.request

from playwright.sync_api import expect
from twilio.request_validator import RequestValidator

from ..notifications.texting import AUTH_TOKEN, CLINIC_NUMBER, PUBLIC_BASE_URL, Ward, new_sid
from .conftest import sign_in


def text_the_clinic(server: str, sender: str, body: str) -> int:
    """What Twilio does when a patient texts: a form POST signed with the account's token."""
    fields = {"MessageSid": new_sid(), "AccountSid": "AC" + "0" * 32, "From": sender,
              "To": CLINIC_NUMBER, "Body": body, "NumMedia": "0"}
    path = "/webhooks/twilio/sms"
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_BASE_URL + path, fields)
    request = urllib.request.Request(server + path, data=urllib.parse.urlencode(fields).encode(),
                                     headers={"X-Twilio-Signature": signature})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_a_low_score_raises_an_alert_that_monitoring_acknowledges(page, live_app, server, clock, shoot):
    ward = Ward(live_app, clock)
    patient, phone = ward.patient(first_name="Grace", last_name="Hopper")
    ward.check_in_sent(patient)
    assert text_the_clinic(server, phone, " 2 ") == 200

    sign_in(page, live_app, "monitoring")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open alerts")
    alerts = page.locator("main")
    expect(alerts).to_contain_text("Grace Hopper")
    expect(alerts).to_contain_text(phone[-4:])
    shoot("monitoring-alerts-open")

    page.get_by_label(re.compile("^Note")).first.fill("Called her; she is safe and has support tonight.")
    page.get_by_role("button", name="Acknowledge this alert").first.click()
    expect(page.get_by_role("status")).to_be_visible()
    shoot("monitoring-alerts-acknowledged")

    [alert] = ward.listing("/alerts")
    assert alert["status"] == "acknowledged"
    assert alert["note"] == "Called her; she is safe and has support tonight."
    assert ward.listing("/alerts", status="open") == []

    page.goto(f"/monitoring/patients/{patient}/check-ins")
    chart = page.locator("#checkin-chart svg.chart")
    expect(chart).to_be_visible()
    expect(page.locator("main table").first).to_contain_text("2")
    shoot("monitoring-check-in-chart")


def test_front_desk_cannot_open_the_alerts_or_acknowledge_one(page, live_app, server, clock):
    ward = Ward(live_app, clock)
    patient, phone = ward.patient()
    ward.check_in_sent(patient)
    assert text_the_clinic(server, phone, "1") == 200
    [alert] = ward.listing("/alerts", status="open")

    sign_in(page, live_app, "front_desk")
    assert page.goto("/monitoring/alerts").status == 403
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = page.request.post(f"/monitoring/alerts/{alert['id']}/acknowledge",
                               form={"csrf_token": token, "note": "not mine to close"})
    assert answer.status == 403
    assert ward.listing("/alerts", status="open")[0]["id"] == alert["id"]
