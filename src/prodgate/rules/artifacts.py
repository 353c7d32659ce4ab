"""PG2xx: required artifacts are declared, inside the repository, and filled in.

Content findings point at the artifact's own line (where the fix is made, and where a
pull request annotation is most useful) and carry the declaration line as ``related``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from prodgate import markdown_doc
from prodgate.context import AssetContext, Demand
from prodgate.evidence import run_digests
from prodgate.findings import Finding, Location, Severity
from prodgate.fsutil import FileProblem, read_text, relpath, resolve_inside
from prodgate.linear import Lines
from prodgate.policy.model import HeadingSpec, Placeholder, heading_specs
from prodgate.rules.registry import RULES

MAX_PLACEHOLDERS_LISTED = 3
MAX_PLACEHOLDER_LINES = 1000
"""Lines with a placeholder counted per artifact; beyond it the message says "or more".
Bounds the work on an artifact that is placeholders from top to bottom."""


@dataclass(frozen=True)
class _Group:
    """Every demand on one artifact kind, checked once."""

    kind: str
    demands: tuple[Demand, ...]

    @property
    def first(self) -> Demand:
        return self.demands[0]


def check(ctx: AssetContext) -> Iterator[Finding]:
    groups: dict[str, list[Demand]] = {}
    for demand in ctx.demands:
        if demand.artifact is not None:
            groups.setdefault(demand.artifact, []).append(demand)
    known = ctx.policy.artifacts
    for kind in ctx.asset.artifacts:
        if kind not in known:
            yield _unknown_kind(ctx, kind, list(known))
    for kind, demands in groups.items():
        yield from _check_kind(ctx, _Group(kind, tuple(demands)))
    # Declared but not required: still evidence someone will read, so unfilled content
    # is worth a warning, but it does not block.
    for kind in ctx.asset.artifacts:
        if kind in known and kind not in groups:
            yield from _check_kind(ctx, _Group(kind, ()), optional=True)


def _unknown_kind(ctx: AssetContext, kind: str, known: list[str]) -> Finding:
    import difflib

    hint = difflib.get_close_matches(kind, known, n=1, cutoff=0.6)
    msg = f"artifact kind {kind!r} is not one the policy knows, so nothing checks it"
    if hint:
        msg += f"; did you mean {hint[0]!r}?"
    return RULES["PG209"].finding(
        msg, ctx.decl.key_loc("artifacts", kind), asset=ctx.asset.name,
        fix=f"Known kinds: {', '.join(known)}.",
    )


def _check_kind(ctx: AssetContext, group: _Group, optional: bool = False) -> Iterator[Finding]:
    decl, asset = ctx.decl, ctx.asset
    spec = ctx.policy.artifacts[group.kind]
    requirement = None if optional else group.first.id
    severity = Severity.WARNING if optional else None
    declared = asset.artifacts.get(group.kind)
    if declared is None:
        first = group.first
        rule = RULES["PG403"] if first.from_risk else RULES["PG201"]
        why = f" because {first.reason}" if first.reason else f" for tier {ctx.effective_tier!r} at stage {asset.stage!r}"
        target = f"docs/{group.kind.replace('_', '-')}.md"
        yield rule.finding(
            f"{spec.title} is required{why}, but `artifacts:` has no {group.kind!r}",
            decl.key_loc("artifacts") if "artifacts" in _keys(ctx) else decl.loc(),
            asset=asset.name,
            fix=f"Run `prodgate init --add-missing{ctx.policy_option} {_asset_dir(ctx)}`: it declares "
            f"`{group.kind}: {target}` under `artifacts:` and writes the stub from the template.",
            requirement=requirement,
        )
        return
    where = decl.loc("artifacts", group.kind)
    resolved = resolve_inside(ctx.repo_root, decl.root, declared)
    label = f"{group.kind} {declared}"
    if isinstance(resolved, FileProblem):
        rule = RULES["PG203"] if resolved.kind == "outside" else RULES["PG208"]
        yield rule.finding(
            f"{label}: {resolved.message}", where, asset=asset.name,
            fix="Keep the artifact in the repository, at a path relative to ai-asset.yaml.",
            requirement=requirement, severity=severity,
        )
        return
    text = read_text(resolved, digests=run_digests(ctx.run_cache))
    if isinstance(text, FileProblem):
        if text.kind == "missing":
            yield RULES["PG202"].finding(
                f"{label} does not exist (relative to {decl.rel})", where, asset=asset.name,
                fix=f"Run `prodgate init --add-missing{ctx.policy_option} {_asset_dir(ctx)}` to write it from the template, "
                "or correct the path.",
                requirement=requirement, severity=severity,
            )
        else:
            yield RULES["PG208"].finding(
                f"{label}: {text.message}", where, asset=asset.name,
                fix="Artifacts are UTF-8 text (Markdown).", requirement=requirement, severity=severity,
            )
        return
    yield from _content(ctx, group, resolved, text, where, requirement, severity)


def _asset_dir(ctx: AssetContext) -> str:
    """The asset's folder as the fix commands name it: relative to the repository root."""
    return posixpath.dirname(ctx.decl.rel) or "."


def _keys(ctx: AssetContext) -> set[str]:
    data = ctx.decl.doc.data
    return set(data) if isinstance(data, dict) else set()


