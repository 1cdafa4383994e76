"""Benchmark 5: our outbox against the obvious design, one APScheduler job per reminder.

    .venv/bin/python -m bench.apscheduler_baseline [--reminders 100000] [--baseline-threads 10]
        [--tracemalloc]

PostgreSQL only. Each design gets its own throwaway database, seeded the same way (one clinic
whose rule is one SMS reminder a day before, N patients, a chair for every three sessions), and
goes through two phases, each in a fresh Python process so that its time and memory are its own:

1. schedule: N single-session bookings, one transaction each, the appointment row written as
   booking writes it (not all of book_appointment: its calendar load is the same in both designs
   and would only dilute the difference). Ours writes the session's reminder row in the booking's
   transaction (the reminder loop of notifications/services/outbox.py `sessions_booked`); the time spent
   on the reminders is timed apart. The baseline commits the booking, then calls
   `scheduler.add_job(send_reminder, "date", run_date=..., args=[...])` into APScheduler's
   SQLAlchemyJobStore in the same database.
2. dispatch: all N reminders are due. Ours: `notifications.worker.run_once` until nothing is
   left, as `flask worker` does. The baseline: a BackgroundScheduler on that job store runs the
   jobs; each job makes the same send-time decision and text as ours and sends it.
Both send through twilio-python to the Twilio stand-in (tests/notifications/standins.py), which
runs in this parent process and counts what each design sent: every reminder exactly once.
See bench/README-baseline.md for what the figures mean.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import threading
import tracemalloc
import uuid
from concurrent import futures
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from time import perf_counter, process_time, thread_time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, current_app

from config import TestingConfig
from notifications.engine import rules
from notifications.services import dispatch, outbox
from notifications.models import Notification
from notifications.channels.configured import channels_from_config
from notifications.worker import run_once, sends_at_once
from scheduler import clock, create_app
from scheduler.extensions import db
from scheduler.models import Appointment, Chair, Clinic, Patient, TreatmentType
from tests.factories import api_as, set_up_clinic
from tests.notifications.standins import TwilioStandIn

from .fault_cluster import PrivatePostgres
from .plan_course import ThrowawayDatabase, machine, migrate_quietly

ROOT = Path(__file__).resolve().parent.parent
UTC = timezone.utc
TZ = ZoneInfo("America/New_York")
# Fixed clocks, in the past of any machine that runs this: APScheduler fires a job by the real
# clock, so its reminders must be due in real time too, while the app reads these fixed clocks.
NOW = datetime(2025, 6, 2, 19, 0, tzinfo=UTC)  # Monday 15:00 in New York: the reminders go out
BOOKED_AT = NOW - timedelta(days=7)  # the sessions were booked a week ahead
# Tuesday's sessions at 10:15, 12:30 and 14:45 in New York, three to a chair: their reminders
# fell due from 4 h 45 min to 15 min before NOW, all still useful (a day-before reminder may go
# out up to 6 hours late), and no clock here is in anyone's quiet hours.
FIRST_START = datetime(2025, 6, 3, 14, 15, tzinfo=UTC)
DURATION, HOLD = timedelta(minutes=120), timedelta(minutes=135)
SESSIONS_PER_CHAIR = 3
REMINDER_RULES = [{"offset_minutes": 1440, "channels": ["sms"]}]
JOB_REFERENCE = "bench.apscheduler_baseline:send_reminder"  # how the job store finds the job
STALL_SECONDS = 600  # the baseline's dispatch gives up when no job has finished for this long
DESIGNS = ("outbox", "apscheduler")

SEED = """
INSERT INTO chair (name, active) SELECT 'Chair ' || g, true FROM generate_series(2, :chairs) AS g;
INSERT INTO patient (first_name, last_name, phone, email, timezone, sms_opt_in, email_opt_in,
                     sms_opted_out, created_at, updated_at)
SELECT 'Pat', 'Patient' || g, '+1617' || (2000000 + g), 'patient' || g || '@example.com',
       'America/New_York', true, true, false, :at, :at
