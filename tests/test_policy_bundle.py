"""A policy that ships its own templates (a policy bundle), and a policy that cannot be
wrong quietly: every name it uses is checked when it is loaded, and every way it is
weaker than the built-in policy is said."""

from __future__ import annotations

import json
import os
import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import TEAM_SANDBOX, TODAY, write

Run = Callable[..., tuple[int, str, str]]

BUNDLE_POLICY = """\
apiVersion: prodgate/policy/v1
extends: builtin
name: central
artifacts:
  bias_assessment:
    title: Bias assessment
    template: templates/bias_assessment.md
    required_headings: [Groups affected, Measurements]
requirements:
  bias_assessment:
    title: Bias assessment
    artifact: bias_assessment
    when: {team: all}
"""

BIAS_TEMPLATE = """\
# Bias assessment of {{ asset_name }}

Owner: {{ owner }}

## Groups affected

<fill in: who is affected>

## Measurements

<fill in: what was measured>
"""


def _bundle(tmp_path: Path, policy: str = BUNDLE_POLICY, template: str | None = BIAS_TEMPLATE) -> Path:
    folder = tmp_path / "central"
    write(folder, "prodgate-policy.yaml", policy)
    if template is not None:
        write(folder, "templates/bias_assessment.md", template)
    return folder / "prodgate-policy.yaml"


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_add_missing_scaffolds_the_policys_own_template(repo: Path, tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    policy = _bundle(tmp_path)
    write(repo, "svc/ai-asset.yaml", TEAM_SANDBOX)
    code, out, err = run("check", str(repo / "svc"), "--policy", str(policy), "--today", TODAY, "--format", "json")
    assert code == 1, err
    [finding] = [f for f in json.loads(out)["findings"] if f["rule_id"] == "PG201"]
    # The fix names the policy the gate judged by, so the stub comes from its template.
    fix = finding["fix"]
    assert fix.startswith(f"Run `prodgate init --add-missing --policy {policy} svc`"), fix
    command = re.search(r"`prodgate ([^`]+)`", fix)
    assert command
    monkeypatch.chdir(repo)
    code, out, err = run(*shlex.split(command.group(1)))
    assert (code, err) == (0, "")
    assert "created svc/docs/bias-assessment.md\n" in out
    stub = (repo / "svc/docs/bias-assessment.md").read_text(encoding="utf-8")
    assert stub.startswith("# Bias assessment of notes-summariser\n\nOwner: Ada Lovelace <ada@example.com>\n")
    code, out, _err = run("check", "svc", "--policy", str(policy), "--today", TODAY, "--format", "json")
    assert [f["rule_id"] for f in json.loads(out)["findings"]] == ["PG204"]  # the stub is still the template


def test_init_takes_the_policy_and_its_pin(tmp_path: Path, run: Run) -> None:
    policy = _bundle(tmp_path)
    _code, digest, _err = run("policy", "--policy", str(policy), "--digest")
    target = tmp_path / "new"
    code, out, err = run("init", "--name", "bias-bot", "--tier", "team", "--owner", "Ada <ada@example.com>",
                         "--policy", str(policy), "--policy-sha256", digest.strip(), str(target))
    assert (code, err) == (0, ""), out
    assert (target / "docs/bias-assessment.md").read_text(encoding="utf-8").startswith("# Bias assessment of bias-bot\n")
    code, _out, err = run("init", "--name", "bias-bot", "--tier", "team", "--policy", str(policy),
                          "--policy-sha256", "0" * 64, str(tmp_path / "other"))
    assert code == 2 and "the policy changed" in err
    assert not (tmp_path / "other").exists()


def test_a_missing_template_is_a_policy_error_before_anything_is_written(repo: Path, tmp_path: Path, run: Run) -> None:
    policy = _bundle(tmp_path, template=None)
    write(repo, "svc/ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox", "stage: production"))
    before = _files(repo)
    code, out, err = run("init", "--add-missing", "--policy", str(policy), str(repo / "svc"))
    assert (code, out) == (2, "")
    assert f"{policy}:7:15: artifacts.bias_assessment.template: template 'templates/bias_assessment.md': no such file" in err
    assert "Traceback" not in err and "internal error" not in err
    assert _files(repo) == before  # not the model card either
    code, out, err = run("init", "--name", "x", "--tier", "team", "--policy", str(policy), str(tmp_path / "new"))
    assert code == 2 and not (tmp_path / "new").exists()
    code, _out, err = run("policy", "--policy", str(policy))
    assert code == 2 and "no such file" in err


