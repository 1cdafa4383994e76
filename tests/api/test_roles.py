"""Who may do what: every JSON API endpoint against every kind of caller.

The table below is API.md's JSON API table, one row per endpoint. Each test builds a small but
real clinic day through the API (as an admin), so an allowed call can actually succeed and a
refused one would have something to change:

- the clinic (New York, weekdays 09:00-17:00), two chairs, an IV infusion of 120 + 15 minutes;
- Monday 1 June 2026, 08:00 in New York when the day is set up; by the time the request under
  test is made it is 09:30: one patient is checked in for 09:00 and in the chair, one booked for
  09:00 has not come (a no-show), one is booked for 11:30 (to check in, cancel or move);
- a patient with an induction course from the 8th, and a patient with nothing booked yet.

Only the parts a request names are made (see Day), to keep the matrix fast.
"""
from __future__ import annotations

import re
from functools import cached_property

import pytest
from sqlalchemy import select

from scheduler.extensions import db
from scheduler.models import StaffUser
from scheduler.services.staff import create_staff
from tests.factories import Api, api_as, make_patient, set_up_clinic

ADMIN, FRONT_DESK, MONITORING = "admin", "front_desk", "monitoring"
ROLES = (ADMIN, FRONT_DESK, MONITORING)
ALL_STAFF = ROLES
BOOKERS = (ADMIN, FRONT_DESK)
CLINICAL = (ADMIN, MONITORING)
ANYONE = "anyone"  # no token needed at all

PASSWORD = "correct horse battery staple"
NEXT_WEEK_COURSE = {"kind": "induction", "sessions": 3, "start_on": "2026-06-15"}


