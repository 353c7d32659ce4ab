"""Markdown: the job summary, the pull request comment and ``--format markdown``.

A reader should know in one screen what fails and what to do. So the report opens with
the verdict and one overview table (one row per asset, failing first, names in natural
order, the first blocking requirement as the next step), then each fix once with the
assets that need it, then per-asset details in ``<details>`` sections (open only when
few assets fail; assets that pass with nothing to say take their row and nothing else).

The document is a list of sections, each a small function, composed in ``SECTIONS``:
a new section is one function and one entry there. Sections yield blocks that carry
what they would cost to leave out; :func:`fit` cuts details first, then the grouped
fixes, then (only for thousands of assets) overview rows, and says exactly how many
assets and findings were left out and where the rest is.

Everything from a declaration is escaped by :mod:`prodgate.reporters.markdown_text`,
which the sections with modules of their own (governance, undeclared AI) share.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

from prodgate.findings import Finding, Location, Severity
from prodgate.manifest.model import EFFECTS
from prodgate.report import AssetResult, EvalSummary, MetricResult, Report, RequirementResult, State
from prodgate.reporters import natural_key
from prodgate.reporters.governance import governance_section
from prodgate.reporters.links import Links, links_from_env
from prodgate.reporters.markdown_text import (
    SEVERITY_ICON,
    YAML_START,
    code,
    code_block,
    finding_item,
    fix_markdown,
    is_yaml_fix,
    place,
    rich,
    rule_link,
    text,
)
from prodgate.reporters.undeclared import RULES as UNDECLARED_RULES
from prodgate.reporters.undeclared import undeclared_section

SUMMARY_BYTES = 1024 * 1024 - 16 * 1024
"""The default budget: GitHub's 1 MiB step-summary cap, less room for other writers."""

COMMENT_CHARS = 65536 - 200
"""GitHub's comment limit in characters, less room for the comment's hidden marker."""

OPEN_DETAILS = 3
"""Per-asset details start open when at most this many assets fail."""

GROUP_NAMES = 6
"""Asset names listed in a grouped fix before "…"."""

CUT_NAMES = 20
"""Assets the note on cut details names before "and N more"."""

def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ---------------------------------------------------------------------------------------
# What sections see


@dataclass(frozen=True)
class Row:
    """One line of the overview: a checked asset, or a declaration that did not load."""

    key: str
    name: str
    path: str
    findings: tuple[Finding, ...]
    passed: bool
    asset: AssetResult | None = None
    owner: str | None = None
    anchor: str = ""
    """The ``id`` of its details, which the overview links to (unique in the document)."""

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity and not f.waived and not f.advisory)

    @property
    def waived(self) -> int:
        return sum(1 for f in self.findings if f.waived)

    @property
    def quiet(self) -> bool:
        """Passes with nothing to disclose: one overview row and nothing else."""
        return self.passed and not self.findings and not (self.asset and self.asset.exceptions)


@dataclass(frozen=True)
class View:
    report: Report
    links: Links
    rows: tuple[Row, ...]
    groups: tuple[Group, ...]
    others: tuple[Finding, ...] = ()
    """Findings about the run rather than one declaration (changes to governance,
    undeclared AI use): sections of their own, never overview rows."""
    causes: tuple[Cause, ...] = ()
    """What blocks, one entry per root cause: the "To unblock" list."""

    @property
    def listed(self) -> frozenset[int]:
        """The findings (by ``id``) whose fix a list above the details already gives (not
        those a risk floor's entry folds in: their own fixes stay in the details)."""
        grouped = self.groups if self.grouped else ()
        return frozenset(id(f) for c in self.causes for f in c.findings) | frozenset(
            id(f) for g in grouped for f in g.findings
        )

    @property
    def failing(self) -> int:
        return sum(1 for r in self.rows if not r.passed)

    @property
    def grouped(self) -> bool:
        """Fixes that do not block are listed once, by rule, when more than one asset has findings."""
        return bool(self.groups) and sum(1 for r in self.rows if r.findings) > 1


@dataclass(frozen=True)
class Group:
    """Findings of one rule with one fix, across assets."""

    rule_id: str
    severity: Severity
    waived: bool
    fix: str
    title: str
    names: tuple[str, ...]
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Cause:
    """One thing to do to unblock: the findings one fix settles."""

    where: tuple[str, ...]
    """The assets (or, outside any asset, the files) it concerns."""
    owners: tuple[str, ...]
    fix: str
    findings: tuple[Finding, ...]
    folded: tuple[tuple[str, Finding], ...] = ()
    """For a risk floor (PG401): the findings of the requirements it added, with each
    requirement's title. They are one cause with it: the tier, or the risk facts."""
    raise_to: str = ""
    """For a risk floor: the tier the risk facts demand."""

    @property
    def title(self) -> str:
        """The cause in a few words, for the overview's "Next step"."""
        from prodgate.rules.registry import RULES

        if self.raise_to:
            return f"raise the tier to {self.raise_to} (risk floor)"
        rule = RULES.get(self.findings[0].rule_id)
        return rule.title if rule else self.findings[0].rule_id


FLOOR_RULE = "PG401"
"""The tier is below what the risk facts demand: the requirements that only the higher
tier has are its consequences, not causes of their own."""


