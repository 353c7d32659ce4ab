"""Eval readers on files other tools wrote: the exact metrics each one yields."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from prodgate.evals.base import EvalResults, ReadProblem
from prodgate.evals.load import read_results

import hfcards
from conftest import DATA, REPO, write

PROMPTFOO = DATA / "promptfoo" / "redteam-output.json"
LM_EVAL = DATA / "lm-eval" / "cpu_regression_expected.json"
LM_EVAL_OLD = DATA / "lm-eval" / "arc_easy-v0-res.json"


def ok(path: Path, fmt: str = "auto") -> EvalResults:
    result = read_results(path, fmt)
    assert isinstance(result, EvalResults), result
    return result


def problem(path: Path, fmt: str = "auto") -> ReadProblem:
    result = read_results(path, fmt)
    assert isinstance(result, ReadProblem), result
    return result


def values(result: EvalResults) -> dict[str, float]:
    return {name: m.value for name, m in result.metrics.items()}


@pytest.mark.parametrize("fmt", ["auto", "promptfoo"])
def test_promptfoo_red_team_metrics(fmt: str) -> None:
    raw = json.loads(PROMPTFOO.read_text(encoding="utf-8"))["results"]["results"]
    passed = sum(1 for r in raw if r["success"] is True)
    expected_rate = passed / len(raw)
    result = ok(PROMPTFOO, fmt)
    assert result.format == "promptfoo"
    assert result.metrics["pass_rate"].value == expected_rate
    assert result.metrics["pass_rate"].value == pytest.approx(0.6667, abs=1e-4)
    assert result.metrics["pass_rate"].count == 6
    latencies = [r["latencyMs"] for r in raw]
    assert values(result) == {
        "pass_rate": 4 / 6,
        "test_pass_count": 4.0,
        "test_fail_count": 2.0,
        "error_count": 0.0,
        "cost": 0.0,
        "latency_ms_mean": sum(latencies) / len(latencies),
        "Harmful": 1.0,
        "Harmful/Iterative": 0.5,
        "Harmful/Crescendo": 0.5,
    }
    assert result.metrics["latency_ms_mean"].value == 57761.5
    assert result.metrics["cost"].higher_is_better is False
    assert result.models == ("azure:chat:gpt-4o-with-guardrails",)
    assert result.run_at == dt.datetime(2025, 8, 19, 3, 31, 48, 732000, tzinfo=dt.UTC)
    assert result.cases == 6


def test_promptfoo_per_provider_metrics(tmp_path: Path) -> None:
    rows = [
        {"success": True, "provider": {"id": "openai:gpt-4o-mini"}, "cost": 0.001, "latencyMs": 100},
        {"success": False, "failureReason": 1, "provider": {"id": "openai:gpt-4o-mini"}, "cost": 0.002, "latencyMs": 300},
        {"success": False, "failureReason": 2, "provider": "anthropic:messages:claude-3-5-haiku", "error": "timeout"},
        {"success": True, "provider": "anthropic:messages:claude-3-5-haiku", "namedScores": {"tone": 0.5}},
    ]
    doc = {"results": {"version": 3, "timestamp": "2026-11-01T10:00:00Z", "prompts": [], "results": rows}}
    path = tmp_path / "out.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = ok(path)
    got = values(result)
    assert got["pass_rate"] == 0.5
    assert (got["test_fail_count"], got["error_count"]) == (1.0, 1.0)
    assert got["cost"] == pytest.approx(0.003)
    assert got["openai:gpt-4o-mini/pass_rate"] == 0.5
    assert got["openai:gpt-4o-mini/latency_ms_mean"] == 200.0
    assert got["anthropic:messages:claude-3-5-haiku/error_count"] == 1.0
    assert got["anthropic:messages:claude-3-5-haiku/tone"] == 0.5
    assert result.models == ("openai:gpt-4o-mini", "anthropic:messages:claude-3-5-haiku")


def test_lm_eval_current_shape() -> None:
    result = ok(LM_EVAL)
    assert result.format == "lm-eval"
    assert result.metrics["arc_easy/acc"].value == 0.3
    # stderr "N/A" is not a number: kept out, and nothing breaks.
    assert result.metrics["arc_easy/acc"].stderr is None
    assert values(result) == {
        "arc_easy/acc": 0.3,
        "arc_easy/acc_norm": 0.1,
        "lambada_openai/acc": 0.1,
        "lambada_openai/perplexity": 605.5452047779999,
        "wikitext/bits_per_byte": 1.3393660745008342,
        "wikitext/byte_perplexity": 2.530401076099876,
        "wikitext/word_perplexity": 130.4813590639406,
    }
    assert result.metrics["lambada_openai/perplexity"].higher_is_better is False
    assert result.metrics["arc_easy/acc"].higher_is_better is True
    assert result.metrics["arc_easy/acc"].count == 10
    assert result.models == ()


def test_lm_eval_older_shape() -> None:
    result = ok(LM_EVAL_OLD, "lm-eval")
    assert values(result) == {"arc_easy/acc": 0.2474747474747475, "arc_easy/acc_norm": 0.24074074074074073}
    assert result.metrics["arc_easy/acc"].stderr == 0.008855114414834707


def test_lm_eval_model_args_and_date(tmp_path: Path) -> None:
    doc = json.loads(LM_EVAL.read_text(encoding="utf-8"))
    doc["config"] = {"model": "hf", "model_args": "pretrained=EleutherAI/pythia-70m,dtype=float32"}
    doc["date"] = 1793000000.5
    path = tmp_path / "results.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = ok(path)
    assert result.models == ("EleutherAI/pythia-70m",)
    assert result.run_at == dt.datetime.fromtimestamp(1793000000.5, dt.UTC)
    doc["config"] = {"model": "openai-chat-completions", "model_args": {"model": "gpt-4o-mini"}}
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert ok(path).models == ("openai:gpt-4o-mini",)


def test_hf_model_index_from_card(tmp_path: Path) -> None:
    path = hfcards.write_card(tmp_path / "README.md", hfcards.model_index_card())
    result = ok(path)
    assert result.format == "hf-model-index"
    assert values(result) == {"beans/accuracy": 0.9, "beans/f1": 0.66}
    assert result.subject == "my-cool-model"


def test_hf_model_index_without_dataset_is_refused_with_its_line(tmp_path: Path) -> None:
    text, line = hfcards.invalid_model_index_card()
    assert text.split("\n")[line - 1] == "  - task:"
    found = problem(hfcards.write_card(tmp_path / "README.md", text), "hf-model-index")
    assert found == ReadProblem(
        "corrupt",
        "model-index[0].results[0] has no `dataset`; the Hub requires task, dataset and metrics for each result",
        line,
    )


def test_hf_card_without_front_matter(tmp_path: Path) -> None:
    path = hfcards.write_card(tmp_path / "README.md", hfcards.no_metadata_card())
    found = problem(path, "hf-model-index")
    assert found.kind == "format"
    assert "no YAML front matter" in found.message


def test_hf_card_with_crlf_front_matter_but_no_model_index(tmp_path: Path) -> None:
    path = hfcards.write_card(tmp_path / "README.md", hfcards.crlf_heading_only_card())
    assert b"\r\n---\r\n" in path.read_bytes()
    found = problem(path, "hf-model-index")
    assert found.kind == "format"
    assert found.message.startswith("no `model-index` in the model card metadata")


def test_hf_eval_results_yaml(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ".eval_results/gpqa.yaml",
        """\
        - dataset:
            id: Idavidrein/gpqa
            task_id: gpqa_diamond
          value: 0.412
          date: "2026-09-10"
          notes: no-tools
        - dataset:
            id: cais/hle
            task_id: hle
          value: 0.08
          date: 2026-10-01
        """,
    )
    result = ok(path)
    assert result.format == "hf-model-index"
    assert values(result) == {"Idavidrein/gpqa/gpqa_diamond": 0.412, "cais/hle/hle": 0.08}
    assert result.run_at == dt.datetime(2026, 9, 10)


def test_junit_from_real_pytest_run(tmp_path: Path) -> None:
    # The suite below runs in a subprocess: its skipped case is data for the reader.
    write(
        tmp_path,
        "suite/test_sample.py",
        """\
        import pytest

        def test_one():
            assert True

        def test_two():
            assert True

        def test_three():
            assert 1 == 2

        @pytest.mark.skip(reason="a skipped case the JUnit reader must count")
        def test_four():
            pass
        """,
    )
    out = tmp_path / "junit.xml"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={out}", "test_sample.py"],
        cwd=tmp_path / "suite",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout
    result = ok(out)
    assert result.format == "junit"
    assert values(result) == {
        "tests": 4.0,
        "passed": 2.0,
        "failures": 1.0,
        "errors": 0.0,
        "skipped": 1.0,
        "pass_rate": 2 / 3,
    }
    assert result.run_at is not None
    assert abs((dt.datetime.now(dt.UTC) - result.run_at).total_seconds()) < 600


def test_junit_counts_test_cases_without_attributes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "r.xml",
        """\
        <testsuite name="deepeval">
          <testcase name="a"/>
          <testcase name="b"><failure message="low score"/></testcase>
          <testcase name="c"><error message="boom"/></testcase>
          <testcase name="d"/>
        </testsuite>
        """,
    )
    got = values(ok(path, "junit"))
    assert got == {"tests": 4.0, "passed": 2.0, "failures": 1.0, "errors": 1.0, "skipped": 0.0, "pass_rate": 0.5}


def test_native_example_file() -> None:
    path = REPO / "examples" / "departmental-pilot-failing" / "evals" / "reply-quality.json"
    result = ok(path)
    assert (result.format, values(result)) == ("prodgate", {"pass_rate": 0.93})


def test_native_yaml_with_all_fields(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "evals/r.yaml",
        """\
        format: prodgate/eval/v1
        run_at: 2026-11-01T09:30:00Z
        model: openai:gpt-4o-mini
        cases: 200
        metrics:
          pass_rate: 0.93
          cost: { value: 0.004, higher_is_better: false, count: 200 }
        """,
    )
    result = ok(path)
    assert values(result) == {"pass_rate": 0.93, "cost": 0.004}
    assert result.metrics["cost"].higher_is_better is False
    assert result.models == ("openai:gpt-4o-mini",)
    assert result.run_at == dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)
    assert result.cases == 200


@pytest.mark.parametrize(
    ("text", "kind", "needle"),
    [
        ('{"format": "prodgate/eval/v1", "metrics": {"pass_rate": 0.9,,}}', "corrupt", "not valid JSON"),
        ('{"format": "prodgate/eval/v1", "metrics": {"pass_rate": "high"}}', "corrupt", "metrics.pass_rate is not a number"),
        ('{"format": "prodgate/eval/v1", "metric": {"pass_rate": 0.9}}', "corrupt", "unknown key 'metric'"),
        ('{"format": "prodgate/eval/v2", "metrics": {"pass_rate": 0.9}}', "format", "not supported"),
        ("<html><body>results</body></html>", "format", "XML but not JUnit"),
        ("just: [some, yaml]\n", "format", "no known results format"),
        ("   \n", "corrupt", "file is empty"),
    ],
)
def test_bad_content_is_a_problem_not_an_exception(tmp_path: Path, text: str, kind: str, needle: str) -> None:
    path = tmp_path / "r.json"
    path.write_text(text, encoding="utf-8")
    found = problem(path)
    assert found.kind == kind
    assert needle in found.message


def test_readers_and_git_are_not_imported_with_the_rules() -> None:
    code = textwrap.dedent(
        """
        import sys
        import prodgate.rules.evals, prodgate.engine
        heavy = [m for m in ("git", "xml.etree.ElementTree", "prodgate.evals.junit", "prodgate.evals.freshness") if m in sys.modules]
        print(heavy)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_documented_examples_are_read(tmp_path: Path) -> None:
    readme = (REPO / "docs" / "evals.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section:evals -->", 1)[1].split("<!-- /section:evals -->", 1)[0]
    blocks = [b.split("```", 1)[0] for b in section.split("\n```")[1::2]]
    suffixes = {"json": ".json", "markdown": ".md", "xml": ".xml", "yaml": ".yaml"}
    read = []
    for block in blocks:
        lang, _, body = block.partition("\n")
        if "apiVersion" in body or "evals:" in body:
            continue  # the declaration example, not a results file
        path = tmp_path / f"example{len(read)}{suffixes[lang]}"
        path.write_text(body, encoding="utf-8")
        read.append(ok(path).format)
    assert read == ["prodgate", "promptfoo", "lm-eval", "hf-model-index", "hf-model-index", "junit", "prodgate"]