class Day:
    """The clinic day the request under test is made in, set up through the API as an admin.

    Each part is made when a path or body first asks for it, so a test sets up only what its
    request names (the matrix runs hundreds of times; a full day each time would be slow).
    """

    def __init__(self, app, clock):
        self.app, self.clock = app, clock
        self.admin = api_as(app, ADMIN)

    def __getitem__(self, name):  # for str.format_map
        return getattr(self, name)

    @cached_property
    def clinic(self):
        return set_up_clinic(self.admin, chairs=2)

    @property
    def treatment(self) -> int:
        return self.clinic.treatment

    @property
    def chair(self) -> int:
        return self.clinic.chairs[0]

    @cached_property
    def patient(self) -> int:
        return make_patient(self.admin)

    @cached_property
    def appointment(self) -> int:
        """The patient's session at 11:30 today: still to come."""
        return self._book(self.patient, "2026-06-01T11:30:00-04:00")

    @cached_property
    def checked_in(self) -> int:
        """A session at 09:00 today; the patient has checked in and is in the chair."""
        appointment = self._book(make_patient(self.admin), "2026-06-01T09:00:00-04:00")
        response = self.admin.post(f"/appointments/{appointment}/check-in")
        assert response.status_code == 200, response.json
        return appointment

    @cached_property
    def observed(self) -> int:
        """A checked-in session of a treatment whose plan takes blood pressures."""
        response = self.admin.patch(f"/treatment-types/{self.treatment}", json={"observation": {
            "checks": [{"name": "blood_pressure", "at_minutes": [0, 40]}],
            "ranges": {"systolic": [90, 160]}, "monitoring_form_days": 7}})
        assert response.status_code == 200, response.json
        return self.checked_in

    @cached_property
    def monitoring_form(self) -> int:
        """The form due for a session completed earlier (as completing one makes)."""
        from datetime import date

        from scheduler.models import MonitoringForm

        appointment = self.checked_in
        with self.app.app_context():
            form = MonitoringForm(appointment_id=appointment, patient_id=self.patient, due_on=date(2026, 6, 8))
            db.session.add(form)
            db.session.commit()
            return form.id

    @cached_property
    def late(self) -> int:
        """A session at 09:00 today whose patient has not come."""
        return self._book(make_patient(self.admin), "2026-06-01T09:00:00-04:00")

    @cached_property
    def course(self) -> int:
        """An active induction course from the 8th."""
        response = self.admin.post("/courses", json={
            "patient_id": make_patient(self.admin), "treatment_type_id": self.treatment,
            "kind": "induction", "sessions": 3, "start_on": "2026-06-08"})
        assert response.status_code == 201, response.json
        return response.json["id"]

    @cached_property
    def short_course(self) -> int:
        """An induction course from the 8th whose second session (Tuesday 09:00) is cancelled."""
        response = self.admin.post("/courses", json={
            "patient_id": make_patient(self.admin), "treatment_type_id": self.treatment,
            "kind": "induction", "sessions": 3, "start_on": "2026-06-08"})
        assert response.status_code == 201, response.json
        second = response.json["appointments"][1]["id"]
        assert self.admin.post(f"/appointments/{second}/cancel", json={"reason": "unwell"}).status_code == 200
        return response.json["id"]

    @cached_property
    def newcomer(self) -> int:
        """A patient with nothing booked yet."""
        return make_patient(self.admin)

    @cached_property
    def alert(self) -> int:
        """An open alert about a patient's low check-in score (as an answered check-in makes)."""
        from notifications.services.alerts import HIGH, open_alert

        patient = self.patient
        with self.app.app_context():
            alert = open_alert(patient, HIGH, "check-in score 2 (alert at 3 or below)", self.clock())
            db.session.commit()
            return alert.id

    @cached_property
    def inbox_item(self) -> int:
        """A text that was neither a command nor an answer, as the SMS webhook keeps it."""
        from notifications.models import InboundMessage

        patient = self.patient
        with self.app.app_context():
            message = InboundMessage(message_sid=f"SM{patient:032d}", from_phone="+16175550123",
                                     patient_id=patient, body="is there parking?", kind="other",
                                     inbox="open", received_at=self.clock())
            db.session.add(message)
            db.session.commit()
            return message.id

    @cached_property
    def patient_request(self) -> int:
        """A patient's "please call me to change the time", as their emailed link makes."""
        from notifications.models import PatientRequest

        appointment = self.appointment
        with self.app.app_context():
            request = PatientRequest(appointment_id=appointment, patient_id=self.patient,
                                     kind="reschedule", created_at=self.clock())
            db.session.add(request)
            db.session.commit()
            return request.id

    @cached_property
    def clinician(self) -> int:
        response = self.admin.post("/clinicians", json={"name": "Dr. Ana Ortiz", "role": "prescriber"})
        assert response.status_code == 201, response.json
        return response.json["id"]

    @cached_property
    def waitlist_entry(self) -> int:
        """The newcomer, waiting for a session in the next fortnight."""
        response = self.admin.post("/waitlist", json={
            "patient_id": self.newcomer, "treatment_type_id": self.treatment,
            "earliest": "2026-06-02", "latest": "2026-06-12"})
        assert response.status_code == 201, response.json
        return response.json["id"]

    @cached_property
    def shift(self) -> int:
        """Tuesday's 08:00-16:00 shift: nothing booked needs a prescriber, so it may go."""
        response = self.admin.post(f"/clinicians/{self.clinician}/shifts", json={
            "start": "2026-06-02T08:00:00-04:00", "end": "2026-06-02T16:00:00-04:00"})
        assert response.status_code == 201, response.json
        return response.json["id"]

    @cached_property
    def waitlist_offer(self) -> int:
        """An open offer to the waiting newcomer of Wednesday 10:00 in chair 1, as a freed
        chair makes."""
        from datetime import datetime, timedelta, timezone

        from scheduler.models import WaitlistOffer

        entry, now = self.waitlist_entry, self.clock()
        with self.app.app_context():
            offer = WaitlistOffer(entry_id=entry, start_at=datetime(2026, 6, 3, 14, tzinfo=timezone.utc),
                                  chair_id=self.clinic.chairs[0], sent_at=now, expires_at=now + timedelta(days=1),
                                  outcome="open", updated_at=now)
            db.session.add(offer)
            db.session.commit()
            return offer.id

    @cached_property
    def sign_in_email(self) -> str:
        """A front desk account with a real password."""
        with self.app.app_context():
            return create_staff("desk.lead@test.clinic", PASSWORD, FRONT_DESK).email

    def _book(self, patient: int, start: str) -> int:
        response = self.admin.post("/appointments", json={
            "patient_id": patient, "treatment_type_id": self.treatment, "start": start})
        assert response.status_code == 201, response.json
        return response.json["id"]


