"""PG5xx: exceptions are complete, approved and current; valid ones waive findings.

A waived finding is not removed: it stays in every report with the exception that
waived it, so an auditor sees what the gate let through and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from prodgate.context import AssetContext
from prodgate.findings import Finding, Waiver
from prodgate.manifest.model import AssetException, approver_login, approver_name
from prodgate.report import ExceptionView
from prodgate.rules.people import nobody, not_a_name, same_person
from prodgate.rules.registry import RULES

# Declaration errors and exception problems can never be waived.
_UNWAIVABLE_PREFIXES = ("PG1", "PG5")
_UNWAIVABLE_CHECKS = ("owner", "business_owner")
"""Checks whose requirements no exception waives: an exception is accountable only
through the asset's owner and business owner, so waiving them empties it."""


def unwaivable(ctx: AssetContext) -> frozenset[str]:
    """Requirement ids that no exception waives: the owner checks, under any id."""
    ids = {rid for rid, req in ctx.policy.requirements.items() if req.check in _UNWAIVABLE_CHECKS}
    return frozenset(ids | set(_UNWAIVABLE_CHECKS))


def validate(ctx: AssetContext) -> tuple[list[Finding], list[int]]:
    """Findings about the exceptions, and the indices of the valid ones."""
    findings: list[Finding] = []
    valid: list[int] = []
    known = _waivable(ctx)
    for i, exc in enumerate(ctx.asset.exceptions):
        problems = list(_problems(ctx, i, exc))
        findings += problems
        if exc.requirement not in known:
            # Said whatever else is wrong with it: fixing the approvals of an exception
            # for a misspelt requirement would still waive nothing.
            findings.append(_unknown(ctx, i, exc, known))
        elif not problems:
            valid.append(i)
        if not any(p.rule_id == "PG503" for p in problems):
            findings += _expiring(ctx, i, exc)
    return findings, valid


_RULE_REQUIREMENTS = ("tier", "data_classification", "discovery")
"""Requirements that rules name besides the policy's (the risk floor, data
classification, discovery): an exception may waive their findings too."""


def _waivable(ctx: AssetContext) -> set[str]:
    """What an exception's ``requirement`` may name: a requirement of the policy, a
    rule's requirement, or a rule id."""
    return {*ctx.policy.requirements, *ctx.policy.risk_requirements, *_RULE_REQUIREMENTS, *RULES}


