"""The staff web pages: server-rendered (Jinja), signed in with a session cookie, one blueprint
per area of the clinic's work. Every page calls the same services as the JSON API and follows
the same role rules; the API is for integrations, these pages are for the people at the desk.
"""
from __future__ import annotations

from flask import Flask

from ..extensions import csrf
from . import admin, api_reference, appointments, booking, clinicians, home, patients, schedule, waitlist
from .display import register_filters
from .forms import field_label
from .pages import in_settings, link_for, menu_for, settings_menu_for

# The monitoring pages are notifications' (notifications.web), registered by the app factory.
# appointments adds its routes to booking's blueprint
BLUEPRINTS = (home.bp, schedule.bp, patients.bp, booking.bp, waitlist.bp, admin.bp, clinicians.bp)


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    register_filters(app)
    app.add_template_global(menu_for)
    app.add_template_global(settings_menu_for)
    app.add_template_global(in_settings)
    app.add_template_global(link_for)
    app.add_template_global(field_label)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.register_blueprint(api_reference.bp)  # open to anyone, like /openapi.json: not a staff page
