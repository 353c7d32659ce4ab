"""A gate must not pass by being pointed at the wrong thing.

A declaration under a near-miss name is read by nobody, so it fails the gate by name;
a file given to ``prodgate check`` stands for the asset that covers it; a folder inside
an asset stands for that asset.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from prodgate.manifest.discover import is_near_miss

from conftest import TEAM_SANDBOX, TODAY, write

Run = Callable[..., tuple[int, str, str]]

BROKEN = TEAM_SANDBOX.replace("tier: team", "tier: nope")


@pytest.mark.parametrize(
    "name",
    ["ai-assets.yaml", "ai_asset.yaml", "AI-Asset.yaml", "ai-asset.YAML", "ai_assets.yml", "aiasset.yaml",
     "ai-aset.yaml", "ai-assset.yml", "ia-asset.yaml", "ai asset.yaml"],
)
def test_near_miss_names(name: str) -> None:
    assert is_near_miss(name)


@pytest.mark.parametrize(
    "name", ["ai-asset.yaml", "ai-asset.yml", "ai-asset.yaml.bak", "ai-asset.json", "assets.yaml", "ai-model.yaml",
             "data-asset.yaml", "policy.yaml"],
)
def test_not_near_miss_names(name: str) -> None:
    assert not is_near_miss(name)


@pytest.mark.parametrize("name", ["ai-assets.yaml", "ai_asset.yaml", "AI-Asset.yaml"])
def test_misnamed_declaration_fails_the_gate(repo: Path, run: Run, name: str) -> None:
    write(repo, f"svc/{name}", TEAM_SANDBOX)
    code, out, _ = run("check", str(repo), "--today", TODAY)
    assert code == 1
    assert f"svc/{name} PG106 error: '{name}' is not read as a declaration" in out
    assert f"fix: Rename it: `git mv svc/{name} svc/ai-asset.yaml`." in out
    assert "nothing to check" not in out
    code, out, _ = run("check", str(repo), "--today", TODAY, "--format", "json")
    report = json.loads(out)
    assert report["passed"] is False and [f["rule_id"] for f in report["findings"]] == ["PG106"]


def test_misnamed_beside_a_real_declaration(repo: Path, run: Run) -> None:
    write(repo, "svc/ai-asset.yaml", TEAM_SANDBOX)
    write(repo, "svc/ai_asset.yml", TEAM_SANDBOX)
    code, out, _ = run("check", str(repo), "--today", TODAY)
    assert code == 1
    assert "svc/ai_asset.yml PG106" in out
    assert "fix: Merge it into svc/ai-asset.yaml and delete it." in out  # never a second declaration
    assert "1 asset checked" in out


def test_changed_misnamed_file_fails_the_hook(repo: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo, "svc/ai-assets.yaml", TEAM_SANDBOX)
    monkeypatch.chdir(repo)
    code, out, _ = run("check", "--changed", "svc/ai-assets.yaml", "--today", TODAY)
    assert code == 1
    assert "svc/ai-assets.yaml PG106" in out


def test_check_a_file_checks_the_asset_that_covers_it(repo: Path, run: Run) -> None:
    write(repo, "svc/ai-asset.yaml", BROKEN)
    write(repo, "svc/docs/model-card.md", "# Model card\n")
    write(repo, "other/ai-asset.yaml", TEAM_SANDBOX.replace("notes-summariser", "other"))
    code, out, _ = run("check", str(repo / "svc/docs/model-card.md"), "--today", TODAY, "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert [(f["rule_id"], f["path"]) for f in report["findings"]] == [("PG103", "svc/ai-asset.yaml")]
    assert report["summary"]["declarations"] == 1


def test_check_a_file_named_by_paths_glob(repo: Path, run: Run) -> None:
    write(repo, "svc/ai-asset.yaml", BROKEN + 'paths: ["../prompts/**"]\n')
    write(repo, "prompts/reply.txt", "Be brief.\n")
    code, out, _ = run("check", str(repo / "prompts/reply.txt"), "--today", TODAY)
    assert code == 1
    assert "svc/ai-asset.yaml:3:7 PG103" in out


def test_check_a_file_no_asset_covers_is_scanned_for_undeclared_ai(repo: Path, run: Run) -> None:
    """A file outside every asset is judged by discovery: AI use in it is PG801 at its
    line (exit 1); a file without AI use passes."""
    write(repo, "svc/ai-asset.yaml", TEAM_SANDBOX)
    write(repo, "README.md", "hello, this mentions openai in prose\n")
    write(repo, "tools/bot.py", '"""Helper."""\nimport json\n\nimport anthropic\n')
    write(repo, "tools/plain.py", "import json\n")
    code, out, err = run("check", str(repo / "tools/bot.py"), "--today", TODAY, "--format", "json")
    report = json.loads(out)
    assert code == 1, err
    assert [(f["rule_id"], f["path"], f["line"]) for f in report["findings"]] == [("PG801", "tools/bot.py", 4)]
    assert report["summary"]["declarations"] == 0
    for clean in ("README.md", "tools/plain.py"):
        code, out, err = run("check", str(repo / clean), "--today", TODAY)
        assert (code, err) == (0, "")
        assert out.splitlines()[0] == "prodgate: no ai-asset.yaml found; nothing to check."


def test_check_a_file_no_asset_covers_without_discovery_is_a_usage_error(repo: Path, run: Run) -> None:
    write(repo, "svc/ai-asset.yaml", TEAM_SANDBOX)
    write(repo, "README.md", "hello\n")
    code, out, err = run("check", "--no-discover", str(repo / "README.md"), "--today", TODAY)
    assert (code, out) == (2, "")
    assert err == (
        "prodgate: error: README.md: not an ai-asset.yaml, and no asset covers it; give a declaration, a directory, "
        "or a file inside an asset (its folder, artifacts:, evals[].results or paths:), or leave discovery on to "
        "scan it for undeclared AI use\n"
    )


def test_check_a_covered_and_an_uncovered_file_together(repo: Path, run: Run) -> None:
    write(repo, "svc/ai-asset.yaml", BROKEN)
    write(repo, "svc/docs/model-card.md", "# Model card\n")
    write(repo, "tools/bot.py", "import openai\n")
    code, out, _ = run("check", str(repo / "svc/docs/model-card.md"), str(repo / "tools/bot.py"),
                       "--today", TODAY, "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert [(f["rule_id"], f["path"]) for f in report["findings"]] == [
        ("PG103", "svc/ai-asset.yaml"), ("PG801", "tools/bot.py"),
    ]


def test_check_inside_docs_checks_the_asset(repo: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo, "svc/ai-asset.yaml", BROKEN)
    write(repo, "svc/docs/model-card.md", "# Model card\n")
    monkeypatch.chdir(repo / "svc" / "docs")
    code, out, _ = run("check", "--today", TODAY)
    assert code == 1
    assert "svc/ai-asset.yaml:3:7 PG103" in out


def test_empty_folder_outside_any_asset_still_has_nothing_to_check(repo: Path, run: Run) -> None:
    (repo / "empty").mkdir()
    code, out, _ = run("check", str(repo / "empty"), "--today", TODAY)
    assert (code, out.splitlines()[0]) == (0, "prodgate: no ai-asset.yaml found; nothing to check.")
