"""The flask-smorest Blueprint every API area uses: a JSON reader that cannot be crashed, query
strings read strictly, and an OpenAPI document that says what the views really do."""
import json

import flask_smorest
from flask_smorest.pagination import PaginationMetadataSchema
from marshmallow import RAISE
from werkzeug.datastructures import MultiDict
from webargs.flaskparser import FlaskParser

from .schemas.errors import ErrorSchema

# Read by flask-smorest's own paging parser, from the same query string as the view's arguments.
PAGING_ARGUMENTS = ("page", "page_size")


class ClinicParser(FlaskParser):
    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            # json.loads recurses per nesting level; a body nested 100,000 deep is bad JSON (400).
            raise json.JSONDecodeError("nested too deeply", "(request body)", 0) from None

    def load_querystring(self, req, schema):
        return self._makeproxy(MultiDict([(name, value) for name, value in req.args.items(multi=True)
                                          if name not in PAGING_ARGUMENTS]), schema)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ClinicParser()

    def arguments(self, schema, *, location="json", **kwargs):
        if location == "query":
            # A misspelt filter (?patient=5) must not quietly answer with everyone's rows.
            kwargs.setdefault("unknown", RAISE)
        if location == "json" and "required" not in kwargs:
            # A body whose every field may be left out may itself be left out (it is read as
            # {}): the OpenAPI document says so, rather than promising a refusal that never comes.
            kwargs["required"] = _has_required_field(schema)
        return super().arguments(schema, location=location, **kwargs)

    def error_response(self, status_code: int, description: str):
        """Document an error answer this view gives, and when: the shared error body."""
        return self.alt_response(status_code, schema=ErrorSchema, description=description)

    def _document_pagination_metadata(self, spec, resp_doc):
        # The X-Pagination header holds JSON: say so with `content`, since a header `schema` of
        # type object means OpenAPI's comma-separated "simple" style, which is not what we send.
        resp_doc.setdefault("headers", {})[self.PAGINATION_HEADER_NAME] = {
            "description": "Pagination metadata, as a JSON object",
            "content": {"application/json": {"schema": PaginationMetadataSchema}},
        }


def _has_required_field(schema) -> bool:
    fields = (schema() if isinstance(schema, type) else schema).load_fields.values()
    return any(field.required for field in fields)
