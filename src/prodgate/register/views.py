"""The questions an AI business office asks of the register, answered from the latest
snapshot of every repository (and, for the trend, from every snapshot).

The answer is plain data (lists of dicts) so that HTML, CSV and JSON show the same
tables.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from prodgate.register.documents import STAGES, TIERS
from prodgate.register.tables import assets, exceptions, repositories, snapshots, undeclared

EXPIRY_WINDOW_DAYS = 30
TOP_OWNERS = 20

ASSET_COLUMNS = (
    "repository", "commit", "name", "path", "tier", "effective_tier", "stage", "owner",
    "business_owner", "models", "data_sources", "personal_data", "gate", "errors",
    "next_review", "review_overdue", "evidence", "evidence_sha256",
)
"""``evidence`` is the file each row was read from, as it was given to ``register add``,
and ``evidence_sha256`` the sha256 of its bytes: which record a row came from."""


@dataclass
class RegisterView:
    today: str
    totals: dict[str, int] = field(default_factory=dict)
    tier_stage: dict[str, dict[str, int]] = field(default_factory=dict)
    gate_by_tier: dict[str, dict[str, int]] = field(default_factory=dict)
    expiring: list[dict[str, Any]] = field(default_factory=list)
    overdue: list[dict[str, Any]] = field(default_factory=list)
    undeclared: list[dict[str, Any]] = field(default_factory=list)
    owners: list[dict[str, Any]] = field(default_factory=list)
    trend: list[dict[str, Any]] = field(default_factory=list)
    assets: list[dict[str, Any]] = field(default_factory=list)

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every table by name, as ``--format csv|json`` export them."""
        return {
            "totals": [self.totals],
            "tier_stage": [{"tier": t, **row} for t, row in self.tier_stage.items()],
            "gate_by_tier": [{"tier": t, **row} for t, row in self.gate_by_tier.items()],
            "expiring_exceptions": self.expiring,
            "overdue_reviews": self.overdue,
            "undeclared_by_repository": self.undeclared,
            "owners": self.owners,
            "trend": self.trend,
            "assets": self.assets,
        }


def collect(engine: Engine, today: dt.date) -> RegisterView:
    view = RegisterView(today=today.isoformat())
    latest = repositories.c.latest_snapshot_id
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                snapshots.c.repository, snapshots.c.commit, assets.c.name, assets.c.path, assets.c.tier,
                assets.c.effective_tier, assets.c.stage, assets.c.owner, assets.c.business_owner,
                assets.c.models, assets.c.data_sources, assets.c.personal_data, assets.c.passed,
                assets.c.errors, assets.c.next_review, assets.c.review_overdue, snapshots.c.source, snapshots.c.digest,
            )
            .select_from(assets.join(repositories, assets.c.snapshot_id == latest).join(snapshots, snapshots.c.id == latest))
            .order_by(snapshots.c.repository, assets.c.path, assets.c.name)
        ).all()
        exc_rows = conn.execute(
            sa.select(snapshots.c.repository, exceptions.c.asset, exceptions.c.ticket, exceptions.c.requirement, exceptions.c.expires)
            .select_from(exceptions.join(repositories, exceptions.c.snapshot_id == latest).join(snapshots, snapshots.c.id == latest))
            .where(
                exceptions.c.active.is_(True),
                exceptions.c.expires >= today.isoformat(),
                exceptions.c.expires <= (today + dt.timedelta(days=EXPIRY_WINDOW_DAYS)).isoformat(),
            )
            .order_by(exceptions.c.expires, snapshots.c.repository, exceptions.c.asset)
        ).all()
        und_rows = conn.execute(
            sa.select(snapshots.c.repository, sa.func.count(undeclared.c.id), sa.func.min(undeclared.c.path))
            .select_from(undeclared.join(repositories, undeclared.c.snapshot_id == latest).join(snapshots, snapshots.c.id == latest))
            .group_by(snapshots.c.repository)
            .order_by(sa.func.count(undeclared.c.id).desc(), snapshots.c.repository)
        ).all()
        history = conn.execute(
            sa.select(snapshots.c.repository, snapshots.c.generated_at, snapshots.c.assets, snapshots.c.failed, snapshots.c.undeclared)
        ).all()
        n_repos = conn.execute(sa.select(sa.func.count()).select_from(repositories)).scalar_one()

    today_s = today.isoformat()
    tier_stage = {t: dict.fromkeys(STAGES, 0) for t in TIERS}
    gate = {t: {"passed": 0, "failed": 0} for t in TIERS}
    owners: Counter[str] = Counter()
    owners_failing: Counter[str] = Counter()
    for (repository, commit, name, path, tier, effective, stage, owner, business, models, sources, personal,
         passed, errors, next_review, review_overdue, source, digest) in rows:  # one pass over every asset: unpacked
        tier_stage[effective][stage] += 1
        gate[effective]["passed" if passed else "failed"] += 1
        overdue = (next_review is not None and next_review < today_s) or (next_review is None and review_overdue)
        view.assets.append({
            "repository": repository, "commit": commit, "name": name, "path": path, "tier": tier,
            "effective_tier": effective, "stage": stage, "owner": owner or "",
            "business_owner": business or "", "models": models, "data_sources": sources,
            "personal_data": bool(personal), "gate": "passed" if passed else "failed", "errors": errors,
            "next_review": next_review or "", "review_overdue": bool(overdue),
            "evidence": source, "evidence_sha256": digest,
        })
        if overdue:
            view.overdue.append(
                {"repository": repository, "asset": name, "path": path, "owner": owner or "",
                 "tier": effective, "next_review": next_review or "never reviewed"}
            )
        if owner:
            owners[owner] += 1
            if not passed:
                owners_failing[owner] += 1
    view.overdue.sort(key=lambda o: (o["next_review"] != "never reviewed", o["next_review"], o["repository"]))
    view.tier_stage = tier_stage
    view.gate_by_tier = gate
    view.expiring = [
        {"repository": e.repository, "asset": e.asset, "ticket": e.ticket, "requirement": e.requirement, "expires": e.expires}
        for e in exc_rows
    ]
    view.undeclared = [{"repository": u[0], "undeclared": u[1], "first_path": u[2]} for u in und_rows]
    view.owners = [
        {"owner": o, "assets": n, "failing": owners_failing[o]} for o, n in sorted(owners.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_OWNERS]
    ]
    view.trend = _trend(history)
    view.totals = {
        "repositories": n_repos,
        "assets": len(view.assets),
        "failing": sum(1 for a in view.assets if a["gate"] == "failed"),
        "undeclared": sum(u["undeclared"] for u in view.undeclared),
        "expiring_exceptions": len(view.expiring),
        "overdue_reviews": len(view.overdue),
    }
    return view


def _trend(history: Sequence[Any]) -> list[dict[str, Any]]:
    """Per day with a snapshot: totals over each repository's latest snapshot that day."""
    by_day: dict[str, list[Any]] = defaultdict(list)
    for h in history:
        by_day[h.generated_at[:10]].append(h)
    current: dict[str, Any] = {}
    out = []
    for day in sorted(by_day):
        for h in sorted(by_day[day], key=lambda h: h.generated_at):
            current[h.repository] = h
        out.append(
            {
                "date": day,
                "repositories": len(current),
                "assets": sum(h.assets for h in current.values()),
                "failing": sum(h.failed for h in current.values()),
                "undeclared": sum(h.undeclared or 0 for h in current.values()),
            }
        )
    return out
