"""PG507, PG508, PG509, PG705: approvals that can be verified.

An approval in ``ai-asset.yaml`` is a name the author typed. The policy can make it
mean something: ``exceptions.approvers`` lists who may approve for each role (PG508),
and ``exceptions.verify: pull-request-reviews`` makes an exception that the change
adds or edits count only when each named approver approved the pull request's current
head commit on GitHub (PG507). One person may not fill two roles (PG509, unless
the policy sets ``distinct_approvers: false``). The pull request's author cannot approve their own
exception. Exceptions unchanged since the base commit were verified when they were
merged and are not queried again. When there is nothing to verify against (no token,
not a pull request) the verification is reported as skipped (PG705, a note), and the
evidence record says "skipped", never "approved".

An exception for a change-control rule (:data:`BOUND`: a weakening, a removal, a
coverage claim) is always verified, whatever the policy's ``verify`` says: typed names
are not a downgrade's approval. Without reviews to verify against it is "pending
verification" and waives nothing, so a local run fails where CI would need reviews
rather than passing what CI fails. And it is bound to the pull request that adds or
changes it: merged and unchanged, it was approved for the change it came with and
waives nothing new.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from prodgate.context import AssetContext
from prodgate.findings import Finding
from prodgate.manifest.model import AssetException, approver_login, approver_name
from prodgate.report import ApprovalView
from prodgate.rules.people import nobody, same_person
from prodgate.rules.registry import RULES

BOUND = frozenset({"PG701", "PG703", "PG706"})
"""Change-control rules: an exception for one is verified against the pull request's
reviews whatever the policy says, and waives only the change it came with."""

PENDING = "pending verification"
EARLIER = "approved an earlier change"


@dataclass(frozen=True)
class Verdict:
    """What the approvals of one exception come to."""

    problems: list[Finding]
    """Findings that make the exception waive nothing (PG507, PG508, PG509; PG705 for
    a change-control exception that could not be verified)."""
    notes: list[Finding]
    """Findings that inform without invalidating (PG705)."""
    approvals: tuple[ApprovalView, ...]
    waives: bool = True
    """False for a change-control exception merged before this change: it raises no
    finding of its own (it is no fault to keep it) but waives nothing new."""


def check(ctx: AssetContext, i: int, exc: AssetException) -> Verdict:
    rules = ctx.policy.exceptions
    problems: list[Finding] = [*_not_distinct(ctx, i, exc), *_not_allowed(ctx, i, exc)]
    notes: list[Finding] = []
    states: dict[str, str] = {}
    bound = exc.requirement in BOUND
    unchanged = ctx.base is not None and exc in ctx.base.asset.exceptions
    if bound and unchanged:
        states = dict.fromkeys(exc.approvals, EARLIER)
        return Verdict(problems, notes, _views(exc, states), waives=False)
    if rules.verify == "pull-request-reviews" or bound:
        if unchanged:
            states = dict.fromkeys(exc.approvals, "unchanged since the base commit")
        elif ctx.reviews is None or isinstance(ctx.reviews, str):
            why = ctx.reviews or "no pull request to verify against"
            states = dict.fromkeys(exc.approvals, f"{PENDING}: {why}" if bound else f"not verified: {why}")
            skipped = RULES["PG705"].finding(
                f"approvals of exception {exc.ticket} ({exc.requirement}) are {PENDING} against the pull "
                f"request's reviews ({why}): an exception for a change-control rule waives nothing until "
                "each approver has approved the pull request's head commit" if bound else
                f"approvals of exception {exc.ticket} ({exc.requirement}) were not verified against "
                f"pull request reviews: {why}",
                ctx.decl.key_loc("exceptions", i, "approvals"),
                asset=ctx.asset.name,
                fix="Run the gate on the pull request (the GitHub Action does), or pass "
                "--pull-request OWNER/REPO#NUMBER with a token in GITHUB_TOKEN.",
            )
            (problems if bound else notes).append(skipped)
        else:
            found, states = _verify(ctx, i, exc)
            problems += found
    else:
        states = dict.fromkeys(exc.approvals, "not required by the policy")
    return Verdict(problems, notes, _views(exc, states))


def _views(exc: AssetException, states: dict[str, str]) -> tuple[ApprovalView, ...]:
    return tuple(
        ApprovalView(role, approver_name(value), approver_login(value), states.get(role, ""))
        for role, value in exc.approvals.items()
    )


def _not_distinct(ctx: AssetContext, i: int, exc: AssetException) -> Iterator[Finding]:
    """PG509 at each approval that repeats a person of an earlier role."""
    if not ctx.policy.exceptions.distinct_approvers:
        return
    placeholders = ctx.policy.placeholders
    seen: list[tuple[str, str | None, str]] = []  # (role, login, name)
    for role, value in exc.approvals.items():
        login, name = approver_login(value), approver_name(value)
        if nobody(name, placeholders):
            continue  # no one: PG501's
        same = next((r for r, other_login, other in seen if same_person(name, login, other, other_login)), None)
        if same is not None:
            who = name + (f" (@{login})" if login else "")
            yield RULES["PG509"].finding(
                f"exception {exc.ticket} ({exc.requirement}): {who} approves as both {same} and {role}; "
                "the approvals must come from different people, so it waives nothing",
                ctx.decl.loc("exceptions", i, "approvals", role),
                asset=ctx.asset.name,
                fix=f"Have a different person approve as {role}.",
            )
        seen.append((role, login, name))


def _not_allowed(ctx: AssetContext, i: int, exc: AssetException) -> Iterator[Finding]:
    for role, allowed in ctx.policy.exceptions.approvers_for(ctx.effective_tier).items():
        value = exc.approvals.get(role)
        if value is None:
            continue  # a missing approval is PG501's
        names = sorted({a.lstrip("@").lower() for a in allowed})
        login = approver_login(value)
        if login is not None and login.lower() in names:
            continue
        who = f"{approver_name(value)} (@{login})" if login else f"{approver_name(value)} (no GitHub account named)"
        yield RULES["PG508"].finding(
            f"exception {exc.ticket} ({exc.requirement}): {who} is not allowed to approve as {role}; "
            f"the policy allows {', '.join('@' + n for n in names) if names else 'nobody'}",
            ctx.decl.loc("exceptions", i, "approvals", role),
            asset=ctx.asset.name,
            fix=f"Have one of the allowed approvers approve, and name them as\n"
            f"{role}: {{name: <their name>, github: {names[0] if names else '<account>'}}}",
        )


def _verify(ctx: AssetContext, i: int, exc: AssetException) -> tuple[list[Finding], dict[str, str]]:
    assert ctx.reviews is not None and not isinstance(ctx.reviews, str)
    pr = ctx.reviews.get()
    findings: list[Finding] = []
    states: dict[str, str] = {}
    label = f"exception {exc.ticket} ({exc.requirement})"
    for role, value in exc.approvals.items():
        loc = ctx.decl.loc("exceptions", i, "approvals", role)
        name, login = approver_name(value), approver_login(value)
        if login is None:
            states[role] = "no GitHub account named"
            findings.append(RULES["PG507"].finding(
                f"{label}: the {role} approval ({name}) names no GitHub account, so it cannot be "
                "verified against the pull request's reviews; it waives nothing",
                loc, asset=ctx.asset.name,
                fix=f"{role}: {{name: {name}, github: <their GitHub account>}}",
            ))
            continue
        if login.lower() == pr.author.lower():
            states[role] = "pull request author"
            findings.append(RULES["PG507"].finding(
                f"{label}: {role} @{login} is the pull request's author, who cannot approve their "
                "own exception; it waives nothing",
                loc, asset=ctx.asset.name,
                fix=f"Ask someone else allowed to approve as {role} to review and approve the pull request.",
            ))
            continue
        state = pr.state_of(login)
        states[role] = state.state
        if state.approved:
            continue
        detail = state.detail or {"no review": "has not approved the pull request"}.get(state.state, state.state)
        findings.append(RULES["PG507"].finding(
            f"{label}: {role} @{login} ({name}) has no approval on the pull request's head commit "
            f"{pr.head_sha[:12]} ({detail}); it waives nothing until @{login} approves",
            loc, asset=ctx.asset.name,
            fix=f"Ask @{login} to review the pull request and approve its current head commit.",
        ))
    return findings, states
