"""The github format: most severe annotations first within GitHub's limits, waived
findings as notices, a group per asset, the summary and the step outputs."""

from __future__ import annotations

import io
from pathlib import Path

from gha import annotations, commands, finding, read_outputs, report
from prodgate.findings import Severity
from prodgate.reporters.github import select, write_github


def _many(n: int, severity: Severity, rule: str = "PG204") -> list:  # type: ignore[type-arg]
    return [finding(rule=rule, severity=severity, path=f"docs/{i:03}.md", line=i + 1) for i in range(n)]


def _run(findings: list, tmp_path: Path) -> tuple[str, Path, Path]:  # type: ignore[type-arg]
    out = io.StringIO()
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs"
    write_github(report(findings), out, {"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(outputs)})
    return out.getvalue(), summary, outputs


def test_annotation_carries_file_line_col_title_and_fix(tmp_path: Path) -> None:
    log, _, _ = _run([finding()], tmp_path)
    [(level, props, message)] = annotations(log)
    assert level == "error"
    assert props == {"file": "docs/runbook.md", "line": "9", "col": "1", "title": "PG204 Artifact is still the template"}
    assert message == 'runbook docs/runbook.md still contains placeholder "TODO" (line 9)\n\nHow to fix: Fill it in.'


def test_within_limits_everything_is_annotated_most_severe_first() -> None:
    found = _many(3, Severity.NOTE) + _many(10, Severity.WARNING) + _many(10, Severity.ERROR)
    from prodgate.findings import Finding

    shown = select(sorted(found, key=Finding.sort_key))
    assert [a.level for a in shown] == ["error"] * 10 + ["warning"] * 10 + ["notice"] * 3


def test_overflow_ends_with_a_count_of_what_is_left_out(tmp_path: Path) -> None:
    found = _many(14, Severity.ERROR) + _many(12, Severity.WARNING) + _many(2, Severity.NOTE)
    log, summary, _ = _run(found, tmp_path)
    anns = annotations(log)
    levels = [a[0] for a in anns]
    # the errors give up one slot to the closing count, which comes last
    assert levels == ["error"] * 9 + ["warning"] * 10 + ["notice"] * 2 + ["error"]
    last = anns[-1]
    assert last[1]["title"] == "prodgate: more findings in the job summary"
    assert last[2].startswith("7 more findings (5 errors, 2 warnings) not shown as annotations")
    assert [a[1]["file"] for a in anns[:9]] == [f"docs/{i:03}.md" for i in range(9)]
    # the summary lists every finding, shown or not
    text = summary.read_text(encoding="utf-8")
    assert all(f"docs/{i:03}.md" in text for i in range(14))


def test_warning_overflow_alone_is_counted_at_warning_level() -> None:
    shown = select(_many(11, Severity.WARNING))
    assert [a.level for a in shown] == ["warning"] * 10
    assert shown[-1].message.startswith("2 more findings (2 warnings)")


def test_waived_findings_are_notices_naming_the_exception(tmp_path: Path) -> None:
    log, summary, outputs = _run([finding(waived=True)], tmp_path)
    [(level, _, message)] = annotations(log)
    assert level == "notice"
    assert message.startswith("Waived by exception GOV-1 (expires 2026-12-31): runbook")
    assert read_outputs(outputs) == {
        "passed": "true", "errors": "0", "warnings": "0", "notes": "0", "waived": "1", "assets": "1"
    }
    assert "waived: exception `GOV-1`, expires 2026-12-31" in summary.read_text(encoding="utf-8")


def test_a_group_per_asset_with_requirement_states(tmp_path: Path) -> None:
    log, _, _ = _run([finding()], tmp_path)
    names = [c[0] for c in commands(log)]
    assert names[0] == "group" and "endgroup" in names
    assert commands(log)[0][2] == "bot (departmental, pilot): failed, 1 error, 0 warnings"
    assert "requirement runbook: failing" in log.splitlines()
    assert log.splitlines()[-1] == "prodgate merge gate FAILED: 1 error, 0 warnings, 0 notes, 0 waived (1 asset checked)"


def test_summary_respects_what_the_step_already_wrote(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("x" * (1024 * 1024 - 30 * 1024), encoding="utf-8")
    found = _many(400, Severity.ERROR)
    write_github(report(found), io.StringIO(), {"GITHUB_STEP_SUMMARY": str(summary)})
    assert summary.stat().st_size <= 1024 * 1024
    assert "**Cut to fit GitHub's size limit:**" in summary.read_text(encoding="utf-8")


def test_without_runner_files_only_the_log_is_written(tmp_path: Path) -> None:
    out = io.StringIO()
    write_github(report([finding()]), out, {})
    assert len(annotations(out.getvalue())) == 1