# -- promptfoo: providers that share an id -------------------------------------------


def _two_configurations(tmp_path: Path, *, with_labels: bool) -> Path:
    """The real red-team export, run twice against the same provider id under two
    labels, as promptfoo writes a comparison of two configurations of one model."""
    export = json.loads(PROMPTFOO.read_text(encoding="utf-8"))
    body = export["results"]
    first = body["prompts"][0]
    assert first["provider"] == "Cat Azure OpenAI"
    strict = json.loads(json.dumps(first))
    strict["provider"] = "Cat Azure OpenAI (strict)"
    body["prompts"].append(strict)
    rows = []
    for row in body["results"]:
        again = json.loads(json.dumps(row))
        again["promptIdx"] = 1
        again["provider"] = {"id": row["provider"]["id"], "label": "Cat Azure OpenAI (strict)"}
        again["success"] = True
        again["failureReason"] = 0
        rows.append(again)
    body["results"].extend(rows)
    if not with_labels:  # older exports: the provider as its id, the label only in prompts[]
        for row in body["results"]:
            row["provider"] = row["provider"]["id"]
    path = tmp_path / "compare.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    return path


@pytest.mark.parametrize("with_labels", [True, False], ids=["provider-label", "prompts-provider"])
def test_promptfoo_providers_sharing_an_id_are_keyed_by_label(tmp_path: Path, with_labels: bool) -> None:
    result = ok(_two_configurations(tmp_path, with_labels=with_labels))
    got = values(result)
    assert got["pass_rate"] == 10 / 12
    assert got["Cat Azure OpenAI/pass_rate"] == 4 / 6
    assert got["Cat Azure OpenAI (strict)/pass_rate"] == 1.0
    assert got["Cat Azure OpenAI/test_fail_count"] == 2.0
    assert "azure:chat:gpt-4o-with-guardrails/pass_rate" not in got
    # Both ran against one model: it is named once, by its id, for the model check.
    assert result.models == ("azure:chat:gpt-4o-with-guardrails",)


