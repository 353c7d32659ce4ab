"""Every fix a message offers, followed literally, moves forward; and no example value
it offers passes as real content (issue 19, items 2 and 3)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import TEAM_SANDBOX, TODAY, write

Run = Callable[..., tuple[int, str, str]]

DEPARTMENTAL = TEAM_SANDBOX.replace("tier: team", "tier: departmental")


def _check(run: Run, root: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run("check", "--format", "json", "--today", TODAY, *extra, str(root))
    assert out, err
    return code, json.loads(out)


def _findings(report: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["rule_id"] == rule]


def test_pasted_business_owner_fix_still_fails_with_fill_in(repo: Path, run: Run) -> None:
    write(repo, "ai-asset.yaml", DEPARTMENTAL)
    code, report = _check(run, repo)
    (pg602,) = _findings(report, "PG602")
    fix = pg602["fix"]
    assert "example.com" not in fix
    write(repo, "ai-asset.yaml", DEPARTMENTAL + fix + "\n")
    code, report = _check(run, repo)
    assert code == 1
    assert not _findings(report, "PG602")
    messages = [f["message"] for f in report["findings"] if f["severity"] == "error"]
    assert messages == ["business_owner.email: '<email>' is a placeholder; fill in the real value"]
    # The address filled in, the name still pasted: the name is refused in turn.
    write(repo, "ai-asset.yaml", DEPARTMENTAL + fix.replace("<email>", "raj@example.com") + "\n")
    code, report = _check(run, repo)
    assert code == 1
    assert [(f["rule_id"], f["line"], f["message"]) for f in _findings(report, "PG103")] == [
        ("PG103", 8, "business_owner.name: '<name>' is a placeholder, not a name; "
         "fill in the business owner's name"),
    ]


def test_pasted_owner_fix_still_fails(repo: Path, run: Run) -> None:
    bare = "\n".join(line for line in TEAM_SANDBOX.splitlines() if "ada" not in line.lower() and "owner" not in line)
    write(repo, "ai-asset.yaml", bare + "\n")
    _code, report = _check(run, repo)
    (pg601,) = _findings(report, "PG601")
    write(repo, "ai-asset.yaml", bare + "\n" + pg601["fix"] + "\n")
    code, report = _check(run, repo)
    assert code == 1
    assert [f["message"] for f in report["findings"]] == [
        "owner.email: '<email>' is a placeholder; fill in the real value"
    ]


@pytest.mark.parametrize("gate", ["merge", "deploy"])
@pytest.mark.parametrize(
    ("snippet", "where", "line"),
    [
        ('models: [{provider: openai, name: "<model>"}]\n', "models[0].name", 8),
        ("models: [{provider: <provider>, name: gpt-4o-mini}]\n", "models[0].provider", 8),
        ("models:\n  - {provider: openai, name: gpt-4o-mini, version: TBD}\n", "models[0].version", 9),
        ("data_sources: [{name: <data source>, classification: internal}]\n", "data_sources[0].name", 8),
        ("data_sources: [{name: n/a, classification: internal}]\n", "data_sources[0].name", 8),
    ],
)
def test_placeholders_in_models_and_data_sources_fail(
    repo: Path, run: Run, gate: str, snippet: str, where: str, line: int
) -> None:
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + snippet)
    code, report = _check(run, repo, "--gate", gate, "--no-discover")
    assert code == 1
    (finding,) = _findings(report, "PG103")
    assert finding["message"].startswith(f"{where}: ")
    assert "is a placeholder; fill in" in finding["message"]
    assert finding["line"] == line


def test_real_values_pass(repo: Path, run: Run) -> None:
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + (
        "models: [{provider: openai, name: gpt-4o-mini, version: '2024-07-18'}]\n"
        "data_sources: [{name: tickets, classification: internal}]\n"
    ))
    code, report = _check(run, repo, "--no-discover")
    assert (code, report["findings"]) == (0, [])


def test_owner_placeholder_the_policy_names(repo: Path, tmp_path: Path, run: Run) -> None:
    """The policy's own placeholders (here a name people paste from a template) count
    for owners as they do for approvers: one judge of what is a placeholder."""
    policy = write(tmp_path, "org.yaml", "apiVersion: prodgate/policy/v1\nextends: builtin\nname: org\n"
                   "placeholders:\n  - text: Ada Lovelace\n")
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    code, report = _check(run, repo, "--policy", str(policy), "--no-discover")
    assert code == 1
    assert [(f["rule_id"], f["line"]) for f in report["findings"]] == [("PG103", 6)]


def test_placeholder_ticket_fails(repo: Path, run: Run) -> None:
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + """\
exceptions:
  - requirement: model_card
    reason: <reason>
    ticket: <ticket>
    granted: 2026-11-01
    expires: 2026-12-01
