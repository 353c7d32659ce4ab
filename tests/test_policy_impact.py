"""Impact before publishing: ``prodgate policy diff OLD NEW`` says how a candidate policy
differs, stricter or weaker, and ``prodgate register impact --policy NEW`` names the
assets it would newly fail from the register's stored facts, without writing to it."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from conftest import REPO, TODAY, write

RAISED = """\
extends: builtin
apiVersion: prodgate/policy/v1
name: acme
version: "2"
evals:
  minimum_thresholds: {enterprise: {pass_rate: ">= 0.98"}}
"""

MIXED = """\
extends: builtin
apiVersion: prodgate/policy/v1
name: acme
version: "3"
placeholders: {add: [{text: "XXX"}]}
requirements:
  runbook: null
  model_card: {when: {team: active}}
  bias_assessment:
    title: Bias assessment
    artifact: model_card
    when: {enterprise: [production]}
evals:
  minimum_thresholds: {enterprise: {pass_rate: ">= 0.9", toxicity: "<= 0.01"}}
review_cadence_days: {enterprise: 60}
rules:
  PG204: {severity: warning}
exceptions:
  distinct_approvers: false
enforcement: {block_from: 2027-01-31}
"""


def test_policy_diff_says_each_difference_stricter_or_weaker(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    new = write(tmp_path, "new.yaml", MIXED)
    code, out, err = run("policy", "diff", "builtin", str(new))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("--- builtin (sha256:") and lines[1].startswith(f"+++ {new} (sha256:")
    assert lines[2:] == [
        "weaker    requirements.runbook removed",
        "weaker    evals.minimum_thresholds.enterprise.pass_rate lowered from >= 0.95 to >= 0.9",
        "weaker    exceptions.distinct_approvers turned off",
        "weaker    rules.PG204 lowered from error to warning",
        "weaker    enforcement: advisory until 2027-01-31",
        "stricter  placeholders added: XXX",
        "stricter  requirements.bias_assessment added",
        "stricter  requirements.model_card.when.team now applies at sandbox",
        "stricter  evals.minimum_thresholds.enterprise.toxicity added (<= 0.01)",
        "stricter  review_cadence_days.enterprise lowered from 90 to 60",
        "10 difference(s): 5 stricter, 5 weaker",
    ]


def test_policy_diff_the_other_way_round_swaps_every_direction(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    new = write(tmp_path, "new.yaml", MIXED)
    code, out, _err = run("policy", "diff", str(new), "builtin", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["old"]["source"] == str(new) and document["new"]["source"] == "builtin"
    assert document["differences"] == [
        {"direction": "weaker", "change": "placeholders removed: XXX (a list is replaced whole; "
                                          "`placeholders: {add: [...]}` adds to the built-in one)"},
        {"direction": "weaker", "change": "requirements.bias_assessment removed"},
        {"direction": "weaker", "change": "requirements.model_card.when.team no longer applies at sandbox"},
        {"direction": "weaker", "change": "evals.minimum_thresholds.enterprise.toxicity removed (was <= 0.01)"},
        {"direction": "weaker", "change": "review_cadence_days.enterprise raised from 60 to 90"},
        {"direction": "stricter", "change": "requirements.runbook added"},
        {"direction": "stricter", "change": "evals.minimum_thresholds.enterprise.pass_rate raised from >= 0.9 to >= 0.95"},
        {"direction": "stricter", "change": "exceptions.distinct_approvers turned on"},
        {"direction": "stricter", "change": "rules.PG204 raised from warning to error"},
        {"direction": "stricter", "change": "enforcement: no longer advisory until 2027-01-31"},
    ]


def test_policy_diff_of_a_raised_threshold_and_of_equal_policies(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    new = write(tmp_path, "new.yaml", RAISED)
    code, out, _err = run("policy", "diff", "builtin", str(new))
    assert code == 0
    assert out.splitlines()[2:] == [
        "stricter  evals.minimum_thresholds.enterprise.pass_rate raised from >= 0.95 to >= 0.98",
        "1 difference(s): 1 stricter, 0 weaker",
    ]
    code, out, _err = run("policy", "diff", str(new), str(new))
    assert code == 0
    assert out.splitlines()[2:] == ["no difference that makes the new policy stricter or weaker"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("policy", "diff", "builtin"), "the following arguments are required: NEW"),
        (("policy", "diff", "builtin", "nope.yaml"), "nope.yaml: file does not exist"),
        (("policy", "diff", "builtin", "builtin", "--new-sha256", "abc"), "expected 64 hex digits"),
    ],
)
def test_policy_diff_usage_errors_exit_2(tmp_path: Path, run, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...],
                                         message: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    code, out, err = run(*argv)
    assert code == 2
    assert message in err and out == "" and "Traceback" not in err


def _farm(tmp_path: Path) -> Path:
    """Two repositories holding the enterprise example; in ``acme/claims-b`` two more
    answer-quality cases fail, so its pass rate is 0.975: above the built-in 0.95,
    below a raised 0.98 (``acme/claims-a`` has 0.98 exactly)."""
    farm = tmp_path / "farm"
    for name in ("claims-a", "claims-b"):
        root = farm / name
        shutil.copytree(REPO / "examples/enterprise-production-passing", root)
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        subprocess.run(["git", "-C", str(root), "remote", "add", "origin", f"git@github.com:acme/{name}.git"], check=True)
    results = farm / "claims-b/evals/answer-quality.xml"
    text = results.read_text()
    for case in ("case_000", "case_001"):
        text = text.replace(f'name="{case}" time="0.8"/>', f'name="{case}" time="0.8"><failure message="x">x</failure></testcase>')
    results.write_text(text.replace('failures="8"', 'failures="10"'))
    declaration = farm / "claims-b/ai-asset.yaml"
    declaration.write_text(declaration.read_text().replace("claims-status-assistant", "claims-bot-b").replace(
        "name: Maria Garcia\n  email: maria.garcia@example.com", "name: Ben Ito\n  email: ben.ito@example.com"))
    return farm


def _state(db: Path) -> tuple[str, list[str]]:
    """The digest of the register's files (the database and any journal beside it), and
    every row of every table, in order: read after the digest, by a connection closed
    before the next digest is taken."""
    digest = hashlib.sha256(b"".join(p.name.encode() + p.read_bytes() for p in sorted(db.parent.glob(db.name + "*")))).hexdigest()
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        dump = list(conn.iterdump())
    return digest, dump


def test_register_impact_names_who_a_raised_threshold_would_newly_fail_and_writes_nothing(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "reg" / "register.sqlite"
    code, out, err = run("register", "--db", str(db), "scan", str(_farm(tmp_path)), "--jobs", "1", "--today", TODAY)
    assert code == 0, err
    policy = write(tmp_path, "raised.yaml", RAISED)
    before = _state(db)
    assert any("INSERT INTO \"facts\"" in line for line in before[1])
    code, out, err = run("register", "--db", str(db), "impact", "--policy", str(policy), "--today", TODAY)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"impact of {policy} against builtin, on the register's latest snapshots",
        "",
        "would newly fail:",
        "  acme/claims-b claims-bot-b (ai-asset.yaml, enterprise production) — Ben Ito <ben.ito@example.com>: "
        "evals: eval answer-quality: pass_rate 0.975 misses >= 0.98",
        "",
        "1 asset(s) would newly fail, 0 newly required requirement(s) not judged",
        "not judged: risk requirements, artifacts' headings and placeholders, eval results files, rule severities "
        "and discovery are not judged: they need the repository",
    ]
    code, out, _err = run("register", "--db", str(db), "impact", "--policy", str(policy), "--today", TODAY, "--format", "csv")
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [
        ["repository", "asset", "path", "owner", "owner_email", "tier", "stage", "requirement", "outcome", "reason"],
        ["acme/claims-b", "claims-bot-b", "ai-asset.yaml", "Ben Ito", "ben.ito@example.com", "enterprise", "production",
         "evals", "fails", "eval answer-quality: pass_rate 0.975 misses >= 0.98"],
    ]
    code, out, _err = run("register", "--db", str(db), "impact", "--policy", str(policy), "--today", TODAY, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert [(a["repository"], a["asset"], a["requirement"]) for a in document["assets"]] == [("acme/claims-b", "claims-bot-b", "evals")]
    assert "risk requirements" in document["not_judged"]
    # The candidate judged against itself is no news; the register is byte for byte as it was.
    code, out, _err = run("register", "--db", str(db), "impact", "--policy", str(policy), "--against", str(policy), "--today", TODAY)
    assert code == 0 and "would newly fail:" not in out and "0 asset(s) would newly fail" in out
    assert _state(db) == before


def test_register_impact_says_what_it_cannot_judge(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """A requirement newly applied whose state no stored snapshot holds is listed as
    not judged, never as met; a review cadence shortened is judged from the stored date."""
    db = tmp_path / "reg" / "register.sqlite"
    code, _out, err = run("register", "--db", str(db), "scan", str(_farm(tmp_path)), "--jobs", "1", "--today", TODAY)
    assert code == 0, err
    policy = write(tmp_path, "p.yaml", """\
        extends: builtin
        apiVersion: prodgate/policy/v1
        name: acme
        artifacts:
          bias_assessment: {title: Bias assessment}
        requirements:
          bias_assessment: {title: Bias assessment, artifact: bias_assessment, when: {enterprise: [production]}}
        review_cadence_days: {enterprise: 30}
        """.replace("        ", ""))
    code, out, err = run("register", "--db", str(db), "impact", "--policy", str(policy), "--today", TODAY, "--format", "json")
    assert code == 0, err
    assert sorted((a["repository"], a["requirement"], a["outcome"], a["reason"]) for a in json.loads(out)["assets"]) == [
        ("acme/claims-a", "bias_assessment", "unknown", "newly required; the stored facts cannot tell whether it is met"),
        ("acme/claims-a", "review", "fails", "review due 2026-11-14 (every 30 days), overdue"),
        ("acme/claims-b", "bias_assessment", "unknown", "newly required; the stored facts cannot tell whether it is met"),
        ("acme/claims-b", "review", "fails", "review due 2026-11-14 (every 30 days), overdue"),
    ]


def test_register_impact_never_creates_or_migrates_a_register(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "none.sqlite"
    code, _out, err = run("register", "--db", str(missing), "impact", "--policy", "builtin")
    assert code == 2 and "no register there" in err
    assert not missing.exists()
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES ('0001')")
    digest = hashlib.sha256(old.read_bytes()).hexdigest()
    code, _out, err = run("register", "--db", str(old), "impact", "--policy", "builtin")
    assert code == 2 and "the register's schema is 0001, not 0005" in err
    assert hashlib.sha256(old.read_bytes()).hexdigest() == digest


def test_a_snapshot_without_facts_is_not_judged_on_evals(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """An inventory stored before the register kept facts says nothing of its evals:
    requiring evals of it is "not judged", never a failure for evals it cannot see."""
    code, out, err = run("inventory", str(REPO / "examples/team-sandbox-passing"), "--today", TODAY, "--repository", "acme/notes")
    assert code == 0, err
    inventory = tmp_path / "inventory.json"
    inventory.write_text(out)
    db = tmp_path / "reg" / "register.sqlite"
    code, _out, err = run("register", "--db", str(db), "add", str(inventory))
    assert code == 0, err
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("DELETE FROM facts")  # as a snapshot stored at schema 0001 has none
    policy = write(tmp_path, "p.yaml", """\
        extends: builtin
        apiVersion: prodgate/policy/v1
        name: acme
        requirements:
          evals: {when: {team: active}}
        """.replace("        ", ""))
    code, out, err = run("register", "--db", str(db), "impact", "--policy", str(policy), "--today", TODAY, "--format", "json")
    assert code == 0, err
    assert [(a["asset"], a["requirement"], a["outcome"]) for a in json.loads(out)["assets"]] == [
        ("meeting-notes-summariser", "evals", "unknown"),
    ]
