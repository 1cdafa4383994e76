"""A nurse's Today page in a real browser: a patient in observation, their blood pressure due
then overdue, a high reading recorded in two clicks, discharge refused with the reason in words
and done anyway with a note; a monitoring form to file. No accessibility problem axe-core calls
serious."""
from __future__ import annotations

from playwright.sync_api import expect

from ..factories import api_as, book_session, clinic_time, make_patient, set_up_clinic
from .conftest import sign_in
from .conftest import no_serious_problems

PLAN = {"min_minutes": 120, "checks": [{"name": "blood_pressure", "at_minutes": [0, 40, 120]}],
        "ranges": {"systolic": [90, 160], "diastolic": [50, 100]}, "monitoring_form_days": 7}


def test_a_nurse_follows_a_patient_through_observation(page, live_app, clock, shoot):
    admin = api_as(live_app, "admin")
    ids = set_up_clinic(admin)
    admin.patch(f"/treatment-types/{ids.treatment}", json={"observation": PLAN})
    grace = make_patient(admin, first_name="Grace", last_name="Hopper")
    early = book_session(admin, make_patient(admin, first_name="Alan", last_name="Turing"), ids.treatment,
                         clinic_time("2026-06-01", "11:30"), chair_id=ids.chairs[1]).json
    session = book_session(admin, grace, ids.treatment, clinic_time("2026-06-01", "09:00")).json
    clock.advance(hours=1, minutes=2)  # 09:02 in New York
    assert admin.post(f"/appointments/{session['id']}/check-in").status_code == 200
    assert admin.post(f"/appointments/{early['id']}/check-in").status_code == 200  # 2.5 hours early

    sign_in(page, live_app, "monitoring")
    page.goto("/monitoring/today")
    chair_1 = page.get_by_role("region", name="Chair 1")
    expect(chair_1).to_contain_text("In the chair now: Grace Hopper, in observation, 0 min; observation ends 11:02")
    # The day's table says the same end as the headline: the plan's, counted from the dose.
    expect(chair_1.locator("tr.in-progress")).to_contain_text("09:00 EDT 11:02 EDT")
    expect(chair_1).to_contain_text("Blood pressure: due now (wanted at 09:02")
    chair_2 = page.get_by_role("region", name="Chair 2")
    expect(chair_2).to_contain_text("Free now.")
    expect(chair_2).to_contain_text("checked in, waiting for 11:30")

    chair_1.get_by_label("Systolic").fill("172")
    chair_1.get_by_label("Diastolic").fill("96")
    chair_1.get_by_role("button", name="Record blood pressure").click()
    expect(page.get_by_role("status")).to_contain_text("Blood pressure recorded.")
    expect(chair_1).to_contain_text("Out of range: latest blood pressure 172/96")
    expect(chair_1).to_contain_text("Blood pressure: next at 09:42")

    clock.advance(minutes=53)  # 09:55: the 09:42 reading is 13 minutes late
    page.reload()
    expect(chair_1).to_contain_text("Blood pressure: OVERDUE, wanted at 09:42")
    expect(chair_1).to_contain_text("Not ready to go home: the minimum observation of 120 minutes is not over "
                                    "(67 minutes left); the latest blood pressure reading is out of range (systolic)")
    no_serious_problems(page)
    shoot("monitoring-today-observation")

    chair_1.get_by_label("Discharge anyway, because").fill("BP usual for her; seen by Dr. Ortiz")
    chair_1.get_by_role("button", name="Discharge anyway").click()
    expect(page.get_by_role("status")).to_contain_text("The patient is discharged")
    forms = page.get_by_role("region", name="REMS monitoring forms to file")
    expect(forms).to_contain_text("Mon 08 Jun")
    forms.get_by_label("Reference").fill("REMS-2026-0042")
    forms.get_by_role("button", name="Mark filed").click()
    expect(forms).to_contain_text("No monitoring forms to file.")
    shoot("monitoring-today-after-discharge")
