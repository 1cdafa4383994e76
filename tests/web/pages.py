"""The staff web pages as one signed-in staff member (or a stranger) uses them, through Flask's
test client: forms are posted with the page's own CSRF token, as a browser would."""
from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from scheduler.web.access import SESSION_KEY

from ..factories import staff_token

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class StaffPages:
    def __init__(self, client: FlaskClient):
        self.client = client
        self._csrf: str | None = None

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict | None = None, *, csrf: bool = True, **kwargs):
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", self.csrf_token())
        response = self.client.post(path, data=form, **kwargs)
        if path in ("/sign-in", "/sign-out"):
            self._csrf = None  # signing in or out starts a new session, with a new token
        return response

    def csrf_token(self) -> str:
        """The session's token, read off a form as a browser would see it."""
        if self._csrf is None:
            self._csrf = csrf_on(self.client.get("/sign-in").get_data(as_text=True))
        return self._csrf


def csrf_on(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def pages_as(app: Flask, role: str | None) -> StaffPages:
    """Signed in as a new staff member of this role (None: a stranger). The session is set
    directly, as a sign-in would set it, to keep Argon2 out of every test."""
    client = app.test_client()
    if role:
        token = staff_token(app, role)
        with client.session_transaction() as session:
            session[SESSION_KEY] = token
    return StaffPages(client)


def text_of(response) -> str:
    """The page's visible words, tags removed and spaces squeezed, for assertions."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def as_shown(e164: str) -> str:
    """A US number as the pages show it: "+16175550123" -> "(617) 555-0123"."""
    assert re.fullmatch(r"\+1\d{10}", e164), e164
    return f"({e164[2:5]}) {e164[5:8]}-{e164[8:]}"
