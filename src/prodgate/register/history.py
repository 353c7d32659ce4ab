"""The register over time: each asset judged as of a date, what changed between two
dates, and which repositories have not been seen for too long.

A snapshot records how the gate judged an asset on the day it was taken. Some of that
judgement depends on the day alone: an exception waives only until it expires (PG503),
a review falls due (PG603), an eval grows too old (PG308). :func:`state_as_of` judges
those again on another day from the facts the snapshot stored, so that the register
says "failing as of 2026-12-20" for an asset whose exception lapsed after its last
scan, as the gate would on the same commit. What the stored facts cannot decide
(artifacts' text, risk facts) stays as the gate judged it when the snapshot was taken.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from prodgate.findings import Severity
from prodgate.policy.model import Policy
from prodgate.register.tables import (
    assets,
    exceptions,
    facts,
    latest_rows,
    repositories,
    snapshots,
    undeclared,
)
from prodgate.rules.registry import RULES

SINCE_DAYS = 7
"""``register report --since`` without a date: the week before ``--today``."""
CHANGES = (
    "added",
    "removed",
    "newly failing",
    "fixed",
    "tier changed",
    "stage changed",
    "owner changed",
    "new undeclared AI",
    "exception granted",
    "exception lapsed",
)
"""The kinds of change :func:`changes` lists, in the order it lists them per asset."""


@dataclass(frozen=True)
class StoredException:
    requirement: str
    ticket: str
    expires: str
    active: bool
    """Waiving when the snapshot was taken (approved, current, not too long)."""
    reason: str | None = None
    granted: str | None = None
    approvers: str | None = None


@dataclass(frozen=True)
class StoredAsset:
    """One asset of one snapshot, with what it takes to judge it on another day."""

    snapshot_id: int
    repository: str
    commit: str
    gate: str
    taken: str
    """The snapshot's ``generated_at``: the day the gate judged it."""
    name: str
    path: str
    tier: str
    effective_tier: str
    stage: str
    owner: str | None
    passed: bool
    error: str | None
    next_review: str | None
    review_overdue: bool
    exceptions: tuple[StoredException, ...] = ()
    requirements: dict[str, str] = field(default_factory=dict)
    """Requirement id -> its state when judged (an inventory's facts; empty for a report)."""
    eval_runs: tuple[tuple[str, str], ...] = ()
    """(eval, when it ran) of an inventory's evals."""


@dataclass(frozen=True)
class State:
    """An asset as of a date: ``passed``, ``failed`` or ``broken``, and why not passed."""

    state: str
    reasons: tuple[str, ...] = ()


def in_force(e: StoredException, on: dt.date, tier: str, policy: Policy | None) -> bool:
    """Whether a stored exception waives on ``on`` (see :func:`lapse`)."""
    return e.active and not lapse(e, on, tier, policy)[0]


def lapse(e: StoredException, on: dt.date, tier: str, policy: Policy | None) -> tuple[str, str]:
    """(rule id, why) an exception that waived when its snapshot was taken does not on
    ``on``, or ("", ""): it has expired (PG503), it is granted after ``on`` (PG510), or
    it lasts longer than the policy allows the tier (PG504, counted from the earlier of
    its grant and ``on``, as the gate counts)."""
    if e.expires < on.isoformat():
        return "PG503", f"expired on {e.expires}"
    if e.granted is None:
        return "", ""
    granted = dt.date.fromisoformat(e.granted)
    if granted > on:
        return "PG510", f"is granted on {e.granted}, after {on.isoformat()}"
    limit = policy.exceptions.max_days.get(tier) if policy is not None else None  # type: ignore[call-overload]
    length = (dt.date.fromisoformat(e.expires) - min(granted, on)).days
    if limit is not None and length > limit:
        return (
            "PG504",
            f"runs {length} days, longer than the {limit} days allowed for tier {tier!r}",
        )
    return "", ""


def _blocks(policy: Policy | None, rule_id: str, tier: str, gate: str, on: dt.date) -> bool:
    """Whether a finding of ``rule_id`` fails the gate on ``on``: an error (the rule's
    severity at the gate, or the policy's override), enabled, and not advisory then."""
    override = policy.rules.get(rule_id) if policy is not None else None
    if override is not None and not override.enabled:
        return False
    severity = (
        override.severity
        if override is not None and override.severity
        else RULES[rule_id].severity_at(gate).value
    )
    if severity != Severity.ERROR.value:
        return False
    return policy is None or not policy.advisory(rule_id, tier, on)


