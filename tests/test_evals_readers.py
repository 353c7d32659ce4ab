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
    assert result.run_at == dt.datetime(2025, 8, 19, 3, 31, 48, 732000, tzinfo=dt.timezone.utc)
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
    assert result.run_at == dt.datetime.fromtimestamp(1793000000.5, dt.timezone.utc)
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

        @pytest.mark.skip(reason="not today")
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
    assert abs((dt.datetime.now(dt.timezone.utc) - result.run_at).total_seconds()) < 600


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
    assert result.run_at == dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.timezone.utc)
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


def test_readme_examples_are_read(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
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
    assert read == ["promptfoo", "lm-eval", "hf-model-index", "hf-model-index", "junit", "prodgate"]
