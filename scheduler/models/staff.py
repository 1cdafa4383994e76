"""Staff accounts, their sign-in tokens, and the audit trail of what they changed."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime

ADMIN = "admin"
FRONT_DESK = "front_desk"
MONITORING = "monitoring"
ROLES = (ADMIN, FRONT_DESK, MONITORING)


class StaffUser(db.Model):
    __tablename__ = "staff_user"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES}", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiToken(db.Model):
    """A bearer token. Only its SHA-256 is kept, so a leaked table signs nobody in."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    staff: Mapped[StaffUser] = relationship()


class SignInAttempt(db.Model):
    """A sign-in that has not succeeded (or not yet), kept a while to slow password guessing.

    `account` is the SHA-256 of the email as typed (trimmed, lower case): the table names no one,
    and an email that has no account is counted and locked exactly like one that has. A row that
    tripped a limit carries when its lockout ends, for the email, the client address, or both.
    """

    __tablename__ = "signin_attempt"
    __table_args__ = (
        Index("ix_signin_attempt_account", "account", "at"),
        Index("ix_signin_attempt_client", "client", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    account: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    account_locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    client_locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEvent(db.Model):
    """Who changed what, and when. `details` holds ids and statuses, never patient data."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
