"""The admin's pages: setting the clinic up, its chairs, treatment types and staff accounts."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from scheduler.extensions import db
from scheduler.models import ApiToken, AuditEvent, StaffUser
from scheduler.services import clinic as clinic_service
from scheduler.services.staff import principal_for_token
from scheduler.web.access import SESSION_KEY
from tests.factories import api_as, book_session, clinic_time, make_patient, set_up_clinic

from .pages import pages_as, text_of

ADMIN_PAGES = ("/admin/clinic", "/admin/chairs", "/admin/treatment-types", "/admin/staff")


class _Form(HTMLParser):
    """The values a browser would post from the page's form whose action is `action` (the last
    such form: the settings form, or a page's add form), as the page shows them."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.fields, self._in_form = action, {}, False
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_form = a.get("action") == self.action
            if self._in_form:
                self.fields = {}
        if not self._in_form or "name" not in a and tag in ("input", "select", "textarea"):
            return
        if tag == "input" and (a.get("type") != "checkbox" or "checked" in a):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
            self.fields.setdefault(a["name"], "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
            self.kept = dict(self.fields)
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_on(response, action: str) -> dict[str, str]:
    parser = _Form(action)
    parser.feed(response.get_data(as_text=True))
    return dict(parser.kept)


def _me(app, pages) -> int:
    with pages.client.session_transaction() as session:
        token = session[SESSION_KEY]
    with app.app_context():
        return principal_for_token(token).id


def _audited(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


# --- Clinic settings ------------------------------------------------------------------------

def test_the_clinic_is_first_set_up_from_the_settings_page(app):
    admin = pages_as(app, "admin")
    page = admin.get("/admin/clinic")
    assert page.status_code == 200
    assert "not set up yet" in text_of(page)
    form = form_on(page, "/admin/clinic")
    assert form["opening_hours.mon.0.opens"] == "09:00" and form["reminder_rules.0.offset"] == "1"
    form.update({"name": "Harbour Clinic", "timezone": "America/Chicago"})
    saved = admin.post("/admin/clinic", form)
    assert saved.status_code == 303 and saved.headers["Location"] == "/admin/clinic"
    assert "Clinic settings saved" in text_of(admin.get("/admin/clinic"))
    settings = api_as(app, "admin").get("/clinic").json
    assert (settings["name"], settings["timezone"]) == ("Harbour Clinic", "America/Chicago")
    assert settings["opening_hours"]["mon"] == [["09:00", "17:00"]]
    assert settings["opening_hours"]["sat"] == []


def test_the_admin_sets_which_questionnaires_go_out_and_when_they_alert(app):
    set_up_clinic(api_as(app, "admin"))
    admin = pages_as(app, "admin")
    form = form_on(admin.get("/admin/clinic"), "/admin/clinic")
    assert form["phq9_alert_at"] == "20" and form["questionnaires.phq9.before_hours"] == ""
    form.update({"questionnaires.phq9.before_hours": "48", "questionnaires.gad7.every_days": "14",
                 "gad7_alert_at": "15"})
    assert admin.post("/admin/clinic", form).status_code == 303
    settings = api_as(app, "admin").get("/clinic").json
    assert settings["questionnaire_rules"] == [{"instrument": "phq9", "before_minutes": 2880},
                                               {"instrument": "gad7", "every_days": 14}]
    assert (settings["phq9_alert_at"], settings["gad7_alert_at"]) == (20, 15)
    bad = admin.post("/admin/clinic", {**form, "questionnaires.gad7.every_days": "fortnightly"})
    assert bad.status_code == 422 and 'id="e-questionnaires-gad7-every_days"' in bad.get_data(as_text=True)
    assert api_as(app, "admin").get("/clinic").json["questionnaire_rules"] == settings["questionnaire_rules"]


def test_a_first_set_up_without_name_or_time_zone_is_refused(app):
    admin = pages_as(app, "admin")
    form = form_on(admin.get("/admin/clinic"), "/admin/clinic")
    refused = admin.post("/admin/clinic", form)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="e-name"' in html and 'id="e-timezone"' in html
    assert api_as(app, "admin").get("/clinic").status_code == 404


def test_the_first_form_offers_what_a_new_clinic_starts_with(app):
    from scheduler.api.schemas.clinic import ClinicSchema
    from scheduler.web.admin import _first_settings

    with app.app_context():
        created = ClinicSchema().dump(clinic_service.update_clinic({"name": "X", "timezone": "UTC"}))
    offered = _first_settings()
    for name in created:
        if name not in ("name", "timezone"):
            assert offered[name] == created[name], name


def test_admin_changes_hours_quiet_hours_and_rules(app):
    set_up_clinic(api_as(app, "admin"))
    admin = pages_as(app, "admin")
    form = form_on(admin.get("/admin/clinic"), "/admin/clinic")
    form.update({
        "sms_name": "Riverside Health", "phone": "(617) 555-0100", "oncall_email": "oncall@test.clinic",
        "opening_hours.mon.0.closes": "12:00", "opening_hours.mon.1.opens": "13:00",
        "opening_hours.mon.1.closes": "17:00", "opening_hours.fri.0.opens": "",
        "opening_hours.fri.0.closes": "", "opening_hours.sat.0.opens": "09:00:00",
        "opening_hours.sat.0.closes": "13:00", "closed_dates": "2026-12-25\r\n\r\n2026-12-26\r\n",
        "quiet_hours.start": "", "quiet_hours.end": "", "slot_step_minutes": "30",
        # The first rule becomes 2 days by SMS only, the second is cleared, a new one added below.
        "reminder_rules.0.offset": "2", "reminder_rules.0.unit": "days",
        "reminder_rules.1.offset": "", "reminder_rules.2.offset": "30", "reminder_rules.2.unit": "minutes",
        "reminder_rules.2.email": "1",
        "checkin_rules.0.after": "6", "checkin_rules.0.unit": "hours", "checkin_rules.0.channel": "email",
        "alert_score_at_or_below": "4", "escalation_minutes": "30",
        "crisis_text": "Call or text 988 at any hour, or 911.",
    })
    form.pop("reminder_rules.0.email")
    form.pop("reminder_rules.1.sms")
    form.pop("opening_hours.sat.closed")  # opened on Saturdays
    form["opening_hours.fri.closed"] = "1"
    assert admin.post("/admin/clinic", form).status_code == 303
    settings = api_as(app, "admin").get("/clinic").json
    assert settings["opening_hours"]["mon"] == [["09:00", "12:00"], ["13:00", "17:00"]]
    assert settings["opening_hours"]["fri"] == [] and settings["opening_hours"]["sat"] == [["09:00", "13:00"]]
    assert settings["closed_dates"] == ["2026-12-25", "2026-12-26"]
    assert settings["quiet_hours"] is None and settings["slot_step_minutes"] == 30
    assert settings["reminder_rules"] == [{"offset_minutes": 2880, "channels": ["sms"]},
                                          {"offset_minutes": 30, "channels": ["email"]}]
    assert settings["checkin_rules"] == [{"after_minutes": 360, "channel": "email"}]
    assert (settings["alert_score_at_or_below"], settings["escalation_minutes"]) == (4, 30)
    assert settings["phone"] == "+16175550100" and settings["sms_name"] == "Riverside Health"
    assert settings["oncall_email"] == "oncall@test.clinic"
    assert settings["crisis_text"] == "Call or text 988 at any hour, or 911."
    assert [event.staff_id for event in _audited(app, "clinic.update")][-1] == _me(app, admin)
    shown = form_on(admin.get("/admin/clinic"), "/admin/clinic")
    assert shown["opening_hours.mon.1.closes"] == "17:00" and shown["opening_hours.mon.2.opens"] == ""
    assert (shown["reminder_rules.0.offset"], shown["reminder_rules.0.unit"]) == ("2", "days")


def test_bad_settings_are_named_at_their_fields_and_nothing_changes(app):
    set_up_clinic(api_as(app, "admin"))
    before = api_as(app, "admin").get("/clinic").json
    admin = pages_as(app, "admin")
    form = form_on(admin.get("/admin/clinic"), "/admin/clinic")
    form.update({
        "timezone": "Mars/Olympus_Mons", "opening_hours.tue.0.opens": "18:00",
        "opening_hours.wed.0.closes": "", "closed_dates": "2026-12-25\n2026-13-45",
        "reminder_rules.1.offset": "", "reminder_rules.2.offset": "3", "reminder_rules.2.unit": "hours",
        "checkin_rules.0.after": "31", "checkin_rules.0.unit": "days", "alert_score_at_or_below": "eleven",
        "quiet_hours.end": "", "oncall_email": "not an email",
    })
    form.pop("reminder_rules.1.sms")
    refused = admin.post("/admin/clinic", form)
    assert refused.status_code == 422
    html, text = refused.get_data(as_text=True), text_of(refused)
    for field in ("timezone", "opening_hours-tue", "opening_hours-wed-0-closes", "closed_dates",
                  "reminder_rules-2-sms", "checkin_rules-0-after", "alert_score_at_or_below",
                  "quiet_hours-end", "oncall_email"):
        assert f'id="e-{field}"' in html or f'id="f-{field}"' in html, field
    assert "is not an IANA time zone name" in text
    assert "Tuesday: 18:00-17:00 must open before it closes" in text
    assert "Line 2: Not a valid date." in text and "Reminder 3: Tick SMS, email or both." in text
    assert "Check-in 1: Must be from 0 minutes to 30 days." in text
    assert 'value="Mars/Olympus_Mons"' in html  # what was entered is kept
    assert api_as(app, "admin").get("/clinic").json == before


def test_a_name_texts_go_out_under_may_not_name_the_drug_or_diagnosis(app):
    set_up_clinic(api_as(app, "admin"))
    admin = pages_as(app, "admin")
    form = form_on(admin.get("/admin/clinic"), "/admin/clinic")
    refused = admin.post("/admin/clinic", {**form, "sms_name": "Ketamine Care"})
    assert refused.status_code == 422 and 'id="e-sms_name"' in refused.get_data(as_text=True)
    refused = admin.post("/admin/clinic", {**form, "name": "Esketamine Depression Center", "sms_name": ""})
    assert refused.status_code == 422 and 'id="e-name"' in refused.get_data(as_text=True)
    assert "give an SMS name" in text_of(refused)
    assert api_as(app, "admin").get("/clinic").json["name"] == "Test Clinic"
    saved = admin.post("/admin/clinic", {**form, "name": "Esketamine Depression Center",
                                         "sms_name": "Riverside Health"})
    assert saved.status_code == 303
    assert api_as(app, "admin").get("/clinic").json["sms_name"] == "Riverside Health"


# --- Chairs ---------------------------------------------------------------------------------

def test_admin_adds_renames_and_takes_a_chair_out_of_use(app):
    admin = pages_as(app, "admin")
    added = admin.post("/admin/chairs", {"action": "add", "name": "  Recovery room "})
    assert added.status_code == 303
    assert "Recovery room added" in text_of(admin.get("/admin/chairs"))
    chair = api_as(app, "admin").get("/chairs").json[0]
    assert chair["name"] == "Recovery room" and chair["active"] is True
    renamed = admin.post("/admin/chairs", {"action": "rename", "chair_id": chair["id"],
                                           f"rename.{chair['id']}": "Chair 4"})
    assert renamed.status_code == 303
    assert admin.post("/admin/chairs", {"action": "deactivate", "chair_id": chair["id"]}).status_code == 303
    chair = api_as(app, "admin").get("/chairs").json[0]
    assert (chair["name"], chair["active"]) == ("Chair 4", False)
    assert "out of use" in text_of(admin.get("/admin/chairs"))
    admin.post("/admin/chairs", {"action": "activate", "chair_id": chair["id"]})
    assert api_as(app, "admin").get("/chairs").json[0]["active"] is True
    assert len(_audited(app, "chair.update")) == 3


def test_admin_adds_a_room_and_makes_a_chair_a_room_and_back_on_the_chairs_page(app):
    clinic = set_up_clinic(api_as(app, "admin"), chairs=1)
    admin = pages_as(app, "admin")
    assert admin.post("/admin/chairs", {"action": "add", "name": "Recovery room", "kind": "room"}).status_code == 303
    assert admin.post("/admin/chairs", {"action": "room", "chair_id": clinic.chairs[0]}).status_code == 303
    page = text_of(admin.get("/admin/chairs"))
    assert "Chair 1 is now a room: no new session is booked in it." in page and "Make it a treatment chair" in page
    assert {c["name"]: c["kind"] for c in api_as(app, "admin").get("/chairs").json} == {
        "Chair 1": "room", "Recovery room": "room"}
    admin.post("/admin/chairs", {"action": "chair", "chair_id": clinic.chairs[0]})
    assert api_as(app, "admin").get("/chairs").json[0]["kind"] == "chair"


def test_a_chair_kind_not_known_is_refused_at_the_field_and_adds_nothing(app):
    admin = pages_as(app, "admin")
    refused = admin.post("/admin/chairs", {"action": "add", "name": "Sofa", "kind": "sofa"})
    assert refused.status_code == 422 and 'id="e-kind"' in refused.get_data(as_text=True)
    assert api_as(app, "admin").get("/chairs").json == []


def test_taking_a_booked_chair_out_of_use_says_its_sessions_stay(app):
    admin_api, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin_api, chairs=1)
    booked = book_session(desk, make_patient(desk), clinic.treatment, clinic_time("2026-06-02", "09:00"))
    assert booked.status_code == 201
    admin = pages_as(app, "admin")
    admin.post("/admin/chairs", {"action": "deactivate", "chair_id": clinic.chairs[0]})
    assert "Its 1 upcoming session(s) stay booked" in text_of(admin.get("/admin/chairs"))
    assert desk.get(f"/appointments/{booked.json['id']}").json["status"] == "scheduled"


def test_a_chair_name_used_twice_or_left_empty_is_refused_at_the_field(app):
    clinic = set_up_clinic(api_as(app, "admin"), chairs=2)
    admin = pages_as(app, "admin")
    taken = admin.post("/admin/chairs", {"action": "add", "name": "Chair 1"})
    assert taken.status_code == 409
    assert 'id="e-name"' in taken.get_data(as_text=True) and "with this name exists" in text_of(taken)
    empty = admin.post("/admin/chairs", {"action": "add", "name": " "})
    assert empty.status_code == 422 and 'id="e-name"' in empty.get_data(as_text=True)
    field = f"rename.{clinic.chairs[1]}"
    clash = admin.post("/admin/chairs", {"action": "rename", "chair_id": clinic.chairs[1], field: "Chair 1"})
    assert clash.status_code == 409
    assert f'id="e-{field.replace(".", "-")}"' in clash.get_data(as_text=True)
    assert [c["name"] for c in api_as(app, "admin").get("/chairs").json] == ["Chair 1", "Chair 2"]
    unknown = admin.post("/admin/chairs", {"action": "rename", "chair_id": 999, "rename.999": "X"})
    assert unknown.status_code == 404
    assert admin.post("/admin/chairs", {"action": "rename", "chair_id": "1; drop"}).status_code == 404


# --- Treatment types ------------------------------------------------------------------------

PREPARATION = "Nothing to eat for 4 hours before. Arrange a ride home."


def test_admin_adds_and_edits_a_treatment_type_with_its_preparation(app):
    admin = pages_as(app, "admin")
    added = admin.post("/admin/treatment-types", {
        "action": "add", "name": "IV infusion", "duration_minutes": "120", "buffer_minutes": "15",
        "preparation": PREPARATION})
    assert added.status_code == 303
    made = api_as(app, "admin").get("/treatment-types").json[0]
    assert (made["name"], made["duration_minutes"], made["buffer_minutes"]) == ("IV infusion", 120, 15)
    assert made["preparation"] == PREPARATION
    edit = admin.get(f"/admin/treatment-types?edit={made['id']}")
    assert "Edit IV infusion" in text_of(edit)
    form = form_on(edit, "/admin/treatment-types")
    assert form["action"] == "edit" and form["preparation"] == PREPARATION
    form.update({"duration_minutes": "90", "preparation": ""})
    assert admin.post("/admin/treatment-types", form).status_code == 303
    made = api_as(app, "admin").get("/treatment-types").json[0]
    assert (made["duration_minutes"], made["preparation"]) == (90, "")
    stopped = admin.post("/admin/treatment-types", {"action": "deactivate", "type_id": made["id"]})
    assert stopped.status_code == 303
    assert api_as(app, "admin").get("/treatment-types").json[0]["active"] is False
    assert "not bookable" in text_of(admin.get("/admin/treatment-types"))


def test_bad_treatment_type_input_is_named_and_changes_nothing(app):
    clinic = set_up_clinic(api_as(app, "admin"))
    before = api_as(app, "admin").get("/treatment-types").json
    admin = pages_as(app, "admin")
    bad = admin.post("/admin/treatment-types", {
        "action": "edit", "type_id": clinic.treatment, "name": "IV infusion",
        "duration_minutes": "2 hours", "buffer_minutes": "-5", "preparation": PREPARATION})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'id="e-duration_minutes"' in html and 'id="e-buffer_minutes"' in html
    assert 'value="2 hours"' in html and PREPARATION in html
    taken = admin.post("/admin/treatment-types", {"action": "add", "name": "IV infusion",
                                                  "duration_minutes": "60", "buffer_minutes": "0"})
    assert taken.status_code == 409 and 'id="e-name"' in taken.get_data(as_text=True)
    nameless = admin.post("/admin/treatment-types", {"action": "add", "duration_minutes": "60",
                                                     "buffer_minutes": "0"})
    assert nameless.status_code == 422 and "Required." in text_of(nameless)
    assert api_as(app, "admin").get("/treatment-types").json == before


TWICE_A_WEEK = {"protocol.induction_sessions": "6", "protocol.min_gap_hours": "72",
                "protocol.max_span_days": "28", "protocol.maintenance_interval_days": "7"}


def test_admin_sets_a_treatment_types_protocol_and_clears_it(app):
    clinic = set_up_clinic(api_as(app, "admin"))
    admin = pages_as(app, "admin")
    form = form_on(admin.get(f"/admin/treatment-types?edit={clinic.treatment}"), "/admin/treatment-types")
    assert all(form[name] == "" for name in TWICE_A_WEEK)  # none yet
    assert admin.post("/admin/treatment-types", {**form, **TWICE_A_WEEK}).status_code == 303
    assert api_as(app, "admin").get("/treatment-types").json[0]["protocol"] == {
        "induction_sessions": 6, "min_gap_hours": 72, "max_span_days": 28, "maintenance_interval_days": 7}
    listed = text_of(admin.get("/admin/treatment-types"))
    assert "Induction 6 sessions, 72 h apart, within 28 days; maintenance every 7 days" in listed
    form = form_on(admin.get(f"/admin/treatment-types?edit={clinic.treatment}"), "/admin/treatment-types")
    assert {name: form[name] for name in TWICE_A_WEEK} == TWICE_A_WEEK
    cleared = {**form, **{name: "" for name in TWICE_A_WEEK}}
    assert admin.post("/admin/treatment-types", cleared).status_code == 303
    assert api_as(app, "admin").get("/treatment-types").json[0]["protocol"] is None


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"protocol.max_span_days": "14"}, "protocol.max_span_days", "cannot all start within 14 days"),
    ({"protocol.maintenance_interval_days": ""}, "protocol.maintenance_interval_days", "Required."),
    ({"protocol.induction_sessions": "six"}, "protocol.induction_sessions", "Must be a whole number."),
    ({"protocol.induction_sessions": "8"}, "protocol.induction_sessions", "less than or equal to 6"),
], ids=["an impossible span", "a rule left blank", "sessions in words", "eight sessions"])
def test_a_bad_protocol_is_named_on_the_page_and_changes_nothing(app, changes, field, message):
    clinic = set_up_clinic(api_as(app, "admin"))
    admin = pages_as(app, "admin")
    form = form_on(admin.get(f"/admin/treatment-types?edit={clinic.treatment}"), "/admin/treatment-types")
    bad = admin.post("/admin/treatment-types", {**form, **TWICE_A_WEEK, **changes})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    error = re.search(rf'<p class="error" id="e-{field.replace(".", "-")}">([^<]*)</p>', html)
    assert error and message in error.group(1), html
    assert api_as(app, "admin").get("/treatment-types").json[0]["protocol"] is None


