"""How long do planning a course and listing a week's free slots take in a busy clinic?

    cd /work/main && .venv/bin/python -m bench.plan_course [--db postgresql|sqlite] [--repeat 100]
        [--json] [--profile] [--seed N]

Builds a throwaway database (PostgreSQL: CREATE DATABASE bench_<random>, dropped at the end;
SQLite: a temporary file), migrates it with the app's own Alembic migrations, seeds a 20-chair
clinic with about 50,000 appointments (15 months behind the clock, a year ahead) in bulk, then
times `scheduler.services.booking.plan()` for a 6-session induction and a 12-session maintenance
course, the range query `load_calendar` runs, and a week's free slots (`booking.availability`
and `GET /api/v1/availability`). See bench/README.md for what each figure means.
"""
from __future__ import annotations

import argparse
import cProfile
import heapq
import io
import json
import logging
import math
import os
import platform
import pstats
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from time import perf_counter, process_time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestingConfig
from scheduler import create_app
from scheduler.extensions import db
from scheduler.models import Appointment, Chair, Clinic, Clinician, Course, Patient, Shift, TreatmentType
from scheduler.services import booking
from scheduler.services import calendar as calendar_service
from scheduler.services.booking import CourseRequest
from tests.factories import staff_token

ADMIN_POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")

UTC = timezone.utc
TZ_NAME = "America/New_York"
TZ = ZoneInfo(TZ_NAME)
# Wednesday 1 July 2026, 10:00 in New York: 15 months of bookings behind it, a year ahead.
NOW = datetime(2026, 7, 1, 14, 0, tzinfo=UTC)
TODAY = NOW.astimezone(TZ).date()
FIRST_DAY, LAST_DAY = date(2025, 4, 1), date(2027, 6, 30)

