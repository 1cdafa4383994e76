"""Pages: what monitoring staff see (alerts, check-ins and their chart, today in the clinic,
failed messages), on the staff pages' own frame (scheduler.web), and the patient's page behind
an emailed link, a waitlist offer's page and a questionnaire's (signed, no sign-in). Views only: they call services."""
from __future__ import annotations

from flask import Flask

from notifications.web import monitoring, patient_page, questionnaire_page, waitlist_offer_page

STAFF_BLUEPRINTS = (monitoring.bp,)  # staff pages, on scheduler.web's frame, menu and roles


def init_app(app: Flask) -> None:
    for blueprint in STAFF_BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.register_blueprint(patient_page.bp)
    app.register_blueprint(waitlist_offer_page.bp)  # a waitlist offer's link (signed)
    app.register_blueprint(questionnaire_page.bp)  # a questionnaire's link (signed)
