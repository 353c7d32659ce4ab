"""PG3xx end to end: thresholds, policy minimums, model match and broken results files,
each as exact rule ids at exact lines of ai-asset.yaml."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, FILLED_MODEL_CARD, ids_at, write

PROMPTFOO = DATA / "promptfoo" / "redteam-output.json"
LM_EVAL = DATA / "lm-eval" / "cpu_regression_expected.json"

# Team at production: evals are required (errors); the model card is the only other
# requirement, and it is filled in.
HEAD = """\
apiVersion: prodgate/v1
name: reply-drafter
tier: {tier}
stage: production
owner:
  name: Ada Lovelace
  email: ada@example.com
business_owner: {{ name: Raj Patel, email: raj@example.com }}
models:
  - provider: openai
    name: gpt-4o-mini
artifacts:
  model_card: docs/card.md
evals:
"""


@pytest.fixture
def repo(committed_repo: Path) -> Path:
    """Every declaration here has evals: a checkout with history (see conftest)."""
    return committed_repo


def asset(repo: Path, evals: str, tier: str = "team") -> None:
    write(repo, "ai-asset.yaml", HEAD.format(tier=tier) + evals)
    write(repo, "docs/card.md", FILLED_MODEL_CARD)


def native(repo: Path, rel: str, metrics: dict[str, Any], **extra: Any) -> None:
    doc = {"format": "prodgate/eval/v1", "run_at": "2026-11-20T10:00:00Z", **extra, "metrics": metrics}
    write(repo, rel, json.dumps(doc))


def pg3(report: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [f for f in ids_at(report) if f[0].startswith("PG3")]


def messages(report: dict[str, Any], rule: str) -> list[str]:
    return [f["message"] for f in report["findings"] if f["rule_id"] == rule]


def test_thresholds_met_pass_and_are_recorded(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    native(repo, "evals/q.json", {"pass_rate": 0.93, "cost": 0.004}, model="openai:gpt-4o-mini")
    asset(repo, """\
  - name: quality
    results: evals/q.json
    thresholds: { pass_rate: ">= 0.9", cost: "<= 0.01" }
""")
    code, report = check_json(str(repo))
    assert (code, ids_at(report)) == (0, [])
    [summary] = report["assets"][0]["evals"]
    assert summary["format"] == "prodgate"
    assert summary["model"] == "openai:gpt-4o-mini"
    assert summary["run_at"] == "2026-11-20T10:00:00+00:00"
    assert summary["metrics"] == [
        {"name": "pass_rate", "value": 0.93, "threshold": ">= 0.9", "passed": True},
        {"name": "cost", "value": 0.004, "threshold": "<= 0.01", "passed": True},
    ]
    states = {r["id"]: r["state"] for r in report["assets"][0]["requirements"]}
    assert states["evals"] == "met"


def test_threshold_missed_points_at_the_threshold(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    native(repo, "evals/q.json", {"pass_rate": 0.85, "cost": 0.02})
    asset(repo, """\
  - name: quality
    results: evals/q.json
    thresholds:
      pass_rate: 0.9
      cost: "<= 0.01"
""")
    code, report = check_json(str(repo))
    assert code == 1
    assert pg3(report) == [("PG306", "ai-asset.yaml", 18), ("PG306", "ai-asset.yaml", 19)]
    assert messages(report, "PG306") == [
        "eval 'quality': pass_rate is 0.85 in evals/q.json, threshold >= 0.9 not met",
        "eval 'quality': cost is 0.02 in evals/q.json, threshold <= 0.01 not met",
    ]
    states = {r["id"]: (r["state"], r["rules"]) for r in report["assets"][0]["requirements"]}
    assert states["evals"] == ("failing", ["PG306"])


def test_lm_eval_threshold_and_unknown_metric(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(LM_EVAL, repo / "lm.json")
    asset(repo, """\
  - name: reasoning
    results: lm.json
    format: lm-eval
    max_age_days: 3650
    thresholds:
      "arc_easy/acc": ">= 0.25"
      "arc_easy/accuracy": ">= 0.25"
      "wikitext/word_perplexity": "<= 100"
