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
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

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
from prodgate.register.vocabulary import EFFECTS, STAGES, TIERS

EXPIRY_WINDOW_DAYS = 30

ASSET_COLUMNS = (
    "repository", "commit", "name", "path", "tier", "effective_tier", "stage", "owner",
    "business_owner", "models", "data_sources", "personal_data", "gate", "errors",
    "next_review", "review_overdue", "error", "evidence", "evidence_sha256",
)
"""``evidence`` is the file each row was read from, as it was given to ``register add``,
and ``evidence_sha256`` the sha256 of its bytes: which record a row came from. A
declaration that did not load has ``gate`` ``broken`` and the loader's ``error``."""


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
    by_team: list[dict[str, Any]] = field(default_factory=list)
    """Compliance per ``owner.team`` (``""``: assets whose owner names no team)."""
    by_policy: list[dict[str, Any]] = field(default_factory=list)
    """Compliance per policy that judged (name, version, digest): a rollout's progress."""
    agents_by_effect: list[dict[str, Any]] = field(default_factory=list)
    """Agents per strongest effect of their tools (payment first), and how many pass."""
    trend: list[dict[str, Any]] = field(default_factory=list)
    by_business_owner: list[dict[str, Any]] = field(default_factory=list)
    by_model: list[dict[str, Any]] = field(default_factory=list)
    """Assets per model as declared (``provider/name@version``)."""
    by_classification: list[dict[str, Any]] = field(default_factory=list)
    """Assets per data classification of their data sources."""
    unowned: list[dict[str, Any]] = field(default_factory=list)
    """Assets that name no owner."""
    not_codeowner: list[dict[str, Any]] = field(default_factory=list)
    """Assets whose owner is not a code owner of their declaration (PG606), and why."""
    broken: list[dict[str, Any]] = field(default_factory=list)
    """Declarations that did not load, with the loader's error."""
    facts: dict[tuple[str, str], list[tuple[Any, ...]]] = field(default_factory=dict)
    """Each asset's facts (kind, eval, name, value) by (repository, asset), as stored:
    what its detail view on the page shows (read for the page only)."""
    waivers: dict[tuple[str, str], list[tuple[Any, ...]]] = field(default_factory=dict)
    """Each asset's exceptions (requirement, ticket, expires, active, reason, granted,
    approvers) by (repository, asset), for its detail view (read for the page only)."""
    reasons: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    """(repository, asset) -> why it fails as of :attr:`today` where that is not how it
    was stored (:func:`prodgate.register.history.state_as_of`): its row says failed."""
    lapsed: list[dict[str, Any]] = field(default_factory=list)
    """Exceptions that waived when scanned and have expired by :attr:`today`."""
    stale: list[dict[str, Any]] = field(default_factory=list)
    """Repositories not seen within the policy's ``register.rescan_interval_days``."""
    undeclared_locations: list[dict[str, Any]] = field(default_factory=list)
    """Every undeclared AI location of the latest snapshots, with its triage."""
    changes: list[dict[str, Any]] = field(default_factory=list)
    """What changed since :attr:`since` (:func:`prodgate.register.history.changes`)."""
    since: str = ""
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    """Every asset as the database returns it (``None`` where a value is missing, a
    boolean as the database stores it), the columns of :data:`_PAGE` and, unless only
    the page was asked for, of :data:`_DETAIL`: a large register has 50,000, which the
    page writes straight from these, with no dict each."""

    def asset(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        """One row's values as the tables show them, in :data:`ASSET_COLUMNS` order."""
        (repository, commit, name, path, tier, effective, stage, owner, models, passed, next_review, review_overdue,
         error, business, sources) = row[:15]
        personal, errors, source, digest = row[len(_PAGE):]
        return (repository, commit, name, path, tier, effective, stage, owner or "", business or "", models, sources,
                bool(personal), gate_state(passed, error), errors, next_review or "",
                overdue(next_review, review_overdue, self.today), error or "", source, digest)

    @property
    def assets(self) -> list[dict[str, Any]]:
        """The asset table by column name, as ``--format csv|json`` export it."""
        return [dict(zip(ASSET_COLUMNS, self.asset(row), strict=True)) for row in self.rows]

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every table by name, as ``--format csv|json`` export them."""
        return {**self.side_tables(), "assets": self.assets}

    def table(self, name: str) -> list[dict[str, Any]]:
        """One table by name; the asset table is built only when it is the one asked."""
        return self.assets if name == "assets" else self.side_tables()[name]

    def side_tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every table but the asset table (which a page-only view cannot make)."""
        return {
            "totals": [self.totals],
            "tier_stage": [{"tier": t, **row} for t, row in self.tier_stage.items()],
            "gate_by_tier": [{"tier": t, **row} for t, row in self.gate_by_tier.items()],
            "expiring_exceptions": self.expiring,
            "overdue_reviews": self.overdue,
            "undeclared_by_repository": self.undeclared,
            "owners": self.owners,
            "by_business_owner": self.by_business_owner,
            "by_model": self.by_model,
            "by_classification": self.by_classification,
            "unowned": self.unowned,
            "not_codeowner": self.not_codeowner,
            "broken": self.broken,
            "by_team": self.by_team,
            "by_policy": self.by_policy,
            "agents_by_effect": self.agents_by_effect,
            "trend": self.trend,
            "lapsed_exceptions": self.lapsed,
            "failing_as_of": [
                {"repository": repo, "asset": asset, "reason": reason}
                for (repo, asset), reasons in sorted(self.reasons.items()) for reason in reasons
            ],
            "stale_repositories": self.stale,
            "undeclared_locations": self.undeclared_locations,
            "changes": self.changes,
        }


def gate_state(passed: Any, error: str | None) -> str:
    """``passed``, ``failed``, or ``broken`` for a declaration that did not load."""
    return "broken" if error is not None else "passed" if passed else "failed"


def overdue(next_review: str | None, review_overdue: Any, today: str) -> bool:
    """A review is overdue when its date is past, or, never reviewed, when the
    inventory said so."""
    return next_review < today if next_review is not None else bool(review_overdue)


def _driver_rows(conn: Connection, query: sa.Select[Any]) -> list[tuple[Any, ...]]:
    """The rows of a query without parameters as the driver returns them, plain tuples:
    SQLAlchemy's result rows cost more than the query for the 50,000 assets of a large
    register, and these are shown as they are."""
    sql = str(query.compile(dialect=conn.dialect))
    cursor = conn.connection.cursor()  # inside the connection's transaction, begun before
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


_PAGE = (snapshots.c.repository, snapshots.c.commit, assets.c.name, assets.c.path, assets.c.tier, assets.c.effective_tier,
         assets.c.stage, assets.c.owner, assets.c.models, assets.c.passed, assets.c.next_review, assets.c.review_overdue,
         assets.c.error, assets.c.business_owner, assets.c.data_sources, assets.c.owner_email, assets.c.owner_team)
"""The asset columns the HTML page shows or counts (``error``: see :func:`gate_state`)."""
_DETAIL = (assets.c.personal_data, assets.c.errors, snapshots.c.source, snapshots.c.digest)
"""The asset columns only the exported table has: the page reads a third less without them."""


def collect(
    engine: Engine, today: dt.date, *, page_only: bool = False, policy: Policy | None = None
) -> RegisterView:
    """Every table of the register as of ``today``, the assets as the database returns
    them (see :attr:`RegisterView.rows`); with ``page_only``, only the asset columns the
    HTML page needs (:attr:`RegisterView.assets` is then not to be asked for).

    Each asset is judged as of ``today`` (:mod:`prodgate.register.history`): one whose
    exception expired or whose review fell due since its snapshot fails, with its
    reasons in :attr:`RegisterView.reasons`; ``policy`` (default: none) adds eval ages
    and sets the rescan interval of :attr:`RegisterView.stale` (default 30 days)."""
    from prodgate.register.history import lapsed_exceptions, latest_states, stale
    from prodgate.register.triage import undeclared_locations

    view = RegisterView(today=today.isoformat())
    today_s = view.today
    with engine.connect() as conn, conn.begin():  # one transaction: every table of the same register
        view.rows = _driver_rows(
            conn,
            sa.select(*_PAGE, *(() if page_only else _DETAIL))
            .select_from(latest_rows(assets, with_snapshot=True))
            .order_by(snapshots.c.repository, assets.c.path, assets.c.name),
        )
        exc_rows = conn.execute(
            sa.select(snapshots.c.repository, exceptions.c.asset, exceptions.c.ticket, exceptions.c.requirement, exceptions.c.expires)
            .select_from(latest_rows(exceptions, with_snapshot=True))
            .where(
                exceptions.c.active.is_(True),
                exceptions.c.expires >= today.isoformat(),
                exceptions.c.expires <= (today + dt.timedelta(days=EXPIRY_WINDOW_DAYS)).isoformat(),
            )
            .order_by(exceptions.c.expires, snapshots.c.repository, exceptions.c.asset)
        ).all()
        und_rows = conn.execute(
            sa.select(snapshots.c.repository, sa.func.count(undeclared.c.id), sa.func.min(undeclared.c.path))
            .select_from(latest_rows(undeclared, with_snapshot=True))
            .group_by(snapshots.c.repository)
            .order_by(sa.func.count(undeclared.c.id).desc(), snapshots.c.repository)
        ).all()
        history = _driver_rows(
            conn,
            sa.select(snapshots.c.repository, snapshots.c.generated_at, snapshots.c.assets, snapshots.c.failed, snapshots.c.undeclared),
        )
        n_repos = conn.execute(sa.select(sa.func.count()).select_from(repositories)).scalar_one()
        if page_only:
            view.facts, view.waivers = _details(conn)
        view.not_codeowner = [
            {"repository": r[0], "asset": r[1], "why": r[2]}
            for r in conn.execute(
                sa.select(snapshots.c.repository, facts.c.asset, facts.c.value)
                .select_from(latest_rows(facts, with_snapshot=True))
                .where(facts.c.kind == "codeowner")
                .order_by(snapshots.c.repository, facts.c.asset)
            ).all()
        ]
        view.by_team = _by_team(conn)
        view.by_policy = _by_policy(conn)
        view.agents_by_effect = _agents_by_effect(conn)
        states = latest_states(conn, today, policy)
        stored_passing = {(r[0], r[2]) for r in view.rows if r[9]}
        newly = sorted(key for key, st in states.items() if st.state == "failed" and key in stored_passing)
        if newly:
            _fail_in_rollups(conn, view, newly)
        view.lapsed = lapsed_exceptions(conn, today)
        view.stale = stale(conn, today, policy.register_rules.rescan_interval_days if policy is not None else 30)
        view.undeclared_locations = undeclared_locations(conn)
    view.reasons = {key: s.reasons for key, s in states.items() if s.state == "failed" and s.reasons}
    failing_now = {key for key, s in states.items() if s.state == "failed"}
    if failing_now:  # judged as of today: a row stored as passed that fails now says so
        view.rows = [
            (*r[:9], False, *r[10:]) if r[9] and (r[0], r[2]) in failing_now else r for r in view.rows
        ]

    # Counted here, over the rows read anyway: cheaper than a GROUP BY query each.
    rows = view.rows
    view.tier_stage = {t: dict.fromkeys(STAGES, 0) for t in TIERS}
    view.gate_by_tier = {t: {"passed": 0, "failed": 0} for t in TIERS}
    for (tier, stage, passed), n in Counter((r[5], r[6], bool(r[9])) for r in rows).items():
        if tier not in view.gate_by_tier:  # a declaration that did not load: no tier to count it under
            continue
        view.tier_stage[tier][stage] += n
        view.gate_by_tier[tier]["passed" if passed else "failed"] += n
    owners: dict[str, list[int]] = {}
    for (owner, passed), n in Counter((r[7], bool(r[9])) for r in rows if r[7]).items():
        counts = owners.setdefault(owner, [0, 0])
        counts[0] += n
        counts[1] += 0 if passed else n

    # The rule of the asset table's column; never reviewed first, then by date and
    # repository, each in the table's order.
    late = [r for r in rows if overdue(r[10], r[11], today_s)]
    late = [r for r in late if r[10] is None] + sorted((r for r in late if r[10] is not None), key=itemgetter(10, 0))
    view.overdue = [
        {"repository": r[0], "asset": r[2], "path": r[3], "owner": r[7] or "", "tier": r[5], "next_review": r[10] or "never reviewed"}
        for r in late
    ]
    view.expiring = [
        {"repository": e.repository, "asset": e.asset, "ticket": e.ticket, "requirement": e.requirement, "expires": e.expires}
        for e in exc_rows
    ]
    view.undeclared = [{"repository": u[0], "undeclared": u[1], "first_path": u[2]} for u in und_rows]
    view.owners = [
        {"owner": o, "assets": n, "failing": f} for o, (n, f) in sorted(owners.items(), key=lambda kv: (-kv[1][0], kv[0]))
    ]
    # those still to triage first, each group in the table's order
    view.undeclared_locations.sort(key=lambda u: bool(u["triage"]))
    view.broken = [
        {"repository": r[0], "path": r[3], "error": r[12]} for r in rows if r[12] is not None
    ]
    view.by_business_owner = _rollup("business_owner", ((r[13], r[9]) for r in rows if r[13]))
    view.by_model = _rollup("model", ((m, r[9]) for r in rows for m in _parts(r[8])))
    view.by_classification = _rollup("classification", ((c, r[9]) for r in rows for c in _classifications(r[14])))
    view.unowned = [
        {"repository": r[0], "asset": r[2], "path": r[3], "tier": r[5], "stage": r[6], "gate": gate_state(r[9], r[12])}
        for r in rows if not r[7] and r[12] is None
    ]
    view.trend = _trend(history)
    view.totals = {
        "repositories": n_repos,
        "assets": len(view.rows),
        "failing": sum(1 for r in rows if not r[9]),
        "broken": sum(1 for r in rows if r[12] is not None),
        "undeclared": sum(u["undeclared"] for u in view.undeclared),
        "expiring_exceptions": len(view.expiring),
        "overdue_reviews": len(view.overdue),
    }
    return view


def _details(conn: Connection) -> tuple[dict[tuple[str, str], list[tuple[Any, ...]]], dict[tuple[str, str], list[tuple[Any, ...]]]]:
    """The facts and exceptions of every asset of the latest snapshots, by repository
    and asset, in the order stored."""
    facts_by: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
    for repository, asset, *fact in _driver_rows(
        conn,
        sa.select(snapshots.c.repository, facts.c.asset, facts.c.kind, facts.c.eval, facts.c.name, facts.c.value)
        .select_from(latest_rows(facts, with_snapshot=True))
        .order_by(facts.c.id),
    ):
        facts_by[(repository, asset)].append(tuple(fact))
    waivers: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
    for repository, asset, *waiver in _driver_rows(
        conn,
        sa.select(snapshots.c.repository, exceptions.c.asset, exceptions.c.requirement, exceptions.c.ticket, exceptions.c.expires,
                  exceptions.c.active, exceptions.c.reason, exceptions.c.granted, exceptions.c.approvers)
        .select_from(latest_rows(exceptions, with_snapshot=True))
        .order_by(exceptions.c.id),
    ):
        waivers[(repository, asset)].append(tuple(waiver))
    return dict(facts_by), dict(waivers)


def _parts(text: str | None) -> set[str]:
    """The entries of a ``; ``-joined column (models, data sources), each once."""
    return {p for p in text.split("; ") if p} if text else set()


def _classifications(sources: str | None) -> set[str]:
    """The classifications of an asset's data sources, each stored as ``name
    (classification)``: the text in the last parentheses of each entry."""
    out = set()
    for part in _parts(sources):
        _name, open_, tail = part.rpartition(" (")
        if open_ and tail.endswith(")"):
            out.add(tail[:-1])
    return out


def _rollup(key: str, pairs: Any) -> list[dict[str, Any]]:
    """Assets and failing assets per value of ``key``, from (value, passed) pairs; the
    most assets first, then by value."""
    counts: dict[str, list[int]] = {}
    for value, passed in pairs:
        c = counts.setdefault(value, [0, 0])
        c[0] += 1
        c[1] += 0 if passed else 1
    return [{key: v, "assets": n, "failing": f} for v, (n, f) in sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[0]))]