CHAIRS = 20
MAINTENANCE_PATIENTS, INDUCTION_PATIENTS = 2000, 1000
PATIENTS = MAINTENANCE_PATIENTS + INDUCTION_PATIENTS
DURATION = timedelta(minutes=120)
BUFFER = timedelta(minutes=15)
HOLD = DURATION + BUFFER
STEP = timedelta(minutes=15)
# Monday to Friday 07:00-19:00 and Saturday 08:00-14:00: five sessions a chair on a weekday,
# two on a Saturday. Sunday closed.
HOURS = {**{weekday: (time(7), time(19)) for weekday in range(5)}, 5: (time(8), time(14))}
OPENING_HOURS = {**{d: [["07:00", "19:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
                 "sat": [["08:00", "14:00"]]}
INDUCTION_SESSIONS = 6
MAINTENANCE_SESSIONS = 12
WARMUP = 3
# The staffing the seeded treatment needs, and who is on the rota for it: role -> (patients one
# person covers, people). Every one of them is on shift for the whole of every opening day, so
# the 20 chairs are covered all day (nurses exactly: 10 nurses, two patients each).
ROTA = {"prescriber": (6, 4), "nurse": (2, 10), "technician": (4, 5), "monitor": (5, 4)}
STAFFED, UNSTAFFED = 1, 2  # treatment type ids: the seeded one needs staff; its twin names none


# ---------------------------------------------------------------------------------------------
# The data: a year of a busy clinic
# ---------------------------------------------------------------------------------------------

def fill_target(days_ahead: int) -> float:
    """Share of the chair positions of a day that hold a session (before cancellations)."""
    if days_ahead < 0:
        return 0.96
    if days_ahead <= 7:
        return 0.95
    if days_ahead <= 14:
        return 0.90
    if days_ahead <= 21:
        return 0.85
    if days_ahead <= 42:
        return 0.80
    if days_ahead <= 91:
        return 0.72
    if days_ahead <= 183:
        return 0.68 - 0.13 * (days_ahead - 91) / 92  # maintenance courses booked far out
    # 12-session maintenance courses reach 11 months ahead, thinning out towards a year.
    return max(0.05, 0.55 - 0.45 * (days_ahead - 183) / 150)


def cancel_rate(days_ahead: int) -> float:
    return 0.075 if days_ahead < 0 else 0.03


def local_instant(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=TZ).astimezone(UTC)


def chair_day_starts(rng: random.Random, day: date) -> list[datetime]:
    """The session starts one chair would have on a full day, on the 15-minute grid.

    A weekday (07:00-19:00) fits five 120 + 15 minute holds with 60 minutes to spare (the last
    turnover may run past closing), a Saturday (08:00-14:00) two with 105. Most chairs run the
    standard back-to-back rows (07:00 / 09:15 / 11:30 / 13:45 / 16:00); the others have the
    spare quarter hours spread between sessions (late arrivals, longer turnovers), which
    fragments what is left free.
    """
    if day.weekday() not in HOURS:
        return []
    opens, closes = (local_instant(day, at) for at in HOURS[day.weekday()])
    sessions = (closes - opens - DURATION) // HOLD + 1
    spare = (closes - opens - DURATION - (sessions - 1) * HOLD) // STEP
    gaps = [0] * (sessions + 1)  # before each session, and after the last
    if rng.random() < 0.4:
        for _ in range(spare):
            gaps[rng.randrange(sessions + 1)] += 1
    starts, at = [], opens
    for gap in gaps[:sessions]:
        at += STEP * gap
        starts.append(at)
        at += HOLD
    return starts


@dataclass
class PatientState:
    id: int
    kind: str  # the course the patient is in: induction or maintenance
    done: int = 0  # sessions of the current course
    course_id: int | None = None


@dataclass
class Seed:
    clinic: dict
    chairs: list[dict]
    treatment: dict
    patients: list[dict]
    clinicians: list[dict]
    shifts: list[dict]
    courses: list[dict]
    appointments: list[dict]
    induction_patients: list[int] = field(default_factory=list)
    maintenance_patients: list[int] = field(default_factory=list)
    capacity_next_3_weeks: int = 0
    holding_next_3_weeks: int = 0


def build_seed(rng: random.Random, bench_patients: int) -> Seed:
    created = datetime(2025, 9, 1, 13, 0, tzinfo=UTC)
    clinic = dict(id=1, name="Bench Ketamine Clinic", phone="+16175550100", timezone=TZ_NAME,
                  opening_hours=OPENING_HOURS, slot_step_minutes=15,
                  quiet_hours={"start": "21:00", "end": "08:00"}, reminder_rules=[],
                  checkin_rules=[], alert_score_at_or_below=3, escalation_minutes=60)
    chairs = [dict(id=i, name=f"Chair {i}", active=True) for i in range(1, CHAIRS + 1)]
    treatment = dict(id=STAFFED, name="IV infusion", duration_minutes=120, buffer_minutes=15,
                     preparation="Nothing to eat for 4 hours; arrange a ride home.", active=True,
                     staffing=[{"role": role, "patients_per_staff": per} for role, (per, _) in ROTA.items()])
    clinicians, shifts = rota()

    total_patients = PATIENTS + 2 * bench_patients
    patients = [dict(id=i, first_name=f"First{i}", last_name=f"Last{i:05d}",
                     phone=f"+1617555{i:04d}" if i < 10000 else None,
                     email=f"patient{i}@example.com", timezone=TZ_NAME, sms_opt_in=True,
                     email_opt_in=True, sms_opted_out=False, created_at=created, updated_at=created)
                for i in range(1, total_patients + 1)]

    # Who comes when: a queue ordered by the day each patient is next due. 2,000 patients are
    # in maintenance (every 3-5 weeks), 1,000 start an induction course (6 sessions, 1-4 days
    # apart) at some point in the two years, then go on to maintenance.
    states = {}
    due: list[tuple[date, float, int]] = []
    for pid in range(1, PATIENTS + 1):
        if pid <= MAINTENANCE_PATIENTS:
            states[pid] = PatientState(pid, "maintenance")
            first_due = FIRST_DAY + timedelta(days=rng.randrange(28))
        else:
            states[pid] = PatientState(pid, "induction")
            first_due = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days - 14))
        heapq.heappush(due, (first_due, rng.random(), pid))

    courses: list[dict] = []
    appointments: list[dict] = []
    capacity = holding = 0

    def course_for(state: PatientState, at: datetime) -> int:
        limit = INDUCTION_SESSIONS if state.kind == "induction" else MAINTENANCE_SESSIONS
        if state.course_id is None or state.done >= limit:
            if state.course_id is not None and state.kind == "induction":
                state.kind = "maintenance"
            state.done = 0
            courses.append(dict(id=len(courses) + 1, patient_id=state.id, treatment_type_id=1,
                                kind=state.kind, status="active",
                                created_at=min(at - timedelta(days=14), NOW)))
            state.course_id = len(courses)
        return state.course_id

    day = FIRST_DAY
    while day <= LAST_DAY:
        days_ahead = (day - TODAY).days
        positions = [(start, chair) for chair in range(1, CHAIRS + 1)
                     for start in chair_day_starts(rng, day)]
        positions.sort()
        booked_today: list[tuple[date, float, int]] = []

        def next_patient() -> int | None:
            # Anyone due within two weeks may be booked today; nobody is booked twice a day.
            if not due or due[0][0] > day + timedelta(days=14):
                return None
            entry = heapq.heappop(due)
            booked_today.append(entry)
            return entry[2]

        rebook_after: dict[int, date] = {}
        fill = fill_target(days_ahead) * (0.8 if day.weekday() == 5 else 1.0)
        for start, chair in positions:
            end = start + DURATION
            ahead = start > NOW and days_ahead <= 20
            capacity += ahead
            if rng.random() < cancel_rate(days_ahead) and (pid := next_patient()):
                state = states[pid]
                made = min(start - timedelta(days=rng.randint(3, 40)), NOW - timedelta(hours=1))
                cancelled_at = min(made + (start - made) * rng.random(), NOW)
                appointments.append(_appointment(
                    pid, course_for(state, start), state.done + 1, chair, start, end, "cancelled",
                    made, cancelled_at, rng.choice(("patient unwell", "transport", "work",
                                                    "rescheduled by phone", None))))
                rebook_after[pid] = day + timedelta(days=rng.randint(1, 7))
            if rng.random() >= fill or not (pid := next_patient()):
                continue
            state = states[pid]
            status = _status(rng, start, end, days_ahead)
            made = min(start - timedelta(days=rng.randint(1, 60)), NOW - timedelta(hours=2))
            updated = min(end, NOW) if status in ("completed", "no_show", "checked_in") else made
            appointments.append(_appointment(pid, course_for(state, start), state.done + 1, chair,
                                             start, end, status, made, updated, None))
            holding += ahead
            if status == "no_show":
                rebook_after[pid] = day + timedelta(days=rng.randint(1, 5))
                continue
            state.done += 1
            if state.kind == "induction":
                rebook_after[pid] = day + timedelta(days=rng.choice((1, 2, 2, 3, 3, 4)))
                if state.done == INDUCTION_SESSIONS:
                    rebook_after[pid] = day + timedelta(days=rng.randint(14, 35))
            else:
                pause = rng.random() < 0.04  # a break: travel, feeling well, insurance
                rebook_after[pid] = day + timedelta(days=rng.randint(60, 120) if pause
                                                    else rng.randint(18, 32))
        for entry in booked_today:
            _, tie, pid = entry
            heapq.heappush(due, (rebook_after.get(pid, day + timedelta(days=1)), tie, pid))
        day += timedelta(days=1)

    # Rows reach the table in the order they were booked, not in session order, so the table's
    # physical order is only loosely correlated with start_at (as in production).
    appointments.sort(key=lambda a: a["created_at"])
    first_bench = PATIENTS + 1
    return Seed(clinic, chairs, treatment, patients, clinicians, shifts, courses, appointments,
                induction_patients=list(range(first_bench, first_bench + bench_patients)),
                maintenance_patients=list(range(first_bench + bench_patients,
                                                first_bench + 2 * bench_patients)),
                capacity_next_3_weeks=capacity, holding_next_3_weeks=holding)


def _status(rng: random.Random, start: datetime, end: datetime, days_ahead: int) -> str:
    if end <= NOW:
        return "no_show" if rng.random() < 0.035 else "completed"
    if start <= NOW:
        return "checked_in"
    if days_ahead <= 2:
        return "confirmed" if rng.random() < 0.75 else "scheduled"
    if days_ahead <= 7:
        return "confirmed" if rng.random() < 0.3 else "scheduled"
    return "scheduled"


def _appointment(patient_id, course_id, number, chair_id, start, end, status, created, updated,
                 reason) -> dict:
    return dict(patient_id=patient_id, course_id=course_id, session_number=number,
                treatment_type_id=1, chair_id=chair_id, start_at=start, end_at=end,
                held_until=end + BUFFER, local_date=start.astimezone(TZ).date(), status=status,
                cancel_reason=reason, created_at=created, updated_at=updated)


def rota() -> tuple[list[dict], list[dict]]:
    """The clinicians of ROTA, each on shift for every opening day of the seeded two years."""
    people = [(role, n) for role, (_, count) in ROTA.items() for n in range(count)]
    clinicians = [dict(id=i, name=f"{role} {n}", role=role, active=True) for i, (role, n) in enumerate(people, 1)]
    shifts = []
    day = FIRST_DAY
    while day <= LAST_DAY:
        if day.weekday() in HOURS:
            opens, closes = HOURS[day.weekday()]
            shifts += [dict(clinician_id=c["id"], start_at=local_instant(day, opens),
                            end_at=local_instant(day, closes)) for c in clinicians]
        day += timedelta(days=1)
    return clinicians, shifts


def insert_seed(seed: Seed) -> None:
    """Bulk insert (Core executemany) in one transaction, then bring the sequences up."""
    with db.engine.begin() as conn:
        conn.execute(Clinic.__table__.insert(), [seed.clinic])
        conn.execute(Chair.__table__.insert(), seed.chairs)
        conn.execute(TreatmentType.__table__.insert(), [seed.treatment, {
            **seed.treatment, "id": UNSTAFFED, "name": "IV infusion, no staff named", "staffing": []}])
        conn.execute(Clinician.__table__.insert(), seed.clinicians)
        for i in range(0, len(seed.shifts), 5000):
            conn.execute(Shift.__table__.insert(), seed.shifts[i:i + 5000])
        conn.execute(Patient.__table__.insert(), seed.patients)
        conn.execute(Course.__table__.insert(), seed.courses)
        for i in range(0, len(seed.appointments), 5000):
            conn.execute(Appointment.__table__.insert(), seed.appointments[i:i + 5000])
        if conn.dialect.name == "postgresql":
            for table in ("clinic", "chair", "treatment_type", "patient", "course"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))")
    if db.engine.dialect.name == "postgresql":
        # What autovacuum would have done by the time a year of bookings is in the table.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


