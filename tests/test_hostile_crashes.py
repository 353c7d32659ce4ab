"""Hostile input that used to crash the gate (SIGSEGV or exit 3) is one finding at its
line, and the rest of the report still comes out.

The crashing cases run in a child process: a regression that kills the interpreter
must fail its test, not the whole test run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import TEAM_SANDBOX, TODAY, ids_at, write

DASHES = "- " * 30_000
"""One line of 30,000 compact block sequences (60 KB, within the declaration limit):
libyaml's composer recursed in C and overflowed its stack on it."""


def _cli(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRODGATE_DEBUG": ""}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, "-m", "prodgate", *argv],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=120, check=False,
    )


def _good_neighbour(repo: Path) -> None:
    """A second, valid asset: its result must still be in the report."""
    write(repo, "ok/ai-asset.yaml", TEAM_SANDBOX.replace("notes-summariser", "ok-asset"))


def _check(repo: Path) -> tuple[int, dict[str, object]]:
    proc = _cli("check", "--format", "json", "--today", TODAY, str(repo))
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def test_a_line_of_dashes_in_a_declaration_is_one_finding(repo: Path) -> None:
    write(repo, "bad/ai-asset.yaml", TEAM_SANDBOX + "models:\n" + DASHES + "\n")
    _good_neighbour(repo)
    code, report = _check(repo)
    assert code == 1
    assert ids_at(report) == [("PG101", "bad/ai-asset.yaml", 9)]  # type: ignore[arg-type]
    [finding] = report["findings"]  # type: ignore[misc]
    assert finding["message"] == "nested more than 256 levels deep on one line; refused"
    assert [a["name"] for a in report["assets"]] == ["ok-asset"]  # type: ignore[attr-defined]


def test_a_line_of_dashes_in_validate(repo: Path) -> None:
    write(repo, "ai-asset.yaml", DASHES + "\n")
    write(repo, "ok/ai-asset.yaml", TEAM_SANDBOX)
    proc = _cli("validate", "ai-asset.yaml", "ok/ai-asset.yaml", cwd=repo)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines()[0] == (
        "ai-asset.yaml:1:1 PG101 error: nested more than 256 levels deep on one line; refused"
    )
    assert "FAILED: 1 error in 1 of 2 files" in proc.stdout


def test_a_line_of_dashes_in_a_policy_is_a_configuration_error(repo: Path, tmp_path: Path) -> None:
    policy = write(tmp_path, "org.yaml", "extends: builtin\napiVersion: prodgate/policy/v1\nname: a\nplaceholders:\n" + DASHES + "\n")
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    proc = _cli("check", str(repo), "--policy", str(policy))
    assert (proc.returncode, proc.stdout) == (2, "")
    assert f"{policy}:5:1" in proc.stderr
    assert "nested more than 256 levels deep on one line" in proc.stderr


@pytest.mark.parametrize(
    ("fmt", "rule", "line", "text"),
    [
        ("prodgate", "PG304", 10, "invalid YAML: nested more than 256 levels deep on one line; refused"),
        ("auto", "PG305", 11, "not JSON, JUnit XML or a model card, and not valid YAML either "
         "(nested more than 256 levels deep on one line; refused)"),
    ],
)
def test_a_line_of_dashes_in_yaml_eval_results(repo: Path, fmt: str, rule: str, line: int, text: str) -> None:
    write(repo, "results.yaml", "format: prodgate/eval/v1\nmetrics:\n  pass_rate: 0.9\nnotes:\n" + "  " + DASHES + "\n")
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + f"evals:\n  - name: quality\n    results: results.yaml\n    format: {fmt}\n")
    _good_neighbour(repo)
    code, report = _check(repo)
    assert code == 0  # declared evals at sandbox are warnings
    found = [(f["rule_id"], f["line"], f["message"]) for f in report["findings"]]  # type: ignore[attr-defined]
    assert found == [(rule, line, f"eval 'quality': results.yaml:5: {text}")]
    assert sorted(a["name"] for a in report["assets"]) == ["notes-summariser", "ok-asset"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        ("? " + "1" * 5000 + "\n: 1\n", 8,
         "invalid value: integer '11111111111111111111...1111111111' has 5,000 digits; numbers this long are refused"),
        ("2026-13-45: 1\n", 8,
         "invalid value: date '2026-13-45' does not exist (month must be in 1..12)"),
        ("description: " + "9" * 5000 + "\n", 8,
         "invalid value: integer '99999999999999999999...9999999999' has 5,000 digits; numbers this long are refused"),
    ],
    ids=["5000-digit-key", "impossible-date-key", "5000-digit-value"],
)
def test_scalars_that_do_not_construct_are_one_finding(  # type: ignore[no-untyped-def]
    repo: Path, check_json, extra: str, line: int, message: str
) -> None:
    write(repo, "bad/ai-asset.yaml", TEAM_SANDBOX + extra)
    _good_neighbour(repo)
    code, report = check_json(str(repo))
    assert code == 1
    assert ids_at(report) == [("PG101", "bad/ai-asset.yaml", line)]
    assert report["findings"][0]["message"] == message
    assert [a["name"] for a in report["assets"]] == ["ok-asset"]


