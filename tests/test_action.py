"""The real action.yml, run step by step with bash in a simulated runner.

prodgate is installed into the action's own virtual environment once per test session
(the real install step, from a copy of this checkout as the action's path); each test
then runs the remaining steps on a fresh workspace that is a git repository with a
pull_request event whose base is its first commit.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from composite import ActionRun, CompositeRunner, copy_action, load_action
from gha import COMMANDS, EXCEPTION, FakeGitHub, annotations, commands, copy_example
from prodgate.github.action import main as action_main

from conftest import DATA, REPO, SARIF_SCHEMA, TODAY

TOKEN = "ghs_testtoken0000"


@dataclass
class Installed:
    runner: CompositeRunner
    prior: dict[str, dict[str, dict[str, str]]]
    first: int
    last: int


def _index(steps: list[dict[str, Any]], sid: str) -> int:
    return next(i for i, s in enumerate(steps) if s.get("id") == sid)


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The action's install steps, run once: prodgate in its own venv under RUNNER_TEMP."""
    action_dir = copy_action(REPO, tmp_path_factory.mktemp("action") / "prodgate-action")
    runner = CompositeRunner(action_dir, tmp_path_factory.mktemp("runner-temp"))
    steps = runner.steps()
    install = _index(steps, "install")
    workspace = tmp_path_factory.mktemp("install-ws")
    result, ctx = runner.run(workspace, {}, only=(0, install))
    assert result.code == 0, result.stderr
    python = ctx.steps["install"]["outputs"]["python"]
    assert python.startswith(str(runner.runner_temp)) and Path(python).exists()
    return Installed(runner, dict(ctx.steps), install + 1, len(steps) - 1)


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
        env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
             "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(cwd), "PATH": "/usr/bin:/bin"},
    ).stdout.strip()


def _commit(ws: Path, message: str) -> str:
    _git(ws, "add", "-A")
    _git(ws, "commit", "-q", "--allow-empty", "-m", message)
    return _git(ws, "rev-parse", "HEAD")


def _pull_request(ws: Path) -> str:
    """The base of a pull request that adds what the work tree holds: its findings are
    the change's own (a finding already there at the base would not block the merge gate)."""
    _git(ws, "commit", "-q", "--allow-empty", "-m", "base")
    base = _git(ws, "rev-parse", "HEAD")
    _commit(ws, "the pull request")
    return base


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Path]:
    ws = tmp_path / "ws"
    ws.mkdir()
    _git(ws, "init", "-q", "-b", "main")
    yield ws


def _event(base: str) -> dict[str, Any]:
    return {
        "number": 7,
        "pull_request": {"number": 7, "base": {"sha": base, "ref": "main"}, "head": {"sha": "0" * 40}},
        "repository": {"full_name": "acme/app"},
    }


def _merge_group_event(base: str, head: str) -> dict[str, Any]:
    """A ``merge_group`` payload as GitHub sends it to a merge queue's run."""
    return {
        "action": "checks_requested",
        "merge_group": {
            "head_sha": head, "head_ref": f"refs/heads/gh-readonly-queue/main/pr-7-{head}",
            "base_sha": base, "base_ref": "refs/heads/main",
            "head_commit": {"id": head, "message": "Merge pull request #7"},
        },
        "repository": {"full_name": "acme/app"},
    }


def _run(
    installed: Installed, ws: Path, base: str, event_name: str = "pull_request", api: str | None = None,
    event: dict[str, Any] | None = None, **inputs: str,
) -> ActionRun:
    inputs.setdefault("today", TODAY)
    result, _ = installed.runner.run(
        ws, inputs, event_name=event_name, event=event or _event(base), prior=installed.prior,
        only=(installed.first, installed.last), env={"GITHUB_API_URL": api} if api else None,
    )
    assert {c[0] for c in commands(result.log)} <= COMMANDS
    return result


