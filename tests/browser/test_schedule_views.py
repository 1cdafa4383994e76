"""The schedule's day and week views as the front desk uses them (issue 14): a session drawn
across every hour it holds with its turnover, free times that book, a week that reads on a
desktop and on a phone, and no accessibility problem axe-core calls serious."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from ..factories import api_as, book_session, clinic_time, make_patient, set_up_clinic
from .conftest import no_serious_problems, sign_in

TUESDAY = "2026-06-02"  # the tests' clock is Monday 1 June 2026, 08:00 in New York


def _clinic_with_a_session(app, at: str, chair: int = 0):
    """Two chairs, a 120-minute infusion with 15 minutes of turnover, one session booked."""
    admin = api_as(app, "admin")
    ids = set_up_clinic(admin, chairs=2)
    booked = book_session(admin, make_patient(admin, first_name="Ada", last_name="Lovelace"), ids.treatment,
                          clinic_time(TUESDAY, at), chair_id=ids.chairs[chair])
    assert booked.status_code == 201, booked.json
    return admin, ids


def _cell(page, hour: str, chair: int):
    """The day view's cell of one chair (1 = the first) in the row of `hour`, e.g. "11:00"."""
    return page.locator("table.schedule tbody tr").filter(
        has=page.get_by_role("rowheader", name=hour, exact=True)).locator("td").nth(chair - 1)


def test_a_session_at_half_past_holds_its_chair_every_hour_it_runs_and_then_its_turnover(page, live_app, shoot):
    _clinic_with_a_session(live_app, "10:30")
    sign_in(page, live_app, "front_desk")
    page.goto(f"/schedule?day={TUESDAY}")

    start = _cell(page, "10:00", 1)
    # Free, but too short before the session for another 2-hour infusion: said, not linked.
    expect(start.locator(".piece").nth(0)).to_have_text("Free (no IV infusion fits)")
    expect(start.locator(".piece").nth(1)).to_contain_text("10:30–12:30 Ada Lovelace")
    # Halfway down its hour: below the free half hour before it, not at the top of the row.
    assert start.locator(".piece.held").bounding_box()["y"] > start.bounding_box()["y"] + 30
    expect(_cell(page, "11:00", 1)).to_contain_text("Ada Lovelace: in session until 12:30")
    expect(_cell(page, "12:00", 1).locator(".piece").nth(1)).to_have_text("Turnover until 12:45")
    expect(_cell(page, "12:00", 1).locator(".piece").nth(2)).to_contain_text("Free")
    expect(_cell(page, "11:00", 2)).to_contain_text("Free")  # the other chair stays free
    expect(page.get_by_role("link", name="Book Chair 1", exact=False)).not_to_have_count(0)
    no_serious_problems(page)
    shoot("schedule-day-session-across-hours")


def test_a_free_time_is_a_link_that_opens_the_booking_form_for_that_chair_and_time(page, live_app, shoot):
    admin, ids = _clinic_with_a_session(live_app, "09:00")
    nasal = admin.post("/treatment-types", json={"name": "Nasal spray", "duration_minutes": 90,
                                                 "buffer_minutes": 0}).json["id"]
    sign_in(page, live_app, "front_desk")
    page.goto(f"/schedule?day={TUESDAY}")
    page.get_by_label("Free times for").select_option(str(nasal))
    page.get_by_role("button", name="Show").click()

    book = page.get_by_role("link", name="Book Chair 2, Tue 02 Jun 10:00", exact=True)
    query = parse_qs(urlparse(book.get_attribute("href")).query)
    assert urlparse(book.get_attribute("href")).path == "/courses/new"
    assert query == {"treatment_type_id": [str(nasal)], "start_on": [TUESDAY], "preferred_time": ["10:00"],
                     "chair_id": [str(ids.chairs[1])]}
    # Chair 1 is in session until 11:00 and turned over by 11:15: its first time that hour.
    expect(page.get_by_role("link", name="Book Chair 1, Tue 02 Jun 11:15", exact=True)).to_have_count(1)
    no_serious_problems(page)
    shoot("schedule-day-free-times")

    book.focus()  # reached and followed with the keyboard
    page.keyboard.press("Enter")
    page.wait_for_url("**/courses/new?**")
    expect(page.get_by_label("Treatment (required)")).to_have_value(str(nasal))


