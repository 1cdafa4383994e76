"""Marshmallow schemas: one source for validating input, shaping output and the OpenAPI document."""
