"""Eval freshness against real git histories built in tmp_path."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from conftest import DATA, FILLED_MODEL_CARD, TODAY, write

LM_EVAL = DATA / "lm-eval" / "cpu_regression_expected.json"

ASSET = """\
apiVersion: prodgate/v1
name: reply-drafter
tier: team
stage: production
owner:
  name: Ada Lovelace
  email: ada@example.com
models:
  - provider: openai
    name: gpt-4o-mini
paths: ["prompts/**", "config/model.yaml"]
artifacts:
  model_card: docs/card.md
evals:
  - name: quality
    results: evals/results.json
    thresholds: { pass_rate: ">= 0.9" }
"""
RESULTS_LINE = 16
EVAL_LINE = 15


def git(cwd: Path, *args: str, when: str = "2026-11-20T10:00:00+00:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ada",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def commit(cwd: Path, message: str, when: str = "2026-11-20T10:00:00+00:00") -> str:
    git(cwd, "add", "-A")
    git(cwd, "commit", "-q", "-m", message, when=when)
    return git(cwd, "rev-parse", "HEAD")


def results(run_at: str | None = "2026-11-20T10:00:00Z", pass_rate: float = 0.93) -> str:
    doc: dict[str, Any] = {"format": "prodgate/eval/v1", "metrics": {"pass_rate": pass_rate}}
    if run_at:
        doc["run_at"] = run_at
    return json.dumps(doc)


def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "work"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root, "ai-asset.yaml", ASSET)
    write(root, "docs/card.md", FILLED_MODEL_CARD)
    write(root, "prompts/reply.txt", "Draft a polite reply to: {{ticket}}\n")
    write(root, "config/model.yaml", "temperature: 0.2\n")
    write(root, "evals/results.json", results())
    commit(root, "Reply drafter with eval results")
    return root


def pg3(report: dict[str, Any]) -> list[tuple[str, int]]:
    return [(f["rule_id"], f["line"]) for f in report["findings"] if f["rule_id"].startswith("PG3")]


def message(report: dict[str, Any], rule: str) -> str:
    [found] = [f["message"] for f in report["findings"] if f["rule_id"] == rule]
    return found


def test_fresh_results_pass(tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    code, report = check_json(str(root))
    assert (code, report["findings"]) == (0, [])


def test_prompt_changed_after_results_is_stale(tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    first = git(root, "rev-parse", "HEAD")
    write(root, "prompts/reply.txt", "Draft a short, polite reply to: {{ticket}}\n")
    second = commit(root, "Shorter replies", when="2026-11-21T09:00:00+00:00")
    code, report = check_json(str(root))
    assert code == 1
    assert pg3(report) == [("PG309", RESULTS_LINE)]
    assert message(report, "PG309") == (
        f"eval 'quality': evals/results.json was last committed in {first[:12]} (2026-11-20), "
        f"but prompts/reply.txt changed after it in {second[:12]} (2026-11-21); "
        "the results no longer describe the system"
    )
    [finding] = report["findings"]
    assert finding["related"]["path"] == "prompts/reply.txt"
    # Re-running the eval and committing the results makes it fresh again.
    write(root, "evals/results.json", results("2026-11-21T10:00:00Z"))
    commit(root, "Re-run evals", when="2026-11-21T10:00:00+00:00")
    code, report = check_json(str(root))
    assert (code, pg3(report)) == (0, [])


def test_regenerated_but_uncommitted_results_are_not_stale(tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "config/model.yaml", "temperature: 0.7\n")
    commit(root, "Warmer")
    write(root, "evals/results.json", results("2026-11-22T08:00:00Z", 0.95))
    code, report = check_json(str(root))
    assert (code, pg3(report)) == (0, [])


def test_changes_outside_the_inputs_do_not_make_results_stale(tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "docs/card.md", FILLED_MODEL_CARD + "\nMore detail.\n")
    write(root, "ai-asset.yaml", ASSET.replace("email: ada@example.com", "email: ada.l@example.com"))
    commit(root, "Docs and owner email")
    code, report = check_json(str(root))
    assert (code, pg3(report)) == (0, [])


def test_declared_model_changed_after_results_is_stale(tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "ai-asset.yaml", ASSET.replace("name: gpt-4o-mini", "name: gpt-4.1-mini"))
    commit(root, "Move to gpt-4.1-mini", when="2026-11-21T09:00:00+00:00")
    code, report = check_json(str(root))
    assert (code, pg3(report)) == (1, [("PG309", RESULTS_LINE)])
    assert "but `models:` in ai-asset.yaml changed after it in" in message(report, "PG309")


def test_eval_inputs_override_paths(tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "ai-asset.yaml", ASSET + '    inputs: ["config/**"]\n')
    commit(root, "Narrow eval inputs")
    write(root, "evals/results.json", results("2026-11-21T08:00:00Z"))
    commit(root, "Re-run")
    write(root, "prompts/reply.txt", "Changed prompt\n")
    commit(root, "Prompt change: not an input of this eval any more")
    code, report = check_json(str(root))
    assert (code, pg3(report)) == (0, [])
    write(root, "config/model.yaml", "temperature: 0.9\n")
    commit(root, "Model settings")
    code, report = check_json(str(root))
    assert (code, pg3(report)) == (1, [("PG309", RESULTS_LINE)])
    assert "but config/model.yaml changed after it" in message(report, "PG309")


def test_age_from_commit_time_when_the_file_states_none(tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "ai-asset.yaml", ASSET.replace("evals/results.json", "evals/lm.json").replace(
        'pass_rate: ">= 0.9"', '"arc_easy/acc": ">= 0.25"'
    ))
    (root / "evals" / "lm.json").write_bytes(LM_EVAL.read_bytes())
    old = commit(root, "lm-eval run", when="2026-03-01T12:00:00+00:00")
    code, report = check_json(str(root))
    assert (code, pg3(report)) == (1, [("PG308", EVAL_LINE)])
    assert message(report, "PG308") == (
        f"eval 'quality': results in evals/lm.json are 266 days old (run 2026-03-01, last committed in {old[:12]}); "
        "the limit is 180 days (policy for tier 'team')"
    )


def test_shallow_clone_warns_to_fetch_full_history(tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "prompts/reply.txt", "Another prompt\n")
    commit(root, "Prompt change")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(clone))
    assert (clone / ".git" / "shallow").is_file()
    code, report = check_json(str(clone))
    assert code == 0
    assert pg3(report) == [("PG310", RESULTS_LINE)]
    [finding] = report["findings"]
    assert finding["severity"] == "warning"
    assert "Set `fetch-depth: 0`" in finding["message"]
    # The full clone has the history and finds the stale results.
    code, report = check_json(str(root))
    assert pg3(report) == [("PG309", RESULTS_LINE)]


def test_not_a_git_checkout_skips_history_silently(tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    plain = tmp_path / "plain"
    shutil.copytree(root, plain, ignore=shutil.ignore_patterns(".git"))
    write(plain, "prompts/reply.txt", "Changed\n")
    code, report = check_json(str(plain))
    assert (code, report["findings"]) == (0, [])
    # A .git folder that is no repository (as in a broken checkout) is no history either.
    (plain / ".git").mkdir()
    code, report = check_json(str(plain), "--root", str(plain))
    assert (code, report["findings"]) == (0, [])


def test_today_is_the_reference_for_age(tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    code, _report = check_json(str(root))
    assert TODAY == "2026-11-22" and code == 0
    code, out = check_json(str(root), "--today", "2027-06-01")
    assert (code, pg3(out)) == (1, [("PG308", EVAL_LINE)])
