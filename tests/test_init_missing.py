"""``prodgate init --add-missing``: the command the fixes of PG201, PG202 and PG403 name.

The tests follow each fix literally: take the command out of the finding, run it, and
check that the finding is gone and that nothing that existed was overwritten.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import TEAM_SANDBOX, TODAY, write

Run = Callable[..., tuple[int, str, str]]

PILOT = TEAM_SANDBOX.replace("tier: team", "tier: departmental").replace("stage: sandbox", "stage: pilot") + """\
business_owner: {name: Raj Patel, email: raj@example.com}
data_sources:
  - name: tickets
    classification: confidential
    personal_data: true
artifacts:
  model_card: docs/model-card.md   # the card
"""


def _findings(run: Run, repo: Path) -> list[dict[str, Any]]:
    _code, out, _err = run("check", str(repo), "--today", TODAY, "--format", "json")
    findings: list[dict[str, Any]] = json.loads(out)["findings"]
    return findings


def _follow(run: Run, fix: str, monkeypatch: pytest.MonkeyPatch, repo: Path) -> tuple[int, str, str]:
    """Run the first `prodgate ...` command a fix names, from the repository root."""
    m = re.search(r"`prodgate ([^`]+)`", fix)
    assert m, fix
    monkeypatch.chdir(repo)
    return run(*shlex.split(m.group(1)))


def test_fix_of_pg403_and_pg202_adds_the_stubs(repo: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo, "svc/ai-asset.yaml", PILOT)
    findings = _findings(run, repo)
    by_rule = {f["rule_id"]: f for f in findings}
    assert {"PG403", "PG202"} <= set(by_rule)
    fix = by_rule["PG403"]["fix"]
    assert fix.startswith("Run `prodgate init --add-missing svc`: it declares `privacy_review: docs/privacy-review.md`")
    assert by_rule["PG202"]["fix"].startswith("Run `prodgate init --add-missing svc` to write it from the template")

    code, out, err = _follow(run, fix, monkeypatch, repo)
    assert (code, err) == (0, "")
    assert "created svc/docs/model-card.md\n" in out
    assert "created svc/docs/privacy-review.md\n" in out
    # the runbook too: the deploy gate wants it at this tier and stage
    assert "updated svc/ai-asset.yaml (artifacts: privacy_review, runbook)\n" in out
    text = (repo / "svc/ai-asset.yaml").read_text()
    assert text == PILOT + "  privacy_review: docs/privacy-review.md\n  runbook: docs/runbook.md\n"
    rules = {f["rule_id"] for f in _findings(run, repo)}
    assert not rules & {"PG201", "PG202", "PG403"}
    assert "PG204" in rules  # the stubs are still the template: the next thing to do


def test_never_overwrites(repo: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo, "svc/ai-asset.yaml", PILOT)
    write(repo, "svc/docs/privacy-review.md", "mine\n")
    monkeypatch.chdir(repo)
    code, out, _ = run("init", "--add-missing", "svc")
    assert code == 0
    assert "kept    svc/docs/privacy-review.md (exists)\n" in out
    assert (repo / "svc/docs/privacy-review.md").read_text() == "mine\n"
    again = run("init", "--add-missing", "svc")
    assert again[0] == 0 and "nothing to add" in again[1]
    assert (repo / "svc/ai-asset.yaml").read_text().count("privacy_review") == 1


def test_flow_mapping_is_left_alone_and_the_lines_printed(repo: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    text = PILOT.replace("artifacts:\n  model_card: docs/model-card.md   # the card\n", "artifacts: {model_card: docs/card.md}\n")
    write(repo, "svc/ai-asset.yaml", text)
    monkeypatch.chdir(repo)
    code, out, _ = run("init", "--add-missing", "svc")
    assert code == 0
    assert "add to `artifacts:` in svc/ai-asset.yaml:\n  privacy_review: docs/privacy-review.md\n" in out
    assert (repo / "svc/ai-asset.yaml").read_text() == text


def test_no_artifacts_key_appends_one(repo: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    text = TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot")
    write(repo, "svc/ai-asset.yaml", text)
    findings = _findings(run, repo)
    pg201 = next(f for f in findings if f["rule_id"] == "PG201")
    code, _out, _err = _follow(run, pg201["fix"], monkeypatch, repo)
    assert code == 0
    assert (repo / "svc/ai-asset.yaml").read_text().startswith(text + "artifacts:\n  model_card: docs/model-card.md\n")
    assert "PG201" not in {f["rule_id"] for f in _findings(run, repo)}


def test_no_declaration_is_a_usage_error(repo: Path, run: Run) -> None:
    code, out, err = run("init", "--add-missing", str(repo))
    assert (code, out) == (2, "")
    assert "no ai-asset.yaml here; create one with `prodgate init --name NAME --tier TIER" in err


def test_new_asset_still_needs_name_and_tier(repo: Path, run: Run) -> None:
    code, _out, err = run("init", str(repo / "x"))
    assert code == 2
    assert "--name and --tier required for a new asset" in err


def test_existing_declaration_points_at_add_missing(repo: Path, run: Run) -> None:
    write(repo, "svc/ai-asset.yaml", PILOT)
    code, _out, err = run("init", "--name", "x", "--tier", "team", str(repo / "svc"))
    assert code == 2
    assert "prodgate init --add-missing" in err