""")
    code, report = _check(run, repo, "--no-discover")
    assert code == 1
    assert [(f["message"].split(":")[0], f["line"]) for f in _findings(report, "PG103")] == [
        ("exceptions[0].reason", 10), ("exceptions[0].ticket", 11),
    ]


def test_pg802_fix_followed_literally_on_an_initialised_declaration(repo: Path, run: Run) -> None:
    code, _out, err = run("init", "--name", "drafter", "--tier", "team", "--owner", "Ada Lovelace <ada@example.com>",
                          str(repo))
    assert code == 0, err
    write(repo, "app.py", "import openai\nclient = openai.OpenAI()\n")
    code, report = _check(run, repo)
    (pg802,) = _findings(report, "PG802")
    fix: str = pg802["fix"]
    head, block = fix.split("\n", 1)
    assert head == "Replace `models: []` in ai-asset.yaml (or add, if it has no `models:`) with:"
    declaration = repo / "ai-asset.yaml"
    lines = declaration.read_text(encoding="utf-8").splitlines(keepends=True)
    (at,) = [i for i, line in enumerate(lines) if line.startswith("models: []")]
    lines[at] = block + "\n"
    declaration.write_text("".join(lines), encoding="utf-8")
    assert yaml.safe_load(declaration.read_text(encoding="utf-8"))["models"] == [{"provider": "openai", "name": "<model>"}]
    code, report = _check(run, repo)
    assert not _findings(report, "PG101") and not _findings(report, "PG802")
    # What is left is to name the model: the example is refused until then.
    assert [f["message"] for f in _findings(report, "PG103")] == [
        "models[0].name: '<model>' is a placeholder; fill in the model's name as the provider spells it"
    ]


def test_empty_owner_name_is_told_it_is_empty(repo: Path, run: Run) -> None:
    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace("name: Ada Lovelace", 'name: ""'))
    code, out, _ = run("validate", "--no-color", str(repo / "ai-asset.yaml"))
    assert code == 1
    assert "ai-asset.yaml:6:9 PG103 error: owner.name: is empty\n" in out
    assert "  fix: Write the person's full name (a named, accountable person, not a team alias).\n" in out
    assert "lowercase" not in out


def test_a_day_that_does_not_exist(repo: Path, run: Run) -> None:
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + "review: { last_reviewed: 2026-02-30 }\n")
    code, out, _ = run("validate", "--no-color", str(repo / "ai-asset.yaml"))
    assert code == 1
    assert (
        "ai-asset.yaml:8:26 PG101 error: invalid value: date '2026-02-30' does not exist "
        "(day is out of range for month)\n  fix: Write a day that exists, as YYYY-MM-DD.\n"
    ) in out


def test_validate_of_a_missing_file_is_a_usage_error(tmp_path: Path, run: Run) -> None:
    code, out, err = run("validate", str(tmp_path / "nope" / "ai-asset.yaml"))
    assert (code, out) == (2, "")
    assert err == f"prodgate: error: {tmp_path / 'nope' / 'ai-asset.yaml'}: no such file or directory\n"


EVALS = TEAM_SANDBOX + """\
evals:
  - name: written
    results: evals/written.yaml
  - name: tool
    results: evals/tool.json
    format: promptfoo
"""


def test_eval_fixes_name_the_real_cause(repo: Path, run: Run) -> None:
    """A hand-written prodgate file without `metrics:` is not mended by re-running an
    eval; a file that is not what the `format:` already set names is not mended by
    setting `format:`."""
    write(repo, "ai-asset.yaml", EVALS)
    write(repo, "evals/written.yaml", "format: prodgate/eval/v1\nrun_at: 2026-11-01\n")
    write(repo, "evals/tool.json", '{"foo": 1}\n')
    _code, report = _check(run, repo, "--no-discover")
    (pg304,) = _findings(report, "PG304")
    assert pg304["message"] == "eval 'written': evals/written.yaml: `metrics` must be a non-empty mapping of metric name to number"
    assert "Re-run" not in pg304["fix"]
    assert pg304["fix"].startswith("Correct the file as the message says: prodgate results are written by hand")
    (pg305,) = _findings(report, "PG305")
    assert pg305["line"] == 13  # at `format:`
    assert pg305["fix"].startswith("`format: promptfoo` is set, and the file is not what promptfoo writes")
    assert "Set `format:`" not in pg305["fix"]


def test_every_output_into_a_missing_folder_is_the_same(repo: Path, tmp_path: Path, run: Run) -> None:
    """check, inventory and discover write into a missing folder alike: made, and said
    (discover refused it before)."""
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    for argv, target in (
        (("check", "--format", f"json={tmp_path / 'a' / 'r.json'}"), tmp_path / "a" / "r.json"),
        (("inventory", "--output", str(tmp_path / "b" / "i.json")), tmp_path / "b" / "i.json"),
        (("discover", "--output", str(tmp_path / "c" / "d.txt")), tmp_path / "c" / "d.txt"),
    ):
        code, _out, err = run(*argv, str(repo))
        assert code == 0, err
        assert err == f"prodgate: created the folder {target.parent} for {target}\n"
        assert target.is_file()