def test_the_week_has_even_columns_one_line_day_names_and_today_said_in_words(page, live_app, shoot):
    _clinic_with_a_session(live_app, "10:00", chair=1)
    sign_in(page, live_app, "front_desk")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/schedule?day={TUESDAY}&view=week")

    heads = page.locator("table.schedule thead th")
    widths = [heads.nth(n).bounding_box()["width"] for n in (1, 2)]
    assert abs(widths[0] - widths[1]) <= 1, widths  # the chair holding a session is no wider
    today = page.locator('a[aria-current="date"]')
    expect(today).to_have_text("Mon 01 Jun")
    expect(page.locator("tr.today th")).to_contain_text("Today")
    for label in page.locator("table.schedule tbody th a").all():
        box = label.bounding_box()
        assert box["height"] < 30, label.inner_text()  # one line, not wrapped
    expect(page.get_by_text("Scroll sideways")).to_be_hidden()
    no_serious_problems(page)
    shoot("schedule-week-desktop")

    # A chair's day books from there, on the days the clinic opens (weekdays here); the course
    # form opens with that day and that chair.
    expect(page.get_by_role("link", name="Book Chair 1 from Fri 05 Jun")).to_be_visible()
    expect(page.get_by_role("link", name="Book Chair 1 from Sat 06 Jun")).to_have_count(0)
    page.get_by_role("link", name="Book Chair 2 from Wed 03 Jun").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a course")
    expect(page.get_by_label("First date")).to_have_value("2026-06-03")
    assert page.get_by_label("Chair", exact=True).evaluate("s => s.options[s.selectedIndex].text") == "Chair 2"


def test_on_a_phone_the_week_scrolls_sideways_under_its_day_names_and_says_so(page, live_app, shoot):
    _clinic_with_a_session(live_app, "10:00", chair=1)
    sign_in(page, live_app, "front_desk")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/schedule?day={TUESDAY}&view=week")

    grid = page.get_by_role("region", name="Sessions by chair")
    expect(page.get_by_text("Scroll sideways to see every chair")).to_be_visible()
    assert grid.evaluate("g => g.scrollWidth > g.clientWidth")
    day_name = page.locator("tr.today th")
    before = day_name.bounding_box()["x"]
    grid.focus()
    page.keyboard.press("End")  # the region takes the keyboard's focus and scrolls
    grid.evaluate("g => { g.scrollLeft = g.scrollWidth; }")
    assert grid.evaluate("g => g.scrollLeft") > 0
    assert abs(day_name.bounding_box()["x"] - before) <= 1  # the day names stay in view
    expect(page.locator("table.schedule")).to_contain_text("Ada Lovelace")
    no_serious_problems(page)
    shoot("schedule-week-phone")
    page.goto(f"/schedule?day={TUESDAY}")
    expect(page.get_by_role("link", name="Book Chair 2, Tue 02 Jun 13:00")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # only the grid scrolls, not the page
    no_serious_problems(page)
    shoot("schedule-day-phone")


def test_an_admin_makes_the_recovery_room_a_room_and_the_schedule_stops_offering_it(page, live_app, shoot):
    admin = api_as(live_app, "admin")
    set_up_clinic(admin, chairs=1)
    admin.post("/chairs", json={"name": "Recovery room"})
    sign_in(page, live_app, "admin")
    page.goto(f"/schedule?day={TUESDAY}")
    expect(page.get_by_role("link", name="Book Recovery room, Tue 02 Jun 09:00")).to_have_count(1)

    page.goto("/admin/chairs")
    page.get_by_role("button", name="Make it a room (Recovery room)").click()
    expect(page.get_by_role("row", name="Recovery room")).to_contain_text("Room: never booked")
    no_serious_problems(page)
    shoot("admin-chairs-with-a-room")
    page.goto(f"/schedule?day={TUESDAY}")
    expect(page.get_by_role("columnheader", name="Recovery room")).to_have_count(0)
    expect(page.get_by_role("link", name="Book Chair 1, Tue 02 Jun 09:00")).to_have_count(1)
