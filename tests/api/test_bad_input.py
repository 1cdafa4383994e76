"""Bad input: a clear 4xx naming the field at fault, never a 500, and nothing changed.

The day: Monday 1 June 2026, 08:00 in New York. The clinic (weekdays 09:00-17:00, one chair,
IV infusion of 120 + 15 minutes) has a patient booked for Tuesday 09:00, a patient on an
induction course from the 8th, and a patient with nothing booked. Only what a request names is
set up (see World), so the tables below stay quick on both databases.

Each refusal is checked against every row in the database before and after, and against the
JSON error body: flask-smorest's shape, {"code": 422, "errors": {"json": {"field": [...]}}}, with
"query" in place of "json" for query-string arguments.
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import cached_property

import pytest
from sqlalchemy import select

from scheduler.extensions import db
from tests.factories import api_as, make_patient, set_up_clinic

HUGE = 10**20
TUESDAY_9 = "2026-06-02T09:00:00-04:00"
COURSE_STARTS = ["2026-06-16T09:00:00-04:00", "2026-06-17T09:00:00-04:00", "2026-06-18T09:00:00-04:00"]


class World:
    """The clinic day above, made through the API as an admin, part by part as asked for."""

    def __init__(self, app):
        self.app = app
        self.admin = api_as(app, "admin")
        self.clinic = set_up_clinic(self.admin, chairs=1)

    def __getitem__(self, name):  # for str.format_map
        return getattr(self, name)

    @property
    def treatment(self) -> int:
        return self.clinic.treatment

    @property
    def chair(self) -> int:
        return self.clinic.chairs[0]

    @cached_property
    def patient(self) -> int:
        """Booked for Tuesday 09:00: `appointment`."""
        return make_patient(self.admin)

    @cached_property
    def appointment(self) -> int:
        return _created(self.admin.post("/appointments", json={
            "patient_id": self.patient, "treatment_type_id": self.treatment, "start": TUESDAY_9}))

    @cached_property
    def course(self) -> int:
        return _created(self.admin.post("/courses", json={
            "patient_id": make_patient(self.admin), "treatment_type_id": self.treatment,
            "kind": "induction", "sessions": 3, "start_on": "2026-06-08"}))

    @cached_property
    def newcomer(self) -> int:
        """A patient with nothing booked."""
        return make_patient(self.admin)


def _created(response) -> int:
    assert response.status_code == 201, response.json
    return response.json["id"]


@pytest.fixture
def world(app) -> World:
    return World(app)


def fill(value, world: World):
    """Put the world's ids in for "{patient}" and the like, in paths and bodies."""
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1].isidentifier():
        return world[value[1:-1]]
    if isinstance(value, str):
        return value.format_map(world) if "{" in value else value
    if isinstance(value, dict):
        return {key: fill(item, world) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, world) for item in value]
    return value


def database_rows(app) -> dict[str, list]:
    with app.app_context():
        return {table.name: sorted((tuple(row) for row in db.session.execute(select(table))), key=repr)
                for table in db.metadata.sorted_tables}


@contextmanager
def nothing_changes(app, *, but: tuple[str, ...] = ()):
    """Not a row changes (in any table but those named in `but`)."""
    before = database_rows(app)
    yield
    after = database_rows(app)
    for table in but:
        before.pop(table), after.pop(table)
    assert after == before, "a refused request changed the database"


def named_fields(response, location: str) -> dict:
    return (response.json or {}).get("errors", {}).get(location, {})


