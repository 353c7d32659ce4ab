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
