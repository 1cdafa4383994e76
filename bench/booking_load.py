"""Booking under load: gunicorn and PostgreSQL, 16 front desks booking at once over HTTP.

    .venv/bin/python -m bench.booking_load [--requests 8000] [--race-slots 20]
        [--clients 16] [--workers 2] [--threads 8] [--json]

The service runs as in production: `flask --app wsgi db upgrade` migrates a throwaway
PostgreSQL database (CREATE DATABASE bench_<random>, dropped at the end), `flask --app wsgi users
create` makes the staff, and `gunicorn wsgi:app` (APP_ENV=production, its own SECRET_KEY) serves
the JSON API on 127.0.0.1. Each client is a thread with one keep-alive HTTP connection and a
bearer token.

1. Load: the clients share `--requests` bookings between them, single sessions
   (POST /api/v1/appointments at a random grid start in the next months, the service choosing
   the chair) and 6-session induction courses (POST /api/v1/courses, the service planning
   them). Figures: requests per second, p50 and p99 by kind, answers counted by status.
2. Race: for each of `--race-slots` slots on one chair, every client tries to book it at once
   (start times up to 45 minutes apart, so every pair overlaps). Exactly one may win; the rest
   must get 409; none may get a 5xx.
3. The database is checked: no two holding sessions overlap on a chair, no patient has two on
   one day, and the rows match the 201s the clients saw.
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from scheduler.engine.appointment_status import HOLDING
from tests.factories import clinic_time, make_patient, set_up_clinic

from .plan_course import ThrowawayDatabase, machine, summary

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
TZ_NAME = "America/New_York"
TZ = ZoneInfo(TZ_NAME)
# Open long days, six days a week: with 40 chairs the calendar has room for every booking the
# load phase makes, so most answers are 201 and the 409s that remain are real clashes.
OPENING_HOURS = {day: [["07:00", "19:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat")}
FIRST_START, LAST_START = 7 * 60, 17 * 60  # minutes after midnight: a 120-minute session ends by 19:00
DURATION, BUFFER, STEP = 120, 15, 15
INDUCTION_SESSIONS = 6
SINGLE_PATIENTS_PER_CLIENT = 10
RACE_OFFSETS = (0, 15, 30, 45)  # minutes; every pair overlaps a 135-minute hold
RACE_FIRST_DAY = 200  # days ahead: the race chair is new, but keep it clear of the load anyway
PASSWORD = "bench-" + secrets.token_urlsafe(12)
KEEP_ALIVE_SECONDS = 5  # gunicorn --keep-alive
IDLE_SECONDS = 2  # a client idle this long reconnects rather than race the server's close


# ---------------------------------------------------------------------------------------------
# Talking to the service
# ---------------------------------------------------------------------------------------------

@dataclass
class Answer:
    status_code: int
    json: object
    seconds: float


class JsonClient:
    """One front desk: a keep-alive HTTP connection and a bearer token.

    Speaks like tests.factories.Api (get/post/put answering status_code and json), so the
    factories that set up a clinic through the API work over real HTTP too.
    """

    def __init__(self, port: int, token: str | None = None):
        self.port = port
        self.headers = {"Content-Type": "application/json", "Connection": "keep-alive"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.connection = None
        self.last_used = 0.0

    def call(self, method: str, path: str, body=None) -> Answer:
        payload = json.dumps(body).encode() if body is not None else None
        if self.connection is not None and time.monotonic() - self.last_used > IDLE_SECONDS:
            self.close()  # the server may have closed it already: start afresh, before sending
        began = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.connection.request(method, "/api/v1" + path, payload, self.headers)
            response = self.connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            # Counted as an error, never retried: a POST that may have reached the server must
            # not be sent twice.
            self.close()
            return Answer(0, None, time.perf_counter() - began)
        took = time.perf_counter() - began
        self.last_used = time.monotonic()
        return Answer(response.status, json.loads(raw) if raw else None, took)

    def get(self, path: str) -> Answer:
        return self.call("GET", path)

    def post(self, path: str, json=None) -> Answer:
        return self.call("POST", path, json)

    def put(self, path: str, json=None) -> Answer:
        return self.call("PUT", path, json)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def sign_in(port: int, email: str) -> str:
    """A bearer token from POST /auth/tokens, as any client of the API gets one."""
    answer = JsonClient(port).post("/auth/tokens", {"email": email, "password": PASSWORD})
    if answer.status_code != 201:
        raise RuntimeError(f"sign-in as {email} answered {answer.status_code}: {answer.json}")
    return answer.json["token"]


# ---------------------------------------------------------------------------------------------
# The service as production runs it
# ---------------------------------------------------------------------------------------------

def production_environment(database_url: str, port: int, log_level: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("FLASK_APP", "FLASK_DEBUG")}
    env.update(APP_ENV="production", DATABASE_URL=database_url,
               SECRET_KEY=secrets.token_urlsafe(48),  # ProductionConfig refuses to start without one
               PUBLIC_BASE_URL=f"http://127.0.0.1:{port}", SMS_BACKEND="console",
               EMAIL_BACKEND="console", LOG_LEVEL=log_level, PYTHONUNBUFFERED="1")
    return env


def flask_command(env: dict, *args: str, stdin: str | None = None) -> None:
    done = subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,
                          input=stdin, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """`gunicorn wsgi:app` in the gthread worker: threads keep the 16 clients' connections alive
    (the sync worker closes each after one request) and overlap the waits on PostgreSQL."""

    def __init__(self, env: dict, port: int, workers: int, threads: int, log_path: str):
        self.command = [str(VENV_BIN / "gunicorn"), "wsgi:app", "--bind", f"127.0.0.1:{port}",
                        "--worker-class", "gthread", "--workers", str(workers),
                        "--threads", str(threads), "--keep-alive", str(KEEP_ALIVE_SECONDS), "--timeout", "60",
                        # no control socket: it lives at one fixed path per user, shared by
                        # every gunicorn on the machine
                        "--no-control-socket"]
        self.env, self.port, self.log_path = env, port, log_path
        self.process = None

    def __enter__(self) -> "Gunicorn":
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        try:
            self._wait_until_healthy()
        except BaseException:
            self.__exit__()  # never leave a server behind
            raise
        return self

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                probe = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def __exit__(self, *exc) -> None:
        self.process.terminate()  # gunicorn's graceful shutdown
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def server_errors(self) -> list[str]:
        """Tracebacks and ERROR lines the web process logged."""
        lines = Path(self.log_path).read_text(errors="replace").splitlines()
        return [line for line in lines if "Traceback" in line or '"level": "ERROR"' in line
                or "[ERROR]" in line]


# ---------------------------------------------------------------------------------------------
# What each front desk books
# ---------------------------------------------------------------------------------------------

def open_days(first: date, count: int) -> list[date]:
    """The next `count` days the clinic opens (it is closed on Sundays)."""
    days = (first + timedelta(days=n) for n in itertools.count())
    return list(itertools.islice((d for d in days if d.weekday() != 6), count))


@dataclass
class Desk:
    """One client's share of the work, decided before the clock starts."""

    number: int
    rng: random.Random
    kinds: list[str]  # "single" or "course", in the order the desk sends them
    single_patients: list[int] = field(default_factory=list)
    course_patients: list[int] = field(default_factory=list)
    race_patients: list[int] = field(default_factory=list)
    booked_days: set = field(default_factory=set)  # (patient, day): one session a day each


