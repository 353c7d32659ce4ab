"""PG5xx: only complete, approved, current exceptions waive, and waived stays visible."""

from __future__ import annotations

from pathlib import Path

from conftest import TEAM_SANDBOX, ids_at, write

APPROVALS = """\
    approvals:
      business_executive: Helena Novak
      it_executive: Samuel Osei
      process_owner: Priya Raman
    owners:
      risk: Lena Fischer
      support: Omar Haddad
      funding: Tom Becker
      lifecycle: Maria Garcia
      compliance: Grace Kim
"""


def _asset(granted: str = "2026-10-01", expires: str = "2027-03-01", requirement: str = "model_card", approvals: str = APPROVALS) -> str:
    return (
        TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot")
        + "exceptions:\n"
        + f"  - requirement: {requirement}\n"
        + "    reason: Card in review with legal.\n"
        + "    ticket: GOV-7\n"
        + f"    granted: {granted}\n"
        + f"    expires: {expires}\n"
        + approvals
    )


def test_valid_exception_waives_and_stays_visible(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", _asset())
    code, report = check_json(str(repo))
    assert code == 0
    [f] = report["findings"]
    assert f["rule_id"] == "PG201"
    assert f["waived_by"]["ticket"] == "GOV-7"
    assert f["waived_by"]["declared_at"]["line"] == 9
    assert report["summary"]["waived"] == 1
    assert report["assets"][0]["requirements"][1] == {
        "id": "model_card", "title": "Model card", "state": "waived", "reason": "", "rules": ["PG201"]
    }


def test_missing_approval_waives_nothing(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", _asset(approvals=APPROVALS.replace("      it_executive: Samuel Osei\n", "")))
    code, report = check_json(str(repo))
    assert code == 1
    assert ids_at(report) == [("PG201", "ai-asset.yaml", 1), ("PG501", "ai-asset.yaml", 14)]
    assert "lacks approval by it_executive" in report["findings"][1]["message"]


def test_missing_owners_waive_nothing(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    approvals = APPROVALS.split("    owners:")[0]
    write(repo, "ai-asset.yaml", _asset(approvals=approvals))
    code, report = check_json(str(repo))
    assert code == 1
    assert ("PG502", "ai-asset.yaml", 9) in ids_at(report)
    assert "risk, support, funding, lifecycle, compliance" in report["findings"][1]["message"]


def test_expired(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", _asset(granted="2026-06-01", expires="2026-11-01"))
    code, report = check_json(str(repo))
    assert code == 1
    assert ids_at(report) == [("PG201", "ai-asset.yaml", 1), ("PG503", "ai-asset.yaml", 13)]


def test_too_long(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", _asset(granted="2026-10-01", expires="2027-12-01"))
    code, report = check_json(str(repo))
    assert code == 1
    assert ("PG504", "ai-asset.yaml", 13) in ids_at(report)
    assert "runs 426 days, longer than the 365 days" in report["findings"][1]["message"]


def test_expiring_soon_warns_but_still_waives(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", _asset(expires="2026-11-30"))
    code, report = check_json(str(repo))
    assert code == 0
    assert [(f["rule_id"], f["severity"], bool(f["waived_by"])) for f in report["findings"]] == [
        ("PG505", "warning", False), ("PG201", "error", True)
    ]
    assert "expires in 8 days" in report["findings"][0]["message"]


def test_unused_exception_warns(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", _asset(requirement="runbok") + "artifacts: {}\n")
    _code, report = check_json(str(repo))
    assert ("PG506", "ai-asset.yaml", 9) in ids_at(report)
    assert "'runbok' is not a requirement of the policy" in next(
        f["message"] for f in report["findings"] if f["rule_id"] == "PG506"
    )


def test_fail_on_warning(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", _asset(expires="2026-11-30"))
    code, out, _ = run("check", str(repo), "--today", "2026-11-22", "--fail-on", "warning")
    assert code == 1
    assert "PG505 warning: exception GOV-7" in out
    assert "[waived: exception GOV-7, expires 2026-11-30]" in out
