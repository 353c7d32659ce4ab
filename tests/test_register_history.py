"""The register's history and judgement over time, on SQLite and on the machine's
PostgreSQL: observations never rewritten, documents from the future refused, assets
judged as of the report's date, broken declarations listed, what changed since a date,
triage kept across rescans, sharded scans, and hostile or mistaken inputs refused."""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import registerdocs
from conftest import REPO, write

DAY1, DAY2, DAY3 = (
    "2026-11-20T10:00:00+00:00",
    "2026-11-27T10:00:00+00:00",
    "2026-12-04T10:00:00+00:00",
)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A register on each backend: a SQLite file, or a fresh schema of the real server."""
    if request.param == "sqlite":
        yield str(tmp_path / "register.sqlite")
    else:
        yield request.getfixturevalue("pg_url")


def _doc(
    repo: str = "acme/app",
    commit: str = "a" * 40,
    at: str = DAY1,
    assets: int = 2,
    undeclared: int = 0,
) -> dict[str, Any]:
    """An inventory whose content does not depend on ``at``: every asset passes, is
    reviewed until 2027 and has no exception, unless a test says otherwise."""
    doc = registerdocs.inventory(repo, commit, at, assets, random.Random(3), undeclared=undeclared)
    for i, a in enumerate(doc["assets"]):
        a.update(
            tier="team",
            effective_tier="team",
            stage="pilot",
            exceptions=[],
            requirements={"model_card": "met"},
        )
        a["owner"].update(name=f"Owner {i}")
        a["gate"].update(passed=True, errors=0, warnings=0)
        a["review"].update(last_reviewed="2026-06-01", next_due="2027-06-01", overdue=False)
    return doc


def _at(doc: dict[str, Any], at: str) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["generated_at"], out["today"] = at, at[:10]
    return out


def _add(run, db: str, tmp_path: Path, *docs: dict[str, Any]) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    files = []
    for doc in docs:
        f = tmp_path / f"doc-{len(list(tmp_path.glob('doc-*.json')))}.json"
        f.write_text(json.dumps(doc), encoding="utf-8")
        files.append(str(f))
    result: tuple[int, str, str] = run("register", "--db", db, "add", *files)
    return result


def _report(run, db: str, today: str, *extra: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    code, out, err = run(
        "register", "--db", db, "report", "--format", "json", "--today", today, *extra
    )
    assert code == 0, err
    report: dict[str, Any] = json.loads(out)
    return report


def _rows(db: str, sql: str) -> list[tuple[Any, ...]]:
    url = db if "://" in db else f"sqlite:///{db}"
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()


def test_rescans_of_one_commit_keep_every_observation_and_the_trend(
    run, db: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Day 1 two repositories; day 2 a rescan of the same commit of one says the same (seen
    again), of the other says something else (a new observation); day 3 a rescan says what
    day 2 said. Day 1's trend point is what it was, and every observation is kept."""
    app, lib = _doc("acme/app", assets=3), _doc("acme/lib", assets=2)
    assert _add(run, db, tmp_path, _at(app, DAY1), _at(lib, DAY1))[:2] == (
        0,
        "register: 2 added, 0 seen, 0 unchanged, 0 kept, 0 refused\n",
    )
    day1 = _report(run, db, "2026-11-20")["trend"]
    assert day1 == [
        {"date": "2026-11-20", "repositories": 2, "assets": 5, "failing": 0, "undeclared": 0}
    ]
    lib2 = _at(lib, DAY2)
    lib2["assets"][0]["gate"].update(passed=False, errors=1)
    assert (
        _add(run, db, tmp_path, _at(app, DAY2), lib2)[1]
        == "register: 1 added, 1 seen, 0 unchanged, 0 kept, 0 refused\n"
    )
    assert (
        _add(run, db, tmp_path, _at(lib2, DAY3))[1]
        == "register: 0 added, 1 seen, 0 unchanged, 0 kept, 0 refused\n"
    )
    trend = _report(run, db, "2026-12-04")["trend"]
    assert trend[0] == day1[0]
    assert trend[1] == {
        "date": "2026-11-27",
        "repositories": 2,
        "assets": 5,
        "failing": 1,
        "undeclared": 0,
    }
    assert sorted(_rows(db, "SELECT repository, generated_at, last_seen_at FROM snapshots")) == [
        ("acme/app", DAY1, DAY2),
        ("acme/lib", DAY1, DAY1),
        ("acme/lib", DAY2, DAY3),
    ]


