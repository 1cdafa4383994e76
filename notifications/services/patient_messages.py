"""What a patient's page shows of their messages: every message written for them, the texts
they sent the clinic. Lists come back as selects, newest first, for the page to cut."""
from __future__ import annotations

import re

from sqlalchemy import Select, select

from notifications.models import InboundMessage, Notification


def messages_to(patient_id: int) -> Select:
    """Every message written for the patient, whatever became of it, the latest due first."""
    return (select(Notification).where(Notification.patient_id == patient_id)
            .order_by(Notification.due_at.desc(), Notification.id.desc()))


def replies_from(patient_id: int) -> Select:
    """Texts the patient sent the clinic, newest first (as the API lists them)."""
    return (select(InboundMessage).where(InboundMessage.patient_id == patient_id)
            .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc()))


def without_patient_links(body: str, public_base_url: str) -> str:
    """A message's text with the patient's own signed links blanked out (their visits /p/, a
    questionnaire /q/, a waitlist offer /w/): a link lets whoever holds it act as the patient,
    and a staff screen (or a screenshot of it) is not the patient."""
    link = re.escape(public_base_url.rstrip("/")) + r"/[pqw]/[A-Za-z0-9_.\-]+"
    return re.sub(link, "[patient link hidden]", body)
