"""PG7xx: a change compared with its base commit, in real git histories."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gitrepo import commit, git, init

from conftest import FILLED_MODEL_CARD, TEAM_SANDBOX, TODAY, write

Run = Callable[..., tuple[int, str, str]]

BASE = """\
apiVersion: prodgate/v1
name: claims-triage
tier: enterprise
stage: production
owner:
  name: Ada Lovelace
  email: ada@example.com
risk:
  customer_facing: true
  regulated: true
  autonomy: autonomous
  decisions_about_people: true
data_sources:
  - name: claims
    classification: restricted
    personal_data: true
  - name: notes
    classification: confidential
evals:
  - name: quality
    results: evals/q.json
    thresholds: {pass_rate: ">= 0.9", cost: "<= 0.01"}
    max_age_days: 30
  - name: safety
    results: evals/s.json
artifacts:
  model_card: docs/model-card.md
  runbook: docs/runbook.md
"""

WEAKENED = """\
apiVersion: prodgate/v1
name: claims-triage
tier: team
stage: sandbox
owner:
  name: Ada Lovelace
  email: ada@example.com
risk:
  customer_facing: false
  regulated: false
  autonomy: human-in-the-loop
  decisions_about_people: false
data_sources:
  - name: claims
    classification: internal
    personal_data: false
  - name: notes
    classification: confidential
evals:
  - name: quality
    results: evals/q.json
    thresholds: {pass_rate: ">= 0.8"}
    max_age_days: 90
artifacts:
  model_card: docs/model-card.md