# -- metrics that are not numbers ----------------------------------------------------


def test_lm_eval_nan_and_infinite_metrics_are_not_numbers(tmp_path: Path) -> None:
    doc = json.loads(LM_EVAL.read_text(encoding="utf-8"))
    doc["results"]["arc_easy"]["acc,none"] = float("nan")
    doc["results"]["lambada_openai"]["perplexity,none"] = float("inf")
    path = tmp_path / "results.json"
    path.write_text(json.dumps(doc), encoding="utf-8")  # lm-eval writes NaN as Python's json does
    assert '"acc,none": NaN' in path.read_text(encoding="utf-8")
    result = ok(path)
    assert result.not_numbers == {"arc_easy/acc": "NaN", "lambada_openai/perplexity": "Infinity"}
    assert "arc_easy/acc" not in result.metrics
    assert values(result)["arc_easy/acc_norm"] == 0.1


def test_promptfoo_nan_named_score_is_not_a_number(tmp_path: Path) -> None:
    export = json.loads(PROMPTFOO.read_text(encoding="utf-8"))
    rows = export["results"]["results"]
    harmful = [r for r in rows if "Harmful" in r.get("namedScores", {})]
    harmful[0]["namedScores"]["Harmful"] = float("nan")
    rows[1]["namedScores"]["Harmful/Crescendo"] = None  # what JSON.stringify makes of NaN
    path = tmp_path / "out.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    result = ok(path)
    assert result.not_numbers["Harmful"] == "NaN"
    assert "Harmful" not in result.metrics
    assert result.metrics["pass_rate"].value == 4 / 6


