"""PG6xx: named owners and the periodic review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from prodgate.context import AssetContext
from prodgate.findings import Finding, Severity
from prodgate.rules.registry import RULES


def check(ctx: AssetContext) -> Iterator[Finding]:
    asset, decl = ctx.asset, ctx.decl
    if ctx.checks("owner") and asset.owner is None:
        yield RULES["PG601"].finding(
            "no named owner: add `owner:` with the accountable person's name and email",
            decl.loc(),
            asset=asset.name,
            fix="owner:\n  name: <name>\n  email: <email>",
            requirement="owner",
        )
    if ctx.checks("business_owner") and asset.business_owner is None:
        yield RULES["PG602"].finding(
            f"tier {ctx.effective_tier!r} needs a business owner: add `business_owner:` with name and email",
            decl.loc(),
            asset=asset.name,
            fix="business_owner: { name: <name>, email: <email> }",
            requirement="business_owner",
        )
    yield from _review(ctx)
    yield from _codeowners(ctx)


def _codeowners(ctx: AssetContext) -> Iterator[Finding]:
    owner = ctx.asset.owner
    if owner is None or owner.github is None:
        return
    table = ctx.codeowners
    if table is None:
        return
    rule = table.owner_of(ctx.decl.rel)
    handle = (owner.handle or "").lower()
    if rule is not None and handle in rule.owners:
        return
    if rule is None:
        why = f"no rule in {table.path} covers {ctx.decl.rel}"
    else:
        why = f"{table.path}:{rule.line} gives {ctx.decl.rel} to {' '.join(rule.owners) or 'nobody'}"
    yield RULES["PG606"].finding(
        f"owner.github {owner.github} is not a code owner of the asset: {why}",
        ctx.decl.loc("owner", "github"),
        asset=ctx.asset.name,
        fix=f"Add {owner.handle} to the CODEOWNERS rule for {ctx.decl.rel.rsplit('/', 1)[0] if '/' in ctx.decl.rel else '/'}"
        f", or correct owner.github.",
        requirement="owner",
    )


def _review(ctx: AssetContext) -> Iterator[Finding]:
    asset, decl = ctx.asset, ctx.decl
    demand = ctx.checks("review")
    cadence = ctx.policy.review_cadence_days.get(ctx.effective_tier)  # type: ignore[call-overload]
    requirement = demand.id if demand else None
    severity = None if demand else Severity.WARNING
    if asset.review is None:
        if demand:
            yield RULES["PG604"].finding(
                f"no review date: tier {ctx.effective_tier!r} is reviewed every {cadence or '?'} days",
                decl.loc(),
                asset=asset.name,
                fix=f"review: {{ last_reviewed: {ctx.today.isoformat()} }}  # once the review took place",
                requirement=requirement,
            )
        return
    last = asset.review.last_reviewed
    where = decl.loc("review", "last_reviewed")
    if last > ctx.today:
        yield RULES["PG605"].finding(
            f"review.last_reviewed {last.isoformat()} is after today ({ctx.today.isoformat()})",
            where,
            asset=asset.name,
            fix="Use the date the review took place.",
            requirement=requirement,
            severity=severity,
        )
        return
    if cadence is None:
        return
    due = last + dt.timedelta(days=cadence)
    if ctx.today > due:
        yield RULES["PG603"].finding(
            f"review overdue since {due.isoformat()}: last reviewed {last.isoformat()}, "
            f"tier {ctx.effective_tier!r} is reviewed every {cadence} days",
            where,
            asset=asset.name,
            fix="Review the asset with its owners and update review.last_reviewed.",
            requirement=requirement,
            severity=severity,
        )