@pytest.mark.parametrize(
    ("results", "text"),
    [
        ("format: prodgate/eval/v1\nmetrics: {pass_rate: 0.9}\nrun_at: 9999-12-31T23:59:59-12:00\n",
         "results.out:3: `run_at` '9999-12-31T23:59:59-12:00' is not an ISO 8601 date or time in the years 1-9999 (UTC)"),
        ('{"format": "prodgate/eval/v1",\n "metrics": {"pass_rate": 0.9},\n "run_at": "9999-12-31T23:59:59-12:00"}\n',
         "results.out:3: `run_at` '9999-12-31T23:59:59-12:00' is not an ISO 8601 date or time in the years 1-9999 (UTC)"),
    ],
    ids=["yaml-timestamp", "json-string"],
)
def test_run_time_beyond_year_9999_in_utc_is_one_finding(  # type: ignore[no-untyped-def]
    repo: Path, check_json, results: str, text: str
) -> None:
    write(repo, "results.out", results)
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + "evals:\n  - name: quality\n    results: results.out\n")
    _good_neighbour(repo)
    code, report = check_json(str(repo))
    assert code == 0
    [finding] = report["findings"]
    assert (finding["rule_id"], finding["line"]) == ("PG304", 10)
    assert finding["message"] == f"eval 'quality': {text}"
    assert sorted(a["name"] for a in report["assets"]) == ["notes-summariser", "ok-asset"]


def test_promptfoo_timestamp_beyond_year_9999_is_no_run_time(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    # The reader keeps the metrics and treats the time as absent: no crash, no age.
    body = {
        "evalId": "e",
        "results": {"version": 3, "timestamp": "9999-12-31T23:59:59-12:00", "prompts": [], "results": [
            {"success": True, "score": 1, "provider": {"id": "openai:gpt-4o-mini"}}
        ], "stats": {"successes": 1, "failures": 0}},
    }
    write(repo, "results.json", json.dumps(body))
    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox", "stage: production") + "evals:\n  - name: quality\n    results: results.json\n")
    code, report = check_json(str(repo))
    assert code == 1
    assert ("PG311", "ai-asset.yaml", 10) in ids_at(report)  # no run time: no age, from git or file
    assert report["assets"][0]["evals"][0]["run_at"] is None


def test_symlink_loop_as_declaration_is_one_finding(repo: Path) -> None:
    (repo / "loop").mkdir()
    (repo / "loop" / "ai-asset.yaml").symlink_to("ai-asset.yaml")
    _good_neighbour(repo)
    code, report = _check(repo)
    assert code == 1
    assert ids_at(report) == [("PG102", "loop/ai-asset.yaml", 0)]  # type: ignore[arg-type]
    assert report["findings"][0]["message"] == (  # type: ignore[index]
        "declaration is a symlink loop (or a chain of symlinks too long to follow); refused"
    )
    assert [a["name"] for a in report["assets"]] == ["ok-asset"]  # type: ignore[attr-defined]


def test_symlink_loop_as_artifact_is_one_finding(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    (repo / "docs").mkdir()
    (repo / "docs" / "card.md").symlink_to("card.md")
    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot") + "artifacts:\n  model_card: docs/card.md\n")
    code, report = check_json(str(repo))
    assert code == 1
    assert ids_at(report) == [("PG208", "ai-asset.yaml", 9)]
    assert "is a symlink loop" in report["findings"][0]["message"]
