"""What a platform team asked the policy to express: risk requirements by tier,
exception approvers by tier, GitHub handles with or without ``@``, human messages for
malformed values, did-you-mean for signature ids, exemptions that cover PG802."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodgate.policy.loader import PolicyError, load_policy

from conftest import TEAM_SANDBOX, write

_PERSONAL = (
    "data_sources:\n"
    "  - name: crm\n"
    "    classification: confidential\n"
    "    personal_data: true\n"
)


def test_risk_requirement_conditioned_on_tier(repo: Path, tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    """``tiers:`` narrows a risk requirement: the privacy review is asked of enterprise
    assets only, so a departmental pilot holding personal data is not asked for it."""
    policy = write(tmp_path, "org.yaml", """\
        apiVersion: prodgate/policy/v1
        extends: builtin
        name: acme
        risk_requirements:
          privacy_review: {tiers: [enterprise]}
        """)
    text = TEAM_SANDBOX.replace("tier: team", "tier: departmental").replace("stage: sandbox", "stage: pilot") + _PERSONAL
    write(repo, "ai-asset.yaml", text)
    _code, report = check_json(str(repo), "--policy", str(policy))
    assert "privacy_review" not in {f["requirement"] for f in report["findings"]}
    write(repo, "ai-asset.yaml", text.replace("tier: departmental", "tier: enterprise"))
    _code, report = check_json(str(repo), "--policy", str(policy))
    assert "privacy_review" in {f["requirement"] for f in report["findings"]}
    # Without the policy the built-in requirement applies to every tier.
    write(repo, "ai-asset.yaml", text)
    _code, report = check_json(str(repo))
    assert "privacy_review" in {f["requirement"] for f in report["findings"]}


def test_risk_requirement_tiers_must_be_tiers(tmp_path: Path) -> None:
    policy = write(tmp_path, "org.yaml", """\
        apiVersion: prodgate/policy/v1
        extends: builtin
        name: acme
        risk_requirements:
          privacy_review: {tiers: [enterprize]}
        """)
    with pytest.raises(PolicyError, match=r"org.yaml:5:28: risk_requirements.privacy_review.tiers.0: Input should be"):
        load_policy(str(policy))


def test_owner_github_with_or_without_at(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    """``owner.github: acme/ml`` is the same team as ``"@acme/ml"``, as an approval's
    ``github: sosei`` is the same account as ``"@sosei"``; CODEOWNERS is compared either way."""
    write(repo, ".github/CODEOWNERS", "/svc/   @acme/ml\n")
    for handle in ("acme/ml", '"@acme/ml"'):
        write(repo, "svc/bot/ai-asset.yaml", TEAM_SANDBOX + f"  github: {handle}\n")
        code, report = check_json(str(repo))
        assert (code, report["findings"]) == (0, [])
    write(repo, "svc/bot/ai-asset.yaml", TEAM_SANDBOX + "  github: acme/other\n")
    _code, report = check_json(str(repo))
    [finding] = report["findings"]
    assert finding["rule_id"] == "PG606"
    assert finding["fix"].startswith("Add @acme/other to the CODEOWNERS rule for svc/bot")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("  github: '@acme ml'\n",
         "owner.github: '@acme ml' is not a GitHub user or team, with or without a leading @, "
         "such as @ada or @acme/support-eng"),
        ("  email: ada@example\n", "owner.email: 'ada@example' is not an e-mail address, such as jane.doe@example.com"),
    ],
)
def test_declaration_says_the_expected_form(repo: Path, check_json, line: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace("  email: ada@example.com\n", "  email: ada@example.com\n" + line)
          if "github" in line else TEAM_SANDBOX.replace("  email: ada@example.com\n", line))
    code, report = check_json(str(repo))
    [finding] = [f for f in report["findings"] if f["rule_id"] == "PG103"]
    assert (code, finding["message"]) == (1, expected)


def test_eval_threshold_says_the_expected_form(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + (
        "evals:\n  - name: e\n    results: r.json\n    thresholds: {pass_rate: 'at least 0.9'}\n"
    ))
    _code, report = check_json(str(repo))
    [finding] = [f for f in report["findings"] if f["rule_id"] == "PG103"]
    assert finding["message"] == (
        "evals[0].thresholds.pass_rate: 'at least 0.9' is not a comparison: an optional operator "
        '(>=, <=, >, <, ==) and a number, such as ">= 0.9", "<= 1e-4" or "> 90%"'
    )


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("evals:\n  minimum_thresholds: {enterprise: {pass_rate: '>= 90%'}}\n",
         "org.yaml:5:48: evals.minimum_thresholds.enterprise.pass_rate: '>= 90%' is not a comparison: "
         'an optional operator (>=, <=, >, <, ==) and a number, such as ">= 0.9" or "<= 1e-4" (no percent sign)'),
        ("exceptions:\n  approvers: {it_executive: [s.osei]}\n",
         "org.yaml:5:30: exceptions.approvers.it_executive.0: 's.osei' is not a GitHub account: letters, "
         "digits and dashes, at most 39 characters, with or without a leading @, such as sosei or @sosei"),
    ],
)
def test_policy_says_the_expected_form(tmp_path: Path, section: str, expected: str) -> None:
    policy = write(tmp_path, "org.yaml", "apiVersion: prodgate/policy/v1\nextends: builtin\nname: a\n" + section)
    with pytest.raises(PolicyError) as caught:
        load_policy(str(policy))
    message = str(caught.value).replace(str(tmp_path) + "/", "")
    assert expected in message
    assert "^" not in message  # no regular expression


@pytest.mark.parametrize(
    ("drop", "expected"),
    [
        ("[openai, sklearn]",
         "org.yaml:5:18: discovery.drop.1: no signature 'sklearn'; did you mean 'scikit-learn' "
         "(the signature that finds 'sklearn')?"),
        ("{add: [opneai]}", "org.yaml:5:3: discovery.drop.0: no signature 'opneai'; did you mean 'openai'?"),
    ],
)
def test_dropped_signature_did_you_mean(tmp_path: Path, drop: str, expected: str) -> None:
    policy = write(tmp_path, "org.yaml", f"apiVersion: prodgate/policy/v1\nextends: builtin\nname: a\ndiscovery:\n  drop: {drop}\n")
    with pytest.raises(PolicyError) as caught:
        load_policy(str(policy))
    assert expected in str(caught.value).replace(str(tmp_path) + "/", "")


def test_added_signature_error_points_at_the_entry(tmp_path: Path) -> None:
    policy = write(tmp_path, "org.yaml", """\
        apiVersion: prodgate/policy/v1
        extends: builtin
        name: a
        discovery:
          signatures:
            acme-llm:
              provider: acme
              pyton: [acme_llm]
        """)
    with pytest.raises(PolicyError) as caught:
        load_policy(str(policy))
    assert "org.yaml:8:7: discovery.signatures.acme-llm.pyton: unknown key; did you mean 'python'?" in str(caught.value).replace(str(tmp_path) + "/", "")
