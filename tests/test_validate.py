"""``prodgate validate FILE...``: YAML and schema only, one line per finding, fast start."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import TEAM_SANDBOX, write

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def in_repo(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository root, as pre-commit runs hooks."""
    monkeypatch.chdir(repo)
    return repo


def test_valid_declaration_passes(in_repo: Path, run: Run) -> None:
    write(in_repo, "ai-asset.yaml", TEAM_SANDBOX)
    assert run("validate", "ai-asset.yaml") == (0, "prodgate validate: 1 file valid\n", "")


def test_schema_errors_are_reported_at_their_lines(in_repo: Path, run: Run) -> None:
    write(in_repo, "svc/ai-asset.yml", TEAM_SANDBOX.replace("tier: team", "tier: tem") + "ownr: x\n")
    code, out, _ = run("validate", "svc/ai-asset.yml")
    assert code == 1
    assert out.splitlines() == [
        "svc/ai-asset.yml:3:7 PG103 error: tier: 'tem' is not one of team, departmental, enterprise; did you mean 'team'?",
        "  fix: Use one of: team, departmental, enterprise.",
        "svc/ai-asset.yml:8:1 PG104 error: unknown key 'ownr' in the top level; did you mean 'owner'?",
        "  fix: Allowed keys here: apiVersion, name, description, tier, stage, owner, business_owner, "
        "risk, models, data_sources, paths, evals, artifacts, exceptions, review, agent.",
        "prodgate validate FAILED: 2 errors in 1 of 1 file",
        "See `prodgate explain PG103` for what a rule checks and how to fix it.",
    ]


def test_yaml_syntax_error_is_a_finding(in_repo: Path, run: Run) -> None:
    write(in_repo, "ai-asset.yaml", "apiVersion: prodgate/v1\nname: [unclosed\ntier: team\n")
    code, out, err = run("validate", "ai-asset.yaml")
    assert (code, err) == (1, "")
    assert out.splitlines()[0] == (
        "ai-asset.yaml:3:5 PG101 error: while parsing a flow sequence did not find expected ',' or ']'"
    )
    assert out.endswith("See `prodgate explain PG101` for what a rule checks and how to fix it.\n")


def test_duplicate_key_is_a_finding(in_repo: Path, run: Run) -> None:
    write(in_repo, "ai-asset.yaml", TEAM_SANDBOX + "tier: enterprise\n")
    code, out, _ = run("validate", "ai-asset.yaml")
    assert code == 1
    assert out.splitlines()[0] == (
        "ai-asset.yaml:8:1 PG101 error: duplicate key 'tier' (first defined on line 3)"
    )


def test_every_file_is_checked_and_counted(in_repo: Path, run: Run) -> None:
    write(in_repo, "a/ai-asset.yaml", TEAM_SANDBOX)
    write(in_repo, "b/ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox\n", ""))
    write(in_repo, "c/ai-asset.yaml", "")
    code, out, _ = run("validate", "a/ai-asset.yaml", "b/ai-asset.yaml", "c/ai-asset.yaml")
    assert code == 1
    lines = [line for line in out.splitlines() if not line.startswith(("  fix:", "See "))]
    assert lines == [
        "b/ai-asset.yaml:1:1 PG103 error: missing required key 'stage' in the top level",
        "c/ai-asset.yaml PG102 error: declaration is empty",
        "prodgate validate FAILED: 2 errors in 2 of 3 files",
    ]


def test_paths_are_relative_to_the_repository_root(in_repo: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    write(in_repo, "svc/ai-asset.yaml", TEAM_SANDBOX.replace("name: notes-summariser", "name: Notes"))
    monkeypatch.chdir(in_repo / "svc")
    code, out, _ = run("validate", "ai-asset.yaml")
    assert code == 1
    assert out.startswith("svc/ai-asset.yaml:2:7 PG103 error: name: 'Notes' is not a name of lowercase letters, digits and dashes, "
                          "at most 63 characters, not starting or ending with a dash, such as support-reply-drafter\n")


def test_colour_only_when_asked_or_on_a_terminal(in_repo: Path, run: Run) -> None:
    write(in_repo, "ai-asset.yaml", TEAM_SANDBOX.replace("tier: team", "tier: tem"))
    _code, out, _ = run("validate", "ai-asset.yaml")
    assert "\033[" not in out
    _code, out, _ = run("validate", "--color", "ai-asset.yaml")
    assert out.startswith("\033[31mai-asset.yaml:3:7 PG103\033[0m \033[31m\033[1merror:\033[0m tier:")


def test_no_file_is_a_usage_error(run: Run) -> None:
    code, _out, err = run("validate")
    assert code == 2
    assert "the following arguments are required: FILE" in err


def test_validate_keeps_the_gate_off_its_import_path(repo: Path) -> None:
    """The hook runs on every commit: only the loader and the finding format load."""
    path = write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    probe = (
        "import json, sys\n"
        "from prodgate.cli import main\n"
        f"code = main(['validate', {str(path)!r}])\n"
        "print(json.dumps([code, sorted(sys.modules)]))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    code, modules = json.loads(done.stdout.splitlines()[-1])
    assert code == 0
    assert "prodgate.manifest.loader" in modules
    heavy = ("prodgate.engine", "prodgate.policy", "prodgate.report", "prodgate.rules.artifacts", "prodgate.context", "git", "requests")
    loaded = [m for m in modules if m in heavy or m.startswith(tuple(f"{h}." for h in heavy))]
    assert loaded == []