# ---------------------------------------------------------------------------------------------
# Databases
# ---------------------------------------------------------------------------------------------

def migrate_quietly() -> None:
    """The app's migrations (inside an app context), without Alembic's INFO lines in the output."""
    logging.disable(logging.INFO)
    try:
        upgrade()
    finally:
        logging.disable(logging.NOTSET)


class ThrowawayDatabase:
    def __init__(self, kind: str):
        self.kind = kind
        self.name = None
        self.tmpdir = None
        self.admin = None

    def __enter__(self) -> str:
        if self.kind == "sqlite":
            self.tmpdir = tempfile.mkdtemp(prefix="bench_")
            return f"sqlite:///{os.path.join(self.tmpdir, 'bench.sqlite3')}"
        self.name = f"bench_{uuid.uuid4().hex[:12]}"
        self.admin = sa.create_engine(ADMIN_POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        return self.admin.url.set(database=self.name).render_as_string(hide_password=False)

    def __exit__(self, *exc) -> None:
        if self.tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        if self.admin is not None:
            with self.admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self.admin.dispose()


def server_version() -> str:
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            return "PostgreSQL " + conn.exec_driver_sql("SHOW server_version").scalar()
    return f"SQLite {sqlite3.sqlite_version} (Python sqlite3)"


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------

def summary(seconds: list[float]) -> dict:
    ms = sorted(s * 1000 for s in seconds)
    p95, p99 = (ms[math.ceil(q * len(ms)) - 1] for q in (0.95, 0.99))  # nearest rank
    return {"runs": len(ms), "median_ms": round(statistics.median(ms), 2),
            "p95_ms": round(p95, 2), "p99_ms": round(p99, 2), "min_ms": round(ms[0], 2),
            "max_ms": round(ms[-1], 2)}


class HoldsQueryCatcher:
    """Records the SQL and parameters of load_calendar's holds query as the driver gets them."""

    def __init__(self, engine):
        self.engine = engine
        self.caught: list[tuple[str, object]] = []

    def _listen(self, conn, cursor, statement, parameters, context, executemany):
        if "held_until" in statement and statement.lstrip().upper().startswith("SELECT") \
                and "appointment.chair_id" in statement:
            self.caught.append((statement, parameters))

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._listen)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._listen)


