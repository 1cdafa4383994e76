"""Signing in and out of the staff pages, and what a stranger or a wrong role meets."""
from __future__ import annotations



from scheduler.services.staff import create_staff

from .pages import StaffPages, csrf_on, pages_as, text_of

PASSWORD = "correct horse battery"


def _staff(app, role="front_desk", email="desk@test.clinic"):
    with app.app_context():
        create_staff(email, PASSWORD, role)
    return email


def _sign_in(app, email, password=PASSWORD, next_page=None):
    pages = StaffPages(app.test_client())
    data = {"email": email, "password": password}
    if next_page:
        data["next"] = next_page
    return pages, pages.post("/sign-in", data)


def test_front_desk_signs_in_and_lands_on_the_schedule(app):
    email = _staff(app)
    _, response = _sign_in(app, email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/schedule"


def test_monitoring_lands_on_alerts(app):
    email = _staff(app, "monitoring", "watch@test.clinic")
    _, response = _sign_in(app, email)
    assert response.headers["Location"] == "/monitoring/alerts"


def test_wrong_password_is_refused_and_keeps_the_email(app):
    email = _staff(app)
    pages, response = _sign_in(app, email, "not the password")
    assert response.status_code == 401
    assert "Wrong email or password" in text_of(response)
    assert f'value="{email}"' in response.get_data(as_text=True)
    assert pages.get("/schedule").status_code == 302


def test_session_cookie_is_http_only_and_same_site(app):
    email = _staff(app)
    _, response = _sign_in(app, email)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("clinic_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_session_cookie_is_secure_when_served_over_https(database_url, clock):
    from config import TestingConfig
    from tests.conftest import _make_app

    maker = _make_app(database_url, clock, SESSION_COOKIE_SECURE=True)
    app = next(maker)
    try:
        email = _staff(app)
        _, response = _sign_in(app, email)
        cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("clinic_session="))
        assert "Secure" in cookie
        assert TestingConfig.SESSION_COOKIE_SECURE is False  # plain http in tests and development
    finally:
        next(maker, None)


def test_sign_in_returns_to_the_page_asked_for(app):
    email = _staff(app)
    _, response = _sign_in(app, email, next_page="/patients?q=x")
    assert response.headers["Location"] == "/patients?q=x"


def test_sign_in_never_sends_staff_to_another_site(app):
    email = _staff(app)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        _, response = _sign_in(app, email, next_page=target)
        assert response.headers["Location"] == "/schedule", target


def test_a_stranger_is_sent_to_sign_in_and_brought_back(app):
    response = pages_as(app, None).get("/schedule")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=/schedule")


def test_a_form_posted_without_its_csrf_token_is_refused(app):
    email = _staff(app)
    pages = StaffPages(app.test_client())
    response = pages.post("/sign-in", {"email": email, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "expired" in text_of(response)
    assert pages.get("/schedule").status_code == 302  # not signed in


def test_a_csrf_token_from_another_session_is_refused(app):
    email = _staff(app)
    other = StaffPages(app.test_client())
    token = other.csrf_token()
    pages = StaffPages(app.test_client())
    pages.get("/sign-in")
    response = pages.post("/sign-in", {"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 400


def test_sign_out_revokes_the_session_on_the_server(app):
    email = _staff(app)
    pages, _ = _sign_in(app, email)
    with pages.client.session_transaction() as kept:
        stolen = dict(kept)  # a copy of the cookie's contents, as a thief would keep it
    assert pages.post("/sign-out").headers["Location"] == "/sign-in"
    assert pages.get("/schedule").status_code == 302
    thief = app.test_client()
    with thief.session_transaction() as session_:
        session_.update(stolen)
    assert thief.get("/schedule").status_code == 302


def test_a_session_expires_with_its_token(app, clock):
    email = _staff(app)
    pages, _ = _sign_in(app, email)
    assert pages.get("/schedule").status_code == 200
    clock.advance(hours=app.config["TOKEN_TTL_HOURS"], minutes=1)
    assert pages.get("/schedule").status_code == 302


def test_a_deactivated_account_is_signed_out_at_once(app):
    from scheduler.extensions import db
    from scheduler.models import StaffUser

    email = _staff(app)
    pages, _ = _sign_in(app, email)
    with app.app_context():
        db.session.query(StaffUser).filter_by(email=email).update({"active": False})
        db.session.commit()
    assert pages.get("/schedule").status_code == 302


def test_pages_carry_a_strict_content_security_policy(app):
    response = pages_as(app, "front_desk").get("/schedule")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["Cache-Control"] == "no-store"


def test_the_stylesheet_and_script_are_served_by_the_service(app):
    client = app.test_client()
    html = client.get("/sign-in").get_data(as_text=True)
    assert "http://" not in html and "https://" not in html  # nothing from a CDN
    for asset in ("/assets/clinic.css", "/assets/clinic.js"):
        assert client.get(asset).status_code == 200, asset


def test_sign_in_page_has_a_csrf_token(app):
    html = app.test_client().get("/sign-in").get_data(as_text=True)
    assert csrf_on(html)
    assert 'autocomplete="current-password"' in html
