"""``prodgate register impact``: which assets a candidate policy would newly fail, judged
on the facts the register stores, without the repositories and without writing.

A stored snapshot is not a checkout: the artifacts' text, the declarations' risk facts
and the results files are not in the register. So only what the stored facts decide
is judged, and the rest is said to be unknown rather than guessed:

- ``owner`` and ``business_owner``: the stored owner (a gate report stores no business
  owner: unknown);
- ``evals``: the stored evals of an inventory — their count, categories, dates
  (``max_age_days``) and metric values against ``minimum_thresholds``;
- ``review``: the stored last review date against ``review_cadence_days``;
- an artifact requirement: its state as the gate judged it when the snapshot was
  taken; where that gate did not apply it, unknown;
- risk requirements, required headings, placeholders, rule severities and discovery:
  unknown (they need the repository: run ``prodgate check --policy NEW`` there).

An active stored exception for the requirement waives it, as in the gate.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from prodgate.evals.thresholds import parse as parse_threshold
from prodgate.evals.thresholds import show
from prodgate.policy.model import Policy, Requirement
from prodgate.register.tables import assets, exceptions, facts, latest_rows, snapshots

UNKNOWN = "unknown"
"""A requirement the stored facts cannot decide."""

NOT_JUDGED = (
    "risk requirements, artifacts' headings and placeholders, eval results files, rule "
    "severities and discovery are not judged: they need the repository"
)
"""What the impact report cannot say, printed with it."""

COLUMNS = ("repository", "asset", "path", "owner", "owner_email", "tier", "stage", "requirement", "outcome", "reason")


@dataclass(frozen=True)
class StoredAsset:
    """One asset of a repository's latest snapshot, with the facts stored about it."""

    repository: str
    kind: str
    gate: str
    name: str
    path: str
    tier: str
    stage: str
    owner: str | None
    owner_email: str | None
    business_owner: str | None
    facts: tuple[tuple[str, str | None, str, str | None], ...]
    """(kind, eval, name, value), as :data:`prodgate.register.documents.FACT_FIELDS`."""
    waived: frozenset[str]

    def values(self, kind: str) -> list[tuple[str | None, str, str | None]]:
        """The (eval, name, value) of the facts of ``kind``, in the order stored."""
        return [(ev, name, value) for k, ev, name, value in self.facts if k == kind]


