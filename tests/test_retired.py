"""PG805: `stage: retired` means the AI system is gone, in real git repositories."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gitrepo import commit, init

from conftest import TEAM_SANDBOX, TODAY, write

Run = Callable[..., tuple[int, str, str]]

RETIRED = TEAM_SANDBOX.replace("stage: sandbox", "stage: retired")


def _check(run: Run, *args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run("check", *args, "--format", "json", "--today", TODAY)
    assert out, err
    return code, json.loads(out)


def _pg805(report: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(f["path"], f["line"], f["message"]) for f in report["findings"] if f["rule_id"] == "PG805"]


@pytest.fixture
def svc(tmp_path: Path) -> Path:
    root = init(tmp_path / "repo")
    write(root, "svc/ai-asset.yaml", RETIRED)
    write(root, "svc/app.py", "import os\n\nfrom openai import OpenAI\n")
    write(root, "svc/lib/util.py", "def f():\n    return 1\n")
    commit(root, "retire")
    return root


@pytest.mark.parametrize("gate", ["merge", "deploy"])
def test_retired_asset_whose_code_still_calls_a_model_fails(svc: Path, run: Run, gate: str) -> None:
    code, report = _check(run, str(svc), "--gate", gate)
    assert code == 1
    assert _pg805(report) == [(
        "svc/ai-asset.yaml", 4,
        "asset 'notes-summariser' is retired, but 1 place in the files it covers still show AI use: "
        "svc/app.py:3 imports openai (openai)",
    )]
    [f] = [f for f in report["findings"] if f["rule_id"] == "PG805"]
    assert f["severity"] == "error" and f["asset"] == "notes-summariser"


def test_retired_asset_without_ai_use_passes(svc: Path, run: Run) -> None:
    write(svc, "svc/app.py", "import os\n")
    code, report = _check(run, str(svc))
    assert code == 0 and _pg805(report) == []


def test_a_change_that_only_flips_the_stage_is_judged_on_the_whole_folder(svc: Path, run: Run,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The pre-commit hook passes the changed files only: the declaration. The code
    that still calls the model is not among them, and still counts."""
    monkeypatch.chdir(svc)
    code, report = _check(run, "--changed", "svc/ai-asset.yaml")
    assert code == 1
    assert [(p, line) for p, line, _m in _pg805(report)] == [("svc/ai-asset.yaml", 4)]


def test_code_taken_over_by_a_nested_live_asset_is_not_the_retired_ones(svc: Path, run: Run) -> None:
    write(svc, "svc/lib/ai-asset.yaml", TEAM_SANDBOX.replace("notes-summariser", "lib-bot"))
    write(svc, "svc/lib/util.py", "import anthropic\n")
    write(svc, "svc/app.py", "import os\n")
    _code, report = _check(run, str(svc))
    assert _pg805(report) == []
    assert [d for d in report["assets"] if d["name"] == "lib-bot"]


def test_pg703_fix_says_to_remove_the_ai_use_when_retiring(svc: Path, run: Run) -> None:
    # A pilot: a sandbox declaration may go freely (change_control.removable_stages).
    write(svc, "svc/ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot"))
    base = commit(svc, "live")
    (svc / "svc/ai-asset.yaml").unlink()
    code, report = _check(run, str(svc), "--base", base)
    assert code == 1
    [f] = [f for f in report["findings"] if f["rule_id"] == "PG703"]
    assert "retire it (`stage: retired`) and remove the AI use from the files it covered" in f["fix"]
    assert "PG805" in f["fix"]
