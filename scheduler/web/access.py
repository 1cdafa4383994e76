"""Who may see which page: the browser's sign-in, and the same role rules as the JSON API.

The session cookie holds a sign-in token like the API's bearer token (only its hash is stored),
so a page sees the same expiry, and sign-out revokes it on the server, not only in the browser.
"""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, g, redirect, request, session, url_for

from ..services.staff import Principal, principal_for_token

SESSION_KEY = "staff_token"


def current_staff() -> Principal | None:
    """The signed-in staff member, or None. Also sets g.staff, which the audit trail reads."""
    if g.get("staff") is None:
        token = session.get(SESSION_KEY)
        g.staff = principal_for_token(token) if isinstance(token, str) and token else None
    return g.staff


def page_for(*allowed: str):
    """Show the page only to a signed-in member of one of these roles.

    A stranger is sent to sign in (and brought back after); a wrong role gets 403. The roles are
    kept on the view so the navigation shows each role only what it may open.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            principal = current_staff()
            if principal is None:
                back = request.full_path if request.method == "GET" else None
                return redirect(url_for("web.sign_in", next=back))
            if principal.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapper.allowed_roles = allowed
        return wrapper

    return decorator


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never let a crafted link send staff elsewhere after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
