"""Eval freshness against real git histories built in tmp_path."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, FILLED_MODEL_CARD, TODAY, write

LM_EVAL = DATA / "lm-eval" / "cpu_regression_expected.json"
PROMPTFOO = DATA / "promptfoo" / "redteam-output.json"

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
    write(root, "config/model.yaml", "model: gpt-4o-mini\ntemperature: 0.2\n")
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
    commit(root, "Re-run", when="2026-11-21T09:00:00+00:00")
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


EVALS_KEY_LINE = 14


@pytest.mark.parametrize(("gate", "code", "severity"), [("merge", 0, "warning"), ("deploy", 1, "error")])
def test_not_a_git_checkout_cannot_establish_freshness(  # type: ignore[no-untyped-def]
    tmp_path: Path, check_json, gate: str, code: int, severity: str
) -> None:
    """A copy without .git (here with a prompt changed after the results) shows no
    history: the merge gate warns, the deploy gate fails, once for the asset."""
    root = checkout(tmp_path)
    plain = tmp_path / "plain"
    shutil.copytree(root, plain, ignore=shutil.ignore_patterns(".git"))
    write(plain, "prompts/reply.txt", "Changed\n")
    found, report = check_json(str(plain), "--gate", gate)
    assert (found, pg3(report)) == (code, [("PG317", EVALS_KEY_LINE)])
    [f] = report["findings"]
    assert f["severity"] == severity
    assert f["message"] == (
        "eval 'quality': the checkout has no git history, because it is not a git checkout (an export such as "
        "`git archive`, or a copy without .git); whether the inputs changed after the results cannot be "
        "established. Check out the repository with its whole history (actions/checkout with `fetch-depth: 0`)"
    )
    # A .git folder that is no repository (as in a broken checkout) is no history either.
    (plain / ".git").mkdir()
    found, report = check_json(str(plain), "--root", str(plain), "--gate", gate)
    assert (found, pg3(report)) == (code, [("PG317", EVALS_KEY_LINE)])
    assert "because git cannot read it (not a repository, or no commit yet)" in message(report, "PG317")


def test_without_a_git_program_the_deploy_gate_cannot_establish_freshness(  # type: ignore[no-untyped-def]
    tmp_path: Path, check_json, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = checkout(tmp_path)
    empty = tmp_path / "no-git-here"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    code, report = check_json(str(root), "--gate", "deploy")
    assert (code, pg3(report)) == (1, [("PG317", EVALS_KEY_LINE)])
    assert "because there is no git program to read it with" in message(report, "PG317")


def test_today_is_the_reference_for_age(tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    code, _report = check_json(str(root))
    assert TODAY == "2026-11-22" and code == 0
    code, out = check_json(str(root), "--today", "2027-06-01")
    assert (code, pg3(out)) == (1, [("PG308", EVAL_LINE)])


# -- ancestry, not dates ---------------------------------------------------------------


@pytest.fixture(params=["index", "git"])
def history_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways the history is read: the run's in-memory index of commits, and git
    itself for results older than the index (an index of one commit forces it)."""
    if request.param == "git":
        import prodgate.evals.freshness as freshness

        monkeypatch.setattr(freshness, "INDEX_COMMITS", 1)
    return str(request.param)


def test_prompt_change_on_a_branch_merged_after_the_results_is_stale(tmp_path: Path, check_json, history_path: str) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    git(root, "checkout", "-q", "-b", "shorter-replies")
    write(root, "prompts/reply.txt", "Draft a short reply to: {{ticket}}\n")
    branch = commit(root, "Shorter replies", when="2026-11-20T11:00:00+00:00")
    git(root, "checkout", "-q", "main")
    write(root, "evals/results.json", results("2026-11-21T08:00:00Z", 0.95))
    rerun = commit(root, "Re-run evals", when="2026-11-21T09:00:00+00:00")
    git(root, "merge", "-q", "--no-ff", "--no-edit", "shorter-replies", when="2026-11-21T12:00:00+00:00")
    # The branch's commit is older than the results by date, newer by ancestry.
    code, report = check_json(str(root))
    assert (code, pg3(report)) == (1, [("PG309", RESULTS_LINE)])
    assert message(report, "PG309") == (
        f"eval 'quality': evals/results.json was last committed in {rerun[:12]} (2026-11-21), "
        f"but prompts/reply.txt changed after it in {branch[:12]} (2026-11-20); "
        "the results no longer describe the system"
    )


