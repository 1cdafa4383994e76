"""Staff accounts and bearer tokens.

Passwords are hashed with Argon2id (memory-hard). Tokens are 256 random bits; only their
SHA-256 is stored, and each expires after TOKEN_TTL_HOURS. Repeated failed sign-ins lock out
the email, and the client address they come from, for a while, except for a browser that has
signed in to that account before and shows its device cookie (see the end of this module).
"""
from __future__ import annotations

import functools
import hashlib
import logging
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import delete, func, select

from .. import clock
from ..extensions import db
from ..models import ApiToken, SignInAttempt, StaffUser
from ..models.staff import ROLES
from . import audit
from .errors import Conflict, NotFound, Unauthorized

log = logging.getLogger("scheduler.signin")


@functools.cache
def _hashing(time_cost: int, memory_cost: int, parallelism: int) -> tuple[PasswordHasher, str]:
    """An Argon2id hasher at these costs, and a hash to verify a wrong email against, which
    keeps it as slow as a wrong password."""
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    return hasher, hasher.hash("not-a-real-password")


def _hasher_and_dummy() -> tuple[PasswordHasher, str]:
    costs = current_app.config["PASSWORD_HASHING"]
    return _hashing(costs["time_cost"], costs["memory_cost"], costs["parallelism"])


def _hash(password: str) -> str:
    return _hasher_and_dummy()[0].hash(password)


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
    _check_password(password)
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise Conflict("email must be an email address", "email")
    if db.session.scalar(select(StaffUser.id).where(StaffUser.email == email)):
        raise Conflict("a staff account with this email exists", "email")
    user = StaffUser(email=email, password_hash=_hash(password), role=role,
                     created_at=clock.now())
    db.session.add(user)
    db.session.flush()
    audit.record("staff.create", "staff_user", user.id, role=role)
    db.session.commit()
    return user


def set_password(user: StaffUser, password: str) -> None:
    """A new password; every sign-in made with the old one ends (a forgotten or leaked
    password is why it changes)."""
    _check_password(password)
    user.password_hash = _hash(password)
    db.session.execute(delete(ApiToken).where(ApiToken.staff_id == user.id))
    audit.record("staff.set_password", "staff_user", user.id)
    db.session.commit()


def _check_password(password: str) -> None:
    if len(password) < 10:
        raise Conflict("password must have at least 10 characters", "password")


def sign_in(email: str, password: str, client: str = "", device_cookie: str | None = None) -> IssuedToken:
    """A token for the right email and password, from `client` (the caller's address), with
    the device cookie the browser holds for this email, if any (see device_cookie_for).

    Unauthorized for wrong credentials; TooManyFailures, before the password is even looked at,
    while the email or the client address is locked out after too many failures, or, for a
    browser with a valid device cookie, while that cookie is.
    """
    email = email.strip().lower()
    user = db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email))
    device = _trusted_device(email, device_cookie)
    # A trusted browser's failures count against its cookie alone, so a stranger guessing at
    # the email (or from the clinic's own address) cannot lock the front desk out.
    limits = _DEVICE_LIMITS if device else _LIMITS
    attempt = _begin_attempt(device or _account_key(email), "" if device else client, user, limits)
    if not _password_matches(user, password) or not user.active:
        _lock_where_limits_reached(attempt, user, limits, beyond=False)
        raise Unauthorized()
    # The count of what was tried starts again (the email's, or the cookie's); the client's
    # does not (one good password of its own must not buy a guessing client another fifty
    # tries at everyone else's), nor the email's after a trusted browser's sign-in (the
    # guesser's lockout holds).
    db.session.execute(delete(SignInAttempt).where(SignInAttempt.account == attempt.account))
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
    hasher, dummy = _hasher_and_dummy()
    try:  # a hash made at other costs verifies all the same: Argon2 keeps them in the hash
        return hasher.verify(user.password_hash if user else dummy, password) and bool(user)
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


# --- Slowing down password guessing -------------------------------------------------------
#
# OWASP's "device cookies": a browser that signs in to an account gets a signed cookie bound
# to that account. Its attempts are counted against the cookie (the `account` column holds the
# cookie's own key), never against the email or the address, and are not refused by their
# lockouts; after SIGNIN_MAX_FAILURES failures the cookie alone is locked out. Everyone else is
# counted by email and by address as below. The API issues no device cookie: its callers are
# scripts that keep their token, and the cookie's path is the sign-in page's.
#
# Each sign-in is written down (and committed) before its password is checked, so guesses
# sent in parallel count against each other; a success deletes the email's rows, a failure
# keeps its row. When the failures in the window reach a limit, the row that reached it carries
# the end of the lockout, and the count starts again after it. While locked, attempts are
# refused at once and not counted, so a guesser cannot stretch the lockout. Rows are deleted
# once too old to count or lock anything.

DEVICE_SALT = "signin-device-cookie"


@dataclass(frozen=True)
class DeviceCookie:
    name: str
    value: str
    max_age: int  # seconds


