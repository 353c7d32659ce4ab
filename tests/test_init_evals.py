"""``prodgate init --eval NAME=FORMAT:PATH`` and PG301's fix: the way from a merge-green
asset to a deploy-green one, without guessing what a results file must contain."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import FILLED_MODEL_CARD, TODAY, write

Run = Callable[..., tuple[int, str, str]]
OWNER = "Jane Doe <jane.doe@example.com>"


def init(run: Run, folder: Path, *argv: str, tier: str = "team", stage: str = "pilot") -> tuple[int, str, str]:
    return run("init", "--name", "bot", "--tier", tier, "--stage", stage, "--owner", OWNER, *argv, str(folder))


def test_eval_declared_with_the_policys_minimum_and_no_results_written(tmp_path: Path, run: Run) -> None:
    folder = tmp_path / "bot"
    code, out, _ = init(run, folder, "--eval", "quality=promptfoo:evals/promptfoo.json",
                        "--eval", "safety=junit:evals/junit.xml", tier="enterprise")
    assert code == 0
    data = yaml.safe_load((folder / "ai-asset.yaml").read_text(encoding="utf-8"))
    assert data["evals"] == [
        {"name": "quality", "format": "promptfoo", "results": "evals/promptfoo.json", "thresholds": {"pass_rate": ">= 0.95"}},
        {"name": "safety", "format": "junit", "results": "evals/junit.xml", "thresholds": {"pass_rate": ">= 0.95"}},
    ]
    assert not (folder / "evals").exists()
    assert f"{folder}/evals/promptfoo.json does not exist and is not written: results are the evidence" in out
    assert "promptfoo eval -o evals/promptfoo.json   (format: promptfoo)" in out
    assert "pytest tests/evals --junitxml=evals/junit.xml   (format: junit)" in out


def test_a_tier_without_a_policy_minimum_gets_no_invented_threshold(tmp_path: Path, run: Run) -> None:
    folder = tmp_path / "bot"
    write(folder, "results.yaml", "format: prodgate/eval/v1\nmetrics: { pass_rate: 0.5 }\n")
    code, out, _ = init(run, folder, "--eval", "quality=prodgate:results.yaml")
    assert code == 0
    [ev] = yaml.safe_load((folder / "ai-asset.yaml").read_text(encoding="utf-8"))["evals"]
    assert ev == {"name": "quality", "format": "prodgate", "results": "results.yaml"}
    assert '# thresholds: { pass_rate: ">= 0.9" }   # the policy sets no minimum at tier team' in (folder / "ai-asset.yaml").read_text(encoding="utf-8")
    assert f"kept    {folder}/results.yaml (exists): the results of eval 'quality'" in out
    assert (folder / "results.yaml").read_text(encoding="utf-8").endswith("0.5 }\n")  # never touched


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("quality", "expected NAME=FORMAT:PATH"),
        ("quality=promptfoo", "expected NAME=FORMAT:PATH"),
        ("quality=csv:evals/x.csv", "format 'csv' is not one of auto, prodgate, promptfoo, lm-eval, hf-model-index, junit"),
        ("quality=junit:/tmp/x.xml", "PATH must be relative to the asset's folder"),
        ("bad name=junit:x.xml", "name 'bad name'"),
    ],
)
def test_a_bad_eval_is_a_usage_error_and_writes_nothing(tmp_path: Path, run: Run, value: str, message: str) -> None:
    folder = tmp_path / "bot"
    code, _out, err = init(run, folder, "--eval", value)
    assert code == 2 and message in err and "Traceback" not in err
    assert not folder.exists()


def test_the_same_eval_twice_is_refused(tmp_path: Path, run: Run) -> None:
    code, _out, err = init(run, tmp_path / "bot", "--eval", "q=junit:a.xml", "--eval", "q=junit:b.xml")
    assert code == 2 and "eval 'q' is given twice" in err


def _fix(report: dict[str, Any], rule: str) -> str:
    [fix] = [f["fix"] for f in report["findings"] if f["rule_id"] == rule]
    assert isinstance(fix, str)
    return fix


def test_pg301_fix_followed_literally_passes_the_deploy_gate(committed_repo: Path, run: Run) -> None:
    """The fix's `evals:` block pasted into the declaration and its smallest results
    document written where the block says: the deploy gate passes (in a git checkout,
    whose history shows the results are fresh)."""
    folder = committed_repo / "bot"
    init(run, folder)
    write(folder, "docs/model-card.md", FILLED_MODEL_CARD)
    code, out, _ = run("check", "--gate", "deploy", "--format", "json", "--today", TODAY, str(folder))
    assert code == 1
    fix = _fix(json.loads(out), "PG301")
    block = fix.split("\nThe smallest", 1)[0]
    assert block.startswith("evals:\n  - name: quality\n    results: evals/results.json\n")
    smallest = re.search(r"The smallest valid results file[^\n]*\n((?:  .*\n)+)", fix)
    assert smallest is not None
    assert smallest.group(1) == "  format: prodgate/eval/v1\n  metrics: { pass_rate: 0.93 }\n"
    for tool in ("promptfoo eval -o ", "lm_eval ", "pytest tests/evals --junitxml="):
        assert sum(line.lstrip().split(":", 1)[-1].lstrip().startswith(tool) for line in fix.splitlines()) == 1, tool
    with (folder / "ai-asset.yaml").open("a", encoding="utf-8") as f:
        f.write(block + "\n")
    write(folder, "evals/results.json", "".join(line[2:] + "\n" for line in smallest.group(1).splitlines()))
    code, out, _ = run("check", "--gate", "deploy", "--today", TODAY, str(folder))
    assert code == 0, out


def test_pg302_says_how_to_produce_the_missing_file(tmp_path: Path, run: Run) -> None:
    folder = tmp_path / "bot"
    init(run, folder, "--eval", "quality=lm-eval:evals/lm.json")
    write(folder, "docs/model-card.md", FILLED_MODEL_CARD)
    code, out, _ = run("check", "--gate", "deploy", "--format", "json", "--today", TODAY, str(folder))
    assert code == 1
    fix = _fix(json.loads(out), "PG302")
    assert "lm_eval --model hf" in fix and "(format: lm-eval)" in fix and "promptfoo" not in fix


@pytest.mark.parametrize(
    ("stage", "argv", "said"),
    [
        ("pilot", (), "later: the deploy gate also requires eval results (PG301)"),
        ("production", (), "later: the merge gate also requires eval results (PG301)"),
        ("sandbox", (), None),
        ("pilot", ("--eval", "q=junit:junit.xml"), None),
    ],
)
def test_init_says_which_gate_will_ask_for_eval_results(
    tmp_path: Path, run: Run, stage: str, argv: tuple[str, ...], said: str | None
) -> None:
    code, out, _ = init(run, tmp_path / "bot", *argv, stage=stage)
    assert code == 0
    lines = [line for line in out.splitlines() if "requires eval results" in line]
    if said is None:
        assert lines == [], out
    else:
        assert len(lines) == 1 and lines[0].startswith(said), out
