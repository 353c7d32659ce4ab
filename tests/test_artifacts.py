"""PG2xx: artifacts declared, inside the repository, and filled in."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import hfcards
from conftest import FILLED_MODEL_CARD, TEAM_SANDBOX, ids_at, write

PILOT = TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot")


def _with_card(repo: Path, card_path: str = "docs/card.md") -> None:
    write(repo, "ai-asset.yaml", PILOT + f"artifacts:\n  model_card: {card_path}\n")


def test_not_declared_points_at_artifacts_key(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", PILOT + "artifacts:\n  runbook: docs/runbook.md\n")
    write(repo, "docs/runbook.md", "# Runbook\n\n## Service overview\n\nRuns.\n## Monitoring\nx\n## Escalation\nx\n## Rollback\nx\n")
    _code, report = check_json(str(repo))
    assert ids_at(report) == [("PG201", "ai-asset.yaml", 8)]
    assert report["findings"][0]["requirement"] == "model_card"


def test_missing_file(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    _with_card(repo)
    code, report = check_json(str(repo))
    assert (code, ids_at(report)) == (1, [("PG202", "ai-asset.yaml", 9)])
    assert report["findings"][0]["column"] == 15


@pytest.mark.parametrize("declared", ["../outside.md", "/etc/passwd", "docs/../../outside.md"])
def test_paths_leaving_the_repository(repo: Path, check_json, declared: str) -> None:  # type: ignore[no-untyped-def]
    write(repo.parent, "outside.md", FILLED_MODEL_CARD)
    _with_card(repo, declared)
    _code, report = check_json(str(repo))
    assert ids_at(report) == [("PG203", "ai-asset.yaml", 9)]


def test_symlink_escaping_the_repository(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo.parent, "secret.md", FILLED_MODEL_CARD)
    (repo / "docs").mkdir()
    os.symlink(repo.parent / "secret.md", repo / "docs" / "card.md")
    _with_card(repo)
    _code, report = check_json(str(repo))
    assert ids_at(report) == [("PG203", "ai-asset.yaml", 9)]
    assert "symlink" in report["findings"][0]["message"]


def test_symlink_inside_the_repository_is_fine(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "shared/card.md", FILLED_MODEL_CARD)
    (repo / "docs").mkdir()
    os.symlink(repo / "shared" / "card.md", repo / "docs" / "card.md")
    _with_card(repo)
    code, report = check_json(str(repo))
    assert (code, ids_at(report)) == (0, [])


def test_empty_and_heading_only_artifacts(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    _with_card(repo)
    write(repo, "docs/card.md", "# Model card\n\n## Intended use\n\n<!-- write here -->\n")
    _code, report = check_json(str(repo))
    assert ids_at(report) == [("PG205", "docs/card.md", 1)]


def test_placeholders_one_finding_with_first_line(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    _with_card(repo)
    card = FILLED_MODEL_CARD.replace("English only.", "TBD") .replace(
        "Graded on 200 historical tickets.", "See {{ eval_link }} and [More Information Needed]"
    )
    write(repo, "docs/card.md", card)
    _code, report = check_json(str(repo))
    assert ids_at(report) == [("PG204", "docs/card.md", 9)]
    msg = report["findings"][0]["message"]
    assert '2 template placeholders: "TBD" (line 9), unrendered "{{ ... }}" (line 13)' in msg
    assert report["findings"][0]["related"] == {"path": "ai-asset.yaml", "line": 9, "column": 15}


def test_placeholders_in_code_and_comments_are_not_unfilled(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    _with_card(repo)
    card = FILLED_MODEL_CARD + "\n<!-- TODO: keep this comment -->\n```python\n# TODO in code\nx = '{{ y }}'\n```\nThe TODOS word and TBDs are prose.\n"
    write(repo, "docs/card.md", card)
    code, report = check_json(str(repo))
    assert (code, ids_at(report)) == (0, [])


def test_missing_and_empty_sections(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    _with_card(repo)
    card = FILLED_MODEL_CARD.replace("## Limitations\n\nEnglish only.\n", "").replace(
        "Graded on 200 historical tickets.\n", ""
    )
    write(repo, "docs/card.md", card)
    _code, report = check_json(str(repo))
    assert ids_at(report) == [("PG206", "docs/card.md", 1), ("PG207", "docs/card.md", 8)]
    assert "no section 'Limitations'" in report["findings"][0]["message"]
    assert "section 'Evaluation' is empty" in report["findings"][1]["message"]


def test_setext_headings_and_subsections_count(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    _with_card(repo)
    card = (
        "Intended use\n============\n\nFor agents.\n\n"
        "Limitations\n-----------\n\nEnglish only.\n\n"
        "## Evaluation\n\n### Results\n\n95% pass.\n\n"
        "## 4. Ethical considerations [optional]\n\nReviewed.\n"
    )
    write(repo, "docs/card.md", card)
    code, report = check_json(str(repo))
    assert (code, ids_at(report)) == (0, [])


def test_binary_artifact(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    _with_card(repo)
    (repo / "docs").mkdir()
    (repo / "docs" / "card.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    _code, report = check_json(str(repo))
    assert ids_at(report) == [("PG208", "ai-asset.yaml", 9)]


def test_unknown_artifact_kind_warns_with_suggestion(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + "artifacts:\n  runbok: docs/r.md\n")
    code, report = check_json(str(repo))
    assert code == 0
    assert ids_at(report) == [("PG209", "ai-asset.yaml", 9)]
    assert "did you mean 'runbook'?" in report["findings"][0]["message"]


def test_declared_optional_artifact_unfilled_is_a_warning(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + "artifacts:\n  runbook: docs/r.md\n")
    write(repo, "docs/r.md", "# Runbook\n\nTODO\n")
    code, report = check_json(str(repo))
    assert code == 0
    assert {(f["rule_id"], f["severity"]) for f in report["findings"]} == {
        ("PG204", "warning"), ("PG206", "warning")
    }


# -- real Hugging Face model cards ----------------------------------------------------


def _hf(repo: Path, text: str) -> None:
    hfcards.write_card(repo / "docs" / "card.md", text)
    _with_card(repo)


def test_hf_template_unfilled_fails_as_unfilled(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    text = hfcards.unfilled_card()
    _hf(repo, text)
    code, report = check_json(str(repo))
    assert code == 1
    unfilled = [f for f in report["findings"] if f["rule_id"] == "PG204"]
    assert len(unfilled) == 1
    # The first "[More Information Needed]" the library leaves is the first unfilled line.
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines, 1) if "[More Information Needed]" in line)
    assert unfilled[0]["line"] == first
    assert "[More Information Needed]" in unfilled[0]["message"]
    # Every required section exists in the Hub's template under its own heading names.
    assert not [f for f in report["findings"] if f["rule_id"] == "PG206"]


def test_hf_raw_template_placeholders_are_unfilled(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    text = hfcards.template_text()  # the Jinja source itself, committed by mistake
    _hf(repo, text)
    code, report = check_json(str(repo))
    assert code == 1
    unfilled = [f for f in report["findings"] if f["rule_id"] == "PG204"]
    assert len(unfilled) == 1
    line = text.split("\n")[unfilled[0]["line"] - 1]
    assert "{{" in line or "[More Information Needed]" in line


def test_hf_template_filled_in_passes(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    # Every field of the Hub's template given real text: the card the template asks for.
    _hf(repo, hfcards.filled_template_card())
    code, report = check_json(str(repo))
    assert (code, ids_at(report)) == (0, [])


@pytest.mark.parametrize(
    "make",
    [hfcards.model_index_card, hfcards.no_metadata_card, lambda: hfcards.invalid_model_index_card()[0]],
    ids=["model-index", "no-metadata", "invalid-model-index"],
)
def test_hf_filled_cards_pass_content_rules(repo: Path, check_json, make) -> None:  # type: ignore[no-untyped-def]
    _hf(repo, make())
    _code, report = check_json(str(repo))
    rules = {f["rule_id"] for f in report["findings"]}
    # These short cards are filled in; what they lack is the policy's sections.
    assert rules == {"PG206"}, report["findings"]


def test_hf_card_with_only_a_heading_is_empty(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    _hf(repo, hfcards.crlf_heading_only_card())  # CRLF, front matter, one heading, no text
    _code, report = check_json(str(repo))
    assert ids_at(report) == [("PG205", "docs/card.md", 1)]


def test_hf_front_matter_comments_are_not_headings(repo: Path) -> None:
    from prodgate import markdown_doc

    text = hfcards.template_text()
    doc = markdown_doc.parse(text)
    assert doc.front_matter is not None
    assert any(line.startswith("# ") for line in text.split("\n")[: doc.front_matter_end])
    assert all(h.line > doc.front_matter_end for h in doc.headings)
    assert doc.headings[0].title.startswith("Model Card for")


def test_crlf_card_headings_parse(tmp_path: Path) -> None:
    from prodgate import markdown_doc
    from prodgate.fsutil import read_text

    path = hfcards.write_card(tmp_path / "card.md", hfcards.crlf_heading_only_card())
    text = read_text(path)
    assert isinstance(text, str)
    doc = markdown_doc.parse(text)
    assert [h.title for h in doc.headings] == ["Hello old Windows line breaks"]