_COMMAND = re.compile(r"`((?:prodgate|git) [^`\n]+)`")


def _causes(report: Report) -> list[Cause]:
    """The blocking findings grouped by what fixes them: in one asset, every finding whose
    fix is the same (or is ``prodgate init --add-missing``, which writes all that is missing
    at once) is one cause; a risk floor is one cause with the requirements it added. The
    change's own first, root causes (risk floors) first among them; waived and
    pre-existing ones never."""
    owners = {a.name: a.owner for a in report.assets}
    floors = {
        a.name: (f, a) for a in report.assets for f in a.findings
        if f.rule_id == FLOOR_RULE and report.blocks(f)
    }
    folded: dict[str, list[tuple[str, Finding]]] = {}
    for name, (_, a) in floors.items():
        raised = {r.id: r.title for r in a.requirements if r.by_floor}
        folded[name] = [
            (raised[f.requirement], f) for f in a.findings
            if f.requirement in raised and f.rule_id != FLOOR_RULE and report.blocks(f)
        ]
    inside = {id(f) for fs in folded.values() for _, f in fs}
    found: dict[tuple[str, str], list[Finding]] = {}
    ordered = sorted(
        (f for f in report.findings if report.blocks(f) and id(f) not in inside),
        key=lambda f: (f.pre_existing, f.rule_id != FLOOR_RULE),
    )
    for f in ordered:
        command = _COMMAND.search(f.fix)
        if f.rule_id == FLOOR_RULE and f.asset in floors:
            key = (f.asset, FLOOR_RULE)
        elif command and "init --add-missing" in command[1]:
            key = (f.asset or f.location.path, "init --add-missing")
        else:
            # The same fix word for word in several assets (add a business owner) is one
            # cause with the assets it concerns; a fix without words is its own.
            key = ("", f.fix.strip() or str(id(f)))
        found.setdefault(key, []).append(f)
    causes = []
    for (asset, kind), fs in found.items():
        floor = kind == FLOOR_RULE and asset in floors
        causes.append(Cause(
            tuple(sorted(dict.fromkeys(f.asset or f.location.path for f in fs), key=natural_key)),
            tuple(dict.fromkeys(o for f in fs if (o := owners.get(f.asset or "")))),
            fs[0].fix.strip(), tuple(fs),
            tuple(folded[asset]) if floor else (),
            floors[asset][1].effective_tier if floor else "",
        ))
    return causes


def build_view(report: Report, links: Links) -> View:
    rows: list[Row] = [
        Row(a.path, a.name, a.path, a.findings, report.asset_passed(a), a, a.owner) for a in report.assets
    ]
    by_file: dict[str, list[Finding]] = {}
    others: list[Finding] = []
    for f in report.unattached:
        if f.rule_id.startswith(DECLARATION_RULES):
            by_file.setdefault(f.location.path, []).append(f)
        elif f.rule_id not in GOVERNANCE_RULES and f.rule_id not in UNDECLARED_RULES:
            others.append(f)
    rows += [Row(path, path, path, tuple(fs), not any(report.blocks(f) for f in fs)) for path, fs in by_file.items()]
    rows.sort(key=lambda r: (r.passed, natural_key(r.name), r.path))
    rows = _anchored(rows)
    causes = tuple(_causes(report))
    listed = {id(f) for c in causes for f in (*c.findings, *(f for _, f in c.folded))}
    return View(report, links, tuple(rows), tuple(_groups(rows, report, listed)), tuple(others), causes)


def _anchored(rows: list[Row]) -> list[Row]:
    """Each row with an ``id`` for its details: ``pg-`` and the name as a slug, numbered
    when two slugs meet. GitHub keeps such ids (prefixed ``user-content-``, which its
    pages resolve for ``#pg-…`` links)."""
    seen: set[str] = set()
    out = []
    for row in rows:
        base = "pg-" + (re.sub(r"[^a-z0-9]+", "-", row.name.lower()).strip("-") or "asset")
        anchor, n = base, 1
        while anchor in seen:
            n += 1
            anchor = f"{base}-{n}"
        seen.add(anchor)
        out.append(dataclasses.replace(row, anchor=anchor))
    return out


GOVERNANCE_RULES = frozenset({"PG702", "PG703"})
"""Shown by the "Changes to governance" section (policy edits, removed declarations)."""

DECLARATION_RULES = ("PG1",)
"""Findings outside any asset from these rules are declarations that did not load: each
file gets an overview row of its own."""


def _groups(rows: Sequence[Row], report: Report, listed: set[int]) -> Iterator[Group]:
    """Fixes by rule for what does not block (warnings, notes): what blocks is in the
    "To unblock" list, and waived or pre-existing findings are not a fix to make here."""
    from prodgate.rules.registry import RULES

    found: dict[tuple[bool, int, str, str], list[tuple[Row, Finding]]] = {}
    for row in rows:
        for f in row.findings:
            if id(f) in listed or f.waived or f.pre_existing or not f.fix.strip():
                continue
            fix = "" if f.waived else f.fix.strip()
            found.setdefault((f.waived, f.severity.rank, f.rule_id, fix), []).append((row, f))
    for (waived, _, rule_id, fix), items in sorted(found.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])):
        rule = RULES.get(rule_id)
        names = tuple(dict.fromkeys(row.name for row, _ in items))
        yield Group(rule_id, items[0][1].severity, waived, fix, rule.title if rule else rule_id, names,
                    tuple(f for _, f in items))


