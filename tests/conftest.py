"""Test fixtures: a real database per run (SQLite and PostgreSQL), an app per database.

Every test that asks for `app` runs once on SQLite and once on PostgreSQL. The schema is built
by the Alembic migrations, as in production; each test starts from empty tables.
PostgreSQL must be reachable (TEST_POSTGRES_URL, default the local server): if it is not, the
tests fail rather than skip.
"""
from __future__ import annotations

import os
import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from config import ROOT, TestingConfig
from scheduler import create_app, events
from scheduler.extensions import db

from . import properties  # noqa: F401  (loads the Hypothesis profile before any test module)
from .clock import FrozenClock

ADMIN_POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
# A Monday in June, clear of DST changes; tests that need another time set the clock.
DEFAULT_NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


SCREENSHOTS = ROOT / "tests" / "browser" / "screenshots"  # ignored by git
RUNS_KEPT = 5  # screenshot folders of earlier runs kept beside this one's


def pytest_configure(config):
    """One screenshot folder for the whole run, named before any test process starts, so the
    worker processes of pytest-xdist (which inherit the environment) all save into it. The
    oldest runs' folders go, so the folder does not grow without end."""
    if not os.environ.get("SCREENSHOT_DIR"):
        os.environ["SCREENSHOT_DIR"] = str(
            SCREENSHOTS / f"{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}")
        _forget_old_screenshots()


def _forget_old_screenshots() -> None:
    runs = sorted(p for p in SCREENSHOTS.glob("*-*") if p.is_dir())
    for old in runs[:max(len(runs) - RUNS_KEPT, 0)]:
        shutil.rmtree(old, ignore_errors=True)


def pytest_terminal_summary(terminalreporter):
    folder = Path(os.environ["SCREENSHOT_DIR"])
    if folder.is_dir() and any(folder.iterdir()):
        terminalreporter.write_line(f"Screenshots of the staff pages: {folder}")


def _migrate(url: str) -> None:
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    _migrate(url)
    return url


@pytest.fixture(scope="session")
def postgres_url():
    """A database of its own for this test run, dropped at the end."""
    name = f"clinic_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(ADMIN_POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as error:
        pytest.fail(f"PostgreSQL is not reachable at {ADMIN_POSTGRES_URL}: {error}", pytrace=False)
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    _migrate(url)
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


# `dev.py test --quick` sets TEST_DATABASES=sqlite: the inner loop while working. The full run
# (and CI) takes both.
DATABASES = os.environ.get("TEST_DATABASES", "sqlite,postgresql").split(",")
QUICK = DATABASES == ["sqlite"]


def pytest_collection_modifyitems(config, items):
    """In the quick loop, leave out what needs PostgreSQL by its nature (races, several
    connections, the browser's server)."""
    if not QUICK:
        return
    postgres_only = {"postgres_url", "pg_app", "live_app"}
    kept, dropped = [], []
    for item in items:
        (dropped if postgres_only & set(getattr(item, "fixturenames", ())) else kept).append(item)
    config.hook.pytest_deselected(items=dropped)
    items[:] = kept


@pytest.fixture(params=DATABASES)
def database_url(request):
    return request.getfixturevalue(f"{request.param}_url" if request.param == "sqlite" else "postgres_url")


@pytest.fixture
def clock():
    return FrozenClock(DEFAULT_NOW)


def _make_app(url, clock, **overrides):
    """A fresh app of its own, for a test whose settings differ from TestingConfig's."""
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, CLOCK=clock, **overrides)
    yield app
    with app.app_context():
        _empty_tables()
        db.engine.dispose()


# Building an app costs about 0.1 s (flask-smorest documents every route), more than most tests
# take: tests on TestingConfig share one app per database per test process. What a test may
# change is put back after it: its settings and clock, who reacts to scheduler.events, and
# every row it wrote.
_SHARED_APPS: dict[str, object] = {}


def _shared_app(url, clock):
    app = _SHARED_APPS.get(url)
    if app is None:
        app = _SHARED_APPS[url] = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    settings, reactions = dict(app.config), events.wiring(app)
    app.config["CLOCK"] = clock
    yield app
    app.config.clear()
    app.config.update(settings)
    events.wire(app, reactions)  # a test may listen in on scheduler.events
    with app.app_context():
        _empty_tables()


@pytest.fixture(scope="session", autouse=True)
def _dispose_shared_apps():
    yield
    for app in _SHARED_APPS.values():
        with app.app_context():
            db.engine.dispose()
    _SHARED_APPS.clear()


@pytest.fixture
def app(database_url, clock):
    yield from _shared_app(database_url, clock)


@pytest.fixture
def pg_app(postgres_url, clock):
    """For what only PostgreSQL can show, e.g. concurrent transactions on separate connections."""
    yield from _shared_app(postgres_url, clock)


@pytest.fixture
def client(app):
    return app.test_client()


def _empty_tables() -> None:
    """DELETE, children first: on tables of a test's few rows it is several times quicker than
    PostgreSQL's TRUNCATE, which makes new files for every table."""
    db.session.rollback()  # whatever the test left half done
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    if db.engine.dialect.name == "postgresql":  # ids start at 1 again, as on SQLite
        db.session.execute(sa.text("SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'"))
    db.session.commit()
