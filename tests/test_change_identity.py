"""Change control by identity, not name; coverage that cannot be taken over (PG701,
PG703, PG706). Each test is a pull request that passed on main, in a real git history."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gitrepo import commit, git, init

from conftest import TODAY, write

Run = Callable[..., tuple[int, str, str]]

CLAIMS = """\
apiVersion: prodgate/v1
name: claims-bot
tier: enterprise
stage: production
owner:
  name: Ada Lovelace
  email: ada@example.com
description: Triage of incoming insurance claims, routing each to the right adjuster.
"""

SANDBOX = """\
apiVersion: prodgate/v1
name: claims-llm
tier: team
stage: sandbox
owner:
  name: Mallory Jones
  email: mallory@example.com
"""


def _check(run: Run, root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run("check", str(root), "--format", "json", "--today", TODAY, *args)
    assert out, err
    return code, json.loads(out)


def _rules(report: dict[str, Any], *ids: str) -> list[tuple[str, str, int, str | None, str]]:
    return [(f["rule_id"], f["path"], f["line"], f["asset"], f["message"])
            for f in report["findings"] if f["rule_id"] in ids]


@pytest.fixture
def gitroot(tmp_path: Path) -> Path:
    return init(tmp_path / "repo")


def _claims_bot(root: Path) -> str:
    write(root, "services/claims-bot/ai-asset.yaml", CLAIMS)
    write(root, "services/claims-bot/app.py", "import openai\nclient = openai.OpenAI()\n")
    write(root, "services/claims-bot/llm/client.py", "from openai import OpenAI\n\nclient = OpenAI()\n")
    return commit(root, "base")


def test_move_rename_and_downgrade_in_one_commit(gitroot: Path, run: Run) -> None:
    base = _claims_bot(gitroot)
    git(gitroot, "mv", "services/claims-bot", "services/claims-helper")
    write(gitroot, "services/claims-helper/ai-asset.yaml", CLAIMS.replace("claims-bot", "claims-helper")
          .replace("tier: enterprise", "tier: team").replace("stage: production", "stage: sandbox"))
    commit(gitroot, "claims-helper")
    code, report = _check(run, gitroot, "--base", base)
    assert code == 1
    where = " (renamed from 'claims-bot' in services/claims-bot/ai-asset.yaml at the base)"
    assert _rules(report, "PG701", "PG703") == [
        ("PG701", "services/claims-helper/ai-asset.yaml", 3, "claims-helper",
         "tier weakened: enterprise at the base commit, now team" + where),
        ("PG701", "services/claims-helper/ai-asset.yaml", 4, "claims-helper",
         "stage weakened: production at the base commit, now sandbox" + where),
    ]


def test_moved_code_identifies_a_rewritten_declaration(gitroot: Path, run: Run) -> None:
    """The declaration rewritten beyond git's rename threshold: its folder's code, moved
    with it, still says which asset it is."""
    base = _claims_bot(gitroot)
    git(gitroot, "mv", "services/claims-bot", "services/helper")
    write(gitroot, "services/helper/ai-asset.yaml", "# Rewritten from scratch.\n" + SANDBOX.replace(
        "claims-llm", "helper") + "description: A small helper.\nrisk: {autonomy: human-in-the-loop}\n")
    commit(gitroot, "helper")
    code, report = _check(run, gitroot, "--base", base)
    assert code == 1
    assert [(r, line, m.split(" (renamed")[0]) for r, _p, line, _a, m in _rules(report, "PG701", "PG703")] == [
        ("PG701", 4, "tier weakened: enterprise at the base commit, now team"),
        ("PG701", 5, "stage weakened: production at the base commit, now sandbox"),
    ]


def test_symlinked_declaration_is_compared_through_its_target(gitroot: Path, run: Run) -> None:
    write(gitroot, "governance/claims.yaml", CLAIMS)
    write(gitroot, "services/claims-bot/app.py", "import openai\n")
    (gitroot / "services/claims-bot/ai-asset.yaml").symlink_to("../../governance/claims.yaml")
    base = commit(gitroot, "base")
    write(gitroot, "governance/claims.yaml", CLAIMS.replace("tier: enterprise", "tier: team"))
    code, report = _check(run, gitroot, "--base", base)
    assert code == 1
    assert _rules(report, "PG701") == [
        ("PG701", "services/claims-bot/ai-asset.yaml", 3, "claims-bot",
         "tier weakened: enterprise at the base commit, now team"),
    ]


def test_symlinked_declaration_leaving_the_repository_stays_refused(gitroot: Path, tmp_path: Path, run: Run) -> None:
    # The pull request swaps the declaration for a link to a file outside the repository:
    # refused (PG102) and blocking, and not also taken for a removal (PG703).
    outside = write(tmp_path, "outside.yaml", CLAIMS)
    write(gitroot, "services/claims-bot/app.py", "import openai\n")
    write(gitroot, "services/claims-bot/ai-asset.yaml", CLAIMS)
    base = commit(gitroot, "base")
    (gitroot / "services/claims-bot/ai-asset.yaml").unlink()
    os.symlink(outside, gitroot / "services/claims-bot/ai-asset.yaml")
    commit(gitroot, "link the declaration out of the repository")
    code, report = _check(run, gitroot, "--base", base)
    assert code == 1
    assert [(r, p) for r, p, _l, _a, _m in _rules(report, "PG102", "PG701", "PG703")] == [
        ("PG102", "services/claims-bot/ai-asset.yaml")
    ]


def test_nested_declaration_taking_over_code_is_a_weakening(gitroot: Path, run: Run) -> None:
    base = _claims_bot(gitroot)
    write(gitroot, "services/claims-bot/llm/ai-asset.yaml", SANDBOX)
    code, report = _check(run, gitroot, "--base", base)
    assert code == 1
    assert _rules(report, "PG701", "PG706") == [(
        "PG701", "services/claims-bot/llm/ai-asset.yaml", 3, "claims-bot",
        "coverage weakened: code moved to a lower-tier asset: 1 file that 'claims-bot' (enterprise, production) "
        "covered at the base commit now belongs to 'claims-llm' (team, sandbox, services/claims-bot/llm/ai-asset.yaml): "
        "services/claims-bot/llm/client.py",
    )]
    [asset] = [a for a in report["assets"] if a["name"] == "claims-bot"]
    assert [(w["field"], w["base"], w["head"]) for w in asset["weakened"]] == [
        ("coverage", "claims-bot: enterprise, production", "claims-llm: team, sandbox")
    ]
    # A nested asset of the same tier and stage takes nothing from it.
    write(gitroot, "services/claims-bot/llm/ai-asset.yaml", CLAIMS.replace("claims-bot", "claims-llm"))
    _code, report = _check(run, gitroot, "--base", base)
    assert _rules(report, "PG701", "PG706") == []


def test_root_declaration_claiming_everything(gitroot: Path, run: Run, tmp_path: Path) -> None:
    write(gitroot, "ai-asset.yaml", SANDBOX.replace("claims-llm", "everything") + "paths: ['**']\n")
    write(gitroot, "tools/new.py", "import anthropic\n")
    code, report = _check(run, gitroot)
    assert code == 1
    assert _rules(report, "PG706") == [(
        "PG706", "ai-asset.yaml", 8, "everything",
        "paths entry '**' claims the whole repository from its root: any AI code added anywhere would be adopted",
    )]
    policy = write(tmp_path, "p.yaml", "apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme\n"
                   "change_control:\n  wide_coverage:\n    - {declaration: ai-asset.yaml, reason: One asset per repository.}\n")
    code, report = _check(run, gitroot, "--policy", str(policy))
    assert code == 0 and _rules(report, "PG706") == []


def test_claims_on_another_assets_folder(gitroot: Path, run: Run) -> None:
    """A sibling reaching in with ``../`` (from a deeper folder, which outranked the
    owner on main and hid its provider switch from PG802), and a root declaration
    naming the asset's folder: each is PG706, and the asset's own declaration still owns
    its code."""
    write(gitroot, "services/claims-bot/ai-asset.yaml", CLAIMS + "models:\n  - {provider: openai, name: gpt-4o}\n")
    write(gitroot, "services/claims-bot/app.py", "import openai\n")
    commit(gitroot, "base")
    write(gitroot, "services/claims-bot/app.py", "import anthropic\n")
    write(gitroot, "services/claims-bot-shadow/deeper/ai-asset.yaml",
          SANDBOX.replace("claims-llm", "shadow") + "paths: ['../../claims-bot/**']\n")
    write(gitroot, "ai-asset.yaml", SANDBOX.replace("claims-llm", "root") + "paths: ['services/claims-bot/**']\n")
    code, report = _check(run, gitroot)
    assert code == 1
    assert _rules(report, "PG706") == [
        ("PG706", "ai-asset.yaml", 8, "root",
         "paths entry 'services/claims-bot/**' claims 1 file of asset 'claims-bot' (services/claims-bot/ai-asset.yaml); "
         "the nearest declaration owns them, so the claim only blurs who covers them"),
        ("PG706", "services/claims-bot-shadow/deeper/ai-asset.yaml", 8, "shadow",
         "paths entry '../../claims-bot/**' reaches outside the declaration's folder services/claims-bot-shadow/deeper/ "
         "(it names services/claims-bot/**)"),
    ]
    assert [(p, a) for _r, p, _l, a, _m in _rules(report, "PG802")] == [("services/claims-bot/app.py", "claims-bot")]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("{wide_coverage: [{declaration: ai-asset.yaml, reason: ' '}]}",
         "change_control.wide_coverage.0.reason: wide coverage needs a written reason"),
        ("{removable_stages: [sandbx]}",
         "change_control.removable_stages.0: Input should be 'sandbox', 'pilot', 'production' or 'retired'"),
    ],
)
def test_change_control_policy_errors_are_config_errors(
    gitroot: Path, run: Run, tmp_path: Path, setting: str, message: str
) -> None:
    write(gitroot, "ai-asset.yaml", SANDBOX)
    policy = write(tmp_path, "p.yaml", f"apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme\nchange_control: {setting}\n")
    code, out, err = run("check", str(gitroot), "--policy", str(policy))
    assert code == 2 and out == ""
    assert err.startswith("prodgate: error: invalid policy:\n") and message in err and "Traceback" not in err


def test_narrowed_paths_hand_code_to_a_lower_tier_asset(gitroot: Path, run: Run) -> None:
    """The enterprise asset narrows its own `paths:` so that a sandbox asset at the root
    covers its LLM code: the same takeover as a nested declaration."""
    write(gitroot, "ai-asset.yaml", SANDBOX.replace("claims-llm", "scratch"))
    write(gitroot, "services/claims-bot/ai-asset.yaml", CLAIMS + "paths: ['**']\n")
    write(gitroot, "services/claims-bot/llm/client.py", "from openai import OpenAI\n")
    base = commit(gitroot, "base")
    write(gitroot, "services/claims-bot/ai-asset.yaml", CLAIMS + "paths: ['app/**']\n")
    code, report = _check(run, gitroot, "--base", base)
    assert code == 1
    assert [(r, p, a, m.split(": services/")[0]) for r, p, _l, a, m in _rules(report, "PG701")] == [(
        "PG701", "ai-asset.yaml", "claims-bot",
        "coverage weakened: code moved to a lower-tier asset: 1 file that 'claims-bot' (enterprise, production) "
        "covered at the base commit now belongs to 'scratch' (team, sandbox, ai-asset.yaml)",
    )]
