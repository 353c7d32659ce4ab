"""Every finding reaches every reporter, and every reporter gives each asset the same verdict.

The case that once slipped through: two declarations sharing a name (PG105). The finding
is about the whole run, so it was kept outside the assets; reporters that walk the assets
dropped it and called both assets clean while the gate failed.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from gha import copy_example

from conftest import TEAM_SANDBOX, TODAY, write

Run = Callable[..., tuple[int, str, str]]


def _three_assets(repo: Path) -> None:
    write(repo, "a/ai-asset.yaml", TEAM_SANDBOX)
    write(repo, "b/ai-asset.yaml", TEAM_SANDBOX)  # the same name as a/
    write(repo, "c/ai-asset.yaml", TEAM_SANDBOX.replace("notes-summariser", "other-tool"))


def test_duplicate_name_fails_its_asset_in_text(repo: Path, run: Run) -> None:
    _three_assets(repo)
    code, out, _ = run("check", str(repo), "--today", TODAY)
    assert code == 1
    assert "notes-summariser (team, sandbox) b/ai-asset.yaml\n  b/ai-asset.yaml:2:7 PG105 error: " in out
    assert "prodgate merge gate FAILED: 1 error, 0 warnings (3 assets checked, 2 clean;" in out
    assert out.rstrip().endswith("See `prodgate explain PG105` for what a rule checks and how to fix it.")


def test_duplicate_name_fails_its_asset_in_json(repo: Path, run: Run) -> None:
    _three_assets(repo)
    code, out, _ = run("check", str(repo), "--today", TODAY, "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["passed"] is False
    verdicts = {a["path"]: a["passed"] for a in report["assets"]}
    assert verdicts == {"a/ai-asset.yaml": True, "b/ai-asset.yaml": False, "c/ai-asset.yaml": True}
    assert [f["rule_id"] for f in report["findings"]] == ["PG105"]


def test_duplicate_name_fails_its_asset_in_markdown(repo: Path, run: Run) -> None:
    _three_assets(repo)
    code, out, _ = run("check", str(repo), "--today", TODAY, "--format", "markdown")
    assert code == 1
    assert out.startswith("## ❌ prodgate merge gate failed — 1 of 3 assets blocked\n")
    assert out.count("| ❌ | [**notes-summariser**](#pg-notes-summariser) | 1 |") == 1
    assert out.count("| ✅ | **notes-summariser** | 0 |") == 1
    assert "| ✅ | **other-tool** | 0 |" in out
    assert re.search(r"^- ❌ \[`PG105`\]\([^)]+\) `b/ai-asset.yaml:2:7` asset name", out, re.M)
    assert "Run `prodgate explain PG105`" in out


def test_duplicate_name_fails_in_junit(repo: Path, run: Run) -> None:
    _three_assets(repo)
    code, out, _ = run("check", str(repo), "--today", TODAY, "--format", "junit")
    assert code == 1
    root = ET.fromstring(out.split("\n", 1)[1])
    assert root.get("failures") == "1"
    failures = root.findall(".//failure")
    assert [f.get("type") for f in failures] == ["PG105"]


def test_fail_on_warning_fails_the_asset_everywhere(repo: Path, run: Run) -> None:
    copy_example(repo / "app", waived=True)  # passes with warnings at --fail-on error
    code, out, _ = run("check", str(repo), "--today", TODAY, "--format", "json", "--fail-on", "warning")
    report = json.loads(out)
    assert code == 1 and report["passed"] is False
    assert [a["passed"] for a in report["assets"]] == [False]  # its warnings now block
    _code, md, _ = run("check", str(repo), "--today", TODAY, "--format", "markdown", "--fail-on", "warning")
    assert "| ❌ | [**support-reply-drafter**](#pg-support-reply-drafter) |" in md and "❌ <b>support-reply-drafter</b>" in md


def test_markdown_and_text_hint_at_the_same_rule(repo: Path, run: Run) -> None:
    # PG204 and PG207 (warnings) sort before PG403 (the error) by id; the hint names the error.
    copy_example(repo / "app")
    _code, text, _ = run("check", str(repo), "--today", TODAY)
    _code, md, _ = run("check", str(repo), "--today", TODAY, "--format", "markdown")
    assert text.rstrip().endswith("See `prodgate explain PG403` for what a rule checks and how to fix it.")
    assert md.rstrip().endswith("Run `prodgate explain PG403` (or any rule id) for what a rule checks and how to fix it.")
