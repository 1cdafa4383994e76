"""Dispatch throughput: messages per second for the ceiling, one worker and two workers.

    .venv/bin/python -m bench.dispatch_rate                      # the full run: 100,000 messages
    .venv/bin/python -m bench.dispatch_rate --messages 2000      # a quick check
    #   --workers 1,2     worker counts to measure (default: one, then two)
    #   --db postgresql   (sqlite: one worker only, the default there; it has no SKIP LOCKED)
    #   --profile         cProfile the one-worker run and say where a message's time goes
    #   --stand-in-http 1.0   make the stand-in close every connection, as it does in the tests
    #   --latency-ms 20   the stand-in waits that long before each answer, as Twilio's own round
    #                     trip would (default 0: the ceiling is then the twilio library's own CPU)
    #   --ceiling-messages 200   fewer for the bare loop (at 150 ms it sends 6.6 a second)
    #   --concurrency 32  WORKER_CONCURRENCY of the workers (default: the setting's default)

The Twilio stand-in (tests/notifications/standins.py) runs in a process of its own, answering
over keep-alive connections like Twilio does, so it neither shares a GIL with what it measures
nor makes every message pay a new TCP connection. Everything else is a separate OS process too:

1. **Stand-in alone**: raw keep-alive `http.client` POSTs, to show how much the stand-in takes.
2. **Ceiling**: the app's own `TwilioChannel` (so twilio.rest.Client with the same HTTP client
   settings) sending the same message in a bare loop, no database.
3. **Workers**: for each worker count, a fresh PostgreSQL database with one clinic, one
   session and N due SMS reminders; each worker loops `notifications.worker.run_once` (claims of
   WORKER_CONCURRENCY rows with FOR UPDATE SKIP LOCKED, that many sends in flight on its thread
   pool, outcomes written a wave at a time) until nothing is due.
4. **Ceiling again**, to show how much the machine drifted during the run.

After each worker run it checks, at the stand-in, that every notification was sent exactly once:
every message id the stand-in handed out is on exactly one sent row, the stand-in saw as many
requests as there are sent rows, and nothing due is left pending.
"""
from __future__ import annotations

import argparse
import cProfile
import http.client
import multiprocessing
import os
import pstats
import queue
import statistics
import tempfile
import time
import uuid
from base64 import b64encode
from collections import Counter
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestingConfig
from scheduler import create_app
from tests.factories import add_due_reminders, api_as, make_patient, set_up_clinic
from tests.notifications.standins import TwilioStandIn

from .plan_course import ThrowawayDatabase, machine

NOW = datetime(2026, 6, 1, 14, 0, tzinfo=timezone.utc)  # 10:00 in New York: no quiet hours
FROM_NUMBER = "+15005550006"
WARM_UP = 50  # untimed messages each process sends first (imports, caches, connections)
SPAWN = multiprocessing.get_context("spawn")  # a fresh interpreter, as `flask worker` starts
# The ceiling sends the reminder the workers render for the bench's clinic, word for word.
CEILING_TO = "+12125550100"
CEILING_TEXT = ("Test Clinic: reminder of your visit Thu 4 Jun, 10:00 AM. Nothing to eat for 4 hours "
                "before; arrange a ride home, no driving until the next day. Reply C to confirm, STOP "
                "to stop texts.")


def bench_clock() -> datetime:
    """The fixed clock every process shares (a lambda cannot cross into a spawned process)."""
    return NOW


def bench_app(settings: dict):
    return create_app(TestingConfig, CLOCK=bench_clock, LOG_LEVEL="WARNING", TOKEN_TTL_HOURS=24,
                      SMS_BACKEND="twilio", TWILIO_FROM_NUMBER=FROM_NUMBER, **settings)


# ---------------------------------------------------------------------------------------------
# The stand-in, in its own process
# ---------------------------------------------------------------------------------------------

