"""Who may open what, beyond the per-endpoint tables of tests/api/test_roles.py (every JSON API
endpoint: no token, a made-up or expired token get 401, a wrong role 403) and
tests/web/test_page_roles.py (every staff page: a stranger is sent to sign in, a wrong role 403):

- every route the app serves is in one of those tables, or guarded some other way on purpose;
- the API takes only a bearer token, never the pages' session cookie (the API has no CSRF check);
- on every page, a sign-in that expired, was signed out, or whose account was deactivated is
  sent back to sign in, and a bearer token or a forged cookie signs nobody in;
- a new role applies from the next request.
"""
from __future__ import annotations

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select

from scheduler.extensions import db
from scheduler.models import StaffUser
from scheduler.models.staff import ROLES
from scheduler.services.staff import change_role
from notifications.web import STAFF_BLUEPRINTS
from scheduler.web import BLUEPRINTS
from scheduler.web.access import SESSION_KEY
from tests.factories import Api, api_as, staff_token
from tests.web.pages import StaffPages, pages_as
from tests.web.test_page_roles import OPEN_PAGES, _staff_pages

WEB = {blueprint.name for blueprint in (*BLUEPRINTS, *STAFF_BLUEPRINTS)}
# Routes outside the API and the staff pages, each guarded its own way or open on purpose.
GUARDED_OTHERWISE = {
    "twilio_webhooks.sms": "Twilio's signature",
    "twilio_webhooks.status": "Twilio's signature",
    "patient_page.appointment_page": "a signed link for one appointment, until it starts",
    "waitlist_offer_page.offer_page": "a signed link for one waitlist offer, open until it expires",
    "questionnaire_page.form_page": "a signed link for one questionnaire, open until answered or closed",
}
OPEN_ON_PURPOSE = {
    "ops.healthz": "load balancers",
    "ops.metrics": "the Prometheus scraper: counts by endpoint name, no ids, no patient data",
    "api-docs.openapi_json": "the API's description",
    "api_reference.reference": "the same description, as a page to read (/docs)",
    "static": "Flask's static folder",
    "patient_page.static": "the patient's page's stylesheet",
    **{endpoint: "signing in, and what the sign-in page loads" for endpoint in OPEN_PAGES},
}


def _endpoints(app) -> dict[str, str]:
    return {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}


def test_every_route_is_in_a_role_table_or_guarded_or_open_on_purpose(app):
    unaccounted = {
        endpoint: rule for endpoint, rule in _endpoints(app).items()
        if not rule.startswith("/api/v1/")  # tests/api/test_roles.py checks it lists them all
        and endpoint.split(".")[0] not in WEB  # tests/web/test_page_roles.py finds them all
        and endpoint not in GUARDED_OTHERWISE and endpoint not in OPEN_ON_PURPOSE}
    assert unaccounted == {}


def test_the_routes_guarded_otherwise_refuse_a_stranger(app):
    stranger = app.test_client()
    assert stranger.post("/webhooks/twilio/sms", data={"Body": "STOP"}).status_code == 403
    assert stranger.post("/webhooks/twilio/status", data={"MessageStatus": "failed"}).status_code == 403
    assert stranger.get("/p/not-a-signed-link").status_code == 400
    assert stranger.get("/w/1.not-a-signature").status_code == 400


def test_what_is_open_on_purpose_tells_nothing_about_anyone(app):
    desk = api_as(app, "front_desk")
    desk.post("/patients", json={"first_name": "Marguerite", "last_name": "Quixotic",
                                 "phone": "+16175550177"})
    stranger = app.test_client()
    for path in ("/healthz", "/metrics", "/openapi.json", "/docs"):
        response = stranger.get(path)
        assert response.status_code == 200, path
        for secret in ("Marguerite", "Quixotic", "5550177"):
            assert secret not in response.get_data(as_text=True), (path, secret)


# The API and the pages' session.

def signed_in_pages(app, role: str) -> tuple[StaffPages, str]:
    """A browser signed in to the pages, and the sign-in token its session cookie holds."""
    pages = pages_as(app, role)
    with pages.client.session_transaction() as session:
        return pages, session[SESSION_KEY]


def test_the_api_refuses_the_pages_session_cookie(app):
    pages, _token = signed_in_pages(app, "admin")
    assert pages.get("/patients").status_code == 200  # the browser is signed in to the pages
    for method, path in (("GET", "/api/v1/patients"), ("POST", "/api/v1/chairs"), ("PUT", "/api/v1/clinic")):
        response = pages.client.open(path, method=method, json={"name": "Recliner 9"})
        assert response.status_code == 401, (method, path, response.json)
    assert Api(pages.client, None).get("/chairs").status_code == 401