def time_plans(app, kind: str, sessions: int, patients: list[int], repeat: int,
               profiler: cProfile.Profile | None,
               treatment_id: int = STAFFED) -> tuple[list[float], list[float], float, list[dict], tuple]:
    """plan() for each patient in its own request context; the first WARMUP runs are not kept."""
    seconds, cpu, plans, cold = [], [], [], None
    with HoldsQueryCatcher(db_engine(app)) as catcher:
        for i, patient_id in enumerate(patients[:WARMUP + repeat]):
            request = CourseRequest(patient_id, treatment_id, kind, sessions,
                                    start_on=TODAY + timedelta(days=i % 5))
            with app.test_request_context():
                if profiler and i >= WARMUP:
                    profiler.enable()
                began, began_cpu = perf_counter(), process_time()
                slots = booking.plan(request)
                took, took_cpu = perf_counter() - began, process_time() - began_cpu
                if profiler and i >= WARMUP:
                    profiler.disable()
            if i >= WARMUP:
                seconds.append(took)
                cpu.append(took_cpu)
            elif i == 0:
                cold = took
            plans.append({"start_on": request.start_on.isoformat(),
                          "first": slots[0].start.astimezone(TZ).isoformat(),
                          "last": slots[-1].start.astimezone(TZ).isoformat(),
                          "chairs": sorted({s.chair_id for s in slots})})
            if i == 0:
                caught = catcher.caught[-1]
    return seconds, cpu, cold, plans, caught