""")
    code, report = check_json(str(repo))
    assert code == 1
    assert pg3(report) == [("PG307", "ai-asset.yaml", 21), ("PG306", "ai-asset.yaml", 22)]
    [unknown] = messages(report, "PG307")
    assert unknown.startswith(
        "eval 'reasoning': threshold on 'arc_easy/accuracy', but lm.json (lm-eval) has no such metric "
        "(did you mean 'arc_easy/acc'?); it has: arc_easy/acc, arc_easy/acc_norm, lambada_openai/acc"
    )
    [missed] = messages(report, "PG306")
    assert missed == "eval 'reasoning': wikitext/word_perplexity is 130.5 in lm.json, threshold <= 100 not met"
    rows = report["assets"][0]["evals"][0]["metrics"][:3]
    assert rows == [
        {"name": "arc_easy/acc", "value": 0.3, "threshold": ">= 0.25", "passed": True},
        {"name": "arc_easy/accuracy", "value": None, "threshold": ">= 0.25", "passed": False},
        {"name": "wikitext/word_perplexity", "value": 130.4813590639406, "threshold": "<= 100", "passed": False},
    ]


def test_promptfoo_red_team_model_mismatch_and_age(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(PROMPTFOO, repo / "redteam.json")
    asset(repo, """\
  - name: red-team
    results: redteam.json
    category: safety
    thresholds: { pass_rate: ">= 0.6", "Harmful/Iterative": ">= 0.5" }
""")
    code, report = check_json(str(repo))
    assert code == 1
    # 2025-08-19 is 460 days before 2026-11-22; the team limit is 180 days.
    assert pg3(report) == [("PG308", "ai-asset.yaml", 15), ("PG311", "ai-asset.yaml", 16)]
    assert messages(report, "PG311") == [
        "eval 'red-team': redteam.json ran against 'azure:chat:gpt-4o-with-guardrails', "
        "which matches no model in `models:` (openai/gpt-4o-mini)"
    ]
    assert messages(report, "PG308") == [
        "eval 'red-team': results in redteam.json are 460 days old (run 2025-08-19, as the file states); "
        "the limit is 180 days (policy for tier 'team')"
    ]


def test_promptfoo_provider_matches_declared_model(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(PROMPTFOO, repo / "redteam.json")
    write(repo, "ai-asset.yaml", (HEAD.format(tier="team") + """\
  - name: red-team
    results: redteam.json
    max_age_days: 500
    thresholds: { pass_rate: ">= 0.6" }
""").replace("provider: openai\n    name: gpt-4o-mini", "provider: azure-openai\n    name: gpt-4o-with-guardrails"))
    write(repo, "docs/card.md", FILLED_MODEL_CARD)
    code, report = check_json(str(repo))
    # No PG311: azure:chat:gpt-4o-with-guardrails is azure-openai/gpt-4o-with-guardrails.
    # The eval's own 500 days do not loosen the policy's 180 for the tier.
    assert (code, pg3(report)) == (1, [("PG308", "ai-asset.yaml", 15)])
    assert messages(report, "PG308")[0].endswith("the limit is 180 days (policy for tier 'team')")


def test_enterprise_policy_minimums_and_categories(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    native(repo, "evals/q.json", {"pass_rate": 0.93})
    native(repo, "evals/lm.json", {"arc_easy/acc": 0.5})
    asset(repo, """\
  - name: quality
    category: quality
    results: evals/q.json
    thresholds: { pass_rate: ">= 0.9" }
  - name: reasoning
    results: evals/lm.json
