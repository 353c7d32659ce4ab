"""Benchmark: the register's ingest and report against a bare executemany insert.

Generates 10,000 repository inventories (about 50,000 assets), then, for SQLite and
for PostgreSQL, times side by side in one run:

- ``prodgate register add``: read, check and store every file (each checked before
  any of its rows is written), committing every ``BATCH_FILES`` files; the register
  is created (its schema migrated) before the clock starts, as it is for the bare insert;
- a bare insert of the same rows (snapshot, assets, exceptions, undeclared) through
  the same driver (sqlite3, psycopg) with ``executemany`` per file, the rows prepared
  in memory beforehand (so reading, parsing and checking are not counted for it),
  committing as the ingest does (every ``BATCH_FILES`` files: the figure the target is
  judged against), and for scale once per file and once in a single transaction;
- ``prodgate register report --html`` over the result, which draws its charts in a
  second process (matplotlib's import overlaps reading the register): wall time is
  what the target judges; CPU time, the chart process's included, is printed beside it.

    python bench/bench_register.py                        # 10,000 files
    python bench/bench_register.py --files 1000 --no-postgres
    python bench/bench_register.py --pg "host=127.0.0.1 port=5432 dbname=test user=postgres"

Targets: ingest within 3x of the bare insert committing as often; the HTML report of
all assets in less time than ingesting them.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from prodgate.cli import main  # noqa: E402
from prodgate.commands.register import BATCH_FILES  # noqa: E402
from prodgate.register.documents import (  # noqa: E402
    ASSET_FIELDS,
    EXCEPTION_FIELDS,
    UNDECLARED_FIELDS,
    read,
)
from prodgate.register.store import SNAPSHOT_FIELDS, _snapshot_row  # noqa: E402

import registerdocs  # noqa: E402

INGEST_TARGET = 3.0

SNAPSHOT_COLS = SNAPSHOT_FIELDS
ASSET_COLS = ("snapshot_id", *ASSET_FIELDS)
EXC_COLS = ("snapshot_id", *EXCEPTION_FIELDS)
UND_COLS = ("snapshot_id", *UNDECLARED_FIELDS)


def rows_of(files: list[Path]) -> list[tuple[tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """The rows the ingest writes, per file, prepared before any timing."""
    out = []
    for f in files:
        d = read(f)
        snap = _snapshot_row(d, "2026-11-23T00:00:00+00:00")  # the ingest's own row, in SNAPSHOT_FIELDS order
        out.append((snap, d.assets, d.exceptions, d.undeclared or []))
    return out


def _sql(cols: tuple[str, ...], table: str, mark: str) -> str:
    quoted = ", ".join(f'"{c}"' for c in cols)
    return f"INSERT INTO {table} ({quoted}) VALUES ({', '.join([mark] * len(cols))})"


def bare_insert(conn: Any, rows: list[Any], mark: str, returning: bool, every: int) -> float:
    """executemany of the same rows, committing every ``every`` files (0: once at the
    end); the tables exist (created by the register)."""
    snap_sql = _sql(SNAPSHOT_COLS, "snapshots", mark) + (" RETURNING id" if returning else "")
    asset_sql, exc_sql, und_sql = _sql(ASSET_COLS, "assets", mark), _sql(EXC_COLS, "exceptions", mark), _sql(UND_COLS, "undeclared", mark)
    start = time.perf_counter()
    cur = conn.cursor()
    for n, (snap, assets, excs, unds) in enumerate(rows, 1):
        cur.execute(snap_sql, snap)
        sid = cur.fetchone()[0] if returning else cur.lastrowid
        cur.executemany(asset_sql, [(sid, *a) for a in assets])
        if excs:
            cur.executemany(exc_sql, [(sid, *e) for e in excs])
        if unds:
            cur.executemany(und_sql, [(sid, *u) for u in unds])
        if every and n % every == 0:
            conn.commit()
    conn.commit()
    return time.perf_counter() - start


def _cpu() -> float:
    """CPU seconds of this process and of its children waited for (the report's chart
    process): the report runs on two cores, so its wall time alone would flatter it."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(fn: Callable[[], int], cpu: dict[str, float] | None = None, name: str = "") -> float:
    start, start_cpu = time.perf_counter(), _cpu()
    code = fn()
    assert code == 0, code
    if cpu is not None:
        cpu[name] = _cpu() - start_cpu
    return time.perf_counter() - start


