"""What every web blueprint shares: CSRF on each POST, HTML error pages, and the navigation."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from sqlalchemy import Select

from ..extensions import csrf, db
from ..models.staff import ADMIN, FRONT_DESK, MONITORING
from ..services.errors import NotFound
from .access import current_staff

SETTINGS = "settings"  # the menu's entry for SETTINGS_PAGES, below

# Every page a role may open, in the order the menu shows them. Which roles see an entry comes
# from the view's own @page_for, so the menu and the 403 can never disagree.
NAVIGATION = (
    ("schedule.schedule", "Schedule"),
    ("patient_pages.patients", "Patients"),
    ("booking_pages.new_course", "Book a course"),
    ("patient_pages.maintenance_due", "Due for maintenance"),
    ("waitlist_pages.waitlist_page", "Waitlist"),
    ("monitoring.alerts", "Alerts"),
    ("monitoring.inbox", "Inbox"),
    ("monitoring.today", "Today in the clinic"),
    ("monitoring.failed_messages", "Failed messages"),
    (SETTINGS, "Settings"),
)
# The admin's set-up pages share the one "Settings" entry above, which opens the first of them
# this role may open, and are listed on a second line on each of them: fourteen entries did not
# fit one line of a 1280-pixel front-desk screen.
SETTINGS_PAGES = (
    ("admin.clinic", "Clinic settings"),
    ("admin.chairs", "Chairs"),
    ("admin.treatment_types", "Treatment types"),
    ("clinician_pages.clinicians", "Clinicians"),
    ("admin.staff", "Staff"),
)
SETTINGS_BLUEPRINTS = ("admin", "clinician_pages")  # a clinician's own page is under Settings too
HOME = {FRONT_DESK: "schedule.schedule", MONITORING: "monitoring.alerts", ADMIN: "schedule.schedule"}
LAST_PAGE = 10_000  # keeps a typed ?page= inside SQL's integers


def one_page(listing: Select, page: int, size: int) -> tuple[list, bool]:
    """One page of a listing, and whether more follow (one row more is read to know)."""
    rows = list(db.session.scalars(listing.offset((page - 1) * size).limit(size + 1)))
    return rows[:size], len(rows) > size


def page_number() -> int:
    """The ?page= asked for, 1 when none or nonsense."""
    return min(max(request.args.get("page", 1, type=int), 1), LAST_PAGE)


def web_blueprint(name: str, import_name: str, **options) -> Blueprint:
    bp = Blueprint(name, import_name, template_folder="templates", **options)
    bp.before_request(_check_csrf)
    bp.after_request(page_headers)
    bp.register_error_handler(CSRFError, _form_expired)
    bp.register_error_handler(NotFound, _not_found)
    bp.register_error_handler(403, _forbidden)
    bp.register_error_handler(404, _not_found)
    return bp


def menu_for(role: str | None) -> list[tuple[str, str]]:
    """(endpoint, label) of every page this role may open; pages not built yet are left out.
    "Settings" stands for the first of SETTINGS_PAGES the role may open, if any."""
    settings = settings_menu_for(role)
    entries = [(settings[0][0] if settings else None, label) if endpoint == SETTINGS else (endpoint, label)
               for endpoint, label in NAVIGATION]
    return [(endpoint, label) for endpoint, label in entries if _may_open(role, endpoint)]


def settings_menu_for(role: str | None) -> list[tuple[str, str]]:
    """(endpoint, label) of the set-up pages this role may open: the second line of the menu."""
    return [(endpoint, label) for endpoint, label in SETTINGS_PAGES if _may_open(role, endpoint)]


def in_settings(endpoint: str | None) -> bool:
    """Whether this page is one of the set-up pages the menu's "Settings" entry stands for."""
    return bool(endpoint) and endpoint.split(".", 1)[0] in SETTINGS_BLUEPRINTS


def _may_open(role: str | None, endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return view is not None and role in getattr(view, "allowed_roles", ())


def link_for(endpoint: str, **values) -> str | None:
    """The page's address if the signed-in role may open it, else None: pages link only to
    what the reader may see, by the same rule as the menu."""
    view = current_app.view_functions.get(endpoint)
    staff = current_staff()
    if view is None or staff is None or staff.role not in getattr(view, "allowed_roles", ()):
        return None
    return url_for(endpoint, **values)


def _check_csrf():
    if request.method == "POST":
        csrf.protect()


def page_headers(response):
    # Everything the pages load comes from this application: clinic networks block CDNs, and
    # a strict policy keeps injected markup from running script or phoning home.
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if current_staff() is not None:
        response.headers.setdefault("Cache-Control", "no-store")  # patient data: not on disk
    return response


def _form_expired(_error):
    # "Reload" here would post the stale form again and meet the same refusal: offer the form's
    # own page, opened afresh, instead.
    return render_template("web/problem.html", title="The form has expired",
                           text="Nothing was saved. Open the form again and fill it in once more.",
                           back=(_form_page(), "Open the form again")), 400


def _form_page() -> str:
    """Where the refused form can be opened afresh: its own address when that is a page, else
    the page it was posted from (same site only), else the start."""
    if _answers_get(request.path):
        return request.full_path.rstrip("?")
    came_from = request.referrer or ""
    if came_from.startswith(request.host_url):
        return "/" + came_from[len(request.host_url):]
    return url_for("web.home")


def _answers_get(path: str) -> bool:
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return False
    return True


def _forbidden(_error):
    return render_template("web/problem.html", title="Not for your role",
                           text="Your account's role may not open this page."), 403


def _not_found(_error):
    return render_template("web/problem.html", title="Not found",
                           text="There is nothing here. It may have been removed."), 404