def _compliance(assets_n: int, failing: int) -> dict[str, Any]:
    passing = assets_n - failing
    return {"assets": assets_n, "passing": passing, "failing": failing,
            "compliance": round(passing / assets_n, 4) if assets_n else None}


def _fail_in_rollups(conn: Connection, view: RegisterView, newly: list[tuple[str, str]]) -> None:
    """Count the assets stored as passing that fail as of the view's date as failing in
    the compliance by team and by policy too, as every other table counts them."""
    wanted = set(newly)
    teams: Counter[str] = Counter()
    policies: Counter[tuple[str, str, str]] = Counter()
    names = sorted({r for r, _a in newly})
    for repos in (names[i : i + 500] for i in range(0, len(names), 500)):
        for r in conn.execute(
            sa.select(snapshots.c.repository, assets.c.name, assets.c.owner_team, snapshots.c.policy_name,
                      snapshots.c.policy_version, snapshots.c.policy_digest)
            .select_from(latest_rows(assets, with_snapshot=True))
            .where(snapshots.c.repository.in_(repos))
        ):
            if (r.repository, r.name) in wanted:
                teams[r.owner_team or ""] += 1
                policies[(r.policy_name or "", r.policy_version or "", r.policy_digest or "")] += 1
    for row in view.by_team:
        row.update(_compliance(row["assets"], row["failing"] + teams[row["team"]]))
    view.by_team.sort(key=lambda r: (-r["failing"], -r["assets"], r["team"]))
    for row in view.by_policy:
        row.update(_compliance(row["assets"], row["failing"] + policies[(row["policy"], row["version"], row["digest"])]))


