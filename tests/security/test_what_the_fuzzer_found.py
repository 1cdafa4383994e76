"""What schemathesis (test_openapi_fuzzing.py) found where the API and its OpenAPI document
disagreed, each pinned here as a plain example so it stays fixed whatever the fuzzer draws."""
from __future__ import annotations

import pytest

from tests.factories import api_as, make_patient, set_up_clinic


@pytest.fixture
def admin(app):
    admin = api_as(app, "admin")
    set_up_clinic(admin)
    return admin


def test_a_method_a_path_does_not_have_gets_405_naming_the_ones_it_has(admin):
    response = admin.call("DELETE", "/clinic")
    assert response.status_code == 405 and response.json["code"] == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "PUT", "HEAD", "OPTIONS"}


@pytest.mark.parametrize("value", [0, 1, "true", "yes", None])
def test_a_yes_or_no_field_takes_only_true_or_false(admin, value):
    for path, body in (("/chairs", {"name": "Recliner 7", "active": value}),
                       ("/patients", {"first_name": "Ada", "last_name": "Walk-in", "sms_opt_in": value})):
        response = admin.post(path, json=body)
        assert response.status_code == 422, (path, response.json)
        assert set(response.json["errors"]["json"]) == {"active" if path == "/chairs" else "sms_opt_in"}


@pytest.mark.parametrize(("query", "misspelt"), [
    ("patient=1", "patient"), ("statuss=sent", "statuss"), ("page=1&pageSize=5", "pageSize")])
def test_a_misspelt_filter_is_refused_not_ignored(admin, query, misspelt):
    make_patient(admin)
    response = admin.get(f"/notifications?{query}")
    assert response.status_code == 422, response.json
    assert set(response.json["errors"]["query"]) == {misspelt}


def test_paging_arguments_still_work_beside_the_filters(admin):
    patient = make_patient(admin)
    response = admin.get(f"/notifications?patient_id={patient}&page=1&page_size=5")
    assert response.status_code == 200, response.json


def test_text_is_measured_as_sent_before_its_spaces_are_trimmed(admin):
    response = admin.post("/chairs", json={"name": "Recliner" + " " * 80})  # 88 characters: max 80
    assert response.status_code == 422
    assert admin.post("/chairs", json={"name": "  Recliner 8  "}).json["name"] == "Recliner 8"


def test_the_document_describes_the_paging_header_as_json(app):
    document = app.test_client().get("/openapi.json").json
    header = document["paths"]["/api/v1/patients"]["get"]["responses"]["200"]["headers"]["X-Pagination"]
    assert header["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/PaginationMetadata"}


def test_the_document_says_which_bodies_may_be_left_out(app, admin):
    paths = app.test_client().get("/openapi.json").json["paths"]
    optional = {(method, path) for path, operations in paths.items() for method, operation in operations.items()
                if "requestBody" in operation and not operation["requestBody"]["required"]}
    assert optional == {("put", "/api/v1/clinic"), ("patch", "/api/v1/patients/{patient_id}"),
                        ("patch", "/api/v1/clinicians/{clinician_id}"), ("patch", "/api/v1/treatment-types/{type_id}"),
                        ("patch", "/api/v1/chairs/{chair_id}"),
                        ("post", "/api/v1/courses/{course_id}/cancel"),
                        ("post", "/api/v1/appointments/{appointment_id}/complete"),
                        ("post", "/api/v1/alerts/{alert_id}/acknowledge"),
                        ("post", "/api/v1/inbox/{message_id}/done")}
    assert admin.put("/clinic").status_code == 200  # and they may: nothing to change