def test_admin_says_which_staff_a_treatment_needs_and_can_clear_it(app):
    admin = pages_as(app, "admin")
    added = admin.post("/admin/treatment-types", {
        "action": "add", "name": "Nasal spray", "duration_minutes": "120", "buffer_minutes": "10",
        "staffing.0.role": "", "staffing.0.patients_per_staff": "",
        "staffing.1.role": "prescriber", "staffing.1.patients_per_staff": "6"})
    assert added.status_code == 303
    made = api_as(app, "admin").get("/treatment-types").json[0]
    assert made["staffing"] == [{"role": "prescriber", "patients_per_staff": 6}]
    assert "Nasal spray 120 min 10 min 1 prescriber per 6 patients" in text_of(admin.get("/admin/treatment-types"))
    form = form_on(admin.get(f"/admin/treatment-types?edit={made['id']}"), "/admin/treatment-types")
    assert (form["staffing.0.role"], form["staffing.0.patients_per_staff"]) == ("prescriber", "6")
    form.update({"staffing.1.role": "nurse", "staffing.1.patients_per_staff": "3"})
    assert admin.post("/admin/treatment-types", form).status_code == 303
    assert api_as(app, "admin").get("/treatment-types").json[0]["staffing"] == [
        {"role": "prescriber", "patients_per_staff": 6}, {"role": "nurse", "patients_per_staff": 3}]
    form.update({"staffing.0.role": "", "staffing.0.patients_per_staff": "", "staffing.1.role": "",
                 "staffing.1.patients_per_staff": ""})
    assert admin.post("/admin/treatment-types", form).status_code == 303
    assert api_as(app, "admin").get("/treatment-types").json[0]["staffing"] == []
    assert "a chair only" in text_of(admin.get("/admin/treatment-types"))


