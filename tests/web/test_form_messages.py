"""Every staff form, sent back with a problem, says what is wrong in the desk's words: each field
by its label ("Treatment", never treatment_type_id), each thing by what staff call it (never
"appointment 412"), beside the form, and nothing changes.

The clock stands at Monday 1 June 2026, 08:00 in New York; the clinic opens 09:00 to 17:00."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from ..factories import api_as, book_session, clinic_time, make_patient, set_up_clinic
from .pages import pages_as

TUESDAY = "2026-06-02"
# A name as code spells it (treatment_type_id, start_on), or a thing by its row number.
RAW_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
THING_NUMBER = re.compile(r"\b(?:appointment|course|patient|chair|entry|alert|clinician|shift|"
                          r"account|row|id|offer|treatment type)s? #?\d+\b", re.I)
MESSAGES = re.compile(r'<div class="problems".*?</div>|<p class="error"[^>]*>.*?</p>', re.S)


@dataclass
class Day:
    patient: int
    treatment: int
    appointment: int
    course: int


def a_booked_day(app) -> Day:
    admin = api_as(app, "admin")
    ids = set_up_clinic(admin)
    patient = make_patient(admin, first_name="Ada", last_name="Lovelace")
    other = make_patient(admin, first_name="Grace", last_name="Hopper")
    single = book_session(admin, other, ids.treatment, clinic_time(TUESDAY, "09:00"))
    course = admin.post("/courses", json={"patient_id": patient, "treatment_type_id": ids.treatment,
                                          "kind": "induction", "sessions": 3, "start_on": TUESDAY})
    assert single.status_code == 201 and course.status_code == 201, (single.json, course.json)
    return Day(patient, ids.treatment, single.json["id"], course.json["id"])


def refused_forms(day: Day) -> list[tuple[str, str, dict]]:
    """(role, address, form) of forms sent with a problem a receptionist or admin could make."""
    course = {"patient_id": str(day.patient), "treatment_type_id": str(day.treatment),
              "kind": "induction", "sessions": "3", "start_on": TUESDAY}
    return [
        ("front_desk", "/courses/new", {"action": "plan"}),
        ("front_desk", "/courses/new", {**course, "treatment_type_id": "999999", "action": "plan"}),
        ("front_desk", "/courses/new", {**course, "preferred_chair_id": "999999", "action": "plan"}),
        ("front_desk", "/courses/new", {**course, "action": "plan"}),  # a course is running already
        ("front_desk", "/courses/new", {**course, "kind": "maintenance", "sessions": "2",
                                        "starts": [clinic_time(TUESDAY, "09:00"), clinic_time(TUESDAY, "13:00")],
                                        "action": "book"}),
        ("front_desk", f"/courses/{day.course}/cancel", {"reason": "x" * 600}),
        ("front_desk", f"/appointments/{day.appointment}/reschedule", {"start": "not a time"}),
        ("front_desk", f"/appointments/{day.appointment}/reschedule",
         {"start": clinic_time("2026-06-03", "09:00"), "chair_id": "999999"}),
        ("front_desk", f"/appointments/{day.appointment}/complete", {}),
        ("front_desk", "/patients/new", {"first_name": "", "phone": "12"}),
        ("front_desk", f"/patients/{day.patient}/edit", {"first_name": "Ada", "last_name": "",
                                                         "phone": "nonsense", "timezone": "Mars/Base"}),
        ("front_desk", "/waitlist/new", {"treatment_type_id": "999999"}),
        ("admin", "/admin/chairs", {"action": "add", "name": ""}),
        ("admin", "/admin/treatment-types", {"action": "add", "name": "", "duration_minutes": "-5"}),
        ("admin", "/admin/clinicians", {"action": "add", "name": "", "role": ""}),
        ("admin", "/admin/staff", {"action": "create", "email": "nobody", "role": "front_desk", "password": "short"}),
        ("admin", "/admin/staff", {"action": "create", "email": "new@demo.clinic", "role": "boss",
                                   "password": "a long enough password"}),
    ]


def messages_on(html: str) -> list[str]:
    """The problems a page shows, tags removed."""
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found)).strip() for found in MESSAGES.findall(html)]


def test_every_refused_form_names_fields_by_label_and_things_by_their_names(app):
    day = a_booked_day(app)
    desks = {role: pages_as(app, role) for role in ("front_desk", "admin")}
    shown = {}
    for role, address, form in refused_forms(day):
        response = desks[role].post(address, form)
        assert 400 <= response.status_code < 500, (address, form, response.status_code)
        messages = messages_on(response.get_data(as_text=True))
        assert messages, f"{address} refused {form} without saying why"
        shown[(address, str(form))] = messages
    raw = {key: [m for m in messages if RAW_NAME.search(m) or THING_NUMBER.search(m)]
           for key, messages in shown.items()}
    assert not {key: found for key, found in raw.items() if found}


@pytest.mark.parametrize("name, label", [
    ("treatment_type_id", "Treatment"), ("patient_id", "Patient"), ("start_on", "First date"),
    ("preferred_chair_id", "Chair"), ("starts.2", "Session 3"),
])
def test_the_summary_names_the_field_at_fault_by_its_label(app, name, label):
    day = a_booked_day(app)
    form = {"patient_id": str(day.patient), "treatment_type_id": str(day.treatment),
            "kind": "maintenance", "sessions": "3", "start_on": TUESDAY, "action": "book",
            "starts": [clinic_time(TUESDAY, "09:00"), clinic_time("2026-06-30", "09:00"),
                       clinic_time("2026-07-29", "09:00")]}
    bad = {"treatment_type_id": "999999", "patient_id": "999999", "start_on": "2026-13-45",
           "preferred_chair_id": "999999", "starts.2": None}[name]
    if bad is not None:
        form[name] = bad
    response = pages_as(app, "front_desk").post("/courses/new", form)
    assert response.status_code in (409, 422)
    summary = messages_on(response.get_data(as_text=True))[0]
    assert summary.startswith(f"Please correct this {label}"), summary


@pytest.mark.parametrize("address, came_from, back", [
    ("/courses/new", None, "/courses/new"),  # the form's own page
    ("/courses/{course}/cancel", "http://localhost/courses/{course}", "/courses/{course}"),
    ("/courses/{course}/cancel", "https://elsewhere.example/courses/1", "/"),  # never off the site
])
def test_an_expired_form_offers_the_form_afresh_not_a_reload_that_posts_it_again(app, address, came_from, back):
    day = a_booked_day(app)
    headers = {"Referer": came_from.format(course=day.course)} if came_from else {}
    response = pages_as(app, "front_desk").post(address.format(course=day.course), {"reason": "x"},
                                                 csrf=False, headers=headers)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Nothing was saved" in html
    assert f'<a href="{back.format(course=day.course)}">Open the form again</a>' in html
    assert "reload the page" not in html
    assert [a["status"] for a in api_as(app, "front_desk").get(f"/courses/{day.course}").json["appointments"]] == [
        "scheduled"] * 3


def test_every_staff_post_answers_a_redirect_or_a_refusal_in_words(app):
    """Each staff form posted empty, or with what it needs missing, as a role it is for: it either
    did its work and redirects (303, so a reload does not post it again) or says what is wrong
    without code's names; never a 500, never a page left on the POST's address after success."""
    from .test_page_roles import _staff_pages

    a_booked_day(app)  # every id 1 names something: the patient, the course, the session, the chair
    shown = {}
    for method, path, roles, _ in _staff_pages(app):
        if method != "POST":
            continue
        response = pages_as(app, sorted(roles)[0]).post(path, {})
        assert response.status_code == 303 or 400 <= response.status_code < 500, (path, response.status_code)
        shown[path] = [m for m in messages_on(response.get_data(as_text=True))
                       if RAW_NAME.search(m) or THING_NUMBER.search(m)]
    assert not {path: found for path, found in shown.items() if found}