def test_action_yml_passes_inputs_through_env_only() -> None:
    action = load_action(REPO / "action.yml")
    assert action["runs"]["using"] == "composite"
    assert action["branding"]["icon"] and action["branding"]["color"]
    assert {"path", "gate", "policy", "fail-on", "sarif-file", "comment", "github-token", "today"} <= set(action["inputs"])
    assert {"passed", "errors", "warnings", "waived", "report", "sarif"} <= set(action["outputs"])
    used: set[str] = set()
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"]
        for value in (step.get("env") or {}).values():
            used |= set(re.findall(r"inputs\.([a-z0-9-]+)", str(value)))
        if "uses" in step:
            ref = step["uses"].split("@", 1)[1]
            assert len(ref) == 40 and all(c in "0123456789abcdef" for c in ref), step["uses"]
    setup = next(s for s in action["runs"]["steps"] if "setup-python" in s.get("uses", ""))
    assert setup["with"]["update-environment"] is False
    assert set(action["inputs"]) - {"python-version"} <= used


def test_failing_example(installed: Installed, workspace: Path) -> None:
    copy_example(workspace / "apps" / "support")
    base = _pull_request(workspace)
    result = _run(installed, workspace, base, **{"sarif-file": "results/prodgate.sarif"})
    assert result.code == 1
    anns = annotations(result.log)
    assert [(a[0], a[1]) for a in anns] == [
        ("error", {"file": "apps/support/ai-asset.yaml", "line": "28", "col": "1",
                   "title": "PG403 Artifact required by a risk fact is not declared"}),
        ("warning", {"file": "apps/support/docs/runbook.md", "line": "9", "col": "1",
                     "title": "PG204 Artifact is still the template"}),
        ("warning", {"file": "apps/support/docs/runbook.md", "line": "15", "col": "1",
                     "title": "PG207 Required section is empty"}),
    ]
    assert anns[0][2].startswith("Privacy review (DPIA) is required because a data source holds personal data")
    assert "\n\nHow to fix: Run `prodgate init --add-missing apps/support`: it declares `privacy_review: docs/privacy-review.md`" in anns[0][2]
    groups = [c[2] for c in commands(result.log) if c[0] == "group"]
    assert groups == ["support-reply-drafter (departmental, pilot): failed, 1 error, 2 warnings"]

    out = result.outputs
    assert (out["passed"], out["errors"], out["warnings"], out["waived"]) == ("false", "1", "2", "0")
    report = json.loads(Path(out["report"]).read_text(encoding="utf-8"))
    assert report["passed"] is False and report["today"] == TODAY
    assert out["sarif"] == str(workspace / "results" / "prodgate.sarif")
    sarif = json.loads(Path(out["sarif"]).read_text(encoding="utf-8"))
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))

    assert result.summary.startswith("## ❌ prodgate merge gate failed — 1 of 1 asset blocked\n")
    assert (
        "| Privacy review for personal data `privacy_review`<br>*because a data source holds personal data* "
        "| **❌ missing** (blocks) |" in result.summary
    )
    assert re.search(r"^- ❌ \[`PG403`\]\([^)]+\) \[?`apps/support/ai-asset.yaml:28:1`", result.summary, re.M)


def test_passing_example_with_a_waiver(installed: Installed, workspace: Path) -> None:
    copy_example(workspace / "app", waived=True)
    base = _commit(workspace, "base")
    result = _run(installed, workspace, base, path="app")
    assert result.code == 0, result.stderr
    out = result.outputs
    assert (out["passed"], out["errors"], out["warnings"], out["waived"]) == ("true", "0", "2", "1")
    notices = [a for a in annotations(result.log) if a[0] == "notice"]
    assert [n[1]["title"] for n in notices] == ["PG403 Artifact required by a risk fact is not declared"]
    assert notices[0][2].startswith("Waived by exception GOV-1234 (expires 2026-12-31): Privacy review")
    assert result.summary.startswith("## ✅ prodgate merge gate passed — 1 asset\n")
    assert (
        "| Privacy review for personal data `privacy_review` | `GOV-1234` | 2026-12-31 | ⏸️ active: waives findings |"
        in result.summary
    )
    assert Path(out["sarif"]).is_file() and Path(out["sarif"]).parent.parent == installed.runner.runner_temp