# ---------------------------------------------------------------------------------------
# Blocks and fitting


@dataclass(frozen=True)
class Block:
    """A piece of the document. ``cut`` is the order of leaving out (0: never; higher
    goes first, from the end); ``key``, ``findings`` and ``rows`` say what leaving it
    out hides. A ``closes`` block (``</details>``) stays exactly when the block that
    opened it with the same ``key`` stays."""

    text: str
    cut: int = 0
    key: str = ""
    findings: int = 0
    rows: int = 0
    closes: bool = False
    name: str = ""
    """The asset whose details this is, named by the note when they are cut."""


KEEP, ROW, GROUP, DETAIL = 0, 1, 2, 3

Section = Callable[[View], Iterator[Block]]


def fit(blocks: Sequence[Block], limit: int, where: str, measure: Callable[[str], int] = len) -> str:
    """The blocks joined, leaving out the most expendable ones from the end until the
    document and a note on what is missing fit ``limit``."""
    kept = list(blocks)
    dropped: list[Block] = []

    def note() -> str:
        if not dropped:
            return ""
        findings = sum(b.findings for b in dropped)
        assets = {b.key for b in dropped if b.key and not b.closes and not b.rows}
        rows = sum(b.rows for b in dropped)
        parts = []
        if findings or assets:
            parts.append(
                f"{_plural(findings, 'finding')} in {_plural(len(assets), 'asset')} "
                f"{'is' if findings == 1 else 'are'} not shown here"
            )
        if rows:
            parts.append(f"{_plural(rows, 'asset')} {'is' if rows == 1 else 'are'} missing from the overview")
        if any(b.cut == GROUP for b in dropped):
            parts.append("the list of fixes is left out")
        names = sorted(dict.fromkeys(b.name for b in dropped if b.name), key=natural_key)
        cut = (
            f" Details cut: {', '.join(text(n) for n in names[:CUT_NAMES])}"
            f"{f' and {len(names) - CUT_NAMES} more' if len(names) > CUT_NAMES else ''}."
            if names else ""
        )
        return f"> **Cut to fit GitHub's size limit:** {'; '.join(parts)}. {where}{cut}\n\n"

    size = sum(measure(b.text) for b in kept)
    while size + measure(note()) > limit:
        candidates = [i for i, b in enumerate(kept) if b.cut]
        if not candidates:
            break
        worst = max(kept[i].cut for i in candidates)
        i = max(i for i in candidates if kept[i].cut == worst)
        block = kept.pop(i)
        size -= measure(block.text)
        dropped.append(block)
        if not block.findings and not block.rows and block.key:
            # An opening block went: its closing tag goes with it.
            for j in range(len(kept) - 1, -1, -1):
                if kept[j].closes and kept[j].key == block.key:
                    size -= measure(kept.pop(j).text)
                    break
    if dropped:
        # The note comes first, under the verdict: a reader learns what is missing, and
        # which assets lost their details, before reading anything else.
        kept.insert(min(1, len(kept)), Block(note()))
    return "".join(b.text for b in kept)


# ---------------------------------------------------------------------------------------
# Sections


def verdict(view: View) -> Iterator[Block]:
    report = view.report
    c = report.counts
    icon, word = ("✅", "passed") if report.passed else ("❌", "failed")
    assets = len(view.rows)
    scope = f" — {view.failing} of {_plural(assets, 'asset')} blocked" if view.failing else (
        f" — {_plural(assets, 'asset')}" if assets else ""
    )
    parts = [_plural(c.errors, "error"), _plural(c.warnings, "warning")]
    if c.notes:
        parts.append(_plural(c.notes, "note"))
    parts.append(f"{c.waived} waived")
    if c.advisory:
        parts.append(f"{c.advisory} advisory")
    if any(f.baseline for f in report.findings):
        old = sum(1 for f in report.findings if f.pre_existing and not f.waived)
        parts.append(f"{old} already failing at the base")
    fail_on = f" · failing on {report.fail_on.value}s and above" if report.fail_on is not Severity.ERROR else ""
    label = report.change.tested if report.change is not None and report.change.pull_head else "commit"
    commit = f" · {label} {code(report.commit[:12], in_table=False)}" if report.commit else ""
    lines = [
        f"## {icon} prodgate {text(report.gate)} gate {word}{scope}",
        "",
        f"**{' · '.join(parts)}**{fail_on} · policy {text(report.policy_title)} from {code(report.policy_source, in_table=False)} "
        f"(sha256 {code(report.policy_sha256[:12], in_table=False)}){commit} · today {report.today} · "
        f"prodgate {text(report.version)}",
        "",
    ]
    if report.declarations == 0:
        lines += ["No `ai-asset.yaml` found" + ("." if report.findings else ": nothing to check."), ""]
    yield Block("\n".join(lines) + "\n")


PASSING_ROWS = 5
"""Assets that pass with nothing to say keep their overview rows up to this many; more
collapse to one line under the table, so a large repository's overview lists what fails."""


