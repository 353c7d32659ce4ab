"""Markdown: the job summary, the pull request comment and ``--format markdown``.

Per asset it shows the state of every requirement, the exceptions and when they expire,
each eval's metrics against their thresholds, then the findings with how to fix them.
Everything from a declaration is escaped, so a name cannot inject HTML, links, table
cells or ``@`` mentions. The output is cut between blocks to a byte budget (GitHub
drops a step summary above 1 MiB whole, and a comment above 65,536 characters), with a
note that says what was left out and where to find it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from prodgate.findings import Finding, Severity
from prodgate.hygiene import clean, visible
from prodgate.report import AssetResult, EvalSummary, ExceptionView, Report, State

SUMMARY_BYTES = 1024 * 1024 - 16 * 1024
"""The default budget: GitHub's 1 MiB step-summary cap, less room for other writers."""

MAX_FIELD = 2000
"""Longest single text (message, fix) shown; longer ones are cut with an ellipsis."""

_STATE = {
    State.MET: "✅ met",
    State.MISSING: "❌ missing",
    State.UNFILLED: "✏️ unfilled",
    State.FAILING: "❌ failing",
    State.WAIVED: "⏸️ waived",
}
_SEVERITY = {Severity.ERROR: "❌", Severity.WARNING: "⚠️", Severity.NOTE: "ℹ️"}  # noqa: RUF001
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def text(value: str, *, limit: int = MAX_FIELD) -> str:
    """Plain text safe in Markdown: one line, HTML and Markdown syntax escaped, no pings,
    invisible and bidirectional-control characters shown as escapes (``\\u202e``)."""
    value = visible(" ".join(value.split()))
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _SPECIAL.sub(r"\\\1", value)
    # A zero-width space after "@" keeps "@org/team" from notifying anyone.
    return value.replace("@", "@\u200b")


def code(value: str, *, in_table: bool = True) -> str:
    """An inline code span holding ``value`` literally (paths, rule ids, tickets), but
    for what :func:`prodgate.hygiene.clean` makes visible or disarms."""
    value = clean(" ".join(value.split())[:MAX_FIELD])
    fence = "`"
    while fence in value:
        fence += "`"
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    if in_table:
        value = value.replace("|", "\\|")
    return f"{fence}{pad}{value}{pad}{fence}"


def code_block(value: str, indent: str = "") -> str:
    """A fenced block for multi-line text such as a YAML snippet in a fix."""
    value = clean(value[: MAX_FIELD * 2])
    fence = "```"
    while fence in value:
        fence += "`"
    body = "\n".join(indent + line for line in value.splitlines())
    return f"{indent}{fence}text\n{body}\n{indent}{fence}\n"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def header(report: Report) -> str:
    c = report.counts
    icon, verdict = ("✅", "passed") if report.passed else ("❌", "failed")
    parts = [_plural(c.errors, "error"), _plural(c.warnings, "warning")]
    if c.notes:
        parts.append(_plural(c.notes, "note"))
    parts.append(f"{c.waived} waived")
    clean_assets = report.clean_assets
    lines = [
        f"## {icon} prodgate {text(report.gate)} gate {verdict}",
        "",
        f"**{' · '.join(parts)}** — {_plural(len(report.assets), 'asset')} checked, {clean_assets} clean"
        + (f"; failing on {report.fail_on.value}s and above" if report.fail_on is not Severity.ERROR else ""),
        "",
        f"Policy {code(report.policy_source, in_table=False)} (sha256 {code(report.policy_sha256[:12], in_table=False)})"
        + (f" · commit {code(report.commit[:12], in_table=False)}" if report.commit else "")
        + f" · today {report.today} · prodgate {text(report.version)}",
        "",
    ]
    if report.declarations == 0:
        lines += ["No `ai-asset.yaml` found" + ("." if report.findings else ": nothing to check."), ""]
    return "\n".join(lines) + "\n"


def asset_head(asset: AssetResult, report: Report) -> str:
    icon = "✅" if report.asset_passed(asset) else "❌"
    tier = text(asset.tier)
    if asset.effective_tier != asset.tier:
        tier = f"{tier} → {text(asset.effective_tier)} (risk floor)"
    out = [f"### {icon} {text(asset.name)}", ""]
    owner = f" · owner {text(asset.owner)}" if asset.owner else " · no owner"
    out += [f"{tier}, {text(asset.stage)} · {code(asset.path, in_table=False)}{owner}", ""]
    out += _requirements(asset)
    out += _exceptions(asset.exceptions)
    out += _evals(asset.evals)
    return "\n".join(out) + "\n"


