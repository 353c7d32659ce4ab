"""PG103 beyond the schema: the people, addresses, models, data sources and tickets a declaration names
are real, not the placeholders a fix message offered.

Every example value a fix prints (``name: <name>``, ``email: <email>``, ``name:
<model>``) is one that :mod:`prodgate.placeholders` refuses, so a fix pasted without
editing still fails here, with "fill in", under the rule of any other value the
declaration may not hold (PG103; a placeholder the schema refuses, ``email: <email>``,
is PG103 already). What counts as a placeholder includes the policy's
``placeholders``, so this runs with the policy, not in the loader. Approvers and owners
of an exception are judged by the same function, under PG501 and PG502.
"""

from __future__ import annotations

from collections.abc import Iterator

from prodgate.context import AssetContext
from prodgate.findings import Finding
from prodgate.placeholders import fill_in, is_placeholder
from prodgate.rules.people import not_a_name
from prodgate.rules.registry import RULES
from prodgate.yamlio.loader import PathKey, render_loc


def check(ctx: AssetContext) -> Iterator[Finding]:
    asset, placeholders = ctx.asset, ctx.policy.placeholders
    people = [("owner", asset.owner, "the accountable person"), ("business_owner", asset.business_owner, "the business owner")]
    for key, person, who in people:
        if person is None:
            continue
        why = not_a_name(person.name, placeholders)
        if why is not None:
            yield _finding(ctx, (key, "name"), f"{key}.name: {why}; fill in {who}'s name", f"{who}'s full name")
        yield from _texts(ctx, [((key, "email"), person.email, f"{who}'s e-mail address")])
        team = getattr(person, "team", None)
        if team is not None:
            yield from _texts(ctx, [((key, "team"), team, "the owning team")])
    for i, model in enumerate(asset.models):
        fields: list[tuple[PathKey, str | None, str]] = [
            (("models", i, "provider"), model.provider, "the provider the asset calls"),
            (("models", i, "name"), model.name, "the model's name as the provider spells it"),
            (("models", i, "version"), model.version, "the model's version"),
        ]
        yield from _texts(ctx, fields)
    for i, source in enumerate(asset.data_sources):
        yield from _texts(ctx, [(("data_sources", i, "name"), source.name, "the data source's name")])
    for i, exc in enumerate(asset.exceptions):
        yield from _texts(ctx, [
            (("exceptions", i, "ticket"), exc.ticket, "the ticket that records the exception"),
            (("exceptions", i, "reason"), exc.reason, "why the requirement cannot be met yet"),
        ])


def _texts(ctx: AssetContext, fields: list[tuple[PathKey, str | None, str]]) -> Iterator[Finding]:
    for path, value, what in fields:
        if value is not None and is_placeholder(value, ctx.policy.placeholders):
            yield _finding(ctx, path, fill_in(render_loc(path), value, what), what)


def _finding(ctx: AssetContext, path: PathKey, message: str, what: str) -> Finding:
    return RULES["PG103"].finding(
        message, ctx.decl.loc(*path), asset=ctx.asset.name, fix=f"Replace it with {what}."
    )