def overview(view: View) -> Iterator[Block]:
    if not view.rows:
        return
    quiet = [r for r in view.rows if r.quiet]
    collapsed = len(quiet) > PASSING_ROWS
    rows = [r for r in view.rows if not (collapsed and r.quiet)]
    if rows:
        yield Block("| | Asset | Errors | Warnings | Waived | Next step | Owner |\n|---|---|--:|--:|--:|---|---|\n")
    for row in rows:
        # Passing this gate with findings already failing at the base: not a green tick.
        status = "❌" if not row.passed else "⏳" if any(f.pre_existing and not f.waived for f in row.findings) else "✅"
        name = text(row.name) if row.asset else code(row.name)
        owner = text(row.owner) if row.owner else "—"
        # A row with details links to them: in a long overview the way to what fails.
        name = f"**{name}**" if row.quiet else f"[**{name}**](#{row.anchor})"
        cells = [status, name, str(row.count(Severity.ERROR)), str(row.count(Severity.WARNING)),
                 str(row.waived), _next_step(row, view.causes), owner]
        yield Block("| " + " | ".join(cells) + " |\n", ROW, rows=1)
    yield Block("\n")
    if collapsed:
        names = ", ".join(text(r.name) for r in quiet[:CUT_NAMES])
        more = f" and {len(quiet) - CUT_NAMES} more" if len(quiet) > CUT_NAMES else ""
        yield Block(f"✅ **{_plural(len(quiet), 'more asset')} pass** with nothing to report: {names}{more}.\n\n")


ROLLUP_FAILING = 5
"""The rollups by rule and by owner appear when more than this many assets fail: for a
few, the overview's rows say it all."""

ROLLUP_ROWS = 10
"""Rows of each rollup before "N more"."""


def rollups(view: View) -> Iterator[Block]:
    """What blocks, counted by rule and by owner: in a large repository, which rule to
    explain once and whom to ask, before the long list of assets."""
    failing = [r for r in view.rows if not r.passed]
    if len(failing) <= ROLLUP_FAILING:
        return
    from prodgate.rules.registry import RULES

    by_rule: dict[str, tuple[set[str], int]] = {}
    by_owner: dict[str, tuple[set[str], int]] = {}
    for row in failing:
        for f in row.findings:
            if not view.report.blocks(f):
                continue
            for table, key in ((by_rule, f.rule_id), (by_owner, row.owner or "")):
                seen, n = table.get(key, (set(), 0))
                seen.add(row.key)
                table[key] = (seen, n + 1)

    def ranked(table: dict[str, tuple[set[str], int]]) -> list[tuple[str, int, int]]:
        return sorted(((k, len(a), n) for k, (a, n) in table.items()), key=lambda t: (-t[1], -t[2], natural_key(t[0])))

    rule_rows = ["**Blocking, by rule**\n\n| Rule | What | Assets | Findings |\n|---|---|--:|--:|\n"]
    for rule_id, assets, n in ranked(by_rule)[:ROLLUP_ROWS]:
        rule = RULES.get(rule_id)
        rule_rows.append(f"| {rule_link(rule_id, view.links)} | {text(rule.title) if rule else ''} | {assets} | {n} |\n")
    owner_rows = ["**Blocking, by owner**\n\n| Owner | Assets | Findings |\n|---|--:|--:|\n"]
    for owner, assets, n in ranked(by_owner)[:ROLLUP_ROWS]:
        owner_rows.append(f"| {text(owner) if owner else 'no owner'} | {assets} | {n} |\n")
    cells = []
    for rows, table in ((rule_rows, by_rule), (owner_rows, by_owner)):
        more = len(table) - ROLLUP_ROWS
        cells.append("".join(rows) + (f"\n{more} more; the JSON report has all.\n" if more > 0 else ""))
    # Side by side (an HTML table whose cells hold Markdown, blank lines around it, as
    # GitHub renders it): half the height in front of the overview.
    yield Block(
        "<table><tr><td valign=\"top\">\n\n" + cells[0] + "\n</td><td valign=\"top\">\n\n" + cells[1]
        + "\n</td></tr></table>\n\n", GROUP,
    )


def _next_step(row: Row, causes: Sequence[Cause]) -> str:
    """The first thing to do: the asset's first cause in the "To unblock" list (a risk
    floor before what it raised), named as a cause, not as a requirement's state."""
    if row.passed:
        return "already failing at the base (not blocking)" if any(
            f.pre_existing and not f.waived for f in row.findings
        ) else "—"
    mine = {id(f) for f in row.findings}
    causes = [c for c in causes if any(id(f) in mine for f in c.findings)]
    if not causes:
        return "—"
    more = f" (+{len(causes) - 1} more)" if len(causes) > 1 else ""
    if row.asset is None:
        return f"fix the declaration: {text(causes[0].title)}{more}"
    return f"{text(causes[0].title)}{more}"


def grouped_fixes(view: View) -> Iterator[Block]:
    if not view.grouped:
        return
    total = sum(len(g.findings) for g in view.groups)
    fixes = f"{len(view.groups)} fix{'' if len(view.groups) == 1 else 'es'}"
    yield Block(f"### Also worth fixing: {fixes} for {_plural(total, 'finding')} that do not block\n\n", GROUP)
    for g in view.groups:
        yield Block(_group_item(g, view.links), GROUP, findings=0)
    yield Block("\n", GROUP)


