"""Command-line tasks: `flask --app wsgi users create|set-password ...`, `seed-demo`, `worker`
and `sms-in` (a patient's text, as if Twilio had brought it)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .models.staff import ROLES
from .services import staff
from .services.errors import Conflict

users = AppGroup("users", help="Staff accounts.")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, role: str, password_stdin: bool) -> None:
    """Create a staff account with the given role."""
    password = _read_password(password_stdin)
    try:
        user = staff.create_staff(email, password, role)
    except Conflict as error:
        raise click.ClickException(error.message) from None
    click.echo(f"created {role} account {user.id}")


@users.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_user_password(email: str, password_stdin: bool) -> None:
    """Give a staff account a new password (a forgotten one; every sign-in made with it ends)."""
    from sqlalchemy import func, select

    from .extensions import db
    from .models import StaffUser

    user = db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower()))
    if user is None:
        raise click.ClickException("no staff account has this email")
    password = _read_password(password_stdin)
    try:
        staff.set_password(user, password)
    except Conflict as error:
        raise click.ClickException(error.message) from None
    click.echo(f"new password set for account {user.id}")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Set up the demo clinic once (chairs, treatments, patients, courses, a day in progress and
    its messages); print the staff accounts, whose passwords are kept in the instance folder."""
    from .demo import seed

    saved_at = Path(current_app.config.get("DEMO_ACCOUNTS_PATH")
                    or Path(current_app.instance_path) / DEMO_ACCOUNTS_FILE)
    seeded = seed(_saved_passwords(saved_at))
    if seeded.new_clinic:
        # Notifications' part of the story, from its own code: scheduler never imports it.
        from notifications.demo import seed_history

        seed_history()
    _save_passwords(saved_at, {email: password for email, _role, password in seeded.accounts})
    for email, role, password in seeded.accounts:
        click.echo(f"  {role:<11} {email:<28} password: {password}")


# In instance/, which is never committed (.gitignore); DEMO_ACCOUNTS_PATH elsewhere (tests).
DEMO_ACCOUNTS_FILE = "demo-accounts.json"


def _saved_passwords(path: Path) -> dict[str, str]:
    try:
        saved = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {email: password for email, password in saved.items()
            if isinstance(email, str) and isinstance(password, str)} if isinstance(saved, dict) else {}


def _save_passwords(path: Path, passwords: dict[str, str]) -> None:
    """Readable by this user alone: the file holds working passwords."""
    if _saved_passwords(path) == passwords:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # the mode above applies only to a file made new
    with os.fdopen(descriptor, "w") as file:
        json.dump(passwords, file, indent=2)


@click.command("worker")
def worker() -> None:
    """Send due notifications until interrupted (several may run at once on PostgreSQL)."""
    from flask import current_app

    from notifications.worker import run_forever

    run_forever(current_app._get_current_object())


@click.command("sms-in")
@click.argument("phone")
@click.argument("text")
@with_appcontext
def sms_in(phone: str, text: str) -> None:
    """Act on a text from PHONE as if it came through Twilio's webhook; print the reply.

    For trying replies (C, STOP, START, HELP, a check-in score) where no Twilio account signs
    webhooks, e.g. the demo. The same handling as the webhook, so it records and changes the same.
    """
    import uuid

    from notifications.services import inbound

    from . import clock

    # Twilio's MessageSid keys each text so a retry acts once; a text typed here is always new.
    twilio_answers = current_app.config["SMS_OPT_OUT_REPLIES"] == "twilio"
    reply = inbound.receive(f"CLI{uuid.uuid4().hex}", phone, text, clock.now(), twilio_answers)
    click.echo(reply if reply else "(no reply from the service: the number texted STOP, or Twilio "
                                   "answers this word itself, see SMS_OPT_OUT_REPLIES)")


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(seed_demo)
    app.cli.add_command(worker)
    app.cli.add_command(sms_in)
