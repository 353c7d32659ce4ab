"""In a git checkout the declaration search covers every tracked file: no folder name
and no ``pyvenv.cfg`` can hide an asset from the gate. Skip-lists only apply outside
git and to untracked files."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from prodgate.manifest.discover import scan

from conftest import TEAM_SANDBOX, TODAY, write

PILOT = TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot")  # fails: no model card
HIDING_PLACES = (
    "venv/bot", ".venv/bot", "env/bot", "dist/bot", "build/lib/site-packages/bot",
    "node_modules/bot", ".tox/bot", "__pycache__/bot",
)


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                   cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q")
    return root


@pytest.mark.parametrize("folder", HIDING_PLACES)
def test_tracked_declaration_in_a_skipped_folder_is_checked(
    git_repo: Path, folder: str, check_json: Callable[..., tuple[int, dict[str, Any]]]
) -> None:
    write(git_repo, f"{folder}/ai-asset.yaml", PILOT)
    _git(git_repo, "add", "-A")
    code, report = check_json(str(git_repo))
    assert code == 1
    assert [(f["rule_id"], f["path"]) for f in report["findings"]] == [("PG201", f"{folder}/ai-asset.yaml")]


def test_a_pyvenv_cfg_does_not_hide_the_assets_beside_it(
    git_repo: Path, check_json: Callable[..., tuple[int, dict[str, Any]]]
) -> None:
    write(git_repo, "services/bot/ai-asset.yaml", PILOT)
    write(git_repo, "services/pyvenv.cfg", "")  # touch services/pyvenv.cfg
    _git(git_repo, "add", "-A")
    code, report = check_json(str(git_repo))
    assert (code, report["summary"]["declarations"]) == (1, 1)
    assert report["findings"][0]["path"] == "services/bot/ai-asset.yaml"
    # Also when the check starts inside the "virtual environment".
    code, report = check_json(str(git_repo / "services"))
    assert (code, report["summary"]["declarations"]) == (1, 1)


def test_the_hook_sees_it_too(git_repo: Path, run: Callable[..., tuple[int, str, str]],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    write(git_repo, "venv/bot/ai-asset.yaml", PILOT)
    write(git_repo, "venv/bot/prompt.txt", "hello\n")
    _git(git_repo, "add", "-A")
    monkeypatch.chdir(git_repo)
    code, out, _ = run("check", "--changed", "--format", "text", "--today", TODAY, "venv/bot/prompt.txt")
    assert code == 1
    assert out.splitlines()[0] == "notes-summariser (team, pilot) venv/bot/ai-asset.yaml"


def test_untracked_files_follow_the_skip_lists(git_repo: Path) -> None:
    write(git_repo, "app/ai-asset.yaml", PILOT)  # untracked, ordinary folder: found
    write(git_repo, "node_modules/pkg/ai-asset.yaml", "broken: [\n")  # untracked, skipped
    write(git_repo, "tool/pyvenv.cfg", "")
    write(git_repo, "tool/lib/ai-asset.yaml", "broken: [\n")  # untracked, in a venv: skipped
    write(git_repo, "tracked/ai_asset.yaml", "x: 1\n")
    _git(git_repo, "add", "tracked")
    found = scan([git_repo])
    root = git_repo.resolve()
    assert found.declarations == [root / "app/ai-asset.yaml"]
    assert found.misnamed == [root / "tracked/ai_asset.yaml"]


def test_ignored_files_are_not_searched_but_force_added_ones_are(git_repo: Path) -> None:
    write(git_repo, ".gitignore", "generated/\n")
    write(git_repo, "generated/a/ai-asset.yaml", PILOT)
    write(git_repo, "generated/b/ai-asset.yaml", PILOT)
    _git(git_repo, "add", "-f", "generated/b/ai-asset.yaml")
    assert scan([git_repo]).declarations == [git_repo.resolve() / "generated/b/ai-asset.yaml"]


def test_tracked_but_deleted_is_not_reported(git_repo: Path) -> None:
    decl = write(git_repo, "a/ai-asset.yaml", PILOT)
    _git(git_repo, "add", "-A")
    decl.unlink()
    assert scan([git_repo]).declarations == []


def test_submodule_is_searched_as_its_own_repository(git_repo: Path, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    _git(lib, "init", "-q")
    write(lib, "venv/ai-asset.yaml", PILOT)
    _git(lib, "add", "-A")
    _git(lib, "commit", "-qm", "lib")
    _git(git_repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(lib), "vendor/lib")
    assert scan([git_repo]).declarations == [git_repo.resolve() / "vendor/lib/venv/ai-asset.yaml"]
    assert scan([git_repo / "vendor"]).declarations == [git_repo.resolve() / "vendor/lib/venv/ai-asset.yaml"]


def test_names_with_odd_characters(git_repo: Path) -> None:
    """-z listing: newlines, quotes and non-ASCII names come through unmangled."""
    folder = 'we"ird\nnäme ##[x]'
    write(git_repo, f"{folder}/ai-asset.yaml", PILOT)
    _git(git_repo, "add", "-A")
    assert scan([git_repo]).declarations == [git_repo.resolve() / folder / "ai-asset.yaml"]


# -- discovery: the same rule for AI use -------------------------------------------------
BOT = "import json\n\nimport openai\n"


@pytest.mark.parametrize("folder", ["vendor", "third_party", "node_modules/bot", "venv/lib", ".tox/py311"])
def test_tracked_ai_use_in_a_skipped_folder_is_found(
    git_repo: Path, folder: str, run: Callable[..., tuple[int, str, str]],
    check_json: Callable[..., tuple[int, dict[str, Any]]],
) -> None:
    write(git_repo, f"{folder}/bot.py", BOT)
    _git(git_repo, "add", "-A")
    code, out, _ = run("discover", "--format", "json", str(git_repo))
    found = [(d["path"], d["line"], d["kind"]) for d in json.loads(out)["detections"]]
    assert (code, found) == (1, [(f"{folder}/bot.py", 3, "import")])
    code, report = check_json(str(git_repo), "--today", TODAY)
    assert code == 1
    assert [(f["rule_id"], f["path"], f["line"]) for f in report["findings"]] == [("PG801", f"{folder}/bot.py", 3)]


def test_a_pyvenv_cfg_does_not_hide_tracked_ai_use(git_repo: Path, run: Callable[..., tuple[int, str, str]]) -> None:
    write(git_repo, "tools/pyvenv.cfg", "home = /usr\n")
    write(git_repo, "tools/lib/bot.py", BOT)
    _git(git_repo, "add", "-A")
    code, out, _ = run("discover", "--format", "json", str(git_repo))
    assert (code, [d["path"] for d in json.loads(out)["detections"]]) == (1, ["tools/lib/bot.py"])


def test_untracked_ai_use_follows_the_skip_lists(git_repo: Path, run: Callable[..., tuple[int, str, str]]) -> None:
    write(git_repo, "app/main.py", BOT)  # untracked, ordinary folder: found
    write(git_repo, "vendor/bot.py", BOT)  # untracked, skipped folder
    write(git_repo, "env2/pyvenv.cfg", "home = /usr\n")
    write(git_repo, "env2/lib/site.py", BOT)  # untracked, in a virtual environment
    code, out, _ = run("discover", "--format", "json", str(git_repo))
    assert (code, [d["path"] for d in json.loads(out)["detections"]]) == (1, ["app/main.py"])


def test_a_change_in_a_skipped_folder_is_scanned(
    git_repo: Path, run: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(git_repo, "vendor/bot.py", BOT)
    _git(git_repo, "add", "-A")
    monkeypatch.chdir(git_repo)
    code, out, _ = run("discover", "--changed", "--format", "json", "vendor/bot.py")
    assert (code, [(d["path"], d["line"]) for d in json.loads(out)["detections"]]) == (1, [("vendor/bot.py", 3)])


def test_a_tracked_symlink_is_not_followed_out_of_the_repository(
    git_repo: Path, tmp_path: Path, run: Callable[..., tuple[int, str, str]]
) -> None:
    outside = write(tmp_path, "outside/secret.py", BOT)
    (git_repo / "link.py").symlink_to(outside)
    write(git_repo, "app.py", "print(1)\n")
    _git(git_repo, "add", "-A")
    code, out, _ = run("discover", "--format", "json", str(git_repo))
    assert (code, json.loads(out)["detections"]) == (0, [])


def test_files_are_parsed_as_git_grep_reports_them_and_untracked_ones_after(git_repo: Path) -> None:
    """The tracked files git grep finds are parsed while it searches (the total is not
    known yet: 0), then the untracked ones; the last report gives the full count."""
    from prodgate.discovery import catalogue
    from prodgate.discovery import scan as discovery_scan

    for i in range(30):
        write(git_repo, f"svc/m{i}.py", BOT if i % 3 == 0 else "import json\n")
    _git(git_repo, "add", "-A")
    write(git_repo, "new/untracked.py", BOT)
    write(git_repo, "vendor/untracked.py", BOT)  # untracked, skipped folder
    calls: list[tuple[int, int]] = []
    result = discovery_scan.scan(git_repo, catalogue.build(), progress=lambda done, total: calls.append((done, total)))
    paths = sorted({d.path for d in result.detections})
    assert paths == sorted(["new/untracked.py", *(f"svc/m{i}.py" for i in range(0, 30, 3))])
    assert [c[0] for c in calls] == list(range(1, 12))
    assert {total for _, total in calls[:10]} == {0} and calls[-1] == (11, 11)
    assert result.files == 31  # vendor/untracked.py is not listed


def test_each_file_tested_in_python_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside git every file is tested by the prefilter in Python; the bytes it searched
    are the ones parsed, not read a second time (the real reader, counted)."""
    from prodgate.discovery import catalogue
    from prodgate.discovery import scan as discovery_scan

    write(tmp_path, "svc/bot.py", BOT)
    write(tmp_path, "svc/plain.py", "import json\n")
    reads: list[str] = []
    real = discovery_scan.read_regular

    def counted(path: Path, limit: int, *, head: bool = False) -> object:
        reads.append(path.relative_to(tmp_path).as_posix())
        return real(path, limit, head=head)

    monkeypatch.setattr(discovery_scan, "read_regular", counted)
    calls: list[tuple[int, int]] = []
    result = discovery_scan.scan(tmp_path, catalogue.build(), progress=lambda done, total: calls.append((done, total)))
    assert sorted({d.path for d in result.detections}) == ["svc/bot.py"]
    assert sorted(reads) == ["svc/bot.py", "svc/plain.py"]
    assert calls == [(1, 1)]