@pytest.mark.parametrize("name", [
    "../../etc/passwd", "/etc/passwd", "templates/../../outside.md", "~/x.md", "templates\\..\\..\\outside.md",
    "https://evil.example/x.md", "//evil.example/x.md", "x.md?raw=1",
])
def test_a_template_path_stays_in_the_policys_folder(tmp_path: Path, run: Run, name: str) -> None:
    (tmp_path / "outside.md").write_text("# outside\n", encoding="utf-8")
    policy = _bundle(tmp_path, BUNDLE_POLICY.replace("templates/bias_assessment.md", name))
    code, out, err = run("policy", "--policy", str(policy))
    assert (code, out) == (2, "")
    assert "artifacts.bias_assessment.template" in err and "without '..'" in err


def test_a_symlinked_template_may_not_leave_the_folder(tmp_path: Path, run: Run) -> None:
    (tmp_path / "secret.md").write_text("# secret\n", encoding="utf-8")
    policy = _bundle(tmp_path, template=None)
    (policy.parent / "templates").mkdir()
    os.symlink(tmp_path / "secret.md", policy.parent / "templates" / "bias_assessment.md")
    code, out, err = run("policy", "--policy", str(policy))
    assert (code, out) == (2, "")
    assert "leads out of the policy's folder" in err
    # A folder on the way that is a link out is refused alike.
    (policy.parent / "templates" / "bias_assessment.md").unlink()
    (policy.parent / "templates").rmdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "bias_assessment.md").write_text("# elsewhere\n", encoding="utf-8")
    os.symlink(tmp_path / "elsewhere", policy.parent / "templates")
    code, out, err = run("policy", "--policy", str(policy))
    assert (code, out) == (2, "") and "leads out of the policy's folder" in err


def test_a_built_in_template_name_falls_back_to_the_shipped_one(repo: Path, tmp_path: Path, run: Run) -> None:
    """An extending policy keeps `template: model_card.md`; with no such file in its
    folder the shipped template writes the stub, with one there the policy's does."""
    policy = _bundle(tmp_path)
    write(repo, "svc/ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot"))
    code, _out, err = run("init", "--add-missing", "--policy", str(policy), str(repo / "svc"))
    assert code == 0, err
    assert (repo / "svc/docs/model-card.md").read_text(encoding="utf-8").startswith("# Model card")
    write(policy.parent, "model_card.md", "# Model card, the Acme way\n")
    (repo / "svc/docs/model-card.md").unlink()
    code, _out, err = run("init", "--add-missing", "--policy", str(policy), str(repo / "svc"))
    assert code == 0, err
    assert (repo / "svc/docs/model-card.md").read_text(encoding="utf-8") == "# Model card, the Acme way\n"


def test_a_misspelt_approver_role_is_a_policy_error(tmp_path: Path, run: Run) -> None:
    policy = write(tmp_path, "org.yaml", """\
        apiVersion: prodgate/policy/v1
        extends: builtin
        name: acme
        exceptions:
          approvers: {it_exec: [sosei]}
        """)
    code, out, err = run("policy", "--policy", str(policy))
    assert (code, out) == (2, "")
    assert err == (
        "prodgate: error: invalid policy:\n"
        f"  {policy}:5:15: exceptions.approvers.it_exec: unknown approval role 'it_exec'; the roles are those "
        "of exceptions.required_approvals: business_executive, it_executive, process_owner; "
        "did you mean 'it_executive'?\n"
    )