# method, path, who may call it, a body that succeeds for them, the status it succeeds with.
# Bodies are functions of the Day, so they can name its patients and appointments.
ENDPOINTS = [
    ("POST", "/auth/tokens", ANYONE,
     lambda d: {"email": d.sign_in_email, "password": PASSWORD}, 201),
    ("GET", "/clinic", ALL_STAFF, None, 200),
    ("PUT", "/clinic", (ADMIN,), lambda d: {"name": "Renamed Clinic"}, 200),
    ("GET", "/chairs", ALL_STAFF, None, 200),
    ("POST", "/chairs", (ADMIN,), lambda d: {"name": "Recliner 3"}, 201),
    ("PATCH", "/chairs/{chair}", (ADMIN,), lambda d: {"kind": "room"}, 200),
    ("GET", "/treatment-types", ALL_STAFF, None, 200),
    ("POST", "/treatment-types", (ADMIN,),
     lambda d: {"name": "Esketamine nasal spray", "duration_minutes": 120, "buffer_minutes": 10}, 201),
    ("PATCH", "/treatment-types/{treatment}", (ADMIN,),
     lambda d: {"protocol": {"induction_sessions": 6, "min_gap_hours": 72, "max_span_days": 28,
                             "maintenance_interval_days": 7}}, 200),
    ("GET", "/patients", ALL_STAFF, None, 200),
    ("POST", "/patients", BOOKERS,
     lambda d: {"first_name": "Ada", "last_name": "Walk-in", "phone": "+16175550199"}, 201),
    ("GET", "/patients/{patient}", ALL_STAFF, None, 200),
    ("PATCH", "/patients/{patient}", BOOKERS, lambda d: {"email_opt_in": False}, 200),
    ("GET", "/availability?treatment_type_id={treatment}&start=2026-06-02T00:00:00Z"
            "&end=2026-06-03T00:00:00Z", ALL_STAFF, None, 200),
    ("POST", "/courses/plan", BOOKERS,
     lambda d: {"patient_id": d.newcomer, "treatment_type_id": d.treatment, **NEXT_WEEK_COURSE}, 200),
    ("POST", "/courses", BOOKERS,
     lambda d: {"patient_id": d.newcomer, "treatment_type_id": d.treatment, **NEXT_WEEK_COURSE}, 201),
    ("GET", "/courses/{course}", ALL_STAFF, None, 200),
    ("POST", "/courses/{course}/cancel", BOOKERS, lambda d: {"reason": "patient moved away"}, 200),
    ("POST", "/courses/{short_course}/sessions", BOOKERS, lambda d: {"start": "2026-06-09T09:00:00-04:00"}, 201),
    ("POST", "/appointments", BOOKERS,
     lambda d: {"patient_id": d.newcomer, "treatment_type_id": d.treatment,
                "start": "2026-06-03T09:00:00-04:00"}, 201),
    ("GET", "/appointments", ALL_STAFF, None, 200),
    ("GET", "/appointments/{appointment}", ALL_STAFF, None, 200),
    ("POST", "/appointments/{appointment}/reschedule", BOOKERS,
     lambda d: {"start": "2026-06-02T09:00:00-04:00"}, 200),
    ("POST", "/appointments/{appointment}/cancel", BOOKERS,
     lambda d: {"reason": "patient has a cold"}, 200),
    ("POST", "/appointments/{appointment}/check-in", BOOKERS, None, 200),
    ("POST", "/appointments/{checked_in}/complete", ALL_STAFF, None, 200),
    ("GET", "/appointments/{checked_in}/observations", ALL_STAFF, None, 200),
    ("POST", "/appointments/{observed}/observations", CLINICAL,
     lambda d: {"name": "blood_pressure", "values": {"systolic": 128, "diastolic": 82}}, 201),
    ("GET", "/monitoring-forms?status=due", CLINICAL, None, 200),
    ("POST", "/monitoring-forms/{monitoring_form}/filed", CLINICAL, lambda d: {"reference": "REMS-1"}, 200),
    ("POST", "/appointments/{late}/no-show", BOOKERS, None, 200),
    ("GET", "/notifications", ALL_STAFF, None, 200),
    ("GET", "/inbound-messages", ALL_STAFF, None, 200),
    ("GET", "/checkins", CLINICAL, None, 200),
    ("GET", "/alerts?status=open", CLINICAL, None, 200),
    ("POST", "/alerts/{alert}/acknowledge", CLINICAL, lambda d: {"note": "called the patient"}, 200),
    ("GET", "/questionnaires?patient_id={patient}", CLINICAL, None, 200),
    ("GET", "/inbox", CLINICAL, None, 200),
    ("POST", "/inbox/{inbox_item}/done", CLINICAL, lambda d: {"note": "called back"}, 200),
    ("GET", "/clinicians", ALL_STAFF, None, 200),
    ("POST", "/clinicians", (ADMIN,), lambda d: {"name": "Sam Lee", "role": "nurse"}, 201),
    ("GET", "/clinicians/{clinician}", ALL_STAFF, None, 200),
    ("PATCH", "/clinicians/{clinician}", (ADMIN,), lambda d: {"name": "Dr. A. Ortiz"}, 200),
    ("GET", "/clinicians/{clinician}/shifts", ALL_STAFF, None, 200),
    ("POST", "/clinicians/{clinician}/shifts", (ADMIN,),
     lambda d: {"start": "2026-06-03T08:00:00-04:00", "end": "2026-06-03T16:00:00-04:00"}, 201),
    ("POST", "/clinicians/{clinician}/shifts/weekly", (ADMIN,),
     lambda d: {"first_day": "2026-06-08", "last_day": "2026-06-19", "pattern": {"mon": [["08:00", "16:00"]]}}, 201),
    ("DELETE", "/shifts/{shift}", (ADMIN,), None, 200),
    ("GET", "/waitlist", ALL_STAFF, None, 200),
    ("POST", "/waitlist", BOOKERS,
     lambda d: {"patient_id": d.newcomer, "treatment_type_id": d.treatment,
                "earliest": "2026-06-02", "latest": "2026-06-12"}, 201),
    ("DELETE", "/waitlist/{waitlist_entry}", BOOKERS, None, 200),
    ("POST", "/waitlist/{waitlist_entry}/take", BOOKERS, lambda d: {"offer_id": d.waitlist_offer}, 200),
    ("GET", "/patient-requests", BOOKERS, None, 200),
    ("POST", "/patient-requests/{patient_request}/handle", BOOKERS, None, 200),
]

