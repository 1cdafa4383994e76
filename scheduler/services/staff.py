"""Staff accounts and bearer tokens.

Passwords are hashed with Argon2id (memory-hard). Tokens are 256 random bits; only their
SHA-256 is stored, and each expires after TOKEN_TTL_HOURS.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import delete, func, select

from .. import clock
from ..extensions import db
from ..models import ApiToken, StaffUser
from ..models.staff import ROLES
from . import audit
from .errors import Conflict, NotFound, Unauthorized

_hasher = PasswordHasher()
# Verifying against this keeps a wrong email as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


@dataclass(frozen=True)
class Principal:
    """Who is making the request, as the rest of the request needs to know."""

    id: int
    role: str
    email: str = ""


@dataclass(frozen=True)
class IssuedToken:
    token: str
    role: str
    expires_at: datetime


def create_staff(email: str, password: str, role: str) -> StaffUser:
    if role not in ROLES:
        raise Conflict(f"role must be one of {', '.join(ROLES)}", "role")
    if len(password) < 10:
        raise Conflict("password must have at least 10 characters", "password")
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise Conflict("email must be an email address", "email")
    if db.session.scalar(select(StaffUser.id).where(StaffUser.email == email)):
        raise Conflict("a staff account with this email exists", "email")
    user = StaffUser(email=email, password_hash=_hasher.hash(password), role=role,
                     created_at=clock.now())
    db.session.add(user)
    db.session.flush()
    audit.record("staff.create", "staff_user", user.id, role=role)
    db.session.commit()
    return user


def set_password(user: StaffUser, password: str) -> None:
    user.password_hash = _hasher.hash(password)
    audit.record("staff.set_password", "staff_user", user.id)
    db.session.commit()


def sign_in(email: str, password: str) -> IssuedToken:
    user = db.session.scalar(select(StaffUser).where(
        func.lower(StaffUser.email) == email.strip().lower()))
    if not _password_matches(user, password) or not user.active:
        raise Unauthorized()
    return issue_token(user)


def issue_token(user: StaffUser) -> IssuedToken:
    now = clock.now()
    raw = secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=current_app.config["TOKEN_TTL_HOURS"])
    db.session.add(ApiToken(token_hash=_digest(raw), staff_id=user.id, created_at=now,
                            expires_at=expires_at))
    audit.record("staff.sign_in", "staff_user", user.id)
    db.session.execute(delete(ApiToken).where(ApiToken.expires_at < now))  # housekeeping
    db.session.commit()
    return IssuedToken(raw, user.role, expires_at)


def sign_out(raw: str) -> None:
    """Revoke a token at once (the web pages' sign-out), rather than waiting for it to expire."""
    db.session.execute(delete(ApiToken).where(ApiToken.token_hash == _digest(raw)))
    db.session.commit()


def principal_for_token(raw: str) -> Principal | None:
    """The staff member a bearer token belongs to, if it is real, unexpired and theirs is active."""
    row = db.session.execute(
        select(StaffUser.id, StaffUser.role, StaffUser.email)
        .join(ApiToken, ApiToken.staff_id == StaffUser.id)
        .where(ApiToken.token_hash == _digest(raw), ApiToken.expires_at > clock.now(),
               StaffUser.active.is_(True))
    ).first()
    return Principal(row.id, row.role, row.email) if row else None


def _password_matches(user: StaffUser | None, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash if user else _DUMMY_HASH, password) and bool(user)
    except (VerificationError, InvalidHashError):
        return False


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# --- Managing staff accounts (the admin pages) --------------------------------------------

def list_staff() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.email)))


def get_staff(staff_id: int) -> StaffUser:
    found = db.session.get(StaffUser, staff_id)
    if found is None:
        raise NotFound("staff account")
    return found


def change_role(staff_id: int, role: str, acting_staff_id: int) -> StaffUser:
    """Give an account another role; it applies from that person's next page or API call."""
    if role not in ROLES:
        raise Conflict(f"role must be one of {', '.join(ROLES)}", "role")
    user = get_staff(staff_id)
    if user.role == role:
        return user
    _refuse_own_account(user, acting_staff_id, "change your own role")
    audit.record("staff.change_role", "staff_user", user.id, role=role, previous_role=user.role)
    user.role = role
    db.session.commit()
    return user


def set_active(staff_id: int, active: bool, acting_staff_id: int) -> StaffUser:
    """Deactivate an account (its sign-ins end at once: every token is deleted) or let it
    sign in again. Accounts are kept, not deleted: the audit trail still names who did what."""
    user = get_staff(staff_id)
    if user.active == active:
        return user
    _refuse_own_account(user, acting_staff_id, "deactivate your own account")
    user.active = active
    if not active:
        db.session.execute(delete(ApiToken).where(ApiToken.staff_id == user.id))
    audit.record("staff.reactivate" if active else "staff.deactivate", "staff_user", user.id)
    db.session.commit()
    return user


def _refuse_own_account(user: StaffUser, acting_staff_id: int, what: str) -> None:
    # Another admin must do it, so the clinic can never lock out its last admin by a slip.
    if user.id == acting_staff_id:
        raise Conflict(f"you may not {what}: ask another admin")
