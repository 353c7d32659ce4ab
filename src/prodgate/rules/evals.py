"""PG3xx: evaluation evidence is declared and present."""

from __future__ import annotations

from collections.abc import Iterator

from prodgate.context import AssetContext
from prodgate.findings import Finding, Severity
from prodgate.fsutil import FileProblem, resolve_inside
from prodgate.rules.registry import RULES


def check(ctx: AssetContext) -> Iterator[Finding]:
    asset, decl = ctx.asset, ctx.decl
    demand = ctx.checks("evals")
    requirement = demand.id if demand else None
    severity = None if demand else Severity.WARNING
    if demand and not asset.evals:
        yield RULES["PG301"].finding(
            f"tier {ctx.effective_tier!r} at stage {asset.stage!r} needs eval results, "
            "but `evals:` declares none",
            decl.loc(),
            asset=asset.name,
            fix='evals:\n  - name: quality\n    results: evals/results.json\n    thresholds: { pass_rate: ">= 0.9" }',
            requirement=requirement,
        )
        return
    for i, ev in enumerate(asset.evals):
        where = decl.loc("evals", i, "results")
        resolved = resolve_inside(ctx.repo_root, decl.root, ev.results)
        if isinstance(resolved, FileProblem) or not resolved.is_file():
            why = resolved.message if isinstance(resolved, FileProblem) else "file does not exist"
            yield RULES["PG302"].finding(
                f"eval {ev.name!r}: results {ev.results}: {why}",
                where,
                asset=asset.name,
                fix="Commit the results file your eval tool wrote, at a path relative to ai-asset.yaml.",
                requirement=requirement,
                severity=severity,
            )
