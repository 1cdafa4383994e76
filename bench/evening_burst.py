"""The evening burst: 5,000 reminders due in the same minute, Twilio answering in 150 ms, two
workers; how long until the last one is sent.

    .venv/bin/python -m bench.evening_burst                  # 5,000 reminders, 2 workers, 150 ms
    .venv/bin/python -m bench.evening_burst --reminders 1000 --workers 1 --latency-ms 150

A clinic group texting every patient the evening before a busy day: all fall due at once, and a
reminder due at 18:00 is useful only if it goes out at 18:00, not 18:20. The pieces are
bench.dispatch_rate's: the stand-in in its own process, answering after the latency, and real
worker processes (run_once as `flask worker` loops it, with WORKER_CONCURRENCY sends in flight)
on a throwaway PostgreSQL database. Every reminder is due when the workers are told to go, so the
time from go to the last send is the last reminder's lateness. Checked exactly once at the
stand-in, as dispatch_rate checks it.
"""
from __future__ import annotations

import argparse

from .dispatch_rate import (StandInProcess, load_average, measure_workers, passed, print_machine, print_phase,
                            stand_in_settings)

GOAL_SECONDS = 60


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--latency-ms", type=float, default=150.0)
    parser.add_argument("--concurrency", type=int, help="WORKER_CONCURRENCY (default: the setting's)")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    print_machine()
    print(f"load average before: {load_average()}; {args.reminders} reminders due at once, "
          f"{args.workers} worker(s), stand-in answering after {args.latency_ms:g} ms", flush=True)
    with StandInProcess("1.1", args.latency_ms / 1000) as standin:
        settings = stand_in_settings(standin.url, args.concurrency)
        result = measure_workers("postgresql", standin, settings, args.reminders, args.workers, None)
    print_phase(result)
    check = result["check"]
    print(f"    {'exactly once: OK' if passed(check) else 'EXACTLY-ONCE CHECK FAILED'}  {check}")
    print(f"last reminder sent {result['seconds']:.1f} s after its due time "
          f"(goal: within {GOAL_SECONDS} s); load average after: {load_average()}")
    if not passed(check):
        raise SystemExit("not every reminder was sent exactly once")


if __name__ == "__main__":
    main()