def test_a_document_from_the_future_is_refused_and_stores_nothing(
    run, db: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A generated_at in 2031 would stay the repository's latest until 2031: refused, and
    nothing of it is stored."""
    future = _at(_doc(), "2031-01-01T00:00:00+00:00")
    code, out, err = _add(run, db, tmp_path, _at(_doc(), DAY1), future)
    assert code == 2
    assert "$.generated_at '2031-01-01T00:00:00+00:00' is in the future" in err
    assert out == "register: 1 added, 0 seen, 0 unchanged, 0 kept, 1 refused\n"
    assert _rows(db, "SELECT generated_at FROM snapshots") == [(DAY1,)]


def test_an_exception_expiring_after_the_inventory_fails_the_asset_as_of_the_report(
    run, db: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Inventoried on 2026-11-20 with an exception waiving its security review until
    2026-12-01: passed then, failing as of 2026-12-20 (PG503, as the gate would say),
    and the expired exception is listed."""
    doc = _at(_doc(assets=2), DAY1)
    a0 = doc["assets"][0]
    a0["exceptions"] = [
        {
            "requirement": "security_review",
            "ticket": "GOV-7",
            "expires": "2026-12-01",
            "reason": "Pen test booked.",
            "active": True,
            "valid": True,
            "used": True,
        }
    ]
    a0["requirements"] = {"model_card": "met", "security_review": "waived"}
    assert _add(run, db, tmp_path, doc)[0] == 0
    before = _report(run, db, "2026-11-25")
    assert [(a["name"], a["gate"]) for a in before["assets"]] == [
        ("asset-0", "passed"),
        ("asset-1", "passed"),
    ]
    after = _report(run, db, "2026-12-20")
    assert [(a["name"], a["gate"]) for a in after["assets"]] == [
        ("asset-0", "failed"),
        ("asset-1", "passed"),
    ]
    assert after["failing_as_of"] == [
        {
            "repository": "acme/app",
            "asset": "asset-0",
            "reason": "exception GOV-7 (security_review) expired on 2026-12-01 (PG503)",
        }
    ]
    assert [(e["ticket"], e["expired"], e["reason"]) for e in after["lapsed_exceptions"]] == [
        ("GOV-7", "2026-12-01", "Pen test booked.")
    ]
    assert after["totals"][0]["failing"] == 1
    assert [(t["team"], t["failing"], t["passing"]) for t in after["by_team"]] == [("team-a", 1, 1)]
    assert [(p["failing"], p["passing"]) for p in after["by_policy"]] == [(1, 1)]


def test_an_exception_that_waived_nothing_lapses_without_failing(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "r.sqlite")
    doc = _at(_doc(assets=1), DAY1)
    doc["assets"][0]["exceptions"] = [
        {
            "requirement": "model_card",
            "ticket": "GOV-8",
            "expires": "2026-12-01",
            "reason": "",
            "active": True,
            "valid": True,
            "used": False,
        }
    ]
    _add(run, db, tmp_path, doc)
    assert [a["gate"] for a in _report(run, db, "2026-12-20")["assets"]] == [
        "passed"
    ]  # model_card is met


def test_a_review_falling_due_and_an_old_eval_fail_as_of_the_report(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The review cadence and the eval age of the policy given to the report, judged on
    the stored dates as of --today."""
    db = str(tmp_path / "r.sqlite")
    doc = _at(_doc(assets=2), DAY1)
    doc["assets"][0]["review"].update(next_due="2026-12-10")
    doc["assets"][1]["evals"][0]["run_at"] = "2026-11-01T00:00:00+00:00"
    _add(run, db, tmp_path, doc)
    policy = write(
        tmp_path,
        "p.yaml",
        "apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme\n"
        "evals: {max_age_days: {team: 30}}\n",
    )
    assert [
        a["gate"] for a in _report(run, db, "2026-11-25", "--policy", str(policy))["assets"]
    ] == ["passed", "passed"]
    late = _report(run, db, "2026-12-20", "--policy", str(policy))
    assert [r["reason"] for r in late["failing_as_of"]] == [
        "review due 2026-12-10, overdue (PG603)",
        "eval quality ran 2026-11-01, more than 30 days before 2026-12-20 (PG308)",
    ]


def test_a_broken_declaration_is_an_asset_row_in_state_broken(run, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = _at(_doc(assets=1), DAY1)
    doc["broken_declarations"] = [
        {
            "path": "svc/ai-asset.yaml",
            "line": 4,
            "rule_id": "PG103",
            "message": "tier: 'galactic' is not one of team, ...",
        },
        {"path": "svc/ai-asset.yaml", "line": 9, "rule_id": "PG104", "message": "unknown key ownr"},
    ]
    assert _add(run, db, tmp_path, doc)[0] == 0
    report = _report(run, db, "2026-11-22")
    broken = [a for a in report["assets"] if a["gate"] == "broken"]
    assert [
        (a["name"], a["path"], a["tier"], a["stage"], a["errors"], a["error"]) for a in broken
    ] == [
        (
            "svc/ai-asset.yaml",
            "svc/ai-asset.yaml",
            "unknown",
            "unknown",
            2,
            "PG103 (line 4): tier: 'galactic' is not one of team, ...; PG104 (line 9): unknown key ownr",
        ),
    ]
    assert (
        report["totals"][0]["broken"],
        report["totals"][0]["failing"],
        report["totals"][0]["assets"],
    ) == (1, 1, 2)


def test_since_lists_each_kind_of_change(run, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Between the observation before 2026-11-25 and the latest by 2026-12-20: one of each
    kind of change, judged each at its own date, in text and JSON."""
    old = _at(_doc(assets=6, undeclared=1), DAY1)
    old["assets"][5]["exceptions"] = [
        {
            "requirement": "security_review",
            "ticket": "GOV-1",
            "expires": "2027-03-01",
            "reason": "",
            "active": True,
            "valid": True,
            "used": True,
        }
    ]
    old["assets"][1]["gate"].update(passed=False, errors=2)
    new = _at(copy.deepcopy(old), DAY2)
    del new["assets"][4]  # asset-4 removed
    a = {x["name"]: x for x in new["assets"]}
    a["asset-0"]["gate"].update(passed=False, errors=1)  # newly failing
    a["asset-1"]["gate"].update(passed=True, errors=0)  # fixed
    a["asset-2"].update(
        tier="enterprise", effective_tier="enterprise", stage="production"
    )  # tier and stage
    a["asset-3"]["owner"]["name"] = "Grace Hopper"  # owner
    a["asset-5"]["exceptions"] = []  # lapsed
    a["asset-3"]["exceptions"] = [
        {
            "requirement": "runbook",
            "ticket": "GOV-2",
            "expires": "2027-01-31",
            "reason": "",
            "active": True,
            "valid": True,
            "used": True,
        }
    ]  # granted
    extra = copy.deepcopy(a["asset-3"])
    extra.update(name="asset-9", path="services/asset-9/ai-asset.yaml", exceptions=[])
    new["assets"].append(extra)  # added
    new["undeclared"].append(
        {
            "path": "jobs/nightly.py",
            "line": 2,
            "kind": "sdk-import",
            "signature": "import anthropic",
            "provider": "anthropic",
            "model": None,
        }
    )
    assert _add(run, db, tmp_path, old, new)[0] == 0
    code, out, err = run(
        "register",
        "--db",
        db,
        "report",
        "--since",
        "2026-11-25",
        "--today",
        "2026-12-20",
        "--format",
        "json",
    )
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["since"], doc["today"]) == ("2026-11-25", "2026-12-20")
    got = [(c["asset"], c["change"], c["before"], c["after"]) for c in doc["changes"]]
    assert got == [
        ("asset-0", "newly failing", "passed", "failed; failing when scanned on 2026-11-27"),
        ("asset-1", "fixed", "failed; failing when scanned on 2026-11-20", "passed"),
        ("asset-2", "tier changed", "team", "enterprise"),
        ("asset-2", "stage changed", "pilot", "production"),
        ("asset-3", "owner changed", "Owner 3", "Grace Hopper"),
        ("asset-3", "exception granted", "", "GOV-2 (runbook) until 2027-01-31"),
        ("asset-4", "removed", "services/asset-4/ai-asset.yaml", ""),
        ("asset-5", "exception lapsed", "GOV-1 (security_review) until 2027-03-01", ""),
        ("asset-9", "added", "", "team pilot"),
        ("", "new undeclared AI", "", "sdk-import anthropic"),
    ]
    assert {c["change"] for c in doc["changes"]} == {
        "added",
        "removed",
        "newly failing",
        "fixed",
        "tier changed",
        "stage changed",
        "owner changed",
        "new undeclared AI",
        "exception granted",
        "exception lapsed",
    }
    code, text, _ = run(
        "register", "--db", db, "report", "--since", "2026-11-25", "--today", "2026-12-20"
    )
    assert code == 0
    assert (
        text.splitlines()[0] == "changes from 2026-11-25 to 2026-12-20 (each judged as of its date)"
    )
    assert (
        "  acme/app asset-2 (services/asset-2/ai-asset.yaml): tier changed: team -> enterprise"
        in text.splitlines()
    )
    assert (
        "  acme/app - (jobs/nightly.py): new undeclared AI: sdk-import anthropic"
        in text.splitlines()
    )
    # the default: the week before --today, here nothing (the latest observation is of 2026-11-27)
    code, out, _ = run(
        "register", "--db", db, "report", "--since", "--today", "2026-12-20", "--format", "json"
    )
    assert (code, json.loads(out)["since"], json.loads(out)["changes"]) == (0, "2026-12-13", [])


def test_an_exception_expiring_between_the_dates_is_newly_failing_and_lapsed(
    run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """One observation only: the change is time's, judged at each date."""
    db = str(tmp_path / "r.sqlite")
    doc = _at(_doc(assets=1), DAY1)
    doc["assets"][0]["exceptions"] = [
        {
            "requirement": "security_review",
            "ticket": "GOV-7",
            "expires": "2026-12-01",
            "reason": "",
            "active": True,
            "valid": True,
            "used": True,
        }
    ]
    doc2 = _at(doc, DAY2)  # a rescan saying the same: the one observation, seen again
    assert _add(run, db, tmp_path, doc, doc2)[1].startswith("register: 1 added, 1 seen")
    code, out, _ = run(
        "register",
        "--db",
        db,
        "report",
        "--since",
        "2026-11-25",
        "--today",
        "2026-12-20",
        "--format",
        "json",
    )
    assert code == 0
    assert [(c["change"], c["after"]) for c in json.loads(out)["changes"]] == [
        (
            "newly failing",
            "failed; exception GOV-7 (security_review) expired on 2026-12-01 (PG503)",
        ),
        ("exception lapsed", ""),
    ]


def test_triage_is_validated_and_survives_a_rescan(run, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = _at(_doc(assets=1, undeclared=2), DAY1)
    _add(run, db, tmp_path, doc)
    code, out, err = run(
        "register",
        "--db",
        db,
        "triage",
        "acme/app",
        "scripts/tool1.py",
        "--state",
        "false-positive",
        "--note",
        "a test double",
    )
    assert (code, out, err) == (
        0,
        "register: acme/app scripts/tool1.py: false-positive (a test double)\n",
        "",
    )
    later = _at(doc, DAY2)
    later["undeclared"][0]["line"] = 40  # a rescan: another snapshot, the code moved
    later["tool"]["version"] = "0.1.1"
    assert _add(run, db, tmp_path, later)[1].startswith("register: 1 added")
    locations = _report(run, db, "2026-11-28")["undeclared_locations"]
    assert [(u["path"], u["line"], u["triage"], u["note"]) for u in locations] == [
        ("scripts/tool0.py", 40, "", ""),
        ("scripts/tool1.py", 4, "false-positive", "a test double"),
    ]
    # decided again: replaced, not added
    assert (
        run(
            "register", "--db", db, "triage", "acme/app", "scripts/tool1.py", "--state", "declared"
        )[0]
        == 0
    )
    assert _rows(db, "SELECT repository, path, state, note FROM triage") == [
        ("acme/app", "scripts/tool1.py", "declared", "")
    ]


@pytest.mark.parametrize(
    ("repo", "path", "why"),
    [
        ("acme", "a.py", "is not owner/name"),
        ("acme/app/x", "a.py", "is not owner/name"),
        ("ac me/app", "a.py", "is not owner/name"),
        ("acme/..", "a.py", "is not owner/name"),
        ("acme/app", "../../evil-org/phish/x.py", "is not a path inside the repository"),
        ("acme/app", "src/../../x.py", "is not a path inside the repository"),
        ("acme/app", "/etc/passwd", "is not a path inside the repository"),
        ("acme/app", "javascript:alert(1)", "is not a path inside the repository"),
        ("acme/app", "src//x.py", "is not a path inside the repository"),
        ("acme/app", "src\\x.py", "is not a path inside the repository"),
        ("acme/app", "src/x\n.py", "is not a path inside the repository"),
    ],
)
def test_triage_refuses_what_is_not_a_repository_or_a_path_inside_it(
    run, tmp_path: Path, repo: str, path: str, why: str
) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "r.sqlite"
    code, out, err = run("register", "--db", str(db), "triage", repo, path, "--state", "accepted")
    assert (code, out) == (2, "")
    assert why in err
    assert not db.exists()  # refused before the register is opened


def _checkouts(farm: Path, names: list[str], commit: bool = False) -> None:
    declaration = (REPO / "examples/team-sandbox-passing/ai-asset.yaml").read_text()
    for name in names:
        root = farm / name
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        subprocess.run(
            ["git", "-C", str(root), "remote", "add", "origin", f"git@github.com:acme/{name}.git"],
            check=True,
        )
        write(root, "ai-asset.yaml", declaration.replace("meeting-notes-summariser", f"{name}-bot"))
        if commit:
            subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
            subprocess.run(
                [
                    "git",
                    "-C",
                    str(root),
                    "-c",
                    "user.name=t",
                    "-c",
                    "user.email=t@example.com",
                    "commit",
                    "-qm",
                    "x",
                ],
                check=True,
            )


def test_shards_partition_the_checkouts_exactly(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Three shards of eight checkouts: every repository is scanned by exactly one shard,
    the one the hash of its name says, whatever order the folders are listed in."""
    from prodgate.register.scan import shard_of

    names = [f"repo-{i}" for i in range(8)]
    _checkouts(tmp_path / "farm", names)
    stored: dict[int, list[str]] = {}
    for k in (1, 2, 3):
        db = str(tmp_path / f"shard-{k}.sqlite")
        code, _out, err = run(
            "register",
            "--db",
            db,
            "scan",
            str(tmp_path / "farm"),
            "--shard",
            f"{k}/3",
            "--jobs",
            "1",
            "--today",
            "2026-11-22",
            "--no-discover",
        )
        assert code == 0, err
        stored[k] = sorted(r[0] for r in _rows(db, "SELECT name FROM repositories"))
    every = [n for k in (1, 2, 3) for n in stored[k]]
    assert sorted(every) == sorted(f"acme/{n}" for n in names)  # each once, none missing
    assert all(shard_of(n, 3) == k for k in (1, 2, 3) for n in stored[k])
    assert all(stored.values())  # eight names do spread over three shards
    assert {shard_of(f"acme/{n}", 3) for n in names} == {1, 2, 3}
    for bad in ("0/3", "4/3", "3", "a/b", "1/0"):
        code, _out, err = run(
            "register",
            "--db",
            str(tmp_path / "x.sqlite"),
            "scan",
            str(tmp_path / "farm"),
            "--shard",
            bad,
        )
        assert code == 2 and "--shard" in err
        assert not (tmp_path / "x.sqlite").exists()  # refused before the register is opened


def test_shard_of_is_a_function_of_the_name_alone() -> None:
    from prodgate.register.scan import shard_of

    names = [f"org-{i}/repo-{j}" for i in range(20) for j in range(50)]
    for n in (1, 2, 7, 16):
        shards = [shard_of(name, n) for name in names]
        assert set(shards) == set(range(1, n + 1))
        assert shards == [shard_of(name, n) for name in reversed(names)][::-1]


def test_a_checkout_whose_head_did_not_change_is_skipped_unless_full(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _checkouts(tmp_path / "farm", ["one", "two"], commit=True)
    db = str(tmp_path / "r.sqlite")
    args = (
        "register",
        "--db",
        db,
        "scan",
        str(tmp_path / "farm"),
        "--jobs",
        "1",
        "--today",
        "2026-11-22",
        "--no-discover",
    )
    assert run(*args)[:2] == (0, "register: 2 added, 0 seen, 0 unchanged, 0 kept, 0 refused\n")
    seen = _rows(db, "SELECT last_seen_at FROM snapshots ORDER BY repository")
    code, out, _ = run(*args)
    assert (code, out) == (
        0,
        "register: 0 added, 0 seen, 0 unchanged, 0 kept, 0 refused, 2 skipped (HEAD unchanged; --full scans them)\n",
    )
    assert (
        _rows(db, "SELECT last_seen_at FROM snapshots ORDER BY repository") >= seen
    )  # seen now, not stale
    write(tmp_path / "farm/two", "README.md", "changed\n")
    subprocess.run(["git", "-C", str(tmp_path / "farm/two"), "add", "-A"], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(tmp_path / "farm/two"),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-qm",
            "y",
        ],
        check=True,
    )
    assert (
        run(*args)[1]
        == "register: 1 added, 0 seen, 0 unchanged, 0 kept, 0 refused, 1 skipped (HEAD unchanged; --full scans them)\n"
    )
    code, out, _ = run(*args, "--full")
    assert code == 0 and "skipped" not in out and "0 added" in out


def test_stale_repositories_by_the_policy_s_rescan_interval(run, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _add(run, db, tmp_path, _at(_doc("acme/old"), DAY1), _at(_doc("acme/new"), DAY3))
    assert [
        s["repository"] for s in _report(run, db, "2026-12-10")["stale_repositories"]
    ] == []  # 30 days by default
    stale = _report(run, db, "2026-12-25")["stale_repositories"]
    assert [(s["repository"], s["days"], s["rescan_interval_days"]) for s in stale] == [
        ("acme/old", 35, 30)
    ]
    policy = write(
        tmp_path,
        "p.yaml",
        "apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme\n"
        "register: {rescan_interval_days: 7}\n",
    )
    stale = _report(run, db, "2026-12-25", "--policy", str(policy))["stale_repositories"]
    assert [(s["repository"], s["days"]) for s in stale] == [("acme/old", 35), ("acme/new", 21)]


@pytest.mark.parametrize(
    "text",
    [
        '{"inventory_version": 1, "inventory_version": 1}',
        None,  # a real inventory whose first asset names its gate twice
    ],
)
def test_a_document_repeating_a_key_is_refused(
    run, db: str, tmp_path: Path, text: str | None
) -> None:  # type: ignore[no-untyped-def]
    if text is None:
        raw = json.dumps(_at(_doc(), DAY1))
        text = raw.replace(
            '"gate": {"passed": true',
            '"gate": {"passed": false, "errors": 9, "warnings": 0, "waived": 0}, '
            '"gate": {"passed": true',
            1,
        )
    f = tmp_path / "dup.json"
    f.write_text(text, encoding="utf-8")
    code, out, err = run("register", "--db", db, "add", str(f))
    assert code == 2
    key = "inventory_version" if text.startswith('{"inventory_version": 1, "inv') else "gate"
    assert f"the key '{key}' appears twice in one object" in err
    assert out.endswith("0 added, 0 seen, 0 unchanged, 0 kept, 1 refused\n")


def test_a_db_that_is_not_a_database_is_a_usage_error_naming_it(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    notdb = tmp_path / "notes.sqlite"
    notdb.write_bytes(b"These are meeting notes, not a database. " * 40)
    for command in (
        ("report", "--format", "json"),
        ("add", str(tmp_path)),
        ("impact", "--policy", "builtin"),
    ):
        code, out, err = run("register", "--db", str(notdb), *command)
        assert (code, out) == (2, ""), command
        assert str(notdb) in err and "not a register database" in err, (command, err)
    assert notdb.read_bytes() == b"These are meeting notes, not a database. " * 40


def test_alembic_s_own_command_line_runs_the_shipped_migrations(
    run, db: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """``alembic -c …/alembic.ini -x db=… upgrade|current|history`` on a register of
    either backend; prodgate then takes the register as it is."""
    import prodgate.register

    ini = Path(prodgate.register.__file__).parent / "migrations" / "alembic.ini"

    def alembic(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-I", "-m", "alembic", "-c", str(ini), "-x", f"db={db}", *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    alembic("upgrade", "0003")
    assert alembic("current").strip() == "0003"
    alembic("upgrade", "head")
    assert alembic("current").strip() == "0005 (head)"
    assert "0004 -> 0005 (head)" in alembic("history")
    assert _rows(db, "SELECT version_num FROM alembic_version") == [("0005",)]
    assert _rows(db, "SELECT count(*) FROM triage") == [(0,)]
    assert _add(run, db, tmp_path, _at(_doc(), DAY1))[0] == 0  # and prodgate takes it as it is


def test_the_register_page_shows_the_shipped_matrix_workflow() -> None:
    page = (REPO / "docs/inventory-and-register.md").read_text(encoding="utf-8")
    shipped = (REPO / "examples/workflows/register-scan.yml").read_text(encoding="utf-8")
    assert f"```yaml\n{shipped}```" in page


def test_shards_scanned_at_once_into_one_postgresql_store_each_repository_once(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A matrix's four jobs at the same time, one PostgreSQL register (migrated by
    whichever job comes first): every repository stored exactly once, by its shard."""
    url = request.getfixturevalue("pg_url")
    names = [f"repo-{i}" for i in range(8)]
    _checkouts(tmp_path / "farm", names)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "prodgate",
                "register",
                "--db",
                url,
                "scan",
                str(tmp_path / "farm"),
                "--shard",
                f"{k}/4",
                "--jobs",
                "1",
                "--today",
                "2026-11-22",
                "--no-discover",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in (1, 2, 3, 4)
    ]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outs
    added = sum(int(out.split(": ", 1)[1].split(" ", 1)[0]) for out, _err in outs)
    assert added == 8
    assert sorted(r[0] for r in _rows(url, "SELECT repository FROM snapshots")) == sorted(
        f"acme/{n}" for n in names
    )


def test_an_exception_longer_than_the_report_s_policy_allows_fails_as_of_the_report(
    run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The grant date and approvers travel with the exception (here as a declaration
    writes them); the report's policy limits exceptions of tier team to 90 days."""
    db = str(tmp_path / "r.sqlite")
    doc = _at(_doc(assets=1), DAY1)
    doc["assets"][0]["exceptions"] = [
        {
            "requirement": "security_review",
            "ticket": "GOV-9",
            "expires": "2027-06-01",
            "granted": "2026-11-01",
            "approvals": {
                "ciso": "Ann Example",
                "business_executive": {"name": "Bo Example", "github": "bo"},
            },
            "reason": "Vendor audit pending.",
            "active": True,
            "valid": True,
            "used": True,
        }
    ]
    _add(run, db, tmp_path, doc)
    assert _rows(db, "SELECT reason, granted, approvers FROM exceptions") == [
        ("Vendor audit pending.", "2026-11-01", "ciso: Ann Example; business_executive: Bo Example")
    ]
    assert [a["gate"] for a in _report(run, db, "2026-11-25")["assets"]] == ["passed"]
    policy = write(
        tmp_path,
        "p.yaml",
        "apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme\n"
        "exceptions: {max_days: {team: 90}}\n",
    )
    late = _report(run, db, "2026-11-25", "--policy", str(policy))
    assert [r["reason"] for r in late["failing_as_of"]] == [
        "exception GOV-9 (security_review) runs 212 days, longer than the 90 days allowed for tier 'team' (PG504)"
    ]
