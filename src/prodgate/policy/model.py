"""What the gate works with of a policy (``apiVersion: prodgate/policy/v1``): plain,
frozen records (:mod:`prodgate.record`; annotations are not postponed here).

Policy facts are data: which artifacts exist and what they must contain, which
requirement applies to which (tier, stage, gate), which risk facts raise the tier or add
requirements. Code only interprets them, so platform teams change the gate without a
release of prodgate.

The contract, with its cross-checks and explanations, is the pydantic models of
:mod:`prodgate.policy.pydantic_model`; a policy file is validated there. The built-in
policy ships with prodgate and a test validates it, so a run with it never imports
pydantic: it is built straight into these classes (:func:`prodgate.construct.construct`).
A test keeps the fields here and there the same.
"""

import datetime as dt
from typing import Literal

from prodgate.linear import Lines, compile_pattern
from prodgate.manifest.model import ALIAS, STAGES, Tier
from prodgate.record import Record, field

StageSpec = Literal["sandbox", "pilot", "production", "retired", "active", "all"]
ACTIVE: tuple[str, ...] = ("sandbox", "pilot", "production")
FACTS = (
    "customer_facing",
    "regulated",
    "autonomy",
    "decisions_about_people",
    "personal_data",
    "classification",
    "agent_unattended",
    "agent_unattended_external",
)
"""Risk facts a policy's ``when:`` may name. ``agent_unattended`` is the set of effects of
the agent's tools that no person confirms (``approval: none``): a condition on it holds
when any of those effects is one of its values. ``agent_unattended_external``: one such
tool communicates with people outside the organisation."""
FactValue = bool | str | list[bool | str]



def expand_stages(specs: list[StageSpec] | StageSpec) -> frozenset[str]:
    """``active`` and ``all`` to the stages they stand for."""
    items = [specs] if isinstance(specs, str) else specs
    out: set[str] = set()
    for spec in items:
        if spec == "all":
            out.update(STAGES)
        elif spec == "active":
            out.update(ACTIVE)
        else:
            out.add(spec)
    return frozenset(out)


Cells = dict[Tier, list[StageSpec] | StageSpec]


class Placeholder(Record):
    text: str | None = None
    regex: str | None = None
    word: bool = False
    label: str | None = None

    def first_in_lines(self, lines: Lines, limit: int | None = None) -> dict[int, int]:
        """{line index: column} of this placeholder's first occurrence in each of
        ``lines`` (the first ``limit`` lines it occurs in), in time linear in the text:
        artifacts are written by the pull request."""
        if self.regex is not None:
            return lines.first_matches(compile_pattern(self.regex, within_lines=True), limit)
        assert self.text is not None
        return lines.first_texts(self.text, word=self.word, limit=limit)

    def describe(self) -> str:
        return self.label or (f'"{self.text}"' if self.text is not None else f"/{self.regex}/")


class HeadingSpec(Record):
    """A required heading and the other titles that count as it (model cards written
    with the Hugging Face template say "Uses" where the policy says "Intended use")."""

    heading: str
    aliases: list[str] = field(default_factory=list)


def heading_specs(items: list[str | HeadingSpec]) -> list[HeadingSpec]:
    return [HeadingSpec(heading=i) if isinstance(i, str) else i for i in items]


class ArtifactKind(Record):
    title: str
    template: str | None = None
    required_headings: list[str | HeadingSpec] = field(default_factory=list)
    placeholders: list[Placeholder] = field(default_factory=list)
    references: list[str] = field(default_factory=list)


class Requirement(Record):
    title: str
    artifact: str | None = None
    check: Literal["owner", "business_owner", "evals", "review"] | None = None
    when: Cells = field(default_factory=dict)
    at_deploy: Cells = field(default_factory=dict)

    def applies(self, tier: str, stage: str, gate: str) -> bool:
        cells = [self.when] + ([self.at_deploy] if gate == "deploy" else [])
        return any(stage in expand_stages(c[tier]) for c in cells if tier in c)


class RiskFloor(Record):
    when: dict[str, FactValue]
    min_tier: Tier
    reason: str


class RiskRequirement(Record):
    title: str
    artifact: str
    when: dict[str, FactValue]
    stages: list[StageSpec] | StageSpec = "active"
    tiers: list[Tier] | None = None
    required_headings: list[str | HeadingSpec] = field(default_factory=list)
    reason: str


class EvalRules(Record):
    max_age_days: dict[Tier, int] = field(default_factory=dict)
    min_count: dict[Tier, int] = field(default_factory=dict)
    required_categories: dict[Tier, list[str]] = field(default_factory=dict)
    minimum_thresholds: dict[Tier, dict[str, str]] = field(default_factory=dict)