def _account_key(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()


def device_cookie_name(email: str) -> str:
    """One cookie per account, so a front desk computer two people share trusts both."""
    return f"signin_device_{_account_key(email.strip().lower())[:16]}"


def device_cookie_for(email: str) -> DeviceCookie | None:
    """A new device cookie for the browser that just signed in to this email; None when
    SIGNIN_DEVICE_COOKIE_DAYS is 0 (device cookies turned off)."""
    days = current_app.config["SIGNIN_DEVICE_COOKIE_DAYS"]
    if days <= 0:
        return None
    email = email.strip().lower()
    value = _device_serializer().dumps({"account": _account_key(email), "device": secrets.token_urlsafe(16)})
    return DeviceCookie(device_cookie_name(email), value, days * 24 * 3600)


def _trusted_device(email: str, cookie: str | None) -> str | None:
    """The key the device's attempts are counted under, if the cookie is one we signed, for
    this email, and not older than SIGNIN_DEVICE_COOKIE_DAYS; else None (an untrusted attempt)."""
    days = current_app.config["SIGNIN_DEVICE_COOKIE_DAYS"]
    if not cookie or days <= 0:
        return None
    try:
        claims = _device_serializer().loads(cookie[:512], max_age=days * 24 * 3600)
    except BadSignature:  # tampered, made with another key, or expired
        return None
    if not isinstance(claims, dict) or claims.get("account") != _account_key(email):
        return None
    return hashlib.sha256(f"device:{claims.get('device')}".encode()).hexdigest()


class _ClinicClockSigner(TimestampSigner):
    """Dates the cookie by the app's clock, which decides every other expiry too."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=DEVICE_SALT, signer=_ClinicClockSigner)


class TooManyFailures(Exception):
    """Too many failed sign-ins for this email or from this address (429)."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many failed sign-ins: try again in {retry_after} seconds")
        self.retry_after = retry_after  # seconds, for the Retry-After header


@dataclass(frozen=True)
class _Limit:
    scope: str  # "account" (the email) or "client" (the address): the attempt's attribute
    locked_until: str  # the attempt's attribute holding the end of this limit's lockout
    setting: str  # how many failures it takes
    name: str  # what the audit trail and the log call what was locked


_LIMITS = (_Limit("account", "account_locked_until", "SIGNIN_MAX_FAILURES", "account"),
           _Limit("client", "client_locked_until", "SIGNIN_MAX_FAILURES_PER_CLIENT", "client"))
# A trusted browser's attempts: counted and locked under its cookie's key, in the same column.
_DEVICE_LIMITS = (_Limit("account", "account_locked_until", "SIGNIN_MAX_FAILURES", "device"),)


def _begin_attempt(account: str, client: str, user: StaffUser | None, limits: tuple[_Limit, ...]) -> SignInAttempt:
    now = clock.now()
    attempt = SignInAttempt(at=now, account=account, client=client[:64])
    _refuse_while_locked(attempt, limits)
    _forget_old_attempts(now)
    db.session.add(attempt)
    db.session.commit()  # before the password is checked: see above
    # Guesses in flight together: one may have locked the email meanwhile, or all of them
    # together gone past a limit.
    _refuse_while_locked(attempt, limits)
    if _lock_where_limits_reached(attempt, user, limits, beyond=True):
        raise TooManyFailures(current_app.config["SIGNIN_LOCKOUT_MINUTES"] * 60)
    return attempt


def _refuse_while_locked(attempt: SignInAttempt, limits: tuple[_Limit, ...]) -> None:
    ends = [end for end in (_latest_lockout_end(attempt, limit) for limit in limits
                            if getattr(attempt, limit.scope)) if end is not None and end > attempt.at]
    if ends:
        raise TooManyFailures(max(1, math.ceil((max(ends) - attempt.at).total_seconds())))


def _lock_where_limits_reached(attempt: SignInAttempt, user: StaffUser | None, limits: tuple[_Limit, ...],
                               *, beyond: bool) -> bool:
    """Lock the email and/or the address whose failures have reached its limit (`beyond`: gone
    past it, this attempt included, before its password is checked). Whether any was locked."""
    until = attempt.at + timedelta(minutes=current_app.config["SIGNIN_LOCKOUT_MINUTES"])
    reached = []
    for limit in limits:
        if not getattr(attempt, limit.scope):
            continue  # no address known: only the email counts
        locks_at = current_app.config[limit.setting] + (1 if beyond else 0)
        if _failures_counted(attempt, limit) >= locks_at:
            reached.append(limit)
    for limit in reached:
        setattr(attempt, limit.locked_until, until)
        audit.record("staff.sign_in_locked", "staff_user", user.id if user else None,
                     scope=limit.name, until=until.isoformat())
        # The log names no email or address (the table keeps only the email's hash).
        log.warning("sign-in locked", extra={"action": f"sign_in.locked_{limit.name}",
                                             "object_type": "staff_user",
                                             "object_id": user.id if user else None})
    db.session.commit()
    return bool(reached)


def _failures_counted(attempt: SignInAttempt, limit: _Limit) -> int:
    """Attempts not (yet) succeeded for this email or address, within the window and since its
    last lockout ended."""
    since = attempt.at - timedelta(minutes=current_app.config["SIGNIN_FAILURE_WINDOW_MINUTES"])
    last_end = _latest_lockout_end(attempt, limit)
    if last_end is not None and since < last_end <= attempt.at:
        since = last_end
    key = getattr(SignInAttempt, limit.scope)
    return db.session.scalar(select(func.count()).select_from(SignInAttempt).where(
        key == getattr(attempt, limit.scope), SignInAttempt.at > since))


def _latest_lockout_end(attempt: SignInAttempt, limit: _Limit):
    key, locked_until = getattr(SignInAttempt, limit.scope), getattr(SignInAttempt, limit.locked_until)
    return db.session.scalar(select(func.max(locked_until)).where(key == getattr(attempt, limit.scope)))


def _forget_old_attempts(now: datetime) -> None:
    config = current_app.config
    minutes = max(config["SIGNIN_FAILURE_WINDOW_MINUTES"], config["SIGNIN_LOCKOUT_MINUTES"])
    db.session.execute(delete(SignInAttempt).where(SignInAttempt.at < now - timedelta(minutes=minutes)))
