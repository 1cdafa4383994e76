"""Faults: real worker processes sending a full outbox while something breaks; what went out.

    .venv/bin/python -m bench.faults                       # every scenario, full scale
    .venv/bin/python -m bench.faults --scenario twilio --messages 500 --outage-seconds 15

Scenarios (each on its own throwaway database, stand-ins on 127.0.0.1):
  kill      a worker SIGKILLed mid-batch, several times, a fresh one started each time
  postgres  a PRIVATE PostgreSQL cluster restarted (fast, immediate) and stopped for a while
  twilio    the Twilio stand-in answering 500, then 429, then too late (time-outs), then healthy
  smtp      the mail server down, then up
  outage    every worker stopped overnight while messages fall due, then started

The workers are `flask worker`'s own loop (notifications.worker.run_forever: APScheduler, the
production lease and batch, the real twilio and smtplib channels) in separate processes, on a
scenario clock that starts at a fixed date and runs in real time. After each scenario the
outbox is set against what the stand-ins received (see fault_workers.Tally): every message
must have gone out once; each duplicate is counted and explained.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select

from notifications.services.dispatch import MAX_ATTEMPTS
from notifications.models import Notification
from config import TestingConfig
from notifications.worker import LEASE
from scheduler.extensions import db
from tests.notifications.standins import SmtpStandIn, TwilioStandIn

from . import fault_outage
from .fault_cluster import PrivatePostgres
from .fault_workers import (ScenarioClock, Workers, claimed_by_process, due_and_pending, fill_outbox,
                            one_booked_session, pending_among, provider_settings, scenario_app,
                            sent_count, tally, unless_database_away, wait_until)
from .plan_course import ThrowawayDatabase, machine, migrate_quietly

NOW = datetime(2026, 6, 1, 14, 0, tzinfo=timezone.utc)  # Monday 10:00 in New York
SESSION_START = "2026-06-03T10:00:00-04:00"  # the session every bulk reminder is about
SCENARIOS = ("kill", "postgres", "twilio", "smtp", "outage")


# ---------------------------------------------------------------------------------------------
# Set-up shared by the scenarios
# ---------------------------------------------------------------------------------------------

@contextmanager
def stand_ins(late_seconds: float):
    twilio, mail = TwilioStandIn(late_seconds=late_seconds).start(), SmtpStandIn().start()
    try:
        yield twilio, mail
    finally:
        twilio.stop()
        mail.stop()


@contextmanager
def scenario(database_url: str, settings: dict, clock: ScenarioClock):
    """A migrated database and the app the scenario itself uses (to seed and to count)."""
    app = scenario_app(database_url, clock, settings)
    with app.app_context():
        migrate_quietly()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def drain(app, workers: Workers, timeout: float, ids: list[int] | None = None) -> float:
    """Wait until none of `ids` is pending any more (without ids: nothing due is pending);
    the seconds it took."""
    left = (lambda: pending_among(app, ids)) if ids is not None else (lambda: due_and_pending(app))
    began = time.monotonic()
    if not wait_until(lambda: unless_database_away(left) == 0, timeout):
        raise TimeoutError(f"still {left()} messages pending after {timeout:.0f} s"
                           f" ({workers.alive()} workers alive)")
    return time.monotonic() - began


def worker_errors(workers: Workers) -> dict[str, int]:
    """What the workers logged going wrong: a message whose dispatch raised (run_once carries on
    with the next), and a whole tick that raised (APScheduler logs it and ticks again)."""
    return {"dispatch_failed": workers.log_lines('"dispatch failed"'),
            "tick_failed": workers.log_lines("raised an exception")}


def report(say, name: str, figures: dict) -> dict:
    for key, value in figures.items():
        say(f"  {name}.{key}: {value}")
    return figures


# ---------------------------------------------------------------------------------------------
# 1. A worker killed with SIGKILL mid-batch
# ---------------------------------------------------------------------------------------------

def kill_scenario(args, log_dir: Path) -> dict:
    clock = ScenarioClock(NOW)
    with ExitStack() as stack:
        twilio, _ = stack.enter_context(stand_ins(args.provider_timeout + 5))
        settings = provider_settings(twilio, timeout=args.provider_timeout)
        url = stack.enter_context(ThrowawayDatabase("postgresql"))
        app = stack.enter_context(scenario(url, settings, clock))
        appointment = one_booked_session(app, SESSION_START)
        workers = stack.enter_context(Workers(url, settings, clock, log_dir))
        workers.start(args.workers)
        ids = fill_outbox(app, appointment, args.messages, NOW)
        kills = []
        for k in range(1, args.kills + 1):
            wait_until(lambda: sent_count(app) >= k * args.messages // (args.kills + 1), 600, 0.05)
            # The oldest of the live ones: the replacements take turns being killed next.
            kills.append(_kill_one(app, workers, victim=workers.processes[-args.workers]))
            workers.start(1)  # the supervisor's replacement
        drained = drain(app, workers, LEASE.total_seconds() + 600, ids)
        result = tally(app, twilio)
    in_flight = sum(k["claimed_unfinished"] for k in kills)
    return {
        "messages": args.messages, "workers": args.workers, "kills": len(kills),
        "per_kill": kills,
        "claimed_by_killed_workers_unfinished": in_flight,
        "seconds_from_last_kill_to_empty": round(drained, 1),
        "lease_seconds": LEASE.total_seconds(),
        "outbox": result.statuses, "provider_accepted": result.accepted,
        "duplicates": result.duplicates, "recorded_but_not_accepted": result.missing_at_provider,
        "lost": result.lost,
        # A SIGKILL can resend only what was out at the provider and not yet recorded: no more
        # than the killed workers held claimed.
        "duplicates_within_in_flight": result.duplicates <= in_flight,
    }


def _kill_one(app, workers: Workers, victim) -> dict:
    """SIGKILL a worker while it sends; what it held then: its claimed, unfinished rows (they wait
    for their lease to run out), and whether the one in flight reached the provider."""
    sent_before = sent_count(app)
    workers.kill(victim)
    with app.app_context():
        held = db.session.scalar(select(func.count()).select_from(Notification).where(
            claimed_by_process(victim.pid), Notification.status == "pending"))
        db.session.rollback()
    return {"sent_before": sent_before, "claimed_unfinished": held}


# ---------------------------------------------------------------------------------------------
# 2. PostgreSQL restarted while workers run
# ---------------------------------------------------------------------------------------------

def postgres_scenario(args, log_dir: Path) -> dict:
    clock = ScenarioClock(NOW)
    with ExitStack() as stack:
        twilio, _ = stack.enter_context(stand_ins(args.provider_timeout + 5))
        settings = provider_settings(twilio, timeout=args.provider_timeout)
        cluster = stack.enter_context(PrivatePostgres())
        url = cluster.create_database("faults")
        app = stack.enter_context(scenario(url, settings, clock))
        appointment = one_booked_session(app, SESSION_START)
        workers = stack.enter_context(Workers(url, settings, clock, log_dir))
        workers.start(args.workers)
        ids = fill_outbox(app, appointment, args.messages, NOW)
        events = []
        plan = [("restart -m fast", lambda: cluster.restart("fast")),
                ("restart -m immediate", lambda: cluster.restart("immediate")),
                (f"stop, {args.db_down_seconds:g} s down, start", lambda: _down_for(cluster, args.db_down_seconds))]
        for k, (what, act) in enumerate(plan, start=1):
            wait_until(lambda: sent_count(app) >= k * args.messages // (len(plan) + 1), 600, 0.05)
            events.append(_while_sending(app, what, act))
        drained = drain(app, workers, LEASE.total_seconds() + 600, ids)
        alive = workers.alive()
        result = tally(app, twilio)
        errors = worker_errors(workers)
    return {
        "messages": args.messages, "workers": args.workers, "events": events,
        "workers_alive_at_end": f"{alive} of {args.workers}",
        "worker_errors_logged": errors,
        "seconds_from_last_event_to_empty": round(drained, 1), "lease_seconds": LEASE.total_seconds(),
        "outbox": result.statuses, "provider_accepted": result.accepted,
        "duplicates": result.duplicates, "recorded_but_not_accepted": result.missing_at_provider,
        "lost": result.lost,
    }


def _down_for(cluster: PrivatePostgres, seconds: float) -> None:
    cluster.stop("fast")
    time.sleep(seconds)
    cluster.start()


def _while_sending(app, what: str, act) -> dict:
    """Do `act` to the database; how long it took, and how long until the workers sent again."""
    sent_before = sent_count(app)
    began = time.monotonic()
    act()
    back = time.monotonic()
    base = sent_count(app)
    wait_until(lambda: sent_count(app) > base, 600, 0.05)
    return {"what": what, "sent_before": sent_before, "database_away_s": round(back - began, 2),
            "first_send_after_s": round(time.monotonic() - back, 2)}


# ---------------------------------------------------------------------------------------------
# 3. The Twilio stand-in failing: 500, then 429, then answering too late, then healthy
# ---------------------------------------------------------------------------------------------

def twilio_scenario(args, log_dir: Path) -> dict:
    clock = ScenarioClock(NOW)
    phase = args.outage_seconds / 3
    with ExitStack() as stack:
        twilio, _ = stack.enter_context(stand_ins(args.provider_timeout + 5))
        settings = provider_settings(twilio, timeout=args.provider_timeout)
        url = stack.enter_context(ThrowawayDatabase("postgresql"))
        app = stack.enter_context(scenario(url, settings, clock))
        appointment = one_booked_session(app, SESSION_START)
        workers = stack.enter_context(Workers(url, settings, clock, log_dir))
        workers.start(args.workers)
        wait_until(lambda: due_and_pending(app) == 0, 120)  # the booking's own messages first
        before = len(twilio.requests)
        twilio.fail_during(("500", phase), ("429", phase), ("slow", phase))
        outage_ends = time.monotonic() + args.outage_seconds
        ids = fill_outbox(app, appointment, args.messages, clock())
        drain(app, workers, args.outage_seconds + 3600, ids)
        after_outage = time.monotonic() - outage_ends
        result = tally(app, twilio)
        answers = _answers(twilio.requests[before:])
    return {
        "messages": args.messages, "workers": args.workers,
        "outage": f"500 for {phase:g} s, 429 for {phase:g} s, answers after the {args.provider_timeout:g} s"
                  f" time-out for {phase:g} s",
        "stand_in_answers": answers,
        "seconds_after_outage_to_empty": round(after_outage, 1),
        "attempts_per_sent_message": dict(sorted(result.attempts.items())),
        "max_attempts_allowed": MAX_ATTEMPTS,
        "outbox": result.statuses, "provider_accepted": result.accepted,
        "duplicates": result.duplicates,
        "duplicates_explained_by_late_answers": answers.get("201 too late (client timed out)", 0),
        "recorded_but_not_accepted": result.missing_at_provider,
        "lost": result.lost,
    }


def _answers(requests) -> dict[str, int]:
    answers: dict[str, int] = {}
    for request in requests:
        label = ("201 too late (client timed out)" if request.answered_late
                 else "no answer" if request.answer is None else str(request.answer))
        answers[label] = answers.get(label, 0) + 1
    return dict(sorted(answers.items()))


# ---------------------------------------------------------------------------------------------
# 4. The mail server down, then up
# ---------------------------------------------------------------------------------------------

def smtp_scenario(args, log_dir: Path) -> dict:
    clock = ScenarioClock(NOW)
    with ExitStack() as stack:
        twilio, mail = stack.enter_context(stand_ins(args.provider_timeout + 5))
        settings = provider_settings(twilio, mail, timeout=args.provider_timeout)
        url = stack.enter_context(ThrowawayDatabase("postgresql"))
        app = stack.enter_context(scenario(url, settings, clock))
        appointment = one_booked_session(app, SESSION_START)
        workers = stack.enter_context(Workers(url, settings, clock, log_dir))
        workers.start(args.workers)
        wait_until(lambda: due_and_pending(app) == 0, 120)
        mail.stop()
        ids = fill_outbox(app, appointment, args.messages, clock(), channel="email")
        time.sleep(args.outage_seconds)
        mail.start()
        after = drain(app, workers, 3600, ids)
        result = tally(app, mail_server=mail)
    return {
        "emails": args.messages, "workers": args.workers,
        "mail_server_down_s": args.outage_seconds,
        "seconds_after_restart_to_empty": round(after, 1),
        "attempts_per_sent_email": dict(sorted(result.attempts.items())),
        "outbox": result.statuses, "mail_server_accepted": result.accepted,
        "duplicates": result.duplicates, "recorded_but_not_accepted": result.missing_at_provider,
        "lost": result.lost,
    }


# ---------------------------------------------------------------------------------------------
# 5. An outage: every worker stopped while messages fall due, then started
# ---------------------------------------------------------------------------------------------

def outage_scenario(args, log_dir: Path) -> dict:
    week = fault_outage.ClinicWeek(chairs=args.chairs)
    with ExitStack() as stack:
        twilio, mail = stack.enter_context(stand_ins(args.provider_timeout + 5))
        settings = provider_settings(twilio, mail, timeout=args.provider_timeout)
        url = stack.enter_context(ThrowawayDatabase("postgresql"))
        app = stack.enter_context(scenario(url, settings, ScenarioClock(week.booked_at)))
        week.book(app)
        with Workers(url, settings, ScenarioClock(week.booked_at), log_dir) as before:
            before.start(args.workers)  # Monday 15:00: the bookings' messages go out, as normal
            drain(app, before, 600)
        week.run_the_outage(app)  # no worker runs; the clinic carries on and messages fall due
        backlog = fault_outage.waiting_at_restart(app, week.restart_at)
        restart = ScenarioClock(week.restart_at)
        app.config["CLOCK"] = restart
        workers = stack.enter_context(Workers(url, settings, restart, log_dir))
        workers.start(args.workers)
        took = drain(app, workers, 600)
        outcome = fault_outage.catch_up(app, backlog, week.restart_at)
        result = tally(app, twilio, mail)
    return {
        "chairs": args.chairs, "workers": args.workers,
        "outage": f"clinic time {week.stopped_at.astimezone(fault_outage.CLINIC_ZONE):%a %H:%M} to"
                  f" {week.restart_at.astimezone(fault_outage.CLINIC_ZONE):%a %H:%M}",
        "seconds_to_clear_backlog": round(took, 1),
        **outcome.figures(),
        "provider_accepted": result.accepted, "duplicates": result.duplicates,
        "recorded_but_not_accepted": result.missing_at_provider,
    }


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

RUNNERS = {"kill": kill_scenario, "postgres": postgres_scenario, "twilio": twilio_scenario,
           "smtp": smtp_scenario, "outage": outage_scenario}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", choices=("all", *SCENARIOS), action="append",
                        help="repeat to run several; default all")
    parser.add_argument("--messages", type=int, default=5000,
                        help="due messages per scenario (kill, postgres, twilio, smtp)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kills", type=int, default=3, help="SIGKILLs in the kill scenario")
    parser.add_argument("--outage-seconds", type=float, default=60,
                        help="how long Twilio fails (a third each 500, 429, late) or SMTP is down")
    parser.add_argument("--db-down-seconds", type=float, default=30,
                        help="how long PostgreSQL stays stopped in its third event")
    parser.add_argument("--provider-timeout", type=float, default=10,
                        help="PROVIDER_TIMEOUT_SECONDS of the workers (production default 10)")
    parser.add_argument("--chairs", type=int, default=20, help="chairs in the outage scenario's clinic")
    parser.add_argument("--json", action="store_true", help="print one JSON document at the end")
    args = parser.parse_args(argv)
    chosen = [s for s in SCENARIOS if s in (args.scenario or ["all"]) or "all" in (args.scenario or ["all"])]
    info = machine()
    print(f"machine: {info['machine']} cpus={info['cpu_count']} python={info['python']}"
          f" ({info['platform']}); load average {os.getloadavg()[0]:.2f}")
    print(f"worker: WORKER_CONCURRENCY={TestingConfig.WORKER_CONCURRENCY} (sends in flight, and its"
          f" batch), lease {LEASE.total_seconds():g} s, {MAX_ATTEMPTS} attempts at most;"
          f" PROVIDER_TIMEOUT_SECONDS={args.provider_timeout:g}")
    results = {"machine": info}
    for name in chosen:
        print(f"{name}:", flush=True)
        began = time.monotonic()
        with tempfile.TemporaryDirectory(prefix=f"faults_{name}_") as log_dir:
            figures = RUNNERS[name](args, Path(log_dir))
        figures["scenario_seconds"] = round(time.monotonic() - began, 1)
        results[name] = report(print, name, figures)
        sys.stdout.flush()
    if args.json:
        print(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
