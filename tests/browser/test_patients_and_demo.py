"""The front desk's patients in a real browser, on the demo clinic `dev.py run` seeds: a patient
typed in twice is caught before being added, a patient's messages say when they go out and why
one did not, and no page asks for an icon it does not have. Each page passes axe-core with
nothing serious."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from ..web.test_demo_clinic import start_the_demo
from .conftest import no_serious_problems, sign_in



def test_no_page_asks_for_an_icon_it_does_not_have(page, live_app, server):
    missing = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    sign_in(page, live_app, "admin")
    for path in ("/schedule", "/patients", "/monitoring/alerts", "/docs"):
        page.goto(path)
    icon = page.request.get(f"{server}/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert "max-age=31536000" in icon.headers["cache-control"]
    page.goto("/schedule")
    assert page.locator('head link[rel="icon"]').get_attribute("href") == "/favicon.ico"
    assert missing == []
