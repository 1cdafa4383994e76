"""Every staff page, found from the app's own routes: a stranger is sent to sign in, a role the
page is not for gets 403, and no page is left without a role rule."""
from __future__ import annotations

import pytest

from notifications.web import STAFF_BLUEPRINTS
from scheduler.models.staff import ROLES
from scheduler.web import BLUEPRINTS
from scheduler.web.pages import menu_for, settings_menu_for

from .pages import pages_as

OPEN_PAGES = {"web.home", "web.sign_in", "web.sign_out", "web.static", "web.favicon"}
# Each role's menu, in the order it shows; the browser tests check the same through sign-in.
MENU = {
    "front_desk": ("Schedule", "Patients", "Book a course", "Due for maintenance", "Waitlist"),
    "monitoring": ("Schedule", "Patients", "Waitlist", "Alerts", "Inbox", "Today in the clinic", "Failed messages"),
    "admin": ("Schedule", "Patients", "Book a course", "Due for maintenance", "Waitlist", "Alerts", "Inbox",
              "Today in the clinic", "Failed messages", "Settings"),
}
SETTINGS_MENU = {"front_desk": (), "monitoring": (),
                 "admin": ("Clinic settings", "Chairs", "Treatment types", "Clinicians", "Staff")}
WEB = {blueprint.name for blueprint in (*BLUEPRINTS, *STAFF_BLUEPRINTS)}


def _staff_pages(app):
    """(method, path, allowed roles) for every route of the web blueprints, ids filled with 1."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in WEB or rule.endpoint in OPEN_PAGES:
            continue
        path = rule.build({name: 1 for name in rule.arguments}, append_unknown=False)[1]
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, path, getattr(view, "allowed_roles", None), rule.endpoint


def test_every_staff_page_has_a_role_rule(app):
    unguarded = [endpoint for _, _, roles, endpoint in _staff_pages(app) if not roles]
    assert unguarded == []
    assert len(list(_staff_pages(app))) >= 2


def test_a_stranger_is_sent_to_sign_in_from_every_page(app):
    stranger = pages_as(app, None)
    for method, path, _, _ in _staff_pages(app):
        response = stranger.get(path) if method == "GET" else stranger.post(path, {})
        assert response.status_code == 302, (method, path)
        assert response.headers["Location"].startswith("/sign-in"), (method, path)


def test_a_post_without_the_csrf_token_changes_nothing(app):
    for role in ROLES:
        pages = pages_as(app, role)
        for method, path, roles, _ in _staff_pages(app):
            if method == "POST" and role in roles:
                assert pages.post(path, {}, csrf=False).status_code == 400, (role, path)


@pytest.mark.parametrize("role", ROLES)
def test_a_role_gets_403_from_every_page_not_for_it(app, role):
    pages = pages_as(app, role)
    refused = 0
    for method, path, roles, _ in _staff_pages(app):
        if role in roles:
            continue
        response = pages.get(path) if method == "GET" else pages.post(path, {})
        assert response.status_code == 403, (role, method, path)
        refused += 1
    assert refused or role == "admin"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_has_its_menu(app, role):
    with app.app_context():
        assert tuple(label for _, label in menu_for(role)) == MENU[role]
        assert tuple(label for _, label in settings_menu_for(role)) == SETTINGS_MENU[role]
