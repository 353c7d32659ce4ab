"""Messages a person understands: "did you mean" in policies and on the command line, and
a tab in YAML indentation named as such."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import TEAM_SANDBOX, write

Run = Callable[..., tuple[int, str, str]]

HEAD = "apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("revew_cadence_days: {team: 30}\n",
         "org.yaml:4:1: revew_cadence_days: unknown key; did you mean 'review_cadence_days'?"),
        ("requirements:\n  runbook:\n    titel: Runbook\n",
         "org.yaml:6:5: requirements.runbook.titel: unknown key; did you mean 'title'?"),
        ("requirements:\n  runbok:\n    when: {team: [production]}\n",
         "requirements.runbok.title: Field required; did you mean 'runbook'?"),
        ("rules:\n  PG2044: {severity: error}\n", "rules.PG2044: no such rule; did you mean 'PG204'?"),
        ("evals:\n  max_age_dayz: {team: 3}\n", "evals.max_age_dayz: unknown key; did you mean 'max_age_days'?"),
    ],
)
def test_policy_did_you_mean(tmp_path: Path, run: Run, body: str, expected: str) -> None:
    policy = write(tmp_path, "org.yaml", HEAD + body)
    code, out, err = run("policy", "--policy", str(policy))
    assert (code, out) == (2, "")
    assert expected in err


def test_tab_in_declaration_indentation(repo: Path, run: Run) -> None:
    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace("  name: Ada", "\tname: Ada"))
    code, out, _ = run("validate", str(repo / "ai-asset.yaml"))
    assert code == 1
    assert "ai-asset.yaml:6:1 PG101 error: a tab in the indentation: YAML indents with spaces only\n" in out
    assert "fix: Replace the tabs at the start of line 6 with spaces" in out


def test_tab_in_policy_indentation(tmp_path: Path, run: Run) -> None:
    policy = write(tmp_path, "org.yaml", HEAD + "review_cadence_days:\n\tteam: 30\n")
    code, _out, err = run("policy", "--policy", str(policy))
    assert code == 2
    assert "org.yaml:5:1: a tab in the indentation: YAML indents with spaces only" in err


def test_tab_inside_a_value_is_fine(repo: Path, run: Run) -> None:
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + 'description: "a\\tb"\n')
    assert run("validate", str(repo / "ai-asset.yaml"))[0] == 0


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["chek"], "invalid choice: 'chek'"),
        (["check", "--gate", "deplyo"], "invalid choice: 'deplyo'"),
        (["polcy"], "invalid choice: 'polcy'"),
    ],
)
def test_mistyped_command_did_you_mean(run: Run, argv: list[str], expected: str) -> None:
    code, _out, err = run(*argv)
    assert code == 2
    assert expected in err
    assert "did you mean" in err


def test_nothing_close_no_suggestion(run: Run) -> None:
    code, _out, err = run("xyzzy")
    assert code == 2 and "did you mean" not in err


def test_check_help_lists_every_format(run: Run) -> None:
    from prodgate.reporters import REPORTERS

    code, out, _ = run("check", "--help")
    assert code == 0
    flat = " ".join(out.split())
    assert f"output format, repeatable: {', '.join(REPORTERS)};" in flat
    code, out, _ = run("init", "--help")
    assert "lifecycle stage (default: sandbox)" in " ".join(out.split())
