"""Impact before publishing: ``prodgate policy diff OLD NEW`` says how a candidate policy
differs, stricter or weaker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write

RAISED = """\
extends: builtin
apiVersion: prodgate/policy/v1
name: acme
version: "2"
evals:
  minimum_thresholds: {enterprise: {pass_rate: ">= 0.98"}}
"""

MIXED = """\
extends: builtin
apiVersion: prodgate/policy/v1
name: acme
version: "3"
placeholders: {add: [{text: "XXX"}]}
requirements:
  runbook: null
  model_card: {when: {team: active}}
  bias_assessment:
    title: Bias assessment
    artifact: model_card
    when: {enterprise: [production]}
evals:
  minimum_thresholds: {enterprise: {pass_rate: ">= 0.9", toxicity: "<= 0.01"}}
review_cadence_days: {enterprise: 60}
rules:
  PG204: {severity: warning}
exceptions:
  distinct_approvers: false
enforcement: {block_from: 2027-01-31}
"""


def test_policy_diff_says_each_difference_stricter_or_weaker(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    new = write(tmp_path, "new.yaml", MIXED)
    code, out, err = run("policy", "diff", "builtin", str(new))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("--- builtin (sha256:") and lines[1].startswith(f"+++ {new} (sha256:")
    assert lines[2:] == [
        "weaker    requirements.runbook removed",
        "weaker    evals.minimum_thresholds.enterprise.pass_rate lowered from >= 0.95 to >= 0.9",
        "weaker    exceptions.distinct_approvers turned off",
        "weaker    rules.PG204 lowered from error to warning",
        "weaker    enforcement: advisory until 2027-01-31",
        "stricter  placeholders added: XXX",
        "stricter  requirements.bias_assessment added",
        "stricter  requirements.model_card.when.team now applies at sandbox",
        "stricter  evals.minimum_thresholds.enterprise.toxicity added (<= 0.01)",
        "stricter  review_cadence_days.enterprise lowered from 90 to 60",
        "10 difference(s): 5 stricter, 5 weaker",
    ]


def test_policy_diff_the_other_way_round_swaps_every_direction(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    new = write(tmp_path, "new.yaml", MIXED)
    code, out, _err = run("policy", "diff", str(new), "builtin", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["old"]["source"] == str(new) and document["new"]["source"] == "builtin"
    assert document["differences"] == [
        {"direction": "weaker", "change": "placeholders removed: XXX (a list is replaced whole; "
                                          "`placeholders: {add: [...]}` adds to the built-in one)"},
        {"direction": "weaker", "change": "requirements.bias_assessment removed"},
        {"direction": "weaker", "change": "requirements.model_card.when.team no longer applies at sandbox"},
        {"direction": "weaker", "change": "evals.minimum_thresholds.enterprise.toxicity removed (was <= 0.01)"},
        {"direction": "weaker", "change": "review_cadence_days.enterprise raised from 60 to 90"},
        {"direction": "stricter", "change": "requirements.runbook added"},
        {"direction": "stricter", "change": "evals.minimum_thresholds.enterprise.pass_rate raised from >= 0.9 to >= 0.95"},
        {"direction": "stricter", "change": "exceptions.distinct_approvers turned on"},
        {"direction": "stricter", "change": "rules.PG204 raised from warning to error"},
        {"direction": "stricter", "change": "enforcement: no longer advisory until 2027-01-31"},
    ]


def test_policy_diff_of_a_raised_threshold_and_of_equal_policies(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    new = write(tmp_path, "new.yaml", RAISED)
    code, out, _err = run("policy", "diff", "builtin", str(new))
    assert code == 0
    assert out.splitlines()[2:] == [
        "stricter  evals.minimum_thresholds.enterprise.pass_rate raised from >= 0.95 to >= 0.98",
        "1 difference(s): 1 stricter, 0 weaker",
    ]
    code, out, _err = run("policy", "diff", str(new), str(new))
    assert code == 0
    assert out.splitlines()[2:] == ["no difference that makes the new policy stricter or weaker"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("policy", "diff", "builtin"), "the following arguments are required: NEW"),
        (("policy", "diff", "builtin", "nope.yaml"), "nope.yaml: file does not exist"),
        (("policy", "diff", "builtin", "builtin", "--new-sha256", "abc"), "expected 64 hex digits"),
    ],
)
def test_policy_diff_usage_errors_exit_2(tmp_path: Path, run, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...],
                                         message: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    code, out, err = run(*argv)
    assert code == 2
    assert message in err and out == "" and "Traceback" not in err