class ExceptionRules(Record):
    required_approvals: list[str] = field(default_factory=list)
    required_owners: list[str] = field(default_factory=list)
    max_days: dict[Tier, int] = field(default_factory=dict)
    warn_within_days: int = 14
    approvers: dict[str, list[str] | dict[str, list[str]]] = field(default_factory=dict)
    distinct_approvers: bool = True
    verify: Literal["pull-request-reviews"] | None = None

    def approvers_for(self, tier: str) -> dict[str, list[str]]:
        """Who may approve per role for an asset of ``tier``: the flat entries
        (``it_executive: [...]``), each replaced by the tier's own list where the
        policy has one (``enterprise: {it_executive: [...]}``)."""
        out = {role: who for role, who in self.approvers.items() if isinstance(who, list)}
        for_tier = self.approvers.get(tier)
        if isinstance(for_tier, dict):
            out.update(for_tier)
        return out


class TierEnforcement(Record):
    mode: Literal["enforce", "advisory"] = "enforce"
    block_from: dt.date | None = None


class Enforcement(Record):
    """Whether findings block: ``advisory`` reports without blocking, ``block_from``
    reports without blocking until that date. ``tiers`` narrows it per tier."""

    mode: Literal["enforce", "advisory"] = "enforce"
    block_from: dt.date | None = None
    tiers: dict[Tier, TierEnforcement] = field(default_factory=dict)

    def at(self, tier: str | None) -> TierEnforcement:
        spec = self.tiers.get(tier) if tier is not None else None  # type: ignore[call-overload]
        return spec if spec is not None else TierEnforcement(mode=self.mode, block_from=self.block_from)


class RuleOverride(Record):
    severity: Literal["error", "warning", "note"] | None = None
    enabled: bool = True
    enforcement: Enforcement | None = None


class DiscoveryExemption(Record):
    path: str
    reason: str


class DiscoveryRules(Record):
    """What ``prodgate discover`` and the check's discovery look for, and where not."""

    enabled: bool = True
    signatures: dict[str, dict[str, object]] = field(default_factory=dict)
    drop: list[str] = field(default_factory=list)
    exempt: list[DiscoveryExemption] = field(default_factory=list)


StageName = Literal["sandbox", "pilot", "production", "retired"]


def _sandbox() -> list[StageName]:
    return ["sandbox"]


class WideCoverage(Record):
    declaration: str
    reason: str


class ChangeControlRules(Record):
    """What a change may do to the assets of the base commit (PG703, PG706)."""

    removable_stages: list[StageName] = field(
        default_factory=_sandbox
    )
    wide_coverage: list[WideCoverage] = field(default_factory=list)


class McpServerRules(Record):
    allowed: list[str] | None = None
    """The MCP servers the organisation approves, by source; None: any."""


class AgentRules(Record):
    """What agents may reach (PG904)."""

    mcp_servers: McpServerRules = field(default_factory=McpServerRules)


class MergeRules(Record):
    """How the merge gate treats what a pull request did not cause."""

    pre_existing: Literal["report", "block"] = "report"


class RegisterRules(Record):
    """What the cross-repository register expects of the organisation's scans."""

    rescan_interval_days: int = 30


class Policy(Record):
    api_version: Literal["prodgate/policy/v1"] = field(metadata={ALIAS: "apiVersion"})
    name: str
    version: str = ""
    extends: Literal["builtin"] | None = None
    placeholders: list[Placeholder] = field(default_factory=list)
    artifacts: dict[str, ArtifactKind]
    requirements: dict[str, Requirement]
    risk_floors: dict[str, RiskFloor] = field(default_factory=dict)
    risk_requirements: dict[str, RiskRequirement] = field(default_factory=dict)
    evals: EvalRules = field(default_factory=EvalRules)
    review_cadence_days: dict[Tier, int] = field(default_factory=dict)
    exceptions: ExceptionRules = field(default_factory=ExceptionRules)
    rules: dict[str, RuleOverride] = field(default_factory=dict)
    discovery: DiscoveryRules = field(default_factory=DiscoveryRules)
    change_control: ChangeControlRules = field(default_factory=ChangeControlRules)
    enforcement: Enforcement = field(default_factory=Enforcement)
    merge: MergeRules = field(default_factory=MergeRules)
    agents: AgentRules = field(default_factory=AgentRules)
    # ``register:`` in the file; another name here, as the pydantic model's class has a ``register``.
    register_rules: RegisterRules = field(default_factory=RegisterRules, metadata={ALIAS: "register"})

    def advisory(self, rule_id: str, tier: str | None, today: dt.date) -> str:
        """Why a finding of ``rule_id`` on an asset of ``tier`` does not block today
        (``advisory — blocks from 2027-01-31``), or "" when it blocks. The most
        specific setting wins: the rule's for the tier, the rule's, the policy's for
        the tier, the policy's."""
        override = self.rules.get(rule_id)
        rule = override.enforcement if override is not None else None
        if rule is not None and tier is not None and tier in rule.tiers:
            spec = rule.at(tier)
        elif rule is not None:
            spec = rule.at(None)
        else:
            spec = self.enforcement.at(tier)
        if spec.mode == "advisory":
            return "advisory"
        if spec.block_from is not None and today < spec.block_from:
            return f"advisory — blocks from {spec.block_from.isoformat()}"
        return ""

    def artifact_placeholders(self, kind: str) -> list[Placeholder]:
        return [*self.placeholders, *self.artifacts[kind].placeholders]