def plan_desks(clients: int, requests: int, course_share: float, seed: int) -> list[Desk]:
    desks = []
    for n in range(clients):
        rng = random.Random(seed * 1000 + n)
        count = requests // clients + (n < requests % clients)
        kinds = ["course" if rng.random() < course_share else "single" for _ in range(count)]
        desks.append(Desk(n, rng, kinds))
    return desks


def single_booking(desk: Desk, treatment: int, days: list[date]) -> dict:
    """A random open start for one of the desk's patients on a day they are still free."""
    while True:
        patient, day = desk.rng.choice(desk.single_patients), desk.rng.choice(days)
        if (patient, day) not in desk.booked_days:
            break
    desk.booked_days.add((patient, day))
    minutes = desk.rng.randrange(FIRST_START, LAST_START + 1, STEP)
    return {"patient_id": patient, "treatment_type_id": treatment,
            "start": clinic_time(day.isoformat(), f"{minutes // 60:02d}:{minutes % 60:02d}")}


def course_booking(desk: Desk, treatment: int, days: list[date]) -> dict:
    """A new patient's induction course, planned by the service from a random first day."""
    return {"patient_id": desk.course_patients.pop(), "treatment_type_id": treatment,
            "kind": "induction", "sessions": INDUCTION_SESSIONS,
            "start_on": desk.rng.choice(days[:len(days) * 2 // 3]).isoformat()}


# ---------------------------------------------------------------------------------------------
# Running the clients
# ---------------------------------------------------------------------------------------------

@dataclass
class Outcome:
    kind: str
    status: int
    seconds: float
    message: str = ""
    sessions: int = 0  # appointments a 201 created


def run_together(desks: list[Desk], work) -> float:
    """Run work(desk) on one thread per desk, started together; the wall time they took."""
    barrier = threading.Barrier(len(desks) + 1)
    failures = []

    def body(desk):
        barrier.wait()
        try:
            work(desk)
        except Exception as error:  # a bug in the bench must not pass for a quiet run
            failures.append(error)

    threads = [threading.Thread(target=body, args=(d,)) for d in desks]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return time.perf_counter() - began


def outcome_of(kind: str, answer: Answer) -> Outcome:
    body = answer.json if isinstance(answer.json, dict) else {}
    sessions = 0
    if answer.status_code == 201:
        sessions = len(body.get("appointments", ())) if kind == "course" else 1
    return Outcome(kind, answer.status_code, answer.seconds, str(body.get("message", "")), sessions)


def create_patients(desks: list[Desk], clients: list[JsonClient], race_slots: int) -> float:
    def work(desk):
        api = clients[desk.number]
        desk.single_patients = [make_patient(api) for _ in range(SINGLE_PATIENTS_PER_CLIENT)]
        desk.course_patients = [make_patient(api) for _ in range(desk.kinds.count("course"))]
        desk.race_patients = [make_patient(api) for _ in range(race_slots)]
    return run_together(desks, work)


def load_phase(desks, clients, treatment: int, days: list[date]) -> tuple[list[Outcome], float]:
    outcomes: list[Outcome] = []

    def work(desk):
        api = clients[desk.number]
        for kind in desk.kinds:
            if kind == "course":
                answer = api.post("/courses", course_booking(desk, treatment, days))
            else:
                answer = api.post("/appointments", single_booking(desk, treatment, days))
            outcomes.append(outcome_of(kind, answer))
    return outcomes, run_together(desks, work)


def race_phase(desks, clients, treatment: int, chair: int, days: list[date]) -> list[list[Outcome]]:
    """Every desk tries every slot at the same moment; one list of outcomes per slot."""
    slots: list[list[Outcome]] = [[] for _ in days]
    start_line = threading.Barrier(len(desks), timeout=120)  # a desk that failed breaks it

    def work(desk):
        api = clients[desk.number]
        offset = RACE_OFFSETS[desk.number % len(RACE_OFFSETS)]
        for k, day in enumerate(days):
            body = {"patient_id": desk.race_patients[k], "treatment_type_id": treatment,
                    "chair_id": chair,
                    "start": clinic_time(day.isoformat(), f"10:{offset:02d}")}
            start_line.wait()
            slots[k].append(outcome_of("race", api.post("/appointments", body)))
    run_together(desks, work)
    return slots


# ---------------------------------------------------------------------------------------------
# Checking the database
# ---------------------------------------------------------------------------------------------

OVERLAPS = sa.text("""
    SELECT count(*) FROM appointment a JOIN appointment b
      ON a.chair_id = b.chair_id AND a.id < b.id
     AND a.start_at < b.held_until AND b.start_at < a.held_until
   WHERE a.status IN :holding AND b.status IN :holding
""").bindparams(sa.bindparam("holding", expanding=True))
PATIENT_DAY_TWICE = sa.text("""
    SELECT count(*) FROM (SELECT 1 FROM appointment WHERE status IN :holding
                          GROUP BY patient_id, local_date HAVING count(*) > 1) twice
""").bindparams(sa.bindparam("holding", expanding=True))
ROWS = sa.text("""
    SELECT (SELECT count(*) FROM appointment WHERE course_id IS NULL AND chair_id <> :race_chair),
           (SELECT count(*) FROM appointment WHERE course_id IS NOT NULL),
           (SELECT count(*) FROM course),
           (SELECT count(*) FROM appointment WHERE chair_id = :race_chair)
""")
RACE_ROWS_BY_DAY = sa.text("""
    SELECT local_date, count(*) FROM appointment WHERE chair_id = :race_chair GROUP BY local_date
""")


def database_checks(url: str, race_chair: int) -> dict:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            holding = {"holding": list(HOLDING)}
            singles, course_sessions, courses, race = conn.execute(
                ROWS, {"race_chair": race_chair}).one()
            return {
                "overlapping_holds_on_a_chair": conn.execute(OVERLAPS, holding).scalar(),
                "patients_twice_on_a_day": conn.execute(PATIENT_DAY_TWICE, holding).scalar(),
                "single_appointments": singles, "course_sessions": course_sessions,
                "courses": courses, "race_chair_appointments": race,
                "race_rows_by_day": {d.isoformat(): n for d, n in conn.execute(
                    RACE_ROWS_BY_DAY, {"race_chair": race_chair})},
            }
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------

def latency(outcomes: list[Outcome]) -> dict:
    figures = summary([o.seconds for o in outcomes])
    return {k: figures[k] for k in ("runs", "median_ms", "p99_ms", "max_ms")}


def load_figures(outcomes: list[Outcome], seconds: float) -> dict:
    figures = {"requests": len(outcomes), "seconds": round(seconds, 2),
               "requests_per_second": round(len(outcomes) / seconds, 1),
               "all": latency(outcomes), "by_status": dict(sorted(Counter(o.status for o in outcomes).items()))}
    for kind in ("single", "course"):
        mine = [o for o in outcomes if o.kind == kind]
        if not mine:
            continue
        figures[kind] = {**latency(mine),
                         "by_status": dict(sorted(Counter(o.status for o in mine).items())),
                         "refusals": dict(Counter(f"{o.status} {o.message}" for o in mine
                                                  if o.status != 201).most_common()),
                         "sessions_booked": sum(o.sessions for o in mine)}
    return figures


def race_figures(slots: list[list[Outcome]], days: list[date]) -> dict:
    per_slot = [dict(sorted(Counter(o.status for o in slot).items())) for slot in slots]
    fair = [counts == {201: 1, 409: sum(counts.values()) - 1} for counts in per_slot]
    every = [o for slot in slots for o in slot]
    return {"slots": len(slots), "slots_with_exactly_one_winner_rest_409": sum(fair),
            "server_errors_5xx": sum(o.status >= 500 for o in every),
            "no_answer": sum(o.status == 0 for o in every),
            "by_status": dict(sorted(Counter(o.status for o in every).items())),
            "latency": latency(every),
            "unfair_slots": {days[k].isoformat(): per_slot[k] for k, ok in enumerate(fair) if not ok}}


def verdicts(result: dict) -> list[str]:
    """What must hold whatever the machine: the reasons this run failed, if any."""
    problems = []
    load, race, db = result["load"], result["race"], result["database"]
    if set(load["by_status"]) - {201, 409}:
        problems.append(f"load phase answers {load['by_status']}: only 201 and 409 are expected")
    if race["slots_with_exactly_one_winner_rest_409"] != race["slots"]:
        problems.append(f"race slots without exactly one winner: {race['unfair_slots']}")
    if race["server_errors_5xx"] or race["no_answer"]:
        problems.append("the race got 5xx answers or none")
    if db["overlapping_holds_on_a_chair"] or db["patients_twice_on_a_day"]:
        problems.append("the database holds a double booking")
    expected = {"single_appointments": load.get("single", {}).get("sessions_booked", 0),
                "course_sessions": load.get("course", {}).get("sessions_booked", 0),
                "courses": load.get("course", {}).get("by_status", {}).get(201, 0),
                "race_chair_appointments": race["slots"]}
    for name, count in expected.items():
        if db[name] != count:
            problems.append(f"{name}: {db[name]} rows but the clients saw {count} booked")
    if result["server_log_errors"]:
        problems.append(f"the web process logged {len(result['server_log_errors'])} error lines")
    return problems


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def run(args, say) -> dict:
    result = {"machine": machine(), "clients": args.clients,
              "gunicorn": {"worker_class": "gthread", "workers": args.workers, "threads": args.threads},
              "clinic": {"chairs": args.chairs, "opening_hours": "Mon-Sat 07:00-19:00",
                         "treatment": f"{DURATION} min + {BUFFER} min buffer", "timezone": TZ_NAME}}
    m = result["machine"]
    say(f"machine: {m['machine']} cpus={m['cpu_count']} python={m['python']} ({m['platform']})")
    desks = plan_desks(args.clients, args.requests, args.course_share, args.seed)
    today = datetime.now(TZ).date()
    days = open_days(today + timedelta(days=2), args.horizon_days * 6 // 7)
    race_days = open_days(today + timedelta(days=RACE_FIRST_DAY), args.race_slots)
    port = free_port()
    with ThrowawayDatabase("postgresql") as url, tempfile.TemporaryDirectory(prefix="bench_") as tmp:
        env = production_environment(url, port, args.log_level)
        flask_command(env, "db", "upgrade")
        for email, role in (("admin@bench.clinic", "admin"), ("desk@bench.clinic", "front_desk")):
            flask_command(env, "users", "create", email, "--role", role, "--password-stdin",
                          stdin=PASSWORD + "\n")
        log_path = args.server_log or os.path.join(tmp, "gunicorn.log")
        with Gunicorn(env, port, args.workers, args.threads, log_path) as web:
            say(f"gunicorn wsgi:app --worker-class gthread --workers {args.workers} "
                f"--threads {args.threads} on 127.0.0.1:{port}, APP_ENV=production, "
                f"LOG_LEVEL={args.log_level}, throwaway database {url.rsplit('/', 1)[-1]}")
            admin = JsonClient(port, sign_in(port, "admin@bench.clinic"))
            clinic = set_up_clinic(admin, timezone=TZ_NAME, chairs=args.chairs,
                                   opening_hours=OPENING_HOURS, duration=DURATION, buffer=BUFFER,
                                   slot_step=STEP)
            # One sign-in shared by the desks: each sign-in is a deliberately slow Argon2 check.
            token = sign_in(port, "desk@bench.clinic")
            clients = [JsonClient(port, token) for _ in desks]
            took = create_patients(desks, clients, args.race_slots)
            say(f"set-up: {args.chairs} chairs, Mon-Sat 07:00-19:00 ({TZ_NAME}), "
                f"{DURATION}+{BUFFER} min treatment; patients created over the API in {took:.1f} s")

            result["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
            say(f"load average before the load phase (1/5/15 min): {result['load_average_before']}")
            outcomes, took = load_phase(desks, clients, clinic.treatment, days)
            result["load"] = load_figures(outcomes, took)
            result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
            report_load(result, days, say)

            race_chair = admin.post("/chairs", {"name": "Race chair"}).json["id"]
            slots = race_phase(desks, clients, clinic.treatment, race_chair, race_days)
            result["race"] = race_figures(slots, race_days)
            report_race(result["race"], args.clients, say)
            for client in clients + [admin]:
                client.close()
        result["server_log_errors"] = web.server_errors()[:20]
        result["database"] = database_checks(url, race_chair)
    report_database(result["database"], say)
    result["problems"] = verdicts(result)
    say("verdict: " + ("PASS" if not result["problems"] else "FAIL\n  " + "\n  ".join(result["problems"])))
    return result


def report_load(result: dict, days: list[date], say) -> None:
    load = result["load"]
    say(f"load: {load['requests']} booking requests by {result['clients']} clients in "
        f"{load['seconds']} s = {load['requests_per_second']} requests/s; answers {load['by_status']}"
        f" (load average after: {result['load_average_after']})")
    say(f"  all requests: p50 {load['all']['median_ms']} ms, p99 {load['all']['p99_ms']} ms, "
        f"max {load['all']['max_ms']} ms")
    for kind, what in (("single", "POST /appointments (one session)"),
                       ("course", f"POST /courses ({INDUCTION_SESSIONS}-session induction)")):
        if kind not in load:
            continue
        k = load[kind]
        say(f"  {what}: {k['runs']} requests, p50 {k['median_ms']} ms, p99 {k['p99_ms']} ms,"
            f" max {k['max_ms']} ms; answers {k['by_status']}; {k['sessions_booked']} sessions booked")
        for reason, count in k["refusals"].items():
            say(f"    {count} x {reason}")
    say(f"  bookings fell on {days[0]}..{days[-1]}")


def report_race(race: dict, clients: int, say) -> None:
    say(f"race: {race['slots']} slots on one chair, {clients} clients each: answers {race['by_status']};"
        f" {race['slots_with_exactly_one_winner_rest_409']}/{race['slots']} slots with exactly one"
        f" 201 and the rest 409; 5xx: {race['server_errors_5xx']}; no answer: {race['no_answer']};"
        f" p50 {race['latency']['median_ms']} ms, p99 {race['latency']['p99_ms']} ms")


def report_database(db: dict, say) -> None:
    say(f"database: {db['overlapping_holds_on_a_chair']} overlapping holds on any chair, "
        f"{db['patients_twice_on_a_day']} patients with two sessions on one day; rows: "
        f"{db['single_appointments']} single appointments, {db['courses']} courses with "
        f"{db['course_sessions']} sessions, {db['race_chair_appointments']} on the race chair")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.booking_load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=8000,
                        help="booking requests in the load phase, all clients together (default 8000)")
    parser.add_argument("--course-share", type=float, default=0.25,
                        help="share of them that book a whole course (default 0.25)")
    parser.add_argument("--race-slots", type=int, default=20, help="slots raced for (default 20)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--chairs", type=int, default=40)
    parser.add_argument("--horizon-days", type=int, default=180,
                        help="single sessions fall in the next N days (default 180)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (default 8)")
    parser.add_argument("--log-level", default="INFO",
                        help="the web process's LOG_LEVEL (default INFO, as in production)")
    parser.add_argument("--server-log", help="keep the web process's log in this file")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    args = parser.parse_args(argv)
    if args.requests < args.clients or args.race_slots < 1 or args.clients < 2:
        parser.error("need at least one request per client, one race slot and two clients")
    say = (lambda line: print(line, file=sys.stderr)) if args.json else print
    result = run(args, say)
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    if result["problems"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