FROM generate_series(1, :patients) AS g;
"""


# ---------------------------------------------------------------------------------------------
# The clinic (parent process, not timed)
# ---------------------------------------------------------------------------------------------

def bench_app(url: str, clock_at: datetime, twilio_url: str | None = None) -> Flask:
    settings = dict(SQLALCHEMY_DATABASE_URI=url, CLOCK=lambda: clock_at, LOG_LEVEL="WARNING",
                    TOKEN_TTL_HOURS=24)
    if twilio_url:
        settings.update(SMS_BACKEND="twilio", TWILIO_API_BASE_URL=twilio_url,
                        TWILIO_ACCOUNT_SID="AC" + uuid.uuid4().hex,
                        TWILIO_AUTH_TOKEN=uuid.uuid4().hex, TWILIO_FROM_NUMBER="+15005550006")
    return create_app(TestingConfig, **settings)


def open_clinic(url: str, reminders: int) -> None:
    """The clinic through the API; its chairs and patients in bulk (the API would take hours)."""
    app = bench_app(url, BOOKED_AT)
    with app.app_context():
        migrate_quietly()
    admin = api_as(app, "admin")
    set_up_clinic(admin, chairs=1)
    answer = admin.put("/clinic", json={"reminder_rules": REMINDER_RULES})
    assert answer.status_code == 200, answer.json
    with app.app_context():
        chairs = -(-reminders // SESSIONS_PER_CHAIR)
        for statement in filter(str.strip, SEED.split(";")):
            db.session.execute(sa.text(statement),
                               {"chairs": chairs, "patients": reminders, "at": BOOKED_AT})
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")  # what autovacuum would have done by then
        db.engine.dispose()


# ---------------------------------------------------------------------------------------------
# Phase 1, schedule (child process): book N sessions, each with its reminder
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Booking:
    patient_id: int
    chair_id: int
    start: datetime


def bookings_to_make() -> list[Booking]:
    """One session per patient, three to a chair, on Tuesday."""
    patients = db.session.scalars(sa.select(Patient.id).order_by(Patient.id)).all()
    chairs = db.session.scalars(sa.select(Chair.id).order_by(Chair.id)).all()
    return [Booking(patient, chairs[n // SESSIONS_PER_CHAIR],
                    FIRST_START + HOLD * (n % SESSIONS_PER_CHAIR))
            for n, patient in enumerate(patients)]


def booked(booking: Booking, treatment_type_id: int) -> Appointment:
    """The session's row as booking._new_appointment makes it, flushed: its id, and the
    database's own check that the chair and the patient's day are free."""
    appointment = Appointment(patient_id=booking.patient_id, treatment_type_id=treatment_type_id,
                              chair_id=booking.chair_id, start_at=booking.start,
                              end_at=booking.start + DURATION, held_until=booking.start + HOLD,
                              local_date=booking.start.astimezone(TZ).date(), status="scheduled",
                              created_at=BOOKED_AT, updated_at=BOOKED_AT)
    db.session.add(appointment)
    db.session.flush()
    return appointment


class Stopwatch:
    """Adds up the wall time and this thread's CPU time of the sections it times."""

    def __init__(self):
        self.wall = self.cpu = 0.0

    def __enter__(self):
        self._wall, self._cpu = perf_counter(), thread_time()

    def __exit__(self, *exc):
        self.wall += perf_counter() - self._wall
        self.cpu += thread_time() - self._cpu


def book_with_outbox(bookings: list[Booking], treatment_type_id: int, reminder_rules,
                     reminders: Stopwatch) -> None:
    """Ours: the reminder rows go into the booking's transaction. `reminders` times them alone:
    planning them and sending their INSERT; the commit is the booking's own and happens with or
    without them."""
    for booking in bookings:
        appointment = booked(booking, treatment_type_id)
        with reminders:
            # The reminder rows of outbox.sessions_booked, written as it writes them (the
            # confirmation it also writes is left out of both designs: 100,000 reminders means
            # 100,000 reminders). write() sends its INSERT at once: no flush is left to time.
            outbox.write(outbox.rows_for(rules.reminders_for(booking.start, BOOKED_AT, reminder_rules),
                                         BOOKED_AT, appointment.patient_id, appointment_id=appointment.id),
                         BOOKED_AT)
        db.session.commit()