class CountingStandIn(TwilioStandIn):
    """The tests' stand-in, answering over keep-alive connections (as Twilio does) and keeping
    the message id (sid) it gave each accepted request, so a run can be checked message by
    message against the notification rows, which store that sid."""

    def __init__(self, http_version: str, latency: float):
        self.http_version, self.latency = http_version, latency
        self.sids: list[str] = []
        super().__init__()

    def _handler(self):
        standin, base = self, super()._handler()

        class Handler(base):
            protocol_version = f"HTTP/{standin.http_version}"
            # It writes the headers and the body of an answer separately: with Nagle on, the
            # body then waits for the client's delayed ACK, 40 ms a message on a kept-alive
            # connection. Twilio's servers answer at once.
            disable_nagle_algorithm = True

            def _answer(self, status, payload):
                if standin.latency:
                    time.sleep(standin.latency)
                if status == 201:
                    with standin._lock:
                        standin.sids.append(payload["sid"])
                super()._answer(status, payload)

        return Handler

    def take_counts(self) -> dict:
        """What it got since the last call, and forget it (a run of 100,000 keeps it small)."""
        with self._lock:
            answers = Counter(r.answer for r in self.requests)
            sids, self.sids, self.requests[:] = self.sids, [], []
        return {"requests": sum(answers.values()), "answers": dict(answers), "sids": sids}


def serve_stand_in(http_version: str, latency: float, conn) -> None:
    """The stand-in process: serves until told to stop; on "counts", says what it got and how
    much CPU it used since the last time it was asked."""
    standin = CountingStandIn(http_version, latency).start()
    conn.send(standin.url)
    cpu_mark = time.process_time()
    while (command := conn.recv()) != "stop":
        assert command == "counts", command
        counts = standin.take_counts()
        counts["cpu_seconds"], cpu_mark = time.process_time() - cpu_mark, time.process_time()
        conn.send(counts)
    standin.stop()


class StandInProcess:
    def __init__(self, http_version: str, latency: float = 0.0):
        self._conn, child = SPAWN.Pipe()
        self._process = SPAWN.Process(target=serve_stand_in, args=(http_version, latency, child),
                                      daemon=True)

    def __enter__(self) -> "StandInProcess":
        self._process.start()
        self.url = self._conn.recv()
        return self

    def counts(self) -> dict:
        self._conn.send("counts")
        return self._conn.recv()

    def __exit__(self, *exc) -> None:
        self._conn.send("stop")
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()


# ---------------------------------------------------------------------------------------------
# Timed processes: each gets ready, waits for the start signal, and reports its own times
# ---------------------------------------------------------------------------------------------

def run_side_by_side(target, argument_lists: list[tuple],
                     standin: StandInProcess) -> tuple[float, list[dict], dict]:
    """Start one process per argument list; time from the moment all are ready to the last one's
    end (perf_counter is the system-wide monotonic clock on Linux, so processes agree on it).
    Also what the stand-in got in that time."""
    ready, go, results = SPAWN.Barrier(len(argument_lists) + 1), SPAWN.Event(), SPAWN.Queue()
    processes = [SPAWN.Process(target=target, args=(*arguments, ready, go, results))
                 for arguments in argument_lists]
    for process in processes:
        process.start()
    try:
        ready.wait(timeout=300)
        warm_up = standin.counts()  # what the warm-ups sent; the timed counts start here
        go.set()
        reports = [_next_report(results, processes) for _ in processes]
        counts = standin.counts()
        counts["warm_up_sids"], counts["warm_up_requests"] = warm_up["sids"], warm_up["requests"]
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():
                process.kill()
    elapsed = max(r["end"] for r in reports) - min(r["start"] for r in reports)
    return elapsed, reports, counts


def _next_report(results, processes) -> dict:
    """A finished process's report; fails as soon as one of them died instead."""
    while True:
        try:
            return results.get(timeout=1)
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in processes):
                raise RuntimeError("a timed process failed") from None