def _by_team(conn: Connection) -> list[dict[str, Any]]:
    """Each team's assets in the latest snapshots, and how many pass; most failing first."""
    failing = sa.func.sum(sa.case((assets.c.passed.is_(False), 1), else_=0))
    rows = conn.execute(
        sa.select(assets.c.owner_team, sa.func.count(assets.c.id), failing)
        .select_from(latest_rows(assets))
        .group_by(assets.c.owner_team)
    ).all()
    out = [{"team": team or "", **_compliance(int(n), int(f or 0))} for team, n, f in rows]
    return sorted(out, key=lambda r: (-r["failing"], -r["assets"], r["team"]))


def _agents_by_effect(conn: Connection) -> list[dict[str, Any]]:
    """The agents of the latest snapshots (assets whose inventory gave their tools) by
    the strongest effect of their tools, strongest first: how many can pay, message
    people, run code, write or only read, and how many of each pass."""
    failing = sa.func.sum(sa.case((assets.c.passed.is_(False), 1), else_=0))
    rows = conn.execute(
        sa.select(assets.c.agent_effect, sa.func.count(assets.c.id), failing)
        .select_from(latest_rows(assets))
        .where(assets.c.agent_effect.is_not(None))
        .group_by(assets.c.agent_effect)
    ).all()
    out = [{"effect": effect, **_compliance(int(n), int(f or 0))} for effect, n, f in rows if effect in EFFECTS]
    return sorted(out, key=lambda r: -EFFECTS.index(r["effect"]))