def _group_item(g: Group, links: Links) -> str:
    icon = "⏸️" if g.waived else SEVERITY_ICON[g.severity]
    names = ", ".join(text(n) if not n.endswith((".yaml", ".yml")) else code(n, in_table=False)
                      for n in g.names[:GROUP_NAMES])
    if len(g.names) > GROUP_NAMES:
        names += ", …"
    count = f" ({len(g.names)})" if len(g.names) > 1 else ""
    repeated = f", {len(g.findings)} places" if len(g.findings) > len(g.names) else ""
    head = f"- {icon} {rule_link(g.rule_id, links)} {text(g.title)} — {names}{count}{repeated}"
    if g.waived:
        w = g.findings[0].waived_by
        assert w is not None
        return head + f" — *waived: exception {code(w.ticket, in_table=False)}, expires {text(w.expires)}*\n"
    if not g.fix:
        return head + "\n"
    return head + fix_markdown(g.fix, indent="  ")


def details(view: View) -> Iterator[Block]:
    shown = [r for r in view.rows if not r.quiet]
    if not shown:
        return
    yield Block("---\n\n", KEEP)
    open_ = view.failing <= OPEN_DETAILS
    for row in shown:
        yield from _asset_details(row, view, open_ and not row.passed)


def _asset_details(row: Row, view: View, open_: bool) -> Iterator[Block]:
    report = view.report
    counts = [_plural(row.count(Severity.ERROR), "error"), _plural(row.count(Severity.WARNING), "warning")]
    if row.waived:
        counts.append(f"{row.waived} waived")
    icon = "✅" if row.passed else "❌"
    a = row.asset
    if a is not None:
        tier = text(a.tier) if a.effective_tier == a.tier else f"{text(a.tier)} → {text(a.effective_tier)} (risk floor)"
        summary = f"{icon} <b>{text(a.name)}</b> · {tier}, {text(a.stage)}{_agent_effects(a)} · {', '.join(counts)}"
    else:
        summary = f"{icon} <b>{text(row.path)}</b> · not checked: the declaration does not load · {', '.join(counts)}"
    out = [f"<details{' open' if open_ else ''}>\n<summary><a id=\"{row.anchor}\"></a>{summary}</summary>\n\n"]
    if a is not None:
        owner = f"owner {text(a.owner)}" if a.owner else "no owner"
        out.append(f"{place(Location(a.path), view.links)} · {owner}\n\n")
        out += _agent_reach(a)
        out += _requirements(a, report, view.links)
        out += _exceptions(a)
        out += _evals(a.evals, view.links, _stale(a))
    if row.findings:
        out.append("**Findings**\n\n")
    yield Block("".join(out), DETAIL, row.key, name=row.name)
    for f in row.findings:
        yield Block(_finding_item(f, view), DETAIL, row.key, findings=1, name=row.name)
    yield Block("\n</details>\n\n", KEEP, row.key, closes=True)


def _agent_effects(a: AssetResult) -> str:
    """`` · agent: payment (unconfirmed), read`` beside the tier: what the agent's tools
    can do, strongest first, and which of it no person confirms; "" for no agent."""
    agent = a.declaration.asset.agent if a.declaration is not None else None
    if agent is None or not (agent.tools or agent.mcp_servers):
        return ""
    effects = sorted({t.effect for t in agent.tools}, key=EFFECTS.index, reverse=True)
    unconfirmed = {t.effect for t in agent.tools if t.approval == "none" and t.effect != "read"}
    shown = [f"{e} (unconfirmed)" if e in unconfirmed else e for e in effects]
    servers = len(agent.mcp_servers)
    if servers:
        shown.append(_plural(servers, "MCP server"))
    return " · agent: " + text(", ".join(shown))


def _agent_reach(a: AssetResult) -> list[str]:
    """The agent's tools and MCP servers, one line each, under the asset's heading."""
    agent = a.declaration.asset.agent if a.declaration is not None else None
    if agent is None:
        return []
    out = []
    if agent.tools:
        tools = "; ".join(
            f"{code(t.name, in_table=False)} {text(t.effect)}, "
            f"{'a person confirms each call' if t.approval == 'human' else 'no approval'}"
            for t in agent.tools
        )
        out.append(f"Agent tools: {tools}\n\n")
    if agent.mcp_servers:
        servers = "; ".join(
            f"{code(s.name, in_table=False)} from {code(s.source, in_table=False)}"
            + (f" ({text(', '.join(s.access))})" if s.access else "")
            for s in agent.mcp_servers
        )
        out.append(f"MCP servers: {servers}\n\n")
    return out


_STATE_WORD = {
    State.MET: "met",
    State.MISSING: "missing",
    State.UNFILLED: "unfilled",
    State.FAILING: "failing",
    State.WAIVED: "waived",
}


def _requirement_findings(r: RequirementResult, asset: AssetResult) -> list[Finding]:
    mine = [f for f in asset.findings if f.rule_id in r.rule_ids and f.requirement == r.id]
    return mine or [f for f in asset.findings if f.rule_id in r.rule_ids]