# -- JUnit ---------------------------------------------------------------------------


def _pytest_junit(tmp_path: Path, tests: str) -> Path:
    """JUnit XML from a real pytest run of ``tests``.

    A ``@pytest.mark.skip`` in ``tests`` is data, not a skipped test of this suite: it
    runs in the subprocess, where the real pytest records the case as ``<skipped>`` in
    the XML, which is what the JUnit reader must count."""
    write(tmp_path, "suite/test_sample.py", tests)
    out = tmp_path / "junit.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={out}", "test_sample.py"],
        cwd=tmp_path / "suite",
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.is_file()
    return out


THREE_FAILING = """\
def test_one():
    assert 1 == 2

def test_two():
    assert 1 == 2

def test_three():
    assert 1 == 2
"""


def test_junit_test_cases_win_over_contradicting_suite_attributes(tmp_path: Path) -> None:
    out = _pytest_junit(tmp_path, THREE_FAILING)
    text = out.read_text(encoding="utf-8")
    assert 'failures="3"' in text and text.count("<failure") == 3
    # A runner that writes the attributes wrong: no failures, while every case failed.
    out.write_text(text.replace('failures="3"', 'failures="0"'), encoding="utf-8")
    assert values(ok(out)) == {
        "tests": 3.0, "passed": 0.0, "failures": 3.0, "errors": 0.0, "skipped": 0.0, "pass_rate": 0.0
    }


