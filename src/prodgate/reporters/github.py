"""GitHub Actions: annotations, a log group per asset, the job summary and step outputs.

Chosen by default when ``GITHUB_ACTIONS=true``. GitHub shows at most 10 error, 10
warning and 10 notice annotations per step (50 per job) and drops the rest silently,
so annotations go most severe first, and when some must be left out the last one says
how many and points at the job summary, which lists them all.

Waived findings become notices, not errors: the reviewer still sees, at the very line,
that something was let through and under which exception, without the pull request
looking blocked. They rank after real notes, so they are the first to give way.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from prodgate import hygiene
from prodgate.findings import Finding, Severity
from prodgate.github.commands import Level, annotation, endgroup, group, safe_line
from prodgate.github.outputs import SUMMARY_LIMIT, append_summary, write_outputs
from prodgate.report import AssetResult, ChangeRecord, Report
from prodgate.reporters.links import links_from_env
from prodgate.reporters.markdown import render_markdown
from prodgate.rules.registry import RULES

PER_LEVEL = 10
"""Annotations of one level GitHub shows for one step."""

_LEVEL: dict[Severity, Level] = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


@dataclass(frozen=True)
class Annotation:
    level: Level
    message: str
    file: str | None = None
    line: int = 0
    col: int = 0
    title: str | None = None

    def command(self) -> str:
        return annotation(
            self.level, self.message, file=self.file, line=self.line, col=self.col, title=self.title
        )


def _title(f: Finding) -> str:
    rule = RULES.get(f.rule_id)
    return f"{f.rule_id} {rule.title}" if rule else f.rule_id


def to_annotation(f: Finding) -> Annotation:
    if f.waived_by is not None:
        w = f.waived_by
        level: Level = "notice"
        message = f"Waived by exception {w.ticket} (expires {w.expires}): {f.message}"
    else:
        level = _LEVEL[f.severity]
        message = f.message + (f"\n\nHow to fix: {f.fix}" if f.fix else "")
    loc = f.location
    return Annotation(level, message, loc.path or None, loc.line, loc.column, _title(f))


_KINDS = ("on changed lines", "in changed files", "elsewhere, introduced by this change", "already failing at the base")


def _kind(f: Finding, change: ChangeRecord | None) -> int:
    """Where the change is comes first: its own findings on the lines it wrote, then in
    the files it touched, then its other findings, then what was already failing."""
    if f.baseline is None or change is None:
        return 0
    if f.pre_existing:
        return 3
    if change.on_changed_line(f):
        return 0
    return 1 if f.location.path in change.changed_files else 2


def select(findings: list[Finding], per_level: int = PER_LEVEL, change: ChangeRecord | None = None) -> list[Annotation]:
    """The annotations to emit, most severe first, within GitHub's per-step limits.

    ``findings`` are in report order (severity, then place; waived last). With a base
    (``change``), a level's slots go first to the change's own findings on the lines it
    wrote, then in the files it touched (see :func:`_kind`). When any level overflows,
    the most severe overflowing level gives up one slot to a closing annotation that
    counts what is not shown, by level and by kind.
    """
    levels: dict[Level, list[Annotation]] = {"error": [], "warning": [], "notice": []}
    kinds: dict[Level, list[int]] = {"error": [], "warning": [], "notice": []}
    for f in sorted(findings, key=lambda f: _kind(f, change)):
        a = to_annotation(f)
        levels[a.level].append(a)
        kinds[a.level].append(_kind(f, change))
    over = next((lvl for lvl, items in levels.items() if len(items) > per_level), None)
    shown: list[Annotation] = []
    hidden: dict[Level, int] = {}
    left_out = [0] * len(_KINDS)
    for lvl, items in levels.items():
        room = per_level - 1 if lvl == over else per_level
        shown += items[:room]
        hidden[lvl] = max(0, len(items) - room)
        for k in kinds[lvl][room:]:
            left_out[k] += 1
    if over is not None:
        total = sum(hidden.values())
        parts = [
            f"{n} {name}" for name, n in (
                ("errors", hidden["error"]), ("warnings", hidden["warning"]), ("notices", hidden["notice"])
            ) if n
        ]
        by_kind = (
            f" Left out: {', '.join(f'{n} {_KINDS[k]}' for k, n in enumerate(left_out) if n)}."
            if change is not None and any(f.baseline for f in findings) else ""
        )
        shown.append(
            Annotation(
                over,
                f"{total} more finding{'' if total == 1 else 's'} ({', '.join(parts)}) not shown as "
                f"annotations: GitHub shows at most 10 per level in a step.{by_kind} The job summary "
                "lists every finding.",
                title="prodgate: more findings in the job summary",
            )
        )
    return shown


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _asset_title(asset: AssetResult, report: Report) -> str:
    unwaived = [f for f in asset.findings if not f.waived]
    errors = sum(1 for f in unwaived if f.severity is Severity.ERROR)
    warnings = sum(1 for f in unwaived if f.severity is Severity.WARNING)
    verdict = "passed" if report.asset_passed(asset) else "failed"
    tier = asset.tier if asset.tier == asset.effective_tier else f"{asset.tier}->{asset.effective_tier}"
    return f"{asset.name} ({tier}, {asset.stage}): {verdict}, {_plural(errors, 'error')}, {_plural(warnings, 'warning')}"


def _finding_log(f: Finding) -> str:
    state = "waived" if f.waived else f.severity.value
    line = f"{state} {f.rule_id} {f.location} {f.message}"
    if f.waived_by is not None:
        line += f" (exception {f.waived_by.ticket}, expires {f.waived_by.expires})"
    return safe_line(line)


def log_groups(report: Report) -> list[tuple[str, list[str]]]:
    """The log: one group (title, lines) per asset with its requirements and findings."""
    groups: list[tuple[str, list[str]]] = []
    for asset in report.assets:
        lines = [safe_line(f"declaration {asset.path}")]
        lines += [safe_line(f"requirement {r.id}: {r.state.value}") for r in asset.requirements]
        lines += [_finding_log(f) for f in asset.findings]
        groups.append((_asset_title(asset, report), lines))
    orphans = [f for f in report.unattached if not f.rule_id.startswith("PG8")]
    if orphans:
        groups.append(("declarations that could not be checked", [_finding_log(f) for f in orphans]))
    undeclared = [f for f in report.unattached if f.rule_id.startswith("PG8")]
    if undeclared:
        groups.append(("undeclared AI", [_finding_log(f) for f in undeclared]))
    return groups


def write_log(report: Report, out: TextIO) -> None:
    """The groups, each body inside a stop-commands region: the runner acts on nothing
    a declaration wrote there, even if some neutralisation were missed. The group
    commands themselves stay outside, where the runner still reads them."""
    for title, lines in log_groups(report):
        out.write(group(title) + "\n")
        with hygiene.commands_stopped(out, enabled=True):
            out.writelines(line + "\n" for line in lines)
        out.write(endgroup() + "\n")


def verdict_line(report: Report) -> str:
    c = report.counts
    verdict = "passed" if report.passed else "FAILED"
    return safe_line(
        f"prodgate {report.gate} gate {verdict}: {_plural(c.errors, 'error')}, "
        f"{_plural(c.warnings, 'warning')}, {_plural(c.notes, 'note')}, {c.waived} waived "
        f"({_plural(len(report.assets), 'asset')} checked)"
    )


def outputs(report: Report) -> dict[str, str]:
    c = report.counts
    return {
        "passed": "true" if report.passed else "false",
        "errors": str(c.errors),
        "warnings": str(c.warnings),
        "notes": str(c.notes),
        "waived": str(c.waived),
        "assets": str(len(report.assets)),
    }


def write_github(report: Report, out: TextIO, env: Mapping[str, str]) -> None:
    """Log, annotations, then the summary and outputs when the runner provides the files."""
    write_log(report, out)
    for a in select(report.findings, change=report.change):
        out.write(a.command() + "\n")
    out.write(verdict_line(report) + "\n")
    problems = []
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary:
        path = Path(summary)
        used = path.stat().st_size if path.is_file() else 0
        budget = max(SUMMARY_LIMIT - used - 16 * 1024, 4096)
        problems.append(append_summary(path, render_markdown(report, budget, links_from_env(env, report.commit))))
    target = env.get("GITHUB_OUTPUT")
    if target:
        problems.append(write_outputs(target, outputs(report)))
    for problem in problems:
        if problem:
            out.write(annotation("warning", f"prodgate: {problem}") + "\n")


def render(report: Report, out: TextIO, *, color: bool = False) -> None:
    write_github(report, out, os.environ)
