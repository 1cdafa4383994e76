"""/docs, the API reference a newcomer reads in the browser: every operation of the OpenAPI
document, grouped by area, readable by everyone (axe-core finds no accessibility violation),
under the pages' strict Content-Security-Policy (nothing blocked)."""
from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect


def test_a_newcomer_reads_the_api_reference_without_signing_in(page, server, shoot):
    refused, loaded = [], []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("response", lambda answer: loaded.append((answer.url.rsplit("/", 1)[1], answer.status)))
    response = page.goto("/docs")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("API reference")
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents.get_by_role("link", name="Availability and booking")).to_be_visible()
    contents.get_by_role("link", name="POST /api/v1/courses/plan").click()
    plan = page.locator("article", has=page.locator("#post-api-v1-courses-plan"))
    expect(plan).to_contain_text("Plan a course without booking it")
    expect(plan.get_by_role("table", name="Answers")).to_contain_text("409")
    expect(page.locator("#schema-CourseRequest")).to_contain_text("induction")
    shoot("api-reference")

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert refused == []
    assert ("api_reference.css", 200) in loaded and ("clinic.css", 200) in loaded
