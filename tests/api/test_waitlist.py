"""The waitlist: a cancelled or moved session's time goes to the first waiting patients it suits,
by text and email with a link; the first to take it books it, and nobody else can.

The clinic: New York, weekdays 09:00-17:00, one chair, a 120-minute session with 15 to turn the
chair over. It is Monday 1 June 2026, 08:00 in New York.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from notifications.engine import wording
from notifications.engine.segments import segments
from notifications.worker import run_once
from scheduler.extensions import db
from scheduler.models import Appointment, Patient
from tests.api.test_booking_races import count_rows, race
from tests.factories import api_as, book_session, clinic_time, make_patient, set_up_clinic

WED_10 = clinic_time("2026-06-03", "10:00")
WED_10_UTC = "2026-06-03T14:00:00+00:00"


class Clinic:
    """One chair; a patient booked for Wednesday 10:00 whose session will free the chair."""

    def __init__(self, app):
        self.app = app
        self.admin, self.desk = api_as(app, "admin"), api_as(app, "front_desk")
        self.ids = set_up_clinic(self.admin, chairs=1)
        self.admin.put("/clinic", json={"phone": "+16175550100", "sms_name": "Test Clinic"})
        self.booked_patient = make_patient(self.desk)
        booked = book_session(self.desk, self.booked_patient, self.ids.treatment, WED_10)
        assert booked.status_code == 201, booked.json
        self.session = booked.json["id"]

    def waiting(self, earliest="2026-06-02", latest="2026-06-05", **fields) -> tuple[int, int]:
        """A new patient put on the waitlist: (patient id, entry id)."""
        patient = make_patient(self.desk, **{k: v for k, v in fields.items() if k.endswith("opt_in")})
        times = {k: v for k, v in fields.items() if k.endswith("_time")}
        entry = self.desk.post("/waitlist", json={"patient_id": patient, "treatment_type_id": self.ids.treatment,
                                                  "earliest": earliest, "latest": latest, **times})
        assert entry.status_code == 201, entry.json
        return patient, entry.json["id"]

    def cancel(self):
        cancelled = self.desk.post(f"/appointments/{self.session}/cancel", json={"reason": "unwell"})
        assert cancelled.status_code == 200, cancelled.json

    def entry(self, entry_id: int) -> dict:
        return next(e for e in self.desk.get("/waitlist").json if e["id"] == entry_id)

    def offers_to(self, patient: int) -> list[dict]:
        return [n for n in self.desk.get("/notifications", query_string={"patient_id": patient}).json
                if n["purpose"] == "waitlist_offer"]

    def link(self, patient: int) -> str:
        with self.app.app_context():
            run_once("w1")
        texts = [n for n in self.offers_to(patient) if n["channel"] == "sms" and n["status"] == "sent"]
        return re.search(r"http://127\.0\.0\.1:5000(/w/\S+)", texts[0]["body"]).group(1)

    def sessions_of(self, patient: int) -> list[dict]:
        return [a for a in self.desk.get("/appointments", query_string={"patient_id": patient}).json
                if a["status"] == "scheduled"]


@pytest.fixture(autouse=True)
def tokens_that_outlive_the_week(app):
    app.config["TOKEN_TTL_HOURS"] = 24 * 30


@pytest.fixture
def clinic(app):
    return Clinic(app)


def test_a_cancelled_session_is_offered_to_the_waitlist_and_texted_within_one_worker_poll(app, clinic):
    patient, entry = clinic.waiting()
    clinic.cancel()
    offers = clinic.entry(entry)["offers"]
    assert [(o["appointment_start"], o["chair_id"], o["outcome"]) for o in offers] == [
        (WED_10_UTC, clinic.ids.chairs[0], "open")]
    assert offers[0]["expires_at"] == "2026-06-01T14:00:00+00:00"  # two hours, the clinic's default
    with app.app_context():
        run_once("w1")
    sent = {n["channel"]: n for n in clinic.offers_to(patient)}
    assert {channel: n["status"] for channel, n in sent.items()} == {"sms": "sent", "email": "sent"}
    text = sent["sms"]["body"]
    assert "Wed 3 Jun 10am" in text and "Book by 10am" in text and "/w/" in text
    assert segments(text) == 1
    assert "infusion" not in text.lower() and "infusion" not in sent["email"]["body"].lower()


def test_the_first_taker_books_the_time_and_a_later_one_finds_it_gone_and_nothing_changes(app, clinic):
    first, first_entry = clinic.waiting()
    second, second_entry = clinic.waiting()
    clinic.cancel()
    first_link, second_link = clinic.link(first), clinic.link(second)
    page = app.test_client().get(first_link)
    assert page.status_code == 200 and "Wed 3 Jun, 10:00 AM EDT" in page.get_data(as_text=True)
    taken = app.test_client().post(first_link)
    assert taken.status_code == 200, taken.get_data(as_text=True)
    assert [a["start"] for a in clinic.sessions_of(first)] == [WED_10_UTC]
    late = app.test_client().post(second_link)
    assert late.status_code == 409 and "someone booked it first" in late.get_data(as_text=True)
    offer = clinic.entry(second_entry)["offers"][0]
    by_phone = clinic.desk.post(f"/waitlist/{second_entry}/take", json={"offer_id": offer["id"]})
    assert by_phone.status_code == 409
    assert clinic.sessions_of(second) == []
    assert clinic.entry(first_entry)["status"] == "booked"
    assert (clinic.entry(second_entry)["status"], offer["outcome"]) == ("waiting", "gone")


def test_the_front_desk_takes_an_offer_for_a_patient_who_phones(clinic):
    patient, entry = clinic.waiting()
    clinic.cancel()
    offer = clinic.entry(entry)["offers"][0]
    taken = clinic.desk.post(f"/waitlist/{entry}/take", json={"offer_id": offer["id"]})
    assert taken.status_code == 200, taken.json
    assert (taken.json["status"], taken.json["offers"][0]["outcome"]) == ("booked", "booked")
    assert [a["start"] for a in clinic.sessions_of(patient)] == [WED_10_UTC]


def test_an_expired_or_tampered_link_gets_a_clear_page_and_books_nothing(app, clinic, clock):
    patient, entry = clinic.waiting()
    clinic.cancel()
    link = clinic.link(patient)
    assert app.test_client().post(link[:-2] + "xx").status_code == 400
    clock.advance(minutes=120)
    page = app.test_client().get(link)
    assert page.status_code == 410 and "expired" in page.get_data(as_text=True)
    assert app.test_client().post(link).status_code == 410
    assert clinic.sessions_of(patient) == []
    assert clinic.entry(entry)["offers"][0]["outcome"] == "expired"


def test_an_offer_goes_by_the_channels_the_patient_agreed_to_and_never_after_stop(app, clinic):
    no_texts, _ = clinic.waiting(sms_opt_in=False)
    stopped, _ = clinic.waiting()
    with app.app_context():
        db.session.get(Patient, stopped).sms_opted_out = True
        db.session.commit()
    clinic.cancel()
    with app.app_context():
        run_once("w1")
    for patient, reason in ((no_texts, "no consent to SMS"), (stopped, "the patient texted STOP")):
        outcome = {n["channel"]: (n["status"], n["error"]) for n in clinic.offers_to(patient)}
        assert outcome == {"sms": ("skipped", reason), "email": ("sent", None)}


def test_a_text_that_quiet_hours_would_hold_past_the_offers_expiry_is_skipped(app, clinic, clock):
    patient, _ = clinic.waiting()
    clock.set(datetime(2026, 6, 2, 2, 0, tzinfo=timezone.utc))  # 22:00 in New York: quiet until 08:00
    clinic.cancel()
    with app.app_context():
        run_once("w1")
    sms = next(n for n in clinic.offers_to(patient) if n["channel"] == "sms")
    assert (sms["status"], sms["error"]) == ("skipped", "would fall in the patient's quiet hours and be "
                                                        "too late after them")


@pytest.mark.parametrize("window", [
    {"earliest": "2026-06-08", "latest": "2026-06-12"},  # another week
    {"from_time": "13:00"},  # afternoons only
    {"until_time": "11:00"},  # the 10:00 session ends at 12:00
])
def test_a_time_outside_the_patients_window_is_not_offered(clinic, window):
    _, entry = clinic.waiting(**window)
    clinic.cancel()
    assert clinic.entry(entry)["offers"] == []


def test_a_moved_session_offers_its_old_time(clinic):
    _, entry = clinic.waiting(earliest="2026-06-03", latest="2026-06-03")
    moved = clinic.desk.post(f"/appointments/{clinic.session}/reschedule",
                             json={"start": clinic_time("2026-06-04", "10:00")})
    assert moved.status_code == 200, moved.json
    assert [o["appointment_start"] for o in clinic.entry(entry)["offers"]] == [WED_10_UTC]


def test_only_the_first_three_waiting_are_offered_a_time_and_each_holds_one_offer_at_a_time(clinic):
    entries = [clinic.waiting()[1] for _ in range(4)]
    clinic.cancel()
    assert [len(clinic.entry(e)["offers"]) for e in entries] == [1, 1, 1, 0]


def test_removing_an_entry_withdraws_its_open_offer(clinic):
    _, entry = clinic.waiting()
    clinic.cancel()
    removed = clinic.desk.call("DELETE", f"/waitlist/{entry}")
    assert removed.status_code == 200, removed.json
    assert (removed.json["status"], removed.json["offers"][0]["outcome"]) == ("removed", "withdrawn")
    assert clinic.desk.call("DELETE", f"/waitlist/{entry}").status_code == 409


def test_an_entry_past_its_last_day_has_expired(clinic, clock):
    _, entry = clinic.waiting(latest="2026-06-02")
    clock.advance(days=2)
    assert clinic.entry(entry)["status"] == "expired"
    assert [e["id"] for e in clinic.desk.get("/waitlist?status=expired").json] == [entry]
    assert clinic.desk.get("/waitlist?status=waiting").json == []


@pytest.mark.parametrize(("body", "field"), [
    ({"earliest": "2026-06-05", "latest": "2026-06-02"}, "latest"),
    ({"latest": "2026-05-30", "earliest": "2026-05-29"}, "latest"),  # already past
    ({"from_time": "14:00", "until_time": "09:00"}, "until_time"),
    ({"from_time": "9am"}, "from_time"),
    ({"patient_id": 999}, "patient_id"),
    ({"treatment_type_id": 999}, "treatment_type_id"),
    ({"earliest": "0001-01-01"}, "earliest"),
])
def test_a_bad_entry_is_refused_naming_the_field(clinic, body, field):
    entry = {"patient_id": clinic.booked_patient, "treatment_type_id": clinic.ids.treatment,
             "earliest": "2026-06-02", "latest": "2026-06-05", **body}
    response = clinic.desk.post("/waitlist", json=entry)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]


def test_an_offer_text_fits_one_segment_and_names_no_treatment_even_with_a_long_link():
    facts = wording.MessageFacts(
        purpose="waitlist_offer", channel="sms", rule_minutes=None, first_name="Alexandra",
        patient_timezone="Europe/London", clinic_timezone="America/New_York",
        clinic_name="Riverside Wellness Clinic", sms_name="Riverside Wellness Clinic",
        clinic_phone="+16175550100", session_starts=(datetime(2026, 9, 30, 14, 30, tzinfo=timezone.utc),),
        preparation="", offer_link="https://riverside.example.com/w/12345.uXR2QYg4Q2qDk3b9R3w8rXHnHkM",
        offer_until=datetime(2026, 9, 30, 16, 30, tzinfo=timezone.utc))
    text = wording.render(wording.environment(str(wording.TEMPLATES)), facts).text
    assert segments(text) == 1, (len(text), text)
    assert "Wed 30 Sep 10:30am EDT" in text and "by 12:30pm" in text


def test_two_patients_racing_for_one_freed_time_get_one_booking(pg_app):
    clinic = Clinic(pg_app)
    patients = [clinic.waiting()[0] for _ in range(3)]
    clinic.cancel()
    links = [clinic.link(patient) for patient in patients]
    answers = race([lambda link=link: pg_app.test_client().post(link) for link in links])
    assert sorted(a.status_code for a in answers) == [200, 409, 409]
    wednesday = select(Appointment).where(Appointment.start_at == datetime.fromisoformat(WED_10_UTC),
                                          Appointment.status == "scheduled")
    assert count_rows(pg_app, wednesday) == 1
