"""The shipped examples do what the README says."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO, ids_at

EX = REPO / "examples"


def _checkout(example: str, root: Path) -> str:
    """The example as the root of a git checkout (its evals are judged by its history;
    the example folder alone has none: PG317)."""
    shutil.copytree(EX / example, root, dirs_exist_ok=True)
    return str(root)


def test_failing_example(check_json, committed_repo: Path) -> None:  # type: ignore[no-untyped-def]
    root = _checkout("departmental-pilot-failing", committed_repo)
    code, report = check_json(root, "--root", root)
    assert code == 1
    assert ids_at(report) == [
        ("PG403", "ai-asset.yaml", 28),
        ("PG204", "docs/runbook.md", 9),
        ("PG207", "docs/runbook.md", 15),
    ]
    assert [f["severity"] for f in report["findings"]] == ["error", "warning", "warning"]


def test_failing_example_at_deploy(check_json) -> None:  # type: ignore[no-untyped-def]
    root = str(EX / "departmental-pilot-failing")
    code, report = check_json(root, "--root", root, "--gate", "deploy")
    assert code == 1
    assert {f["severity"] for f in report["findings"]} == {"error"}
    states = {r["id"]: r["state"] for r in report["assets"][0]["requirements"]}
    assert states["runbook"] == "unfilled"
    assert states["privacy_review"] == "missing"
    assert states["model_card"] == "met"


def test_team_sandbox_example_passes(check_json) -> None:  # type: ignore[no-untyped-def]
    code, report = check_json(str(EX / "team-sandbox-passing"))
    assert (code, report["findings"]) == (0, [])


def test_enterprise_example_passes_deploy_with_one_waiver(check_json, committed_repo: Path) -> None:  # type: ignore[no-untyped-def]
    root = _checkout("enterprise-production-passing", committed_repo)
    code, report = check_json(root, "--root", root, "--gate", "deploy")
    assert code == 0, report["findings"]
    [waived] = report["findings"]
    assert (waived["rule_id"], waived["requirement"], waived["waived_by"]["ticket"]) == (
        "PG201", "security_review", "GOV-1234"
    )


def test_text_and_json_list_the_same_findings(run) -> None:  # type: ignore[no-untyped-def]
    import json

    root = str(EX / "departmental-pilot-failing")
    code, text, _ = run("check", root, "--root", root, "--today", "2026-11-22", "--format", "text")
    assert code == 1
    _code, out, _ = run("check", root, "--root", root, "--today", "2026-11-22", "--format", "json")
    findings = json.loads(out)["findings"]
    # The closing hint names the rule of the most severe finding.
    assert text.rstrip().endswith("See `prodgate explain PG403` for what a rule checks and how to fix it.")
    lines = [line.strip() for line in text.splitlines() if " PG" in line and line.startswith("  ")]
    assert [line.split(" ")[:2] for line in lines] == [
        [f"{f['path']}:{f['line']}:{f['column']}", f["rule_id"]] for f in findings
    ]
