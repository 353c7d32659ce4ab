"""A real PostgreSQL server for the register's tests.

The one on 127.0.0.1:5432 (trust authentication, database ``test``) when it answers;
else one started from the ``postgresql`` package's binaries in a temporary directory;
else the tests fail saying how to get one. Each test gets a schema of its own.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg

HOW = (
    "the register's PostgreSQL tests need a server: run one on 127.0.0.1:5432 with trust "
    "authentication and a database `test` (Debian: apt-get install postgresql; "
    "pg_ctlcluster 15 main start), or install the postgresql package so the tests can start "
    "their own from initdb/pg_ctl"
)


def _answers(dsn: str) -> bool:
    try:
        with psycopg.connect(dsn, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _binaries() -> Path | None:
    for initdb in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True):
        return Path(initdb).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


@contextlib.contextmanager
def server() -> Iterator[str]:
    """A libpq DSN of a server with a database ``test`` this process may use."""
    user = os.environ.get("PGUSER", "postgres")
    local = f"host=127.0.0.1 port=5432 dbname=test user={user}"
    if _answers(local):
        yield local
        return
    bin_dir = _binaries()
    if bin_dir is None:
        raise RuntimeError(HOW)
    with tempfile.TemporaryDirectory(prefix="prodgate-pg-") as tmp:
        data = Path(tmp) / "data"
        run_as: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: run the server as an ordinary user
            account = next((n for n in ("postgres", "nobody") if _exists(n)), None)
            if account is None:
                raise RuntimeError(HOW)
            shutil.chown(tmp, user=account)
            os.chmod(tmp, 0o700)
            run_as = ["runuser", "-u", account, "--"]
        port = _free_port()
        subprocess.run([*run_as, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
                       check=True, capture_output=True)
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(Path(tmp) / "log"),
             "-o", f"-p {port} -h 127.0.0.1 -k {tmp}", "start"],
            check=True, capture_output=True,
        )
        try:
            with psycopg.connect(f"host=127.0.0.1 port={port} dbname=postgres user=postgres", autocommit=True) as conn:
                conn.execute("CREATE DATABASE test")
            yield f"host=127.0.0.1 port={port} dbname=test user=postgres"
        finally:
            subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], check=False,
                           capture_output=True)


def _exists(account: str) -> bool:
    try:
        pwd.getpwnam(account)
        return True
    except KeyError:
        return False


@contextlib.contextmanager
def schema(dsn: str) -> Iterator[str]:
    """A fresh schema; yields the SQLAlchemy URL whose connections use it."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    params = dict(p.split("=", 1) for p in dsn.split())
    url = (
        f"postgresql+psycopg://{params['user']}@{params['host']}:{params['port']}/{params['dbname']}"
        f"?options=-csearch_path%3D{name}"
    )
    try:
        yield url
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')
