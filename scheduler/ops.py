"""Operations: health check and Prometheus metrics."""
from __future__ import annotations

import time

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select, text

from . import clock
from .extensions import db

bp = Blueprint("ops", __name__)

REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "endpoint", "status"])
LATENCY = Histogram("http_request_seconds", "HTTP request latency", ["method", "endpoint"])
# Read from the database at each scrape, so every process reports the same shared backlog: the
# number to watch when deciding how many workers to run (docs/deploy.md).
DUE = Gauge("notifications_due", "Pending notifications whose time has come")
OLDEST_DUE = Gauge("notifications_oldest_due_seconds", "How long the oldest due notification has waited")


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except Exception:  # any failure to reach the database means unhealthy, not a crash
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}


@bp.get("/metrics")
def metrics():
    _measure_backlog()
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)


def _measure_backlog() -> None:
    from notifications.models import Notification  # the notifications package builds on this one

    now = clock.now()
    count, oldest = db.session.execute(
        select(func.count(), func.min(Notification.due_at))
        .where(Notification.status == "pending", Notification.due_at <= now)).one()
    db.session.rollback()
    DUE.set(count)
    OLDEST_DUE.set((now - oldest).total_seconds() if oldest else 0)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.before_request(_start_timer)
    app.after_request(_observe)


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response):
    # The endpoint name, not the path: ids in paths would make a series per patient.
    endpoint = request.endpoint or "unmatched"
    REQUESTS.labels(request.method, endpoint, response.status_code).inc()
    LATENCY.labels(request.method, endpoint).observe(time.perf_counter() - g.get("metrics_started", time.perf_counter()))
    return response