def _content(
    ctx: AssetContext,
    group: _Group,
    path: Path,
    text: str,
    where: Location,
    requirement: str | None,
    severity: Severity | None,
) -> Iterator[Finding]:
    asset = ctx.asset
    rel = relpath(path, ctx.repo_root)
    declared = asset.artifacts[group.kind]
    doc = markdown_doc.parse(text)
    if not doc.has_content():
        yield RULES["PG205"].finding(
            f"{group.kind} {declared} is empty", Location(rel, 1, 1), asset=asset.name,
            fix=f"Write the artifact's content, or delete the empty file and run "
            f"`prodgate init --add-missing{ctx.policy_option} {_asset_dir(ctx)}` to start from the template.",
            requirement=requirement, related=where, severity=severity,
        )
        return
    hits = find_placeholders(doc, ctx.policy.artifact_placeholders(group.kind))
    if hits:
        first_line, first_col, _label = hits[0]
        listed = ", ".join(f"{label} (line {line})" for line, _c, label in hits[:MAX_PLACEHOLDERS_LISTED])
        capped = len(hits) >= MAX_PLACEHOLDER_LINES
        more = f" and {len(hits) - MAX_PLACEHOLDERS_LISTED}{'+' if capped else ''} more" if len(hits) > MAX_PLACEHOLDERS_LISTED else ""
        section = _section_of(doc, first_line)
        fix = "Replace every placeholder with real content"
        fix += f", starting with the section {section!r}." if section else "."
        noun = "placeholder" if len(hits) == 1 else f"{len(hits)}{'+' if capped else ''} template placeholders"
        yield RULES["PG204"].finding(
            f"{group.kind} {declared} still contains {noun}: {listed}{more}",
            Location(rel, first_line, first_col), asset=asset.name, fix=fix,
            requirement=requirement, related=where, severity=severity,
        )
    # Required headings: those a risk demand adds first, so that a missing "Human
    # oversight" is attributed to the risk requirement that asked for it; then the
    # kind's own.
    wanted: list[tuple[HeadingSpec, str | None]] = []
    for demand in group.demands:
        if demand.from_risk and demand.headings:
            wanted += [(h, demand.id) for h in heading_specs(list(demand.headings))]
    wanted += [(h, requirement) for h in heading_specs(list(ctx.policy.artifacts[group.kind].required_headings))]
    seen: set[str] = set()
    for spec, req in wanted:
        if spec.heading in seen:
            continue
        seen.add(spec.heading)
        yield from _heading(ctx, group, doc, rel, spec, req, where, severity)


def _heading(
    ctx: AssetContext,
    group: _Group,
    doc: markdown_doc.MarkdownDoc,
    rel: str,
    spec: HeadingSpec,
    requirement: str | None,
    where: Location,
    severity: Severity | None,
) -> Iterator[Finding]:
    names = {markdown_doc.normalise_heading(n) for n in (spec.heading, *spec.aliases)}
    declared = ctx.asset.artifacts[group.kind]
    matches = doc.titled(names)
    if not matches:
        also = f" (or one of: {', '.join(spec.aliases)})" if spec.aliases else ""
        yield RULES["PG206"].finding(
            f"{group.kind} {declared} has no section {spec.heading!r}{also}",
            Location(rel, 1, 1), asset=ctx.asset.name,
            fix=f"Add a heading `## {spec.heading}` with real content.",
            requirement=requirement, related=where, severity=severity,
        )
        return
    if all(not any(markdown_doc.prose_text(t).strip() for _n, t in doc.section_body(h)) for h in matches):
        h = matches[0]
        yield RULES["PG207"].finding(
            f"{group.kind} {declared}: section {h.title!r} is empty",
            Location(rel, h.line, 1), asset=ctx.asset.name,
            fix=f"Write the content of the section {h.title!r}.",
            requirement=requirement, related=where, severity=severity,
        )


def find_placeholders(
    doc: markdown_doc.MarkdownDoc, placeholders: list[Placeholder], limit: int = MAX_PLACEHOLDER_LINES
) -> list[tuple[int, int, str]]:
    """(line, column, label) of the first placeholder in each line outside code and
    HTML comments, for the first ``limit`` such lines; the front matter is searched too
    (an unrendered ``{{ card_data }}`` is unfilled)."""
    searched = [
        (markdown_doc.prose_text(line) if "<!--" in line else line) if prose else ""
        for line, prose in zip(doc.lines, doc.prose, strict=True)
    ]
    for i in range(doc.front_matter_end):
        text = markdown_doc.prose_text(doc.lines[i])
        searched[i] = "" if text.lstrip().startswith("#") else text  # YAML comments in front matter
    lines = Lines(searched)
    first: dict[int, tuple[int, str]] = {}
    for placeholder in placeholders:
        label = placeholder.describe()
        # Each placeholder's first ``limit`` lines hold the first ``limit`` lines of
        # all of them together: the cut loses nothing of what is reported.
        for i, col in placeholder.first_in_lines(lines, limit).items():
            if i not in first or col < first[i][0]:
                first[i] = (col, label)
    return [(i + 1, col + 1, label) for i, (col, label) in sorted(first.items())[:limit]]


def _section_of(doc: markdown_doc.MarkdownDoc, line: int) -> str | None:
    current = None
    for h in doc.headings:
        if h.line > line:
            break
        current = h.title
    return current
