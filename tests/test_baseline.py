"""New versus already there: on a pull request the merge gate blocks what the change
introduced, and reports without blocking what was already failing at the base in assets
the change does not touch (unless the policy says ``merge: {pre_existing: block}``).

The repository is the 12-asset monorepo of the other summary tests, with 4 assets
still scaffolded (failing) on ``main``, built as a real git repository."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import gitrepo
import monorepo
from prodgate.cli import main

FAILING_AT_BASE = {1, 4, 8, 11}
TODAY = "2026-11-22"
AI_SCRIPT = "import openai\n\nclient = openai.OpenAI()\n"


def _monorepo(root: Path) -> Path:
    gitrepo.init(root)
    monorepo.build(root, 12, passing=frozenset(range(1, 13)) - FAILING_AT_BASE)
    gitrepo.commit(root, "twelve assets, four still scaffolded")
    gitrepo.git(root, "checkout", "-q", "-b", "pr")
    return root


def _check(root: Path, *extra: str) -> tuple[int, dict[str, object]]:
    out = root.parent / "report.json"
    rc = main(["check", str(root), "--base", "main", "--today", TODAY, "--format", f"json={out}", *extra])
    return rc, json.loads(out.read_text(encoding="utf-8"))


def _findings(report: dict[str, object]) -> list[dict[str, object]]:
    found = report["findings"]
    assert isinstance(found, list)
    return found


def _edit_prompt(root: Path, n: int = 3) -> None:
    """A passing asset's prompt edited, and its eval re-run and committed with it (a
    prompt changed after its results would make them stale: PG309, rightly)."""
    home = root / "services" / f"svc-{n}"
    (home / "prompt.txt").write_text("Be brief.\n", encoding="utf-8")
    (home / "evals" / "reply-quality.json").write_text(monorepo.RESULTS.replace("0.98", "0.985"), encoding="utf-8")
    gitrepo.commit(root, f"svc-{n}: a shorter prompt, eval re-run")


@pytest.fixture
def weakened(tmp_path: Path) -> Path:
    """A pull request that lowers svc-2's stage (PG701) and adds undeclared AI (PG801)."""
    root = _monorepo(tmp_path / "repo")
    decl = root / "services" / "svc-2" / "ai-asset.yaml"
    decl.write_text(decl.read_text(encoding="utf-8").replace("stage: pilot", "stage: sandbox"), encoding="utf-8")
    (root / "tools").mkdir()
    (root / "tools" / "summarise.py").write_text(AI_SCRIPT, encoding="utf-8")
    gitrepo.commit(root, "weaken svc-2, add a script")
    return root


def test_the_change_s_own_findings_block_and_old_ones_are_marked(weakened: Path) -> None:
    rc, report = _check(weakened)
    assert rc == 1
    new = [(f["rule_id"], f["path"], f["line"]) for f in _findings(report) if f["baseline"] == "new"]
    assert sorted(new) == [
        ("PG701", "services/svc-2/ai-asset.yaml", 4),
        ("PG801", "tools/summarise.py", 1),
    ]
    old = {f["asset"] for f in _findings(report) if f["baseline"] == "unchanged"}
    assert old == {f"svc-{i}" for i in FAILING_AT_BASE}


def test_a_prompt_edit_passes_and_lists_the_old_failures(tmp_path: Path) -> None:
    root = _monorepo(tmp_path / "repo")
    _edit_prompt(root)
    rc, report = _check(root)
    assert rc == 0
    assert report["passed"] is True
    found = _findings(report)
    assert found and all(f["baseline"] == "unchanged" for f in found)
    assert {f["asset"] for f in found if f["severity"] == "error"} == {f"svc-{i}" for i in FAILING_AT_BASE}


def test_pre_existing_block_fails_the_same_change(tmp_path: Path) -> None:
    root = _monorepo(tmp_path / "repo")
    _edit_prompt(root)
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "apiVersion: prodgate/policy/v1\nname: strict\nextends: builtin\nmerge: {pre_existing: block}\n",
        encoding="utf-8",
    )
    rc, report = _check(root, "--policy", str(policy))
    assert rc == 1
    assert report["passed"] is False


def test_touching_a_failing_asset_makes_its_old_findings_the_change_s(tmp_path: Path) -> None:
    root = _monorepo(tmp_path / "repo")
    (root / "services" / "svc-4" / "prompt.txt").write_text("Be brief.\n", encoding="utf-8")
    gitrepo.commit(root, "svc-4: a prompt")
    rc, report = _check(root)
    assert rc == 1
    new = {f["asset"] for f in _findings(report) if f["baseline"] == "new"}
    assert new == {"svc-4"}