def state_as_of(asset: StoredAsset, on: dt.date, policy: Policy | None = None) -> State:
    """``asset`` judged as of ``on``: as the gate judged it when its snapshot was taken,
    and failing besides for each time-dependent requirement it no longer meets on ``on``
    — an exception that waived a requirement and no longer does, a review past due, an
    eval older than the policy's ``max_age_days`` for the tier (that one only with a
    ``policy``). A declaration that did not load is ``broken``, with the loader's words."""
    if asset.error is not None:
        return State("broken", (asset.error,))
    reasons: list[str] = []
    if not asset.passed:
        reasons.append(f"failing when scanned on {asset.taken[:10]}")
    tier, day = asset.effective_tier, on.isoformat()
    for e in asset.exceptions:
        rule, why = lapse(e, on, tier, policy) if e.active else ("", "")
        if not rule:
            continue
        # It waived something only if the requirement was waived (facts of an inventory);
        # a gate report says nothing of it, and then it is taken to have.
        waived = asset.requirements.get(e.requirement, "waived") == "waived"
        if waived and _blocks(policy, rule, tier, asset.gate, on):
            reasons.append(f"exception {e.ticket} ({e.requirement}) {why} ({rule})")
    due = asset.next_review is not None and asset.next_review < day and not asset.review_overdue
    if due and _blocks(policy, "PG603", tier, asset.gate, on):
        reasons.append(f"review due {asset.next_review}, overdue (PG603)")
    max_age = policy.evals.max_age_days.get(tier) if policy is not None else None  # type: ignore[call-overload]
    if max_age is not None and _blocks(policy, "PG308", tier, asset.gate, on):
        for name, run_at in asset.eval_runs:
            try:
                ran = dt.date.fromisoformat(run_at[:10])
            except ValueError:
                continue
            if (on - ran).days > max_age >= (dt.date.fromisoformat(asset.taken[:10]) - ran).days:
                reasons.append(
                    f"eval {name} ran {ran.isoformat()}, more than {max_age} days before {day} (PG308)"
                )
    failed = not asset.passed or len(reasons) > 0
    return State("failed" if failed else "passed", tuple(reasons))


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def stored_assets(conn: Connection, snapshot_ids: Sequence[int]) -> list[StoredAsset]:
    """Every asset of the snapshots named, with its exceptions and the facts that judge
    it on another day, by repository, path and name."""
    rows: list[Any] = []
    exc: dict[tuple[int, str], list[StoredException]] = defaultdict(list)
    reqs: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)
    runs: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)
    for chunk in _chunks(sorted(set(snapshot_ids))):
        rows += conn.execute(
            sa.select(
                assets.c.snapshot_id,
                snapshots.c.repository,
                snapshots.c.commit,
                snapshots.c.gate,
                snapshots.c.generated_at,
                assets.c.name,
                assets.c.path,
                assets.c.tier,
                assets.c.effective_tier,
                assets.c.stage,
                assets.c.owner,
                assets.c.passed,
                assets.c.error,
                assets.c.next_review,
                assets.c.review_overdue,
            )
            .select_from(assets.join(snapshots, snapshots.c.id == assets.c.snapshot_id))
            .where(assets.c.snapshot_id.in_(chunk))
        ).all()
        for e in conn.execute(
            sa.select(exceptions)
            .where(exceptions.c.snapshot_id.in_(chunk))
            .order_by(exceptions.c.id)
        ):
            exc[(e.snapshot_id, e.asset)].append(
                StoredException(
                    e.requirement,
                    e.ticket,
                    e.expires,
                    bool(e.active),
                    e.reason,
                    e.granted,
                    e.approvers,
                )
            )
        for f in conn.execute(
            sa.select(
                facts.c.snapshot_id,
                facts.c.asset,
                facts.c.kind,
                facts.c.eval,
                facts.c.name,
                facts.c.value,
            )
            .where(facts.c.snapshot_id.in_(chunk), facts.c.kind.in_(("requirement", "eval_run")))
            .order_by(facts.c.id)
        ):
            if f.kind == "requirement":
                reqs[(f.snapshot_id, f.asset)][f.name] = f.value or ""
            elif f.value:
                runs[(f.snapshot_id, f.asset)].append((f.eval or "", f.value))
    out = [
        StoredAsset(
            snapshot_id=r.snapshot_id,
            repository=r.repository,
            commit=r.commit,
            gate=r.gate,
            taken=r.generated_at,
            name=r.name,
            path=r.path,
            tier=r.tier,
            effective_tier=r.effective_tier,
            stage=r.stage,
            owner=r.owner,
            passed=bool(r.passed),
            error=r.error,
            next_review=r.next_review,
            review_overdue=bool(r.review_overdue),
            exceptions=tuple(exc.get((r.snapshot_id, r.name), ())),
            requirements=reqs.get((r.snapshot_id, r.name), {}),
            eval_runs=tuple(runs.get((r.snapshot_id, r.name), ())),
        )
        for r in rows
    ]
    return sorted(out, key=lambda a: (a.repository, a.path, a.name))


