"""PG4xx: the declared tier against the risk facts, and data classification rules."""

from __future__ import annotations

from collections.abc import Iterator

from prodgate.context import AssetContext
from prodgate.findings import Finding
from prodgate.manifest.model import TIERS
from prodgate.rules.registry import RULES

# Personal data may not be classified below this.
_PERSONAL_MIN = "confidential"
_LEVELS = ("public", "internal", "confidential", "restricted")


def check(ctx: AssetContext) -> Iterator[Finding]:
    asset, decl = ctx.asset, ctx.decl
    if TIERS.index(ctx.effective_tier) > TIERS.index(asset.tier):
        reasons = "; ".join(ctx.floor_reasons)
        facts = [f for f, v in ctx.facts.values.items() if f in ctx.facts.where]
        related = None
        for floor in ctx.policy.risk_floors.values():
            if ctx.facts.match(floor.when):
                fact = next(iter(floor.when))
                if fact in facts:
                    related = decl.loc(*ctx.facts.where[fact])
                    break
        yield RULES["PG401"].finding(
            f"tier {asset.tier!r} is below {ctx.effective_tier!r}, the minimum because {reasons}; "
            f"the requirements of {ctx.effective_tier!r} apply",
            decl.loc("tier"),
            asset=asset.name,
            fix=f"Set `tier: {ctx.effective_tier}` and meet its requirements, or correct the risk facts.",
            requirement="tier",
            related=related,
        )
    for i, source in enumerate(asset.data_sources):
        if source.personal_data and _LEVELS.index(source.classification) < _LEVELS.index(_PERSONAL_MIN):
            yield RULES["PG402"].finding(
                f"data source {source.name!r} holds personal data but is classified "
                f"{source.classification!r}; personal data is at least {_PERSONAL_MIN!r}",
                decl.loc("data_sources", i, "classification"),
                asset=asset.name,
                fix=f"Set `classification: {_PERSONAL_MIN}` (or `restricted`), or correct `personal_data`.",
                requirement="data_classification",
            )