def raw_client(url: str, account: str, count: int, ready, go, results) -> None:
    """As little client as HTTP allows: one keep-alive connection, one prepared request."""
    address = urlsplit(url)
    path = f"/2010-04-01/Accounts/{account}/Messages.json"
    body = urlencode({"To": CEILING_TO, "From": FROM_NUMBER, "Body": CEILING_TEXT}).encode()
    headers = {"Authorization": "Basic " + b64encode(f"{account}:x".encode()).decode(),
               "Content-Type": "application/x-www-form-urlencoded"}
    conn = http.client.HTTPConnection(address.hostname, address.port)

    def post() -> None:
        conn.request("POST", path, body, headers)
        answer = conn.getresponse()
        answer.read()
        assert answer.status == 201, answer.status

    for _ in range(WARM_UP):
        post()
    ready.wait()
    go.wait()
    start = time.perf_counter()
    for _ in range(count):
        post()
    results.put({"start": start, "end": time.perf_counter(), "sent": count})


def ceiling_client(settings: dict, count: int, ready, go, results) -> None:
    """The app's Twilio channel in a bare loop: the same client, nothing else."""
    from notifications.channels import Outgoing
    from notifications.channels.twilio_sms import TwilioChannel

    channel = TwilioChannel.from_config(bench_app(settings).config)
    message = Outgoing(0, CEILING_TO, CEILING_TEXT)
    for _ in range(WARM_UP):
        channel.send(message)
    ready.wait()
    go.wait()
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        channel.send(message)
    results.put({"start": start, "end": time.perf_counter(), "sent": count,
                 "cpu_seconds": time.process_time() - cpu})


def worker(settings: dict, profile_to: str | None, ready, go, results) -> None:
    """One worker process, as `flask worker` runs: claim a batch, send it, until nothing is due."""
    from concurrent.futures import ThreadPoolExecutor

    from notifications.channels.configured import channels_from_config
    from notifications.worker import Slowdown, run_once, worker_name

    app = bench_app(settings)
    name = worker_name()
    profiler = cProfile.Profile() if profile_to else None
    # What run_forever keeps for the life of the process: the channels, the send threads, the slowdown.
    kept = {"channels": channels_from_config(app.config), "slowdown": Slowdown(),
            "pool": ThreadPoolExecutor(app.config["WORKER_CONCURRENCY"], thread_name_prefix="send")}
    with app.app_context():
        server = ServerProcess()
        run_once(name, batch=WARM_UP, **kept)
        ready.wait()
        go.wait()
        start, cpu, server_cpu = time.perf_counter(), time.process_time(), server.cpu_seconds()
        if profiler:
            profiler.enable()
        outcomes: Counter = Counter()
        while batch := run_once(name, drain=True, **kept):
            outcomes.update(batch)
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile_to)
        end = time.perf_counter()
        server_cpu = server.cpu_seconds() - server_cpu
    results.put({"start": start, "end": end, "sent": outcomes["sent"], "outcomes": dict(outcomes),
                 "cpu_seconds": time.process_time() - cpu, "server_cpu_seconds": server_cpu})


