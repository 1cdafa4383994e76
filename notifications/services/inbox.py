"""Monitoring's inbox: the texts that were neither a command nor an awaited answer, until a
member of staff has read each and marks it done with a note of what they did.

Words of self-harm never wait here: they open an urgent alert (inbound.py).
"""
from __future__ import annotations

from flask import g
from sqlalchemy import Select, select

from scheduler import clock
from scheduler.extensions import db
from scheduler.services import audit
from scheduler.services.errors import Conflict, NotFound

from notifications.models import InboundMessage


def open_items() -> Select:
    """Oldest first: the one waiting longest is read first."""
    return (select(InboundMessage).where(InboundMessage.inbox == "open")
            .order_by(InboundMessage.received_at, InboundMessage.id))


def mark_done(message_id: int, note: str | None) -> InboundMessage:
    """Once only: 409 for a text already done, 404 for one that never was in the inbox."""
    message = db.session.scalar(select(InboundMessage).where(InboundMessage.id == message_id)
                                .with_for_update())
    if message is None or message.inbox is None:
        raise NotFound("inbox item")
    if message.inbox == "done":
        raise Conflict("this text is already marked done")
    message.inbox, message.done_at, message.done_by, message.done_note = "done", clock.now(), g.staff.id, note
    audit.record("inbox.done", "inbound_message", message.id, patient_id=message.patient_id)
    db.session.commit()
    return message
