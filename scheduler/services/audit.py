"""The audit trail: every write records who did what to which object."""
from __future__ import annotations

from typing import Any

from flask import g

from .. import clock
from ..extensions import db
from ..models import AuditEvent


def record(action: str, object_type: str, object_id: int | None, **details: Any) -> None:
    """Add an audit row to the current transaction; it commits or rolls back with the change.

    `details` must hold ids, statuses and times only: never names, phones or message texts.
    """
    staff = g.get("staff")
    db.session.add(AuditEvent(
        at=clock.now(), staff_id=staff.id if staff else None, action=action,
        object_type=object_type, object_id=object_id, details=details,
    ))