def book_with_apscheduler(bookings: list[Booking], treatment_type_id: int, reminder_rules,
                          reminders: Stopwatch, scheduler: BackgroundScheduler) -> None:
    """The baseline: commit the booking, then one job per reminder in the job store (its own
    transaction on its own connection). `reminders` times the add_job calls."""
    for booking in bookings:
        appointment_id = booked(booking, treatment_type_id).id  # read now: commit expires it
        db.session.commit()
        with reminders:
            _add_reminder_jobs(scheduler, appointment_id, booking, reminder_rules)


def _add_reminder_jobs(scheduler: BackgroundScheduler, appointment_id: int, booking: Booking,
                       reminder_rules) -> None:
    """As the tutorials do it: a date job per reminder, its id the way to cancel it later."""
    for planned in rules.reminders_for(booking.start, BOOKED_AT, reminder_rules):
        if planned.skip_reason:
            continue
        scheduler.add_job(JOB_REFERENCE, "date", run_date=planned.due_at,
                          args=[appointment_id, planned.channel, planned.rule_minutes, planned.due_at],
                          id=f"reminder-{appointment_id}-{planned.channel}-{planned.rule_minutes}")


def baseline_scheduler(url: str, threads: int) -> BackgroundScheduler:
    """The tutorials' set-up: the jobs in a table of the app's own database."""
    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=url)},
        executors={"default": ThreadPoolExecutor(threads)},
        # APScheduler's default grace of 1 s drops any run that starts later than that (behind
        # thousands of others, or after the scheduler was down): every reminder would be lost.
        # None runs them however late; the send-time rules then decide, as ours do.
        job_defaults={"misfire_grace_time": None}, timezone="UTC")


def schedule_phase(design: str, url: str, threads: int, trace: bool) -> dict:
    app = bench_app(url, BOOKED_AT)
    with app.app_context():
        bookings = bookings_to_make()
        clinic = db.session.get(Clinic, 1)
        treatment_type_id = db.session.scalar(sa.select(sa.func.min(TreatmentType.id)))
        reminder_rules = clinic.reminder_rules
        db.session.commit()
        reminders = Stopwatch()
        if design == "outbox":
            _, figures = measured(lambda: book_with_outbox(
                bookings, treatment_type_id, reminder_rules, reminders), trace)
        else:
            scheduler = baseline_scheduler(url, threads)
            # Started, as in a web process, so add_job writes straight to the store; paused,
            # so it does not wake up after each one (a running one would: a query more per wake).
            scheduler.start(paused=True)
            _, figures = measured(lambda: book_with_apscheduler(
                bookings, treatment_type_id, reminder_rules, reminders, scheduler), trace)
            scheduler.shutdown()
        db.engine.dispose()
    return {**figures, "reminder_seconds": reminders.wall, "reminder_cpu_seconds": reminders.cpu,
            "bookings": len(bookings)}


# ---------------------------------------------------------------------------------------------
# Phase 2, dispatch (child process): send every due reminder
# ---------------------------------------------------------------------------------------------

JOB_APP: Flask | None = None  # the dispatch process's app; jobs are stored by reference only
JOB_CHANNELS: dict = {}


def send_reminder(appointment_id: int, channel: str, rule_minutes: int, due_at: datetime) -> str:
    """The baseline's job: the same send-time decision, text and twilio call as ours, without
    the outbox's claim, lease and outcome row."""
    with JOB_APP.app_context():
        now = clock.now()
        # What dispatch reads for a message, in one round trip as it does (less the outbox row).
        appointment, patient, treatment, clinic = db.session.execute(
            sa.select(Appointment, Patient, TreatmentType, Clinic)
            .join(Patient, Patient.id == Appointment.patient_id)
            .join(TreatmentType, TreatmentType.id == Appointment.treatment_type_id)
            .join(Clinic, Clinic.id == 1)
            .where(Appointment.id == appointment_id)).one()
        # What dispatch's helpers read from an outbox row; never added to the session.
        note = Notification(appointment_id=appointment_id, patient_id=patient.id, channel=channel,
                            purpose="reminder", rule_minutes=rule_minutes, due_at=due_at)
        decision = rules.decide(dispatch._situation(note, appointment, patient, clinic, now))
        if decision.action != "send":
            return decision.action
        message = dispatch._message(note, appointment, patient, treatment, clinic, now)
    JOB_CHANNELS[channel].send(message)  # after the app context: no transaction held meanwhile
    return "sent"


