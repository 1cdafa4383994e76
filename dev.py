#!/usr/bin/env python3
"""Set up and run the service, or its tests, with nothing but Python 3 on the machine.

    python3 dev.py run     # venv, dependencies, migrations, demo clinic, then web and worker
    python3 dev.py test    # venv, test dependencies, then every test (SQLite and PostgreSQL),
                           # on every core (pytest-xdist); what .ci/run runs
    python3 dev.py test --quick [PATH ...]   # the inner loop: SQLite only, no browser, no
                           # fault scenarios, in one process; PATH defaults to every test
    python3 dev.py test --explore            # property tests with random, ten times as many
                           # examples (tests/properties.py); pin what it finds with @example

Other arguments after `test` go to pytest. Only the standard library is used here.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"


def ensure_environment(requirements: str) -> None:
    """Create .venv and install `requirements` into it, again only when the file changed."""
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = _fingerprint(requirements)
    stamp = VENV / f".installed-{requirements}"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    print(f"Installing {requirements} ...", flush=True)
    _run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-r", str(ROOT / requirements))
    stamp.write_text(wanted)


def _fingerprint(requirements: str) -> str:
    digest = hashlib.sha256()
    for name in ("requirements.txt", requirements):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def _run(*args, env: dict | None = None) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)
    if result.returncode:
        sys.exit(result.returncode)


def flask(*args: str) -> list[str]:
    return [str(PYTHON), "-m", "flask", "--app", "wsgi", *args]


def run() -> None:
    ensure_environment("requirements.txt")
    _run(*flask("db", "upgrade"))
    print("\nDemo clinic ready. Staff accounts (passwords kept in instance/demo-accounts.json):", flush=True)
    _run(*flask("seed-demo"))
    host, port = os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "5000")
    print(f"\nServing on http://{host}:{port}  (API under /api/v1, its reference at /docs);"
          "\nthe worker sends due messages to the console channels (see GET /api/v1/notifications)\n",
          flush=True)
    worker = subprocess.Popen(flask("worker"), cwd=ROOT)
    # Stopped by a service manager (SIGTERM): unwind through `finally` so the worker stops too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        web = subprocess.run(flask("run", "--host", host, "--port", port), cwd=ROOT)
    except KeyboardInterrupt:
        web = None
    finally:
        worker.terminate()
        worker.wait(timeout=10)
    sys.exit(web.returncode if web else 0)


def ensure_chromium() -> None:
    """The browser tests drive Debian's Chromium. Install it when missing and we may (root with
    apt-get); otherwise say what is needed: those tests then fail, they never skip."""
    browser = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if Path(browser).exists():
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        print("Installing Debian's chromium for the browser tests ...", flush=True)
        quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-q", "chromium"]
        if subprocess.run(install, env=quiet, stdout=subprocess.DEVNULL).returncode:
            subprocess.run(["apt-get", "update", "-q"], env=quiet, stdout=subprocess.DEVNULL)
            subprocess.run(install, env=quiet, stdout=subprocess.DEVNULL)
    if not Path(browser).exists():
        print(f"Chromium is not at {browser}: install it (Debian: apt-get install chromium) or set "
              "CHROMIUM_PATH; the browser tests will fail without it.", file=sys.stderr, flush=True)


def test(pytest_args: list[str]) -> None:
    ensure_environment("requirements-dev.txt")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    quick = "--quick" in pytest_args
    if "--explore" in pytest_args:
        env["HYPOTHESIS_PROFILE"] = "explore"
    pytest_args = [arg for arg in pytest_args if arg not in ("--quick", "--explore")]
    if quick:
        env["TEST_DATABASES"] = "sqlite"
        pytest_args = ["-p", "no:xdist", "--ignore=tests/browser", "--ignore=tests/faults", *pytest_args]
    else:
        ensure_chromium()
        if not any(arg.startswith(("-n", "--numprocesses", "no:xdist")) for arg in pytest_args):
            # One process per core; worksteal evens out the long tests at the end.
            pytest_args = ["-n", str(os.cpu_count() or 2), "--dist", "worksteal", *pytest_args]
    result = subprocess.run([str(PYTHON), "-m", "pytest", *pytest_args], cwd=ROOT, env=env)
    sys.exit(result.returncode)  # pytest's 5 (no tests ran) fails too, on purpose


def main() -> None:
    command, *rest = sys.argv[1:] or ["help"]
    if command == "run":
        run()
    elif command == "test":
        test(rest)
    else:
        print(__doc__)
        sys.exit(0 if command == "help" else 2)


if __name__ == "__main__":
    main()