"""


def _check(run: Run, root: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    code, out, err = run("check", str(root), "--format", "json", "--today", TODAY, *args)
    assert out, err
    return code, json.loads(out), err


def _pg7(report: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(f["rule_id"], f["line"], f["message"]) for f in report["findings"] if f["rule_id"].startswith("PG7")]


@pytest.fixture
def gitroot(tmp_path: Path) -> Path:
    return init(tmp_path / "repo")


def test_every_weakening_is_one_finding_at_its_line(gitroot: Path, run: Run) -> None:
    write(gitroot, "ai-asset.yaml", BASE)
    base = commit(gitroot, "base")
    write(gitroot, "ai-asset.yaml", WEAKENED)
    code, report, _ = _check(run, gitroot, "--base", base)
    assert code == 1
    found = [(line, msg.split(" weakened:")[0], msg.split(" weakened: ")[1]) for rule, line, msg in _pg7(report)]
    assert sorted(found) == sorted([
        (3, "tier", "enterprise at the base commit, now team"),
        (4, "stage", "production at the base commit, now sandbox"),
        (9, "risk.customer_facing", "true at the base commit, now false"),
        (10, "risk.regulated", "true at the base commit, now false"),
        (11, "risk.autonomy", "autonomous at the base commit, now human-in-the-loop"),
        (12, "risk.decisions_about_people", "true at the base commit, now false"),
        (15, "data_sources.claims.classification", "restricted at the base commit, now internal"),
        (16, "data_sources.claims.personal_data", "true at the base commit, now false"),
        (19, "evals.safety", "evals/s.json at the base commit, removed"),
        (22, "evals.quality.thresholds.pass_rate", ">= 0.9 at the base commit, now >= 0.8"),
        (22, "evals.quality.thresholds.cost", "<= 0.01 at the base commit, removed"),
        (23, "evals.quality.max_age_days", "30 at the base commit, now 90"),
        (24, "artifacts.runbook", "docs/runbook.md at the base commit, removed"),
    ])
    assert all(f["severity"] == "error" for f in report["findings"] if f["rule_id"] == "PG701")
    [asset] = report["assets"]
    assert {w["field"]: (w["base"], w["head"]) for w in asset["weakened"]}["tier"] == ("enterprise", "team")
    assert report["change"]["base"] == base
    assert report["change"]["head"] == git(gitroot, "rev-parse", "HEAD")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("stage: production", "stage: retired"),  # retiring is not a step back
        ("tier: enterprise", "tier: enterprise\ndescription: more words"),
        ('{pass_rate: ">= 0.9", cost: "<= 0.01"}', '{pass_rate: "> 0.95", cost: "< 0.01", extra: 1}'),
        ('{pass_rate: ">= 0.9", cost: "<= 0.01"}', '{pass_rate: "== 0.95", cost: "== 0"}'),
        ("max_age_days: 30", "max_age_days: 7"),
        ("autonomy: autonomous", "autonomy: autonomous"),
        ("  - name: notes\n    classification: confidential\n", "  - name: notes\n    classification: restricted\n"),
    ],
)
def test_changes_that_do_not_weaken_are_not_findings(gitroot: Path, run: Run, before: str, after: str) -> None:
    write(gitroot, "ai-asset.yaml", BASE)
    base = commit(gitroot)
    assert before in BASE
    write(gitroot, "ai-asset.yaml", BASE.replace(before, after))
    _code, report, _ = _check(run, gitroot, "--base", base)
    assert _pg7(report) == []


def test_personal_data_source_removed_is_a_weakening(gitroot: Path, run: Run) -> None:
    write(gitroot, "ai-asset.yaml", BASE)
    base = commit(gitroot)
    write(gitroot, "ai-asset.yaml", BASE.replace(
        "  - name: claims\n    classification: restricted\n    personal_data: true\n", ""
    ))
    _code, report, _ = _check(run, gitroot, "--base", base)
    assert [(r, line, m) for r, line, m in _pg7(report)] == [(
        "PG701", 13, "data_sources.claims weakened: restricted with personal data at the base commit, removed"
    )]


def test_data_source_renamed_and_declassified_is_a_weakening(gitroot: Path, run: Run) -> None:
    """Sources are compared by what they hold, not by name: a new name does not make
    restricted personal data public."""
    write(gitroot, "ai-asset.yaml", BASE)
    base = commit(gitroot)
    write(gitroot, "ai-asset.yaml", BASE.replace(
        "  - name: claims\n    classification: restricted\n    personal_data: true\n",
        "  - name: claims-cache\n    classification: public\n",
    ))
    code, report, _ = _check(run, gitroot, "--base", base, "--no-discover")
    assert code == 1
    assert _pg7(report) == [(
        "PG701", 15,
        "data_sources.claims weakened: restricted with personal data at the base commit, now public as 'claims-cache'",
    )]


@pytest.mark.parametrize(
    ("after", "found"),
    [
        # Renamed with the same facts, or with more: nothing was lost.
        ("  - name: records\n    classification: restricted\n    personal_data: true\n", []),
        # Removed while another source still holds restricted personal data.
        ("  - name: archive\n    classification: restricted\n    personal_data: true\n"
         "  - name: notes\n    classification: confidential\n", None),
        # Renamed keeping the classification but dropping personal data: at the personal_data line.
        ("  - name: records\n    classification: restricted\n    personal_data: false\n",
         [(16, "restricted with personal data at the base commit, now restricted as 'records'")]),
        # Renamed keeping personal data, one classification lower.
        ("  - name: records\n    classification: confidential\n    personal_data: true\n",
         [(15, "restricted with personal data at the base commit, now confidential with personal data as 'records'")]),
    ],
)
def test_data_sources_are_compared_by_their_facts(
    gitroot: Path, run: Run, after: str, found: list[tuple[int, str]] | None
) -> None:
    claims = "  - name: claims\n    classification: restricted\n    personal_data: true\n"
    write(gitroot, "ai-asset.yaml", BASE)
    base = commit(gitroot)
    head = BASE.replace(claims, after) if found is not None else BASE.replace(
        claims + "  - name: notes\n    classification: confidential\n", after)
    write(gitroot, "ai-asset.yaml", head)
    _code, report, _ = _check(run, gitroot, "--base", base, "--no-discover")
    got = [(line, m.removeprefix("data_sources.claims weakened: ")) for _r, line, m in _pg7(report)]
    # found None: notes (confidential) is gone too, but archive holds more than it did.
    assert got == (found or [])


def test_typed_names_on_a_downgrade_exception_are_pending_and_waive_nothing(gitroot: Path, run: Run) -> None:
    """An exception for PG701 with typed names passed on main ("1 waived") because the
    builtin policy does not ask for verification. A weakening's exception is verified
    against the pull request's reviews whatever the policy says: without them (a local
    run, no token) it is pending and waives nothing, so local and CI runs agree."""
    pilot = TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot") + "artifacts:\n  model_card: card.md\n"
    write(gitroot, "ai-asset.yaml", pilot)
    write(gitroot, "card.md", FILLED_MODEL_CARD)
    base = commit(gitroot)
    write(gitroot, "ai-asset.yaml", TEAM_SANDBOX + """\