@pytest.mark.parametrize("lines, field, words", [
    ({"staffing.0.role": "prescriber"}, "staffing-0-patients_per_staff",
     "Staff needed, line 1: patients per person: Required."),
    ({"staffing.0.patients_per_staff": "6"}, "staffing-0-role", "Staff needed, line 1: choose a role"),
    ({"staffing.1.role": "nurse", "staffing.1.patients_per_staff": "0"}, "staffing-1-patients_per_staff",
     "Staff needed, line 2: patients per person: Must be from 1 to 50."),
    ({"staffing.0.role": "nurse", "staffing.0.patients_per_staff": "a few"}, "staffing-0-patients_per_staff",
     "Staff needed, line 1: patients per person: Must be a whole number of patients."),
    ({"staffing.0.role": "nurse", "staffing.0.patients_per_staff": "2", "staffing.1.role": "nurse",
      "staffing.1.patients_per_staff": "4"}, "staffing-1-role", "Staff needed, line 2: role: each role once"),
    ({"staffing.0.role": "Head Nurse!", "staffing.0.patients_per_staff": "2"}, "staffing-0-role",
     "Staff needed, line 1: role: must be one lower-case word"),
])
def test_bad_staffing_is_named_at_its_line_in_words(app, lines, field, words):
    refused = pages_as(app, "admin").post("/admin/treatment-types", {
        "action": "add", "name": "Nasal spray", "duration_minutes": "120", "buffer_minutes": "10", **lines})
    assert refused.status_code == 422
    assert f'id="e-{field}"' in refused.get_data(as_text=True)
    assert words in text_of(refused)
    assert "patients_per_staff" not in text_of(refused)
    assert api_as(app, "admin").get("/treatment-types").json == []


