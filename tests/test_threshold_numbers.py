"""Thresholds accept every number YAML and JSON write, scientific notation included
(error rates are usually given as ``<= 1e-4``), in the declaration and in the policy."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from prodgate.evals.thresholds import parse
from prodgate.manifest.schema import schema_dict
from prodgate.threshold_syntax import DECLARATION_THRESHOLD, POLICY_THRESHOLD

from conftest import TEAM_SANDBOX, TODAY, write

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def repo(committed_repo: Path) -> Path:
    """Every declaration here has evals: a checkout with history (see conftest)."""
    return committed_repo


@pytest.mark.parametrize(
    ("spec", "op", "bound"),
    [
        ("<= 1e-4", "<=", 1e-4), ("<=1E-4", "<=", 1e-4), (">= 9.5e-1", ">=", 0.95), ("< 1.5E+3", "<", 1500.0),
        ("== 0", "==", 0.0), (">= .9", ">=", 0.9), (">= 5.", ">=", 5.0), ("> +0.5", ">", 0.5),
        ("<= -1e2", "<=", -100.0), ("1_000", ">=", 1000.0), ("90%", ">=", 0.9), ("<= 1e-2 %", "<=", 1e-4),
        ("1e-4", ">=", 1e-4),
    ],
)
def test_numbers_as_yaml_and_json_write_them(spec: str, op: str, bound: float) -> None:
    t = parse(spec)
    assert t is not None and t.op == op and t.bound == pytest.approx(bound)
    assert re.match(DECLARATION_THRESHOLD, spec)


@pytest.mark.parametrize("spec", ["<= e-4", "<= 1e", ">= 1.2.3", ">= 1__0", ">= _1", "=> 0.9", ">= 0x10", "<= 1e999", ">= nan"])
def test_not_numbers(spec: str) -> None:
    assert parse(spec) is None


def test_the_parser_s_whitespace_is_python_s() -> None:
    """RE2 reads the form with a class of exactly the characters Python's ``\\s`` (and so
    the schema's) takes as whitespace: the same thresholds are read as before."""
    import sys

    from prodgate.evals.thresholds import WHITESPACE

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert re.findall(WHITESPACE, every) == re.findall(r"\s", every)
    assert parse("\u00a0>=\u3000 1e-4\u2029") == parse(">= 1e-4") and parse("\x1c90%\x1f") == parse(">= 0.9")


@pytest.mark.parametrize(
    "spec",
    [" " * 50_000 + ">=" + " " * 50_000 + "x", "0.9" + " " * 50_000 + "%" + " " * 50_000 + "x", "1" + "_1" * 50_000 + "x"],
    ids=["spaces-operator-spaces", "spaces-percent-spaces", "digit-runs"],
)
def test_a_threshold_built_to_backtrack_is_refused_at_once(spec: str) -> None:
    """Python's ``re`` took 100 s on the first of these (quadratic in the spaces)."""
    from prodgate.evals.thresholds import _FORM
    from prodgate.linear import compile_pattern

    assert type(compile_pattern(_FORM)).__module__ == "re2"
    assert parse(spec) is None


def test_schema_pattern_is_the_parser_s() -> None:
    pattern = schema_dict()["$defs"]["Eval"]["properties"]["thresholds"]["additionalProperties"]["anyOf"][0]["pattern"]
    assert pattern == DECLARATION_THRESHOLD


RESULTS = """\
format: prodgate/eval/v1
run_at: 2026-11-20T10:00:00Z
metrics:
  error_rate: {value: 0.00005, higher_is_better: false}
  pass_rate: 0.999
"""


@pytest.mark.parametrize("threshold", ['"<= 1e-4"', "'<=1.0E-4'", "1e-6", '"< 1e-3"'])
def test_declaration_threshold_in_scientific_notation(repo: Path, run: Run, threshold: str) -> None:
    write(repo, "evals/r.yaml", RESULTS)
    metric = "pass_rate" if threshold == "1e-6" else "error_rate"  # a bare number means >=
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + f"evals:\n  - name: e\n    results: evals/r.yaml\n    format: prodgate\n"
          f"    thresholds: {{{metric}: {threshold}}}\n")
    code, out, _ = run("check", str(repo), "--today", TODAY, "--format", "json")
    report = json.loads(out)
    assert code == 0, report["findings"]
    metrics = {m["name"]: m for m in report["assets"][0]["evals"][0]["metrics"]}
    assert metrics[metric]["passed"] is True


def test_missed_scientific_threshold(repo: Path, run: Run) -> None:
    write(repo, "evals/r.yaml", RESULTS)
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + 'evals:\n  - name: e\n    results: evals/r.yaml\n    format: prodgate\n'
          '    thresholds: {error_rate: "<= 1e-5"}\n')
    _code, out, _ = run("check", str(repo), "--today", TODAY, "--format", "json")
    assert [f["rule_id"] for f in json.loads(out)["findings"]] == ["PG306"]


def test_policy_minimum_in_scientific_notation(repo: Path, run: Run) -> None:
    policy = write(repo, "org.yaml", "apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme\n"
                   'evals: {minimum_thresholds: {team: {error_rate: "<= 1e-4"}}}\n')
    assert re.match(POLICY_THRESHOLD, "<= 1e-4")
    code, out, err = run("policy", "--policy", str(policy), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["policy"]["evals"]["minimum_thresholds"]["team"] == {"error_rate": "<= 1e-4"}
