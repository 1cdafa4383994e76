"""Which message templates this service fills: NOTIFICATION_TEMPLATES when set (a copy staff
edit), else the ones that ship in notifications/templates/."""
from __future__ import annotations

from flask import current_app
from jinja2 import Environment

from notifications.engine.wording import TEMPLATES, environment


def templates() -> Environment:
    return environment(str(current_app.config.get("NOTIFICATION_TEMPLATES") or TEMPLATES))