def time_staffing_against_none(app, seed: Seed, repeat: int) -> dict:
    """The induction plan with staffing on and off, in alternating blocks of ten, so the machine's
    load falls on both alike: the ratio is the figure, not the milliseconds."""
    staffed, unstaffed = [], []
    for block in range(0, repeat, 10):
        patients = seed.induction_patients[block:block + 10 + WARMUP]
        for treatment_id, into in ((STAFFED, staffed), (UNSTAFFED, unstaffed)):
            into += time_plans(app, "induction", INDUCTION_SESSIONS, patients, min(10, repeat - block), None,
                               treatment_id)[0]
    ratio = statistics.median(staffed) / statistics.median(unstaffed)
    return {"staffed": summary(staffed), "unstaffed": summary(unstaffed), "ratio_of_medians": round(ratio, 2)}


def week_from(i: int) -> tuple[datetime, datetime]:
    """The week the i-th free-slots run asks for: from midnight today ... today + 4 days."""
    start = local_instant(TODAY + timedelta(days=i % 5), time(0))
    return start, start + timedelta(days=7)


def time_in_requests(app, repeat: int, call) -> tuple[list[float], list[float], list]:
    """call(i) in its own request context, WARMUP + repeat times; the timed runs' wall and CPU
    seconds, and every run's answer."""
    seconds, cpu, answers = [], [], []
    for i in range(WARMUP + repeat):
        with app.test_request_context():
            began, began_cpu = perf_counter(), process_time()
            answers.append(call(i))
            took, took_cpu = perf_counter() - began, process_time() - began_cpu
            db.session.rollback()
        if i >= WARMUP:
            seconds.append(took)
            cpu.append(took_cpu)
    return seconds, cpu, answers


