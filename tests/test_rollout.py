"""Rollout modes: a policy, a rule or a tier can be advisory, for good or until a date.

Advisory findings are reported as they are, marked with the date they start to block,
counted apart, and do not fail the gate. ``--today`` decides the date. The policy that
says so is never the pull request's own.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gitrepo import commit, init

from conftest import TEAM_SANDBOX, write

Run = Callable[..., tuple[int, str, str]]

PILOT = TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot")  # needs a model card: PG201
BLOCK_FROM = """\
apiVersion: prodgate/policy/v1
extends: builtin
name: central
rules:
  PG201: {enforcement: {block_from: 2027-01-31}}
"""


def _check(run: Run, repo: Path, policy: Path, today: str, *more: str) -> tuple[int, dict[str, Any], str]:
    code, out, err = run("check", str(repo), "--policy", str(policy), "--today", today, "--format", "json", *more)
    return code, json.loads(out), err


def test_block_from_in_the_future_reports_and_passes(repo: Path, tmp_path: Path, run: Run) -> None:
    write(repo, "ai-asset.yaml", PILOT)
    policy = write(tmp_path, "policy.yaml", BLOCK_FROM)
    code, report, err = _check(run, repo, policy, "2027-01-30")
    assert code == 0, err
    [finding] = report["findings"]
    assert finding["rule_id"] == "PG201" and finding["severity"] == "error"
    assert finding["advisory"] == "advisory — blocks from 2027-01-31"
    assert finding["message"].endswith("(advisory — blocks from 2027-01-31)")
    assert report["passed"] is True
    assert report["summary"]["errors"] == 0 and report["summary"]["advisory"] == 1
    code, out, _err = run("check", str(repo), "--policy", str(policy), "--today", "2027-01-30")
    assert code == 0
    assert "error" in out and "(advisory — blocks from 2027-01-31)" in out
    assert "passed: 0 errors, 0 warnings, 1 advisory (not blocking yet)" in out
    code, out, _err = run("check", str(repo), "--policy", str(policy), "--today", "2027-01-30", "--format", "markdown")
    assert code == 0 and "1 advisory" in out


def test_block_from_today_or_in_the_past_fails(repo: Path, tmp_path: Path, run: Run) -> None:
    write(repo, "ai-asset.yaml", PILOT)
    policy = write(tmp_path, "policy.yaml", BLOCK_FROM)
    for today in ("2027-01-31", "2027-06-01"):
        code, report, _err = _check(run, repo, policy, today)
        assert code == 1
        [finding] = report["findings"]
        assert finding["advisory"] is None and "advisory" not in finding["message"]
        assert report["summary"]["errors"] == 1 and report["summary"]["advisory"] == 0


def test_advisory_by_policy_and_by_tier(repo: Path, tmp_path: Path, run: Run) -> None:
    write(repo, "team/ai-asset.yaml", PILOT)
    write(repo, "dept/ai-asset.yaml", PILOT.replace("name: notes-summariser", "name: dept-bot").replace(
        "tier: team", "tier: departmental") + "business_owner: {name: Raj Patel, email: raj@example.com}\n")
    # The whole policy advisory, but enforced for departmental assets.
    policy = write(tmp_path, "policy.yaml", """\
        apiVersion: prodgate/policy/v1
        extends: builtin
        name: central
        enforcement: {mode: advisory, tiers: {departmental: {mode: enforce}}}
        """)
    code, report, _err = _check(run, repo, policy, "2026-11-22")
    assert code == 1
    by_asset = {a["name"]: a for a in report["assets"]}
    assert by_asset["notes-summariser"]["passed"] is True
    assert by_asset["dept-bot"]["passed"] is False
    team = [f for f in report["findings"] if f["asset"] == "notes-summariser"]
    assert team and all(f["advisory"] == "advisory" for f in team)
    assert all(f["advisory"] is None for f in report["findings"] if f["asset"] == "dept-bot")
    # A rule's own setting wins over the policy's.
    strict_rule = write(tmp_path, "strict.yaml", """\
        apiVersion: prodgate/policy/v1
        extends: builtin
        name: central
        enforcement: {mode: advisory}
        rules:
          PG201: {enforcement: {mode: enforce}}
        """)
    code, report, _err = _check(run, repo / "team", strict_rule, "2026-11-22")
    assert code == 1
    assert [(f["rule_id"], f["advisory"]) for f in report["findings"]] == [("PG201", None)]


def test_advisory_is_named_as_a_weakening(tmp_path: Path, run: Run) -> None:
    policy = write(tmp_path, "policy.yaml", BLOCK_FROM)
    code, out, _err = run("policy", "--policy", str(policy), "--format", "json")
    assert code == 0
    assert json.loads(out)["weaker"] == ["rules.PG201.enforcement: advisory until 2027-01-31"]


def test_an_invalid_date_is_a_policy_error(tmp_path: Path, run: Run) -> None:
    policy = write(tmp_path, "policy.yaml", BLOCK_FROM.replace("2027-01-31", "2027-31-01"))
    code, out, err = run("policy", "--policy", str(policy))
    assert (code, out) == (2, "")
    assert err == f"prodgate: error: {policy}:5:37: invalid value: date '2027-31-01' does not exist (month must be in 1..12)\n"
    policy.write_text(BLOCK_FROM.replace("2027-01-31", "soon"), encoding="utf-8")
    code, out, err = run("policy", "--policy", str(policy))
    assert (code, out) == (2, "")
    assert f"{policy}:5:37: rules.PG201.enforcement.block_from:" in err


@pytest.mark.parametrize("weakening", [
    "enforcement: {mode: advisory}\n",
    "rules:\n  PG201: {enforcement: {block_from: 2099-01-01}}\n",
])
def test_a_pull_request_cannot_make_its_own_gate_advisory(tmp_path: Path, run: Run, weakening: str) -> None:
    """The policy in the repository is read from the base commit: a change that makes
    it advisory is judged by the policy it changes (and PG702 says it changed it)."""
    repo = init(tmp_path / "repo")
    policy = write(repo, ".github/prodgate.yaml", "apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme\n")
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    base = commit(repo, "base")
    write(repo, "ai-asset.yaml", PILOT)
    policy.write_text(policy.read_text(encoding="utf-8") + weakening, encoding="utf-8")
    commit(repo, "advisory")
    code, report, _err = _check(run, repo, policy, "2026-11-22", "--base", base)
    assert code == 1
    rules = {f["rule_id"]: f for f in report["findings"]}
    assert rules["PG201"]["advisory"] is None
    assert "PG702" in rules
