"""End-to-end tests in a real browser: Playwright driving the machine's Chromium (Debian's
`chromium` package, /usr/bin/chromium; no browser is downloaded) against the service running on
127.0.0.1 on a port of its own, on this run's PostgreSQL database.

Each test gets a fresh browser context (no cookies) and a fresh, empty clinic. Screenshots of the
main pages go to one folder per test run under tests/browser/screenshots/ (SCREENSHOT_DIR, named
in tests/conftest.py), printed at the end of the run. If Chromium is missing the tests fail; they
never skip.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from werkzeug.serving import make_server

from scheduler.services.staff import create_staff

from ..conftest import _shared_app

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# As the machine's notes advise: without these, Chromium reaches for Google's services at start.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "a long test password"
# What axe-core may not find on any page: the problems that stop someone using it.
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    folder = Path(os.environ["SCREENSHOT_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: install Debian's chromium package "
                    "(dev.py test and .ci/run do so when they can)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live_app(postgres_url, clock):
    yield from _shared_app(postgres_url, clock)


@pytest.fixture
def server(live_app):
    """The service on 127.0.0.1, a port of its own, threaded like a real server."""
    httpd = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def shoot(page, screenshot_dir):
    """shoot("front-desk-schedule"): a full-page screenshot into this run's folder."""

    def take(name: str) -> Path:
        path = screenshot_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def make_staff(app, role: str) -> str:
    """A staff account of this role with PASSWORD; its email."""
    email = f"{role.replace('_', '-')}@e2e.clinic"
    with app.app_context():
        create_staff(email, PASSWORD, role)
    return email


def sign_in(page, app, role: str) -> str:
    """Signs in through the sign-in form, as a person would; the new account's email."""
    email = make_staff(app, role)
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return email


def no_serious_problems(page) -> None:
    """Fails when axe-core, run in this page as it now stands, finds a serious or critical
    accessibility problem."""
    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in SERIOUS]
    # Each problem with where it is and why, so a failure says what to fix.
    assert not violations, [(v["id"], [(node["target"], node["failureSummary"]) for node in v["nodes"]])
                            for v in violations]