# --- Staff accounts -------------------------------------------------------------------------

def test_admin_creates_an_account_that_can_sign_in(app):
    admin = pages_as(app, "admin")
    created = admin.post("/admin/staff", {"action": "create", "email": "New.Desk@Test.Clinic",
                                          "role": "front_desk", "password": "a long first password"})
    assert created.status_code == 303
    listed = text_of(admin.get("/admin/staff"))
    assert "new.desk@test.clinic" in listed and "Account for new.desk@test.clinic created" in listed
    signed_in = app.test_client().post("/api/v1/auth/tokens", json={
        "email": "new.desk@test.clinic", "password": "a long first password"})
    assert signed_in.status_code == 201 and signed_in.json["role"] == "front_desk"
    assert len(_audited(app, "staff.create")) == 1


def test_a_bad_new_account_is_refused_at_its_field(app):
    admin = pages_as(app, "admin")
    short = admin.post("/admin/staff", {"action": "create", "email": "desk@test.clinic",
                                        "role": "front_desk", "password": "short"})
    assert short.status_code == 422
    html = short.get_data(as_text=True)
    assert 'id="e-password"' in html and "at least 10 characters" in text_of(short)
    assert 'value="short"' not in html and 'value="desk@test.clinic"' in html
    no_role = admin.post("/admin/staff", {"action": "create", "email": "desk@test.clinic",
                                          "role": "surgeon", "password": "long enough pass"})
    assert no_role.status_code == 422 and 'id="e-role"' in no_role.get_data(as_text=True)
    me = admin.get("/admin/staff")
    own_email = text_of(me).split("(you)")[0].split()[-1]
    taken = admin.post("/admin/staff", {"action": "create", "email": own_email,
                                        "role": "monitoring", "password": "long enough pass"})
    assert taken.status_code == 409 and 'id="e-email"' in taken.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(StaffUser).where(StaffUser.email == "desk@test.clinic")) is None


