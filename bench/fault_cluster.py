"""A PostgreSQL cluster of our own, to restart while workers run.

The machine's server is never touched: `initdb` makes a new cluster in a temporary directory,
owned by the `postgres` user when we run as root (PostgreSQL refuses to run as root), and it
listens on a port of its own on 127.0.0.1. Leaving the `with` block stops it and deletes it,
even after an error.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SERVER_USER = "postgres"  # runs the cluster when we are root


class PrivatePostgres:
    """`with PrivatePostgres() as cluster:` a running cluster; `cluster.url(db)` to reach it,
    `cluster.restart("fast" | "immediate")` to play a database restart."""

    def __init__(self, bin_dir: Path = PG_BIN):
        self.bin_dir = bin_dir
        self.port = _free_port()
        self.home: Path | None = None

    @property
    def data(self) -> Path:
        return self.home / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def __enter__(self) -> "PrivatePostgres":
        if not (self.bin_dir / "pg_ctl").exists():
            raise RuntimeError(f"no PostgreSQL binaries in {self.bin_dir} (set PG_BIN)")
        self.home = Path(tempfile.mkdtemp(prefix="faults_pg_"))
        try:
            if os.geteuid() == 0:
                shutil.chown(self.home, SERVER_USER)
            # --no-sync: a throwaway cluster need not survive a power cut, only a restart.
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                      "-E", "UTF8", "--no-sync")
            try:
                self.start()
            except subprocess.CalledProcessError:  # someone took the port since we chose it
                self.port = _free_port()
                self.start()
        except BaseException:
            self._remove()
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._pg_ctl("stop", "-m", "immediate", check=False)
        finally:
            self._remove()

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 "
                   f"-c unix_socket_directories='{self.home}'")
        self._pg_ctl("start", "-o", options, "-l", str(self.home / "server.log"))

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("stop", "-m", mode)

    def restart(self, mode: str = "fast") -> float:
        """`pg_ctl restart -m MODE` (fast: roll back sessions and shut down cleanly; immediate:
        no clean shutdown, crash recovery on start); seconds until it accepts connections."""
        began = time.monotonic()
        self._pg_ctl("restart", "-m", mode, "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 "
                     f"-c unix_socket_directories='{self.home}'")
        return time.monotonic() - began

    def create_database(self, name: str) -> str:
        admin = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        finally:
            admin.dispose()
        return self.url(name)

    def _pg_ctl(self, *args: str, check: bool = True) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", *args, check=check)

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        user = SERVER_USER if os.geteuid() == 0 else None
        subprocess.run([str(self.bin_dir / program), *args], user=user, cwd=self.home,
                       check=check, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def _remove(self) -> None:
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
