"""Structured (one JSON object a line) logs that carry ids, never patient data.

Nothing here logs a query string, a request body or a form field: those are where names,
phones and message texts travel.
"""
from __future__ import annotations

import json
import logging
import time
import uuid

from flask import Flask, g, request

# Fields a log call may attach with `extra=`; anything else is dropped rather than risked.
SAFE_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "staff_id", "role",
               "object_type", "object_id", "action", "count", "error")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: getattr(record, k) for k in SAFE_FIELDS if hasattr(record, k)})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(app.config["LOG_LEVEL"])
    # The development server's access log prints full URLs, query strings included.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app.before_request(_start_request)
    app.after_request(_log_request)


def _start_request() -> None:
    g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
    g.started = time.perf_counter()


def _log_request(response):
    staff = g.get("staff")
    logging.getLogger("scheduler.request").info(
        "request",
        extra={
            "request_id": g.get("request_id"),
            "method": request.method,
            "path": request.url_rule.rule if request.url_rule else "(unmatched)",
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1),
            "staff_id": staff.id if staff else None,
        },
    )
    response.headers["X-Request-Id"] = g.get("request_id", "")
    return response
