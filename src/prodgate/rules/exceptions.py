"""PG5xx: exceptions are complete, approved and current; valid ones waive findings.

A waived finding is not removed: it stays in every report with the exception that
waived it, so an auditor sees what the gate let through and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from prodgate.context import AssetContext
from prodgate.findings import Finding, Waiver
from prodgate.manifest.model import AssetException, approver_name
from prodgate.report import ExceptionView
from prodgate.rules.registry import RULES

# Declaration errors and exception problems can never be waived.
_UNWAIVABLE_PREFIXES = ("PG1", "PG5")


def validate(ctx: AssetContext) -> tuple[list[Finding], list[int]]:
    """Findings about the exceptions, and the indices of the valid ones."""
    findings: list[Finding] = []
    valid: list[int] = []
    for i, exc in enumerate(ctx.asset.exceptions):
        problems = list(_problems(ctx, i, exc))
        findings += problems
        if not problems:
            valid.append(i)
        if not any(p.rule_id == "PG503" for p in problems):
            findings += _expiring(ctx, i, exc)
    return findings, valid


def _problems(ctx: AssetContext, i: int, exc: AssetException) -> Iterator[Finding]:
    decl, rules, name = ctx.decl, ctx.policy.exceptions, ctx.asset.name
    label = f"exception {exc.ticket} ({exc.requirement})"
    checks = (
        ("PG501", "approvals", rules.required_approvals, exc.approvals, "lacks approval by", "name of the approver"),
        ("PG502", "owners", rules.required_owners, exc.owners, "names no owner for", "named person"),
    )
    for rule_id, key, roles, given, what, example in checks:
        missing = [r for r in roles if not approver_name(given.get(r, "")).strip()]
        if missing:
            yield RULES[rule_id].finding(
                f"{label} {what} {', '.join(missing)}; it waives nothing",
                decl.key_loc("exceptions", i, key) if given else decl.loc("exceptions", i),
                asset=name,
                fix=f"{key}:\n" + "\n".join(f"  {r}: <{example}>" for r in missing),
            )
    if exc.expires < ctx.today:
        yield RULES["PG503"].finding(
            f"{label} expired on {exc.expires.isoformat()}; it waives nothing",
            decl.loc("exceptions", i, "expires"),
            asset=name,
            fix="Meet the requirement, or renew the exception with fresh approvals.",
        )
    limit = rules.max_days.get(ctx.effective_tier)  # type: ignore[call-overload]
    length = (exc.expires - exc.granted).days
    if exc.expires < exc.granted:
        yield RULES["PG504"].finding(
            f"{label} expires ({exc.expires.isoformat()}) before it was granted ({exc.granted.isoformat()})",
            decl.loc("exceptions", i, "expires"),
            asset=name,
            fix="Correct `granted` and `expires`.",
        )
    elif limit is not None and length > limit:
        yield RULES["PG504"].finding(
            f"{label} runs {length} days, longer than the {limit} days allowed for tier "
            f"{ctx.effective_tier!r}; it waives nothing",
            decl.loc("exceptions", i, "expires"),
            asset=name,
            fix=f"Set `expires` at most {limit} days after `granted` "
            f"({(exc.granted + dt.timedelta(days=limit)).isoformat()}).",
        )


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
    for finding in findings:
        waiver = None
        if not finding.rule_id.startswith(_UNWAIVABLE_PREFIXES):
            for i in valid:
                exc = ctx.asset.exceptions[i]
                if exc.requirement in (finding.requirement, finding.rule_id):
                    used.add(i)
                    waiver = Waiver(exc.ticket, exc.expires.isoformat(), exc.reason, ctx.decl.loc("exceptions", i))
                    break
        out.append(finding.with_waiver(waiver) if waiver else finding)
    unused: list[Finding] = []
    known = set(ctx.policy.requirements) | set(ctx.policy.risk_requirements)
    for i in valid:
        if i in used:
            continue
        exc = ctx.asset.exceptions[i]
        hint = "" if exc.requirement in known else f"; {exc.requirement!r} is not a requirement of the policy"
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
