"""/docs: the JSON API's reference for people, drawn from the app's own OpenAPI document.

Rendered on the server from the same document /openapi.json serves, so the two cannot
disagree, and the page needs no script or outside asset (the pages' Content-Security-Policy
allows neither). Open to anyone, like /openapi.json: it describes the API, never a patient.
"""
from __future__ import annotations

import re

from flask import render_template
from markupsafe import Markup, escape

from ..extensions import api
from .pages import web_blueprint

bp = web_blueprint("api_reference", __name__)
METHODS = ("get", "post", "put", "patch", "delete")


@bp.get("/docs")
def reference():
    document = api.spec.to_dict()
    schemas = document["components"]["schemas"]
    return render_template(
        "web/reference/api.html", title="API reference", document=document,
        sections=_sections(document), schemas={name: _fields(body) for name, body in schemas.items()},
        kind_of=_kind_of, prose=_prose)


def _sections(document: dict) -> list[dict]:
    """The operations grouped by tag, in the order the tags are declared."""
    sections = {tag["name"]: {**tag, "operations": []} for tag in document.get("tags", ())}
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                operation = item[method]
                tag = (operation.get("tags") or ["other"])[0]
                sections.setdefault(tag, {"name": tag, "operations": []})["operations"].append(
                    _operation(document, method, path, item, operation))
    return [section for section in sections.values() if section["operations"]]


def _operation(document: dict, method: str, path: str, item: dict, operation: dict) -> dict:
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    return {
        "anchor": f"{method}-{path.strip('/').replace('/', '-').replace('{', '').replace('}', '')}",
        "method": method.upper(), "path": path,
        "summary": operation.get("summary", ""), "description": operation.get("description", ""),
        "signed_in": bool(operation.get("security")),
        "parameters": [*item.get("parameters", ()), *operation.get("parameters", ())],
        "body": body["schema"] if body else None,
        "body_required": operation.get("requestBody", {}).get("required", False),
        "answers": [(code, _resolve(document, answer))
                    for code, answer in sorted(operation["responses"].items())],
    }


def _resolve(document: dict, answer: dict) -> dict:
    """A response, with a reference to components/responses looked up."""
    if "$ref" not in answer:
        return answer
    return document["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]


def _fields(schema: dict) -> list[dict]:
    required = set(schema.get("required", ()))
    return [{"name": name, "required": name in required, **about}
            for name, about in schema.get("properties", {}).items()]


def _prose(text: str) -> Markup:
    """Descriptions mark code as `code`, as Markdown does: shown as code, the rest escaped."""
    parts = re.split(r"`([^`]+)`", str(escape(text)))
    return Markup("".join(f"<code>{part}</code>" if odd else part for odd, part in
                          ((index % 2 == 1, part) for index, part in enumerate(parts))))


def _kind_of(schema: dict | None) -> tuple[str, str | None]:
    """(words for a schema's type, the component it names or None), e.g. ("array of", "Slot")."""
    if not schema:
        return "any", None
    if "$ref" in schema:
        return "", schema["$ref"].rsplit("/", 1)[1]
    if schema.get("type") == "array":
        words, name = _kind_of(schema.get("items"))
        return f"array of {words}".strip(), name
    words = schema.get("type", "any")
    if schema.get("format"):
        words += f" ({schema['format']})"
    if schema.get("enum"):
        words += ": " + ", ".join(str(value) for value in schema["enum"])
    if schema.get("nullable"):
        words += ", or null"
    return words, None
