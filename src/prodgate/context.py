"""What the rules see of one asset: its declaration, the policy, the gate, today, and
the risk facts derived once from the declaration."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prodgate.codeowners import CodeOwners
from prodgate.manifest.loader import Declaration
from prodgate.manifest.model import ACTING_EFFECTS, CLASSIFICATIONS, TIERS, Asset
from prodgate.policy.model import Policy, expand_stages
from prodgate.report import EvalSummary

if TYPE_CHECKING:
    from prodgate.change.base import BaseDeclaration
    from prodgate.github.reviews import ReviewSource


@dataclass(frozen=True)
class Facts:
    """Risk facts, as named in the policy's ``when:`` conditions."""

    values: dict[str, Any]
    where: dict[str, tuple[str | int, ...]]
    """The declaration path that set each fact, to point findings at it."""

    @classmethod
    def of(cls, asset: Asset) -> Facts:
        values: dict[str, Any] = {
            "customer_facing": asset.risk.customer_facing,
            "regulated": asset.risk.regulated,
            "autonomy": asset.risk.autonomy,
            "decisions_about_people": asset.risk.decisions_about_people,
            "personal_data": False,
            "classification": "public",
            "agent_unattended": frozenset(),
            "agent_unattended_external": False,
        }
        where: dict[str, tuple[str | int, ...]] = {
            k: ("risk", k) for k in ("customer_facing", "regulated", "autonomy", "decisions_about_people")
        }
        for i, source in enumerate(asset.data_sources):
            if source.personal_data and not values["personal_data"]:
                values["personal_data"] = True
                where["personal_data"] = ("data_sources", i, "personal_data")
            if CLASSIFICATIONS.index(source.classification) > CLASSIFICATIONS.index(values["classification"]):
                values["classification"] = source.classification
                where["classification"] = ("data_sources", i, "classification")
        _agent_facts(asset, values, where)
        return cls(values, where)

    def match(self, when: dict[str, Any]) -> bool:
        """All conditions hold; a list means any of its values. A fact holding a set
        (``agent_unattended``) meets a condition when any of its members does."""
        for fact, expected in when.items():
            options = expected if isinstance(expected, list) else [expected]
            value = self.values.get(fact)
            if isinstance(value, frozenset):
                if not any(v in options for v in value):
                    return False
            elif value not in options:
                return False
        return True


def _agent_facts(asset: Asset, values: dict[str, Any], where: dict[str, tuple[str | int, ...]]) -> None:
    """``agent_unattended`` (the effects of tools no person confirms) and
    ``agent_unattended_external``, each pointing at the first tool that sets it (its
    ``approval``, or its ``effect`` when ``approval`` is left to the default, none)."""
    if asset.agent is None:
        return
    unattended: set[str] = set()
    for i, tool in enumerate(asset.agent.tools):
        if tool.approval != "none":
            continue
        if tool.effect in ACTING_EFFECTS and "agent_unattended" not in where:
            where["agent_unattended"] = ("agent", "tools", i, "effect")
        unattended.add(tool.effect)
        if tool.effect == "communicate" and tool.audience == "external" and not values["agent_unattended_external"]:
            values["agent_unattended_external"] = True
            where["agent_unattended_external"] = ("agent", "tools", i, "effect")
    values["agent_unattended"] = frozenset(unattended)


@dataclass(frozen=True)
class Demand:
    """One requirement that applies to the asset, and why."""

    id: str
    title: str
    artifact: str | None = None
    check: str | None = None
    headings: tuple[Any, ...] = ()
    reason: str = ""
    from_risk: bool = False
    by_floor: bool = False
    """Applies only because a risk floor raised the tier: the declared tier lacks it."""


@dataclass
class AssetContext:
    decl: Declaration
    policy: Policy
    gate: str
    today: dt.date
    repo_root: Path
    facts: Facts
    effective_tier: str
    floor_reasons: tuple[str, ...] = ()
    demands: list[Demand] = field(default_factory=list)
    codeowners: CodeOwners | None = None
    """The repository's CODEOWNERS, read once per run and shared by every asset."""
    run_cache: dict[str, object] = field(default_factory=dict)
    """State a rule computes once per run and shares across assets (the same dict for
    every asset of a run; never across runs, so nothing goes stale)."""
    evals: list[EvalSummary] = field(default_factory=list)
    """Eval outcomes the eval rules record for the summaries."""
    base: BaseDeclaration | None = None
    """The declaration as it was at the base commit, when the run compares with one
    and the asset existed there."""
    reviews: ReviewSource | str | None = None
    """The pull request's reviews to verify approvals against, or why there are none."""
    policy_option: str = ""
    """`` --policy FILE`` of the run, repeated by fix texts that name ``prodgate init``."""

    @property
    def asset(self) -> Asset:
        return self.decl.asset

    def demand(self, requirement_id: str) -> Demand | None:
        return next((d for d in self.demands if d.id == requirement_id), None)

    def checks(self, check: str) -> Demand | None:
        return next((d for d in self.demands if d.check == check), None)



def build_context(
    decl: Declaration,
    policy: Policy,
    gate: str,
    today: dt.date,
    repo_root: Path,
    codeowners: CodeOwners | None = None,
    run_cache: dict[str, object] | None = None,
) -> AssetContext:
    asset = decl.asset
    facts = Facts.of(asset)
    tier = asset.tier
    reasons: list[str] = []
    for floor in policy.risk_floors.values():
        if facts.match(floor.when) and TIERS.index(floor.min_tier) > TIERS.index(asset.tier):
            reasons.append(floor.reason)
            if TIERS.index(floor.min_tier) > TIERS.index(tier):
                tier = floor.min_tier
    ctx = AssetContext(decl, policy, gate, today, repo_root, facts, tier, tuple(reasons), codeowners=codeowners,
        run_cache=run_cache if run_cache is not None else {},
    )
    # Requirements are those of the effective tier: declaring a lower tier than the
    # risk facts demand must not also lower the controls.
    for rid, req in policy.requirements.items():
        if req.applies(tier, asset.stage, gate):
            headings: tuple[Any, ...] = ()
            if req.artifact is not None:
                headings = tuple(policy.artifacts[req.artifact].required_headings)
            by_floor = tier != asset.tier and not req.applies(asset.tier, asset.stage, gate)
            ctx.demands.append(Demand(rid, req.title, req.artifact, req.check, headings, by_floor=by_floor))
    for rid, rreq in policy.risk_requirements.items():
        in_tier = rreq.tiers is None or tier in rreq.tiers
        if in_tier and facts.match(rreq.when) and asset.stage in expand_stages(rreq.stages):
            ctx.demands.append(
                Demand(rid, rreq.title, rreq.artifact, None, tuple(rreq.required_headings), rreq.reason, True)
            )
    return ctx