def observations_before(conn: Connection, before: str) -> dict[str, int]:
    """Repository -> its latest snapshot written before ``before`` (an ISO date or date
    and time, compared as the trend compares: as text)."""
    best: dict[str, tuple[str, int]] = {}
    for name, generated, sid in conn.execute(
        sa.select(snapshots.c.repository, snapshots.c.generated_at, snapshots.c.id).where(
            snapshots.c.generated_at < before
        )
    ):
        held = best.get(name)
        if held is None or (generated, sid) > held:
            best[name] = (generated, sid)
    return {name: sid for name, (_g, sid) in best.items()}


def _locations(
    conn: Connection, snapshot_ids: Sequence[int]
) -> dict[int, set[tuple[str, str, str, str]]]:
    out: dict[int, set[tuple[str, str, str, str]]] = defaultdict(set)
    for chunk in _chunks(sorted(set(snapshot_ids))):
        for sid, path, kind, provider, model in conn.execute(
            sa.select(
                undeclared.c.snapshot_id,
                undeclared.c.path,
                undeclared.c.kind,
                undeclared.c.provider,
                undeclared.c.model,
            ).where(undeclared.c.snapshot_id.in_(chunk))
        ):
            out[sid].add((path, kind, provider or "", model or ""))
    return out


def changes(
    conn: Connection, since: dt.date, today: dt.date, policy: Policy | None = None
) -> list[dict[str, Any]]:
    """What changed per asset between each repository's latest observation before
    ``since`` and its latest observation by the end of ``today``, each judged as of its
    own date (:func:`state_as_of`): one row per change, of the kinds of :data:`CHANGES`,
    by repository, asset and kind. A repository first seen since then has every asset
    ``added``."""
    then = observations_before(conn, since.isoformat())
    now = observations_before(conn, (today + dt.timedelta(days=1)).isoformat())
    ids = sorted({*then.values(), *now.values()})
    by_key: dict[int, list[StoredAsset]] = defaultdict(list)
    for a in stored_assets(conn, ids):
        by_key[a.snapshot_id].append(a)
    places = _locations(conn, ids)
    out: list[dict[str, Any]] = []
    for repo in sorted(now):
        # One observation at both dates may still change: it is judged at each date.
        before_sid, after_sid = then.get(repo), now[repo]
        old = {a.name: a for a in by_key.get(before_sid, [])} if before_sid is not None else {}
        new = {a.name: a for a in by_key.get(after_sid, [])}
        for name in sorted(old.keys() | new.keys(), key=lambda n: ((new.get(n) or old[n]).path, n)):
            out.extend(_asset_changes(repo, old.get(name), new.get(name), since, today, policy))
        seen = places.get(before_sid, set()) if before_sid is not None else set()
        for path, kind, provider, model in sorted(places.get(after_sid, set()) - seen):
            what = " ".join(p for p in (kind, provider, model) if p)
            out.append(_change(repo, "", path, "new undeclared AI", "", what))
    return out


def _change(
    repository: str, asset: str, path: str, change: str, before: str, after: str
) -> dict[str, Any]:
    return {
        "repository": repository,
        "asset": asset,
        "path": path,
        "change": change,
        "before": before,
        "after": after,
    }


def _asset_changes(
    repo: str,
    old: StoredAsset | None,
    new: StoredAsset | None,
    since: dt.date,
    today: dt.date,
    policy: Policy | None,
) -> list[dict[str, Any]]:
    if new is None:
        assert old is not None
        return [_change(repo, old.name, old.path, "removed", old.path, "")]
    out = []
    if old is None:
        out.append(
            _change(repo, new.name, new.path, "added", "", f"{new.effective_tier} {new.stage}")
        )
    else:
        was, now = state_as_of(old, since, policy), state_as_of(new, today, policy)
        if was.state == "passed" and now.state != "passed":
            out.append(
                _change(
                    repo,
                    new.name,
                    new.path,
                    "newly failing",
                    was.state,
                    "; ".join([now.state, *now.reasons]),
                )
            )
        elif was.state != "passed" and now.state == "passed":
            out.append(
                _change(
                    repo,
                    new.name,
                    new.path,
                    "fixed",
                    "; ".join([was.state, *was.reasons]),
                    now.state,
                )
            )
        if old.effective_tier != new.effective_tier or old.tier != new.tier:
            out.append(
                _change(
                    repo, new.name, new.path, "tier changed", old.effective_tier, new.effective_tier
                )
            )
        if old.stage != new.stage:
            out.append(_change(repo, new.name, new.path, "stage changed", old.stage, new.stage))
        if (old.owner or "") != (new.owner or ""):
            out.append(
                _change(repo, new.name, new.path, "owner changed", old.owner or "", new.owner or "")
            )
    tier = new.effective_tier
    before = {
        (e.requirement, e.ticket): e
        for e in (old.exceptions if old is not None else ())
        if in_force(e, since, tier, policy)
    }
    after = {
        (e.requirement, e.ticket): e for e in new.exceptions if in_force(e, today, tier, policy)
    }
    for key in sorted(after.keys() - before.keys()):
        e = after[key]
        out.append(
            _change(
                repo,
                new.name,
                new.path,
                "exception granted",
                "",
                f"{e.ticket} ({e.requirement}) until {e.expires}",
            )
        )
    for key in sorted(before.keys() - after.keys()):
        e = before[key]
        out.append(
            _change(
                repo,
                new.name,
                new.path,
                "exception lapsed",
                f"{e.ticket} ({e.requirement}) until {e.expires}",
                "",
            )
        )
    return out