def test_results_from_a_branch_that_lacks_a_prompt_change_on_main_are_stale(tmp_path: Path, check_json, history_path: str) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    git(root, "checkout", "-q", "-b", "rerun")
    write(root, "evals/results.json", results("2026-11-21T08:00:00Z", 0.95))
    rerun = commit(root, "Re-run evals", when="2026-11-21T09:00:00+00:00")
    git(root, "checkout", "-q", "main")
    write(root, "config/model.yaml", "temperature: 0.9\n")
    warmer = commit(root, "Warmer", when="2026-11-20T12:00:00+00:00")
    git(root, "merge", "-q", "--no-ff", "--no-edit", "rerun", when="2026-11-21T12:00:00+00:00")
    code, report = check_json(str(root))
    assert (code, pg3(report)) == (1, [("PG309", RESULTS_LINE)])
    assert message(report, "PG309").startswith(
        f"eval 'quality': evals/results.json was last committed in {rerun[:12]} (2026-11-21), "
        f"but config/model.yaml changed after it in {warmer[:12]} (2026-11-20)"
    )


def test_branch_that_changed_the_prompt_then_reran_is_fresh_after_merge(tmp_path: Path, check_json, history_path: str) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    git(root, "checkout", "-q", "-b", "tone")
    write(root, "prompts/reply.txt", "Draft a warm reply to: {{ticket}}\n")
    commit(root, "Warmer tone", when="2026-11-21T08:00:00+00:00")
    write(root, "evals/results.json", results("2026-11-21T09:00:00Z", 0.95))
    commit(root, "Re-run evals", when="2026-11-21T10:00:00+00:00")
    git(root, "checkout", "-q", "main")
    write(root, "docs/card.md", FILLED_MODEL_CARD + "\nMore detail.\n")
    commit(root, "Card detail", when="2026-11-21T11:00:00+00:00")
    git(root, "merge", "-q", "--no-ff", "--no-edit", "tone", when="2026-11-21T12:00:00+00:00")
    # The merge's diff against main holds the prompt change; the results saw it.
    assert "prompts/reply.txt" in git(root, "diff", "--name-only", "HEAD^1", "HEAD")
    code, report = check_json(str(root))
    assert (code, pg3(report)) == (0, [])


def test_a_merge_that_edits_a_prompt_itself_is_a_change(tmp_path: Path, check_json, history_path: str) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    git(root, "checkout", "-q", "-b", "docs")
    write(root, "docs/card.md", FILLED_MODEL_CARD + "\nMore detail.\n")
    commit(root, "Card detail", when="2026-11-21T08:00:00+00:00")
    git(root, "checkout", "-q", "main")
    write(root, "evals/results.json", results("2026-11-21T09:00:00Z", 0.95))
    commit(root, "Re-run evals", when="2026-11-21T10:00:00+00:00")
    git(root, "merge", "-q", "--no-ff", "--no-commit", "docs", when="2026-11-21T12:00:00+00:00")
    write(root, "prompts/reply.txt", "Edited while merging\n")
    merge = commit(root, "Merge docs", when="2026-11-21T12:00:00+00:00")
    assert len(git(root, "show", "-s", "--format=%P", merge).split()) == 2
    code, report = check_json(str(root))
    assert (code, pg3(report)) == (1, [("PG309", RESULTS_LINE)])
    assert f"but prompts/reply.txt changed after it in {merge[:12]}" in message(report, "PG309")


# -- no `paths:`: the asset's folder ---------------------------------------------------


