"""The hooks as users get them: real pre-commit, installing prodgate from this
repository with pip, on a real git repository.

``pre-commit try-repo`` clones this repository's HEAD plus its staged and modified
tracked files, so the test judges the code under test, from a clean clone in CI too.
It builds the hook environment in a temporary store of its own on every call (it does
not use ``PRE_COMMIT_HOME``), so each call costs one ``pip install``; the test keeps to
two calls. ``PRE_COMMIT_HOME`` still points into the test's temporary folder so that
nothing is left in the user's cache.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FILLED_MODEL_CARD, TEAM_SANDBOX, write

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _env(home: Path) -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items()
        # The hook must print plain text wherever it runs: no colour forced from outside,
        # and no GitHub Actions context turning the default format into annotations.
        if key not in ("GITHUB_ACTIONS", "FORCE_COLOR", "NO_COLOR", "PRE_COMMIT_COLOR")
        and not key.startswith("GIT_")
    }
    env["PRE_COMMIT_HOME"] = str(home)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    return env


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _try_repo(project: Path, home: Path, *hook: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO_ROOT), *hook, "--all-files"],
        cwd=project, env=_env(home), capture_output=True, text=True, check=False, timeout=600,
    )


def _verdicts(out: str) -> list[str]:
    """pre-commit's one line per hook, as "name Passed|Failed"."""
    return [line.split(".")[0] + " " + line.rsplit(".", 1)[-1] for line in out.splitlines() if "...." in line]


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    """A git repository with a failing pilot asset, a README and ``files``, all staged."""
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q")
    write(project, "services/notes/ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot"))
    write(project, "README.md", "# project\n")
    for rel, text in files.items():
        write(project, rel, text)
    _git(project, "add", "-A")
    return project


@pytest.mark.e2e
def test_check_hook_fails_then_passes_after_the_fix(tmp_path: Path, pre_commit_home: Path) -> None:
    project = _project(tmp_path, {"services/notes/app.py": "print('hello')\n"})

    failed = _try_repo(project, pre_commit_home, "prodgate-check")
    out = failed.stdout
    assert failed.returncode == 1, out + failed.stderr
    assert "prodgate check......" in out and "Failed" in out
    assert "- exit code: 1" in out
    assert "notes-summariser (team, pilot) services/notes/ai-asset.yaml\n" in out
    assert (
        "  services/notes/ai-asset.yaml:1:1 PG201 error: Model card is required for tier 'team' "
        "at stage 'pilot', but `artifacts:` has no 'model_card'\n"
    ) in out
    assert "\nprodgate merge gate FAILED: 1 error, 0 warnings (" in out
    assert "See `prodgate explain PG201` for what a rule checks and how to fix it.\n" in out
    assert "\033[" not in out

    write(
        project,
        "services/notes/ai-asset.yaml",
        TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot") + "artifacts:\n  model_card: docs/model-card.md\n",
    )
    write(project, "services/notes/docs/model-card.md", FILLED_MODEL_CARD)
    _git(project, "add", "-A")

    # Both hooks this time: the schema hook must pass on the same declaration.
    passed = _try_repo(project, pre_commit_home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert _verdicts(passed.stdout) == ["prodgate check Passed", "prodgate discover Passed", "prodgate validate Passed"]


@pytest.mark.e2e
def test_committed_file_names_cannot_become_options(tmp_path: Path, pre_commit_home: Path) -> None:
    """Files named like options, committed: pre-commit passes them after the hooks'
    ``--``, so they are checked as files; none switches the policy or redirects output."""
    project = _project(tmp_path, {
        # An evil policy that would let the missing model card through, a README to clobber...
        "--policy=evil.yaml": "extends: builtin\nrules: {PG201: {severity: note}}\n",
        "--output=README.md": "x\n",
        # ...and a broken declaration in a folder named like the help flag.
        "-h/ai-asset.yaml": "name: [\n",
    })

    done = _try_repo(project, pre_commit_home)
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert _verdicts(out) == ["prodgate check Failed", "prodgate discover Passed", "prodgate validate Failed"]
    assert "usage:" not in out and "unrecognized arguments" not in out
    # The built-in policy judged the asset: PG201 is an error, not the evil policy's note.
    assert "  services/notes/ai-asset.yaml:1:1 PG201 error: Model card is required" in out
    assert "-h/ai-asset.yaml:2:1 PG101 error: " in out
    assert (project / "README.md").read_text(encoding="utf-8") == "# project\n"


@pytest.mark.e2e
def test_discover_hook_fails_on_undeclared_ai(tmp_path: Path, pre_commit_home: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q")
    write(project, "services/notes/ai-asset.yaml", TEAM_SANDBOX)
    write(project, "services/notes/app.py", "import anthropic\n")
    write(project, "tools/scrape.py", "import json\n\nimport openai\n")
    write(project, "README.md", "We use openai in tools/.\n")
    _git(project, "add", "-A")

    failed = _try_repo(project, pre_commit_home, "prodgate-discover")
    out = failed.stdout
    assert failed.returncode == 1, out + failed.stderr
    assert "prodgate discover......" in out and "Failed" in out
    assert "services/notes/app.py (asset notes-summariser)\n" in out
    assert "tools/scrape.py (undeclared)\n  tools/scrape.py:3 import openai (openai)\n" in out
    assert "README.md" not in out.split("Failed", 1)[1]
    assert "prodgate discover: 2 detections in 2 files (1 undeclared)" in out


@pytest.mark.e2e
def test_readme_policy_configuration_as_written(tmp_path: Path, pre_commit_home: Path) -> None:
    """The README's configuration with `args: [--policy=..., --]`, run by real
    pre-commit: only `repo:` and `rev:` are replaced, by the clone try-repo makes of
    this checkout (its commit plus the uncommitted changes). The policy exempts tools/,
    so every hook passes; the plain configuration, same files, fails on tools/."""
    from pre_commit.commands.try_repo import _repo_ref

    from test_hooks import EXEMPTING_POLICY, readme_snippets

    project = _project(tmp_path, {
        ".github/prodgate-policy.yaml": EXEMPTING_POLICY,
        "tools/scrape.py": "import openai\n",
    })
    # The pilot asset of _project needs its model card to pass the merge gate.
    write(project, "services/notes/ai-asset.yaml", TEAM_SANDBOX)
    _git(project, "add", "-A")
    plain, with_policy = readme_snippets()
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    repo, ref = _repo_ref(str(shadow), str(REPO_ROOT), None)

    def run(config: dict[str, object], name: str) -> subprocess.CompletedProcess[str]:
        (entry,) = config["repos"]  # type: ignore[index]
        entry.update(repo=repo, rev=ref)
        path = tmp_path / name
        path.write_text(yaml.safe_dump(config), encoding="utf-8")
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--config", str(path), "--all-files"],
            cwd=project, env=_env(pre_commit_home), capture_output=True, text=True, check=False, timeout=600,
        )

    done = run(with_policy, "with-policy.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert _verdicts(done.stdout) == ["prodgate validate Passed", "prodgate check Passed", "prodgate discover Passed"]
    done = run(plain, "plain.yaml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert _verdicts(done.stdout) == ["prodgate validate Passed", "prodgate check Failed", "prodgate discover Failed"]
    assert "tools/scrape.py:1 PG801 error: undeclared AI use" in done.stdout