def test_a_file_name_that_is_not_utf8_is_carried_escaped(installed: Installed, workspace: Path) -> None:
    """A pull request adding ``b"caf\\xe9.py"`` that imports openai: the gate fails on it
    (exit 1, not an internal error), the annotation names the place in its text (the
    UTF-8 log cannot spell the name as a ``file=``), the job summary, JSON report and
    SARIF file carry ``caf\\xe9.py`` and the SARIF URI the name's bytes."""
    copy_example(workspace / "app", waived=True)
    (workspace / os.fsdecode(b"caf\xe9.py")).write_bytes(b"import openai\n\nclient = openai.OpenAI()\n")
    base = _pull_request(workspace)
    result = _run(installed, workspace, base, **{"sarif-file": "results/prodgate.sarif"})
    assert result.code == 1, result.stderr
    assert "internal error" not in result.stderr
    [(level, props, text)] = [a for a in annotations(result.log) if a[1]["title"].startswith("PG801")]
    assert level == "error" and "file" not in props
    assert text.startswith("caf\\xe9.py:1: undeclared AI use: imports openai")
    assert "`caf\\xe9.py:1`" in result.summary
    report = json.loads(Path(result.outputs["report"]).read_text(encoding="utf-8"))
    assert [f["path"] for f in report["findings"] if f["rule_id"] == "PG801"] == ["caf\\xe9.py"]
    sarif = json.loads(Path(result.outputs["sarif"]).read_text(encoding="utf-8"))
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]]
    assert "caf%E9.py" in uris


