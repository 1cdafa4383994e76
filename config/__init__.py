"""Settings classes, read from the environment (a `.env` file may supply it).

`DevelopmentConfig` is the embedded default: SQLite under instance/, console SMS and email.
`ProductionConfig` refuses to start without a real SECRET_KEY. `TestingConfig` is what the test
suite builds on, overriding the database per run.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

load_dotenv(ROOT / ".env")


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def _env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """A setting with a few known values: a typo stops the service at start, not at first use."""
    value = (_env(name) or default).strip().lower()
    if value not in choices:
        raise RuntimeError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _development_secret() -> str:
    """A secret kept under instance/ so sign-ins survive a restart of the development server."""
    INSTANCE.mkdir(exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def database_url(url: str | None) -> str:
    """Accept the common `postgres://` and `postgresql://` forms and use the psycopg 3 driver."""
    if not url:
        INSTANCE.mkdir(exist_ok=True)
        return f"sqlite:///{INSTANCE / 'clinic.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    SQLALCHEMY_DATABASE_URI = database_url(_env("DATABASE_URL"))
    SECRET_KEY = _env("SECRET_KEY")
    PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")

    SMS_BACKEND = _env("SMS_BACKEND", "console")
    TWILIO_ACCOUNT_SID = _env("TWILIO_ACCOUNT_SID")
    TWILIO_AUTH_TOKEN = _env("TWILIO_AUTH_TOKEN")
    TWILIO_FROM_NUMBER = _env("TWILIO_FROM_NUMBER")
    TWILIO_API_BASE_URL = _env("TWILIO_API_BASE_URL")
    # Texts go through this Messaging Service (a pool of numbers) instead of TWILIO_FROM_NUMBER.
    TWILIO_MESSAGING_SERVICE_SID = _env("TWILIO_MESSAGING_SERVICE_SID")
    # Texts a second per worker, the sender's rate at Twilio (long code 1, toll-free 3, short
    # code 100); unset, the worker sends as fast as Twilio answers.
    SMS_MAX_PER_SECOND = float(_env("SMS_MAX_PER_SECOND", "0")) or None
    # Who confirms Twilio's own keywords (STOP, START, HELP and the rest: replies.TWILIO_KEYWORDS),
    # so the patient gets one answer, not two. "twilio": its automatic reply, which every Twilio
    # number sends unless it is turned off, hence the default; we still act on the word. "ours":
    # our reply_*.sms.txt, once Twilio's replies are off (Advanced Opt-Out).
    SMS_OPT_OUT_REPLIES = _env_choice("SMS_OPT_OUT_REPLIES", "twilio", ("twilio", "ours"))

    EMAIL_BACKEND = _env("EMAIL_BACKEND", "console")
    SMTP_HOST = _env("SMTP_HOST")
    SMTP_PORT = int(_env("SMTP_PORT", "587"))
    SMTP_USERNAME = _env("SMTP_USERNAME")
    SMTP_PASSWORD = _env("SMTP_PASSWORD")
    SMTP_STARTTLS = _env_bool("SMTP_STARTTLS", True)
    EMAIL_FROM = _env("EMAIL_FROM")

    WORKER_POLL_SECONDS = float(_env("WORKER_POLL_SECONDS", "5"))
    # Sends one worker keeps in flight at once: the provider's answer time, not our CPU, bounds
    # a worker, so it waits on many answers together.
    WORKER_CONCURRENCY = int(_env("WORKER_CONCURRENCY", "32"))
    # The worker's own /metrics port (it is a separate process from the web app); unset, none.
    WORKER_METRICS_PORT = int(_env("WORKER_METRICS_PORT", "0")) or None
    # How long a worker waits on Twilio or the mail server before trying again later.
    PROVIDER_TIMEOUT_SECONDS = float(_env("PROVIDER_TIMEOUT_SECONDS", "10"))

    # Phones typed without a country code are read as numbers of this region.
    DEFAULT_PHONE_REGION = _env("DEFAULT_PHONE_REGION", "US")
    TOKEN_TTL_HOURS = int(_env("TOKEN_TTL_HOURS", "12"))
    # Argon2id's costs for staff passwords: argon2-cffi's defaults, RFC 9106's low-memory
    # choice (64 MiB, 3 passes, about 0.3 s here). Only the tests lower them.
    PASSWORD_HASHING = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4}
    # How many reverse proxies (load balancer, ingress) stand in front of the web processes: their
    # X-Forwarded-For/-Proto/-Host are then believed, so the sign-in limit per address counts the
    # real client, not the balancer. 0: none, trust no such header.
    TRUSTED_PROXIES = int(_env("TRUSTED_PROXIES", "0"))
    # Password guessing: after SIGNIN_MAX_FAILURES failed sign-ins for one email within
    # SIGNIN_FAILURE_WINDOW_MINUTES, that email is refused (429, Retry-After) for
    # SIGNIN_LOCKOUT_MINUTES, even with the right password; one client address likewise after
    # SIGNIN_MAX_FAILURES_PER_CLIENT failures, whatever emails it tried (a whole office may sit
    # behind one address, hence the higher limit). Counted in the database, so every web
    # process on every host sees the same count.
    SIGNIN_MAX_FAILURES = int(_env("SIGNIN_MAX_FAILURES", "5"))
    SIGNIN_MAX_FAILURES_PER_CLIENT = int(_env("SIGNIN_MAX_FAILURES_PER_CLIENT", "50"))
    SIGNIN_FAILURE_WINDOW_MINUTES = int(_env("SIGNIN_FAILURE_WINDOW_MINUTES", "15"))
    SIGNIN_LOCKOUT_MINUTES = int(_env("SIGNIN_LOCKOUT_MINUTES", "15"))
    # A browser that signed in to an account keeps a signed "device cookie" for it this many
    # days: its attempts are counted against the cookie alone and pass the email's and the
    # address's lockouts, so a stranger's guesses cannot keep the front desk out. 0 turns
    # device cookies off (every attempt is counted by email and address).
    SIGNIN_DEVICE_COOKIE_DAYS = int(_env("SIGNIN_DEVICE_COOKIE_DAYS", "90"))
    # How far ahead the planner looks for a course's first session.
    PLAN_SEARCH_DAYS = int(_env("PLAN_SEARCH_DAYS", "90"))
    LOG_LEVEL = _env("LOG_LEVEL", "INFO")

    API_TITLE = "Clinic scheduling and reminders"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/"
    OPENAPI_JSON_PATH = "openapi.json"
    API_SPEC_OPTIONS = {
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}
        },
    }
    # hide_parameters: a query's values (phones, names, message texts) stay out of exception
    # messages, which tracebacks carry into the log, and out of SQL logging if an operator turns
    # it on (the "sqlalchemy" logger is quiet by default).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    # No request of ours comes near this (a Twilio webhook is a few kB, a course a few hundred
    # bytes); without a cap, anyone could make a web process hold a gigabyte of form in memory
    # before a signature or a token is even looked at. Larger requests get 413.
    MAX_CONTENT_LENGTH = int(_env("MAX_REQUEST_BYTES", str(1024 * 1024)))
    # Twilio's webhooks, tighter still (see notifications.api.webhooks): 32 KiB.
    TWILIO_WEBHOOK_MAX_BYTES = int(_env("TWILIO_WEBHOOK_MAX_BYTES", str(32 * 1024)))

    # The staff web pages: a signed session cookie that holds a sign-in token (revoked on
    # sign-out, expiring with TOKEN_TTL_HOURS), sent only over HTTPS when the service is.
    SESSION_COOKIE_NAME = "clinic_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = PUBLIC_BASE_URL.startswith("https://")
    WTF_CSRF_CHECK_DEFAULT = False  # the web blueprints call csrf.protect() themselves
    WTF_CSRF_TIME_LIMIT = None  # a form's token lives as long as the sign-in does
    JSON_SORT_KEYS = False


class DevelopmentConfig(Config):
    SECRET_KEY = Config.SECRET_KEY or _development_secret()


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-not-for-production"
    SMS_BACKEND = "console"
    EMAIL_BACKEND = "console"
    LOG_LEVEL = "DEBUG"
    # Real Argon2id at its cheapest: the production cost on every sign-in of the suite would
    # spend minutes and prove nothing more (tests/api/test_password_hashing.py checks that the
    # other settings keep the production cost).
    PASSWORD_HASHING = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


class ProductionConfig(Config):
    @classmethod
    def check(cls) -> None:
        if not cls.SECRET_KEY:
            raise RuntimeError("SECRET_KEY must be set in production")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_environment() -> type[Config]:
    """APP_ENV picks the settings class; development is the default."""
    name = _env("APP_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    return CONFIGS[name]