def _requirement_icon(r: RequirementResult, asset: AssetResult, report: Report) -> str:
    """❌ when the requirement blocks this gate, ⚠️ when it only warns, ✅/⏸️ otherwise."""
    if r.state is State.MET:
        return "✅"
    if r.state is State.WAIVED:
        return "⏸️"
    related = _requirement_findings(r, asset)
    if any(report.blocks(f) for f in related):
        return "❌"
    return "⚠️"


def _requirements(asset: AssetResult, report: Report, links: Links) -> list[str]:
    if not asset.requirements:
        return ["No requirement applies at this tier, stage and gate.\n\n"]
    rows = ["| Requirement | State | Rules |\n|---|---|---|\n"]
    for r in asset.requirements:
        title = f"{text(r.title)} {code(r.id)}"
        if r.reason:
            title += f"<br>*because {text(r.reason)}*"
        icon = _requirement_icon(r, asset, report)
        state = f"{icon} {_STATE_WORD[r.state]}"
        if icon == "❌":
            state = f"**{state}** (blocks)"
        elif icon == "⚠️":
            state += " (warning only)"
        if r.state is State.WAIVED:
            w = next((f.waived_by for f in _requirement_findings(r, asset) if f.waived_by), None)
            if w is not None:
                state += f" by {code(w.ticket)} until {text(w.expires)}"
        rules = ", ".join(rule_link(rid, links) for rid in r.rule_ids)
        rows.append(f"| {title} | {state} | {rules} |\n")
    return [*rows, "\n"]


def _exceptions(asset: AssetResult) -> list[str]:
    if not asset.exceptions:
        return []
    titles = {r.id: r.title for r in asset.requirements}
    rows = ["**Exceptions**\n\n| Requirement | Ticket | Expires | Status |\n|---|---|---|---|\n"]
    for e in asset.exceptions:
        if not e.valid:
            status = "❌ not valid: waives nothing (see findings)"
        elif e.used:
            status = "⏸️ active: waives findings"
        else:
            status = "⚠️ active but unused"
        title = f"{text(titles[e.requirement])} {code(e.requirement)}" if e.requirement in titles else code(e.requirement)
        rows.append(f"| {title} | {code(e.ticket)} | {text(e.expires)} | {status} |\n")
    return [*rows, "\n"]


_OPS = (("<=", "≤"), (">=", "≥"), ("==", "="))


def readable_threshold(threshold: str) -> str:
    """``>= 0.98; policy >= 0.95`` as ``≥ 0.98 (policy ≥ 0.95)``."""
    out = " ".join(threshold.split())
    for op, sign in _OPS:
        out = re.sub(rf"{re.escape(op)}\s*", f"{sign} ", out)
    out = re.sub(r"(?<![≤≥=<>])([<>])\s*", r"\1 ", out)
    if out.startswith("policy "):
        return out
    head, sep, policy = out.partition("; policy ")
    return f"{head} (policy {policy})" if sep else head


def number(value: float | None) -> str:
    """A metric rounded for reading: integers whole, rates to three places."""
    if value is None:
        return "—"
    if value == int(value) and abs(value) < 1e12:
        return str(int(value))
    if abs(value) >= 100:
        return f"{value:,.1f}"
    return f"{round(value, 3):g}" if abs(value) >= 0.001 else f"{value:.2e}"


def _eval_counts(e: EvalSummary) -> str | None:
    """``392/400 passed`` from the counts a results file gives, when it gives them."""
    by_name = {m.name: m for m in e.metrics}
    passed = by_name.get("passed") or by_name.get("test_pass_count")
    total = by_name.get("tests")
    if total is None and "test_fail_count" in by_name and passed is not None and passed.value is not None:
        failed = by_name["test_fail_count"].value
        errors = by_name.get("error_count")
        if failed is not None:
            extra = errors.value if errors is not None and errors.value is not None else 0
            return f"{number(passed.value)}/{number(passed.value + failed + extra)} passed"
    if passed is None or total is None or passed.value is None or total.value is None:
        return None
    return f"{number(passed.value)}/{number(total.value)} passed"


_COUNT_METRICS = frozenset({"passed", "tests", "failures", "errors", "skipped",
                            "test_pass_count", "test_fail_count", "error_count"})


def _metric_cell(m: MetricResult) -> str:
    icon = {True: "✅", False: "❌", None: ""}[m.passed]
    threshold = f" · needs {text(readable_threshold(m.threshold))}" if m.threshold else ""
    return f"{icon} {text(m.name)} {number(m.value)}{threshold}".strip()


STALE_RULES = frozenset({"PG308", "PG309"})
"""Results older than allowed, or inputs changed after them: what they show no longer counts."""


def _stale(asset: AssetResult) -> set[str]:
    """The evals (by name) a staleness finding names: the rules say ``eval 'NAME': …``."""
    names = {e.name for e in asset.evals}
    return {
        n for f in asset.findings if f.rule_id in STALE_RULES
        for n in names if f.message.startswith(f"eval {n!r}:")
    }