def assert_refused(response, status: int, fields=(), location: str = "json") -> None:
    """The answer is `status`, in JSON, and its errors name every one of `fields`."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.is_json, response.get_data(as_text=True)[:500]
    assert response.json["code"] == status, response.json
    named = named_fields(response, location)
    # Nested fields may be named "starts.1" by the service or {"starts": {"1": ...}} by marshmallow.
    unnamed = [f for f in fields if not any(k == f or k.startswith(f"{f}.") for k in named)]
    assert not unnamed, f"{unnamed} not named under errors.{location} in {response.json}"


def refused_case(method, path, body, status, fields, id):
    return pytest.param(method, path, body, status, tuple(fields), id=id)


def check_case(app, world, method, path, body, status, fields):
    location = "query" if "?" in path else "json"
    path, body = fill(path, world), fill(body, world)  # made before the snapshot
    with nothing_changes(app):
        response = world.admin.call(method, path, json=body)
    assert_refused(response, status, fields, location)


# Requests that carry a JSON body, with a body each would accept.
BODY_ENDPOINTS = [
    ("POST", "/auth/tokens", {"email": "someone@test.clinic", "password": "secret password"}),
    ("PUT", "/clinic", {"name": "Renamed"}),
    ("POST", "/chairs", {"name": "Recliner 2"}),
    ("POST", "/treatment-types", {"name": "IM injection", "duration_minutes": 60}),
    ("POST", "/patients", {"first_name": "Ada", "last_name": "Walk-in"}),
    ("PATCH", "/patients/{patient}", {"email_opt_in": False}),
    ("POST", "/courses/plan", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                               "kind": "induction", "sessions": 3, "start_on": "2026-06-22"}),
    ("POST", "/courses", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                          "kind": "induction", "sessions": 3, "start_on": "2026-06-22"}),
    ("POST", "/courses/{course}/cancel", {"reason": "moved away"}),
    ("POST", "/appointments", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                               "start": "2026-06-03T09:00:00-04:00"}),
    ("POST", "/appointments/{appointment}/reschedule", {"start": "2026-06-04T09:00:00-04:00"}),
    ("POST", "/appointments/{appointment}/cancel", {"reason": "a cold"}),
]


def _endpoint_id(endpoint) -> str:
    return f"{endpoint[0]} {endpoint[1]}"


# --- Bodies that are not JSON objects ------------------------------------------------------

@pytest.mark.parametrize("endpoint", BODY_ENDPOINTS, ids=_endpoint_id)
def test_a_body_that_is_not_json_or_not_an_object_is_refused_on_every_endpoint(app, world, endpoint):
    method, path, _good = endpoint
    path = fill(path, world)
    bodies = {
        "cut-off JSON": ('{"first_name": "Ada",', 400),
        "not UTF-8": (b'{"name": "\xff\xfe"}', 400),
        "a list": ('[{"first_name": "Ada"}]', 422),
        "a string": ('"Ada Walk-in"', 422),
        "a number": ("42", 422),
        "null": ("null", 422),
    }
    answers = {}
    with nothing_changes(app):
        for name, (raw, _status) in bodies.items():
            response = world.admin.client.open(
                f"/api/v1{path}", method=method, data=raw,
                headers={**world.admin.headers, "Content-Type": "application/json"})
            answers[name] = (response.status_code, response.is_json and "json" in response.json.get("errors", {}))
    assert answers == {name: (status, True) for name, (_raw, status) in bodies.items()}


def test_json_that_is_a_list_is_refused_with_422_naming_the_whole_body(world):
    response = world.admin.post("/patients", json=[{"first_name": "Ada", "last_name": "Walk-in"}])
    assert_refused(response, 422, ["_schema"])


def test_deeply_nested_json_is_refused_with_400_not_a_crash(app, world):
    with nothing_changes(app):
        response = world.admin.client.post(
            "/api/v1/patients", data="[" * 100_000 + "]" * 100_000,
            headers={**world.admin.headers, "Content-Type": "application/json"})
    assert_refused(response, 400)


def test_a_patient_sent_as_a_form_instead_of_json_is_refused_naming_the_fields(app, world):
    with nothing_changes(app):
        response = world.admin.client.post("/api/v1/patients", headers=world.admin.headers,
                                           data={"first_name": "Ada", "last_name": "Walk-in"})
    assert_refused(response, 422, ["first_name", "last_name"])


def test_the_accepting_bodies_above_really_are_accepted(app, world):
    """The control for the tables here: the same requests with good bodies go through."""
    statuses = {}
    for method, path, body in BODY_ENDPOINTS[1:]:
        statuses[f"{method} {path}"] = world.admin.call(method, fill(path, world), json=fill(body, world)).status_code
    refused = {request: status for request, status in statuses.items() if not 200 <= status < 300}
    assert not refused


# --- Wrong types -----------------------------------------------------------------------------

WRONG_TYPES = [
    refused_case("POST", "/treatment-types", {"name": "IM", "duration_minutes": "60"}, 422,
                 ["duration_minutes"], "a duration as a string"),
    refused_case("POST", "/treatment-types", {"name": "IM", "duration_minutes": 60.5}, 422,
                 ["duration_minutes"], "a duration as a fraction"),
    refused_case("POST", "/treatment-types", {"name": "IM", "duration_minutes": True}, 422,
                 ["duration_minutes"], "a duration as true"),
    refused_case("POST", "/treatment-types", {"name": 42, "duration_minutes": 60}, 422,
                 ["name"], "a name as a number"),
    refused_case("POST", "/chairs", {"name": True}, 422, ["name"], "a chair name as true"),
    refused_case("POST", "/chairs", {"name": {"en": "Recliner"}}, 422, ["name"], "a chair name as an object"),
    refused_case("POST", "/patients", {"first_name": True, "last_name": "Walk-in"}, 422,
                 ["first_name"], "a first name as true"),
    refused_case("POST", "/patients", {"first_name": "Ada", "last_name": ["Walk", "in"]}, 422,
                 ["last_name"], "a last name as a list"),
    refused_case("POST", "/patients", {"first_name": "Ada", "last_name": "Walk-in", "phone": 6175550123},
                 422, ["phone"], "a phone as a number"),
    refused_case("POST", "/patients", {"first_name": "Ada", "last_name": "Walk-in", "sms_opt_in": "maybe"},
                 422, ["sms_opt_in"], "consent as maybe"),
    refused_case("PATCH", "/patients/{patient}", {"email": 5}, 422, ["email"], "an email as a number"),
    refused_case("PATCH", "/patients/{patient}", {"first_name": None}, 422, ["first_name"], "a first name as null"),
    refused_case("POST", "/appointments", {"patient_id": "1", "treatment_type_id": "{treatment}",
                                           "start": TUESDAY_9}, 422, ["patient_id"], "an id as a string"),
    refused_case("POST", "/appointments", {"patient_id": 1.5, "treatment_type_id": "{treatment}",
                                           "start": TUESDAY_9}, 422, ["patient_id"], "an id as a fraction"),
    refused_case("POST", "/appointments", {"patient_id": 1.0, "treatment_type_id": "{treatment}",
                                           "start": TUESDAY_9}, 422, ["patient_id"], "an id as a float"),
    refused_case("POST", "/appointments", {"patient_id": True, "treatment_type_id": "{treatment}",
                                           "start": TUESDAY_9}, 422, ["patient_id"], "an id as true"),
    refused_case("POST", "/appointments", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                                           "start": 1780405200}, 422, ["start"], "a start as epoch seconds"),
    refused_case("POST", "/appointments", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                                           "start": TUESDAY_9, "chair_id": "1"}, 422, ["chair_id"],
                 "a chair id as a string"),
    refused_case("POST", "/courses", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                                      "kind": "induction", "sessions": "3"}, 422, ["sessions"],
                 "sessions as a string"),
    refused_case("POST", "/courses", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                                      "kind": 1, "sessions": 3}, 422, ["kind"], "a kind as a number"),
    refused_case("POST", "/courses", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                                      "kind": "induction", "sessions": 3, "starts": TUESDAY_9}, 422,
                 ["starts"], "starts as one string"),
    refused_case("POST", "/courses", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                                      "kind": "induction", "sessions": 3, "start_on": 20260602}, 422,
                 ["start_on"], "start_on as a number"),
    refused_case("PUT", "/clinic", {"slot_step_minutes": "15"}, 422, ["slot_step_minutes"],
                 "the slot step as a string"),
    refused_case("PUT", "/clinic", {"opening_hours": "weekdays 9 to 5"}, 422, ["opening_hours"],
                 "opening hours as prose"),
    refused_case("PUT", "/clinic", {"quiet_hours": "21:00-08:00"}, 422, ["quiet_hours"],
                 "quiet hours as a string"),
    refused_case("PUT", "/clinic", {"reminder_rules": {"offset_minutes": 60, "channels": ["sms"]}}, 422,
                 ["reminder_rules"], "reminder rules as one object"),
    refused_case("PUT", "/clinic", {"name": None}, 422, ["name"], "the clinic name as null"),
    refused_case("POST", "/appointments/{appointment}/reschedule", {"start": [TUESDAY_9]}, 422, ["start"],
                 "a new start as a list"),
    refused_case("POST", "/appointments/{appointment}/cancel", {"reason": 5}, 422, ["reason"],
                 "a reason as a number"),
    refused_case("POST", "/auth/tokens", {"email": ["desk@test.clinic"], "password": 12345678901}, 422,
                 ["email", "password"], "credentials as a list and a number"),
    refused_case("GET", "/appointments?patient_id=abc", None, 422, ["patient_id"], "a patient filter as letters"),
    refused_case("GET", "/appointments?patient_id=1.5", None, 422, ["patient_id"], "a patient filter as a fraction"),
    refused_case("GET", "/appointments?status=lost", None, 422, ["status"], "an unknown status filter"),
    refused_case("GET", "/availability?treatment_type_id=iv&start=2026-06-02T00:00:00Z&end=2026-06-03T00:00:00Z",
                 None, 422, ["treatment_type_id"], "a treatment type as a word"),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "fields"), WRONG_TYPES)
def test_a_field_of_the_wrong_type_is_refused_naming_it(app, world, method, path, body, status, fields):
    check_case(app, world, method, path, body, status, fields)


# --- Missing fields --------------------------------------------------------------------------

MISSING = [
    refused_case("POST", "/patients", {}, 422, ["first_name", "last_name"], "a blank patient"),
    refused_case("POST", "/patients", {"first_name": "   ", "last_name": "Walk-in"}, 422, ["first_name"],
                 "a first name of spaces"),
    refused_case("POST", "/chairs", {}, 422, ["name"], "a chair without a name"),
    refused_case("POST", "/treatment-types", {}, 422, ["name", "duration_minutes"], "a blank treatment type"),
    refused_case("POST", "/appointments", {}, 422, ["patient_id", "treatment_type_id", "start"],
                 "a blank appointment"),
    # sessions may be left out: an induction takes it from the treatment type's protocol.
    refused_case("POST", "/courses", {}, 422, ["patient_id", "treatment_type_id", "kind"],
                 "a blank course"),
    refused_case("POST", "/courses/plan", {"patient_id": "{newcomer}"}, 422,
                 ["treatment_type_id", "kind"], "a plan with only the patient"),
    refused_case("POST", "/appointments/{appointment}/reschedule", {}, 422, ["start"], "a move without a time"),
    refused_case("POST", "/appointments/{appointment}/reschedule", {"chair_id": "{chair}"}, 422, ["start"],
                 "a move with only a chair"),
    refused_case("POST", "/appointments/{appointment}/cancel", {}, 422, ["reason"], "a cancellation without a reason"),
    refused_case("POST", "/appointments/{appointment}/cancel", {"reason": ""}, 422, ["reason"],
                 "a cancellation with an empty reason"),
    refused_case("POST", "/auth/tokens", {}, 422, ["email", "password"], "a sign-in without credentials"),
    refused_case("PUT", "/clinic", {"quiet_hours": {"start": "21:00"}}, 422, ["quiet_hours"],
                 "quiet hours without an end"),
    refused_case("PUT", "/clinic", {"reminder_rules": [{"offset_minutes": 60}]}, 422, ["reminder_rules"],
                 "a reminder without channels"),
    refused_case("GET", "/availability?", None, 422, ["treatment_type_id", "start", "end"],
                 "availability without arguments"),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "fields"), MISSING)
def test_a_form_left_incomplete_is_refused_naming_every_missing_field(app, world, method, path, body, status, fields):
    check_case(app, world, method, path, body, status, fields)


def test_setting_up_the_clinic_for_the_first_time_without_name_and_zone_is_refused_naming_both(app):
    admin = api_as(app, "admin")
    with nothing_changes(app):
        response = admin.put("/clinic", json={"slot_step_minutes": 15})
    assert_refused(response, 422, ["name", "timezone"])


# --- Unknown ids -----------------------------------------------------------------------------

UNKNOWN_IN_BODY = [
    refused_case("POST", "/appointments", {"patient_id": 999, "treatment_type_id": "{treatment}",
                                           "start": TUESDAY_9}, 422, ["patient_id"], "booking an unknown patient"),
    refused_case("POST", "/appointments", {"patient_id": "{newcomer}", "treatment_type_id": 999,
                                           "start": TUESDAY_9}, 422, ["treatment_type_id"],
                 "booking an unknown treatment"),
    refused_case("POST", "/appointments", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                                           "start": TUESDAY_9, "chair_id": 999}, 422, ["chair_id"],
                 "booking an unknown chair"),
    refused_case("POST", "/appointments", {"patient_id": 2**31 - 1, "treatment_type_id": "{treatment}",
                                           "start": TUESDAY_9}, 422, ["patient_id"], "booking the largest id"),
    refused_case("POST", "/courses", {"patient_id": 999, "treatment_type_id": "{treatment}",
                                      "kind": "induction", "sessions": 3}, 422, ["patient_id"],
                 "a course for an unknown patient"),
    refused_case("POST", "/courses", {"patient_id": "{newcomer}", "treatment_type_id": 999,
                                      "kind": "induction", "sessions": 3}, 422, ["treatment_type_id"],
                 "a course of an unknown treatment"),
    refused_case("POST", "/courses/plan", {"patient_id": 999, "treatment_type_id": "{treatment}",
                                           "kind": "maintenance", "sessions": 2}, 422, ["patient_id"],
                 "planning for an unknown patient"),
    refused_case("POST", "/appointments/{appointment}/reschedule", {"start": "2026-06-03T09:00:00-04:00",
                                                                    "chair_id": 999}, 422, ["chair_id"],
                 "moving to an unknown chair"),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "fields"), UNKNOWN_IN_BODY)
def test_an_unknown_id_named_in_the_body_is_refused_naming_it(app, world, method, path, body, status, fields):
    check_case(app, world, method, path, body, status, fields)


def test_booking_a_chair_taken_out_of_service_is_refused_naming_chair_id(app, world):
    retired = _created(world.admin.post("/chairs", json={"name": "Old recliner", "active": False}))
    body = {"patient_id": world.newcomer, "treatment_type_id": world.treatment, "start": TUESDAY_9,
            "chair_id": retired}
    with nothing_changes(app):
        response = world.admin.post("/appointments", json=body)
    assert_refused(response, 422, ["chair_id"])


def test_availability_for_an_unknown_treatment_names_it_as_a_query_argument(world):
    response = world.admin.get("/availability?treatment_type_id=999&start=2026-06-02T00:00:00Z"
                               "&end=2026-06-03T00:00:00Z")
    assert_refused(response, 422, ["treatment_type_id"], location="query")


UNKNOWN_IN_PATH = [
    pytest.param(method, path, body, id=f"{method} {path}") for method, path, body in [
        ("GET", "/patients/999", None),
        ("PATCH", "/patients/999", {"email_opt_in": False}),
        ("GET", "/courses/999", None),
        ("POST", "/courses/999/cancel", {"reason": "moved away"}),
        ("GET", "/appointments/999", None),
        ("POST", "/appointments/999/reschedule", {"start": "2026-06-03T09:00:00-04:00"}),
        ("POST", "/appointments/999/cancel", {"reason": "a cold"}),
        ("POST", "/appointments/999/check-in", None),
        ("POST", "/appointments/999/complete", None),
        ("POST", "/appointments/999/no-show", None),
    ]
]


@pytest.mark.parametrize(("method", "path", "body"), UNKNOWN_IN_PATH)
def test_an_unknown_id_in_the_path_is_404(app, world, method, path, body):
    world.appointment, world.course  # there is something to find, just not this
    with nothing_changes(app):
        response = world.admin.call(method, path, json=body)
    assert_refused(response, 404)


@pytest.mark.parametrize("id_text", ["0", "-1", "abc", "1.5", "1e3", str(2**31), str(HUGE), "9" * 400])
def test_an_id_in_the_path_that_no_row_could_have_is_404_not_a_crash(app, world, id_text):
    world.patient, world.appointment
    with nothing_changes(app):
        answers = {
            path: world.admin.call(method, path, json=body).status_code
            for method, path, body in [
                ("GET", f"/patients/{id_text}", None),
                ("PATCH", f"/patients/{id_text}", {"email_opt_in": True}),
                ("GET", f"/courses/{id_text}", None),
                ("POST", f"/appointments/{id_text}/cancel", {"reason": "a cold"}),
                ("POST", f"/appointments/{id_text}/check-in", None),
            ]}
    assert set(answers.values()) == {404}, answers


HUGE_IDS = [
    refused_case("POST", "/appointments", {"patient_id": HUGE, "treatment_type_id": "{treatment}",
                                           "start": TUESDAY_9}, 422, ["patient_id"], "patient 10**20"),
    refused_case("POST", "/appointments", {"patient_id": 2**31, "treatment_type_id": "{treatment}",
                                           "start": TUESDAY_9}, 422, ["patient_id"], "patient 2**31"),
    refused_case("POST", "/appointments", {"patient_id": "{newcomer}", "treatment_type_id": HUGE,
                                           "start": TUESDAY_9}, 422, ["treatment_type_id"], "treatment 10**20"),
    refused_case("POST", "/appointments", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                                           "start": TUESDAY_9, "chair_id": HUGE}, 422, ["chair_id"], "chair 10**20"),
    refused_case("POST", "/appointments", {"patient_id": 0, "treatment_type_id": "{treatment}",
                                           "start": TUESDAY_9}, 422, ["patient_id"], "patient 0"),
    refused_case("POST", "/appointments", {"patient_id": -3, "treatment_type_id": "{treatment}",
                                           "start": TUESDAY_9}, 422, ["patient_id"], "patient -3"),
    refused_case("POST", "/courses", {"patient_id": HUGE, "treatment_type_id": HUGE, "kind": "induction",
                                      "sessions": 3}, 422, ["patient_id", "treatment_type_id"], "course ids 10**20"),
    refused_case("POST", "/courses/plan", {"patient_id": -HUGE, "treatment_type_id": "{treatment}",
                                           "kind": "induction", "sessions": 3}, 422, ["patient_id"],
                 "plan for patient -10**20"),
    refused_case("POST", "/appointments/{appointment}/reschedule", {"start": "2026-06-03T09:00:00-04:00",
                                                                    "chair_id": HUGE}, 422, ["chair_id"],
                 "move to chair 10**20"),
    refused_case("GET", f"/appointments?patient_id={HUGE}", None, 422, ["patient_id"], "filter by patient 10**20"),
    refused_case("GET", f"/appointments?chair_id={2**31}", None, 422, ["chair_id"], "filter by chair 2**31"),
    refused_case("GET", f"/availability?treatment_type_id={HUGE}&start=2026-06-02T00:00:00Z"
                        "&end=2026-06-03T00:00:00Z", None, 422, ["treatment_type_id"], "availability of 10**20"),
    refused_case("GET", f"/availability?treatment_type_id={{treatment}}&chair_id={HUGE}"
                        "&start=2026-06-02T00:00:00Z&end=2026-06-03T00:00:00Z", None, 422, ["chair_id"],
                 "availability on chair 10**20"),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "fields"), HUGE_IDS)
def test_an_id_far_too_large_or_below_one_is_refused_naming_it(app, world, method, path, body, status, fields):
    check_case(app, world, method, path, body, status, fields)


# --- Numbers out of range --------------------------------------------------------------------

def _course(**fields):
    return {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}", "kind": "induction",
            "sessions": 3, **fields}


N = "<n>"  # where the number under test goes in a body

# method, path, a body with N in it, the field to name, the numbers to try (each refused).
NUMBERS = [
    pytest.param("POST", "/treatment-types", {"name": "IM", "duration_minutes": N}, "duration_minutes",
                 (-120, 0, 4, 12 * 60 + 1, 2**31, HUGE), id="minutes a session takes"),
    pytest.param("POST", "/treatment-types", {"name": "IM", "duration_minutes": 60, "buffer_minutes": N},
                 "buffer_minutes", (-1, 4 * 60 + 1, HUGE), id="minutes to turn the chair over"),
    pytest.param("PUT", "/clinic", {"slot_step_minutes": N}, "slot_step_minutes", (-15, 0, 121, HUGE),
                 id="the slot step"),
    pytest.param("PUT", "/clinic", {"alert_score_at_or_below": N}, "alert_score_at_or_below", (-1, 11, HUGE),
                 id="the alert score"),
    pytest.param("PUT", "/clinic", {"escalation_minutes": N}, "escalation_minutes", (-60, 0, HUGE),
                 id="minutes before an alert escalates"),
    pytest.param("PUT", "/clinic", {"reminder_rules": [{"offset_minutes": N, "channels": ["sms"]}]},
                 "reminder_rules", (-60, 30 * 24 * 60 + 1, HUGE), id="minutes a reminder goes ahead"),
    pytest.param("PUT", "/clinic", {"checkin_rules": [{"after_minutes": N, "channel": "sms"}]},
                 "checkin_rules", (-1, HUGE), id="minutes a check-in follows"),
    pytest.param("POST", "/courses", _course(sessions=N), "sessions", (-1, 0, 13, HUGE), id="sessions in a course"),
    pytest.param("POST", "/courses", _course(min_gap_hours=N), "min_gap_hours", (-24, 0, 19, 14 * 24 + 1, HUGE),
                 id="hours between induction sessions"),
    pytest.param("POST", "/courses/plan", _course(max_span_days=N), "max_span_days", (-21, 0, 61, HUGE),
                 id="days an induction may span"),
    pytest.param("POST", "/courses/plan", _course(kind="maintenance", interval_days=N), "interval_days",
                 (-28, 0, 6, 121, HUGE), id="days between maintenance sessions"),
]


def _with_number(template, number):
    if template == N:
        return number
    if isinstance(template, dict):
        return {key: _with_number(value, number) for key, value in template.items()}
    if isinstance(template, list):
        return [_with_number(value, number) for value in template]
    return template


@pytest.mark.parametrize(("method", "path", "template", "field", "numbers"), NUMBERS)
def test_a_negative_or_absurd_number_is_refused_naming_it(app, world, method, path, template, field, numbers):
    path = fill(path, world)
    bodies = {number: fill(_with_number(template, number), world) for number in numbers}
    with nothing_changes(app):
        answers = {}
        for number, body in bodies.items():
            response = world.admin.call(method, path, json=body)
            answers[number] = (response.status_code, field in named_fields(response, "json"))
    assert answers == {number: (422, True) for number in numbers}


@pytest.mark.parametrize("number", ["1e400", "-1e400", "NaN", "Infinity", "1e2"])
def test_a_number_json_cannot_hold_as_an_integer_is_refused_naming_it(app, world, number):
    with nothing_changes(app):
        response = world.admin.client.post(
            "/api/v1/treatment-types", data=f'{{"name": "IM", "duration_minutes": {number}}}',
            headers={**world.admin.headers, "Content-Type": "application/json"})
    assert_refused(response, 422, ["duration_minutes"])


# --- Date-times ------------------------------------------------------------------------------

NAIVE = "2026-06-03T09:00:00"

DATE_TIMES = [
    refused_case("POST", "/appointments", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                                           "start": NAIVE}, 422, ["start"], "booking at a time without offset"),
    refused_case("POST", "/appointments", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                                           "start": "2026-06-03"}, 422, ["start"], "booking on a bare date"),
    refused_case("POST", "/appointments", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                                           "start": "next wednesday at nine"}, 422, ["start"], "booking in words"),
    refused_case("POST", "/appointments", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                                           "start": "2026-02-30T09:00:00-05:00"}, 422, ["start"],
                 "booking on the 30th of February"),
    refused_case("POST", "/appointments", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                                           "start": "2026-06-03T09:00:00+25:00"}, 422, ["start"],
                 "booking at an offset of 25 hours"),
    refused_case("POST", "/appointments", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                                           "start": "1999-12-31T09:00:00-05:00"}, 422, ["start"],
                 "booking in 1999"),
    refused_case("POST", "/appointments", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                                           "start": "2100-01-04T09:00:00-05:00"}, 422, ["start"],
                 "booking in 2100"),
    refused_case("POST", "/appointments/{appointment}/reschedule", {"start": NAIVE}, 422, ["start"],
                 "moving to a time without offset"),
    refused_case("POST", "/courses", _course(starts=[NAIVE, "2026-06-04T09:00:00-04:00",
                                                     "2026-06-05T09:00:00-04:00"]), 422, ["starts"],
                 "a course with one start without offset"),
    refused_case("POST", "/courses/plan", _course(start_on="2026-06-31"), 422, ["start_on"],
                 "a course from the 31st of June"),
    refused_case("POST", "/courses/plan", _course(start_on="2026-06-03T09:00:00-04:00"), 422, ["start_on"],
                 "a course from a date-time instead of a date"),
    refused_case("GET", "/availability?treatment_type_id={treatment}&start=2026-06-02T00:00:00"
                        "&end=2026-06-03T00:00:00Z", None, 422, ["start"], "availability from a time without offset"),
    refused_case("GET", "/availability?treatment_type_id={treatment}&start=2026-06-02T00:00:00Z"
                        "&end=2026-06-03", None, 422, ["end"], "availability to a bare date"),
    refused_case("GET", "/appointments?from=2026-06-01T00:00:00", None, 422, ["from"],
                 "the schedule from a time without offset"),
    refused_case("GET", "/appointments?to=tomorrow", None, 422, ["to"], "the schedule to tomorrow"),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "fields"), DATE_TIMES)
def test_a_date_time_without_offset_or_out_of_this_century_is_refused_naming_it(
        app, world, method, path, body, status, fields):
    check_case(app, world, method, path, body, status, fields)


def test_booking_with_a_time_without_offset_is_refused_naming_start(app, world):
    body = {"patient_id": world.newcomer, "treatment_type_id": world.treatment, "start": NAIVE}
    with nothing_changes(app):
        response = world.admin.post("/appointments", json=body)
    assert_refused(response, 422, ["start"])
    assert "offset" in response.json["errors"]["json"]["start"][0]


EDGES_OF_THE_CALENDAR = [
    refused_case("POST", "/appointments", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                                           "start": "0001-01-01T00:00:00+14:00"}, 422, ["start"],
                 "booking before the year 1 in UTC"),
    refused_case("POST", "/appointments", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                                           "start": "9999-12-31T23:59:59-12:00"}, 422, ["start"],
                 "booking after the year 9999 in UTC"),
    refused_case("GET", "/availability?treatment_type_id={treatment}&start=0001-01-01T00:00:00%2B01:00"
                        "&end=2026-06-03T00:00:00Z", None, 422, ["start"], "availability from the year 0"),
    refused_case("GET", "/appointments?to=9999-12-31T23:00:00-05:00", None, 422, ["to"],
                 "the schedule to the year 10000"),
    refused_case("POST", "/courses/plan", _course(start_on="9999-12-31"), 422, ["start_on"],
                 "a course from the last day of 9999"),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "fields"), EDGES_OF_THE_CALENDAR)
def test_a_date_at_the_very_edge_of_the_calendar_is_refused_not_a_crash(app, world, method, path, body, status, fields):
    check_case(app, world, method, path, body, status, fields)


def test_a_course_from_the_year_1_in_a_clinic_east_of_greenwich_is_answered_not_a_crash(app, world):
    assert world.admin.put("/clinic", json={"timezone": "Asia/Tokyo"}).status_code == 200
    body = fill(_course(start_on="0001-01-01"), world)
    with nothing_changes(app):
        response = world.admin.post("/courses/plan", json=body)
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        assert_refused(response, response.status_code, ["start_on"])


# --- Time zones, phones, text ----------------------------------------------------------------

@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "america/new_york", "New York", "", "UTC+5",
                                  "../../../etc/passwd", "America/New_York/", "x" * 300])
def test_a_made_up_time_zone_is_refused_naming_timezone(app, world, zone):
    world.patient
    with nothing_changes(app):
        answers = [
            world.admin.put("/clinic", json={"timezone": zone}),
            world.admin.post("/patients", json={"first_name": "Ada", "last_name": "Walk-in", "timezone": zone}),
            world.admin.patch(f"/patients/{world.patient}", json={"timezone": zone}),
        ]
    for response in answers:
        assert_refused(response, 422, ["timezone"])


@pytest.mark.parametrize("phone", ["12345", "not a phone", "+1 555 0100", "", "+999 1234 5678",
                                   "617-555-01234567", "+1617555" + "0" * 40, "+1 (617) 555-O123"])
def test_a_phone_number_that_cannot_be_dialled_is_refused_naming_phone(app, world, phone):
    world.patient
    with nothing_changes(app):
        answers = [
            world.admin.post("/patients", json={"first_name": "Ada", "last_name": "Walk-in", "phone": phone}),
            world.admin.patch(f"/patients/{world.patient}", json={"phone": phone}),
            world.admin.put("/clinic", json={"phone": phone}),
        ]
    for response in answers:
        assert_refused(response, 422, ["phone"])


@pytest.mark.parametrize(("typed", "stored"), [
    ("(617) 555-0123", "+16175550123"),
    ("617.555.0123", "+16175550123"),
    ("+1 617 555 0123", "+16175550123"),
    ("+44 20 7946 0958", "+442079460958"),
])
def test_a_phone_number_typed_as_people_write_it_is_stored_in_e164(world, typed, stored):
    response = world.admin.post("/patients", json={"first_name": "Ada", "last_name": "Walk-in", "phone": typed})
    assert response.status_code == 201, response.json
    assert response.json["phone"] == stored
    assert world.admin.get(f"/patients/{response.json['id']}").json["phone"] == stored
    patched = world.admin.patch(f"/patients/{world.patient}", json={"phone": typed})
    assert patched.json["phone"] == stored


NUL = "\u0000"

NUL_BYTES = [
    refused_case("POST", "/patients", {"first_name": f"Ada{NUL}", "last_name": "Walk-in"}, 422, ["first_name"],
                 "a first name"),
    refused_case("POST", "/patients", {"first_name": "Ada", "last_name": f"{NUL}Walk-in"}, 422, ["last_name"],
                 "a last name"),
    refused_case("POST", "/patients", {"first_name": "Ada", "last_name": "Walk-in",
                                       "email": f"ada{NUL}@example.com"}, 422, ["email"], "an email"),
    refused_case("POST", "/patients", {"first_name": "Ada", "last_name": "Walk-in",
                                       "phone": f"+1617555{NUL}0123"}, 422, ["phone"], "a phone"),
    refused_case("POST", "/patients", {"first_name": "Ada", "last_name": "Walk-in",
                                       "timezone": f"America/New_York{NUL}"}, 422, ["timezone"], "a time zone"),
    refused_case("PATCH", "/patients/{patient}", {"last_name": f"Smith{NUL}"}, 422, ["last_name"],
                 "a corrected last name"),
    refused_case("POST", "/chairs", {"name": f"Recliner{NUL}2"}, 422, ["name"], "a chair name"),
    refused_case("POST", "/treatment-types", {"name": f"IM{NUL}", "duration_minutes": 60}, 422, ["name"],
                 "a treatment name"),
    refused_case("POST", "/treatment-types", {"name": "IM", "duration_minutes": 60,
                                              "preparation": f"Fast for 4 hours.{NUL}"}, 422, ["preparation"],
                 "preparation notes"),
    refused_case("PUT", "/clinic", {"name": f"Clinic{NUL}"}, 422, ["name"], "the clinic's name"),
    refused_case("PUT", "/clinic", {"opening_hours": {f"mon{NUL}": [["09:00", "17:00"]]}}, 422,
                 ["opening_hours"], "a day of the week"),
    refused_case("PUT", "/clinic", {"quiet_hours": {"start": f"21:00{NUL}", "end": "08:00"}}, 422,
                 ["quiet_hours"], "quiet hours"),
    refused_case("POST", "/appointments/{appointment}/cancel", {"reason": f"a cold{NUL}"}, 422, ["reason"],
                 "a cancellation reason"),
    refused_case("POST", "/courses/{course}/cancel", {"reason": f"{NUL}"}, 422, ["reason"],
                 "a course cancellation reason"),
    refused_case("POST", "/courses", _course(kind=f"induction{NUL}"), 422, ["kind"], "a course kind"),
    refused_case("POST", "/auth/tokens", {"email": f"desk{NUL}@test.clinic", "password": "long enough"}, 422,
                 ["email"], "a sign-in email"),
    refused_case("GET", "/patients?q=Ada%00", None, 422, ["q"], "a patient search"),
    refused_case("GET", "/appointments?status=scheduled%00", None, 422, ["status"], "a status filter"),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "fields"), NUL_BYTES)
def test_text_with_a_nul_byte_is_refused_naming_the_field(app, world, method, path, body, status, fields):
    check_case(app, world, method, path, body, status, fields)


def test_a_password_with_a_nul_byte_is_just_a_wrong_password(app, world):
    with nothing_changes(app, but=("signin_attempt",)):  # a failed sign-in is counted
        response = world.admin.client.post("/api/v1/auth/tokens",
                                           json={"email": "desk@test.clinic", "password": f"pass{NUL}word"})
    assert_refused(response, 401)


@pytest.mark.parametrize("text", ["bell\u0007", "escape\u001b[31m", "delete\u007f", "vertical\u000btab"])
def test_a_name_with_other_control_characters_is_refused_naming_it(app, world, text):
    with nothing_changes(app):
        response = world.admin.post("/patients", json={"first_name": text, "last_name": "Walk-in"})
    assert_refused(response, 422, ["first_name"])


# --- Opening hours ---------------------------------------------------------------------------

@pytest.mark.parametrize("opening_hours", [
    pytest.param({"funday": [["09:00", "17:00"]]}, id="a day that does not exist"),
    pytest.param({"Monday": [["09:00", "17:00"]]}, id="a day spelled out"),
    pytest.param({"mon": [["25:00", "26:00"]]}, id="25 o'clock"),
    pytest.param({"mon": [["09:00", "24:00"]]}, id="closing at 24:00"),
    pytest.param({"mon": [["09:60", "17:00"]]}, id="sixty minutes past"),
    pytest.param({"mon": [["9:00", "17:00"]]}, id="a single-digit hour"),
    pytest.param({"mon": [["09:00", "17:00:00"]]}, id="seconds"),
    pytest.param({"mon": [["9am", "5pm"]]}, id="am and pm"),
    pytest.param({"mon": [[900, 1700]]}, id="numbers"),
    pytest.param({"mon": [["17:00", "09:00"]]}, id="closing before opening"),
    pytest.param({"mon": [["09:00", "09:00"]]}, id="closing as it opens"),
    pytest.param({"mon": [["09:00", "13:00"], ["12:00", "17:00"]]}, id="overlapping spans"),
    pytest.param({"mon": [["12:00", "17:00"], ["09:00", "12:30"]]}, id="overlapping spans out of order"),
    pytest.param({"mon": [["09:00", "17:00"], ["09:00", "17:00"]]}, id="the same span twice"),
    pytest.param({"mon": [["09:00", "12:00", "17:00"]]}, id="a span of three times"),
    pytest.param({"mon": [["09:00"]]}, id="a span of one time"),
    pytest.param({"mon": ["09:00", "17:00"]}, id="a span not in a list"),
    pytest.param({"mon": "09:00-17:00"}, id="a span as text"),
    pytest.param({"mon": None}, id="a day of null"),
    pytest.param({"mon": [[f"{h:02d}:00", f"{h:02d}:30"] for h in range(8, 13)]}, id="five spans in a day"),
    pytest.param([["09:00", "17:00"]], id="a list instead of days"),
    pytest.param(None, id="null"),
])
def test_opening_hours_that_make_no_sense_are_refused_naming_opening_hours(app, world, opening_hours):
    before = world.admin.get("/clinic").json
    with nothing_changes(app):
        response = world.admin.put("/clinic", json={"name": "Renamed", "opening_hours": opening_hours})
    assert_refused(response, 422, ["opening_hours"])
    assert world.admin.get("/clinic").json == before


def test_opening_hours_with_a_lunch_break_and_a_saturday_morning_are_accepted(world):
    hours = {"mon": [["12:30", "17:00"], ["08:00", "12:30"]], "sat": [["09:00", "13:00"]]}
    response = world.admin.put("/clinic", json={"opening_hours": hours})
    assert response.status_code == 200, response.json
    assert world.admin.get("/clinic").json["opening_hours"]["sat"] == [["09:00", "13:00"]]


@pytest.mark.parametrize("quiet_hours", [
    pytest.param({"start": "24:00", "end": "08:00"}, id="24:00"),
    pytest.param({"start": "21:00", "end": "8"}, id="an hour without minutes"),
    pytest.param({"start": "21:00", "end": "08:00", "days": "all"}, id="an unknown key"),
    pytest.param(["21:00", "08:00"], id="a list"),
])
def test_quiet_hours_that_make_no_sense_are_refused_naming_quiet_hours(app, world, quiet_hours):
    with nothing_changes(app):
        response = world.admin.put("/clinic", json={"quiet_hours": quiet_hours})
    assert_refused(response, 422, ["quiet_hours"])


@pytest.mark.parametrize("rules", [
    pytest.param([{"offset_minutes": 60, "channels": ["fax"]}], id="a reminder by fax"),
    pytest.param([{"offset_minutes": 60, "channels": []}], id="a reminder by no channel"),
    pytest.param([{"offset_minutes": 60, "channels": "sms"}], id="channels as text"),
    pytest.param([{"offset_minutes": 60 * n, "channels": ["sms"]} for n in range(1, 12)], id="eleven reminders"),
])
def test_reminder_rules_that_make_no_sense_are_refused_naming_reminder_rules(app, world, rules):
    with nothing_changes(app):
        response = world.admin.put("/clinic", json={"reminder_rules": rules})
    assert_refused(response, 422, ["reminder_rules"])


# --- Availability ----------------------------------------------------------------------------

def _availability(world, start, end):
    return world.admin.get(f"/availability?treatment_type_id={world.treatment}&start={start}&end={end}")


@pytest.mark.parametrize(("start", "end"), [
    pytest.param("2026-06-03T00:00:00Z", "2026-06-02T00:00:00Z", id="ending the day before it starts"),
    pytest.param("2026-06-03T00:00:00Z", "2026-06-03T00:00:00Z", id="ending as it starts"),
    pytest.param("2026-06-02T00:00:00Z", "2026-07-04T00:00:00Z", id="32 days"),
    pytest.param("2026-06-02T00:00:00Z", "2027-06-02T00:00:00Z", id="a year"),
    pytest.param("2026-06-02T00:00:00Z", "2099-12-31T00:00:00Z", id="the rest of the century"),
])
def test_asking_for_availability_backwards_or_for_more_than_a_month_is_refused_naming_end(world, start, end):
    assert_refused(_availability(world, start, end), 422, ["end"], location="query")


def test_asking_for_thirty_days_of_availability_is_answered(world):
    response = _availability(world, "2026-06-02T00:00:00Z", "2026-07-02T00:00:00Z")
    assert response.status_code == 200, response.json
    assert response.json  # weekdays 09:00-17:00 leave plenty free


def test_asking_for_availability_far_in_the_past_is_answered_with_nothing(world):
    response = _availability(world, "2001-01-01T00:00:00Z", "2001-01-30T00:00:00Z")
    assert response.status_code == 200, response.json
    assert response.json == []


# --- Courses ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "sessions"), [
    pytest.param("induction", 7, id="induction of 7"),
    pytest.param("induction", 2, id="induction of 2"),
    pytest.param("induction", 12, id="induction of 12"),
    pytest.param("maintenance", 13, id="maintenance of 13"),
])
def test_a_course_with_the_wrong_number_of_sessions_is_refused_naming_sessions(app, world, kind, sessions):
    body = fill(_course(kind=kind, sessions=sessions), world)
    with nothing_changes(app):
        planned = world.admin.post("/courses/plan", json=body)
        booked = world.admin.post("/courses", json=body)
    assert_refused(planned, 422, ["sessions"])
    assert_refused(booked, 422, ["sessions"])


@pytest.mark.parametrize("kind", ["weekly", "INDUCTION", ""])
def test_a_course_of_an_unknown_kind_is_refused_naming_kind(app, world, kind):
    body = fill(_course(kind=kind), world)
    with nothing_changes(app):
        response = world.admin.post("/courses", json=body)
    assert_refused(response, 422, ["kind"])


def _on(day: int, at: str = "09:00") -> str:
    return f"2026-06-{day:02d}T{at}:00-04:00"


@pytest.mark.parametrize("fields", [
    pytest.param({"starts": [_on(16, "14:00"), _on(17, "10:00"), _on(18, "10:00")]},
                 id="20 hours between the first two"),
    pytest.param({"starts": [_on(16), _on(16, "13:00"), _on(18)]}, id="two on one day"),
    pytest.param({"starts": [_on(16), _on(17), _on(18)], "min_gap_hours": 48}, id="closer than the gap asked for"),
    pytest.param({"starts": [_on(16), _on(17), "2026-07-08T09:00:00-04:00"]}, id="beyond 21 days"),
    pytest.param({"starts": [_on(16), _on(19), _on(26)], "max_span_days": 7}, id="beyond the span asked for"),
    pytest.param({"starts": [_on(16), _on(17)]}, id="two starts for three sessions"),
    pytest.param({"starts": [_on(16), _on(17), _on(18), _on(19)]}, id="four starts for three sessions"),
    pytest.param({"starts": [_on(17), _on(16), _on(18)]}, id="out of order"),
    pytest.param({"starts": [_on(16), _on(17), _on(18)], "start_on": "2026-06-17"}, id="before start_on"),
    pytest.param({"starts": [_on(16, "09:07"), _on(17), _on(18)]}, id="off the quarter hour"),
    pytest.param({"starts": [_on(16, "07:00"), _on(17), _on(18)]}, id="before opening"),
    pytest.param({"starts": [_on(20), _on(22), _on(23)]}, id="on a Saturday"),
    pytest.param({"starts": ["2026-05-27T09:00:00-04:00", _on(2), _on(3)]}, id="in the past"),
    pytest.param({"starts": []}, id="no starts at all"),
    pytest.param({"starts": [_on(16)] * 13}, id="thirteen starts"),
])
def test_course_start_times_that_break_the_rules_are_refused_naming_starts(app, world, fields):
    body = fill(_course(**fields), world)
    with nothing_changes(app):
        planned = world.admin.post("/courses/plan", json=body)
        booked = world.admin.post("/courses", json=body)
    assert_refused(planned, 422, ["starts"])
    assert_refused(booked, 422, ["starts"])


def test_course_start_times_that_keep_the_rules_are_booked_exactly(world):
    response = world.admin.post("/courses", json=fill(_course(starts=COURSE_STARTS), world))
    assert response.status_code == 201, response.json
    assert [a["start"] for a in response.json["appointments"]] == [
        "2026-06-16T13:00:00+00:00", "2026-06-17T13:00:00+00:00", "2026-06-18T13:00:00+00:00"]


def test_a_course_whose_start_time_is_taken_is_a_conflict_and_books_none_of_it(app, world):
    world.appointment  # the only chair, Tuesday 09:00 to 11:15
    body = fill(_course(starts=[TUESDAY_9, "2026-06-03T09:00:00-04:00", "2026-06-04T09:00:00-04:00"]), world)
    with nothing_changes(app):
        response = world.admin.post("/courses", json=body)
    assert_refused(response, 409, ["starts"])


# --- Booking one session ---------------------------------------------------------------------

@pytest.mark.parametrize("start", [
    pytest.param("2026-06-06T10:00:00-04:00", id="on a Saturday"),
    pytest.param("2026-06-03T08:00:00-04:00", id="before opening"),
    pytest.param("2026-06-03T15:30:00-04:00", id="ending after closing"),
    pytest.param("2026-06-03T17:00:00-04:00", id="at closing time"),
    pytest.param("2026-06-03T09:07:00-04:00", id="off the quarter hour"),
    pytest.param("2026-06-03T09:15:30-04:00", id="thirty seconds off the grid"),
    pytest.param("2026-05-29T09:00:00-04:00", id="last Friday"),
])
def test_booking_outside_opening_hours_or_off_the_grid_is_refused_naming_start(app, world, start):
    booking = {"patient_id": world.newcomer, "treatment_type_id": world.treatment, "start": start}
    appointment = world.appointment
    with nothing_changes(app):
        booked = world.admin.post("/appointments", json=booking)
        moved = world.admin.post(f"/appointments/{appointment}/reschedule", json={"start": start})
    assert_refused(booked, 422, ["start"])
    assert_refused(moved, 422, ["start"])


def test_booking_a_taken_slot_is_a_conflict_not_bad_input(app, world):
    world.appointment  # Tuesday 09:00, the clinic's one chair
    newcomer, patient, treatment = world.newcomer, world.patient, world.treatment
    with nothing_changes(app):
        same_time = world.admin.post("/appointments", json={
            "patient_id": newcomer, "treatment_type_id": treatment, "start": TUESDAY_9})
        in_the_turnover = world.admin.post("/appointments", json={
            "patient_id": newcomer, "treatment_type_id": treatment, "start": "2026-06-02T11:00:00-04:00"})
        same_patient_same_day = world.admin.post("/appointments", json={
            "patient_id": patient, "treatment_type_id": treatment, "start": "2026-06-02T14:00:00-04:00"})
    for response in (same_time, in_the_turnover, same_patient_same_day):
        assert_refused(response, 409, ["start"])
    after_the_turnover = world.admin.post("/appointments", json={
        "patient_id": world.newcomer, "treatment_type_id": world.treatment, "start": "2026-06-02T11:15:00-04:00"})
    assert after_the_turnover.status_code == 201, after_the_turnover.json


def test_a_status_change_the_appointment_is_not_in_is_a_conflict(app, world):
    world.appointment  # scheduled for tomorrow
    with nothing_changes(app):
        answers = {action: world.admin.post(f"/appointments/{world.appointment}/{action}")
                   for action in ("complete", "no-show", "check-in")}
    for response in answers.values():
        assert_refused(response, 409, ["status"])


# --- Unknown fields and lists ----------------------------------------------------------------

@pytest.mark.parametrize(("method", "path", "body", "field"), [
    pytest.param("POST", "/patients", {"first_name": "Ada", "last_name": "Walk-in", "ssn": "123-45-6789"}, "ssn",
                 id="a field the service does not keep"),
    pytest.param("PATCH", "/patients/{patient}", {"id": 5}, "id", id="changing a patient's id"),
    pytest.param("PATCH", "/patients/{patient}", {"sms_opted_out": False}, "sms_opted_out",
                 id="clearing STOP by hand"),
    pytest.param("POST", "/chairs", {"name": "Recliner 2", "id": 1}, "id", id="choosing a chair's id"),
    pytest.param("POST", "/appointments", {"patient_id": "{newcomer}", "treatment_type_id": "{treatment}",
                                           "start": TUESDAY_9, "status": "completed"}, "status",
                 id="booking straight into completed"),
])
def test_a_field_the_request_may_not_set_is_refused_naming_it(app, world, method, path, body, field):
    check_case(app, world, method, path, body, 422, [field])


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=abc", "page_size=0", "page_size=1001",
                                   f"page_size={HUGE}"])
def test_a_page_that_cannot_exist_is_refused_naming_it(world, query):
    name = query.split("=")[0]
    for path in ("/patients", "/appointments"):
        assert_refused(world.admin.get(f"{path}?{query}"), 422, [name], location="query")


@pytest.mark.parametrize("page", [str(2**31), str(2**63), str(HUGE)])
def test_asking_for_a_page_far_beyond_the_last_is_answered_not_a_crash(world, page):
    world.patient
    for path in ("/patients", "/appointments"):
        response = world.admin.get(f"{path}?page={page}")
        assert response.status_code < 500, (path, response.get_data(as_text=True)[:300])
        if response.status_code == 200:
            assert response.json == []
        else:
            assert_refused(response, 422, ["page"], location="query")


def test_a_search_longer_than_any_name_is_refused_naming_q(world):
    assert_refused(world.admin.get("/patients?q=" + "a" * 101), 422, ["q"], location="query")


def test_sign_in_with_an_absurdly_long_email_or_password_is_answered_calmly(app, world):
    with nothing_changes(app, but=("signin_attempt",)):  # a failed sign-in is counted
        long_email = world.admin.client.post("/api/v1/auth/tokens",
                                             json={"email": "x" * 300 + "@test.clinic", "password": "secret pass"})
        long_password = world.admin.client.post("/api/v1/auth/tokens",
                                                json={"email": "desk@test.clinic", "password": "p" * 1_000_000})
    assert_refused(long_email, 422, ["email"])
    assert_refused(long_password, 401)


def test_a_request_body_of_garbage_bytes_is_refused_with_400(app, world):
    with nothing_changes(app):
        response = world.admin.client.post(
            "/api/v1/appointments", data=bytes(range(256)) * 4,
            headers={**world.admin.headers, "Content-Type": "application/json"})
    assert_refused(response, 400)
