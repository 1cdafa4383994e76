"""Extensions, created here and bound to an app in create_app()."""
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic migrations can refer to them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = Api()
# Checked only by the staff web pages (see scheduler.web): the API uses bearer tokens, the
# webhooks Twilio's signature, and neither reads the session cookie.
csrf = CSRFProtect()


def serialize_sqlite_writes(engine: Engine) -> None:
    """Make every SQLite transaction BEGIN IMMEDIATE.

    SQLite has no row locks: two deferred transactions that both read, then write, either
    deadlock or let a check-then-insert race through. Taking the write lock at BEGIN serializes
    them, so the overlap trigger always sees the other booking. (PostgreSQL needs none of this:
    its exclusion constraint decides.) The recipe is SQLAlchemy's own for pysqlite.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let the "begin" hook below emit BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def utc_sessions_on_postgresql(engine: Engine) -> None:
    """Give every PostgreSQL connection the time zone UTC.

    psycopg hands timestamptz values back in the session's zone; in UTC they arrive as
    datetime.timezone.utc, which UTCDateTime passes through as they are, instead of converting
    each one from the server's default zone (Etc/UTC here, anything on a managed server). Reading
    a calendar's thousands of holds is then about a quarter faster. No query depends on the
    session's zone: every instant is compared as an instant.
    """
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()