def run_side(name: str, db: str, docs: Path, bare: Callable[[int], float], n_assets: int, out: Path) -> None:
    cpu: dict[str, float] = {}
    timed(lambda: main(["register", "--db", db, "report", "--format", "json", "-o", str(out) + ".json"]))  # create it
    ingest = timed(lambda: main(["register", "--db", db, "add", str(docs)]), cpu, "ingest")
    report = timed(lambda: main(["register", "--db", db, "report", "--html", str(out), "--today", "2026-11-02"]), cpu, "report")
    batched = bare(BATCH_FILES)
    per_file = bare(1)
    bulk = bare(0)
    verdict = "met" if ingest / batched <= INGEST_TARGET else "MISSED"
    print(
        f"{name:10} ingest {ingest:7.2f} s | bare executemany {batched:6.2f} s tx per {BATCH_FILES} files, "
        f"{per_file:6.2f} s tx per file, {bulk:6.2f} s one tx "
        f"| ingest/bare {ingest / batched:5.2f} (target <= {INGEST_TARGET}: {verdict}), ingest/bare-per-file "
        f"{ingest / per_file:5.2f}, ingest/one-tx {ingest / bulk:5.2f} "
        f"| HTML report of {n_assets} assets {report:6.2f} s, report/ingest {report / ingest:4.2f} "
        f"(target < 1: {'met' if report < ingest else 'MISSED'}) | page {out.stat().st_size / 1e6:.1f} MB "
        f"| CPU s: ingest {cpu['ingest']:.2f}, report {cpu['report']:.2f} (with its chart process)"
    )


def main_bench() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--pg", default="host=127.0.0.1 port=5432 dbname=test user=postgres")
    ap.add_argument("--no-postgres", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="prodgate-bench-register-") as tmp:
        t = Path(tmp)
        files = registerdocs.write_many(t / "docs", args.files, assets_per_repo=5, days=1)
        rows = rows_of(files)
        n_assets = sum(len(r[1]) for r in rows)
        print(f"{len(files)} inventories, {n_assets} assets, {sum(len(r[2]) for r in rows)} exceptions, "
              f"{sum(len(r[3]) for r in rows)} undeclared uses")

        db = str(t / "register.sqlite")
        bare_db = t / "bare.sqlite"

        def sqlite_bare(every: int) -> float:
            bare_db.unlink(missing_ok=True)
            Path(str(bare_db) + "-wal").unlink(missing_ok=True)
            assert main(["register", "--db", str(bare_db), "report", "--format", "json", "-o", str(t / "x.json")]) == 0
            conn = sqlite3.connect(bare_db)
            conn.execute("PRAGMA journal_mode=WAL")  # the register's own settings
            conn.execute("PRAGMA synchronous=NORMAL")
            try:
                return bare_insert(conn, rows, "?", False, every)
            finally:
                conn.close()

        run_side("SQLite", db, t / "docs", sqlite_bare, n_assets, t / "sqlite.html")

        if not args.no_postgres:
            import psycopg

            params = dict(p.split("=", 1) for p in args.pg.split())
            schemas = []

            def fresh() -> str:
                name = f"bench_{uuid.uuid4().hex[:10]}"
                with psycopg.connect(args.pg, autocommit=True) as c:
                    c.execute(f'CREATE SCHEMA "{name}"')
                schemas.append(name)
                url = (f"postgresql+psycopg://{params['user']}@{params['host']}:{params['port']}/{params['dbname']}"
                       f"?options=-csearch_path%3D{name}")
                assert main(["register", "--db", url, "report", "--format", "json", "-o", str(t / "x.json")]) == 0
                return name

            def pg_bare(every: int) -> float:
                name = fresh()
                with psycopg.connect(args.pg, options=f"-csearch_path={name}") as conn:
                    return bare_insert(conn, rows, "%s", True, every)

            try:
                name = fresh()
                url = (f"postgresql+psycopg://{params['user']}@{params['host']}:{params['port']}/{params['dbname']}"
                       f"?options=-csearch_path%3D{name}")
                run_side("PostgreSQL", url, t / "docs", pg_bare, n_assets, t / "pg.html")
            finally:
                with psycopg.connect(args.pg, autocommit=True) as c:
                    for name in schemas:
                        c.execute(f'DROP SCHEMA "{name}" CASCADE')
    return 0


if __name__ == "__main__":
    raise SystemExit(main_bench())
