"""The part of a staff member's patient page (scheduler.web.patients) that is notifications':
every message with its delivery, the patient's replies and, for clinical staff, the check-ins.
Drawn when the page announces itself (scheduler.events.PatientPageShown)."""
from __future__ import annotations

from flask import current_app, render_template
from markupsafe import Markup

from scheduler.models import Patient
from scheduler.web.pages import one_page

from notifications.services.checkins import list_checkins
from notifications.services.patient_messages import messages_to, replies_from, without_patient_links

HISTORY_SIZE = 200  # the latest messages, replies and check-ins on a patient's page


def section(patient: Patient, clinical: bool) -> Markup:
    messages, more_messages = one_page(messages_to(patient.id), 1, HISTORY_SIZE)
    replies, more_replies = one_page(replies_from(patient.id), 1, HISTORY_SIZE)
    checkins, more_checkins = (one_page(list_checkins(patient.id), 1, HISTORY_SIZE) if clinical
                               else ([], False))
    base_url = current_app.config["PUBLIC_BASE_URL"]
    texts = {message.id: without_patient_links(message.body, base_url)
             for message in messages if message.body}
    return Markup(render_template(
        "web/patient_pages/_messages.html", patient=patient, texts=texts, messages=messages,
        more_messages=more_messages, replies=replies, more_replies=more_replies, clinical=clinical,
        checkins=checkins, more_checkins=more_checkins, history_size=HISTORY_SIZE))
