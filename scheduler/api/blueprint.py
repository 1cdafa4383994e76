"""The flask-smorest Blueprint every API area uses, with a JSON reader that cannot be crashed."""
import json

import flask_smorest
from webargs.flaskparser import FlaskParser


class ClinicParser(FlaskParser):
    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            # json.loads recurses per nesting level; a body nested 100,000 deep is bad JSON (400).
            raise json.JSONDecodeError("nested too deeply", "(request body)", 0) from None


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ClinicParser()