class JobsFinished:
    """Counts the jobs' outcomes as APScheduler reports them; done when every job has one."""

    def __init__(self, expected: int):
        self.expected = expected
        self.outcomes: Counter = Counter()
        self.first_error: str | None = None  # a job's traceback, so a broken baseline is loud
        self._lock = threading.Lock()
        self._progress = threading.Event()

    def __call__(self, event) -> None:
        outcome = {EVENT_JOB_ERROR: "error", EVENT_JOB_MISSED: "missed"}.get(event.code, None)
        with self._lock:
            self.outcomes[outcome or event.retval] += 1
            if outcome == "error" and self.first_error is None:
                self.first_error = event.traceback
        self._progress.set()

    def finished(self) -> int:
        with self._lock:
            return sum(self.outcomes.values())

    def wait(self) -> None:
        while self.finished() < self.expected:
            if not self._progress.wait(STALL_SECONDS):
                raise RuntimeError(f"no job finished for {STALL_SECONDS} s: {dict(self.outcomes)}")
            self._progress.clear()


def warmed_up_sms_channel():
    """The twilio channel, with the library's message API loaded: twilio-python imports it on
    first use (about 7 MB here), which is a cost of either design, not of one phase."""
    sms = channels_from_config(current_app.config)["sms"]
    sms.client.messages  # noqa: B018  (the import happens on this attribute access)
    return sms


def dispatch_with_outbox() -> dict:
    """As `flask worker` runs: the channels and the send threads kept across batches, and the
    backlog drained (the next batch claimed while half the sends are out)."""
    outcomes: Counter = Counter()
    channels = channels_from_config(current_app.config)
    with futures.ThreadPoolExecutor(sends_at_once(current_app.config), thread_name_prefix="send") as pool:
        while batch := run_once("bench-worker", channels, pool=pool, drain=True):
            outcomes.update(batch)
    return {"outcomes": dict(outcomes)}