def _evals(evals: tuple[EvalSummary, ...], links: Links, stale: set[str] | frozenset[str] = frozenset()) -> list[str]:
    if not evals:
        return []
    models = any(e.model for e in evals)
    head = "| Eval | Result | Thresholds |" + (" Model |" if models else "") + " Run |"
    rows = [f"**Evals**\n\n{head}\n|---|---|---|{'---|' if models else ''}---|\n"]
    for e in evals:
        judged = [m for m in e.metrics if m.threshold]
        failed = any(m.passed is False for m in judged)
        icon = "❌" if failed else ("⌛" if e.name in stale else "✅" if judged else "")
        where = place(e.location, links) if e.location else code(e.results)
        name = f"{icon} {text(e.name)}".strip() + (" (stale)" if e.name in stale else "") + f"<br>{where}"
        counts = _eval_counts(e)
        if counts is None:
            shown = [m for m in e.metrics if not m.threshold and m.name not in _COUNT_METRICS][:3]
            counts = ", ".join(f"{text(m.name)} {number(m.value)}" for m in shown) or (
                "—" if e.metrics else "no metrics read"
            )
        cells = "<br>".join(_metric_cell(m) for m in judged) or "—"
        model = (f" {text(e.model)} |" if e.model else " — |") if models else ""
        run = text(e.run_at[:10]) if e.run_at else "—"
        rows.append(f"| {name} | {counts} | {cells} |{model} {run} |\n")
    return [*rows, "\n"]


def _finding_item(f: Finding, view: View) -> str:
    """In the details, a finding's fix is left out when a list above has it."""
    return finding_item(f, view.links, with_fix=id(f) not in view.listed)


UNBLOCK_KEPT = 10
"""Causes never cut from the "To unblock" list; the rest go before the details do."""


def unblock(view: View) -> Iterator[Block]:
    """Right under the verdict: one line per cause, with its place, the exact fix (a
    command or YAML in its own block, prose outside) and the owner to ask."""
    if not view.causes:
        return
    what = "this pull request" if view.report.change is not None else "the gate"
    yield Block(f"### To unblock {what}\n\n")
    for i, c in enumerate(view.causes):
        yield Block(_cause_item(c, view.links), KEEP if i < UNBLOCK_KEPT else GROUP)
    yield Block("\n")


def _cause_item(c: Cause, links: Links) -> str:
    from prodgate.rules.registry import RULES

    first = c.findings[0]
    rules = ", ".join(dict.fromkeys(rule_link(f.rule_id, links) for f in c.findings))
    if len(c.where) > 1:
        # One fix for many assets: each named once, linked to its own place.
        places = {f.asset or f.location.path: f.location for f in reversed(c.findings)}
        named = [
            f"[{text(w)}]({url})" if (url := links.location(places[w])) else text(w)
            for w in c.where[:GROUP_NAMES]
        ]
        rule = RULES.get(first.rule_id)
        title = text(rule.title) if rule else ""
        head = f"{rules} {title} — {', '.join(named)}{', …' if len(c.where) > GROUP_NAMES else ''} ({len(c.where)})"
    elif c.raise_to:
        # A risk floor: one cause, whatever number of requirements the higher tier adds.
        who = f"**{text(c.where[0])}** · " if first.asset else ""
        head = f"{who}{place(first.location, links)} · {rules} {rich(first.message, limit=300)}"
        firsts: dict[str, Finding] = {}
        for title, f in c.folded:
            firsts.setdefault(title, f)
        added = [
            f"[{text(title)}]({url})" if (url := links.location(f.location)) else text(title)
            for title, f in firsts.items()
        ]
        needs = f", which also needs {', '.join(added)} ({_plural(len(c.folded), 'finding')} in the details)" if added else ""
        facts = "the risk facts"
        if first.related is not None and (url := links.location(first.related)):
            facts = f"[{facts}]({url})"
        head += f" — raise the tier to {code(c.raise_to, in_table=False)}{needs}, or correct {facts}"
        ask = f" — ask {', '.join(text(o) for o in c.owners[:3])}" if c.owners else ""
        commands = dict.fromkeys(m[1] for _, f in c.folded if (m := _COMMAND.search(f.fix)))
        then = "".join(
            f"\n   Then what {code(c.raise_to, in_table=False)} adds: the command below.\n\n" + code_block(cmd, "sh", "   ")
            for cmd in commands
        )
        return f"1. ❌ {head}{ask}\n\n" + code_block(f"tier: {c.raise_to}", "yaml", "   ") + then
    else:
        who = f"**{text(c.where[0])}** · " if first.asset else ""
        if len(c.findings) > 1:
            head = f"{who}{place(first.location, links)} · {rules}: {len(c.findings)} findings, one fix"
        else:
            head = f"{who}{place(first.location, links)} · {rules} {rich(first.message, limit=300)}"
    ask = f" — ask {', '.join(text(o) for o in c.owners[:3])}{', …' if len(c.owners) > 3 else ''}" if c.owners else ""
    return f"1. ❌ {head}{ask}\n" + _fix_blocks(c.fix, "   ")