def test_attest_writes_the_predicate_for_actions_attest(installed: Installed, workspace: Path) -> None:
    """``attest: true``: the verdict's predicate alone (actions/attest writes the
    statement around it), at the path of the ``predicate-path`` output."""
    copy_example(workspace / "app", waived=True)
    base = _commit(workspace, "base")
    head = _git(workspace, "rev-parse", "HEAD")
    result = _run(installed, workspace, base, path="app", attest="true")
    assert result.code == 0, result.stderr
    path = Path(result.outputs["predicate-path"])
    assert path.parent.parent == installed.runner.runner_temp
    predicate = json.loads(path.read_text(encoding="utf-8"))
    vsa = json.loads((DATA / "attestation" / "slsa-vsa-v1.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(predicate["policy"]["digest"], {"required": ["sha256"]})
    jsonschema.Draft202012Validator(
        vsa | {"properties": {**vsa["properties"], "policy": {"type": "object", "required": ["uri"]}}}
    ).validate(predicate)
    assert predicate["resourceUri"] == f"git+https://github.example/acme/app@{head}"
    assert (predicate["verificationResult"], predicate["verifiedLevels"]) == ("PASSED", ["PRODGATE_MERGE_GATE"])
    evidence = predicate["https://github.com/prodgate/prodgate/attestation/v1"]["evidence"]
    report = Path(result.outputs["report"]).read_bytes()
    assert evidence["digest"]["sha256"] == hashlib.sha256(report).hexdigest()

    # A failed gate is attested too (a later step with if: always() may sign it).
    failed = _run(installed, workspace, base, path="app", gate="deploy", attest="true")
    assert failed.code == 1
    assert json.loads(Path(failed.outputs["predicate-path"]).read_text(encoding="utf-8"))["verificationResult"] == "FAILED"
    without = _run(installed, workspace, base, path="app")
    assert without.outputs.get("predicate-path", "") == ""


def test_bad_attest_input_is_a_configuration_error(installed: Installed, workspace: Path) -> None:
    copy_example(workspace / "app")
    base = _commit(workspace, "base")
    result = _run(installed, workspace, base, attest="yes")
    assert result.code == 2
    assert annotations(result.log)[0][2] == "input attest: 'yes' is not true or false"


STRICT = "extends: builtin\nrules:\n  PG204: {severity: error}\n"
WEAK = "extends: builtin\nrules:\n  PG403: {enabled: false}\n  PG204: {enabled: false}\n  PG207: {enabled: false}\n"


def test_pull_request_is_judged_by_the_base_policy(installed: Installed, workspace: Path, api: FakeGitHub) -> None:
    (workspace / ".github").mkdir()
    (workspace / ".github" / "prodgate.yaml").write_text(STRICT, encoding="utf-8")
    base = _commit(workspace, "base")
    copy_example(workspace / "app")
    (workspace / ".github" / "prodgate.yaml").write_text(WEAK, encoding="utf-8")
    _commit(workspace, "add an asset, weaken the gate")

    result = _run(installed, workspace, base, policy=".github/prodgate.yaml", comment="true", api=api.url)
    assert result.code == 1
    assert f"policy: .github/prodgate.yaml as of the base commit {base[:12]}" in result.log
    assert (result.outputs["errors"], result.outputs["warnings"]) == ("2", "1")
    # The summary and the evidence name the policy by its path in the repository and the
    # commit it was read from, not by the runner's temporary copy of it.
    shown = f".github/prodgate.yaml at {base[:12]}"
    report = json.loads(Path(result.outputs["report"]).read_text(encoding="utf-8"))
    assert report["policy"]["source"] == shown
    assert f"policy (unnamed) from `{shown}`" in result.summary
    assert "base-" not in result.summary and str(installed.runner.runner_temp) not in result.summary
    [comment] = [c["body"] for c in api.comments if c["body"].startswith("<!-- prodgate:comment")]
    assert f"from `{shown}`" in comment and str(installed.runner.runner_temp) not in comment

    # On a push there is no base to protect: the checked-out policy applies.
    pushed = _run(installed, workspace, base, event_name="push", policy=".github/prodgate.yaml")
    assert pushed.code == 0
    assert pushed.outputs["errors"] == "0"
    # ... named by its path in the repository, not the runner's workspace path.
    pushed_report = json.loads(Path(pushed.outputs["report"]).read_text(encoding="utf-8"))
    assert pushed_report["policy"]["source"] == ".github/prodgate.yaml"
    assert "policy (unnamed) from `.github/prodgate.yaml`" in pushed.summary
    assert str(workspace) not in pushed.summary


def test_merge_queue_is_judged_by_the_base_policy_and_declarations(installed: Installed, workspace: Path) -> None:
    """A merge group is no pull request, but its change has a base all the same:
    ``merge_group.base_sha``. The policy the change weakens and the declaration it
    weakens are both judged against that base."""
    from conftest import TEAM_SANDBOX

    copy_example(workspace / "app")
    (workspace / ".github").mkdir()
    (workspace / ".github" / "prodgate.yaml").write_text(STRICT, encoding="utf-8")
    (workspace / "bot" / "ai-asset.yaml").parent.mkdir()
    (workspace / "bot" / "ai-asset.yaml").write_text(TEAM_SANDBOX.replace("tier: team", "tier: departmental"),
                                                     encoding="utf-8")
    base = _commit(workspace, "base")
    (workspace / ".github" / "prodgate.yaml").write_text(WEAK, encoding="utf-8")
    (workspace / "bot" / "ai-asset.yaml").write_text(TEAM_SANDBOX, encoding="utf-8")
    head = _commit(workspace, "weaken the gate and the declaration")

    result = _run(installed, workspace, base, event_name="merge_group", event=_merge_group_event(base, head),
                  policy=".github/prodgate.yaml", path="app\nbot")
    assert result.code == 1, result.log
    assert f"policy: .github/prodgate.yaml as of the base commit {base[:12]}" in result.log
    titles = sorted(a[1].get("title", "").split(" ")[0] for a in annotations(result.log) if a[0] == "error")
    assert titles == ["PG204", "PG403", "PG701"]
    [pg701] = [a for a in annotations(result.log) if a[1].get("title", "").startswith("PG701")]
    assert (pg701[1]["file"], pg701[1]["line"]) == ("bot/ai-asset.yaml", "3")
    report = json.loads(Path(result.outputs["report"]).read_text(encoding="utf-8"))
    assert report["change"]["base"] == base

    # Without a base in the payload the policy in the repository cannot be read as it was.
    broken = _run(installed, workspace, base, event_name="merge_group", event={"merge_group": {"head_sha": head}},
                  policy=".github/prodgate.yaml")
    assert broken.code == 2
    assert "merge_group.base_sha" in annotations(broken.log)[0][2]


def test_policy_sha256_input_pins_the_policy(installed: Installed, workspace: Path) -> None:
    import hashlib

    import yaml

    copy_example(workspace / "app")
    (workspace / ".github").mkdir()
    (workspace / ".github" / "prodgate.yaml").write_text(WEAK, encoding="utf-8")
    base = _commit(workspace, "base")
    canonical = json.dumps(yaml.safe_load(WEAK), sort_keys=True, separators=(",", ":"))
    pin = "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
    result = _run(installed, workspace, base, event_name="push", policy=".github/prodgate.yaml", **{"policy-sha256": pin})
    assert result.code == 0, result.log
    # The weakenings are said once, as a warning annotation beside the report's own.
    policy_notes = [a for a in annotations(result.log) if a[1].get("title") == "prodgate: policy"]
    assert [(level, message.split(":")[0]) for level, _p, message in policy_notes] == [("warning", "policy .github/prodgate.yaml is weaker than builtin")]
    wrong = _run(installed, workspace, base, event_name="push", policy=".github/prodgate.yaml", **{"policy-sha256": "0" * 64})
    assert wrong.code == 2
    [(level, props, message)] = annotations(wrong.log)
    assert (level, props["title"]) == ("error", "prodgate: configuration error")
    assert "the policy changed" in message


def test_policy_missing_from_the_base_is_a_configuration_error(installed: Installed, workspace: Path) -> None:
    copy_example(workspace / "app")
    base = _commit(workspace, "base")
    (workspace / "policy.yaml").write_text(WEAK, encoding="utf-8")
    _commit(workspace, "bring a policy")
    result = _run(installed, workspace, base, policy="policy.yaml")
    assert result.code == 2
    [(level, props, message)] = annotations(result.log)
    assert (level, props["title"]) == ("error", "prodgate: configuration error")
    assert message == (
        f"policy 'policy.yaml': policy.yaml does not exist in the base commit {base[:12]}; a pull "
        "request cannot bring the policy that judges it (merge the policy first)"
    )
    assert "passed" not in result.outputs or result.outputs["passed"] == ""


def test_unknown_base_commit_is_a_configuration_error(installed: Installed, workspace: Path) -> None:
    copy_example(workspace / "app")
    (workspace / "policy.yaml").write_text(STRICT, encoding="utf-8")
    _commit(workspace, "base")
    result = _run(installed, workspace, "f" * 40, policy="policy.yaml")
    assert result.code == 2
    assert "the base commit ffffffffffff is not in the checkout" in annotations(result.log)[0][2]


def test_bad_input_is_a_configuration_error(installed: Installed, workspace: Path) -> None:
    copy_example(workspace / "app")
    base = _commit(workspace, "base")
    result = _run(installed, workspace, base, gate="release")
    assert result.code == 2
    assert annotations(result.log)[0][2] == "input gate: 'release' is not one of merge, deploy"


@pytest.fixture
def api() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    yield fake
    fake.close()


def test_sticky_comment_created_then_updated(installed: Installed, workspace: Path, api: FakeGitHub) -> None:
    for i in range(100):
        api.add(f"review comment {i}")
    copy_example(workspace / "app")
    base = _pull_request(workspace)
    first = _run(installed, workspace, base, comment="true", api=api.url)
    assert first.code == 1
    ours = [c for c in api.comments if c["body"].startswith("<!-- prodgate:comment gate=merge -->")]
    assert len(ours) == 1 and api.comments.index(ours[0]) == 100
    assert "## ❌ prodgate merge gate failed" in ours[0]["body"]
    # Places link to the file at the line in the commit that was checked.
    assert re.search(r"\(https://github\.example/acme/app/blob/[0-9a-f]{40}/app/ai-asset\.yaml#L28\)", ours[0]["body"])
    assert "comment: created the pull request comment" in first.log

    decl = workspace / "app" / "ai-asset.yaml"
    decl.write_text(decl.read_text(encoding="utf-8") + EXCEPTION, encoding="utf-8")
    second = _run(installed, workspace, base, comment="true", api=api.url)
    assert second.code == 0
    ours = [c for c in api.comments if c["body"].startswith("<!-- prodgate:comment gate=merge -->")]
    assert len(ours) == 1 and "## ✅ prodgate merge gate passed" in ours[0]["body"]
    assert "comment: updated the pull request comment" in second.log
    assert all(h.get("Authorization") == f"Bearer {TOKEN}" for _, _, h in api.requests)
    for run in (first, second):
        assert TOKEN not in run.log + run.stderr + run.summary + json.dumps(run.outputs)


def test_forbidden_comment_is_a_warning_and_the_gate_stands(
    installed: Installed, workspace: Path, api: FakeGitHub
) -> None:
    api.forbid = True
    copy_example(workspace / "app")
    base = _pull_request(workspace)
    result = _run(installed, workspace, base, comment="true", api=api.url)
    assert result.code == 1
    assert result.outputs["passed"] == "false"
    [warning] = [a for a in annotations(result.log) if a[1].get("title") == "prodgate: no pull request comment"]
    assert warning[0] == "warning"
    assert "HTTP 403: Resource not accessible by integration" in warning[2]
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.log + result.stderr + result.summary


def test_comment_outside_a_pull_request_is_skipped(tmp_path: Path) -> None:
    """The entry point in-process: no event, no comment, no network."""
    import io

    ws = tmp_path / "ws"
    copy_example(ws / "app", waived=True)
    (ws / ".git").mkdir()
    out = io.StringIO()
    env = {"GITHUB_WORKSPACE": str(ws), "RUNNER_TEMP": str(tmp_path), "GITHUB_EVENT_NAME": "push",
           "INPUT_COMMENT": "true", "INPUT_TODAY": TODAY, "INPUT_GITHUB_TOKEN": TOKEN}
    assert action_main([], env, out) == 0
    assert "comment: not a pull_request event; no comment written" in out.getvalue()


def test_invalid_policy_is_a_configuration_error_annotation(installed: Installed, workspace: Path) -> None:
    copy_example(workspace / "app")
    (workspace / "policy.yaml").write_text("extends: builtin\nrules: {PG403: {severity: fatal}}\n", encoding="utf-8")
    base = _commit(workspace, "base")
    result = _run(installed, workspace, base, event_name="push", policy="policy.yaml")
    assert result.code == 2
    [(level, props, message)] = annotations(result.log)
    assert (level, props["title"]) == ("error", "prodgate: configuration error")
    assert message.startswith("invalid policy:\n")
    assert "policy.yaml:2:" in message and "prodgate: error: invalid policy" in result.stderr


VERIFY_POLICY = """\
apiVersion: prodgate/policy/v1
extends: builtin
name: acme
exceptions:
  verify: pull-request-reviews
  approvers: {it_executive: [sosei]}
"""
DOWNGRADE_EXCEPTION = """\
exceptions:
  - requirement: PG701
    reason: Back to exploration while the vendor is replaced.
    ticket: GOV-77
    granted: 2026-11-01
    expires: 2027-01-31
    approvals:
      business_executive: {name: Helena Novak, github: hnovak}
      it_executive: {name: Samuel Osei, github: sosei}
      process_owner: {name: Priya Raman, github: praman}
    owners: {risk: Lena Fischer, support: Omar Haddad, funding: Tom Becker, lifecycle: Maria Garcia, compliance: Grace Kim}
"""


def _downgrade(workspace: Path) -> str:
    from conftest import FILLED_MODEL_CARD, TEAM_SANDBOX

    (workspace / ".github").mkdir()
    (workspace / ".github" / "prodgate.yaml").write_text(VERIFY_POLICY, encoding="utf-8")
    pilot = TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot") + "artifacts:\n  model_card: card.md\n"
    (workspace / "ai-asset.yaml").write_text(pilot, encoding="utf-8")
    (workspace / "card.md").write_text(FILLED_MODEL_CARD, encoding="utf-8")
    base = _commit(workspace, "base")
    (workspace / "ai-asset.yaml").write_text(TEAM_SANDBOX + DOWNGRADE_EXCEPTION, encoding="utf-8")
    _commit(workspace, "back to sandbox")
    return base


def test_weakened_declaration_fails_the_pull_request(installed: Installed, workspace: Path) -> None:
    from conftest import TEAM_SANDBOX

    (workspace / "ai-asset.yaml").write_text(TEAM_SANDBOX.replace("tier: team", "tier: departmental"), encoding="utf-8")
    base = _commit(workspace, "base")
    (workspace / "ai-asset.yaml").write_text(TEAM_SANDBOX, encoding="utf-8")
    _commit(workspace, "lower the tier")
    result = _run(installed, workspace, base)
    assert result.code == 1
    [(level, props, message)] = [a for a in annotations(result.log) if a[1].get("title", "").startswith("PG701")]
    assert (level, props["file"], props["line"]) == ("error", "ai-asset.yaml", "3")
    assert message.startswith("tier weakened: departmental at the base commit, now team")
    assert "### Changes to governance" in result.summary
    assert "| notes-summariser | `tier` at `ai-asset.yaml:3:7` | departmental | team | ❌ `PG701` |" in result.summary
    report = json.loads(Path(result.outputs["report"]).read_text(encoding="utf-8"))
    assert report["change"]["base"] == base and report["change"]["head"] == _git(workspace, "rev-parse", "HEAD")


def test_review_event_verifies_approvals_and_never_shows_the_token(
    installed: Installed, workspace: Path, api: FakeGitHub
) -> None:
    base = _downgrade(workspace)
    head = "0" * 40
    api.reviews = [
        {"user": {"login": login}, "state": "APPROVED", "commit_id": head, "author_association": "MEMBER"}
        for login in ("hnovak", "praman")
    ]
    pending = _run(installed, workspace, base, event_name="pull_request_review", api=api.url,
                   policy=".github/prodgate.yaml", **{"github-token": TOKEN})
    assert pending.code == 1
    [ann] = [a for a in annotations(pending.log) if a[1].get("title", "").startswith("PG507")]
    assert ann[1]["line"] == "16" and "it_executive @sosei (Samuel Osei) has no approval" in ann[2]
    assert "❌ it\\_executive: Samuel Osei (<code>@sosei</code>) — no review" in pending.summary

    # The IT executive approves: the review event re-runs the gate, which now passes.
    api.reviews.append({"user": {"login": "sosei"}, "state": "APPROVED", "commit_id": head,
                        "author_association": "COLLABORATOR"})
    approved = _run(installed, workspace, base, event_name="pull_request_review", api=api.url,
                    policy=".github/prodgate.yaml", **{"github-token": TOKEN})
    assert approved.code == 0, approved.log
    assert "✅ it\\_executive: Samuel Osei (<code>@sosei</code>) — approved" in approved.summary
    review_calls = [(m, p) for m, p, _h in api.requests if "/pulls/" in p]
    assert review_calls and all(h["Authorization"] == f"Bearer {TOKEN}" for _m, p, h in api.requests if "/pulls/" in p)

    texts = [pending.log, pending.stderr, pending.summary, approved.log, approved.stderr, approved.summary]
    for run in (pending, approved):
        texts += [Path(run.outputs[k]).read_text(encoding="utf-8") for k in ("report", "sarif") if run.outputs.get(k)]
    assert len(texts) >= 8
    assert not [t for t in texts if TOKEN in t]


def test_only_a_full_commit_id_is_taken_from_a_merge_group_payload() -> None:
    from prodgate.github.event import merge_group_base

    assert merge_group_base(_merge_group_event("a" * 40, "b" * 40)) == "a" * 40
    for bad in ("--policy=evil.yaml", "main", 7, None):
        assert merge_group_base({"merge_group": {"base_sha": bad}}) is None
    assert merge_group_base({"merge_group": "x"}) is None and merge_group_base({}) is None


# -- the pull request's files are never code the action runs ------------------------

_TRAPS = {
    # What `python -m X` or `python -c 'import X'` would import from the working
    # directory (the pull request's checkout) without -I.
    "prodgate/__init__.py": "",
    "prodgate/github/__init__.py": "",
    "prodgate/github/action.py": "TRAP",
    "pip/__init__.py": "TRAP",
    "pip/__main__.py": "TRAP",
    "venv/__init__.py": "TRAP",
    "venv/__main__.py": "TRAP",
    "platform.py": "TRAP",
    "sitecustomize.py": "TRAP",
}


def _lay_traps(ws: Path, marker: Path) -> None:
    code = f"import pathlib; pathlib.Path({str(marker)!r}).write_text('pull request code ran')\n"
    for rel, body in _TRAPS.items():
        path = ws / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code if body == "TRAP" else body, encoding="utf-8")


def test_no_step_imports_a_module_from_the_pull_request(installed: Installed, workspace: Path, tmp_path: Path) -> None:
    """Every Python the action starts runs isolated (-I): a pull request that adds
    prodgate/github/action.py, pip/, venv/ or platform.py at its root runs nothing."""
    marker = tmp_path / "ran"
    copy_example(workspace / "apps" / "support")
    _lay_traps(workspace, marker)
    base = _commit(workspace, "base")
    # The install steps, again, in this workspace (a venv of their own under a new RUNNER_TEMP).
    runner = CompositeRunner(installed.runner.action_dir, tmp_path / "runner-temp")
    result, ctx = runner.run(workspace, {}, only=(0, installed.first - 1))
    assert result.code == 0, result.stderr
    assert not marker.exists(), "the install steps ran the pull request's code"
    # The gate's step, with the installed Python.
    gate = _run(installed, workspace, base)
    assert not marker.exists(), "the gate step ran the pull request's code"
    assert gate.outputs["passed"] in {"true", "false"}
    assert ctx.steps["install"]["outputs"]["python"].startswith(str(tmp_path / "runner-temp"))


def test_a_cache_hit_reuses_the_environment_and_installs_nothing(installed: Installed, workspace: Path) -> None:
    """A run whose actions/cache restored the environment (what a restore puts at the
    cache's path: the venv a first run left under the same RUNNER_TEMP) runs no pip and
    no venv, and the gate runs with the restored environment."""
    copy_example(workspace / "apps" / "support")
    base = _commit(workspace, "base")
    venv = installed.runner.runner_temp / "prodgate-venv"
    watched = [venv / "pyvenv.cfg", *venv.glob("lib/python*/site-packages")]
    before = {p: p.stat().st_mtime_ns for p in watched}
    result, ctx = installed.runner.run(
        workspace, {}, only=(0, installed.first - 1), facts={"actions/cache": {"cache-hit": "true"}},
    )
    assert result.code == 0, result.stderr
    install = next(s for s in result.steps if s.id == "install")
    assert install.stdout == "prodgate's environment restored from the cache\n" and install.stderr == ""
    assert ctx.steps["cache"]["with"] == {"path": str(venv), "key": ctx.steps["env-key"]["outputs"]["key"]}
    assert install.outputs["python"] == installed.prior["install"]["outputs"]["python"]
    assert {p: p.stat().st_mtime_ns for p in watched} == before, "the restored environment was rebuilt"
    gate = _run(installed, workspace, base)
    assert gate.outputs["passed"] in {"true", "false"}


def test_the_environment_holds_exactly_what_the_lock_pins(installed: Installed) -> None:
    """The install step put the lock's versions in the environment, nothing resolved
    from ranges and nothing more (besides pip and prodgate itself)."""
    python = installed.prior["install"]["outputs"]["python"]
    frozen = subprocess.run(
        [python, "-I", "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"],
        capture_output=True, text=True, check=True,
    ).stdout.split()

    def norm(pin: str) -> str:
        name, version = pin.split("==")
        return f"{re.sub(r'[-_.]+', '-', name).lower()}=={version}"

    lock = (REPO / "requirements" / "action.lock").read_text(encoding="utf-8")
    pinned = {norm(m) for m in re.findall(r"^([A-Za-z0-9._-]+==\S+) \\$", lock, flags=re.MULTILINE)}
    installed_pins = {norm(p) for p in frozen if not p.startswith(("pip==", "prodgate=="))}
    assert installed_pins == pinned
    assert "prodgate==0.1.0" in frozen