def _by_policy(conn: Connection) -> list[dict[str, Any]]:
    """Each policy (name, version, digest) that judged a latest snapshot: how many
    repositories and assets it judged, and how many pass; the newest version first
    when versions sort, else by name. ``""`` where the snapshot did not say."""
    latest = repositories.c.latest_snapshot_id
    key = (snapshots.c.policy_name, snapshots.c.policy_version, snapshots.c.policy_digest)
    rows = conn.execute(
        sa.select(*key, sa.func.count(snapshots.c.id), sa.func.sum(snapshots.c.assets), sa.func.sum(snapshots.c.failed))
        .select_from(snapshots.join(repositories, snapshots.c.id == latest))
        .group_by(*key)
    ).all()
    out = [
        {"policy": name or "", "version": version or "", "digest": digest or "", "repositories": int(repos),
         **_compliance(int(n or 0), int(f or 0))}
        for name, version, digest, repos, n, f in rows
    ]
    return sorted(out, key=lambda r: (r["policy"], _version_key(r["version"]), r["digest"]))


def _version_key(version: str) -> tuple[Any, ...]:
    """``1.10`` after ``1.9``: numbers compare as numbers, the rest as text."""
    import re

    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\-+]", version))


def _trend(history: Sequence[Any]) -> list[dict[str, Any]]:
    """Per day with a snapshot: totals over each repository's latest snapshot that day."""
    by_day: dict[str, list[Any]] = defaultdict(list)
    for h in history:  # (repository, generated_at, assets, failed, undeclared)
        by_day[h[1][:10]].append(h)
    current: dict[str, Any] = {}
    out = []
    for day in sorted(by_day):
        for h in sorted(by_day[day], key=lambda h: h[1]):
            current[h[0]] = h
        out.append(
            {
                "date": day,
                "repositories": len(current),
                "assets": sum(h[2] for h in current.values()),
                "failing": sum(h[3] for h in current.values()),
                "undeclared": sum(h[4] or 0 for h in current.values()),
            }
        )
    return out