class ServerProcess:
    """The PostgreSQL backend serving this worker (one thread keeps one pooled connection), read
    from /proc: the server's CPU per message, which a busy machine does not blur the way it
    blurs wall time."""

    def __init__(self):
        from scheduler.extensions import db

        self.pid = None
        if db.engine.dialect.name == "postgresql":
            self.pid = db.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
            db.session.commit()

    def cpu_seconds(self) -> float:
        if self.pid is None:
            return 0.0
        with open(f"/proc/{self.pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


# ---------------------------------------------------------------------------------------------
# The phases
# ---------------------------------------------------------------------------------------------

def measure_stand_in(standin: StandInProcess, account: str, messages: int, clients: int) -> dict:
    shares = split(messages, clients)
    elapsed, _, counts = run_side_by_side(raw_client, [(standin.url, account, n) for n in shares], standin)
    return phase_result(f"stand-in alone, {clients} raw client(s)", messages, elapsed, counts)


def measure_ceiling(standin: StandInProcess, settings: dict, messages: int, label: str) -> dict:
    """One client, as one worker has one: the rate a worker would reach if it cost nothing."""
    elapsed, reports, counts = run_side_by_side(ceiling_client, [(settings, messages)], standin)
    return phase_result(label, messages, elapsed, counts, reports)


def measure_workers(kind: str, standin: StandInProcess, settings: dict, messages: int, workers: int,
                    profile_to: str | None) -> dict:
    with ThrowawayDatabase(kind) as url:
        app = bench_app({**settings, "SQLALCHEMY_DATABASE_URI": url})
        ids = fill_outbox(app, messages + WARM_UP * workers)
        worker_settings = {**settings, "SQLALCHEMY_DATABASE_URI": url}
        elapsed, reports, counts = run_side_by_side(
            worker, [(worker_settings, profile_to)] * workers, standin)
        sent = sum(r["sent"] for r in reports)
        profiled = ", cProfile on" if profile_to else ""
        result = phase_result(f"{workers} worker(s){profiled}", sent, elapsed, counts, reports)
        result["check"] = check_exactly_once(app, counts, ids)
        result["outcomes"] = sum((Counter(r["outcomes"]) for r in reports), Counter())
        with app.app_context():
            from scheduler.extensions import db
            db.engine.dispose()
    return result


def fill_outbox(app, messages: int) -> list[int]:
    """One clinic, one patient, one booked session, and `messages` SMS reminders all due now."""
    with app.app_context():
        upgrade()
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    patient = make_patient(desk)
    booked = desk.post("/appointments", json={"patient_id": patient, "treatment_type_id": clinic.treatment,
                                              "start": "2026-06-04T10:00:00-04:00"})
    assert booked.status_code == 201, booked.json
    ids = add_due_reminders(app, booked.json, messages, NOW)
    analyze(app)
    return ids


def analyze(app) -> None:
    """What autovacuum would have done by the time a backlog this size is due."""
    from scheduler.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE notification")


def check_exactly_once(app, counts: dict, reminder_ids: list[int]) -> dict:
    """Message by message, from the stand-in's side. Each sent SMS row carries the sid the
    stand-in gave its send, and a row holds one sid: so a notification sent twice leaves a sid
    on no row (an "extra send"), as does a send whose outcome was never written down."""
    from notifications.models import Notification
    from scheduler.extensions import db

    with app.app_context():
        rows = db.session.execute(sa.select(Notification.id, Notification.channel, Notification.status,
                                            Notification.provider_message_id, Notification.due_at)).all()
    sms_sent = {r.provider_message_id: r.id for r in rows if r.channel == "sms" and r.status == "sent"}
    sids = counts["warm_up_sids"] + counts["sids"]
    requests_per_notification = Counter(sms_sent[sid] for sid in sids if sid in sms_sent)
    status_of = {r.id: r.status for r in rows}
    requests = counts["requests"] + counts["warm_up_requests"]
    return {
        "requests": requests,
        "not_accepted": requests - len(sids),
        "sms_rows_sent": len(sms_sent),
        "sent_exactly_once": sum(1 for k in requests_per_notification.values() if k == 1),
        "extra_sends": sum(1 for sid in sids if sid not in sms_sent),
        "sent_rows_the_stand_in_never_saw": len(set(sms_sent) - set(sids)),
        "reminders_not_sent": sum(1 for i in reminder_ids if status_of[i] != "sent"),
        "due_still_pending": sum(1 for r in rows if r.status == "pending" and r.due_at <= NOW),
    }


def passed(check: dict) -> bool:
    return (check["requests"] == check["sms_rows_sent"] == check["sent_exactly_once"]
            and not any(check[k] for k in ("not_accepted", "extra_sends", "sent_rows_the_stand_in_never_saw",
                                           "reminders_not_sent", "due_still_pending")))


def phase_result(label: str, messages: int, elapsed: float, counts: dict, reports: list[dict] = ()) -> dict:
    return {"label": label, "messages": messages, "seconds": elapsed, "rate": messages / elapsed,
            "stand_in_requests": counts["requests"],
            # The stand-in's CPU over the phase's wall time: 1.0 would be one core flat out (its
            # threads share one GIL), the sign that it, not the client, sets the pace.
            "stand_in_busy": counts["cpu_seconds"] / elapsed,
            "client_cpu": sum(r.get("cpu_seconds", 0) for r in reports) / elapsed if reports else None,
            # CPU per message is what stays put when other work shares the machine.
            "client_ms_per_message": 1000 * sum(r.get("cpu_seconds", 0) for r in reports) / messages,
            "server_ms_per_message": 1000 * sum(r.get("server_cpu_seconds", 0) for r in reports) / messages,
            "stand_in_ms_per_message": 1000 * counts["cpu_seconds"] / messages,
            "load": os.getloadavg()[0]}


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


# ---------------------------------------------------------------------------------------------
# Where a worker's time goes (--profile)
# ---------------------------------------------------------------------------------------------

# (label, file ending, function): the places a message's time is worth splitting into.
PROFILE_SPOTS = [
    ("send-time check and text (per message)", "notifications/services/dispatch.py", "prepare"),
    ("  render the text", "notifications/engine/wording.py", "render"),
    ("  send-time decision", "notifications/engine/rules.py", "decide"),
    ("provider call on a send thread: TwilioChannel.send", "channels/twilio_sms.py", "send"),
    ("claim a batch (per message)", "notifications/worker.py", "claim_due"),
    ("read the batch (per message)", "notifications/services/dispatch.py", "load_claimed"),
    ("record a wave of outcomes (per message)", "notifications/services/dispatch.py", "record"),
    ("waiting for answers (concurrent.futures.wait)", "concurrent/futures/_base.py", "wait"),
    ("SQL statements sent (the pool's pre-ping included)", "psycopg/cursor.py", "execute"),
    ("transactions committed", "psycopg/connection.py", "commit"),
    ("waiting on PostgreSQL (psycopg wait)", "psycopg/connection.py", "wait"),
]


def profile_table(path: str, messages: int) -> list[str]:
    stats = pstats.Stats(path).stats  # {(file, line, function): (cc, nc, tottime, cumtime, callers)}
    title = "where a message goes, one worker, cProfile (inflates Python time)"
    lines = [f"{title:<60} {'calls/msg':>9} {'ms/msg':>8}"]
    for label, file_end, function in PROFILE_SPOTS:
        hits = [v for (f, _, fn), v in stats.items() if f.endswith(file_end) and fn == function]
        calls = sum(v[1] for v in hits)
        # psycopg's wait is time blocked on the server, not Python: its own time is the figure.
        seconds = sum(v[2] if function == "wait" else v[3] for v in hits)
        lines.append(f"{label:<60} {calls / messages:>9.2f} {1000 * seconds / messages:>8.3f}")
    total = max((v[3] for (f, _, fn), v in stats.items() if fn == "run_once"), default=0)
    lines.append(f"{'run_once, all of it':<60} {'':>9} {1000 * total / messages:>8.3f}")
    return lines


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def print_phase(result: dict) -> None:
    cpu = f"stand-in {result['stand_in_ms_per_message']:.3f}"
    if result["client_cpu"] is not None:
        cpu += f", client {result['client_ms_per_message']:.3f}"
    if result["server_ms_per_message"]:
        cpu += f", PostgreSQL {result['server_ms_per_message']:.3f}"
    print(f"  {result['label']:<30} {result['messages']:>7} in {result['seconds']:7.2f} s = "
          f"{result['rate']:7.1f} msg/s | CPU ms/msg: {cpu} | stand-in busy "
          f"{result['stand_in_busy']:.2f} of a core | load {result['load']:.1f}", flush=True)


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--workers", help="comma-separated worker counts (default 1,2; sqlite: 1)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--stand-in-http", choices=("1.0", "1.1"), default="1.1")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--ceiling-messages", type=int, help="messages for the bare loop (default: --messages)")
    parser.add_argument("--concurrency", type=int, help="WORKER_CONCURRENCY of the workers")
    args = parser.parse_args(argv)
    args.ceiling_messages = args.ceiling_messages or args.messages
    args.workers = args.workers or ("1" if args.db == "sqlite" else "1,2")
    args.worker_counts = [int(n) for n in args.workers.split(",")]
    if args.db == "sqlite" and max(args.worker_counts) > 1:
        parser.error("several workers need PostgreSQL (FOR UPDATE SKIP LOCKED); use --workers 1")
    if args.profile and 1 not in args.worker_counts:
        parser.error("--profile profiles the one-worker run: include 1 in --workers")
    return args