def test_the_deploy_gate_judges_the_asset_whole(tmp_path: Path) -> None:
    root = _monorepo(tmp_path / "repo")
    _edit_prompt(root)
    rc, report = _check(root, "--gate", "deploy")
    assert rc == 1
    assert all(f["baseline"] is None for f in _findings(report))


def test_without_a_base_nothing_is_marked(tmp_path: Path) -> None:
    root = _monorepo(tmp_path / "repo")
    out = tmp_path / "report.json"
    rc = main(["check", str(root), "--today", TODAY, "--format", f"json={out}"])
    assert rc == 1
    assert all(f["baseline"] is None for f in json.loads(out.read_text(encoding="utf-8"))["findings"])


def test_the_change_s_findings_come_first_in_annotations_and_summary(
    weakened: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    rc = main(["check", str(weakened), "--base", "main", "--today", TODAY, "--format", "github"])
    assert rc == 1
    log = capsys.readouterr().out
    errors = re.findall(r"^::error (?:file=([^,]*),line=(\d+))?.*?title=(PG\d+|prodgate)", log, re.M)
    # 18 errors: the change's 2 first, at their lines; 7 of the 16 old ones; a closing count.
    assert errors[:2] == [("services/svc-2/ai-asset.yaml", "4", "PG701"), ("tools/summarise.py", "1", "PG801")]
    assert len(errors) == 10 and errors[-1][2] == "prodgate"
    assert "Left out: 9 already failing at the base." in log
    lines = summary.read_text(encoding="utf-8").splitlines()
    start = lines.index("### To unblock this pull request")
    entries = [line for line in lines[start:] if line.startswith("1. ")]
    assert len(entries) == 2
    assert "`services/svc-2/ai-asset.yaml:4:8`" in entries[0] and "PG701" in entries[0]
    assert "`tools/summarise.py:1`" in entries[1] and "PG801" in entries[1]
    assert next(line for line in lines[start + 1:] if line.strip()) == entries[0]
    assert "16 findings in 4 assets already failing at the base (main): not blocking this pull request" in (
        "\n".join(lines)
    )
    assert "| ⏳ | [**svc-1**](#pg-svc-1) | 4 | 0 | 0 | already failing at the base (not blocking) | Li Wei |" in lines
    assert "✅ **7 more assets pass** with nothing to report: svc-3, svc-5, svc-6, svc-7, svc-9, svc-10, svc-12." in lines


def test_sarif_baseline_state_is_valid_sarif(weakened: Path, tmp_path: Path) -> None:
    import jsonschema

    from conftest import SARIF_SCHEMA

    out = tmp_path / "out.sarif"
    assert main(["check", str(weakened), "--base", "main", "--today", TODAY, "--format", f"sarif={out}"]) == 1
    log = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    assert [e.message for e in validator.iter_errors(log)][:3] == []
    states = {(r["ruleId"], r["baselineState"]) for r in log["runs"][0]["results"]}
    assert ("PG701", "new") in states and ("PG801", "new") in states
    assert sum(1 for r in log["runs"][0]["results"] if r["baselineState"] == "unchanged") == 16


def test_reading_the_base_runs_no_filter_and_no_hook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pull request's .gitattributes can name a filter driver and the runner's global
    git configuration may define one (git-lfs does), or a hooks folder: checking out the
    base must run neither."""
    root = _monorepo(tmp_path / "repo")
    gitrepo.git(root, "checkout", "-q", "main")
    (root / ".gitattributes").write_text("* filter=evil\n", encoding="utf-8")
    gitrepo.commit(root, "attributes at the base")
    gitrepo.git(root, "checkout", "-q", "-b", "pr2")
    _edit_prompt(root)
    marker = tmp_path / "ran"
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for hook in ("post-checkout", "post-merge", "reference-transaction"):
        (hooks / hook).write_text(f"#!/bin/sh\ntouch {marker}-{hook}\n", encoding="utf-8")
        (hooks / hook).chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        f"[filter \"evil\"]\n\tsmudge = sh -c 'touch {marker}-smudge; cat'\n\tclean = cat\n"
        f"[core]\n\thooksPath = {hooks}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("HOME", str(home))
    rc, report = _check(root)
    assert rc == 0
    assert report["change"] is not None
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("ran")) == []