PROTECTED = [e for e in ENDPOINTS if e[2] != ANYONE]


def _id(endpoint) -> str:
    return f"{endpoint[0]} {endpoint[1].split('?')[0]}"


def _allowed_pairs():
    for endpoint in ENDPOINTS:
        roles = ROLES if endpoint[2] == ANYONE else endpoint[2]
        for role in roles:
            yield pytest.param(role, endpoint, id=f"{role}-{_id(endpoint)}")


def _forbidden_pairs():
    for endpoint in PROTECTED:
        for role in ROLES:
            if role not in endpoint[2]:
                yield pytest.param(role, endpoint, id=f"{role}-{_id(endpoint)}")


FORBIDDEN = list(_forbidden_pairs())


def prepare(day: Day, endpoint):
    """Set up what the request names (at 08:00 in New York), then move on to 09:30."""
    method, path, _allowed, body, _success = endpoint
    day.clinic  # every request but signing in works in a clinic that has been set up
    request = (method, path.format_map(day), body(day) if body else None)
    day.clock.advance(minutes=90)
    return request


def send(api: Api, request):
    method, path, json = request
    return api.call(method, path, json=json)


def database_rows(app) -> dict[str, list]:
    """Every row of every table, to show a refused request changed nothing at all."""
    with app.app_context():
        return {table.name: sorted((tuple(row) for row in db.session.execute(select(table))), key=repr)
                for table in db.metadata.sorted_tables}


def test_the_table_covers_every_json_api_endpoint_the_app_serves(app):
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                path = rule.rule.removeprefix("/api/v1")
                for name in rule.arguments:
                    path = path.replace(f"<id:{name}>", "{}")
                served.add((method, path))
    listed = {(e[0], re.sub(r"\{\w+\}", "{}", e[1].split("?")[0])) for e in ENDPOINTS}
    assert served == listed


# (a) Strangers: no token, a made-up one, an expired one (one test per endpoint, three callers).

@pytest.mark.parametrize("endpoint", PROTECTED, ids=_id)
def test_strangers_and_stale_tokens_are_turned_away_with_401_and_nothing_changes(app, clock, endpoint):
    # A member of staff allowed to do this signed in at 08:00; by the last call they have been
    # away 13 hours, past the 12 a token lasts.
    staff = api_as(app, endpoint[2][0])
    request = prepare(Day(app, clock), endpoint)
    before = database_rows(app)
    callers = {
        "no token": Api(app.test_client(), None),
        "made-up token": Api(app.test_client(), "not-a-real-token-but-long-enough-to-look-like-one"),
        "expired token": staff,
    }
    answers = {}
    for name, caller in callers.items():
        if name == "expired token":
            clock.advance(hours=13)
        response = send(caller, request)
        answers[name] = (response.status_code, (response.json or {}).get("code"),
                         response.headers.get("WWW-Authenticate"))
    assert answers == {name: (401, 401, "Bearer") for name in callers}
    assert database_rows(app) == before