def run(args: argparse.Namespace, scratch: str) -> tuple[list[dict], dict[int, dict]]:
    """Every phase in order; the ceilings, and the worker runs by worker count."""
    profile_to = os.path.join(scratch, "worker.prof") if args.profile else None
    with StandInProcess(args.stand_in_http, args.latency_ms / 1000) as standin:
        settings = stand_in_settings(standin.url, args.concurrency)
        account = settings["TWILIO_ACCOUNT_SID"]
        print_phase(measure_stand_in(standin, account, args.ceiling_messages, max(args.worker_counts)))
        ceilings = [measure_ceiling(standin, settings, args.ceiling_messages, "ceiling, bare twilio loop")]
        print_phase(ceilings[0])
        workers = {}
        for count in args.worker_counts:
            workers[count] = measure_workers(args.db, standin, settings, args.messages, count,
                                             profile_to if count == 1 else None)
            print_phase(workers[count])
            check = workers[count]["check"]
            print(f"    {'exactly once: OK' if passed(check) else 'EXACTLY-ONCE CHECK FAILED'}  {check}"
                  f"  outcomes={dict(workers[count]['outcomes'])}", flush=True)
        ceilings.append(measure_ceiling(standin, settings, args.ceiling_messages, "ceiling again, at the end"))
        print_phase(ceilings[1])
    if profile_to:
        print("\n".join(profile_table(profile_to, workers[1]["messages"])))
    return ceilings, workers


