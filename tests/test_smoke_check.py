"""The gate end to end on tiny repositories."""

from __future__ import annotations

from pathlib import Path

from conftest import FILLED_MODEL_CARD, TEAM_SANDBOX, ids_at, write


def test_team_sandbox_passes(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    code, report = check_json(str(repo))
    assert code == 0
    assert report["passed"] is True
    assert report["findings"] == []


def test_team_pilot_needs_model_card(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot"))
    code, report = check_json(str(repo))
    assert code == 1
    assert ids_at(report) == [("PG201", "ai-asset.yaml", 1)]


def test_filled_model_card_passes(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot") + "artifacts:\n  model_card: docs/card.md\n")
    write(repo, "docs/card.md", FILLED_MODEL_CARD)
    code, report = check_json(str(repo))
    assert (code, ids_at(report)) == (0, [])
