"""The README's walk-through, pasted as a newcomer would, against the demo clinic `flask
seed-demo` makes: every command of its shell blocks that calls the API or `flask` runs, at hours
from before opening to late at night, and books a course and confirms it by text."""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from werkzeug.serving import make_server

from scheduler import demo
from scheduler.extensions import db

README = Path(__file__).resolve().parents[2] / "README.md"
NEW_YORK = ZoneInfo("America/New_York")
FLASK = ".venv/bin/flask --app wsgi "
ASSIGNMENT = re.compile(r"^([A-Z_]+)=")


def walk_through() -> list[str]:
    """The commands of the README's shell blocks that use the API (`$API`) or `flask`, in order,
    with continued lines joined."""
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(), re.S)
    commands = [line for block in blocks for line in block.replace("\\\n", " ").splitlines()]
    start = next(i for i, line in enumerate(commands) if line.startswith("API="))
    return [line for line in commands[start:] if "$API" in line or line.startswith(("API=", "COURSE=", FLASK))]


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)


def run(app, server: str, password: str) -> list[str]:
    """Each command as the README has it, but for the printed password and the server's port;
    curl fails on an HTTP error here, so an example that answers 4xx fails the test."""
    variables, outputs = {}, []
    for command in walk_through():
        command = (command.replace("http://127.0.0.1:5000", server).replace("PRINTED-PASSWORD", password)
                   .replace("curl -s ", "curl -sS --fail-with-body "))
        if command.startswith(FLASK):  # in this process: the same database and clock as the server
            result = app.test_cli_runner().invoke(args=shlex.split(command)[3:])
            assert result.exit_code == 0, (command, result.output)
            outputs.append(result.output)
            continue
        assigned = ASSIGNMENT.match(command)
        script = f'{command}\nprintf %s "${assigned.group(1)}"' if assigned else command
        done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], capture_output=True,
                              text=True, timeout=60, env={**os.environ, **variables})
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        if assigned:
            variables[assigned.group(1)] = done.stdout
        outputs.append(done.stdout)
    return outputs


@pytest.mark.parametrize("local_time", [
    "2026-06-01 07:00",  # a Monday, before opening
    "2026-06-03 12:30",  # midweek, open
    "2026-06-05 17:59",  # Friday, a minute before closing
    "2026-06-06 23:30",  # Saturday night, the clinic closed until Monday
    "2026-06-07 03:00",  # Sunday, small hours
])
def test_the_readme_books_a_course_and_confirms_it_by_text_at_any_hour(app, server, clock, local_time):
    clock.set(datetime.fromisoformat(local_time).replace(tzinfo=NEW_YORK))
    with app.app_context():
        passwords = {email: password for email, _role, password in demo.seed().accounts}
        db.session.commit()

    outputs = run(app, server, passwords["frontdesk@demo.clinic"])

    assert '"status":"active"' in outputs[-4].replace(" ", "")  # the course booked
    assert '"purpose":"confirmation"' in outputs[-3].replace(" ", "")
    assert "confirmed" in outputs[-2]  # the reply to C
    assert '"status":"confirmed"' in outputs[-1].replace(" ", "")  # the next session to come