@pytest.mark.parametrize("scheme", ["Basic", "Token", ""])
def test_a_real_token_under_another_scheme_than_bearer_is_turned_away(app, scheme):
    desk = api_as(app, FRONT_DESK)
    token = desk.headers["Authorization"].split(" ", 1)[1]
    response = app.test_client().get("/api/v1/patients",
                                     headers={"Authorization": f"{scheme} {token}".strip()})
    assert response.status_code == 401, response.json
    assert desk.get("/patients").status_code == 200  # the token itself is fine


def test_a_token_works_until_twelve_hours_after_sign_in(app, clock):
    desk = api_as(app, FRONT_DESK)
    clock.advance(hours=11, minutes=59)
    assert desk.get("/patients").status_code == 200
    clock.advance(minutes=1)
    assert desk.get("/patients").status_code == 401


# (b) Staff whose role may not do it: 403, and nothing changes.

@pytest.mark.parametrize(("role", "endpoint"), FORBIDDEN)
def test_staff_whose_role_may_not_do_it_get_403_and_nothing_changes(app, clock, role, endpoint):
    request = prepare(Day(app, clock), endpoint)
    staff = api_as(app, role)
    before = database_rows(app)
    response = send(staff, request)
    assert response.status_code == 403, response.json
    assert response.json["code"] == 403
    assert database_rows(app) == before


# (c) Staff whose role may do it: it works.

@pytest.mark.parametrize(("role", "endpoint"), list(_allowed_pairs()))
def test_staff_whose_role_may_do_it_get_it_done(app, clock, role, endpoint):
    request = prepare(Day(app, clock), endpoint)
    response = send(api_as(app, role), request)
    assert response.status_code not in (401, 403), response.json
    assert response.status_code < 500, response.data
    assert response.status_code == endpoint[4], response.json


def test_signing_in_needs_no_token(app, clock):
    request = prepare(Day(app, clock), ENDPOINTS[0])
    response = send(Api(app.test_client(), None), request)
    assert response.status_code == 201, response.json


# Signing in with a real password.

@pytest.fixture
def nurse(app):
    with app.app_context():
        create_staff("Nurse.Kim@Test.Clinic", PASSWORD, MONITORING)
    return "nurse.kim@test.clinic"


def test_a_nurse_signs_in_with_her_password_and_her_token_works(app, clock, nurse):
    client = app.test_client()
    response = client.post("/api/v1/auth/tokens", json={"email": nurse, "password": PASSWORD})
    assert response.status_code == 201, response.json
    assert response.json["role"] == MONITORING
    assert response.json["expires_at"] == "2026-06-02T00:00:00+00:00"  # 12 hours from noon UTC
    token = response.json["token"]
    assert len(token) >= 32
    patients = Api(client, token).get("/patients")
    assert patients.status_code == 200, patients.json
    assert Api(client, token).post("/patients", json={"first_name": "A", "last_name": "B"}).status_code == 403


def test_signing_in_ignores_the_case_and_spaces_of_the_email(app, nurse):
    response = app.test_client().post("/api/v1/auth/tokens",
                                      json={"email": "  NURSE.KIM@test.clinic ", "password": PASSWORD})
    assert response.status_code == 201, response.json


@pytest.mark.parametrize(("email", "password"), [
    pytest.param("nurse.kim@test.clinic", "correct horse battery stapler", id="wrong password"),
    pytest.param("nurse.kim@test.clinic", PASSWORD.upper(), id="password in the wrong case"),
    pytest.param("nurse.kim@test.clinic", "", id="empty password"),
    pytest.param("nobody@test.clinic", PASSWORD, id="unknown email"),
])
def test_signing_in_with_wrong_credentials_gets_401_and_no_token(app, nurse, email, password):
    before = database_rows(app)
    response = app.test_client().post("/api/v1/auth/tokens", json={"email": email, "password": password})
    assert response.status_code == 401, response.json
    assert "token" not in response.json
    after = database_rows(app)
    assert len(after.pop("signin_attempt")) == 1  # counted towards a lockout, and nothing else
    assert after == {table: rows for table, rows in before.items() if table != "signin_attempt"}


def test_a_deactivated_account_can_neither_sign_in_nor_use_its_token(app, nurse):
    client = app.test_client()
    token = client.post("/api/v1/auth/tokens", json={"email": nurse, "password": PASSWORD}).json["token"]
    with app.app_context():
        db.session.scalar(select(StaffUser).where(StaffUser.email == nurse)).active = False
        db.session.commit()
    assert client.post("/api/v1/auth/tokens", json={"email": nurse, "password": PASSWORD}).status_code == 401
    assert Api(client, token).get("/patients").status_code == 401
