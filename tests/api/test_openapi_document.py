"""The OpenAPI document a newcomer reads at /openapi.json and /docs: valid OpenAPI 3.0, every
operation summarised, every error answer it can give documented, every field described."""
from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from config import TestingConfig
from scheduler import create_app
from scheduler.api.blueprint import PAGING_ARGUMENTS

METHODS = ("get", "put", "post", "patch", "delete")
# flask-smorest's own, described in its words; its examples are not ours to add.
FLASK_SMOREST_SCHEMAS = ("PaginationMetadata",)


@pytest.fixture(scope="module")
def document():
    # The document does not depend on the database: an in-memory one, once for the module.
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    return app.test_client().get("/openapi.json").json


def _operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", path, item[method]


def test_the_document_is_valid_openapi(document):
    validate(document)


def test_every_operation_has_a_summary(document):
    assert [name for name, _path, operation in _operations(document) if not operation.get("summary")] == []


def test_every_signed_in_operation_documents_401_and_403_and_every_id_404(document):
    missing = []
    for name, path, operation in _operations(document):
        wanted = {"401", "403"} if operation.get("security") else set()
        if "{" in path:
            wanted.add("404")
        missing += [f"{name} {code}" for code in sorted(wanted - set(operation["responses"]))]
    assert missing == []
    assert sum(1 for _name, _path, operation in _operations(document) if not operation.get("security")) == 1


def test_every_error_answer_carries_the_error_body(document):
    """The Error body, or one that adds to it (a duplicate patient's 409 names the duplicates)."""
    schemas, responses = document["components"]["schemas"], document["components"]["responses"]
    error = schemas["Error"]["properties"]
    for name, _path, operation in _operations(document):
        for code, answer in operation["responses"].items():
            answer = responses[answer["$ref"].rsplit("/", 1)[1]] if "$ref" in answer else answer
            if code == "default" or int(code) >= 400:
                body = schemas[answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
                assert body["properties"].items() >= error.items(), (name, code)


def test_every_field_and_query_argument_is_described_with_an_example(document):
    undescribed = [f"{schema}.{field}" for schema, body in document["components"]["schemas"].items()
                   for field, about in body.get("properties", {}).items()
                   if not about.get("description")
                   or ("example" not in about and schema not in FLASK_SMOREST_SCHEMAS)]
    # page and page_size are flask-smorest's own (pages of 100, up to 1000: see /docs).
    undescribed += [f"{name} ?{parameter['name']}" for name, _path, operation in _operations(document)
                    for parameter in operation.get("parameters", ())
                    if parameter["in"] == "query" and parameter["name"] not in PAGING_ARGUMENTS
                    and not parameter.get("description")]
    assert undescribed == []