def test_admin_changes_another_persons_role(app):
    admin, desk = pages_as(app, "admin"), pages_as(app, "front_desk")
    desk_id = _me(app, desk)
    changed = admin.post("/admin/staff", {"action": "role", "staff_id": desk_id,
                                          f"role.{desk_id}": "monitoring"})
    assert changed.status_code == 303
    with app.app_context():
        assert db.session.get(StaffUser, desk_id).role == "monitoring"
    event = _audited(app, "staff.change_role")[0]
    assert event.object_id == desk_id
    assert event.details == {"role": "monitoring", "previous_role": "front_desk"}
    bad = admin.post("/admin/staff", {"action": "role", "staff_id": desk_id, f"role.{desk_id}": "owner"})
    assert bad.status_code == 409 and f'id="e-role-{desk_id}"' in bad.get_data(as_text=True)


def test_a_deactivated_persons_session_ends_and_reactivation_lets_them_sign_in_again(app):
    admin, other_admin = pages_as(app, "admin"), pages_as(app, "admin")
    other_id = _me(app, other_admin)
    assert other_admin.get("/admin/staff").status_code == 200
    deactivated = admin.post("/admin/staff", {"action": "deactivate", "staff_id": other_id})
    assert deactivated.status_code == 303
    assert "is deactivated and signed out" in text_of(admin.get("/admin/staff"))
    assert other_admin.get("/admin/staff").status_code == 302
    with app.app_context():
        assert db.session.scalars(select(ApiToken).where(ApiToken.staff_id == other_id)).all() == []
        assert db.session.get(StaffUser, other_id).active is False
    admin.post("/admin/staff", {"action": "reactivate", "staff_id": other_id})
    with app.app_context():
        assert db.session.get(StaffUser, other_id).active is True
    assert [e.action for e in _audited(app, "staff.deactivate") + _audited(app, "staff.reactivate")] == [
        "staff.deactivate", "staff.reactivate"]
    assert other_admin.get("/admin/staff").status_code == 302  # signs in afresh