exceptions:
  - requirement: PG701
    reason: Back to exploration while the vendor is replaced.
    ticket: GOV-77
    granted: 2026-11-01
    expires: 2027-01-31
    approvals:
      business_executive: Helena Novak
      it_executive: {name: Samuel Osei, github: sosei}
      process_owner: Priya Raman
    owners: {risk: Lena Fischer, support: Omar Haddad, funding: Tom Becker, lifecycle: Maria Garcia, compliance: Grace Kim}
""")
    code, report, _ = _check(run, gitroot, "--base", base)
    assert code == 1, report["findings"]
    unwaived = [(f["line"], f["message"].split(" weakened")[0], f["waived_by"])
                for f in report["findings"] if f["rule_id"] == "PG701"]
    assert unwaived == [(1, "artifacts.model_card", None), (4, "stage", None)]
    [pending] = [f for f in report["findings"] if f["rule_id"] == "PG705"]
    assert pending["line"] == 14 and pending["message"] == (
        "approvals of exception GOV-77 (PG701) are pending verification against the pull request's reviews "
        "(not run on a pull request (no --pull-request)): an exception for a change-control rule waives nothing until each "
        "approver has approved the pull request's head commit"
    )
    [exc] = report["assets"][0]["exceptions"]
    assert exc["change"] == "added" and not exc["valid"] and not exc["used"] and exc["approved"] == []
    assert {a["state"] for a in exc["approvals"]} == {
        "pending verification: not run on a pull request (no --pull-request)"
    }
    # Without the exception the same downgrade fails the same way.
    write(gitroot, "ai-asset.yaml", TEAM_SANDBOX)
    code, report, _ = _check(run, gitroot, "--base", base)
    assert code == 1 and [r for r, _l, _m in _pg7(report)] == ["PG701", "PG701"]


def _remove_declaration(gitroot: Path, declaration: str) -> str:
    """A base with svc/ai-asset.yaml (``declaration``), svc/app.py using AI and another
    asset; the change deletes svc/ai-asset.yaml. Returns the base commit."""
    write(gitroot, "svc/ai-asset.yaml", declaration)
    write(gitroot, "svc/app.py", "import openai\n")
    write(gitroot, "other/ai-asset.yaml", TEAM_SANDBOX.replace("notes-summariser", "other-bot"))
    base = commit(gitroot)
    (gitroot / "svc/ai-asset.yaml").unlink()
    return base


PILOT = TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot")


def test_removed_declaration_with_remaining_files(gitroot: Path, run: Run) -> None:
    base = _remove_declaration(gitroot, PILOT)
    code, report, _ = _check(run, gitroot, "--base", base)
    assert code == 1
    [f] = [f for f in report["findings"] if f["rule_id"] == "PG703"]
    assert f["path"] == "svc/ai-asset.yaml" and f["asset"] is None and f["severity"] == "error"
    assert "asset 'notes-summariser' (team, pilot) was removed" in f["message"]
    assert f["message"].endswith("1 file it covered remain: svc/app.py:1 (openai); they still show AI use")
    assert report["change"]["removed"][0]["rule_id"] == "PG703"
    # Removing what it covered as well is a clean retirement.
    (gitroot / "svc/app.py").unlink()
    code, report, _ = _check(run, gitroot, "--base", base)
    assert code == 0 and _pg7(report) == []


def test_a_sandbox_declaration_may_go_and_the_policy_says_which_stages(gitroot: Path, run: Run, tmp_path: Path) -> None:
    base = _remove_declaration(gitroot, TEAM_SANDBOX)
    code, report, _ = _check(run, gitroot, "--base", base)
    assert code == 0 and _pg7(report) == []
    policy = write(tmp_path, "p.yaml", "apiVersion: prodgate/policy/v1\nextends: builtin\nname: strict\n"
                   "change_control: {removable_stages: []}\n")
    code, report, _ = _check(run, gitroot, "--base", base, "--policy", str(policy))
    assert code == 1 and [r for r, _l, _m in _pg7(report)] == ["PG703"]


def test_a_renamed_asset_is_the_same_asset(gitroot: Path, run: Run) -> None:
    write(gitroot, "svc/ai-asset.yaml", PILOT)
    write(gitroot, "svc/app.py", "from anthropic import Anthropic\n")
    base = commit(gitroot)
    write(gitroot, "svc/ai-asset.yaml", PILOT.replace("notes-summariser", "notes-helper"))
    _code, report, _ = _check(run, gitroot, "--base", base)
    assert _pg7(report) == []  # main: PG703 "is now named 'notes-helper'"
    write(gitroot, "svc/ai-asset.yaml", TEAM_SANDBOX.replace("notes-summariser", "notes-helper"))
    code, report, _ = _check(run, gitroot, "--base", base)
    assert code == 1
    assert _pg7(report) == [
        ("PG701", 4, "stage weakened: pilot at the base commit, now sandbox (renamed from 'notes-summariser' at the base)")
    ]


def test_moved_declaration_keeps_its_base(gitroot: Path, run: Run) -> None:
    write(gitroot, "a/ai-asset.yaml", TEAM_SANDBOX.replace("tier: team", "tier: departmental"))
    base = commit(gitroot)
    shutil.rmtree(gitroot / "a")
    write(gitroot, "b/ai-asset.yaml", TEAM_SANDBOX)
    _code, report, _ = _check(run, gitroot, "--base", base)
    [(rule, line, msg)] = _pg7(report)
    assert (rule, line) == ("PG701", 3)
    assert msg == "tier weakened: departmental at the base commit, now team (renamed from a/ai-asset.yaml at the base)"


def test_policy_change_is_a_note_naming_its_code_owners(gitroot: Path, run: Run) -> None:
    policy = "apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme\n"
    write(gitroot, ".github/prodgate-policy.yaml", policy)
    write(gitroot, ".github/CODEOWNERS", "* @acme/devs\n/.github/prodgate-policy.yaml @acme/ai-governance @cto\n")
    write(gitroot, "ai-asset.yaml", TEAM_SANDBOX)
    base = commit(gitroot)
    write(gitroot, ".github/prodgate-policy.yaml", policy + "rules: {PG403: {enabled: false}}\n")
    # The change also tries to take the policy over in CODEOWNERS: the base's owners count.
    write(gitroot, ".github/CODEOWNERS", "* @acme/devs\n")
    code, report, _ = _check(run, gitroot, "--base", base, "--policy", str(gitroot / ".github/prodgate-policy.yaml"))
    assert code == 0
    [(rule, line, msg)] = _pg7(report)
    assert rule == "PG702" and line == 0
    assert "changes the policy file .github/prodgate-policy.yaml" in msg
    assert "takes effect after merge" in msg and "@acme/ai-governance, @cto" in msg
    assert report["change"]["policy_changed"] == ".github/prodgate-policy.yaml"


def test_shallow_clone_without_the_base_warns_once_and_fails_the_deploy_gate(gitroot: Path, tmp_path: Path, run: Run) -> None:
    write(gitroot, "ai-asset.yaml", TEAM_SANDBOX.replace("tier: team", "tier: departmental"))
    base = commit(gitroot, "base")
    write(gitroot, "ai-asset.yaml", TEAM_SANDBOX)
    commit(gitroot, "head")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{gitroot}", str(clone))
    code, report, err = _check(run, clone, "--base", base)
    assert code == 0 and err == ""
    [(rule, _line, msg)] = _pg7(report)
    assert rule == "PG704" and "fetch-depth: 0" in msg and base[:12] in msg
    assert report["change"]["base"] is None and "shallow" in report["change"]["note"]
    code, out, err = run("check", str(clone), "--base", base, "--today", TODAY, "--no-color")
    assert [line for line in out.splitlines() if " PG704 " in line] == [
        f"  . PG704 warning: {msg}"
    ]
    # The deploy gate fails closed: what it cannot compare it cannot release.
    code, report, _err = _check(run, clone, "--base", base, "--gate", "deploy")
    assert code == 1
    assert [f["severity"] for f in report["findings"] if f["rule_id"] == "PG704"] == ["error"]


def test_unknown_base_in_a_full_clone_is_a_usage_error(gitroot: Path, run: Run) -> None:
    write(gitroot, "ai-asset.yaml", TEAM_SANDBOX)
    commit(gitroot)
    code, out, err = run("check", str(gitroot), "--base", "no-such-branch")
    assert code == 2 and out == ""
    assert err == f"prodgate: error: --base no-such-branch: no such commit or branch in {gitroot.resolve()}\n"
    code, _out, err = run("check", str(gitroot), "--base", "--upload-pack=touch /tmp/x")
    assert code == 2 and "no such commit" in err


def test_base_outside_git_is_a_usage_error(repo: Path, run: Run) -> None:
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    shutil.rmtree(repo / ".git")
    code, _out, err = run("check", str(repo), "--base", "main")
    assert code == 2 and "not inside a git checkout" in err


def test_job_summary_shows_changes_to_governance(gitroot: Path, run: Run) -> None:
    pilot = TEAM_SANDBOX.replace("tier: team", "tier: departmental")
    write(gitroot, "ai-asset.yaml", pilot)
    write(gitroot, "gone/ai-asset.yaml", PILOT.replace("notes-summariser", "gone-bot"))
    write(gitroot, "gone/main.py", "import openai\n")
    base = commit(gitroot)
    write(gitroot, "ai-asset.yaml", TEAM_SANDBOX)
    (gitroot / "gone/ai-asset.yaml").unlink()
    code, out, _err = run("check", str(gitroot), "--base", base, "--format", "markdown", "--today", TODAY)
    assert code == 1
    section = out[out.index("### Changes to governance"):out.index("<details")]
    assert f"Compared with the base commit `{base[:12]}`" in section
    assert "| notes-summariser | `tier` at `ai-asset.yaml:3:7` | departmental | team | ❌ `PG701` |" in section
    assert "**Removed declarations**" in section and "asset 'gone-bot' (team, pilot) was removed" in section


def test_commits_are_labelled_as_what_they_are(gitroot: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """On ``pull_request`` the Action checks out GitHub's test merge of the pull request's
    head into its base: the summary names the base, the merge commit tested and the head
    of the pull request, each as what it is, never the merge commit as "head"."""
    from gitrepo import git

    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("PRODGATE_GITHUB_TOKEN", raising=False)
    write(gitroot, "ai-asset.yaml", TEAM_SANDBOX)
    base = commit(gitroot, "base")
    git(gitroot, "checkout", "-q", "-b", "feature")
    write(gitroot, "prompt.txt", "Be brief.\n")
    head = commit(gitroot, "the pull request")
    git(gitroot, "checkout", "-q", "main")
    write(gitroot, "notes.md", "main moved on\n")
    commit(gitroot, "main moves")
    git(gitroot, "merge", "-q", "--no-ff", "-m", "Merge the pull request", "feature")
    merge = git(gitroot, "rev-parse", "HEAD")
    args = ("--base", base, "--pull-request", f"acme/app#7@{head}", "--today", TODAY)
    code, out, _err = run("check", str(gitroot), "--format", "markdown", *args)
    assert code == 0, out
    assert f" · merge commit tested `{merge[:12]}` · " in out.split("\n\n", 2)[1]
    assert (f"Compared with the base commit `{base[:12]}` · merge commit tested `{merge[:12]}` · "
            f"head of the pull request `{head[:12]}`.") in out
    assert f"head `{merge[:12]}`" not in out
    _code, doc, _ = _check(run, gitroot, *args[:-2])
    assert (doc["change"]["head"], doc["change"]["pull_request_head"], doc["change"]["merge_commit"]) == (merge, head, True)
    # Checked at the pull request's own head (pull_request_target, a push): labelled so.
    git(gitroot, "checkout", "-q", head)
    _code, out, _err = run("check", str(gitroot), "--format", "markdown", *args)
    assert f"Compared with the base commit `{base[:12]}` · head of the pull request `{head[:12]}`." in out
    # Without a pull request (``--base`` alone, locally), the checked commit is the head.
    _code, out, _err = run("check", str(gitroot), "--format", "markdown", *args[:2], *args[-2:])
    assert f"Compared with the base commit `{base[:12]}` · head `{head[:12]}`." in out


def test_without_base_the_summary_has_no_governance_section(gitroot: Path, run: Run) -> None:
    write(gitroot, "ai-asset.yaml", TEAM_SANDBOX)
    code, out, _err = run("check", str(gitroot), "--format", "markdown", "--today", TODAY)
    assert code == 0 and "Changes to governance" not in out


def test_evidence_lists_every_judged_file_with_its_digest(gitroot: Path, run: Run) -> None:
    import hashlib

    decl = TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot") + (
        "artifacts:\n  model_card: card.md\n  runbook: ../outside.md\n"
        "evals:\n  - name: quality\n    results: evals/q.json\n"
    )
    write(gitroot, "ai-asset.yaml", decl)
    write(gitroot, "card.md", FILLED_MODEL_CARD)
    base = commit(gitroot)
    _code, report, _ = _check(run, gitroot, "--base", base)

    def digest(rel: str) -> str:
        return hashlib.sha256((gitroot / rel).read_bytes()).hexdigest()

    assert report["assets"][0]["files"] == [
        {"role": "declaration", "path": "ai-asset.yaml", "sha256": digest("ai-asset.yaml")},
        {"role": "artifact:model_card", "path": "card.md", "sha256": digest("card.md")},
        {"role": "artifact:runbook", "path": "../outside.md", "sha256": None},
        {"role": "eval:quality", "path": "evals/q.json", "sha256": None},
        {"role": "policy", "path": "builtin", "sha256": report["policy"]["source_sha256"]},
    ]
    assert report["change"]["base"] == base and report["change"]["head"] == base


def test_the_declaration_is_named_by_the_bytes_it_was_read_from(tmp_path: Path) -> None:
    """The evidence record's digest of the declaration is of the bytes the loader judged
    (BOM and CRLF included), not of a second read: an edit after loading changes nothing."""
    import hashlib

    from prodgate.evidence import judged_files
    from prodgate.manifest.loader import Declaration, load_declaration

    raw = ("\ufeff" + TEAM_SANDBOX).replace("\n", "\r\n").encode()
    (tmp_path / "ai-asset.yaml").write_bytes(raw)
    decl = load_declaration(tmp_path / "ai-asset.yaml", tmp_path)
    assert isinstance(decl, Declaration)
    (tmp_path / "ai-asset.yaml").write_text(TEAM_SANDBOX.replace("tier: team", "tier: enterprise"))
    [declaration, policy] = judged_files(decl, tmp_path, "builtin", "0" * 64)
    assert declaration.role == "declaration" and declaration.sha256 == hashlib.sha256(raw).hexdigest()
    assert policy.sha256 == "0" * 64


def test_pre_commit_hook_compares_with_base(gitroot: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    write(gitroot, "svc/ai-asset.yaml", TEAM_SANDBOX.replace("tier: team", "tier: enterprise"))
    base = commit(gitroot)
    write(gitroot, "svc/ai-asset.yaml", TEAM_SANDBOX)
    monkeypatch.chdir(gitroot)
    # As the hook runs it: entry, the configuration's args ending with --, the files.
    code, out, _err = run("check", "--changed", "--format=text", "--base", base, "--today", TODAY, "--",
                          "svc/ai-asset.yaml")
    assert code == 1
    assert "svc/ai-asset.yaml:3:7 PG701 error: tier weakened: enterprise at the base commit, now team" in out


def test_delete_and_hide_is_still_a_removal(gitroot: Path, run: Run) -> None:
    """Deleting the declaration and obfuscating the one import in the same change left
    discovery nothing to see, and main passed ("nothing to check"). The asset's files
    remain, so it is PG703 whatever discovery finds in them."""
    write(gitroot, "svc/ai-asset.yaml", PILOT)
    write(gitroot, "svc/app.py", "import openai\nclient = openai.OpenAI()\n")
    write(gitroot, "svc/notes.md", "Meeting notes, no code.\n")
    base = commit(gitroot)
    (gitroot / "svc/ai-asset.yaml").unlink()
    write(gitroot, "svc/app.py", "import importlib\nclient = importlib.import_module('op' + 'enai').OpenAI()\n")
    commit(gitroot, "head")
    for args in ((), ("--no-discover",)):
        code, report, _ = _check(run, gitroot, "--base", base, *args)
        assert code == 1
        assert _pg7(report) == [("PG703", 0, "asset 'notes-summariser' (team, pilot) was removed (svc/ai-asset.yaml "
                                             "at the base commit), but 2 files it covered remain: svc/app.py, svc/notes.md")]


def test_comparing_with_the_base_imports_neither_gitpython_nor_requests(gitroot: Path) -> None:
    import os
    import subprocess
    import sys

    write(gitroot, "ai-asset.yaml", TEAM_SANDBOX)
    base = commit(gitroot)
    write(gitroot, "ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot"))
    code = (
        "import sys; from prodgate.cli import main;"
        "rc = main(['check', sys.argv[1], '--base', sys.argv[2], '--pull-request', 'acme/app#1', '--no-color']);"
        "bad = [m for m in ('git', 'requests', 'jsonschema') if m in sys.modules];"
        "print(bad); raise SystemExit(0 if rc in (0, 1) and not bad else 3)"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(gitroot), base], capture_output=True, text=True,
                          check=False, env={**os.environ, "GITHUB_ACTIONS": "", "GITHUB_TOKEN": "x"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().endswith("[]")


def test_with_base_a_repository_policy_is_read_from_the_base(gitroot: Path, run: Run) -> None:
    strict = "apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme\nrules: {PG604: {severity: error}}\n"
    write(gitroot, "gov/policy.yaml", strict)
    pilot = TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot") + "artifacts:\n  model_card: card.md\n"
    write(gitroot, "ai-asset.yaml", pilot)
    base = commit(gitroot)
    # The model card was never written; the change switches off the rule that says so.
    write(gitroot, "gov/policy.yaml", strict.replace("rules: {PG604: {severity: error}}", "rules: {PG202: {enabled: false}}"))
    policy = str(gitroot / "gov/policy.yaml")
    code, report, _ = _check(run, gitroot, "--base", base, "--policy", policy)
    assert code == 1
    assert report["policy"]["source"] == f"gov/policy.yaml at {base[:12]}"
    assert [f["rule_id"] for f in report["findings"] if f["rule_id"] in ("PG202", "PG702")] == ["PG202", "PG702"]
    assert report["assets"][0]["files"][-1]["path"] == "gov/policy.yaml"
    # Without --base the working tree's policy applies, as before.
    code, report, _ = _check(run, gitroot, "--policy", policy)
    assert code == 0 and report["policy"]["source"] == "gov/policy.yaml"  # named from the repository root


def test_with_base_a_policy_the_change_adds_is_refused(gitroot: Path, run: Run) -> None:
    write(gitroot, "ai-asset.yaml", TEAM_SANDBOX)
    base = commit(gitroot)
    write(gitroot, "gov/policy.yaml", "apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme\n")
    code, out, err = run("check", str(gitroot), "--base", base, "--policy", str(gitroot / "gov/policy.yaml"))
    assert code == 2 and out == ""
    assert "gov/policy.yaml does not exist in the base commit" in err and "cannot bring the policy" in err


# -- bases that cannot be compared field by field, and renamed assets ----------------

UNREADABLE = "the declaration could not be read at the base commit ({why}), so this change to it cannot be compared with it: a tier, stage, risk fact, artifact, eval or threshold it lowers or drops would go unseen"


@pytest.mark.parametrize(
    ("broken", "why"),
    [
        (BASE.replace("tier: enterprise", "tier: [enterprise"), "line 4: while parsing a flow sequence"),
        (BASE.replace("tier: enterprise", "tier: platinum"), "line 3: tier: 'platinum' is not one of team, departmental, enterprise"),
        (BASE + "unknown_field: 1\n", "line 29: unknown key 'unknown_field' in the top level"),
    ],
    ids=["not-yaml", "bad-value", "unknown-field"],
)
def test_a_base_that_cannot_be_read_does_not_hide_a_downgrade(gitroot: Path, run: Run, broken: str, why: str) -> None:
    write(gitroot, "ai-asset.yaml", broken)
    base = commit(gitroot, "base")
    write(gitroot, "ai-asset.yaml", WEAKENED)
    code, report, _ = _check(run, gitroot, "--base", base)
    assert code == 1
    [(rule, line, msg)] = _pg7(report)
    assert (rule, line) == ("PG701", 1)
    reason = msg.split("base commit (", 1)[1].split("), so this", 1)[0]
    assert reason.startswith(why)
    assert msg == UNREADABLE.format(why=reason)
    [finding] = [f for f in report["findings"] if f["rule_id"] == "PG701"]
    assert (finding["asset"], finding["severity"], finding["waived_by"]) == ("claims-triage", "error", None)


def test_a_base_that_cannot_be_read_is_no_finding_while_unchanged(gitroot: Path, run: Run) -> None:
    write(gitroot, "ai-asset.yaml", TEAM_SANDBOX + "unknown_field: 1\n")
    base = commit(gitroot, "base")
    code, report, _ = _check(run, gitroot, "--base", base)
    # The declaration's own schema finding, already there at the base of a change that
    # does not touch it: reported, and not blocking the merge gate.
    assert code == 0
    assert _pg7(report) == []
    assert [(f["rule_id"], f["baseline"]) for f in report["findings"]] == [("PG104", "unchanged")]


def test_a_removed_base_declaration_that_cannot_be_read_is_still_a_removal(gitroot: Path, run: Run) -> None:
    base = _remove_declaration(gitroot, TEAM_SANDBOX + "risk: {customer_facing: maybe}\n")
    code, report, _ = _check(run, gitroot, "--base", base)
    assert code == 1
    [(rule, line, msg)] = _pg7(report)
    assert (rule, line) == ("PG703", 0)
    assert msg.startswith("the declaration svc/ai-asset.yaml at the base commit, which could not be read (line 8: risk.customer_facing: ")
    assert msg.endswith("), was removed, but 1 file in its folder remain: svc/app.py:1 (openai); they still show AI use")
    assert report["change"]["removed"][0]["rule_id"] == "PG703"


def test_a_renamed_asset_is_compared_with_its_base_at_the_same_path(gitroot: Path, run: Run) -> None:
    write(gitroot, "svc/ai-asset.yaml", TEAM_SANDBOX.replace("tier: team", "tier: departmental"))
    write(gitroot, "svc/app.py", "from anthropic import Anthropic\n")
    base = commit(gitroot)
    write(gitroot, "svc/ai-asset.yaml", TEAM_SANDBOX.replace("notes-summariser", "notes-helper"))
    code, report, _ = _check(run, gitroot, "--base", base)
    assert code == 1
    assert _pg7(report) == [
        ("PG701", 3, "tier weakened: departmental at the base commit, now team (renamed from 'notes-summariser' at the base)")
    ]
    [asset] = report["assets"]
    assert [(w["field"], w["base"], w["head"]) for w in asset["weakened"]] == [("tier", "departmental", "team")]


def test_why_a_base_cannot_be_read_prints_inert_under_actions(
    gitroot: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reason a base declaration could not be read quotes what the base holds (here
    a key made of workflow commands): it reaches the log as text, never as a command."""
    from gha import annotations, commands

    write(gitroot, "ai-asset.yaml", BASE + '"x\\n::error::forged ##[stop-commands]pwned\\r::add-mask::k": 1\n')
    base = commit(gitroot, "base")
    write(gitroot, "ai-asset.yaml", WEAKENED)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, err = run("check", str(gitroot), "--base", base, "--today", TODAY, "--format", "github")
    assert code == 1 and "##[" not in out + err and "\r" not in out + err
    assert {c[0] for c in commands(out + "\n" + err)} <= {"group", "endgroup", "error", "warning", "notice"}
    [(_, props, text)] = [a for a in annotations(out) if a[0] == "error" and a[1].get("title", "").startswith("PG701")]
    assert props["file"] == "ai-asset.yaml"
    assert text.startswith(
        "the declaration could not be read at the base commit "
        "(line 29: unknown key 'x\\n::error::forged ##\\[stop-commands]pwned\\r::add-mask::k' in the top level), "
    )