def _unknown(ctx: AssetContext, i: int, exc: AssetException, known: set[str]) -> Finding:
    import difflib

    close = difflib.get_close_matches(exc.requirement, sorted(known), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return RULES["PG506"].finding(
        f"exception {exc.ticket} waives nothing: {exc.requirement!r} is not a requirement of the policy "
        f"nor a rule id{hint}",
        ctx.decl.loc("exceptions", i, "requirement"),
        asset=ctx.asset.name,
        fix="Name the requirement the exception is for (`prodgate policy` lists them), or remove the exception.",
    )


def _problems(ctx: AssetContext, i: int, exc: AssetException) -> Iterator[Finding]:
    decl, rules, name = ctx.decl, ctx.policy.exceptions, ctx.asset.name
    label = f"exception {exc.ticket} ({exc.requirement})"
    checks = (
        ("PG501", "approvals", rules.required_approvals, exc.approvals, "lacks approval by", "name of the approver"),
        ("PG502", "owners", rules.required_owners, exc.owners, "names no owner for", "named person"),
    )
    for rule_id, key, roles, given, what, example in checks:
        missing = []
        for role in roles:
            why = not_a_name(approver_name(given.get(role, "")), ctx.policy.placeholders)
            if why is not None:
                missing.append(f"{role} ({why})" if why else role)
        if missing:
            yield RULES[rule_id].finding(
                f"{label} {what} {', '.join(missing)}; it waives nothing",
                decl.key_loc("exceptions", i, key) if given else decl.loc("exceptions", i),
                asset=name,
                fix=f"{key}:\n" + "\n".join(f"  {r.split(' (')[0]}: <{example}>" for r in missing),
            )
    yield from _same_people(ctx, i, exc, label)
    if exc.expires < ctx.today:
        yield RULES["PG503"].finding(
            f"{label} expired on {exc.expires.isoformat()}; it waives nothing",
            decl.loc("exceptions", i, "expires"),
            asset=name,
            fix="Meet the requirement, or renew the exception with fresh approvals.",
        )
    if exc.granted > ctx.today:
        yield RULES["PG510"].finding(
            f"{label} is granted on {exc.granted.isoformat()}, after today ({ctx.today.isoformat()}); "
            "it waives nothing",
            decl.loc("exceptions", i, "granted"),
            asset=name,
            fix="Set `granted` to the day the approvals were given.",
        )
    limit = rules.max_days.get(ctx.effective_tier)  # type: ignore[call-overload]
    # A grant date in the future must not stretch the limit: count from the earlier.
    start = min(exc.granted, ctx.today)
    length = (exc.expires - start).days
    since = "" if start == exc.granted else f" from today ({start.isoformat()})"
    if exc.expires < exc.granted:
        yield RULES["PG504"].finding(
            f"{label} expires ({exc.expires.isoformat()}) before it was granted ({exc.granted.isoformat()})",
            decl.loc("exceptions", i, "expires"),
            asset=name,
            fix="Correct `granted` and `expires`.",
        )
    elif limit is not None and length > limit:
        yield RULES["PG504"].finding(
            f"{label} runs {length} days{since}, longer than the {limit} days allowed for tier "
            f"{ctx.effective_tier!r}; it waives nothing",
            decl.loc("exceptions", i, "expires"),
            asset=name,
            fix=f"Set `expires` at most {limit} days after `granted` "
            f"({(start + dt.timedelta(days=limit)).isoformat()}).",
        )


def _same_people(ctx: AssetContext, i: int, exc: AssetException, label: str) -> Iterator[Finding]:
    """PG509: the asset's owner or business owner approving its exception (one person
    in two roles, which no policy allows; approvers among themselves: rules.approvals)."""
    owners = [
        (what, person.name, getattr(person, "github", None))
        for what, person in (("owner", ctx.asset.owner), ("business owner", ctx.asset.business_owner))
        if person is not None
    ]
    for role, value in exc.approvals.items():
        name, login = approver_name(value), approver_login(value)
        if nobody(name, ctx.policy.placeholders):
            continue  # no one: PG501's
        for what, owner_name, owner_login in owners:
            if same_person(name, login, owner_name, owner_login):
                yield RULES["PG509"].finding(
                    f"{label} is approved as {role} by {name}, the asset's {what}: an owner may not "
                    "approve their own asset's exception; it waives nothing",
                    ctx.decl.loc("exceptions", i, "approvals", role),
                    asset=ctx.asset.name,
                    fix=f"Ask someone other than the asset's {what} to approve as {role}.",
                )
                break


def _expiring(ctx: AssetContext, i: int, exc: AssetException) -> list[Finding]:
    window = ctx.policy.exceptions.warn_within_days
    left = (exc.expires - ctx.today).days
    if 0 <= left <= window:
        return [
            RULES["PG505"].finding(
                f"exception {exc.ticket} ({exc.requirement}) expires in {left} day{'s' if left != 1 else ''} "
                f"({exc.expires.isoformat()})",
                ctx.decl.loc("exceptions", i, "expires"),
                asset=ctx.asset.name,
                fix="Meet the requirement before then, or renew the exception.",
            )
        ]
    return []


def waive(
    ctx: AssetContext, findings: list[Finding], valid: list[int]
) -> tuple[list[Finding], list[Finding], list[ExceptionView]]:
    """Apply the valid exceptions: (findings with waivers, unused warnings, views)."""
    used: set[int] = set()
    out: list[Finding] = []
    fixed = unwaivable(ctx)
    for finding in findings:
        waiver = None
        if not finding.rule_id.startswith(_UNWAIVABLE_PREFIXES) and finding.requirement not in fixed:
            for i in valid:
                exc = ctx.asset.exceptions[i]
                if exc.requirement in (finding.requirement, finding.rule_id):
                    used.add(i)
                    waiver = Waiver(exc.ticket, exc.expires.isoformat(), exc.reason, ctx.decl.loc("exceptions", i))
                    break
        out.append(finding.with_waiver(waiver) if waiver else finding)
    unused: list[Finding] = []
    for i in valid:
        if i in used:
            continue
        exc = ctx.asset.exceptions[i]
        hint = ""
        if exc.requirement in fixed:
            hint = f"; {exc.requirement!r} cannot be waived: the owners are who an exception answers to"
        unused.append(
            RULES["PG506"].finding(
                f"exception {exc.ticket} waives nothing: no finding for {exc.requirement!r}{hint}",
                ctx.decl.loc("exceptions", i, "requirement"),
                asset=ctx.asset.name,
                fix="Remove the exception, or name the requirement it is for (`prodgate policy` lists them).",
            )
        )
    views = [
        ExceptionView(e.requirement, e.ticket, e.expires.isoformat(), i in valid, i in used)
        for i, e in enumerate(ctx.asset.exceptions)
    ]
    return out, unused, views