def test_without_paths_the_asset_folder_is_the_input(tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "work"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    bot = "services/bot"
    write(root, f"{bot}/ai-asset.yaml", ASSET.replace('paths: ["prompts/**", "config/model.yaml"]\n', ""))
    write(root, f"{bot}/docs/card.md", FILLED_MODEL_CARD)
    write(root, f"{bot}/prompts/reply.txt", "Draft a polite reply to: {{ticket}}\n")
    write(root, f"{bot}/evals/results.json", results())
    write(root, "services/other/prompt.txt", "Another system\n")
    first = commit(root, "Bot with eval results")
    # Outside the folder, the declared model card, and ai-asset.yaml's other fields:
    # not what the eval measured.
    write(root, "services/other/prompt.txt", "Another system, changed\n")
    write(root, f"{bot}/docs/card.md", FILLED_MODEL_CARD + "\nMore detail.\n")
    write(root, f"{bot}/ai-asset.yaml", (root / bot / "ai-asset.yaml").read_text().replace("ada@", "ada.l@"))
    commit(root, "Other system, card, owner email", when="2026-11-21T09:00:00+00:00")
    code, report = check_json(str(root / bot))
    assert (code, pg3(report)) == (0, [])
    # A file in the asset's folder is an input.
    write(root, f"{bot}/prompts/reply.txt", "Draft a short reply to: {{ticket}}\n")
    prompt = commit(root, "Shorter", when="2026-11-21T10:00:00+00:00")
    code, report = check_json(str(root / bot))
    assert (code, pg3(report)) == (1, [("PG309", RESULTS_LINE - 1)])
    assert message(report, "PG309") == (
        f"eval 'quality': services/bot/evals/results.json was last committed in {first[:12]} (2026-11-20), "
        f"but services/bot/prompts/reply.txt changed after it in {prompt[:12]} (2026-11-21); "
        "the results no longer describe the system"
    )
    # Regenerating the results is not itself a change of the inputs.
    write(root, f"{bot}/evals/results.json", results("2026-11-21T11:00:00Z"))
    commit(root, "Re-run", when="2026-11-21T12:00:00+00:00")
    code, report = check_json(str(root / bot))
    assert (code, pg3(report)) == (0, [])


# -- run times in the future -----------------------------------------------------------


def test_promptfoo_timestamp_in_the_future_is_a_finding_and_age_counts_from_the_commit(tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    export = json.loads(PROMPTFOO.read_text(encoding="utf-8"))
    export["results"]["timestamp"] = "2099-01-01T00:00:00.000Z"
    write(root, "evals/redteam.json", json.dumps(export))
    write(root, "ai-asset.yaml", ASSET.replace("evals/results.json", "evals/redteam.json").replace(
        'pass_rate: ">= 0.9"', 'pass_rate: ">= 0.5"'
    ).replace("provider: openai\n    name: gpt-4o-mini", "provider: azure\n    name: gpt-4o-with-guardrails"))
    old = commit(root, "Red-team run", when="2026-03-01T12:00:00+00:00")
    code, report = check_json(str(root))
    assert code == 1
    assert sorted(pg3(report)) == [("PG308", EVAL_LINE), ("PG316", RESULTS_LINE)]
    assert message(report, "PG316") == (
        "eval 'quality': evals/redteam.json states it was run at 2099-01-01 00:00:00+00:00, after the "
        f"commit that added it ({old[:12]}, 2026-03-01 12:00:00+00:00); the age of the results counts "
        "from their commit instead"
    )
    assert message(report, "PG308") == (
        f"eval 'quality': results in evals/redteam.json are 266 days old (run 2026-03-01, last committed in "
        f"{old[:12]}; the stated run time is later); the limit is 180 days (policy for tier 'team')"
    )


def test_run_time_after_its_commit_but_before_today(tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "evals/results.json", results("2026-11-21T15:00:00Z"))
    sha = commit(root, "Re-run", when="2026-11-21T09:00:00+00:00")
    code, report = check_json(str(root))
    assert (code, pg3(report)) == (1, [("PG316", RESULTS_LINE)])
    assert f"after the commit that added it ({sha[:12]}, 2026-11-21 09:00:00+00:00)" in message(report, "PG316")
    # Within the hour a clock may be off by, it is the commit's own run.
    write(root, "evals/results.json", results("2026-11-21T09:30:00Z"))
    commit(root, "Re-run", when="2026-11-21T09:00:00+00:00")
    code, report = check_json(str(root))
    assert (code, pg3(report)) == (0, [])


def test_future_run_time_outside_git_is_after_today(tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    plain = tmp_path / "plain"
    shutil.copytree(root, plain, ignore=shutil.ignore_patterns(".git"))
    write(plain, "evals/results.json", results("2099-01-01T00:00:00Z"))
    code, report = check_json(str(plain))
    assert (code, pg3(report)) == (1, [("PG316", RESULTS_LINE), ("PG317", EVALS_KEY_LINE)])
    assert "states it was run at 2099-01-01 00:00:00+00:00, after today (2026-11-22)" in message(report, "PG316")
    # Regenerated and not yet committed: the file is newer than its commit, not than today.
    write(root, "evals/results.json", results("2026-11-22T07:00:00Z"))
    code, report = check_json(str(root))
    assert (code, pg3(report)) == (0, [])


# -- shallow clones: judged by the history they have -----------------------------------


def shallow_history(tmp_path: Path) -> tuple[Path, str, str]:
    """Initial commit, results re-run, then a prompt change: three commits."""
    root = checkout(tmp_path)
    write(root, "evals/results.json", results("2026-11-21T08:00:00Z", 0.95))
    rerun = commit(root, "Re-run evals", when="2026-11-21T09:00:00+00:00")
    write(root, "prompts/reply.txt", "Another prompt\n")
    prompt = commit(root, "Prompt change", when="2026-11-21T10:00:00+00:00")
    return root, rerun, prompt


@pytest.mark.parametrize("depth", ["2", "3"])
def test_shallow_clone_that_shows_the_change_reports_it(tmp_path: Path, check_json, depth: str) -> None:  # type: ignore[no-untyped-def]
    root, rerun, prompt = shallow_history(tmp_path)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", depth, f"file://{root}", str(clone))
    assert (clone / ".git" / "shallow").is_file()
    code, report = check_json(str(clone))
    assert (code, pg3(report)) == (1, [("PG309", RESULTS_LINE)])
    assert f"last committed in {rerun[:12]} (2026-11-21), but prompts/reply.txt changed after it in {prompt[:12]}" in message(report, "PG309")


def test_shallow_clone_warns_only_for_what_it_cannot_show(tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    root, _rerun, _prompt = shallow_history(tmp_path)
    write(root, "evals/results.json", results("2026-11-21T11:00:00Z", 0.95))
    commit(root, "Re-run evals again", when="2026-11-21T12:00:00+00:00")
    write(root, "docs/card.md", FILLED_MODEL_CARD + "\nMore detail.\n")
    commit(root, "Card detail", when="2026-11-21T13:00:00+00:00")
    # Depth 3: the results' commit has its parent; nothing after it changed an input.
    clone = tmp_path / "deep"
    git(tmp_path, "clone", "-q", "--depth", "3", f"file://{root}", str(clone))
    code, report = check_json(str(clone))
    assert (code, pg3(report)) == (0, [])
    # Depth 2: the results' commit is the oldest the clone has; the commits before it,
    # which could have changed an input after an earlier run, are missing.
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{root}", str(clone))
    code, report = check_json(str(clone))
    assert (code, pg3(report)) == (0, [("PG310", RESULTS_LINE)])
    assert "changes to its inputs in the missing commits cannot be seen" in message(report, "PG310")


@pytest.mark.parametrize(("gate", "code", "severity"), [("merge", 0, "warning"), ("deploy", 1, "error")])
def test_depth_one_clone_with_stale_evals(  # type: ignore[no-untyped-def]
    tmp_path: Path, check_json, gate: str, code: int, severity: str
) -> None:
    """The prompt changed after the results (a full clone says PG309). A clone of depth
    1 (actions/checkout's default) cannot show it: the deploy gate fails, naming
    fetch-depth: 0; the merge gate warns."""
    root, _rerun, _prompt = shallow_history(tmp_path)
    full, report = check_json(str(root), "--gate", gate)
    assert (full, pg3(report)) == (1, [("PG309", RESULTS_LINE)])
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(clone))
    found, report = check_json(str(clone), "--gate", gate)
    assert (found, pg3(report)) == (code, [("PG310", RESULTS_LINE)])
    [f] = report["findings"]
    assert f["severity"] == severity and "`fetch-depth: 0`" in f["message"]


@pytest.mark.parametrize(("gate", "code", "severity"), [("merge", 0, "warning"), ("deploy", 1, "error")])
def test_git_archive_export_with_stale_evals(  # type: ignore[no-untyped-def]
    tmp_path: Path, check_json, gate: str, code: int, severity: str
) -> None:
    root, _rerun, _prompt = shallow_history(tmp_path)
    export = tmp_path / "export"
    export.mkdir()
    archive = tmp_path / "head.tar"
    git(root, "archive", "--format=tar", "-o", str(archive), "HEAD")
    subprocess.run(["tar", "-xf", str(archive), "-C", str(export)], check=True)
    assert not (export / ".git").exists() and (export / "ai-asset.yaml").is_file()
    found, report = check_json(str(export), "--gate", gate)
    assert (found, pg3(report)) == (code, [("PG317", EVALS_KEY_LINE)])
    [f] = report["findings"]
    assert f["severity"] == severity and "`fetch-depth: 0`" in f["message"]


def test_last_change_across_merges_is_what_git_log_finds(tmp_path: Path) -> None:
    """The in-memory walk over the run's index agrees with ``git log -1 -- FILE`` for
    every file, across merges that take a branch's version, keep main's (``-s ours``),
    or edit the file while merging."""
    from prodgate.evals.freshness import open_history

    root = checkout(tmp_path)
    day = iter(range(10, 28))

    def at() -> str:
        return f"2026-11-{next(day):02d}T10:00:00+00:00"

    for branch, strategy in (("a", []), ("b", ["-s", "ours"]), ("c", ["--no-commit"])):
        git(root, "checkout", "-q", "-b", branch)
        write(root, "evals/results.json", results(f"2026-11-1{len(branch)}T09:00:00Z", 0.9))
        write(root, f"notes/{branch}.txt", branch)
        commit(root, f"branch {branch}", when=at())
        git(root, "checkout", "-q", "main")
        write(root, "config/model.yaml", f"temperature: 0.{len(strategy)}\n")
        commit(root, f"main before {branch}", when=at())
        git(root, "merge", "-q", "--no-ff", "--no-edit", *strategy, branch, when=at())
        if "--no-commit" in strategy:
            write(root, "prompts/reply.txt", "Edited while merging\n")
            commit(root, f"merge {branch}", when=at())
    history = open_history(root)
    assert history is not None
    files = git(root, "ls-files").split()
    assert len(files) >= 6
    for name in files:
        expected = git(root, "log", "-1", "--format=%H", "--", name)
        found = history.last_change(name)
        assert found is not None and found.sha == expected, name


def test_history_is_read_without_gitpython(tmp_path: Path) -> None:
    """Freshness is judged with plain git processes: GitPython's import alone cost more
    than the rest of a one-asset run."""
    import sys

    root = checkout(tmp_path)
    write(root, "prompts/reply.txt", "Draft a short, polite reply to: {{ticket}}\n")
    commit(root, "Shorter replies", when="2026-11-21T09:00:00+00:00")
    code = (
        "import io, json, sys, contextlib\n"
        "from prodgate.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    rc = main(['check', '.', '--format', 'json', '--today', {TODAY!r}, '--no-discover'])\n"
        "rules = [f['rule_id'] for f in json.loads(out.getvalue())['findings']]\n"
        "print(rc, rules, 'git' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "1 ['PG309'] False"


def test_input_with_a_non_ascii_name_changed_after_results_is_stale(tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    """git quotes such names unless told not to; a quoted name matched no input."""
    root = checkout(tmp_path)
    write(root, "prompts/réponse.txt", "Rédige une réponse polie à : {{ticket}}\n")
    commit(root, "Prompt en français", when="2026-11-21T09:00:00+00:00")
    code, report = check_json(str(root))
    assert code == 1
    assert pg3(report) == [("PG309", RESULTS_LINE)]
    assert "but prompts/réponse.txt changed after it" in message(report, "PG309")


def test_an_undeclared_runbook_is_named_as_the_cause(tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    """With no `inputs:` and no `paths:`, every file of the folder is an input, so a
    runbook the declaration does not list made the results stale with "re-run the
    eval" as the only advice; the message names why it counted, and the fix, followed,
    ends the finding."""
    root = checkout(tmp_path)
    write(root, "ai-asset.yaml", ASSET.replace('paths: ["prompts/**", "config/model.yaml"]\n', ""))
    write(root, "docs/runbook.md", "# Runbook\n\nRestart the worker.\n")
    commit(root, "Runbook, without paths")
    write(root, "docs/runbook.md", "# Runbook\n\nRestart the worker, then page the owner.\n")
    commit(root, "Runbook: paging", when="2026-11-21T09:00:00+00:00")
    code, report = check_json(str(root))
    assert code == 1
    [finding] = [f for f in report["findings"] if f["rule_id"] == "PG309"]
    assert finding["message"].endswith(
        "the results no longer describe the system (docs/runbook.md counts as an input because it is not "
        "declared under `artifacts:`, and the eval names no `inputs:` nor the asset `paths:`: then every "
        "file in the asset's folder does, except results files and declared artifacts)"
    )
    assert finding["fix"].startswith(
        "If docs/runbook.md is the asset's runbook, declare it: under `artifacts:` add `runbook: docs/runbook.md`"
    )
    declaration = root / "ai-asset.yaml"
    text = declaration.read_text(encoding="utf-8")
    declaration.write_text(text.replace("artifacts:\n", "artifacts:\n  runbook: docs/runbook.md\n"), encoding="utf-8")
    commit(root, "Declare the runbook", when="2026-11-21T10:00:00+00:00")
    code, report = check_json(str(root))
    assert [f["rule_id"] for f in report["findings"] if f["rule_id"].startswith("PG3")] == []
