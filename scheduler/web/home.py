"""Signing in and out, the home page that sends each role to its own first page, and the
stylesheet and script every page loads (served here: no CDN)."""
from __future__ import annotations

import math

from flask import current_app, redirect, render_template, request, send_from_directory, session, url_for

from ..services import staff
from ..services.errors import Unauthorized
from .access import SESSION_KEY, current_staff, safe_next
from .pages import HOME, web_blueprint

bp = web_blueprint("web", __name__, static_folder="static", static_url_path="/assets")


@bp.get("/")
def home():
    principal = current_staff()
    if principal is None:
        return redirect(url_for(".sign_in"))
    return redirect(url_for(HOME[principal.role]))


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    next_page = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("web/sign_in.html", email="", next=next_page)
    email = request.form.get("email", "")[:254]
    device = request.cookies.get(staff.device_cookie_name(email))
    try:
        issued = staff.sign_in(email, request.form.get("password", "")[:1024], request.remote_addr or "",
                               device_cookie=device)
    except Unauthorized:
        return render_template("web/sign_in.html", email=email, next=next_page,
                               problem="Wrong email or password."), 401
    except staff.TooManyFailures as refused:
        return _locked_out(email, next_page, refused.retry_after)
    session.clear()  # a fresh session on sign-in: no fixation of an earlier one
    session[SESSION_KEY] = issued.token
    return _trust_this_browser(redirect(next_page or url_for(HOME[issued.role])), email)


def _trust_this_browser(response, email: str):
    """A fresh device cookie for this account, sent back to the sign-in page only: it lets this
    browser sign in while strangers' guesses have the account locked out."""
    cookie = staff.device_cookie_for(email)
    if cookie is not None:
        response.set_cookie(cookie.name, cookie.value, max_age=cookie.max_age, path=url_for(".sign_in"),
                            httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def _locked_out(email: str, next_page: str | None, retry_after: int):
    """The same page and words whether or not the email has an account."""
    minutes = math.ceil(retry_after / 60)
    problem = f"Too many failed sign-ins. Please wait {minutes} minute{'s' if minutes > 1 else ''} and try again."
    page = render_template("web/sign_in.html", email=email, next=next_page, problem=problem)
    return page, 429, {"Retry-After": str(retry_after)}


@bp.post("/sign-out")
def sign_out():
    token = session.pop(SESSION_KEY, None)
    if isinstance(token, str) and token:
        staff.sign_out(token)
    session.clear()
    return redirect(url_for(".sign_in"))


FAVICON_MAX_AGE = 365 * 24 * 3600  # the icon never changes; browsers ask once a year


@bp.get("/favicon.ico")
def favicon():
    """The tab's icon. Served at the address browsers ask for by themselves too (the API
    reference and the patients' pages have no link to it), so no page logs a 404 for it."""
    return send_from_directory(bp.static_folder, "favicon.svg", mimetype="image/svg+xml",
                               max_age=FAVICON_MAX_AGE)