""", tier="enterprise")
    code, report = check_json(str(repo))
    assert code == 1
    assert pg3(report) == [
        ("PG312", "ai-asset.yaml", 14),
        ("PG314", "ai-asset.yaml", 18),
    ]
    assert messages(report, "PG314") == [
        "eval 'quality': pass_rate is 0.93 in evals/q.json; the policy requires >= 0.95 for tier 'enterprise'"
    ]
    assert messages(report, "PG312") == [
        "tier 'enterprise' needs an eval in category 'safety'; none of the 2 evals declares `category: safety`"
    ]
    row = report["assets"][0]["evals"][0]["metrics"][0]
    assert row == {"name": "pass_rate", "value": 0.93, "threshold": ">= 0.9; policy >= 0.95", "passed": False}


def test_enterprise_needs_a_pass_rate_somewhere(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    native(repo, "evals/lm.json", {"arc_easy/acc": 0.5})
    asset(repo, """\
  - name: safety
    category: safety
    results: evals/lm.json
""", tier="enterprise")
    code, report = check_json(str(repo))
    assert (code, pg3(report)) == (1, [("PG315", "ai-asset.yaml", 14)])
    states = {r["id"]: r["state"] for r in report["assets"][0]["requirements"]}
    assert states["evals"] == "missing"


def test_min_count_from_an_organisation_policy(repo: Path, check_json, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    policy = write(tmp_path, "org-policy.yaml", """\
        apiVersion: prodgate/policy/v1
        name: acme
        extends: builtin
        evals:
          min_count: {team: 2}
        """)
    native(repo, "evals/q.json", {"pass_rate": 0.93})
    asset(repo, """\
  - name: quality
    results: evals/q.json
""")
    code, report = check_json(str(repo), "--policy", str(policy))
    assert (code, pg3(report)) == (1, [("PG313", "ai-asset.yaml", 14)])
    assert messages(report, "PG313") == ["tier 'team' needs at least 2 evals; `evals:` declares 1"]


def test_declared_evals_are_warnings_when_not_required(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    native(repo, "evals/q.json", {"pass_rate": 0.5})
    write(repo, "ai-asset.yaml", (HEAD.format(tier="team") + """\
  - name: quality
    results: evals/q.json
    thresholds: { pass_rate: ">= 0.9" }
""").replace("stage: production", "stage: sandbox"))
    write(repo, "docs/card.md", FILLED_MODEL_CARD)
    code, report = check_json(str(repo))
    assert (code, pg3(report)) == (0, [("PG306", "ai-asset.yaml", 17)])
    assert [f["severity"] for f in report["findings"]] == ["warning"]


def test_exception_waives_eval_findings(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    native(repo, "evals/q.json", {"pass_rate": 0.5})
    asset(repo, """\
  - name: quality
    results: evals/q.json
    thresholds: { pass_rate: ">= 0.9" }
exceptions:
  - requirement: evals
    reason: Retraining scheduled; limited pilot audience.
    ticket: GOV-77
    granted: 2026-11-01
    expires: 2026-12-15
    approvals: { business_executive: Ana Ruiz, it_executive: Li Wei, process_owner: Sam Okoro }
    owners: { risk: Ana Ruiz, support: Li Wei, funding: Sam Okoro, lifecycle: Ana Ruiz, compliance: Li Wei }