def test_an_admin_may_not_demote_or_deactivate_themself(app):
    admin = pages_as(app, "admin")
    me = _me(app, admin)
    page = admin.get("/admin/staff").get_data(as_text=True)
    assert f'name="role.{me}"' not in page and f'name="staff_id" value="{me}"' not in page
    demote = admin.post("/admin/staff", {"action": "role", "staff_id": me, f"role.{me}": "front_desk"})
    assert demote.status_code == 409 and "you may not change your own role" in text_of(demote)
    assert f'id="e-role-{me}"' in demote.get_data(as_text=True)
    leave = admin.post("/admin/staff", {"action": "deactivate", "staff_id": me})
    assert leave.status_code == 409 and "you may not deactivate your own account" in text_of(leave)
    with app.app_context():
        user = db.session.get(StaffUser, me)
        assert (user.role, user.active) == ("admin", True)
    assert admin.get("/admin/staff").status_code == 200


# --- Who may open the admin pages ----------------------------------------------------------

POSTS = {"/admin/clinic": {"name": "Taken Over", "timezone": "UTC"},
         "/admin/chairs": {"action": "add", "name": "Intruder chair"},
         "/admin/treatment-types": {"action": "add", "name": "Intruder", "duration_minutes": "60",
                                    "buffer_minutes": "0"},
         "/admin/staff": {"action": "create", "email": "intruder@test.clinic", "role": "admin",
                          "password": "long enough pass"}}