def test_a_misspelt_artifact_kind_is_a_policy_error_with_a_suggestion(tmp_path: Path, run: Run) -> None:
    policy = _bundle(tmp_path, BUNDLE_POLICY.replace("    artifact: bias_assessment", "    artifact: bias_assesment"))
    code, _out, err = run("policy", "--policy", str(policy))
    assert code == 2
    assert f"{policy}:12:15: requirements.bias_assessment.artifact: unknown artifact kind 'bias_assesment'; did you mean 'bias_assessment'?" in err


def test_replacing_placeholders_is_reported_as_weaker(repo: Path, tmp_path: Path, run: Run) -> None:
    replaced = write(tmp_path, "replaced.yaml", """\
        apiVersion: prodgate/policy/v1
        extends: builtin
        name: acme
        placeholders:
          - text: XXX
        """)
    code, _out, err = run("policy", "--policy", str(replaced))
    assert code == 0
    assert err.startswith(
        'prodgate: warning: weaker than builtin: placeholders removed: TODO, TBD, "<fill in>", '
        "[More Information Needed]"
    ), err
    # Once in a gate run, on stderr: the reports stay as they are.
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    code, out, err = run("check", str(repo), "--policy", str(replaced), "--today", TODAY)
    assert code == 0, out
    assert err.count("weaker than builtin") == 1 and "placeholders removed" in err
    # Extending the list explicitly keeps the built-in entries: nothing weaker.
    added = write(tmp_path, "added.yaml", """\
        apiVersion: prodgate/policy/v1
        extends: builtin
        name: acme
        placeholders: {add: [{text: XXX}]}
        """)
    code, out, err = run("policy", "--policy", str(added), "--format", "json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["weaker"] == []
    assert [p.get("text") for p in document["policy"]["placeholders"]][-1] == "XXX"
    assert len(document["policy"]["placeholders"]) == 7


def test_every_kind_of_weakening_is_listed(tmp_path: Path, run: Run) -> None:
    policy = write(tmp_path, "org.yaml", """\
        apiVersion: prodgate/policy/v1
        extends: builtin
        name: acme
        requirements:
          runbook: null
          model_card: {when: {team: [production]}}
        evals:
          minimum_thresholds: {enterprise: {pass_rate: ">= 0.9"}}
          max_age_days: {enterprise: 60}
        rules:
          PG204: {severity: warning}
          PG302: {enabled: false}
        exceptions:
          required_approvals: [business_executive, it_executive]
        """)
    code, out, _err = run("policy", "--policy", str(policy), "--format", "json")
    assert code == 0
    assert json.loads(out)["weaker"] == [
        "requirements.runbook removed",
        "requirements.model_card.when.team no longer applies at pilot",
        "evals.max_age_days.enterprise raised from 30 to 60",
        "evals.minimum_thresholds.enterprise.pass_rate lowered from >= 0.95 to >= 0.9",
        "exceptions.required_approvals removed: process_owner",
        "rules.PG204 lowered from error to warning",
        "rules.PG302 disabled",
    ]


def test_the_fix_names_a_policy_in_the_repository_from_its_root(repo: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fix commands run from the repository root, wherever the check ran from."""
    folder = repo / ".github" / "prodgate"
    write(folder, "policy.yaml", BUNDLE_POLICY)
    write(folder, "templates/bias_assessment.md", BIAS_TEMPLATE)
    write(repo, "svc/ai-asset.yaml", TEAM_SANDBOX)
    monkeypatch.chdir(repo / "svc")
    code, out, _err = run("check", ".", "--policy", "../.github/prodgate/policy.yaml", "--today", TODAY, "--format", "json")
    [fix] = [f["fix"] for f in json.loads(out)["findings"] if f["rule_id"] == "PG201"]
    assert fix.startswith("Run `prodgate init --add-missing --policy .github/prodgate/policy.yaml svc`"), fix
    monkeypatch.chdir(repo)
    command = re.search(r"`prodgate ([^`]+)`", fix)
    assert command
    code, out, err = run(*shlex.split(command.group(1)))
    assert (code, err) == (0, ""), out
    assert (repo / "svc/docs/bias-assessment.md").read_text(encoding="utf-8").startswith("# Bias assessment of notes-summariser")
