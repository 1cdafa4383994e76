"""The clinic scheduling service: the Flask application factory."""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import INSTANCE, ROOT, Config, config_from_environment

from .extensions import db, migrate, serialize_sqlite_writes, utc_sessions_on_postgresql
from .logs import configure_logging


def create_app(config_class: type[Config] | None = None, **overrides) -> Flask:
    """Build the app. Tests pass TestingConfig and overrides such as SQLALCHEMY_DATABASE_URI."""
    # Imported here, not at the top: the models (and the notifications package's, which import
    # scheduler.extensions) must be importable without pulling in every blueprint first.
    from . import api, cli, events, ops, web
    import notifications.models  # noqa: F401  (its tables share this metadata and migrations)
    import notifications.api
    from notifications.api import webhooks
    from notifications.reactions import REACTIONS
    from .services import waitlist
    import notifications.web

    app = Flask(__name__, instance_path=str(INSTANCE))
    config_class = config_class or config_from_environment()
    if hasattr(config_class, "check"):
        config_class.check()
    app.config.from_object(config_class)
    app.config.update(overrides)
    app.json.sort_keys = False

    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    configure_logging(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    with app.app_context():
        serialize_sqlite_writes(db.engine)
        utc_sessions_on_postgresql(db.engine)
    # The seam: notifications writes what each booking implies; scheduling's own waitlist offers
    # a freed chair to waiting patients (and announces the offers, for notifications to send).
    events.wire(app, events.together(REACTIONS, waitlist.REACTIONS))
    api.init_app(app)
    notifications.api.init_app(app)  # messages, check-ins, alerts: under /api/v1 too
    webhooks.init_app(app)  # Twilio's, outside /api/v1: signed by Twilio, not bearer tokens
    web.init_app(app)  # the staff pages: session cookie and CSRF, same services and roles
    notifications.web.init_app(app)  # monitoring pages; the patient's emailed link (signed)
    ops.init_app(app)
    cli.init_app(app)
    return app
