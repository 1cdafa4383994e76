"""Stand-ins for the outside services, listening on 127.0.0.1 only: the real twilio library and
the real smtplib talk to them over real sockets.

`TwilioStandIn` answers the Messages endpoint the way Twilio does and can be told to misbehave
for the next requests, or for a while (an outage); `SmtpStandIn` is a real SMTP server (aiosmtpd)
that keeps what it gets.
"""
from __future__ import annotations

import base64
import json
import logging
import re
import socket
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller

MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$")
HANG_LIMIT_SECONDS = 10  # a hung request is released by then even if a test forgets to
# aiosmtpd logs every line it receives at DEBUG, whole messages included: noise in a failure.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass(frozen=True)
class TwilioRequest:
    path: str
    account: str  # the Basic auth user
    fields: dict[str, str]  # To, From, Body, StatusCallback, ...
    answer: int | None  # the HTTP status given; None when the request was left hanging
    sid: str | None = None  # the message's sid, when it was accepted
    # Accepted, but answered only after the client had given up ("slow"): Twilio has the message
    # and will send it, the sender never learns so and will try again.
    answered_late: bool = False
    arrived: float = field(default_factory=time.monotonic)


class _Server(ThreadingHTTPServer):
    # A worker opens as many connections at once as it has sends in flight; the default
    # backlog of 5 would refuse some of them, which Twilio never does.
    request_queue_size = 128


class TwilioStandIn:
    """POST /2010-04-01/Accounts/{sid}/Messages.json, answered like Twilio: 201 and a queued
    message, unless told otherwise with `fail_next` or `fail_during`.

    `late_seconds`: how long a "slow" request waits before it is answered (make it longer than
    the client's time-out)."""

    def __init__(self, late_seconds: float = HANG_LIMIT_SECONDS):
        self.requests: list[TwilioRequest] = []
        self.late_seconds = late_seconds
        self._script: deque[str | int] = deque()
        self._outage: list[tuple[float, str | int]] = []  # (monotonic end, outcome), in order
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._together: threading.Barrier | None = None
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def accepted(self) -> list[TwilioRequest]:
        return [r for r in self.requests if r.answer == 201]

    def fail_next(self, *outcomes: str | int) -> None:
        """What the next requests get, one each: "429", "500", "hang", or a Twilio error code."""
        with self._lock:
            self._script.extend(outcomes)

    def fail_during(self, *phases: tuple[str | int, float]) -> None:
        """An outage from now on: each (outcome, seconds) in turn, e.g. ("500", 20), ("429", 20),
        ("slow", 20); healthy again after the last. Outcomes given to `fail_next` come first.

        "slow" takes the message (201, a sid) but answers only after `late_seconds`."""
        ends = time.monotonic()
        with self._lock:
            self._outage = []
            for outcome, seconds in phases:
                ends += seconds
                self._outage.append((ends, outcome))

    def answer_together(self, count: int, within_seconds: float = 2.0) -> None:
        """Hold each answer until `count` requests are waiting at once; a sender that waits for
        one answer before the next request gets 500s instead."""
        self._together = threading.Barrier(count, timeout=within_seconds)

    def _wait_for_the_others(self) -> bool:
        if self._together is None:
            return True
        try:
            self._together.wait()
        except threading.BrokenBarrierError:
            return False
        return True

    def start(self) -> "TwilioStandIn":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()

    def _next_outcome(self) -> str | int | None:
        with self._lock:
            if self._script:
                return self._script.popleft()
            now = time.monotonic()
            return next((outcome for ends, outcome in self._outage if now < ends), None)

    def _record(self, request: TwilioRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                arrived = time.monotonic()
                match = MESSAGES_PATH.match(self.path)
                if not match:
                    return self._answer(404, {"code": 20404, "message": "Not found", "status": 404})
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                fields = {k: v[0] for k, v in parse_qs(body).items()}
                outcome = standin._next_outcome()
                if outcome == "hang":  # past the client's time-out, then drop the connection
                    standin._record(TwilioRequest(self.path, self._account(), fields, None))
                    standin._released.wait(HANG_LIMIT_SECONDS)
                    self.close_connection = True
                    return None
                if outcome == "slow":  # taken, but answered after the client's time-out
                    status, payload = _reply(None, match.group(1), fields)
                    standin._record(TwilioRequest(self.path, self._account(), fields, status,
                                                  payload["sid"], answered_late=True))
                    standin._released.wait(standin.late_seconds)
                    return self._answer_if_still_there(status, payload)
                if outcome is None and not standin._wait_for_the_others():
                    outcome = "500"
                status, payload = _reply(outcome, match.group(1), fields)
                standin._record(TwilioRequest(self.path, self._account(), fields, status,
                                              payload.get("sid"), arrived=arrived))
                return self._answer(status, payload)

            def _account(self) -> str:
                scheme, _, encoded = self.headers.get("Authorization", "").partition(" ")
                if scheme != "Basic":
                    return ""
                return base64.b64decode(encoded).decode().partition(":")[0]

            def _answer(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _answer_if_still_there(self, status: int, payload: dict) -> None:
                try:
                    self._answer(status, payload)
                except OSError:  # the client gave up and hung up: that is the point
                    self.close_connection = True

            def log_message(self, *args):  # keep test output quiet
                pass

        return Handler


def _reply(outcome: str | int | None, account: str, fields: dict) -> tuple[int, dict]:
    if outcome is None:
        return 201, _message(account, fields)
    if outcome == "429":
        return 429, {"code": 20429, "message": "Too Many Requests", "status": 429}
    if outcome == "500":
        return 500, {"code": 20500, "message": "Internal Server Error", "status": 500}
    return 400, {"code": int(outcome), "message": f"Twilio error {outcome}", "status": 400,
                 "more_info": f"https://www.twilio.com/docs/errors/{outcome}"}


def _message(account: str, fields: dict) -> dict:
    sid = "SM" + uuid.uuid4().hex
    return {"sid": sid, "account_sid": account, "status": "queued", "to": fields.get("To"),
            "from": fields.get("From"), "body": fields.get("Body"), "num_segments": "1",
            "direction": "outbound-api", "api_version": "2010-04-01", "price": None,
            "error_code": None, "error_message": None,
            "uri": f"/2010-04-01/Accounts/{account}/Messages/{sid}.json"}


class _Collector:
    """aiosmtpd handler: keeps each accepted message; refuses the addresses it is told to."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.refuse: dict[str, str] = {}  # address -> SMTP reply, e.g. "550 5.1.1 no such user"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content,
                                                policy=policy.default))
        return "250 OK: queued"


class SmtpStandIn:
    """A real SMTP server on 127.0.0.1 that keeps what it is sent; stop() and start() again on
    the same port to play a mail server that is down for a while."""

    def __init__(self):
        self.port = _free_port()
        self._collector = _Collector()
        self._controller: Controller | None = None
        self._started = False

    @property
    def messages(self) -> list[EmailMessage]:
        return self._collector.messages

    def refuse(self, address: str, reply: str) -> None:
        self._collector.refuse[address] = reply

    def start(self) -> "SmtpStandIn":
        try:
            self._listen()
        except OSError:  # another test process took the port between choosing and binding it
            if self._started:
                raise  # a restart must keep its port: the clients know it
            self.port = _free_port()
            self._listen()
        self._started = True
        return self

    def _listen(self) -> None:
        self._controller = Controller(self._collector, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
