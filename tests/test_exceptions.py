"""PG5xx: only complete, approved, current exceptions waive, and waived stays visible."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FILLED_MODEL_CARD, TEAM_SANDBOX, ids_at, write

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
        "id": "model_card", "title": "Model card", "state": "waived", "reason": "", "rules": ["PG201"], "by_floor": False,
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


# -- exceptions that waive too easily -------------------------------------------------

ONE_PERSON = APPROVALS.replace("Samuel Osei", "Helena Novak").replace("Priya Raman", "helena  NOVAK")


def _messages(report: dict[str, object], rule: str) -> list[str]:
    return [f["message"] for f in report["findings"] if f["rule_id"] == rule]  # type: ignore[attr-defined, index]


def test_one_person_in_every_approval_role_waives_nothing(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", _asset(approvals=ONE_PERSON))
    code, report = check_json(str(repo))
    assert code == 1
    assert ids_at(report) == [
        ("PG201", "ai-asset.yaml", 1), ("PG509", "ai-asset.yaml", 16), ("PG509", "ai-asset.yaml", 17)
    ]
    assert _messages(report, "PG509") == [
        "exception GOV-7 (model_card): Helena Novak approves as both business_executive and it_executive; "
        "the approvals must come from different people, so it waives nothing",
        "exception GOV-7 (model_card): helena  NOVAK approves as both business_executive and process_owner; "
        "the approvals must come from different people, so it waives nothing",
    ]
    assert report["assets"][0]["exceptions"][0]["valid"] is False


def test_same_person_by_word_order_or_github_account(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    approvals = APPROVALS.replace("Samuel Osei", "'Novak, Helena'").replace(
        "Priya Raman", "{name: Priya Raman, github: hnovak}"
    ).replace("business_executive: Helena Novak", "business_executive: {name: H. Novak, github: HNovak}")
    write(repo, "ai-asset.yaml", _asset(approvals=approvals))
    code, report = check_json(str(repo))
    assert code == 1
    # "H. Novak" and "Novak, Helena" are not provably one person; the account is.
    assert [r for r in ids_at(report) if r[0] == "PG509"] == [("PG509", "ai-asset.yaml", 17)]
    assert "Priya Raman (@hnovak) approves as both business_executive and process_owner" in _messages(report, "PG509")[0]
    write(repo, "ai-asset.yaml", _asset(approvals=APPROVALS.replace("Samuel Osei", "'Novak, Helena'")))
    _code, report = check_json(str(repo))
    assert "Novak, Helena approves as both business_executive and it_executive" in _messages(report, "PG509")[0]


def test_two_accounts_are_two_people_whatever_their_names(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    approvals = APPROVALS.replace("Samuel Osei", "{name: John Smith, github: jsmith1}").replace(
        "Priya Raman", "{name: John Smith, github: jsmith2}"
    )
    write(repo, "ai-asset.yaml", _asset(approvals=approvals))
    code, report = check_json(str(repo))
    assert (code, ids_at(report)) == (0, [])


def test_placeholders_in_two_roles_are_missing_approvals_not_one_person(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", _asset(approvals=APPROVALS.replace("Samuel Osei", "TBD").replace("Priya Raman", "TBD")))
    code, report = check_json(str(repo))
    assert code == 1
    assert ids_at(report) == [("PG201", "ai-asset.yaml", 1), ("PG501", "ai-asset.yaml", 14)]
    assert "lacks approval by it_executive ('TBD' is a placeholder, not a name), process_owner ('TBD' is a placeholder" in _messages(report, "PG501")[0]


def test_policy_may_let_one_person_hold_several_approval_roles(repo: Path, check_json, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    policy = write(tmp_path, "org.yaml", "extends: builtin\napiVersion: prodgate/policy/v1\nname: small-org\nexceptions:\n  distinct_approvers: false\n")
    write(repo, "ai-asset.yaml", _asset(approvals=ONE_PERSON))
    code, report = check_json(str(repo), "--policy", str(policy))
    assert (code, ids_at(report)) == (0, [])
    assert report["findings"][0]["waived_by"]["ticket"] == "GOV-7"


@pytest.mark.parametrize("distinct", ["true", "false"])
def test_an_owner_may_not_approve_their_own_assets_exception(repo: Path, check_json, tmp_path: Path, distinct: str) -> None:  # type: ignore[no-untyped-def]
    policy = write(tmp_path, "org.yaml", f"extends: builtin\napiVersion: prodgate/policy/v1\nname: org\nexceptions:\n  distinct_approvers: {distinct}\n")
    write(repo, "ai-asset.yaml", _asset(approvals=APPROVALS.replace("Samuel Osei", "Ada Lovelace")))
    code, report = check_json(str(repo), "--policy", str(policy))
    assert code == 1
    assert ids_at(report) == [("PG201", "ai-asset.yaml", 1), ("PG509", "ai-asset.yaml", 16)]
    assert _messages(report, "PG509") == [
        "exception GOV-7 (model_card) is approved as it_executive by Ada Lovelace, the asset's owner: "
        "an owner may not approve their own asset's exception; it waives nothing"
    ]


def test_the_business_owner_may_not_approve_either(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    text = _asset(approvals=APPROVALS.replace("Priya Raman", "Raj Patel")).replace(
        "exceptions:\n", "business_owner: { name: Raj Patel, email: raj@example.com }\nexceptions:\n"
    )
    write(repo, "ai-asset.yaml", text)
    code, report = check_json(str(repo))
    assert code == 1
    assert ("PG509", "ai-asset.yaml", 18) in ids_at(report)
    assert "by Raj Patel, the asset's business owner" in _messages(report, "PG509")[0]


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("'-'", "'-' is not a name"),
        ("n/a", "'n/a' is a placeholder, not a name"),
        ("N/A", "'N/A' is a placeholder, not a name"),
        ("TBD", "'TBD' is a placeholder, not a name"),
        ("'?'", "'?' is not a name"),
        ("X", "'X' is not a name"),
        ("'42'", "'42' is not a name"),
        ("<name of the approver>", "'<name of the approver>' is a placeholder, not a name"),
        ("TODO Later", "'TODO Later' is a placeholder, not a name"),  # the policy's placeholders
        ("'{{ approver }}'", "'{{ approver }}' is a placeholder, not a name"),
    ],
)
def test_placeholder_approver_names_do_not_count(repo: Path, check_json, name: str, why: str) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", _asset(approvals=APPROVALS.replace("Samuel Osei", name)))
    code, report = check_json(str(repo))
    assert code == 1
    assert ids_at(report) == [("PG201", "ai-asset.yaml", 1), ("PG501", "ai-asset.yaml", 14)]
    assert _messages(report, "PG501") == [
        f"exception GOV-7 (model_card) lacks approval by it_executive ({why}); it waives nothing"
    ]


def test_zero_width_approver_is_refused_by_the_schema(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", _asset(approvals=APPROVALS.replace("Samuel Osei", '"\\u200b"')))
    code, report = check_json(str(repo))
    assert code == 1
    assert set(ids_at(report)) == {("PG103", "ai-asset.yaml", 16)}  # the declaration does not load
    assert "invisible character U+200B (ZERO WIDTH SPACE)" in report["findings"][0]["message"]


def test_the_policys_own_placeholders_are_no_names(repo: Path, check_json, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    policy = write(tmp_path, "org.yaml", "extends: builtin\napiVersion: prodgate/policy/v1\nname: org\nplaceholders:\n  - text: Jane Doe\n")
    write(repo, "ai-asset.yaml", _asset(approvals=APPROVALS.replace("Lena Fischer", "Jane Doe")))
    code, report = check_json(str(repo), "--policy", str(policy))
    assert code == 1
    assert ("PG502", "ai-asset.yaml", 18) in ids_at(report)
    assert _messages(report, "PG502") == [
        "exception GOV-7 (model_card) names no owner for risk ('Jane Doe' is a placeholder, not a name); "
        "it waives nothing"
    ]


def test_a_grant_date_after_today_is_a_finding_and_counts_from_today(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", _asset(granted="2036-09-01", expires="2036-10-31"))
    code, report = check_json(str(repo))
    assert code == 1
    assert ids_at(report) == [
        ("PG201", "ai-asset.yaml", 1), ("PG510", "ai-asset.yaml", 12), ("PG504", "ai-asset.yaml", 13)
    ]
    assert _messages(report, "PG510") == [
        "exception GOV-7 (model_card) is granted on 2036-09-01, after today (2026-11-22); it waives nothing"
    ]
    assert _messages(report, "PG504") == [
        "exception GOV-7 (model_card) runs 3631 days from today (2026-11-22), longer than the 365 days "
        "allowed for tier 'team'; it waives nothing"
    ]


def test_a_grant_date_tomorrow_alone_waives_nothing(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", _asset(granted="2026-11-23", expires="2027-01-31"))
    code, report = check_json(str(repo))
    assert code == 1
    assert ids_at(report) == [("PG201", "ai-asset.yaml", 1), ("PG510", "ai-asset.yaml", 12)]


@pytest.mark.parametrize(
    ("requirement", "remove", "tier", "rule"),
    [
        ("owner", "owner:\n  name: Ada Lovelace\n  email: ada@example.com\n", "team", "PG601"),
        ("PG601", "owner:\n  name: Ada Lovelace\n  email: ada@example.com\n", "team", "PG601"),
        ("business_owner", "", "departmental", "PG602"),
    ],
)
def test_owner_requirements_are_not_waivable(  # type: ignore[no-untyped-def]
    repo: Path, check_json, requirement: str, remove: str, tier: str, rule: str
) -> None:
    text = _asset(requirement=requirement).replace(remove, "").replace("tier: team", f"tier: {tier}")
    write(repo, "ai-asset.yaml", text + "artifacts: {model_card: card.md}\n")
    write(repo, "card.md", FILLED_MODEL_CARD)
    code, report = check_json(str(repo))
    assert code == 1
    unwaived = [f for f in report["findings"] if f["rule_id"] == rule]
    assert [f["waived_by"] for f in unwaived] == [None]
    [unused] = _messages(report, "PG506")
    if requirement != "PG601":
        assert unused.endswith(f"{requirement!r} cannot be waived: the owners are who an exception answers to")


def test_unknown_requirement_is_said_whatever_else_is_wrong(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    """An exception for a misspelt requirement that also lacks approvals: fixing the
    approvals alone would still waive nothing, so both are said."""
    incomplete = APPROVALS.replace("      it_executive: Samuel Osei\n", "")
    write(repo, "ai-asset.yaml", _asset(requirement="model_crad", approvals=incomplete))
    _code, report = check_json(str(repo))
    assert [(f["rule_id"], f["line"]) for f in report["findings"] if f["rule_id"].startswith("PG5")] == [
        ("PG501", 14), ("PG506", 9),
    ]
    assert next(f["message"] for f in report["findings"] if f["rule_id"] == "PG506") == (
        "exception GOV-7 waives nothing: 'model_crad' is not a requirement of the policy nor a rule id; "
        "did you mean 'model_card'?"
    )
    # A rule id and a rule's own requirement are known: no PG506 for them.
    for requirement in ("PG204", "discovery"):
        write(repo, "ai-asset.yaml", _asset(requirement=requirement, approvals=incomplete))
        _code, report = check_json(str(repo))
        assert "PG506" not in [f["rule_id"] for f in report["findings"]]