def dispatch_with_apscheduler(scheduler: BackgroundScheduler, expected: int) -> dict:
    finished = JobsFinished(expected)
    scheduler.add_listener(finished, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    scheduler.start()
    finished.wait()
    scheduler.shutdown(wait=True)
    return {"outcomes": dict(finished.outcomes), "first_error": finished.first_error}


def dispatch_phase(design: str, url: str, twilio_url: str, threads: int, trace: bool) -> dict:
    global JOB_APP
    app = bench_app(url, NOW, twilio_url)
    with app.app_context():
        sms = warmed_up_sms_channel()
        if design == "outbox":
            sent, figures = measured(dispatch_with_outbox, trace)
        else:
            JOB_APP, JOB_CHANNELS["sms"] = app, sms  # one twilio client for every job
            expected = db.session.scalar(sa.text("SELECT count(*) FROM apscheduler_jobs"))
            db.session.commit()
            scheduler = baseline_scheduler(url, threads)
            sent, figures = measured(lambda: dispatch_with_apscheduler(scheduler, expected), trace)
        db.engine.dispose()
    return {**figures, **sent}


# ---------------------------------------------------------------------------------------------
# Measuring (child process)
# ---------------------------------------------------------------------------------------------

def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def _reset_peak_rss() -> bool:
    """Linux: set this process's peak RSS (VmHWM) back to its current RSS, so the peak read
    after a phase is that phase's own, not the loading that came before."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def measured(work, trace: bool):
    """Run work(); its result and figures: wall and CPU time; the process's peak RSS during the
    work (all memory it touched: Python objects, libpq's result buffers, threads' stacks), and
    that peak less what the process held before (the app loaded, the bookings to make); when
    traced, the peak of Python's own allocations (tracemalloc slows the work: times inflate).

    Not ru_maxrss: it is the peak of the process's whole life, which here is importing the app
    (argon2 hashes a dummy password at import, 64 MB for a moment), so it is the same for both."""
    gc.collect()
    peak_was_reset = _reset_peak_rss()
    rss_before = _status_kb("VmRSS")
    if trace:
        tracemalloc.start()
    began_wall, began_cpu = perf_counter(), process_time()
    result = work()
    wall, cpu = perf_counter() - began_wall, process_time() - began_cpu
    traced_peak = tracemalloc.get_traced_memory()[1] if trace else None
    tracemalloc.stop()
    peak = _status_kb("VmHWM")
    return result, {"seconds": wall, "cpu_seconds": cpu, "rss_before_mb": rss_before / 1024,
                    "peak_rss_growth_mb": (peak - rss_before) / 1024,
                    "phase_peak_rss_mb": peak / 1024,
                    "peak_reset": peak_was_reset,
                    "tracemalloc_peak_mb": traced_peak / 2**20 if trace else None}


def run_phase(phase: str, design: str, url: str, args, twilio_url: str = "") -> dict:
    """One phase of one design in a fresh Python process; its figures."""
    command = [sys.executable, "-m", "bench.apscheduler_baseline", "--phase", phase,
               "--design", design, "--url", url, "--twilio-url", twilio_url,
               "--baseline-threads", str(args.baseline_threads)]
    if args.tracemalloc:
        command.append("--tracemalloc")
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{phase} {design} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# Checking (parent process): each reminder sent exactly once
# ---------------------------------------------------------------------------------------------

@contextmanager
def connected(url: str):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def stored_size(url: str, design: str) -> dict:
    """What the design keeps in the database for its N reminders."""
    table = "notification" if design == "outbox" else "apscheduler_jobs"
    with connected(url) as conn:
        rows = conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
        size = conn.exec_driver_sql(f"SELECT pg_total_relation_size('{table}')").scalar()
    return {"table": table, "rows": rows, "bytes": size}


def sent_once(url: str, design: str, twilio: TwilioStandIn) -> dict:
    """What the stand-in received against the patients (one reminder each), and what is left."""
    with connected(url) as conn:
        phones = set(conn.exec_driver_sql("SELECT phone FROM patient").scalars())
        if design == "outbox":
            left = conn.exec_driver_sql(
                "SELECT count(*) FROM notification WHERE status <> 'sent' OR attempts <> 1").scalar()
        else:
            left = conn.exec_driver_sql("SELECT count(*) FROM apscheduler_jobs").scalar()
    received = Counter(request.fields.get("To") for request in twilio.requests)
    return {"requests": len(twilio.requests),
            "refused": sum(request.answer != 201 for request in twilio.requests),
            "missing": len(phones - received.keys()),
            "twice_or_more": sum(count > 1 for count in received.values()),
            "unknown": len(received.keys() - phones),
            "left_in_store": left}


def exactly_once(check: dict, reminders: int) -> bool:
    return (check["requests"] == reminders and not check["refused"] and not check["missing"]
            and not check["twice_or_more"] and not check["unknown"] and not check["left_in_store"])


def dispatch_and_check(design: str, url: str, args) -> tuple[dict, dict]:
    """A fresh stand-in per design, so what it counts is that design's alone."""
    twilio = TwilioStandIn().start()
    try:
        figures = run_phase("dispatch", design, url, args, twilio.url)
        return figures, sent_once(url, design, twilio)
    finally:
        twilio.stop()


def throwaway_databases(stack: ExitStack, server: str) -> dict[str, str]:
    """A database per design, dropped when `stack` closes.

    "private" (the default): a cluster of our own with PostgreSQL's default settings, autovacuum
    on, as a production server runs. The machine's server runs with autovacuum off (its CI
    settings), and there nothing ever analyzes the tables these runs fill from empty. A backend
    then keeps the plans it made while they were empty; above all, the foreign-key check of each
    new outbox row becomes a sequential scan of the appointments, a cost that grows with every
    booking (8.6 ms a reminder at 100,000) and that autovacuum's ANALYZE would have removed.
    """
    if server == "machine":
        return {design: stack.enter_context(ThrowawayDatabase("postgresql")) for design in DESIGNS}
    cluster = stack.enter_context(PrivatePostgres())
    return {design: cluster.create_database(f"bench_{design}") for design in DESIGNS}


def run_both(args, say) -> dict:
    """Both designs side by side: each phase of one right after the same phase of the other,
    so a change in the machine's load between phases hits both alike."""
    results: dict = {design: {} for design in DESIGNS}
    with ExitStack() as databases:
        urls = throwaway_databases(databases, args.server)
        with connected(urls[DESIGNS[0]]) as conn:
            say(f"PostgreSQL {conn.exec_driver_sql('SHOW server_version').scalar()} ({args.server} server),"
                f" autovacuum {conn.exec_driver_sql('SHOW autovacuum').scalar()}")
        for url in urls.values():
            open_clinic(url, args.reminders)
        for design, url in urls.items():
            say(f"{design}: booking {args.reminders:,} sessions with their reminders ...")
            results[design]["schedule"] = run_phase("schedule", design, url, args)
            results[design]["stored"] = stored_size(url, design)
        for design, url in urls.items():
            if args.schedule_only:
                break
            say(f"{design}: sending the {args.reminders:,} reminders, all due ...")
            results[design]["dispatch"], results[design]["check"] = dispatch_and_check(design, url, args)
    return results


# ---------------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------------

def table_rows(ours: dict, theirs: dict, reminders: int) -> list[tuple[str, str, str, str]]:
    """(figure, ours, baseline, how many times better ours is)."""
    def row(label, pick, shown, higher_is_better=False):
        a, b = pick(ours), pick(theirs)
        if not a or b is None:
            return label, shown(a), shown(b), "-"
        return label, shown(a), shown(b), f"{(a / b if higher_is_better else b / a):.1f}x"

    seconds = lambda v: f"{v:.2f} s"
    megabytes = lambda v: "-" if v is None else f"{v:.1f} MB"
    schedule, stored, sent = (lambda key: lambda r: r["schedule"][key]), \
        (lambda r: r["stored"]["bytes"] / 2**20), (lambda key: lambda r: r["dispatch"][key])
    rows = [
        row("schedule: time spent on the reminders", schedule("reminder_seconds"), seconds),
        row("  per reminder", lambda r: r["schedule"]["reminder_seconds"] / reminders * 1e6,
            lambda v: f"{v:.0f} us"),
        row("  of which CPU (Python, this thread)", schedule("reminder_cpu_seconds"), seconds),
        row("schedule: whole booking loop (bookings too)", schedule("seconds"), seconds),
        row("schedule: CPU of the process", schedule("cpu_seconds"), seconds),
        row("schedule: peak RSS growth", schedule("peak_rss_growth_mb"), megabytes),
        row("schedule: process RSS at its peak", schedule("phase_peak_rss_mb"), megabytes),
        row("schedule: tracemalloc peak", schedule("tracemalloc_peak_mb"), megabytes),
        row("stored: table + indexes", stored, megabytes),
    ]
    if "dispatch" not in ours:
        return rows
    return rows + [
        row("dispatch: time until all sent", sent("seconds"), seconds),
        row("  reminders per second", lambda r: reminders / r["dispatch"]["seconds"],
            lambda v: f"{v:.0f}", higher_is_better=True),
        row("dispatch: CPU of the process", sent("cpu_seconds"), seconds),
        row("dispatch: peak RSS growth", sent("peak_rss_growth_mb"), megabytes),
        row("dispatch: process RSS at its peak", sent("phase_peak_rss_mb"), megabytes),
        row("dispatch: tracemalloc peak", sent("tracemalloc_peak_mb"), megabytes),
    ]


def print_report(results: dict, reminders: int, args) -> None:
    ours, theirs = results["outbox"], results["apscheduler"]
    rows = table_rows(ours, theirs, reminders)
    header = ("figure", "ours (outbox)", "APScheduler jobs", "ours better by")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(4)]
    print()
    for line in [header, tuple("-" * w for w in widths)] + rows:
        print("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                        for i, cell in enumerate(line)))
    print()
    for design, result in results.items():
        if "check" not in result:
            continue  # --schedule-only
        check = result["check"]
        verdict = "yes" if exactly_once(check, reminders) else "NO"
        print(f"{design}: each reminder sent exactly once: {verdict} ({check['requests']:,} requests,"
              f" {check['missing']} missing, {check['twice_or_more']} twice or more,"
              f" {check['refused']} refused, {check['unknown']} unknown numbers,"
              f" {check['left_in_store']} left unsent in the store;"
              f" outcomes {result['dispatch']['outcomes']})")
        if result["dispatch"].get("first_error"):
            print(f"{design}: the first job that failed:\n{result['dispatch']['first_error']}")
    faster = theirs["schedule"]["reminder_seconds"] / ours["schedule"]["reminder_seconds"]
    print(f"goal, ours 10x faster to schedule: {'met' if faster >= 10 else 'NOT met'} ({faster:.1f}x)")
    for phase in ("schedule", "dispatch")[:1 if args.schedule_only else 2]:
        less = theirs[phase]["peak_rss_growth_mb"] / max(ours[phase]["peak_rss_growth_mb"], 0.1)
        print(f"goal, ours 5x less memory ({phase}, peak RSS growth): "
              f"{'met' if less >= 5 else 'NOT met'} ({less:.1f}x)")
    if not ours["schedule"]["peak_reset"]:
        print("note: /proc/self/clear_refs was not writable: peak RSS growth counts from the"
              " process's lifetime peak, so it may include loading and read high")
    if args.tracemalloc:
        print("note: --tracemalloc was on: every time above includes its overhead")


def child(args) -> None:
    if args.phase == "schedule":
        figures = schedule_phase(args.design, args.url, args.baseline_threads, args.tracemalloc)
    else:
        figures = dispatch_phase(args.design, args.url, args.twilio_url, args.baseline_threads,
                                 args.tracemalloc)
    print(json.dumps(figures))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.apscheduler_baseline",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=100_000,
                        help="reminders (one per booked session) per design (default 100000)")
    parser.add_argument("--baseline-threads", type=int, default=10,
                        help="the BackgroundScheduler's thread pool (APScheduler's default: 10)")
    parser.add_argument("--server", choices=("private", "machine"), default="private",
                        help="private: a throwaway cluster with PostgreSQL's defaults, autovacuum on "
                             "(default); machine: BENCH_POSTGRES_URL's server as it is configured")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also trace Python allocations (slows every phase)")
    parser.add_argument("--schedule-only", action="store_true",
                        help="the writing side alone: book and schedule, no dispatch (minutes, "
                             "not the hour the full run takes at 100,000)")
    parser.add_argument("--phase", choices=("schedule", "dispatch"), help=argparse.SUPPRESS)
    parser.add_argument("--design", choices=DESIGNS, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--twilio-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        return child(args)
    if args.reminders < 1:
        parser.error("--reminders must be at least 1")
    info = machine()
    print(f"machine: {info['machine']} cpus={info['cpu_count']} python={info['python']} "
          f"sqlalchemy={info['sqlalchemy']} psycopg={info['psycopg']} ({info['platform']})")
    print(f"reminders per design: {args.reminders:,}; baseline thread pool: {args.baseline_threads};"
          f" load average before (1/5/15 min): {[round(x, 2) for x in os.getloadavg()]}")
    results = run_both(args, print)
    print(f"load average after (1/5/15 min): {[round(x, 2) for x in os.getloadavg()]}")
    print_report(results, args.reminders, args)


if __name__ == "__main__":
    # Run as the named module, not as __main__: the job store keeps the job as a reference
    # (JOB_REFERENCE), and it must find this same module, the one whose JOB_APP is set.
    from bench.apscheduler_baseline import main as named_main

    named_main()