def _fix_blocks(fix: str, indent: str) -> str:
    """A fix as prose and code blocks: YAML and commands each in their own fenced block
    (GitHub gives each a copy button), the prose around them as text."""
    if not fix:
        return ""
    if is_yaml_fix(fix) and all(YAML_START.match(ln) or ln.startswith((" ", "\t")) for ln in fix.splitlines() if ln.strip()):
        return "\n" + code_block(fix, "yaml", indent)
    out: list[str] = []
    code_lines: list[str] = []

    def flush() -> None:
        if code_lines:
            width = min(len(ln) - len(ln.lstrip()) for ln in code_lines if ln.strip())
            body = "\n".join(ln[width:] for ln in code_lines)
            lang = "yaml" if YAML_START.match(body.splitlines()[0]) else "text"
            out.append("\n" + code_block(body, lang, indent))
            code_lines.clear()

    for line in fix.strip("\n").splitlines():
        if line.strip() and (line[0] in " \t" or YAML_START.match(line)) and not line.rstrip().endswith("."):
            code_lines.append(line)
            continue
        flush()
        if not line.strip():
            continue
        command = _COMMAND.search(line)
        prose = _COMMAND.sub("the command below", line) if command else line
        out.append(f"\n{indent}{rich(prose)}\n")
        if command:
            out.append("\n" + code_block(command[1], "sh", indent))
    flush()
    return "".join(out)


def pre_existing(view: View) -> Iterator[Block]:
    """What was already failing at the base, in assets the change does not touch:
    collapsed, one line per asset with its owner; it does not block unless the policy
    says so."""
    old = [f for f in view.report.findings if f.pre_existing and not f.waived]
    if not old:
        return
    by_asset: dict[str, list[Finding]] = {}
    for f in old:
        by_asset.setdefault(f.asset or f.location.path, []).append(f)
    owners = {a.name: a.owner for a in view.report.assets}
    change = view.report.change
    # Inside <summary> Markdown is not rendered: the ref as plain, escaped text.
    where = f"already failing at the base ({text(change.base_ref)})" if change else "already failing"
    blocks = "they block this gate (`merge.pre_existing: block`)" if view.report.pre_existing_block else (
        "not blocking this pull request"
    )
    yield Block(
        f"<details>\n<summary>⏳ {_plural(len(old), 'finding')} in {_plural(len(by_asset), 'asset')} "
        f"{where}: {blocks}</summary>\n\n"
    )
    for name in sorted(by_asset, key=natural_key):
        fs = by_asset[name]
        who = owners.get(name)
        owner = f" — owner {text(who)}" if who else ""
        rules = ", ".join(dict.fromkeys(rule_link(f.rule_id, view.links) for f in fs))
        yield Block(f"- **{text(name)}**{owner}: {rules} ({_plural(len(fs), 'finding')})\n", GROUP)
    yield Block("\n</details>\n\n")


def governance(view: View) -> Iterator[Block]:
    """Changes to governance: what the change does to the controls that judge it."""
    section = governance_section(view.report)
    if section:
        yield Block(section + "\n")


def undeclared(view: View) -> Iterator[Block]:
    """Undeclared AI: discovery's findings that no declaration covers, one table."""
    section = undeclared_section(view.report, view.links)
    if section:
        yield Block(section, KEEP)


def other_findings(view: View) -> Iterator[Block]:
    """Findings about the run as a whole, by file, with their fixes."""
    if not view.others:
        return
    yield Block(f"### Other findings ({len(view.others)})\n\n", KEEP)
    for f in view.others:
        yield Block(finding_item(f, view.links), DETAIL, findings=1)
    yield Block("\n", KEEP)


def footer(view: View) -> Iterator[Block]:
    rule = view.report.hint_rule
    if rule:
        yield Block(f"Run `prodgate explain {rule}` (or any rule id) for what a rule checks and how to fix it.\n")


SECTIONS: tuple[Section, ...] = (
    verdict, unblock, pre_existing, rollups, overview, governance, undeclared, grouped_fixes, other_findings, details, footer
)
"""The document, top to bottom: the verdict, what to do to unblock, then the overview."""


def blocks(report: Report, links: Links | None = None) -> list[Block]:
    view = build_view(report, links or Links())
    return [b for section in SECTIONS for b in section(view)]


def render_markdown(
    report: Report,
    max_bytes: int = SUMMARY_BYTES,
    links: Links | None = None,
    where: str = "The JSON report lists every finding.",
) -> str:
    """The job summary: the whole document, cut to ``max_bytes`` of UTF-8."""
    return fit(blocks(report, links), max_bytes, where, lambda s: len(s.encode("utf-8")))


def render_comment(report: Report, links: Links | None = None, run_url: str | None = None) -> str:
    """The pull request comment: within GitHub's character limit, overview whole."""
    where = (
        f"The full summary is in [the workflow run]({run_url})." if run_url
        else "The job summary of the workflow run has everything."
    )
    return fit(blocks(report, links), COMMENT_CHARS, where)


def render(report: Report, out: TextIO, *, color: bool = False) -> None:
    out.write(render_markdown(report, links=links_from_env(os.environ, report.commit)))


def run_url(env: dict[str, str] | os._Environ[str]) -> str | None:
    """The workflow run's page, where the job summary is."""
    server = env.get("GITHUB_SERVER_URL", "").rstrip("/")
    repo, run_id = env.get("GITHUB_REPOSITORY", ""), env.get("GITHUB_RUN_ID", "")
    if server.startswith("https://") and re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repo) and run_id.isdigit():
        return f"{server}/{repo}/actions/runs/{run_id}"
    return None


def render_pr_comment(report: Report, out: TextIO, *, color: bool = False) -> None:
    """``--format pr-comment``: the Markdown sized for a pull request comment."""
    out.write(render_comment(report, links_from_env(os.environ, report.commit), run_url(os.environ)))
