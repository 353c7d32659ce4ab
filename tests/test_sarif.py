"""SARIF 2.1.0: valid against the official schema, with the rule registry, stable
fingerprints, repository-relative locations and waived findings as suppressions."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gha import copy_example, finding, report
from prodgate.reporters.sarif import fingerprint, normalise, to_sarif
from prodgate.rules.registry import RULES

from conftest import SARIF_SCHEMA, TODAY

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def repo(committed_repo: Path) -> Path:
    """The examples have evals: a checkout with history (see conftest)."""
    return committed_repo


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def _check(validator: Any, log: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def _sarif(repo: Path, run: Run, *extra: str) -> tuple[int, dict[str, Any]]:
    out = repo.parent / "out.sarif"
    code, _, err = run("check", str(repo), "--today", TODAY, "--format", f"sarif={out}", *extra)
    assert out.exists(), err
    return code, json.loads(out.read_text(encoding="utf-8"))


def test_failing_example_is_valid_sarif(repo: Path, run: Run, validator: Any) -> None:
    copy_example(repo / "apps" / "support")
    code, log = _sarif(repo, run)
    assert code == 1
    _check(validator, log)
    [sarif_run] = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "prodgate"
    assert [r["id"] for r in driver["rules"]] == sorted(RULES)
    pg403 = driver["rules"][[r["id"] for r in driver["rules"]].index("PG403")]
    assert pg403["name"] == "risk-artifact-missing"
    assert pg403["defaultConfiguration"] == {"level": "error"}
    assert "GDPR Art. 35" in pg403["properties"]["tags"] and "risk" in pg403["properties"]["tags"]
    assert pg403["help"]["text"].startswith(RULES["PG403"].help)
    assert sarif_run["automationDetails"]["id"] == "prodgate/merge/"
    first = sarif_run["results"][0]
    assert first["ruleId"] == "PG403"
    assert driver["rules"][first["ruleIndex"]]["id"] == "PG403"
    assert first["level"] == "error"
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "apps/support/ai-asset.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 28, "startColumn": 1},
    }
    assert [r["level"] for r in sarif_run["results"]] == ["error", "warning", "warning"]


def test_deploy_gate_has_its_own_category(repo: Path, run: Run) -> None:
    copy_example(repo / "app")
    _, log = _sarif(repo, run, "--gate", "deploy")
    assert log["runs"][0]["automationDetails"]["id"] == "prodgate/deploy/"


def test_waived_finding_is_a_suppressed_result(repo: Path, run: Run, validator: Any) -> None:
    copy_example(repo / "app", waived=True)
    code, log = _sarif(repo, run)
    assert code == 0
    _check(validator, log)
    [waived] = [r for r in log["runs"][0]["results"] if "suppressions" in r]
    assert waived["ruleId"] == "PG403"
    [sup] = waived["suppressions"]
    assert sup["kind"] == "external" and sup["status"] == "accepted"
    assert sup["justification"].startswith("exception GOV-1234, expires 2026-12-31: DPIA under way")


def test_fingerprints_survive_moved_lines(repo: Path, run: Run) -> None:
    app = copy_example(repo / "app")
    _, before = _sarif(repo, run)
    decl = app / "ai-asset.yaml"
    decl.write_text("# a comment that moves every line\n\n" + decl.read_text(encoding="utf-8"), encoding="utf-8")
    runbook = app / "docs" / "runbook.md"
    runbook.write_text("\n\n\n" + runbook.read_text(encoding="utf-8"), encoding="utf-8")
    _, after = _sarif(repo, run)
    fps = [[r["partialFingerprints"] for r in log["runs"][0]["results"]] for log in (before, after)]
    lines = [[r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in log["runs"][0]["results"]] for log in (before, after)]
    assert fps[0] == fps[1]
    assert lines[0] != lines[1]
    assert len({next(iter(fp.values())) for fp in fps[0]}) == 3


def test_normalise_drops_places_only() -> None:
    assert normalise('contains "TODO" (line 9), "<fill in>" (lines 13-14) at a.md:3:1') == (
        'contains "TODO" (line), "<fill in>" (lines) at a.md'
    )
    assert fingerprint(finding(line=3, message="x (line 3)")) == fingerprint(finding(line=30, message="x (line 30)"))
    assert fingerprint(finding(message="x")) != fingerprint(finding(message="y"))


def test_hostile_file_names_stay_valid(validator: Any) -> None:
    log = to_sarif(report([finding(path="docs/a:b,c %0A d#e.md", line=0, col=0)]))
    _check(validator, log)
    loc = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "docs/a%3Ab%2Cc%20%250A%20d%23e.md"
    assert loc["region"] == {"startLine": 1}


def test_unknown_rule_gets_a_descriptor(validator: Any) -> None:
    log = to_sarif(report([finding(rule="PG999")]))
    _check(validator, log)
    result = log["runs"][0]["results"][0]
    assert log["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "PG999"


def test_output_option_writes_sarif(repo: Path, run: Run) -> None:
    copy_example(repo / "app")
    target = repo.parent / "o.sarif"
    code, out, _ = run("check", str(repo), "--today", TODAY, "--format", "sarif", "--output", str(target))
    assert code == 1 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"
