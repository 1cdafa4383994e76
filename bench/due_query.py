"""The worker's claim query with many notifications waiting: time per batch and its plan.

    .venv/bin/python -m bench.due_query [--waiting 1000000] [--due 1000]

PostgreSQL only (the production database). A throwaway database gets `--waiting` pending
notifications not yet due and `--due` due ones; the benchmark times `claim_due` (batches of 50,
each claim rolled back so every run sees the same table) and prints the EXPLAIN of the claim.
"""
from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime, timezone

from flask_migrate import upgrade
from sqlalchemy import text

from config import TestingConfig
from notifications.worker import claim_due
from scheduler import create_app
from scheduler.extensions import db

from .plan_course import ThrowawayDatabase, machine

NOW = datetime(2026, 6, 1, 14, 0, tzinfo=timezone.utc)
SEED = """
INSERT INTO clinic (id, name, timezone, opening_hours, closed_dates, slot_step_minutes,
                    reminder_rules, checkin_rules, alert_score_at_or_below, escalation_minutes,
                    crisis_text)
VALUES (1, 'Bench', 'America/New_York', '{}', '[]', 15, '[]', '[]', 3, 60, '');
INSERT INTO patient (id, first_name, last_name, phone, timezone, sms_opt_in, email_opt_in,
                     sms_opted_out, created_at, updated_at)
VALUES (1, 'B', 'P', '+16175550101', 'America/New_York', true, false, false, :now, :now);
INSERT INTO notification (patient_id, channel, purpose, due_at, status, attempts, created_at, updated_at)
SELECT 1, 'sms', 'reminder', :now + (g || ' seconds')::interval, 'pending', 0, :now, :now
FROM generate_series(1, :waiting) AS g;
INSERT INTO notification (patient_id, channel, purpose, due_at, status, attempts, created_at, updated_at)
SELECT 1, 'sms', 'reminder', :now - (g || ' seconds')::interval, 'pending', 0, :now, :now
FROM generate_series(1, :due) AS g;
"""


def run(waiting: int, due: int, repeat: int) -> None:
    with ThrowawayDatabase("postgresql") as url:
        app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, CLOCK=lambda: NOW, LOG_LEVEL="WARNING")
        with app.app_context():
            upgrade()
            for statement in filter(str.strip, SEED.split(";")):
                db.session.execute(text(statement), {"now": NOW, "waiting": waiting, "due": due})
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE notification")
            timings = []
            for _ in range(repeat):
                started = time.perf_counter()
                claimed = _claim_and_undo()
                timings.append((time.perf_counter() - started) * 1000)
            plan = _explain()
            db.engine.dispose()
    print(f"{waiting:,} waiting + {due:,} due: claim of {len(claimed)} took median "
          f"{statistics.median(timings):.2f} ms (min {min(timings):.2f}, max {max(timings):.2f}) "
          f"over {repeat} runs")
    print("\n".join("  " + line for line in plan))


def _claim_and_undo() -> list[int]:
    """Claim a batch, then put the rows back as they were, so each run sees the same table."""
    claimed = claim_due("bench")
    db.session.execute(text("UPDATE notification SET lease_until = NULL, claimed_by = NULL, "
                            "attempts = 0 WHERE id = ANY(:ids)"), {"ids": claimed})
    db.session.commit()
    return claimed


def _explain() -> list[str]:
    rows = db.session.execute(text(
        "EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM notification WHERE status = 'pending' "
        "AND due_at <= :now AND (lease_until IS NULL OR lease_until < :now) "
        "ORDER BY due_at LIMIT 50 FOR UPDATE SKIP LOCKED"), {"now": NOW}).scalars().all()
    db.session.rollback()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waiting", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    info = machine()
    print(f"machine: {info['machine']} cpus={info['cpu_count']} python={info['python']}")
    for waiting in sorted({10_000, args.waiting}):
        run(waiting, args.due, args.repeat)


if __name__ == "__main__":
    main()
