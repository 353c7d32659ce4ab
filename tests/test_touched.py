"""Which assets changed files touch, and ``prodgate check --changed`` on them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from prodgate.manifest.touched import touched_declarations

from conftest import FILLED_MODEL_CARD, TEAM_SANDBOX, TODAY, ids_at, write

Run = Callable[..., tuple[int, str, str]]
CheckJson = Callable[..., tuple[int, dict[str, Any]]]


def asset(name: str, extra: str = "", stage: str = "sandbox") -> str:
    return TEAM_SANDBOX.replace("notes-summariser", name).replace("sandbox", stage) + extra


@pytest.fixture
def mono(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A monorepo: a top-level asset, a nested one, one whose evidence lives elsewhere."""
    write(repo, "ai-asset.yaml", asset("platform"))
    write(repo, "services/chat/ai-asset.yml", asset("chat"))
    write(
        repo,
        "services/chat/bot/ai-asset.yaml",
        asset(
            "chat-bot",
            "artifacts:\n  model_card: ../../../shared/cards/bot.md\n"
            "evals:\n  - name: quality\n    results: ../../../evals/out/bot.json\n"
            'paths: ["../../../prompts/bot/**", "../../../lib/bot_*.py", "../../../vendor/botkit"]\n',
        ),
    )
    write(repo, "README.md", "# readme\n")
    monkeypatch.chdir(repo)
    return repo


def touched(root: Path, *files: str) -> list[str]:
    return [p.relative_to(root.resolve()).as_posix() for p in touched_declarations(files, root)]


def test_a_file_touches_the_nearest_asset_above_it(mono: Path) -> None:
    assert touched(mono, "services/chat/app.py") == ["services/chat/ai-asset.yml"]
    assert touched(mono, "services/chat/bot/main.py") == ["services/chat/bot/ai-asset.yaml"]
    assert touched(mono, "services/other/x.py") == ["ai-asset.yaml"]
    assert touched(mono, "README.md") == ["ai-asset.yaml"]


def test_a_declaration_touches_its_own_asset(mono: Path) -> None:
    assert touched(mono, "services/chat/bot/ai-asset.yaml") == ["services/chat/bot/ai-asset.yaml"]


def test_artifacts_and_eval_results_touch_the_asset_that_names_them(mono: Path) -> None:
    (mono / "ai-asset.yaml").unlink()  # no top-level asset: only the references count
    assert touched(mono, "shared/cards/bot.md") == ["services/chat/bot/ai-asset.yaml"]
    assert touched(mono, "evals/out/bot.json") == ["services/chat/bot/ai-asset.yaml"]
    assert touched(mono, "shared/cards/other.md", "evals/out/bot.jsonl") == []


def test_paths_globs_touch_the_asset(mono: Path) -> None:
    (mono / "ai-asset.yaml").unlink()
    bot = ["services/chat/bot/ai-asset.yaml"]
    assert touched(mono, "prompts/bot/a/b/system.txt") == bot
    assert touched(mono, "lib/bot_reply.py") == bot
    assert touched(mono, "vendor/botkit/client/api.py") == bot  # a folder covers what is below it
    assert touched(mono, "lib/sub/bot_reply.py", "prompts/botany.txt", "vendor/botkit2/x.py") == []


def test_deleted_files_still_touch_their_asset(mono: Path) -> None:
    assert touched(mono, "services/chat/bot/gone.py", "shared/cards/bot.md") == [
        "ai-asset.yaml",
        "services/chat/bot/ai-asset.yaml",
    ]


def test_files_outside_the_repository_touch_nothing(mono: Path, tmp_path: Path) -> None:
    write(tmp_path, "elsewhere/ai-asset.yaml", asset("elsewhere"))
    assert touched(mono, str(tmp_path / "elsewhere" / "ai-asset.yaml"), "../outside.py") == []


def test_a_declaration_broken_in_schema_still_says_what_it_covers(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo, "a/ai-asset.yaml", asset("a", "artifacts:\n  model_card: ../docs/a.md\n").replace("tier: team", "tier: 7"))
    write(repo, "b/ai-asset.yaml", "name: [broken\n")
    monkeypatch.chdir(repo)
    assert touched(repo, "docs/a.md") == ["a/ai-asset.yaml"]
    assert touched(repo, "b/x.py") == ["b/ai-asset.yaml"]


def test_references_that_leave_the_repository_are_ignored(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo, "a/ai-asset.yaml", asset("a", 'artifacts:\n  model_card: ../../card.md\npaths: ["/etc/**"]\n'))
    monkeypatch.chdir(repo)
    assert touched(repo, "card.md", "etc/passwd") == []


def test_untouched_change_passes_without_running_the_gate(mono: Path, run: Run) -> None:
    (mono / "ai-asset.yaml").unlink()
    assert run("check", "--changed", "README.md", "docs/x.md") == (
        0, "prodgate: the 2 changed files touch no asset; nothing to check.\n", ""
    )
    assert run("check", "--changed")[:2] == (0, "prodgate: no changed file given; nothing to check.\n")


def test_changed_checks_only_the_touched_assets(repo: Path, monkeypatch: pytest.MonkeyPatch, check_json: CheckJson) -> None:
    write(repo, "good/ai-asset.yaml", asset("good"))
    write(repo, "bad/ai-asset.yaml", asset("bad", stage="pilot"))
    monkeypatch.chdir(repo)
    code, report = check_json("--changed", "good/src/app.py")
    assert (code, [a["name"] for a in report["assets"]], ids_at(report)) == (0, ["good"], [])
    code, report = check_json("--changed", "good/src/app.py", "bad/notes.md")
    assert code == 1
    assert [a["name"] for a in report["assets"]] == ["bad", "good"]
    assert ids_at(report) == [("PG201", "bad/ai-asset.yaml", 1)]


def test_changing_an_artifact_elsewhere_gates_its_asset(repo: Path, monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    write(repo, "svc/ai-asset.yaml", asset("svc", "artifacts:\n  model_card: ../docs/svc-card.md\n", stage="pilot"))
    write(repo, "docs/svc-card.md", "# Model card\n\nTODO\n")
    monkeypatch.chdir(repo)
    code, out, _ = run("check", "--changed", "--today", TODAY, "docs/svc-card.md")
    assert code == 1
    assert "svc (team, pilot) svc/ai-asset.yaml" in out
    assert out.rstrip().splitlines()[-1].startswith("See `prodgate explain PG20")
    write(repo, "docs/svc-card.md", FILLED_MODEL_CARD)
    code, out, _ = run("check", "--changed", "--today", TODAY, "docs/svc-card.md")
    assert code == 0, out


def test_changed_accepts_an_explicit_root(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    write(repo, "a/ai-asset.yaml", asset("a", stage="pilot"))
    monkeypatch.chdir(repo)
    assert run("check", "--changed", "--root", str(tmp_path / "nope"), "a/x.py")[0] == 2
    assert run("check", "--changed", "--root", str(repo), "a/x.py")[0] == 1
