"""Policy as data: the built-in policy, organisation overrides, precise errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from prodgate.policy.loader import PolicyError, load_policy, merge

from conftest import TEAM_SANDBOX, ids_at, write


def test_builtin_policy_loads_and_has_a_stable_digest() -> None:
    a, b = load_policy(), load_policy()
    assert a.sha256 == b.sha256 and len(a.sha256) == 64
    assert set(a.policy.requirements) >= {"owner", "model_card", "evals", "runbook", "security_review"}
    # Every artifact kind has a template that ships.
    from prodgate.templates import read_template

    for kind in a.policy.artifacts.values():
        assert kind.template and read_template(kind.template).startswith("# ")


def test_merge_semantics() -> None:
    assert merge({"a": {"x": 1, "y": 2}, "l": [1, 2]}, {"a": {"y": 3}, "l": [9]}) == {"a": {"x": 1, "y": 3}, "l": [9]}
    assert merge({"a": 1, "b": 2}, {"b": None}) == {"a": 1}


def test_organisation_policy_extends_builtin(repo: Path, tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    policy = write(tmp_path, "org.yaml", """\
        apiVersion: prodgate/policy/v1
        extends: builtin
        name: acme
        requirements:
          runbook:
            title: Runbook
            artifact: runbook
            when: {team: [sandbox]}
          model_card: null
        rules:
          PG209: {severity: error}
        """)
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + "artifacts:\n  runbok: x.md\n")
    code, report = check_json(str(repo), "--policy", str(policy))
    assert code == 1
    assert ids_at(report) == [("PG201", "ai-asset.yaml", 8), ("PG209", "ai-asset.yaml", 9)]
    assert report["policy"]["source"] == str(policy)
    assert report["policy"]["sha256"] != load_policy().sha256


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("extends: builtin\napiVersion: prodgate/policy/v1\nname: a\nrequirements:\n  runbook:\n    artifact: runbok\n",
         "org.yaml:6:15: requirements.runbook.artifact: unknown artifact kind 'runbok'"),
        ("extends: builtin\napiVersion: prodgate/policy/v1\nname: a\nreview_cadence_days: {team: -1}\n",
         "org.yaml:4:29: review_cadence_days.team: Input should be greater than or equal to 1"),
        ("extends: builtin\napiVersion: prodgate/policy/v1\nname: a\nrisk_floors:\n  x: {when: {tier_is: 1}, min_tier: team, reason: r}\n",
         "unknown fact 'tier_is'"),
        ("extends: builtin\napiVersion: prodgate/policy/v1\nname: a\nrequirments: {}\n", "org.yaml:4:1: requirments: unknown key"),
        ("extends: builtin\nname: [\n", "org.yaml:3:1"),
        ("extends: https://example.com/p.yaml\n", "only 'builtin' can be extended"),
        ("extends: builtin\napiVersion: prodgate/policy/v1\nname: a\nplaceholders:\n  - regex: '(['\n", "invalid regex"),
    ],
)
def test_bad_policy_is_exit_2_with_position(repo: Path, tmp_path: Path, run, text: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    policy = tmp_path / "org.yaml"
    policy.write_text(text)
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    code, out, err = run("check", str(repo), "--policy", str(policy))
    assert code == 2
    assert out == ""
    assert expected in err.replace(str(tmp_path) + "/", "")
    with pytest.raises(PolicyError):
        load_policy(str(policy))


def test_missing_policy_file(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    code, _out, err = run("check", str(repo), "--policy", str(repo / "nope.yaml"))
    assert code == 2
    assert "nope.yaml: file does not exist" in err


def test_policy_command_prints_effective_policy(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    policy = write(tmp_path, "org.yaml", "apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme\nreview_cadence_days: {team: 30}\n")
    code, out, _ = run("policy", "--policy", str(policy), "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["source"] == str(policy)
    # The pin is over the content: the canonical JSON of the loaded document.
    content = {"apiVersion": "prodgate/policy/v1", "extends": "builtin", "name": "acme", "review_cadence_days": {"team": 30}}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    assert document["source_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert len(document["sha256"]) == 64
    data = document["policy"]
    assert data["name"] == "acme"
    assert data["review_cadence_days"] == {"team": 30, "departmental": 180, "enterprise": 90}
    code, out, _ = run("policy")
    assert code == 0 and out.startswith("# source: builtin\n# content sha256 (pin with --policy-sha256): ")


def test_every_report_names_the_policy_that_judged(repo: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Name, version, digest and source, in each format; a policy in the repository is
    named from its root, and an extending policy that names itself not is no built-in."""
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    write(repo, ".github/prodgate.yaml", "apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme-ai\nversion: '2.1'\n")
    policy = str(repo / ".github/prodgate.yaml")
    digest = load_policy(policy).sha256
    _code, out, _ = run("check", str(repo), "--policy", policy, "--format", "json")
    assert {k: v for k, v in json.loads(out)["policy"].items() if k != "source_sha256"} == {
        "name": "acme-ai", "version": "2.1", "source": ".github/prodgate.yaml", "sha256": digest,
    }
    _code, out, _ = run("check", str(repo), "--policy", policy, "--format", "sarif")
    named = json.loads(out)["runs"][0]["properties"]["policy"]
    assert (named["name"], named["version"], named["source"], named["sha256"]) == ("acme-ai", "2.1", ".github/prodgate.yaml", digest)
    _code, out, _ = run("inventory", str(repo), "--policy", policy)
    named = json.loads(out)["policy"]
    assert (named["name"], named["version"], named["source"], named["sha256"]) == ("acme-ai", "2.1", ".github/prodgate.yaml", digest)
    _code, out, _ = run("check", str(repo), "--policy", policy)
    assert f"policy acme-ai 2.1 from .github/prodgate.yaml, sha256 {digest[:12]})" in out
    write(repo, ".github/prodgate.yaml", "apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme-ai\n")
    _code, out, _ = run("check", str(repo), "--policy", policy, "--format", "json")
    assert (json.loads(out)["policy"]["name"], json.loads(out)["policy"]["version"]) == ("acme-ai", "")
