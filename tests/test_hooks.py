"""The pre-commit hook manifest: valid, matching the intended files, run as pre-commit
runs it, and documented in the README exactly as shipped."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from gha import stopped_regions
from prodgate import __version__

from conftest import REPO, TEAM_SANDBOX, TODAY, write

Run = Callable[..., tuple[int, str, str]]
MANIFEST = REPO / ".pre-commit-hooks.yaml"
README = REPO / "README.md"


def hooks() -> dict[str, dict[str, Any]]:
    loaded = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in loaded}


def selects(hook: dict[str, Any], filename: str) -> bool:
    """pre-commit's own test: ``re.search`` of ``files`` (default: everything) and not
    of ``exclude`` (default: nothing) on the path relative to the repository root."""
    files = hook.get("files", "")
    exclude = hook.get("exclude", "^$")
    return re.search(files, filename) is not None and re.search(exclude, filename) is None


def test_manifest_is_valid_for_pre_commit() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)],
        capture_output=True, text=True, check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_the_shipped_hooks() -> None:
    shipped = hooks()
    assert list(shipped) == ["prodgate-validate", "prodgate-check", "prodgate-discover"]
    for hook in shipped.values():
        assert hook["language"] == "python"
        assert hook["stages"] == ["pre-commit", "pre-push", "manual"]
        assert hook["minimum_pre_commit_version"] == "3.2.0"
        assert hook["pass_filenames"] is True
    assert shipped["prodgate-validate"]["require_serial"] is False
    assert shipped["prodgate-check"]["require_serial"] is True
    assert shipped["prodgate-discover"]["require_serial"] is True


DECLARATIONS = ["ai-asset.yaml", "ai-asset.yml", "services/bot/ai-asset.yaml", "a/b/c/ai-asset.yml"]
NOT_DECLARATIONS = [
    "my-ai-asset.yaml", "services/my-ai-asset.yml", "ai-asset.yaml.bak", "ai-asset.yml~",
    "ai-asset.json", "ai-assets.yaml", "ai-asset.yaml/notes.md", "xai-asset.yaml",
    "AI-ASSET.yaml", "ai_asset.yaml", "ai-asset.yamll", "docs/ai-asset.md", "src/app.py",
]


@pytest.mark.parametrize("name", DECLARATIONS)
def test_validate_selects_declarations(name: str) -> None:
    assert selects(hooks()["prodgate-validate"], name)


@pytest.mark.parametrize("name", NOT_DECLARATIONS)
def test_validate_ignores_everything_else(name: str) -> None:
    assert not selects(hooks()["prodgate-validate"], name)


@pytest.mark.parametrize("name", DECLARATIONS + NOT_DECLARATIONS + ["evals/out.json", "docs/model-card.md"])
def test_check_sees_every_changed_file(name: str) -> None:
    """Any file may be an asset's artifact or eval result: the mapping is prodgate's."""
    assert selects(hooks()["prodgate-check"], name)


def _as_pre_commit_runs(
    hook: dict[str, Any], files: list[str], run: Run, args: list[str] | None = None
) -> tuple[int, str, str]:
    """``entry`` + ``args`` (the user's, which replace the hook's) + the file names,
    in-process (prodgate's own ``main``)."""
    argv = [*shlex.split(hook["entry"]), *(hook.get("args", []) if args is None else args), *files]
    assert argv[0] == "prodgate"
    return run(*argv[1:])


def test_validate_hook_contract(repo: Path, monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    write(repo, "ok/ai-asset.yaml", TEAM_SANDBOX)
    write(repo, "bad/ai-asset.yml", TEAM_SANDBOX.replace("stage: sandbox", "stage: beta"))
    monkeypatch.chdir(repo)
    hook = hooks()["prodgate-validate"]
    assert _as_pre_commit_runs(hook, ["ok/ai-asset.yaml"], run)[0] == 0
    code, out, _ = _as_pre_commit_runs(hook, ["ok/ai-asset.yaml", "bad/ai-asset.yml"], run)
    assert code == 1
    assert out.splitlines()[0] == (
        "bad/ai-asset.yml:4:8 PG103 error: stage: 'beta' is not one of sandbox, pilot, production, retired"
    )
    assert "\033[" not in out
    assert out.splitlines()[-1] == "See `prodgate explain PG103` for what a rule checks and how to fix it."


def test_check_hook_contract(repo: Path, monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    write(repo, "bot/ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot"))
    write(repo, "other/ai-asset.yaml", TEAM_SANDBOX.replace("notes-summariser", "other"))
    monkeypatch.chdir(repo)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")  # the hook prints text even under Actions
    hook = hooks()["prodgate-check"]
    assert _as_pre_commit_runs(hook, ["other/app.py"], run)[0] == 0
    code, out, _ = _as_pre_commit_runs(hook, ["bot/prompt.txt"], run, args=["--today", TODAY, "--"])
    assert code == 1
    # Under Actions the whole text report is one stop-commands region.
    [lines] = stopped_regions(out)
    assert out.startswith("::stop-commands::prodgate-")
    assert lines[0] == "notes-summariser (team, pilot) bot/ai-asset.yaml"
    assert lines[1].startswith("  bot/ai-asset.yaml:1:1 PG201 error: Model card is required")
    assert "\033[" not in out
    assert lines[-1] == "See `prodgate explain PG201` for what a rule checks and how to fix it."


# -- the README --------------------------------------------------------------------


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start, end = "<!-- section:hooks -->\n", "<!-- /section:hooks -->"
    return text[text.index(start) + len(start) : text.index(end)]


def test_readme_section_starts_with_its_heading() -> None:
    assert _section().startswith("## pre-commit hooks\n")


def test_readme_hook_table_matches_the_manifest() -> None:
    rows = re.findall(r"^\| `([a-z-]+)` \| `([^`]+)` \|", _section(), flags=re.MULTILINE)
    documented = dict(rows)
    shipped = {
        hook_id: " ".join([hook["entry"], *hook.get("args", []), "FILE..."])
        for hook_id, hook in hooks().items()
    }
    assert documented == shipped


def readme_snippets() -> list[dict[str, Any]]:
    """The configurations the README shows, parsed: the plain one, then the one with a policy."""
    return [yaml.safe_load(s) for s in re.findall(r"```yaml\n(.*?)```", _section(), flags=re.DOTALL)]


def test_readme_snippets_install_every_hook_from_a_commit() -> None:
    """No tag exists yet: `rev:` is a commit's full SHA, and the tag is named for later."""
    configs = readme_snippets()
    assert len(configs) == 2
    for config in configs:
        (repo,) = config["repos"]
        assert repo["rev"] == "<full commit SHA>"
        assert [h["id"] for h in repo["hooks"]] == list(hooks())
        stages = {s for hook in hooks().values() for s in hook["stages"]} - {"manual"}
        assert set(config["default_install_hook_types"]) == stages
    # The tag is named once, in the prose: for when it exists.
    assert _section().count(f"`rev: v{__version__}`") == 1
    assert "full 40-character SHA" in _section()


def test_readme_policy_snippet_ends_its_args() -> None:
    """The policy goes to the hooks that read one, each ending its options with `--`."""
    (repo,) = readme_snippets()[1]["repos"]
    given = {h["id"]: h.get("args") for h in repo["hooks"]}
    assert given == {
        "prodgate-validate": None,
        "prodgate-check": ["--policy=.github/prodgate-policy.yaml", "--"],
        "prodgate-discover": ["--policy=.github/prodgate-policy.yaml", "--"],
    }


def test_readme_manual_command_names_a_shipped_hook() -> None:
    (command,) = re.findall(r"^pre-commit run (\S+) --hook-stage manual --all-files$", _section(), flags=re.MULTILINE)
    assert command in hooks()
    assert "manual" in hooks()[command]["stages"]


@pytest.mark.parametrize("hook_id", ["prodgate-validate", "prodgate-check", "prodgate-discover"])
def test_hooks_end_their_options(hook_id: str) -> None:
    """Whatever the file names, they come after ``--``, which is in ``args`` for every
    hook and in no ``entry``: a configuration's own ``args`` replace it the same way."""
    assert hooks()[hook_id]["args"] == ["--"]
    assert "--" not in shlex.split(hooks()[hook_id]["entry"])


EXEMPTING_POLICY = """\
apiVersion: prodgate/policy/v1
extends: builtin
name: acme
discovery:
  exempt:
    - path: tools/**
      reason: one-off scripts, reviewed by the platform team
"""


@pytest.mark.parametrize("hook_id", ["prodgate-check", "prodgate-discover"])
def test_readme_policy_args_reach_each_hook(
    hook_id: str, repo: Path, monkeypatch: pytest.MonkeyPatch, run: Run
) -> None:
    """The README's `args: [--policy=..., --]`: the policy exempts tools/, so the hook
    passes; with the discover hook's `--` in its entry the policy was a file name."""
    write(repo, ".github/prodgate-policy.yaml", EXEMPTING_POLICY)
    write(repo, "tools/scrape.py", "import openai\n")
    monkeypatch.chdir(repo)
    (config,) = readme_snippets()[1]["repos"]
    args = next(h["args"] for h in config["hooks"] if h["id"] == hook_id)
    code, out, err = _as_pre_commit_runs(hooks()[hook_id], ["tools/scrape.py"], run, args=args)
    assert code == 0, out
    # The gate says once that the policy allows more than the built-in one (an exempt
    # path); nothing else goes to stderr.
    assert all(
        line.startswith("prodgate: warning: policy .github/prodgate-policy.yaml is weaker than builtin: "
                        "discovery.exempt adds: tools/**")
        for line in err.splitlines()
    ), err
    # Without the policy the same file fails: the pass above is the policy's doing.
    assert _as_pre_commit_runs(hooks()[hook_id], ["tools/scrape.py"], run)[0] == 1


def test_file_names_that_look_like_options(repo: Path, monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    write(repo, "bot/ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot"))
    write(repo, "--policy=evil.yaml", "extends: builtin\nrules: {PG201: {severity: note}}\n")
    write(repo, "README.md", "# mine\n")
    write(repo, "--output=README.md", "x\n")
    monkeypatch.chdir(repo)
    files = ["--output=README.md", "--policy=evil.yaml", "bot/ai-asset.yaml"]
    code, out, err = _as_pre_commit_runs(hooks()["prodgate-check"], files, run)
    assert (code, err) == (1, "")
    assert "PG201 error: Model card is required" in out  # the built-in policy judged it
    assert (repo / "README.md").read_text(encoding="utf-8") == "# mine\n"
    # A configuration whose own args forget the "--" is refused, not obeyed.
    code, out, err = _as_pre_commit_runs(hooks()["prodgate-check"], files, run, args=["--today", TODAY])
    assert (code, out) == (2, "")
    assert err == (
        "prodgate: error: '--output=README.md' is given as an option but is also a file here: put `--` "
        "before file names (`prodgate check -- FILE...`); the shipped pre-commit hooks do\n"
    )
    assert (repo / "README.md").read_text(encoding="utf-8") == "# mine\n"


def test_check_hook_on_files_of_no_asset_in_a_repository_with_one(
    repo: Path, monkeypatch: pytest.MonkeyPatch, run: Run
) -> None:
    """The repository has a declaration; the changed file belongs to none. "no
    ai-asset.yaml found" would send the author looking for a file that is there."""
    write(repo, "svc/ai-asset.yaml", TEAM_SANDBOX)
    write(repo, "tools/scrape.py", "import openai\n")
    monkeypatch.chdir(repo)
    code, out, _ = _as_pre_commit_runs(hooks()["prodgate-check"], ["tools/scrape.py"], run)
    assert code == 1
    assert out.splitlines()[:2] == [
        "prodgate: no changed file belongs to an asset.",
        "tools/scrape.py (AI use no declaration covers)",
    ]
