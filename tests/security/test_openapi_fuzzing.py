"""schemathesis against our own /openapi.json: generated requests to every JSON API endpoint,
signed in as an admin, in a clinic day with something behind each id (see tests/api/test_roles.Day:
chairs, a treatment, patients, sessions to come, in the chair and missed, a course, an open alert,
a patient's request to be called).

Every check schemathesis has runs: no 5xx, status codes, content types, bodies and headers as
documented, auth enforced, schema-valid input accepted and schema-violating input refused,
undeclared methods answered 405 with Allow. PostgreSQL only: the production database, and one
run of the file stays near a minute.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from config import TestingConfig
from scheduler import create_app
from tests.api.test_roles import Day
from tests.factories import staff_token
from tests.properties import EXPLORING, examples

CASES_PER_ENDPOINT = 20
# Generated ids below this are folded onto the rows the day made (and one past them), so most
# cases reach a real object; larger ones (schemathesis's boundaries near 2**31 - 1) stay, as 404s.
FOLDED_IDS = 10**9


class AppUnderTest:
    """The WSGI app schemathesis sends to: the current test's own app, on its own database.
    (schemathesis wants its app when the module loads; each test builds a fresh one.)"""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


APP_UNDER_TEST = AppUnderTest()


def _openapi_document() -> dict:
    # The document does not depend on the database; an in-memory one lets the module load.
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    return app.test_client().get("/openapi.json").json


schema = schemathesis.openapi.from_dict(_openapi_document(), config=SchemathesisConfig.from_dict({
    # Deterministic unless exploring, like every property test (tests/properties.py).
    "generation": {"mode": "all", "max-examples": examples(CASES_PER_ENDPOINT),
                   "deterministic": not EXPLORING, **({} if EXPLORING else {"database": "none"})},
    "checks": {
        "enabled": True,
        # A request the document allows may still break a rule it cannot express (an end before
        # its start, an id in the body that names nothing): the contract answers those with 422.
        "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]},
    },
}))
schema.app = APP_UNDER_TEST


@pytest.fixture
def admin_headers(pg_app, clock):
    day = Day(pg_app, clock)
    for part in ("clinic", "appointment", "checked_in", "late", "course", "newcomer", "alert", "patient_request",
                 "shift"):
        getattr(day, part)
    clock.advance(minutes=90)  # 09:30 in New York: the late patient may be marked a no-show
    APP_UNDER_TEST.app = pg_app
    yield {"Authorization": f"Bearer {staff_token(pg_app, 'admin')}"}
    APP_UNDER_TEST.app = None


@schema.parametrize()
# The day is set up once per endpoint, not once per case: later cases see what earlier ones did.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_endpoint_answers_generated_requests_as_documented(case, admin_headers):
    case.path_parameters = _fold_ids(case.path_parameters)
    if isinstance(case.body, dict):
        case.body = _fold_ids(case.body)
    case.call_and_validate(headers=admin_headers)


def _fold_ids(values: dict | None) -> dict | None:
    if not values:
        return values
    return {name: _fold(value) if name.endswith("_id") else value for name, value in values.items()}


def _fold(value):
    """An id as generated (a number in a body, its text in a path), folded if small enough."""
    number = int(value) if isinstance(value, str) and value.isdigit() else value
    if type(number) is not int or not 1 <= number < FOLDED_IDS:
        return value
    folded = 1 + (number - 1) % 8  # the day makes up to 7 of anything; 8 is one too many
    return str(folded) if isinstance(value, str) else folded