@pytest.mark.parametrize("extra", [[], ["é/ai-asset.yaml", "x/\u212aeras.keras", "\uff38.pt"]])
def test_declarations_and_weights_are_picked_from_the_listing_by_their_names(extra: list[str]) -> None:
    """One search of the joined listing finds what testing each name finds: every
    declaration (one right after another included) and every name weights can have."""
    from prodgate.discovery import scan as discovery_scan

    names = sorted([
        "a/ai-asset.yaml", "ai-asset.yaml", "ai-asset.yml", "b/ai-asset.yml", "c/ai-asset.yaml", "AI-Asset.yaml",
        "x/my-ai-asset.yaml", "d/ai-asset.yaml.bak", "m/model.SafeTensors", "pytorch_model-00001-of-2.bin",
        "w.bin", "x.py", "e.PT", "f.ptx", "g.gguf", "h.onnx", "weights.pkl", "notes.md", *extra,
    ])
    declarations, maybe_weights = discovery_scan._by_name(names)
    assert declarations == [n for n in names if n.rsplit("/", 1)[-1] in discovery_scan.DECLARATION_NAMES]
    weights_by_name = [n for n in names if (k := discovery_scan.classify(n)) is not None and k.startswith("weights:")]
    assert [n for n in maybe_weights if n in weights_by_name] == weights_by_name
    assert "c/ai-asset.yaml" in declarations and "ai-asset.yaml" in declarations