def test_signing_out_of_the_pages_ends_that_sign_in_on_the_api_too(app):
    pages, token = signed_in_pages(app, "front_desk")
    api = Api(app.test_client(), token)
    assert api.get("/patients").status_code == 200
    pages.post("/sign-out")
    assert api.get("/patients").status_code == 401


# Every page, for every way a sign-in ends.

def _pages_for(app, role: str):
    return [(method, path) for method, path, roles, _ in _staff_pages(app) if role in roles]


def _open_every_page(app, pages: StaffPages, role: str) -> dict[tuple[str, str], tuple[int, str]]:
    """The answer of every page the role may open: status, and where a redirect goes."""
    answers = {}
    for method, path in _pages_for(app, role):
        response = pages.get(path) if method == "GET" else pages.post(path, {})
        answers[(method, path)] = (response.status_code, response.headers.get("Location", "")[:8])
    return answers


def _all_sent_to_sign_in(answers) -> bool:
    return bool(answers) and set(answers.values()) == {(302, "/sign-in")}


@pytest.mark.parametrize("role", ROLES)
def test_an_expired_sign_in_is_sent_back_to_sign_in_from_every_page(app, clock, role):
    pages, _token = signed_in_pages(app, role)
    pages.csrf_token()  # read while signed in, so the posts below carry a valid form token
    clock.advance(hours=app.config["TOKEN_TTL_HOURS"], seconds=1)
    assert _all_sent_to_sign_in(_open_every_page(app, pages, role))


@pytest.mark.parametrize("role", ROLES)
def test_a_deactivated_account_is_sent_back_to_sign_in_from_every_page(app, role):
    pages, _token = signed_in_pages(app, role)
    pages.csrf_token()
    with app.app_context():
        for user in db.session.scalars(select(StaffUser).where(StaffUser.role == role)):
            user.active = False
        db.session.commit()
    assert _all_sent_to_sign_in(_open_every_page(app, pages, role))


def test_a_bearer_token_signs_nobody_in_to_the_pages(app):
    token = staff_token(app, "admin")
    client = app.test_client()
    for _method, path in _pages_for(app, "admin"):
        if _method == "GET":
            response = client.get(path, headers={"Authorization": f"Bearer {token}"})
            assert (response.status_code, response.headers.get("Location", "")[:8]) == (302, "/sign-in"), path


def _cookie_with(app, contents: dict, secret: str | None = None) -> str:
    """A session cookie holding `contents`, signed with `secret` (the app's own by default)."""
    real = app.secret_key
    app.secret_key = secret or real
    try:
        return SecureCookieSessionInterface().get_signing_serializer(app).dumps(contents)
    finally:
        app.secret_key = real


@pytest.mark.parametrize("contents", [
    pytest.param({SESSION_KEY: 12345}, id="a number"),
    pytest.param({SESSION_KEY: ["a", "list"]}, id="a list"),
    pytest.param({SESSION_KEY: {"role": "admin"}}, id="an object"),
    pytest.param({SESSION_KEY: "x" * 5000}, id="a long string"),
    pytest.param({SESSION_KEY: ""}, id="empty"),
    pytest.param({"role": "admin", "staff_id": 1}, id="a role instead of a token"),
])
def test_a_session_holding_anything_but_a_real_token_signs_nobody_in(app, contents):
    staff_token(app, "admin")  # someone real exists
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], _cookie_with(app, contents))
    response = client.get("/admin/staff")
    assert (response.status_code, response.headers.get("Location", "")[:8]) == (302, "/sign-in")


def test_a_session_cookie_signed_with_another_key_signs_nobody_in(app):
    token = staff_token(app, "admin")
    client = app.test_client()
    forged = _cookie_with(app, {SESSION_KEY: token}, secret="someone-elses-secret-key")
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], forged)
    response = client.get("/admin/staff")
    assert (response.status_code, response.headers.get("Location", "")[:8]) == (302, "/sign-in")
    # The same token in a cookie the app signed itself does sign in: only the signature differs.
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], _cookie_with(app, {SESSION_KEY: token}))
    assert client.get("/admin/staff").status_code == 200


def test_a_new_role_applies_from_the_next_request(app):
    desk = Api(app.test_client(), staff_token(app, "front_desk"))
    staff_token(app, "admin")
    assert (desk.get("/patient-requests").status_code, desk.get("/checkins").status_code) == (200, 403)
    with app.app_context():
        users = {user.role: user.id for user in db.session.scalars(select(StaffUser))}
        change_role(users["front_desk"], "monitoring", users["admin"])
    assert (desk.get("/patient-requests").status_code, desk.get("/checkins").status_code) == (403, 200)
