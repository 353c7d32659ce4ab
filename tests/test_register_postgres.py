"""The register on a real PostgreSQL server, and many writers at once."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import psycopg

import registerdocs
from conftest import TODAY


def test_ingest_and_report_on_postgresql(tmp_path: Path, run, pg_url: str, pg_dsn: str) -> None:  # type: ignore[no-untyped-def]
    files = registerdocs.write_many(tmp_path / "docs", 6, days=2)
    code, out, err = run("register", "--db", pg_url, "add", str(tmp_path / "docs"))
    assert (code, out) == (0, "register: 6 added, 0 seen, 0 unchanged, 0 kept, 0 refused\n"), err
    code, out, _ = run("register", "--db", pg_url, "add", str(files[0]))
    assert out == "register: 0 added, 0 seen, 1 unchanged, 0 kept, 0 refused\n"
    code, out, _ = run("register", "--db", pg_url, "report", "--format", "json", "--today", TODAY)
    report = json.loads(out)
    latest = [json.loads(f.read_text()) for f in files[3:]]
    assert report["totals"][0]["repositories"] == 3
    assert report["totals"][0]["assets"] == sum(len(d["assets"]) for d in latest)
    schema = pg_url.rsplit("%3D", 1)[1]
    with psycopg.connect(pg_dsn) as conn:  # the tables are where the test put them, not in public
        tables = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,))}
    assert tables == {"alembic_version", "snapshots", "repositories", "assets", "exceptions", "undeclared", "facts", "triage"}


def test_a_bulk_load_leaves_postgresql_statistics_of_the_new_size(tmp_path: Path, run, pg_url: str, pg_dsn: str) -> None:  # type: ignore[no-untyped-def]
    """200 inventories in one run: the tables are analyzed (a planner sizing them as
    empty joined the report's tables with a nested loop); one more file is not."""
    from prodgate.commands.register import BATCH_FILES

    files = registerdocs.write_many(tmp_path / "docs", BATCH_FILES, assets_per_repo=2)
    n_assets = sum(len(json.loads(f.read_text())["assets"]) for f in files)
    code, out, err = run("register", "--db", pg_url, "add", str(tmp_path / "docs"))
    assert (code, out) == (0, f"register: {BATCH_FILES} added, 0 seen, 0 unchanged, 0 kept, 0 refused\n"), err
    schema = pg_url.rsplit("%3D", 1)[1]
    query = ("SELECT relname, reltuples FROM pg_class JOIN pg_namespace n ON n.oid = relnamespace "
             "WHERE nspname = %s AND relname IN ('snapshots', 'assets')")
    with psycopg.connect(pg_dsn) as conn:
        assert dict(conn.execute(query, (schema,)).fetchall()) == {"snapshots": BATCH_FILES, "assets": n_assets}
    one = registerdocs.write_many(tmp_path / "one", 1, seed=99)
    assert run("register", "--db", pg_url, "add", str(one[0]))[0] == 0
    with psycopg.connect(pg_dsn) as conn:  # not analyzed again for one file
        assert dict(conn.execute(query, (schema,)).fetchall())["snapshots"] == BATCH_FILES


def test_postgresql_migrations_match_the_tables(pg_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from prodgate.register.store import open_store
    from prodgate.register.tables import metadata

    engine = open_store(pg_url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    engine.dispose()


def _writers(db: str, files: list[Path], processes: int) -> list[str]:
    """``processes`` CLI processes ingest every file, each in its own order, at once."""
    procs = []
    for seed in range(processes):
        order = [str(f) for f in files]
        random.Random(seed).shuffle(order)
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "prodgate", "register", "--db", db, "add", *order],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
        )
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        outs.append(out)
    return outs


def _added(outs: list[str]) -> Counter[str]:
    total: Counter[str] = Counter()
    for out in outs:
        # register: A added, S seen, U unchanged, K kept, F refused
        for part in out.split(":", 1)[1].strip().split(", "):
            n, what = part.split(" ", 1)
            total[what] += int(n)
    return total


def test_eight_processes_ingest_200_reports_exactly_once_postgresql(tmp_path: Path, pg_url: str, pg_dsn: str) -> None:
    files = registerdocs.write_many(tmp_path / "docs", 200, days=2)
    outs = _writers(pg_url, files, 8)  # a fresh schema: the first writers also race to migrate it
    assert _added(outs) == Counter({"added": 200, "unchanged": 1400, "seen": 0, "kept": 0, "refused": 0})
    schema = pg_url.rsplit("%3D", 1)[1]
    with psycopg.connect(pg_dsn, options=f"-csearch_path={schema}") as conn:
        rows = conn.execute('SELECT repository, "commit", digest, assets FROM snapshots').fetchall()
        n_assets = conn.execute("SELECT count(*) FROM assets").fetchone()
        latest = conn.execute(
            "SELECT r.name, s.generated_at FROM repositories r JOIN snapshots s ON s.id = r.latest_snapshot_id"
        ).fetchall()
    _check_exactly_once(files, rows, n_assets[0] if n_assets else -1, latest)


def test_eight_processes_ingest_200_reports_exactly_once_sqlite(tmp_path: Path) -> None:
    files = registerdocs.write_many(tmp_path / "docs", 200, days=2)
    db = str(tmp_path / "register.sqlite")
    outs = _writers(db, files, 8)
    assert _added(outs)["added"] == 200
    with sqlite3.connect(db) as conn:
        rows = conn.execute('SELECT repository, "commit", digest, assets FROM snapshots').fetchall()
        n_assets = conn.execute("SELECT count(*) FROM assets").fetchone()[0]
        latest = conn.execute(
            "SELECT r.name, s.generated_at FROM repositories r JOIN snapshots s ON s.id = r.latest_snapshot_id"
        ).fetchall()
    _check_exactly_once(files, rows, n_assets, latest)


def test_eight_processes_opening_a_new_sqlite_register_at_once_all_get_in(tmp_path: Path) -> None:
    """Thirty rounds of eight processes creating the same new register together. The
    first to switch the file to WAL holds it for a moment, and SQLite answers the
    others' WAL pragma with "database is locked" without waiting (the busy timeout does
    not cover it): about one round in ten failed before the pragma was retried."""
    import multiprocessing

    import registeropen

    with multiprocessing.get_context("spawn").Pool(8) as pool:
        errors = []
        for round_ in range(30):
            db = str(tmp_path / f"r{round_}" / "register.sqlite")
            errors += [e for e in pool.map(registeropen.open_once, [db] * 8, chunksize=1) if e]
    assert errors == []


def _check_exactly_once(files: list[Path], rows: list[tuple[object, ...]], n_assets: int, latest: list[tuple[object, ...]]) -> None:
    docs = [json.loads(f.read_text()) for f in files]
    expected = Counter((d["repository"]["name"], d["repository"]["commit"]) for d in docs)
    assert Counter((r[0], r[1]) for r in rows) == expected  # every report, once
    assert len(rows) == 200
    assert n_assets == sum(len(d["assets"]) for d in docs)
    newest: dict[str, str] = {}
    for d in docs:
        name = d["repository"]["name"]
        newest[name] = max(newest.get(name, ""), d["generated_at"])
    assert {str(n): str(g) for n, g in latest} == newest  # each repository points at its newest


def test_a_document_postgresql_refuses_costs_the_batch_nothing(tmp_path: Path, run, pg_url: str, pg_dsn: str) -> None:  # type: ignore[no-untyped-def]
    """A real refusal by PostgreSQL (a trigger) in the middle of a batch: the batch is
    rolled back and stored again file by file; only the refused document is missing, and
    it is named with the database's reason."""
    assert run("register", "--db", pg_url, "report", "--format", "json")[0] == 0  # create the register
    schema = pg_url.rsplit("%3D", 1)[1]
    with psycopg.connect(pg_dsn, options=f"-csearch_path={schema}", autocommit=True) as conn:
        conn.execute(
            "CREATE FUNCTION no_poison() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN IF NEW.name = 'poison' THEN RAISE EXCEPTION 'poison is not welcome'; END IF; RETURN NEW; END $$"
        )
        conn.execute("CREATE TRIGGER no_poison BEFORE INSERT ON assets FOR EACH ROW EXECUTE FUNCTION no_poison()")
    files = registerdocs.write_many(tmp_path / "docs", 6)
    poisoned = json.loads(files[3].read_text())
    poisoned["assets"][0]["name"] = "poison"
    files[3].write_text(json.dumps(poisoned))
    code, out, err = run("register", "--db", pg_url, "add", str(tmp_path / "docs"))
    assert code == 2
    [line] = err.splitlines()  # the server's message and its context, on one line
    assert line.startswith(f"prodgate: refused {files[3]}: the database refused it: poison is not welcome")
    assert out == "register: 5 added, 0 seen, 0 unchanged, 0 kept, 1 refused\n"
    with psycopg.connect(pg_dsn, options=f"-csearch_path={schema}") as conn:
        stored = {r[0] for r in conn.execute("SELECT source FROM snapshots")}
        n_assets = conn.execute("SELECT count(*) FROM assets").fetchone()
        n_repos = conn.execute("SELECT count(*) FROM repositories").fetchone()
    assert stored == {str(f) for i, f in enumerate(files) if i != 3}
    assert n_assets is not None and n_assets[0] == sum(len(json.loads(f.read_text())["assets"]) for i, f in enumerate(files) if i != 3)
    assert n_repos is not None and n_repos[0] == 5


def test_impact_on_postgresql_names_the_asset_and_changes_no_row(tmp_path: Path, run, pg_url: str, pg_dsn: str) -> None:  # type: ignore[no-untyped-def]
    from test_policy_impact import RAISED, _farm

    farm = _farm(tmp_path)
    for name in ("claims-a", "claims-b"):
        code, out, err = run("inventory", str(farm / name), "--today", TODAY, "--repository", f"acme/{name}")
        assert code == 0, err
        (tmp_path / f"{name}.json").write_text(out)
        code, _out, err = run("register", "--db", pg_url, "add", str(tmp_path / f"{name}.json"))
        assert code == 0, err
    schema = pg_url.rsplit("%3D", 1)[1]

    def rows() -> dict[str, list[tuple[object, ...]]]:
        with psycopg.connect(pg_dsn, options=f"-csearch_path={schema}") as conn:
            return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                    for t in ("snapshots", "repositories", "assets", "exceptions", "undeclared", "facts", "alembic_version")}

    before = rows()
    assert before["facts"]
    policy = tmp_path / "raised.yaml"
    policy.write_text(RAISED)
    code, out, err = run("register", "--db", pg_url, "impact", "--policy", str(policy), "--today", TODAY, "--format", "csv")
    assert code == 0, err
    assert [line.split(",")[:2] for line in out.splitlines()[1:]] == [["acme/claims-b", "claims-bot-b"]]
    assert rows() == before