def time_free_week(app, repeat: int) -> dict:
    """A week's free slots, two ways: the service (`booking.availability`), and the whole
    `GET /api/v1/availability` in-process (bearer token check, query parsing, JSON)."""
    def service(i):
        return len(booking.availability(1, *week_from(i)))

    client = app.test_client()
    headers = {"Authorization": f"Bearer {staff_token(app, 'front_desk')}"}

    def http(i):
        start, end = week_from(i)
        answer = client.get("/api/v1/availability", headers=headers, query_string={
            "treatment_type_id": 1, "start": start.isoformat(), "end": end.isoformat()})
        assert answer.status_code == 200, answer.json
        return len(answer.json)

    figures = {}
    for name, call in (("service", service), ("http", http)):
        seconds, cpu, counts = time_in_requests(app, repeat, call)
        figures[name] = {**summary(seconds), "python_cpu_median_ms": summary(cpu)["median_ms"],
                         "free_slots_min": min(counts), "free_slots_max": max(counts)}
    return figures


def sanity_booking(app, patient_id: int) -> str:
    """Book what plan() proposes, so the database (exclusion constraint or trigger, unique
    patient-day index) confirms the planner read the seeded calendar right."""
    request = CourseRequest(patient_id, 1, "induction", INDUCTION_SESSIONS, start_on=TODAY)
    with app.test_request_context():
        planned = [(s.start, s.chair_id) for s in booking.plan(request)]
        course = booking.book_course(request)
        booked = [(a.start_at, a.chair_id) for a in course.appointments]
    if planned != booked:
        raise AssertionError(f"plan {planned} but book_course booked {booked}")
    return (f"book_course accepted the planned {len(booked)}-session induction"
            f" ({booked[0][0].astimezone(TZ):%Y-%m-%d %H:%M} .. {booked[-1][0].astimezone(TZ):%Y-%m-%d %H:%M})")


def db_engine(app):
    with app.app_context():
        return db.engine


def time_raw_query(app, statement: str, parameters, repeat: int) -> tuple[list[float], int]:
    """The holds query as the app sent it, straight through the DB-API: execute + fetchall."""
    with app.app_context():
        raw = db.engine.raw_connection()
    try:
        seconds, rows = [], 0
        for i in range(WARMUP + repeat):
            cursor = raw.cursor()
            began = perf_counter()
            cursor.execute(statement, parameters)
            rows = len(cursor.fetchall())
            took = perf_counter() - began
            cursor.close()
            if i >= WARMUP:
                seconds.append(took)
        raw.rollback()
        return seconds, rows
    finally:
        raw.close()


def time_holds_function(app, start: datetime, end: datetime, repeat: int) -> list[float]:
    """calendar._holds_by_chair(): the same query through SQLAlchemy, rows turned into aware
    datetimes and grouped by chair, as load_calendar gets them."""
    seconds = []
    with app.app_context():
        chair_ids = list(range(1, CHAIRS + 1))
        for i in range(WARMUP + repeat):
            began = perf_counter()
            calendar_service._holds_by_chair(chair_ids, start, end, None)
            took = perf_counter() - began
            db.session.rollback()
            if i >= WARMUP:
                seconds.append(took)
    return seconds


def explain(app, statement: str, parameters) -> list[str]:
    with app.app_context():
        raw = db.engine.raw_connection()
        dialect = db.engine.dialect.name
    try:
        cursor = raw.cursor()
        if dialect == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            lines = [row[0] for row in cursor.fetchall()]
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            lines = [row[-1] for row in cursor.fetchall()]
        raw.rollback()
        return lines
    finally:
        raw.close()


def plan_window(app, kind: str, sessions: int) -> tuple[datetime, datetime]:
    """The range _plan_or_fit hands load_calendar when start_on is today (see booking.py)."""
    not_before = max(NOW, local_instant(TODAY, time(0)))
    # The first look (booking.FIRST_LOOK), which finds a course in this clinic's calendar.
    search_until = not_before + min(booking.FIRST_LOOK, timedelta(days=app.config["PLAN_SEARCH_DAYS"]))
    length = timedelta(days=21) if kind == "induction" else timedelta(days=28 * (sessions - 1))
    return not_before, search_until + length + timedelta(days=1)