def print_machine() -> None:
    info = machine()
    print(f"machine: {info['machine']} cpus={info['cpu_count']} python={info['python']} "
          f"sqlalchemy={info['sqlalchemy']} psycopg={info['psycopg']} ({info['platform']})")


def stand_in_settings(url: str, concurrency: int | None) -> dict:
    """What every process of a run needs to send through the stand-in at `url`."""
    settings = {"TWILIO_API_BASE_URL": url, "TWILIO_ACCOUNT_SID": "AC" + uuid.uuid4().hex,
                "TWILIO_AUTH_TOKEN": uuid.uuid4().hex, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    if concurrency:
        settings["WORKER_CONCURRENCY"] = concurrency
    return settings


def main() -> None:
    args = arguments()
    print_machine()
    print(f"load average before: {load_average()}; {args.messages} messages per phase; stand-in "
          f"HTTP/{args.stand_in_http} in its own process, answering after {args.latency_ms:g} ms", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        ceilings, workers = run(args, scratch)
    ceiling = statistics.mean(c["rate"] for c in ceilings)
    print(f"\nmessages per second: ceiling {ceiling:.1f} (mean of {ceilings[0]['rate']:.1f} before and "
          f"{ceilings[1]['rate']:.1f} after)"
          + "".join(f", {n} worker(s) {w['rate']:.1f}" for n, w in workers.items()))
    if 1 in workers:
        print(f"one worker / ceiling = {workers[1]['rate'] / ceiling:.0%} (goal: 70% or more)")
    print(f"load average after: {load_average()}")
    if not all(passed(w["check"]) for w in workers.values()):
        raise SystemExit("a worker run did not send every notification exactly once")


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