""")
    code, report = check_json(str(repo))
    assert code == 0, report["findings"]
    [waived] = [f for f in report["findings"] if f["rule_id"] == "PG306"]
    assert waived["waived_by"]["ticket"] == "GOV-77"


# -- one precise finding for each kind of broken results file ----------------------


def _truncated(path: Path) -> None:
    path.write_bytes(PROMPTFOO.read_bytes()[:5000])


def _huge(path: Path) -> None:
    with path.open("wb") as fh:  # sparse: the size is checked before any byte is read
        fh.truncate(50 * 1024 * 1024 + 1)


def _binary(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def _latin1(path: Path) -> None:
    path.write_bytes('{"format": "prodgate/eval/v1", "metrics": {"r\xe9ussite": 1}}'.encode("latin-1"))


def _corrupt(path: Path) -> None:
    path.write_text('{\n  "format": "prodgate/eval/v1",\n  "metrics": {"pass_rate": 0.9,,}\n}\n', encoding="utf-8")


def _wrong(path: Path) -> None:
    shutil.copy(LM_EVAL, path)


def _entities(path: Path) -> None:
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n'
        '<testsuite tests="1"><testcase name="&lol2;"/></testsuite>\n',
        encoding="utf-8",
    )


def _bad_xml(path: Path) -> None:
    path.write_text('<testsuite tests="2">\n  <testcase name="a">\n</testsuite>\n', encoding="utf-8")


def _empty_run(path: Path) -> None:
    path.write_text(json.dumps({"results": {"version": 3, "prompts": [], "results": []}}), encoding="utf-8")


@pytest.mark.parametrize(
    ("make", "fmt", "rule", "line", "text"),
    [
        (_truncated, "promptfoo", "PG304", 16, "JSON ends early (file truncated?): Unterminated string starting at"),
        (_huge, "auto", "PG303", 16, "file is 52,428,801 bytes, over the limit of 52,428,800 bytes"),
        (_binary, "auto", "PG303", 16, "file is binary (contains NUL bytes), expected UTF-8 text"),
        (_latin1, "auto", "PG303", 16, "file is not valid UTF-8 (line 1, byte 45)"),
        (_corrupt, "prodgate", "PG304", 16, "not valid JSON: Expecting property name enclosed in double quotes at line 3 column 32"),
        (_wrong, "promptfoo", "PG305", 17, "declared `format: promptfoo`, but the file is lm-evaluation-harness results: set `format: lm-eval`"),
        (_entities, "junit", "PG304", 16, "XML declares a DOCTYPE; refused"),
        (_bad_xml, "junit", "PG304", 16, "not well-formed XML at line 3 column 3"),
        (_empty_run, "auto", "PG304", 16, "promptfoo results contain no test results"),
    ],
    ids=["truncated", "huge", "binary", "latin1", "corrupt", "wrong-format", "xml-entities", "bad-xml", "empty-run"],
)
def test_broken_results_file_is_one_precise_finding(  # type: ignore[no-untyped-def]
    repo: Path, check_json, make, fmt: str, rule: str, line: int, text: str
) -> None:
    make(repo / "results.out")
    asset(repo, f"""\
  - name: quality
    results: results.out
    format: {fmt}
    thresholds: {{ pass_rate: ">= 0.9" }}
""")
    code, report = check_json(str(repo))
    assert code == 1
    assert pg3(report) == [(rule, "ai-asset.yaml", line)]
    [finding] = [f for f in report["findings"] if f["rule_id"] == rule]
    assert text in finding["message"]
    assert finding["message"].startswith("eval 'quality': results.out")
    states = {r["id"]: r["state"] for r in report["assets"][0]["requirements"]}
    assert states["evals"] == "missing"


def test_text_output_of_a_broken_file_names_the_line_in_it(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    _corrupt(repo / "results.json")
    asset(repo, """\
  - name: quality
    results: results.json
""")
    code, out, err = run("check", "--today", "2026-11-22", "--no-color", str(repo))
    assert code == 1, err
    assert "ai-asset.yaml:16:14 PG304 error: eval 'quality': results.json:3: not valid JSON" in out
    assert "Traceback" not in out + err


def test_results_path_that_is_a_directory(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    (repo / "evals").mkdir()
    asset(repo, """\
  - name: quality
    results: evals
""")
    code, report = check_json(str(repo))
    assert (code, pg3(report)) == (1, [("PG303", "ai-asset.yaml", 16)])


# -- metrics that are not numbers, and what is suggested -------------------------------


def test_nan_metric_is_reported_as_not_a_number(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(LM_EVAL.read_text(encoding="utf-8"))
    doc["results"]["arc_easy"]["acc,none"] = float("nan")
    write(repo, "evals/lm.json", json.dumps(doc))
    asset(repo, """\
  - name: reasoning
    results: evals/lm.json
    thresholds: { "arc_easy/acc": ">= 0.25" }
""")
    code, report = check_json(str(repo))
    assert code == 1
    assert pg3(report) == [("PG306", "ai-asset.yaml", 17)]
    assert messages(report, "PG306") == [
        "eval 'reasoning': arc_easy/acc is not a number in evals/lm.json (NaN), so threshold >= 0.25 is not met"
    ]
    [summary] = report["assets"][0]["evals"]
    assert summary["metrics"][0] == {"name": "arc_easy/acc", "value": None, "threshold": ">= 0.25", "passed": False}


def test_not_a_number_against_a_policy_minimum(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "evals/junit.xml", ALL_SKIPPED)
    asset(repo, """\
  - name: safety
    category: safety
    results: evals/junit.xml
