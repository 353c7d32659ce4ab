"""Who judged, in the register: each snapshot keeps the policy (name, version, digest,
source) and each asset its ``owner.team``; the report shows compliance by team and by
policy version, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from conftest import REPO, TODAY, write

Run = Callable[..., tuple[int, str, str]]
POLICY_V1 = "apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme-ai\nversion: '1.9'\n"
POLICY_V2 = POLICY_V1.replace("'1.9'", "'1.10'") + "review_cadence_days: {team: 1}\n"


def _checkout(farm: Path, name: str, team: str, *, failing: bool = False) -> Path:
    root = farm / name
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "remote", "add", "origin", f"git@github.com:acme/{name}.git"], check=True)
    text = (REPO / "examples/team-sandbox-passing/ai-asset.yaml").read_text().replace("meeting-notes-summariser", f"{name}-bot")
    text = text.replace("team: platform-engineering", f"team: {team}")
    assert f"team: {team}" in text
    if failing:
        text = text.replace("stage: sandbox", "stage: production")
    write(root, "ai-asset.yaml", text)
    return root


def _inventories(tmp_path: Path, run: Run) -> list[Path]:
    """Three repositories' inventories: two judged by acme-ai 1.9, one by 1.10; teams
    payments (one passing, one failing) and claims."""
    farm = tmp_path / "farm"
    v1, v2 = write(tmp_path, "v1.yaml", POLICY_V1), write(tmp_path, "v2.yaml", POLICY_V2)
    out = []
    for name, team, policy, failing in (
        ("billing", "payments", v1, False), ("ledger", "payments", v1, True), ("claims", "claims", v2, False),
    ):
        root = _checkout(farm, name, team, failing=failing)
        inv = tmp_path / f"{name}.json"
        code, _out, err = run("inventory", str(root), "--today", TODAY, "--policy", str(policy), "-o", str(inv))
        assert code == 0, err
        out.append(inv)
    return out


def _report(run: Run, db: str) -> dict[str, Any]:
    code, out, err = run("register", "--db", db, "report", "--format", "json", "--today", TODAY)
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


def _check(tmp_path: Path, run: Run, db: str) -> dict[str, Any]:
    files = _inventories(tmp_path, run)
    code, _out, err = run("register", "--db", db, "add", *map(str, files))
    assert code == 0, err
    report = _report(run, db)
    assert report["by_team"] == [
        {"team": "payments", "assets": 2, "passing": 1, "failing": 1, "compliance": 0.5},
        {"team": "claims", "assets": 1, "passing": 1, "failing": 0, "compliance": 1.0},
    ]
    rows = [{k: r[k] for k in ("policy", "version", "repositories", "assets", "failing")}
            for r in report["by_policy"] if r["policy"]]
    assert rows == [
        {"policy": "acme-ai", "version": "1.9", "repositories": 2, "assets": 2, "failing": 1},
        {"policy": "acme-ai", "version": "1.10", "repositories": 1, "assets": 1, "failing": 0},
    ]
    assert all(len(r["digest"]) == 64 for r in report["by_policy"] if r["policy"])
    return report


def test_register_stores_policy_and_team_sqlite(tmp_path: Path, run: Run) -> None:
    db = str(tmp_path / "reg.sqlite")
    _check(tmp_path, run, db)
    with sqlite3.connect(db) as conn:
        stored = conn.execute(
            "SELECT repository, policy_name, policy_version, policy_source FROM snapshots ORDER BY repository"
        ).fetchall()
    assert stored == [
        ("acme/billing", "acme-ai", "1.9", str(tmp_path / "v1.yaml")),
        ("acme/claims", "acme-ai", "1.10", str(tmp_path / "v2.yaml")),
        ("acme/ledger", "acme-ai", "1.9", str(tmp_path / "v1.yaml")),
    ]
    code, out, _ = run("register", "--db", db, "report", "--format", "csv", "--table", "by_team", "--today", TODAY)
    assert (code, out.splitlines()[0]) == (0, "team,assets,passing,failing,compliance")
    html = tmp_path / "register.html"
    assert run("register", "--db", db, "report", "--html", str(html), "--today", TODAY)[0] == 0
    page = html.read_text(encoding="utf-8")
    assert "Compliance by team" in page and "Compliance by policy version" in page


def test_a_register_at_0001_keeps_its_snapshots_and_learns_policies(tmp_path: Path, run: Run) -> None:
    """A register written before 0003 (at 0001 here) is migrated in place: its snapshots stay, with no
    policy recorded, and new ones record theirs."""
    from alembic import command
    from alembic.config import Config

    from prodgate.register import store

    db = str(tmp_path / "old.sqlite")
    engine = sa.create_engine(f"sqlite:///{db}")
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(store.__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(sa.text(
            "INSERT INTO snapshots (repository, \"commit\", kind, digest, generated_at, gate, tool_version, source, "
            "ingested_at, assets, failed) VALUES ('acme/old', 'c', 'inventory', 'd', '2026-11-01T00:00:00+00:00', "
            "'merge', '0.1.0', 'old.json', '2026-11-01T00:00:00+00:00', 0, 0)"
        ))
        conn.execute(sa.text("INSERT INTO repositories VALUES ('acme/old', 1, '2026-11-01T00:00:00+00:00')"))
    engine.dispose()
    report = _check(tmp_path, run, db)
    assert report["by_policy"][0] == {
        "policy": "", "version": "", "digest": "", "repositories": 1, "assets": 0, "passing": 0, "failing": 0,
        "compliance": None,
    }


def test_register_stores_policy_and_team_postgresql(tmp_path: Path, run: Run, pg_url: str) -> None:
    _check(tmp_path, run, pg_url)
