"""The terminal report: labelled findings, wrapped lines under their finding, the fix
as readable as the finding, one summary line that says each thing once."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import monorepo
from gha import finding, report, strip_ansi
from prodgate.findings import Severity
from prodgate.reporters.text import render_text

from conftest import TODAY

Run = Callable[..., tuple[int, str, str]]


def test_every_severity_is_labelled(repo: Path, run: Run) -> None:
    monorepo.build(repo, 2, passing=frozenset())
    code, out, _ = run("check", str(repo), "--today", TODAY)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "svc-1 (departmental, pilot) services/svc-1/ai-asset.yaml"
    assert lines[1].startswith("  services/svc-1/ai-asset.yaml:1:1 PG301 error: tier 'departmental'")
    assert "prodgate merge gate FAILED: 8 errors, 0 warnings (2 assets checked, 0 clean; policy prodgate-builtin 1.0 from builtin, sha256 " in out


def test_summary_counts_declarations_only_when_some_did_not_load(committed_repo: Path, run: Run) -> None:
    repo = committed_repo  # the assets have evals: a checkout with history, or PG317 says there is none
    monorepo.build(repo, 2, passing=frozenset({1, 2}))
    (repo / "broken").mkdir()
    (repo / "broken" / "ai-asset.yaml").write_text("name: [\n", encoding="utf-8")
    _, out, _ = run("check", str(repo), "--today", TODAY)
    assert "(2 assets checked, 1 declaration not loaded, 2 clean; policy prodgate-builtin 1.0 from builtin, sha256 " in out
    assert "broken/ai-asset.yaml:2:1 PG101 error:" in out


def test_long_lines_wrap_under_their_finding() -> None:
    long = finding(message="the runbook still contains the template placeholder TODO in " + "section " * 12,
                   fix="Replace every placeholder with real content, starting with the section 'Escalation' " * 2)
    out = io.StringIO()
    render_text(report([long]), out, width=60)
    lines = out.getvalue().splitlines()
    body = lines[1 : lines.index(next(ln for ln in lines if ln.startswith("    fix:")))]
    assert body[0].startswith("  docs/runbook.md:9:1 PG204 error: the runbook")
    assert len(body) > 1 and all(ln.startswith("      ") and len(ln) <= 60 for ln in body[1:])
    fix = [ln for ln in lines if ln.startswith("    fix:") or ln.startswith("         ")]
    assert len(fix) > 1 and all(len(ln) <= 60 for ln in fix)
    assert all(ln.startswith("         ") for ln in fix[1:])


def test_without_a_terminal_nothing_wraps() -> None:
    long = finding(message="x " * 200)
    out = io.StringIO()
    render_text(report([long]), out)
    assert "\n  docs/runbook.md:9:1 PG204 error: x x" in out.getvalue()
    assert len(out.getvalue().splitlines()[1]) > 400


def test_fix_is_not_dimmed_and_labels_are_coloured() -> None:
    out = io.StringIO()
    render_text(report([finding(), finding(severity=Severity.WARNING, line=12)]), out, color=True, width=100)
    text = out.getvalue()
    assert "\033[2m" not in text  # nothing dimmed, the fix least of all
    assert "\033[1mfix:\033[0m Fill it in." in text
    assert "\033[31m\033[1merror:\033[0m" in text and "\033[33m\033[1mwarning:\033[0m" in text
    assert "docs/runbook.md:9:1 PG204 error: runbook" in strip_ansi(text)


def test_yaml_fix_keeps_its_indentation_under_the_label() -> None:
    out = io.StringIO()
    render_text(report([finding(fix="evals:\n  - name: quality\n    results: evals/results.json")]), out, width=80)
    assert "    fix: evals:\n           - name: quality\n             results: evals/results.json\n" in out.getvalue()
