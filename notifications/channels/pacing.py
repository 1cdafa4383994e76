"""A token bucket shared by every thread of one worker: at most `per_second` sends a second.

Twilio queues what a sender cannot pass on at once (a long code passes 1 segment a second, a
toll-free number 3, a short code 100) and drops what has waited hours; pacing ourselves keeps the
queue on our side, where the send-time check still sees a cancellation.
"""
from __future__ import annotations

import threading
import time


class Pacing:
    def __init__(self, per_second: float, clock=time.monotonic, sleep=time.sleep):
        self.interval = 1.0 / per_second
        self.clock, self.sleep = clock, sleep
        self.lock = threading.Lock()
        self.next_free = clock()

    def wait_turn(self) -> None:
        """Book the next free moment and sleep until it; the lock is held only for the booking,
        so threads queue up on their own moments instead of on one another."""
        with self.lock:
            now = self.clock()
            turn = max(self.next_free, now)
            self.next_free = turn + self.interval
        if turn > now:
            self.sleep(turn - now)


class Unpaced:
    def wait_turn(self) -> None:
        return None


def pacing_from(per_second: float | None) -> Pacing | Unpaced:
    return Pacing(per_second) if per_second else Unpaced()