def machine() -> dict:
    import psycopg
    return {"processor": platform.processor() or "(empty)", "machine": platform.machine(),
            "platform": platform.platform(), "cpu_count": os.cpu_count(),
            "python": sys.version.split()[0], "sqlalchemy": sa.__version__,
            "psycopg": psycopg.__version__}


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def run(kind: str, repeat: int, seed_value: int, profile: bool, say) -> dict:
    result: dict = {"database": kind, "machine": machine(), "repeat": repeat, "warmup": WARMUP,
                    "clock": NOW.isoformat()}
    say(f"machine: processor={result['machine']['processor']} machine={result['machine']['machine']}"
        f" cpus={result['machine']['cpu_count']} python={result['machine']['python']}"
        f" sqlalchemy={result['machine']['sqlalchemy']} ({result['machine']['platform']})")
    if profile:
        say("note: --profile is on, so the plan() timings below include cProfile's overhead")
    rng = random.Random(seed_value)
    began = perf_counter()
    seed = build_seed(rng, WARMUP + repeat + 1)  # the last one of each kind books (sanity check)
    built = perf_counter() - began

    with ThrowawayDatabase(kind) as url:
        app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, CLOCK=lambda: NOW,
                         LOG_LEVEL="WARNING")
        try:
            with app.app_context():
                migrate_quietly()
                result["server"] = server_version()
                say(f"database: {result['server']} ({'throwaway database ' + url.rsplit('/', 1)[-1] if kind == 'postgresql' else 'temporary file'})")
                began = perf_counter()
                insert_seed(seed)
                inserted = perf_counter() - began
                appointments = db.session.scalar(sa.select(sa.func.count()).select_from(Appointment))
                by_status = dict(db.session.execute(
                    sa.select(Appointment.status, sa.func.count()).group_by(Appointment.status)
                    .order_by(Appointment.status)).all())
                db.session.rollback()
            result["seed"] = {
                "appointments": appointments, "by_status": by_status,
                "patients_with_bookings": len({a["patient_id"] for a in seed.appointments}),
                "patients_total": len(seed.patients), "courses": len(seed.courses),
                "chairs": CHAIRS, "first_day": FIRST_DAY.isoformat(), "last_day": LAST_DAY.isoformat(),
                "next_3_weeks_full_pct": round(100 * seed.holding_next_3_weeks / seed.capacity_next_3_weeks, 1),
                "build_s": round(built, 2), "insert_s": round(inserted, 2)}
            s = result["seed"]
            say(f"clinic: {TZ_NAME}, Mon-Fri 07:00-19:00, Sat 08:00-14:00, {CHAIRS} chairs, "
                f"treatment 120 min + 15 min buffer, clock {NOW.astimezone(TZ):%a %Y-%m-%d %H:%M %Z}")
            say(f"seeded: {appointments} appointments ({', '.join(f'{k} {v}' for k, v in by_status.items())})"
                f" over {s['first_day']}..{s['last_day']}, {s['patients_with_bookings']} patients with"
                f" bookings ({s['patients_total']} in all), {s['courses']} courses;"
                f" next 3 weeks {s['next_3_weeks_full_pct']}% of chair positions held"
                f" (built {s['build_s']} s, inserted {s['insert_s']} s)")

            result["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
            say(f"load average before timing (1/5/15 min): {result['load_average_before']}")
            profiler = cProfile.Profile() if profile else None
            for label, course_kind, sessions, patients in (
                    ("induction", "induction", INDUCTION_SESSIONS, seed.induction_patients),
                    ("maintenance", "maintenance", MAINTENANCE_SESSIONS, seed.maintenance_patients)):
                seconds, cpu, cold, plans, (statement, parameters) = time_plans(
                    app, course_kind, sessions, patients, repeat, profiler)
                start, end = plan_window(app, course_kind, sessions)
                raw_seconds, rows = time_raw_query(app, statement, parameters, repeat)
                orm_seconds = time_holds_function(app, start, end, repeat)
                plan_lines = explain(app, statement, parameters)
                entry = {
                    "plan": {**summary(seconds), "first_cold_run_ms": round(cold * 1000, 2),
                             "python_cpu_median_ms": summary(cpu)["median_ms"]},
                    "sessions": sessions,
                    "calendar_range": [start.isoformat(), end.isoformat()],
                    "holds_loaded": rows,
                    "holds_query_dbapi": summary(raw_seconds),
                    "holds_query_sqlalchemy": summary(orm_seconds),
                    "explain": plan_lines, "sample_plans": plans[WARMUP:WARMUP + 3],
                }
                result[label] = entry
                p = entry["plan"]
                say(f"plan {label} ({sessions} sessions), {p['runs']} runs after {WARMUP} warm-up:"
                    f" median {p['median_ms']} ms, p95 {p['p95_ms']} ms, p99 {p['p99_ms']} ms,"
                    f" min {p['min_ms']} ms,"
                    f" max {p['max_ms']} ms (first, cold run {p['first_cold_run_ms']} ms;"
                    f" CPU of this Python process, median {p['python_cpu_median_ms']} ms)"
                    f"   [appointments in table: {appointments}]")
                sample = entry["sample_plans"][0]
                say(f"  e.g. start_on {sample['start_on']}: first {sample['first']}, last {sample['last']}")
                say(f"  load_calendar range {start:%Y-%m-%d}..{end:%Y-%m-%d} (UTC): {rows} holds loaded")
                r, o = entry["holds_query_dbapi"], entry["holds_query_sqlalchemy"]
                say(f"  holds range query, DB-API execute+fetchall: median {r['median_ms']} ms,"
                    f" p95 {r['p95_ms']} ms, p99 {r['p99_ms']} ms, min {r['min_ms']} ms")
                say(f"  holds range query via _holds_by_chair (SQLAlchemy, typed rows):"
                    f" median {o['median_ms']} ms, p95 {o['p95_ms']} ms, p99 {o['p99_ms']} ms,"
                    f" min {o['min_ms']} ms")
                say(f"  {'EXPLAIN (ANALYZE, BUFFERS)' if kind == 'postgresql' else 'EXPLAIN QUERY PLAN'}:")
                for line in plan_lines:
                    say(f"    {line}")
            result["staffing"] = time_staffing_against_none(app, seed, repeat)
            st = result["staffing"]
            say(f"staffing: {len(seed.clinicians)} clinicians in {len(ROTA)} roles, {len(seed.shifts)} shifts;"
                f" plan induction needing all four roles: median {st['staffed']['median_ms']} ms, the same"
                f" plan for its twin needing none: median {st['unstaffed']['median_ms']} ms, ratio"
                f" {st['ratio_of_medians']} (timed alternately, same patients, same run)")
            result["free_week"] = time_free_week(app, repeat)
            for name, label in (("service", "booking.availability(), 7 days"),
                                ("http", "GET /api/v1/availability, 7 days, in-process client")):
                w = result["free_week"][name]
                say(f"free slots, {label}: median {w['median_ms']} ms, p95 {w['p95_ms']} ms,"
                    f" p99 {w['p99_ms']} ms, min {w['min_ms']} ms (CPU median"
                    f" {w['python_cpu_median_ms']} ms; {w['free_slots_min']}-{w['free_slots_max']}"
                    f" free slots a week)")
            result["sanity"] = sanity_booking(app, seed.induction_patients[-1])
            say(f"sanity: {result['sanity']}")
            result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
            say(f"load average after timing (1/5/15 min): {result['load_average_after']}")
            if profiler:
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(30)
                result["profile"] = out.getvalue()
                say("cProfile of the timed plan() runs (both kinds), by cumulative time:")
                for line in out.getvalue().splitlines():
                    say(f"  {line}")
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.plan_course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--repeat", type=int, default=100,
                        help="timed runs per figure (default 100, so p99 is not just the maximum)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed of the data")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the timed plan() runs and print the top functions")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    say = (lambda line: print(line, file=sys.stderr)) if args.json else print
    result = run(args.db, args.repeat, args.seed, args.profile, say)
    if args.json:
        print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