def latest_assets(engine: Engine, today: dt.date) -> list[StoredAsset]:
    """Every asset of every repository's latest snapshot, read in one transaction that
    writes nothing (it is rolled back)."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                snapshots.c.id, snapshots.c.repository, snapshots.c.kind, snapshots.c.gate, assets.c.name, assets.c.path,
                assets.c.effective_tier, assets.c.stage, assets.c.owner, assets.c.owner_email, assets.c.business_owner,
            )
            .select_from(latest_rows(assets, with_snapshot=True))
            .order_by(snapshots.c.repository, assets.c.path, assets.c.name)
        ).all()
        fact_rows = conn.execute(
            sa.select(facts.c.snapshot_id, facts.c.asset, facts.c.kind, facts.c.eval, facts.c.name, facts.c.value)
            .select_from(latest_rows(facts))
            .order_by(facts.c.id)
        ).all()
        waiver_rows = conn.execute(
            sa.select(exceptions.c.snapshot_id, exceptions.c.asset, exceptions.c.requirement)
            .select_from(latest_rows(exceptions))
            .where(exceptions.c.active.is_(True), exceptions.c.expires >= today.isoformat())
        ).all()
        conn.rollback()
    by_asset: dict[tuple[int, str], list[tuple[str, str | None, str, str | None]]] = defaultdict(list)
    for sid, asset, kind, ev, name, value in fact_rows:
        by_asset[(sid, asset)].append((kind, ev, name, value))
    waived: dict[tuple[int, str], set[str]] = defaultdict(set)
    for sid, asset, requirement in waiver_rows:
        waived[(sid, asset)].add(requirement)
    return [
        StoredAsset(
            repository=r.repository, kind=r.kind, gate=r.gate, name=r.name, path=r.path, tier=r.effective_tier,
            stage=r.stage, owner=r.owner, owner_email=r.owner_email, business_owner=r.business_owner,
            facts=tuple(by_asset.get((r.id, r.name), ())), waived=frozenset(waived.get((r.id, r.name), ())),
        )
        for r in rows
    ]


def judge(policy: Policy, asset: StoredAsset, today: dt.date) -> dict[str, str]:
    """Requirement id -> ``""`` (met or waived), :data:`UNKNOWN`, or why it fails; only
    the requirements ``policy`` applies to the asset at its tier, stage and gate."""
    out: dict[str, str] = {}
    for rid, req in policy.requirements.items():
        if not req.applies(asset.tier, asset.stage, asset.gate):
            continue
        out[rid] = "" if rid in asset.waived else _requirement(policy, rid, req, asset, today)
    return out


def _requirement(policy: Policy, rid: str, req: Requirement, asset: StoredAsset, today: dt.date) -> str:
    if req.check == "owner":
        return "" if asset.owner else "no owner"
    if req.check == "business_owner":
        if asset.kind != "inventory":
            return UNKNOWN
        return "" if asset.business_owner else "no business owner"
    # A gate report, or an inventory stored before the register kept facts, says nothing
    # of evals and reviews: no stored eval is not a missing eval.
    known = asset.kind == "inventory" and bool(asset.facts)
    if req.check == "evals":
        return _evals(policy, asset, today) if known else UNKNOWN
    if req.check == "review":
        return _review(policy, asset, today) if known else UNKNOWN
    states = {name: value for _ev, name, value in asset.values("requirement")}
    state = states.get(rid)
    if state is None:
        return UNKNOWN
    return "" if state in ("met", "waived") else f"{state} when last judged"


def _evals(policy: Policy, asset: StoredAsset, today: dt.date) -> str:
    rules, tier = policy.evals, asset.tier
    declared = asset.values("eval")
    problems = []
    wanted = rules.min_count.get(tier)  # type: ignore[call-overload]
    if wanted is not None and len(declared) < wanted:
        problems.append(f"{len(declared)} eval(s), fewer than {wanted}")
    have = {category for _ev, _name, category in declared if category}
    missing = [c for c in rules.required_categories.get(tier, []) if c not in have]  # type: ignore[call-overload]
    if missing:
        problems.append(f"no eval of category {', '.join(missing)}")
    max_age = rules.max_age_days.get(tier)  # type: ignore[call-overload]
    if max_age is not None:
        for name, _n, run_at in asset.values("eval_run"):
            try:
                ran = dt.date.fromisoformat((run_at or "")[:10])
            except ValueError:
                continue
            if (today - ran).days > max_age:
                problems.append(f"eval {name} ran {ran.isoformat()}, more than {max_age} days ago")
    metrics = asset.values("metric")
    thresholds: dict[str, str] = rules.minimum_thresholds.get(tier, {})  # type: ignore[call-overload]
    for metric, spec in thresholds.items():
        threshold = parse_threshold(spec)
        values = [(ev, float(v)) for ev, name, v in metrics if name == metric and v is not None]
        if threshold is None:
            continue
        if not values:
            problems.append(f"no stored {metric} value")
        for ev, value in values:
            if not threshold.passes(value):
                problems.append(f"eval {ev}: {metric} {show(value)} misses {threshold.text}")
    return "; ".join(problems)


def _review(policy: Policy, asset: StoredAsset, today: dt.date) -> str:
    cadence = policy.review_cadence_days.get(asset.tier)  # type: ignore[call-overload]
    reviewed = [v for _e, _n, v in asset.values("reviewed") if v]
    if not reviewed:
        return "never reviewed"
    if cadence is None:
        return ""
    due = dt.date.fromisoformat(reviewed[0]) + dt.timedelta(days=cadence)
    return f"review due {due.isoformat()} (every {cadence} days), overdue" if due < today else ""


def impact(engine: Engine, current: Policy, candidate: Policy, today: dt.date) -> list[dict[str, Any]]:
    """One row per asset and requirement that ``candidate`` fails and ``current`` does
    not (``outcome`` ``fails``), or that only ``candidate`` applies and the stored facts
    cannot decide (``outcome`` ``unknown``)."""
    out = []
    for asset in latest_assets(engine, today):
        now, then = judge(current, asset, today), judge(candidate, asset, today)
        for rid, verdict in then.items():
            before = now.get(rid)
            if verdict == UNKNOWN and before is None:
                outcome, reason = UNKNOWN, "newly required; the stored facts cannot tell whether it is met"
            elif verdict and verdict != UNKNOWN and (before is None or before in ("", UNKNOWN)):
                outcome, reason = "fails", verdict
            else:
                continue
            out.append(
                dict(
                    zip(
                        COLUMNS,
                        (asset.repository, asset.name, asset.path, asset.owner or "", asset.owner_email or "",
                         asset.tier, asset.stage, rid, outcome, reason),
                        strict=True,
                    )
                )
            )
    return out
