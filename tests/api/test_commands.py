"""The staff-account commands an operator runs: create an account, set a forgotten password."""
from __future__ import annotations

from scheduler.services.staff import sign_in


def test_an_operator_creates_an_account_then_sets_a_forgotten_password(app):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["users", "create", "Head.Nurse@Test.Clinic", "--role", "monitoring",
                               "--password-stdin"], input="first long password\n")
    assert made.exit_code == 0, made.output
    reset = runner.invoke(args=["users", "set-password", "head.nurse@test.clinic", "--password-stdin"],
                          input="second long password\n")
    assert reset.exit_code == 0, reset.output
    with app.app_context():
        assert sign_in("head.nurse@test.clinic", "second long password").role == "monitoring"


def test_setting_a_password_for_no_account_or_a_short_one_fails_plainly(app):
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["users", "set-password", "nobody@test.clinic", "--password-stdin"],
                            input="a long password here\n")
    assert missing.exit_code == 1 and "no staff account has this email" in missing.output
    runner.invoke(args=["users", "create", "desk@test.clinic", "--role", "front_desk", "--password-stdin"],
                  input="first long password\n")
    short = runner.invoke(args=["users", "set-password", "desk@test.clinic", "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