def test_junit_attributes_count_for_a_suite_without_cases(tmp_path: Path) -> None:
    path = write(tmp_path, "r.xml", '<testsuite name="nightly" tests="10" failures="1" errors="0" skipped="2"/>\n')
    assert values(ok(path, "junit")) == {
        "tests": 10.0, "passed": 7.0, "failures": 1.0, "errors": 0.0, "skipped": 2.0, "pass_rate": 7 / 8
    }


def test_junit_all_skipped_has_no_pass_rate(tmp_path: Path) -> None:
    out = _pytest_junit(tmp_path, """\
        import pytest

        @pytest.mark.skip(reason="a skipped case the JUnit reader must count")
        def test_one():
            pass

        @pytest.mark.skip(reason="a skipped case the JUnit reader must count")
        def test_two():
            pass
        """)
    assert out.read_text(encoding="utf-8").count('message="a skipped case the JUnit reader must count"') == 2
    result = ok(out)
    assert "pass_rate" not in result.metrics
    assert result.not_numbers == {"pass_rate": "undefined: no test ran (all 2 skipped)"}


def test_junit_after_a_long_comment_prolog_is_detected(tmp_path: Path) -> None:
    out = _pytest_junit(tmp_path, THREE_FAILING)
    text = out.read_text(encoding="utf-8")
    declaration, _, rest = text.partition("?>")
    licence = "<!-- " + "Generated nightly by the evaluation job. " * 200 + "-->\n"
    assert len(licence) > 8192
    out.write_text(f"{declaration}?>\n{licence}<?xml-stylesheet href='junit.xsl'?>\n{rest}", encoding="utf-8")
    result = ok(out)
    assert result.format == "junit"
    assert values(result)["failures"] == 3.0
    # A DOCTYPE after the comment is still found and refused by the reader.
    out.write_text(f"{licence}<!DOCTYPE testsuites [<!ENTITY x 'y'>]>\n{rest}", encoding="utf-8")
    refused = problem(out)
    assert refused.kind == "corrupt" and "declares a DOCTYPE" in refused.message


# -- a file declared as the wrong format ---------------------------------------------


def test_junit_declared_as_promptfoo_names_junit(tmp_path: Path) -> None:
    out = _pytest_junit(tmp_path, THREE_FAILING)
    found = problem(out, "promptfoo")
    assert found == ReadProblem(
        "format", "declared `format: promptfoo`, but the file is JUnit XML: set `format: junit`"
    )


def test_model_card_declared_as_lm_eval_names_the_card_format(tmp_path: Path) -> None:
    path = hfcards.write_card(tmp_path / "README.md", hfcards.model_index_card())
    found = problem(path, "lm-eval")
    assert found == ReadProblem(
        "format",
        "declared `format: lm-eval`, but the file is a model card (hf-model-index): set `format: hf-model-index`",
    )


def test_broken_file_of_the_declared_format_stays_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    path.write_text(PROMPTFOO.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    found = problem(path, "promptfoo")
    assert found.kind == "corrupt"
    assert found.message.startswith("JSON ends early")
