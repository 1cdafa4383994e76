"""What the worker does, for an operator's dashboard: a stuck or throttled worker shows here.

The worker is its own process; it serves these on WORKER_METRICS_PORT (notifications.worker).
Labels stay few: a channel, and a reason: a provider's error code or a fixed phrase for failures,
a skip's reason with its numbers taken out, so that "95 minutes late" and "12 minutes late" are
one series, not one per message.
"""
from __future__ import annotations

import re

from prometheus_client import Counter, Gauge, Histogram

SENT = Counter("notifications_sent", "Messages the provider took", ["channel"])
FAILED = Counter("notifications_failed", "Messages given up on or to be tried again later",
                 ["channel", "reason"])
SKIPPED = Counter("notifications_skipped", "Messages the send-time check decided not to send",
                  ["channel", "reason"])
PROVIDER_SECONDS = Histogram("notifications_provider_seconds", "How long the provider took to answer",
                             ["channel"], buckets=(.01, .025, .05, .1, .2, .3, .5, 1, 2.5, 5, 10))
IN_FLIGHT = Gauge("notifications_sends_in_flight", "Sends waiting on the provider's answer")


def reason_label(reason: str | None) -> str:
    return re.sub(r"\d+", "N", reason or "unknown")[:60]