""", tier="enterprise")
    _code, report = check_json(str(repo))
    # The enterprise minimum pass_rate >= 0.95 is missed, not "reported by no eval" (PG315).
    assert [f[0] for f in pg3(report) if f[0] in ("PG314", "PG315")] == ["PG314"]
    assert messages(report, "PG314") == [
        "eval 'safety': pass_rate is not a number (undefined: no test ran (all 2 skipped)) in "
        "evals/junit.xml; the policy requires >= 0.95 for tier 'enterprise'"
    ]


ALL_SKIPPED = (
    '<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" '
    'errors="0" failures="0" skipped="2" tests="2" time="0.01" timestamp="2026-11-20T10:00:00+00:00">'
    '<testcase classname="t" name="a"><skipped type="pytest.skip" message="no model access"/></testcase>'
    '<testcase classname="t" name="b"><skipped type="pytest.skip" message="no model access"/></testcase>'
    "</testsuite></testsuites>\n"
)


def test_all_skipped_junit_says_pass_rate_is_not_a_number_never_suggests_a_count(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "evals/junit.xml", ALL_SKIPPED)
    asset(repo, """\
  - name: quality
    results: evals/junit.xml
    thresholds: { pass_rate: ">= 0.9" }
""")
    code, report = check_json(str(repo))
    assert (code, pg3(report)) == (1, [("PG306", "ai-asset.yaml", 17)])
    [text] = messages(report, "PG306")
    assert text == (
        "eval 'quality': pass_rate is not a number in evals/junit.xml "
        "(undefined: no test ran (all 2 skipped)), so threshold >= 0.9 is not met"
    )
    assert "passed" not in text


def test_unknown_rate_is_not_offered_a_count(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "evals/junit.xml", ALL_SKIPPED)
    asset(repo, """\
  - name: quality
    results: evals/junit.xml
    thresholds: { passrate: ">= 0.9", passed_count: ">= 4" }
""")
    _code, report = check_json(str(repo))
    by_metric = {m.split("threshold on ", 1)[1].split("'")[1]: m for m in messages(report, "PG307")}
    # The rate is offered the rate (which this file has, as not a number), never `passed`.
    assert "(did you mean 'pass_rate'?)" in by_metric["passrate"]
    # A count may be offered a count.
    assert "(did you mean 'passed'?)" in by_metric["passed_count"]


# -- JUnit in the report, and a wrong `format:` ----------------------------------------


def test_junit_suite_name_is_the_subject_not_the_model(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "evals/junit.xml", (
        '<testsuite name="reply-quality" tests="2" failures="0" timestamp="2026-11-20T10:00:00">'
        '<testcase name="a"/><testcase name="b"/></testsuite>\n'
    ))
    asset(repo, """\
  - name: quality
    results: evals/junit.xml
    thresholds: { pass_rate: ">= 0.9" }
""")
    code, report = check_json(str(repo))
    assert (code, pg3(report)) == (0, [])
    [summary] = report["assets"][0]["evals"]
    assert (summary["model"], summary["subject"]) == (None, "reply-quality")


def test_junit_declared_as_promptfoo_is_pg305_at_format(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "evals/junit.xml", '<testsuite name="q" tests="1"><testcase name="a"/></testsuite>\n')
    asset(repo, """\
  - name: quality
    results: evals/junit.xml
    format: promptfoo
    thresholds: { pass_rate: ">= 0.9" }
""")
    code, report = check_json(str(repo))
    assert (code, pg3(report)) == (1, [("PG305", "ai-asset.yaml", 17)])
    assert messages(report, "PG305") == [
        "eval 'quality': evals/junit.xml: declared `format: promptfoo`, but the file is JUnit XML: "
        "set `format: junit`"
    ]