def stale(conn: Connection, today: dt.date, days: int) -> list[dict[str, Any]]:
    """The repositories whose latest snapshot was last seen more than ``days`` before
    ``today``: a scan that no longer reaches them leaves their last state standing."""
    cutoff = (today - dt.timedelta(days=days)).isoformat()
    latest = repositories.c.latest_snapshot_id
    rows = conn.execute(
        sa.select(snapshots.c.repository, snapshots.c.commit, snapshots.c.last_seen_at)
        .select_from(snapshots.join(repositories, snapshots.c.id == latest))
        .where(snapshots.c.last_seen_at < cutoff)
        .order_by(snapshots.c.last_seen_at, snapshots.c.repository)
    ).all()
    return [
        {
            "repository": r.repository,
            "commit": r.commit,
            "last_seen": r.last_seen_at,
            "days": (today - dt.date.fromisoformat(r.last_seen_at[:10])).days,
            "rescan_interval_days": days,
        }
        for r in rows
    ]


def latest_states(
    conn: Connection, today: dt.date, policy: Policy | None
) -> dict[tuple[str, str], State]:
    """(repository, asset) -> its state as of ``today``, for the assets of the
    repositories' latest snapshots whose state may differ from the one stored: those
    with an exception that expired by then or has a grant date, a review due by then, or (with a policy
    that limits eval age) an eval run stored. The others are as the gate judged them."""
    day = today.isoformat()
    ids = {
        sid
        for (sid,) in conn.execute(
            sa.select(exceptions.c.snapshot_id)
            .select_from(latest_rows(exceptions))
            # expired by then, or with a grant date (judged against the policy's maximum)
            .where(
                exceptions.c.active.is_(True),
                (exceptions.c.expires < day) | exceptions.c.granted.is_not(None),
            )
            .distinct()
        )
    }
    ids |= {
        sid
        for (sid,) in conn.execute(
            sa.select(assets.c.snapshot_id)
            .select_from(latest_rows(assets))
            .where(assets.c.next_review < day, assets.c.review_overdue.is_(False))
            .distinct()
        )
    }
    if policy is not None and policy.evals.max_age_days:
        oldest = (today - dt.timedelta(days=min(policy.evals.max_age_days.values()))).isoformat()
        ids |= {
            sid
            for (sid,) in conn.execute(
                sa.select(facts.c.snapshot_id)
                .select_from(latest_rows(facts))
                .where(facts.c.kind == "eval_run", facts.c.value < oldest)
                .distinct()
            )
        }
    return {
        (a.repository, a.name): state_as_of(a, today, policy)
        for a in stored_assets(conn, sorted(ids))
    }


def lapsed_exceptions(conn: Connection, today: dt.date) -> list[dict[str, Any]]:
    """The exceptions of the latest snapshots that waived when scanned and have expired
    by ``today``: they waive nothing any more, and were listed nowhere."""
    rows = conn.execute(
        sa.select(
            snapshots.c.repository,
            exceptions.c.asset,
            exceptions.c.ticket,
            exceptions.c.requirement,
            exceptions.c.expires,
            exceptions.c.reason,
            exceptions.c.approvers,
        )
        .select_from(
            latest_rows(exceptions, with_snapshot=True)
        )
        .where(exceptions.c.active.is_(True), exceptions.c.expires < today.isoformat())
        .order_by(exceptions.c.expires.desc(), snapshots.c.repository, exceptions.c.asset)
    ).all()
    return [
        {
            "repository": r.repository,
            "asset": r.asset,
            "ticket": r.ticket,
            "requirement": r.requirement,
            "expired": r.expires,
            "reason": r.reason or "",
            "approvers": r.approvers or "",
        }
        for r in rows
    ]
