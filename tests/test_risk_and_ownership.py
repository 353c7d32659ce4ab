"""PG4xx risk consistency and PG6xx ownership and review."""

from __future__ import annotations

from pathlib import Path

from conftest import TEAM_SANDBOX, ids_at, write


def test_customer_facing_team_asset_is_below_floor(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + "risk:\n  customer_facing: true\n")
    code, report = check_json(str(repo))
    assert code == 1
    first = next(f for f in report["findings"] if f["rule_id"] == "PG401")
    assert (first["rule_id"], first["line"], first["column"]) == ("PG401", 3, 7)
    assert "the asset is customer-facing" in first["message"]
    assert first["related"] == {"path": "ai-asset.yaml", "line": 9, "column": 20}
    # The controls of the effective tier apply: enterprise sandbox needs a model card.
    assert report["assets"][0]["effective_tier"] == "enterprise"
    assert "PG201" in {f["rule_id"] for f in report["findings"]}


def test_personal_data_floor_and_privacy_review(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    text = TEAM_SANDBOX + (
        "data_sources:\n"
        "  - name: crm\n"
        "    classification: internal\n"
        "    personal_data: true\n"
    )
    write(repo, "ai-asset.yaml", text)
    _code, report = check_json(str(repo))
    assert ("PG401", "ai-asset.yaml", 3) in ids_at(report)
    assert ("PG402", "ai-asset.yaml", 10) in ids_at(report)
    # Sandbox: the privacy review is required from pilot on.
    assert "PG403" not in {f["rule_id"] for f in report["findings"]}
    write(repo, "ai-asset.yaml", text.replace("stage: sandbox", "stage: pilot"))
    _code, report = check_json(str(repo))
    assert "PG403" in {f["rule_id"] for f in report["findings"]}


def test_autonomy_needs_human_oversight_section(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    text = (
        TEAM_SANDBOX.replace("tier: team", "tier: enterprise").replace("stage: sandbox", "stage: pilot")
        + "risk:\n  autonomy: autonomous\nartifacts:\n  fallback_plan: fb.md\n"
    )
    write(repo, "ai-asset.yaml", text)
    write(repo, "fb.md", "# Fallback\n\n## Failure modes\n\nOutage.\n\n## Fallback behaviour\n\nQueue.\n")
    _code, report = check_json(str(repo))
    f = [f for f in report["findings"] if f["rule_id"] == "PG206"]
    assert len(f) == 1
    assert "'Human oversight'" in f[0]["message"]
    assert f[0]["requirement"] == "human_oversight"


def test_owner_missing(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", "apiVersion: prodgate/v1\nname: x\ntier: team\nstage: sandbox\n")
    code, report = check_json(str(repo))
    assert (code, ids_at(report)) == (1, [("PG601", "ai-asset.yaml", 1)])


def test_business_owner_and_review_for_departmental(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace("tier: team", "tier: departmental").replace("sandbox", "pilot"))
    _code, report = check_json(str(repo))
    rules = [f["rule_id"] for f in report["findings"]]
    assert "PG602" in rules
    assert "PG604" in rules


def test_review_overdue_and_future(repo: Path, check_json, run) -> None:  # type: ignore[no-untyped-def]
    base = TEAM_SANDBOX + "review:\n  last_reviewed: 2025-11-01\n"
    write(repo, "ai-asset.yaml", base)
    _code, report = check_json(str(repo))  # team: 365 days; not required, so a warning
    assert [(f["rule_id"], f["severity"], f["line"]) for f in report["findings"]] == [("PG603", "warning", 9)]
    assert "overdue since 2026-11-01" in report["findings"][0]["message"]
    write(repo, "ai-asset.yaml", base.replace("2025-11-01", "2026-12-01"))
    _code, report = check_json(str(repo))
    assert [f["rule_id"] for f in report["findings"]] == ["PG605"]
    code, out, _err = run("check", str(repo), "--today", "2027-01-01", "--format", "json")
    assert code == 0 and '"findings": []' in out


def test_codeowners_cross_check(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    text = TEAM_SANDBOX.replace("  email: ada@example.com", "  email: ada@example.com\n  github: \"@acme/ml\"")
    write(repo, "svc/bot/ai-asset.yaml", text)
    write(repo, ".github/CODEOWNERS", "# owners\n*       @acme/platform\n/svc/   @acme/ml @ada\n/svc/bot/*.md @acme/docs\n")
    code, report = check_json(str(repo))
    assert (code, report["findings"]) == (0, [])
    write(repo, ".github/CODEOWNERS", "*       @acme/platform\n/svc/bot/ @acme/other\n")
    code, report = check_json(str(repo))
    assert code == 0  # a warning
    assert ids_at(report) == [("PG606", "svc/bot/ai-asset.yaml", 8)]
    assert ".github/CODEOWNERS:2 gives svc/bot/ai-asset.yaml to @acme/other" in report["findings"][0]["message"]


def test_codeowners_patterns() -> None:
    from prodgate.codeowners import _compile

    assert _compile("*.md").match("a/b/c.md")
    assert not _compile("/docs/*.md").match("docs/x/c.md")
    assert _compile("docs/**/c.md").match("docs/x/y/c.md")
    assert _compile("apps/").match("x/apps/y/z")
    assert not _compile("/apps/").match("x/apps/y")