def _requirements(asset: AssetResult) -> list[str]:
    if not asset.requirements:
        return ["No requirement applies at this tier, stage and gate.", ""]
    rows = ["| Requirement | State | Rules |", "|---|---|---|"]
    for r in asset.requirements:
        title = text(r.title)
        if r.reason:
            title += f"<br>*because {text(r.reason)}*"
        rules = ", ".join(code(rid) for rid in r.rule_ids)
        rows.append(f"| {title} | {_STATE[r.state]} | {rules} |")
    return [*rows, ""]


def _exceptions(exceptions: tuple[ExceptionView, ...]) -> list[str]:
    if not exceptions:
        return []
    rows = ["**Exceptions**", "", "| Requirement | Ticket | Expires | Status |", "|---|---|---|---|"]
    for e in exceptions:
        if not e.valid:
            status = "❌ not valid: waives nothing (see findings)"
        elif e.used:
            status = "⏸️ active: waives findings"
        else:
            status = "⚠️ active but unused"
        rows.append(f"| {text(e.requirement)} | {code(e.ticket)} | {text(e.expires)} | {status} |")
    return [*rows, ""]


def _evals(evals: tuple[EvalSummary, ...]) -> list[str]:
    if not evals:
        return []
    rows = ["**Evals**", "", "| Eval | Metric | Value | Threshold | Result |", "|---|---|---|---|---|"]
    for e in evals:
        name = f"{text(e.name)}<br>{code(e.results)}"
        extra = [x for x in (f"model {text(e.model)}" if e.model else "", f"run {text(e.run_at)}" if e.run_at else "") if x]
        if extra:
            name += "<br>" + " · ".join(extra)
        if not e.metrics:
            rows.append(f"| {name} | — | — | — | no metrics read |")
        for i, m in enumerate(e.metrics):
            value = "—" if m.value is None else f"{m.value:g}"
            result = {True: "✅ met", False: "❌ missed", None: "—"}[m.passed]
            threshold = code(m.threshold) if m.threshold else "—"
            rows.append(f"| {name if i == 0 else ''} | {text(m.name)} | {value} | {threshold} | {result} |")
    return [*rows, ""]


def finding_item(f: Finding) -> str:
    """One finding as a list item: icon, rule, place, message; the fix below it."""
    icon = "⏸️" if f.waived else _SEVERITY[f.severity]
    item = f"- {icon} **{f.rule_id}** {code(str(f.location), in_table=False)} {text(f.message)}"
    if f.waived_by is not None:
        w = f.waived_by
        return item + f" — *waived: exception {code(w.ticket, in_table=False)}, expires {text(w.expires)}*\n"
    if not f.fix:
        return item + "\n"
    if "\n" in f.fix.strip():
        return item + "\n\n  How to fix:\n\n" + code_block(f.fix.strip("\n"), indent="  ")
    return item + f"<br>How to fix: {text(f.fix)}\n"


@dataclass(frozen=True)
class _Block:
    text: str
    findings: int = 0
    asset: bool = False


def _blocks(report: Report) -> Iterator[_Block]:
    from prodgate.reporters.governance import governance_section
    from prodgate.reporters.undeclared import RULES as UNDECLARED_RULES
    from prodgate.reporters.undeclared import undeclared_section

    yield _Block(header(report))
    yield _Block(governance_section(report))
    for asset in report.assets:
        yield _Block(asset_head(asset, report), asset=True)
        if asset.findings:
            yield _Block("**Findings**\n\n")
            for f in asset.findings:
                yield _Block(finding_item(f), findings=1)
            yield _Block("\n")
    yield _Block(undeclared_section(report))
    orphans = [f for f in report.unattached if f.rule_id not in UNDECLARED_RULES]
    if orphans:
        yield _Block("### ❌ Declarations that could not be checked\n\n", asset=True)
        for f in orphans:
            yield _Block(finding_item(f), findings=1)
        yield _Block("\n")
    if report.hint_rule:
        yield _Block(
            f"Run `prodgate explain {report.hint_rule}` (or any rule id) for what a rule checks and how to fix it.\n"
        )


def render_markdown(report: Report, max_bytes: int = SUMMARY_BYTES) -> str:
    """The whole Markdown report, cut between blocks so that it fits ``max_bytes``."""
    out: list[str] = []
    used = 0
    blocks = list(_blocks(report))
    note_room = 400
    for i, block in enumerate(blocks):
        size = len(block.text.encode("utf-8"))
        if used + size + note_room > max_bytes:
            rest = blocks[i:]
            findings = sum(b.findings for b in rest)
            assets = sum(1 for b in rest if b.asset)
            where = f" in {_plural(assets, 'more asset')}" if assets else ""
            out.append(
                f"\n> **Truncated** to fit GitHub's size limit: {_plural(findings, 'more finding')}"
                f"{where} not shown here. The JSON report lists every finding.\n"
            )
            break
        out.append(block.text)
        used += size
    return "".join(out)


def render(report: Report, out: TextIO, *, color: bool = False) -> None:
    out.write(render_markdown(report))
