"""The Markdown report (job summary and pull request comment)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gha import copy_example, finding, report
from prodgate.report import EvalSummary, ExceptionView, MetricResult
from prodgate.reporters.markdown import code, render_markdown, text

from conftest import TODAY

Run = Callable[..., tuple[int, str, str]]


def test_failing_example(repo: Path, run: Run) -> None:
    copy_example(repo / "app")
    code_, out, _ = run("check", str(repo), "--today", TODAY, "--format", "markdown")
    assert code_ == 1
    assert out.startswith("## ❌ prodgate merge gate failed\n")
    assert "**1 error · 2 warnings · 0 waived** — 1 asset checked, 0 clean" in out
    assert "### ❌ support-reply-drafter\n" in out
    assert "departmental, pilot · `app/ai-asset.yaml` · owner Jane Doe" in out
    assert "| Privacy review for personal data<br>*because a data source holds personal data* | ❌ missing | `PG403` |" in out
    assert "| Named owner | ✅ met |  |" in out
    assert "- ❌ **PG403** `app/ai-asset.yaml:28:1` Privacy review (DPIA) is required" in out
    assert "How to fix: Add \\`artifacts: { privacy\\_review: docs/privacy-review.md }\\`" in out


def test_waived_example_shows_the_exception(repo: Path, run: Run) -> None:
    copy_example(repo / "app", waived=True)
    code_, out, _ = run("check", str(repo), "--today", TODAY, "--format", "markdown")
    assert code_ == 0
    assert out.startswith("## ✅ prodgate merge gate passed\n")
    assert "| Privacy review for personal data<br>*because a data source holds personal data* | ⏸️ waived | `PG403` |" in out
    assert "| privacy\\_review | `GOV-1234` | 2026-12-31 | ⏸️ active: waives findings |" in out
    assert "waived: exception `GOV-1234`, expires 2026-12-31" in out


def test_eval_metrics_against_thresholds() -> None:
    r = report([])
    evals = (
        EvalSummary("reply-quality", "evals/q.json", "promptfoo",
                    (MetricResult("pass_rate", 0.87, ">= 0.90", False), MetricResult("latency", 1.5, None, None)),
                    model="gpt-4o-mini", run_at="2026-11-01"),
        EvalSummary("safety", "evals/s.json", "prodgate"),
    )
    r.assets[0] = r.assets[0].__class__(**{**r.assets[0].__dict__, "evals": evals,
                                          "exceptions": (ExceptionView("runbook", "GOV-9", "2026-01-01", False, False),)})
    out = render_markdown(r)
    assert "| reply-quality<br>`evals/q.json`<br>model gpt-4o-mini · run 2026-11-01 | pass\\_rate | 0.87 | `>= 0.90` | ❌ missed |" in out
    assert "|  | latency | 1.5 | — | — |" in out
    assert "| safety<br>`evals/s.json` | — | — | — | no metrics read |" in out
    assert "| runbook | `GOV-9` | 2026-01-01 | ❌ not valid: waives nothing (see findings) |" in out


def test_escaping_blocks_html_links_tables_and_mentions() -> None:
    assert text("<img src=x onerror=alert(1)> [x](http://e) a|b @org/team *b* `c`") == (
        "&lt;img src=x onerror=alert(1)&gt; \\[x\\](http://e) a\\|b @\u200borg/team \\*b\\* \\`c\\`"
    )
    assert text("line\nbreak") == "line break"
    assert code("a`b|c") == "``a`b\\|c``"


def test_hostile_asset_name_stays_in_its_cell() -> None:
    out = render_markdown(report([finding(message="x\n## Injected heading\n| a | b |")], name="x\n# H1"))
    assert "\n## Injected" not in out and "\n# H1" not in out
    assert "### ❌ x # H1\n" in out


def test_truncation_keeps_under_the_budget_and_says_so() -> None:
    findings = [finding(path=f"docs/{i:04}.md", message="m" * 500) for i in range(200)]
    out = render_markdown(report(findings), max_bytes=20_000)
    assert len(out.encode("utf-8")) <= 20_000
    assert out.count("- ❌ **PG204**") < 200
    shown = out.count("- ❌ **PG204**")
    assert f"**Truncated** to fit GitHub's size limit: {200 - shown} more findings not shown here." in out


def test_no_declaration(repo: Path, run: Run) -> None:
    code_, out, _ = run("check", str(repo), "--today", TODAY, "--format", "markdown")
    assert code_ == 0
    assert "No `ai-asset.yaml` found: nothing to check." in out


def test_warnings_block_when_fail_on_warning(repo: Path, run: Run) -> None:
    copy_example(repo / "app", waived=True)
    code_, out, _ = run("check", str(repo), "--today", TODAY, "--format", "markdown", "--fail-on", "warning")
    assert code_ == 1
    assert "failing on warnings and above" in out
