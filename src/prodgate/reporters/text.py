"""Human output: findings grouped by asset, one ``file:line:col RULE message`` line each
(the shape editors and terminals turn into links), the fix under it, a verdict last."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, TextIO

from prodgate.findings import Finding, Severity
from prodgate.hygiene import clean

if TYPE_CHECKING:  # `prodgate validate` uses finding_line and never builds a report
    from prodgate.report import Report

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.NOTE: "\033[36m"}
_BOLD, _DIM, _RESET, _GREEN = "\033[1m", "\033[2m", "\033[0m", "\033[32m"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def finding_line(f: Finding, color: bool = False) -> str:
    """``file:line:col RULE message``; non-errors say their severity before the text.

    Everything but the colour codes goes through :func:`prodgate.hygiene.clean`: a
    path or message cannot move the cursor, hide text or issue a workflow command.
    """
    sev = "" if f.severity is Severity.ERROR else f"{f.severity.value}: "
    head = clean(f"{f.location} {f.rule_id}")
    if color:
        head = f"{_COLORS[f.severity]}{head}{_RESET}"
    text = f"{head} {sev}{clean(f.message)}"
    if f.waived_by is not None:
        w = f.waived_by
        text += clean(f" [waived: exception {w.ticket}, expires {w.expires}]")
    return text


def render(report: Report, out: TextIO, *, color: bool = False) -> None:
    if report.declarations == 0:
        rest = "" if report.findings else "; nothing to check"
        out.write(f"prodgate: no ai-asset.yaml found{rest}.\n")
    groups: list[tuple[str, list[Finding]]] = []
    for asset in sorted(report.assets, key=lambda a: (a.name, a.path)):
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
            why = "undeclared AI: no ai-asset.yaml covers this file"
        elif by_file[path][0].rule_id == "PG106":
            why = "not read: not named ai-asset.yaml"
        else:
            why = "not checked: the declaration does not load"
        groups.append((clean(f"{path} ({why})"), by_file[path]))
    for title, findings in groups:
        out.write(f"{_BOLD}{title}{_RESET}\n" if color else f"{title}\n")
        for f in findings:
            out.write(f"  {finding_line(f, color)}\n")
            if f.fix and not f.waived:
                fix = clean(f.fix).replace("\n", "\n         ")
                out.write(f"    {_DIM}fix: {fix}{_RESET}\n" if color else f"    fix: {fix}\n")
    c = report.counts
    verdict = "passed" if report.passed else "FAILED"
    if color:
        verdict = f"{_GREEN if report.passed else _COLORS[Severity.ERROR]}{_BOLD}{verdict}{_RESET}"
    parts = [_plural(c.errors, "error"), _plural(c.warnings, "warning")]
    if c.notes:
        parts.append(_plural(c.notes, "note"))
    if c.waived:
        parts.append(f"{c.waived} waived")
    out.write(
        f"prodgate {report.gate} gate {verdict}: {', '.join(parts)} "
        f"({_plural(report.declarations, 'declaration')}, {_plural(len(report.assets), 'asset')} checked, "
        f"{report.clean_assets} clean; policy {clean(report.policy_source)})\n"
    )
    # Findings are sorted most severe first: explain the rule that matters most.
    if report.hint_rule:
        out.write(f"See `prodgate explain {report.hint_rule}` for what a rule checks and how to fix it.\n")