def _nothing_added(app):
    admin = api_as(app, "admin")
    assert admin.get("/clinic").status_code == 404
    assert admin.get("/chairs").json == [] and admin.get("/treatment-types").json == []
    with app.app_context():
        assert db.session.scalar(select(StaffUser).where(StaffUser.email == "intruder@test.clinic")) is None


def test_a_stranger_is_sent_to_sign_in_from_every_admin_page(app):
    stranger = pages_as(app, None)
    for path in ADMIN_PAGES:
        for response in (stranger.get(path), stranger.post(path, POSTS[path])):
            assert response.status_code == 302, path
            assert response.headers["Location"].startswith("/sign-in"), path
    _nothing_added(app)


@pytest.mark.parametrize("role", ["front_desk", "monitoring"])
def test_front_desk_and_monitoring_get_403_from_every_admin_page(app, role):
    pages = pages_as(app, role)
    for path in ADMIN_PAGES:
        assert pages.get(path).status_code == 403, path
        assert pages.post(path, POSTS[path]).status_code == 403, path
    _nothing_added(app)
    assert "Clinic settings" not in text_of(pages.get("/admin/clinic"))  # nor in their menu


def test_admin_gives_a_person_who_forgot_it_a_new_password_and_their_sessions_end(app):
    from scheduler.services.staff import sign_in

    admin, nurse = pages_as(app, "admin"), pages_as(app, "monitoring")
    nurse_id = _me(app, nurse)
    assert nurse.get("/monitoring/alerts").status_code == 200
    done = admin.post("/admin/staff", {"action": "password", "staff_id": nurse_id,
                                       f"password.{nurse_id}": "a fresh long password"})
    assert done.status_code == 303
    assert nurse.get("/monitoring/alerts").status_code == 302  # signed out everywhere
    with app.app_context():
        email = db.session.get(StaffUser, nurse_id).email
        assert sign_in(email, "a fresh long password").role == "monitoring"
    assert [e.object_id for e in _audited(app, "staff.set_password")] == [nurse_id]


