"""Human output: findings grouped by asset, one ``file:line:col RULE severity: message``
line each (the shape editors and terminals turn into links), the fix under it, a verdict
last. On a terminal, long lines wrap under their finding instead of at column 0."""

from __future__ import annotations

import shutil
import textwrap
from collections import defaultdict
from typing import TYPE_CHECKING, TextIO

from prodgate.findings import Finding, Severity
from prodgate.hygiene import clean
from prodgate.reporters import natural_key

if TYPE_CHECKING:  # `prodgate validate` uses finding_line and never builds a report
    from prodgate.report import Report

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.NOTE: "\033[36m"}
_BOLD, _RESET, _GREEN = "\033[1m", "\033[0m", "\033[32m"

FINDING, MORE, FIX = "  ", "      ", "    "
"""Indents: a finding, its wrapped lines, its fix (whose own lines align after ``fix: ``)."""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _head(f: Finding, color: bool) -> str:
    head, label = clean(f"{f.location} {f.rule_id}"), f"{f.severity.value}:"
    if color:
        return f"{_COLORS[f.severity]}{head}{_RESET} {_COLORS[f.severity]}{_BOLD}{label}{_RESET}"
    return f"{head} {label}"


def finding_line(f: Finding, color: bool = False) -> str:
    """``file:line:col RULE severity: message``; every severity is labelled.

    Everything but the colour codes goes through :func:`prodgate.hygiene.clean`: a
    path or message cannot move the cursor, hide text or issue a workflow command.
    """
    text = f"{_head(f, color)} {clean(f.message)}"
    if f.waived_by is not None:
        w = f.waived_by
        text += clean(f" [waived: exception {w.ticket}, expires {w.expires}]")
    return text


def _wrap(line: str, first: str, rest: str, width: int | None) -> str:
    """``line`` indented by ``first``, wrapped to ``width`` with ``rest`` before each
    continuation; unwrapped when the width is unknown (pipes, CI logs, editors)."""
    if not width:
        return first + line
    return "\n".join(
        textwrap.wrap(line, width=max(width, 40), initial_indent=first, subsequent_indent=rest,
                      break_long_words=False, break_on_hyphens=False)
    ) or first


def _fix_lines(fix: str, color: bool, width: int | None) -> str:
    label = f"{_BOLD}fix:{_RESET}" if color else "fix:"
    lines = clean(fix).strip("\n").splitlines() or [""]
    pad = FIX + " " * len("fix: ")
    if len(lines) > 1:  # YAML: keep its own line breaks and indentation
        return "\n".join([f"{FIX}{label} {lines[0]}", *(pad + ln for ln in lines[1:])])
    wrapped = _wrap(lines[0], FIX + "fix: ", pad, width)
    return wrapped.replace("fix:", label, 1)


def render_text(report: Report, out: TextIO, *, color: bool = False, width: int | None = None) -> None:
    if report.declarations == 0:
        rest = "" if report.findings else "; nothing to check"
        what = "no changed file belongs to an asset" if report.changed_only else "no ai-asset.yaml found"
        out.write(f"prodgate: {what}{rest}.\n")
    groups: list[tuple[str, list[Finding]]] = []
    for asset in sorted(report.assets, key=lambda a: (natural_key(a.name), a.path)):
        if asset.findings:
            tier = asset.tier if asset.tier == asset.effective_tier else f"{asset.tier}->{asset.effective_tier}"
            groups.append((clean(f"{asset.name} ({tier}, {asset.stage}) {asset.path}"), list(asset.findings)))
    # Findings of a declaration that did not load have no asset: group them by file.
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in report.unattached:
        by_file[f.location.path].append(f)
    for path in sorted(by_file):
        if all(f.rule_id.startswith("PG7") for f in by_file[path]):
            why = "changes to governance, compared with the base commit"
        elif all(f.rule_id.startswith("PG8") for f in by_file[path]):
            why = "AI use no declaration covers"
        elif by_file[path][0].rule_id == "PG106":
            why = "not read: not named ai-asset.yaml"
        else:
            why = "not checked: the declaration does not load"
        groups.append((clean(f"{path} ({why})"), by_file[path]))
    for title, findings in groups:
        out.write(f"{_BOLD}{title}{_RESET}\n" if color else f"{title}\n")
        for f in findings:
            # Wrap the plain line, then colour its head: escape codes take no room on screen.
            line = _wrap(finding_line(f), FINDING, MORE, width)
            if color:
                line = line.replace(_head(f, False), _head(f, True), 1)
            out.write(line + "\n")
            if f.fix and not f.waived:
                out.write(_fix_lines(f.fix, color, width) + "\n")
    out.write(summary_line(report, color) + "\n")
    # Findings are sorted most severe first: explain the rule that matters most.
    if report.hint_rule:
        out.write(f"See `prodgate explain {report.hint_rule}` for what a rule checks and how to fix it.\n")


def summary_line(report: Report, color: bool = False) -> str:
    """One line, each fact once: ``… FAILED: 48 errors, 0 warnings (12 assets checked, 0 clean; …)``."""
    c = report.counts
    verdict = "passed" if report.passed else "FAILED"
    if color:
        verdict = f"{_GREEN if report.passed else _COLORS[Severity.ERROR]}{_BOLD}{verdict}{_RESET}"
    parts = [_plural(c.errors, "error"), _plural(c.warnings, "warning")]
    if c.notes:
        parts.append(_plural(c.notes, "note"))
    if c.waived:
        parts.append(f"{c.waived} waived")
    if c.advisory:
        parts.append(f"{c.advisory} advisory (not blocking yet)")
    scope = [f"{_plural(len(report.assets), 'asset')} checked"]
    unloaded = report.declarations - len(report.assets)
    if unloaded > 0:
        scope.append(f"{_plural(unloaded, 'declaration')} not loaded")
    scope.append(f"{report.clean_assets} clean")
    return f"prodgate {report.gate} gate {verdict}: {', '.join(parts)} ({', '.join(scope)}; policy {clean(report.policy_title)} from {clean(report.policy_source)}, sha256 {report.policy_sha256[:12]})"


def render(report: Report, out: TextIO, *, color: bool = False) -> None:
    width = shutil.get_terminal_size((0, 0)).columns if out.isatty() else None
    render_text(report, out, color=color, width=width or None)