def test_a_too_short_new_password_is_refused_at_its_field_and_not_shown_again(app):
    admin, nurse = pages_as(app, "admin"), pages_as(app, "monitoring")
    nurse_id = _me(app, nurse)
    refused = admin.post("/admin/staff", {"action": "password", "staff_id": nurse_id,
                                          f"password.{nurse_id}": "short1"})
    assert refused.status_code == 409
    assert f'id="e-password-{nurse_id}"' in refused.get_data(as_text=True)
    assert "short1" not in refused.get_data(as_text=True)
    assert nurse.get("/monitoring/alerts").status_code == 200  # nothing changed


SPRAVATO_WATCH = {"observation.min_minutes": "120", "observation.bp_minutes": "0, 40, 120",
                  "observation.systolic_low": "90", "observation.systolic_high": "160",
                  "observation.diastolic_low": "50", "observation.diastolic_high": "100",
                  "observation.monitoring_form_days": "7"}


def test_admin_sets_the_observation_after_the_dose_and_sees_it_again(app):
    clinic = set_up_clinic(api_as(app, "admin"))
    admin = pages_as(app, "admin")
    form = form_on(admin.get(f"/admin/treatment-types?edit={clinic.treatment}"), "/admin/treatment-types")
    assert admin.post("/admin/treatment-types", {**form, **SPRAVATO_WATCH}).status_code == 303
    assert api_as(app, "admin").get("/treatment-types").json[0]["observation"] == {
        "min_minutes": 120, "checks": [{"name": "blood_pressure", "at_minutes": [0, 40, 120]}],
        "ranges": {"systolic": [90, 160], "diastolic": [50, 100]}, "monitoring_form_days": 7}
    again = form_on(admin.get(f"/admin/treatment-types?edit={clinic.treatment}"), "/admin/treatment-types")
    assert {name: again[name] for name in SPRAVATO_WATCH} == SPRAVATO_WATCH
    cleared = {**again, **{name: "" for name in SPRAVATO_WATCH}}
    assert admin.post("/admin/treatment-types", cleared).status_code == 303
    assert api_as(app, "admin").get("/treatment-types").json[0]["observation"] is None


def test_blood_pressure_times_in_words_are_named_on_the_page_and_change_nothing(app):
    clinic = set_up_clinic(api_as(app, "admin"))
    admin = pages_as(app, "admin")
    form = form_on(admin.get(f"/admin/treatment-types?edit={clinic.treatment}"), "/admin/treatment-types")
    bad = admin.post("/admin/treatment-types", {**form, **SPRAVATO_WATCH, "observation.bp_minutes": "at the start"})
    assert bad.status_code == 422
    assert "Minutes after the dose, separated by commas" in text_of(bad)
    assert api_as(app, "admin").get("/treatment-types").json[0]["observation"] is None
