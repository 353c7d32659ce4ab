"""pydantic schema of a policy file (``apiVersion: prodgate/policy/v1``): the contract,
its cross-checks and its explanations; the gate works with :mod:`prodgate.policy.model`.

Policy facts are data: which artifacts exist and what they must contain, which
requirement applies to which (tier, stage, gate), which risk facts raise the tier or add
requirements. Code only interprets them, so platform teams change the gate without a
release of prodgate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from prodgate.forms import GITHUB_LOGIN
from prodgate.linear import PatternError, compile_pattern
from prodgate.manifest.model import TIERS, Tier
from prodgate.policy.model import FACTS, FactValue, StageSpec
from prodgate.threshold_syntax import POLICY_THRESHOLD


class _Strict(BaseModel):
    # defer_build: validators are built only for a policy file that needs judging.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


Cells = dict[Tier, list[StageSpec] | StageSpec]


class Placeholder(_Strict):
    text: str | None = None
    regex: str | None = None
    word: bool = Field(default=False, description="Match `text` only as a whole word.")
    label: str | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Placeholder:
        if (self.text is None) == (self.regex is None):
            raise ValueError("give exactly one of 'text' or 'regex'")
        if self.regex is not None:
            try:
                compile_pattern(self.regex, within_lines=True)
            except PatternError as exc:
                raise ValueError(
                    f"invalid regex {self.regex!r}: {exc} (placeholder patterns use RE2 syntax, "
                    "which runs in linear time: no lookaround, no backreferences)"
                ) from exc
        return self


class HeadingSpec(_Strict):
    """A required heading and the other titles that count as it (model cards written
    with the Hugging Face template say "Uses" where the policy says "Intended use")."""

    heading: str
    aliases: list[str] = Field(default_factory=list)


class ArtifactKind(_Strict):
    title: str
    template: str | None = None
    required_headings: list[str | HeadingSpec] = Field(default_factory=list)
    placeholders: list[Placeholder] = Field(
        default_factory=list, description="Extra placeholders for this kind only."
    )
    references: list[str] = Field(default_factory=list)


class Requirement(_Strict):
    title: str
    artifact: str | None = None
    check: Literal["owner", "business_owner", "evals", "review"] | None = None
    when: Cells = Field(default_factory=dict)
    at_deploy: Cells = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_of(self) -> Requirement:
        if (self.artifact is None) == (self.check is None):
            raise ValueError("give exactly one of 'artifact' or 'check'")
        return self


def _check_facts(value: dict[str, FactValue]) -> dict[str, FactValue]:
    unknown = sorted(set(value) - set(FACTS))
    if unknown:
        raise ValueError(f"unknown fact {unknown[0]!r}; facts are: {', '.join(FACTS)}")
    if not value:
        raise ValueError("'when' needs at least one fact")
    return value


class RiskFloor(_Strict):
    when: dict[str, FactValue]
    min_tier: Tier
    reason: str

    _facts = field_validator("when")(_check_facts)


class RiskRequirement(_Strict):
    title: str
    artifact: str
    when: dict[str, FactValue]
    stages: list[StageSpec] | StageSpec = "active"
    tiers: list[Tier] | None = Field(
        default=None,
        description="Only assets of these tiers (their effective tier, after risk floors); "
        "default: every tier.",
    )
    required_headings: list[str | HeadingSpec] = Field(default_factory=list)
    reason: str

    _facts = field_validator("when")(_check_facts)


Threshold = Annotated[str, Field(pattern=POLICY_THRESHOLD)]


class EvalRules(_Strict):
    max_age_days: dict[Tier, Annotated[int, Field(ge=1)]] = Field(default_factory=dict)
    min_count: dict[Tier, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    required_categories: dict[Tier, list[str]] = Field(default_factory=dict)
    minimum_thresholds: dict[Tier, dict[str, Threshold]] = Field(default_factory=dict)


GitHubLogin = Annotated[str, Field(pattern=GITHUB_LOGIN)]


class ExceptionRules(_Strict):
    required_approvals: list[str] = Field(default_factory=list)
    required_owners: list[str] = Field(default_factory=list)
    max_days: dict[Tier, Annotated[int, Field(ge=1)]] = Field(default_factory=dict)
    warn_within_days: Annotated[int, Field(ge=0)] = 14
    approvers: dict[str, list[GitHubLogin] | dict[str, list[GitHubLogin]]] = Field(
        default_factory=dict,
        description="Per approval role, the GitHub accounts allowed to approve for it (PG508); "
        "under a tier's name, the roles whose accounts differ for that tier "
        "({enterprise: {it_executive: [...]}} replaces the flat it_executive list for enterprise assets).",
    )
    distinct_approvers: bool = Field(
        default=True,
        description="The approvals of one exception come from different people (PG509): the same "
        "GitHub account, or the same name where no account is given, may not fill two roles. "
        "Whatever this says, an asset's owner or business owner never approves its exceptions.",
    )
    verify: Literal["pull-request-reviews"] | None = Field(
        default=None,
        description="pull-request-reviews: an exception a pull request adds or changes counts only "
        "when each named approver approved the pull request's head commit (PG507).",
    )


class TierEnforcement(_Strict):
    mode: Literal["enforce", "advisory"] = "enforce"
    block_from: dt.date | None = None


class Enforcement(_Strict):
    """Rollout: ``advisory`` findings are reported and never block; with ``block_from``
    they block from that date on. ``tiers`` sets it per tier."""

    mode: Literal["enforce", "advisory"] = Field(
        default="enforce", description="advisory: findings are reported and do not fail the gate."
    )
    block_from: dt.date | None = Field(
        default=None, description="Findings do not fail the gate before this date (YYYY-MM-DD)."
    )
    tiers: dict[Tier, TierEnforcement] = Field(default_factory=dict)


class RuleOverride(_Strict):
    severity: Literal["error", "warning", "note"] | None = None
    enabled: bool = True
    enforcement: Enforcement | None = None


class _Reasoned(_Strict):
    """An allowance the policy grants, which says why: a blank ``reason`` is refused
    (each subclass declares ``reason`` itself, after its other fields)."""

    _what: ClassVar[str] = "an allowance"

    @field_validator("reason", check_fields=False)
    @classmethod
    def _reason(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(f"{cls._what} needs a written reason")
        return value


class DiscoveryExemption(_Reasoned):
    path: str = Field(min_length=1, description="Repository-relative glob of the files exempted.")
    reason: str = Field(description="Why the path is exempt; shown wherever the waived finding is.")
    _what: ClassVar[str] = "an exemption"


class DiscoveryRules(_Strict):
    """What ``prodgate discover`` and the check's discovery look for, and where not."""

    enabled: bool = True
    signatures: dict[str, dict[str, object]] = Field(
        default_factory=dict, description="Signatures added to the built-in catalogue (same shape)."
    )
    drop: list[str] = Field(default_factory=list, description="Ids of built-in signatures to leave out.")
    exempt: list[DiscoveryExemption] = Field(default_factory=list)

    @model_validator(mode="after")
    def _catalogue(self) -> DiscoveryRules:
        """A signature with a typo or an unknown id to drop must not silently weaken
        discovery: build the effective catalogue now."""
        if self.signatures or self.drop:
            from prodgate.discovery.catalogue import CatalogueError, build

            try:
                build(self.signatures, self.drop).compile_all()
            except CatalogueError as exc:
                # Named from the policy's top, so that the error points at the entry.
                where = "" if str(exc).startswith("discovery.") else "discovery."
                raise ValueError(where + str(exc)) from None
        return self


StageName = Literal["sandbox", "pilot", "production", "retired"]


def _sandbox() -> list[StageName]:
    return ["sandbox"]


class WideCoverage(_Reasoned):
    declaration: str = Field(
        min_length=1, description="Repository-relative glob of the ai-asset.yaml allowed to cover more than its folder."
    )
    reason: str = Field(description="Why it may, for whoever reviews the policy.")
    _what: ClassVar[str] = "wide coverage"

    @field_validator("declaration")
    @classmethod
    def _glob(cls, value: str) -> str:
        from prodgate.globs import GlobError, compile_glob

        try:
            compile_glob(value)
        except GlobError as exc:
            raise ValueError(str(exc)) from None
        return value


class ChangeControlRules(_Strict):
    removable_stages: list[StageName] = Field(
        default_factory=_sandbox,
        description="Stages at which a declaration may be deleted while its files remain, without PG703.",
    )
    wide_coverage: list[WideCoverage] = Field(
        default_factory=list,
        description="Declarations whose `paths:` may leave their folder, claim another asset's folder or, "
        "at the root, claim `**` (PG706).",
    )


class MergeRules(_Strict):
    """How the merge gate treats what a pull request did not cause."""

    pre_existing: Literal["report", "block"] = Field(
        default="report",
        description="A finding already failing at the base commit, in an asset the pull request "
        "does not touch: `report` lists it without blocking the merge gate, `block` fails the gate on it.",
    )


class RegisterRules(_Strict):
    """What the cross-repository register expects of the organisation's scans."""

    rescan_interval_days: Annotated[int, Field(ge=1)] = Field(
        default=30,
        description="A repository whose latest snapshot was last seen longer ago than this is listed as stale "
        "by `prodgate register report`.",
    )


class McpServerRules(_Strict):
    allowed: list[Annotated[str, Field(min_length=1)]] | None = Field(
        default=None,
        description="The MCP servers the organisation approves, by source (package, image or URL, "
        "without version or tag); any other, declared or found in code, is PG904. Unset: any.",
    )


class AgentRules(_Strict):
    mcp_servers: McpServerRules = Field(default_factory=McpServerRules)


class Policy(_Strict):
    api_version: Literal["prodgate/policy/v1"] = Field(alias="apiVersion")
    name: str
    version: str = ""
    extends: Literal["builtin"] | None = None
    placeholders: list[Placeholder] = Field(default_factory=list)
    artifacts: dict[str, ArtifactKind]
    requirements: dict[str, Requirement]
    risk_floors: dict[str, RiskFloor] = Field(default_factory=dict)
    risk_requirements: dict[str, RiskRequirement] = Field(default_factory=dict)
    evals: EvalRules = Field(default_factory=EvalRules)
    review_cadence_days: dict[Tier, Annotated[int, Field(ge=1)]] = Field(default_factory=dict)
    exceptions: ExceptionRules = Field(default_factory=ExceptionRules)
    rules: dict[str, RuleOverride] = Field(default_factory=dict)
    discovery: DiscoveryRules = Field(default_factory=DiscoveryRules)
    change_control: ChangeControlRules = Field(default_factory=ChangeControlRules)
    enforcement: Enforcement = Field(default_factory=Enforcement)
    merge: MergeRules = Field(default_factory=MergeRules)
    agents: AgentRules = Field(default_factory=AgentRules)
    # ``register:`` in the file: the name ``register`` is taken by the class's ABC machinery.
    register_rules: RegisterRules = Field(default_factory=RegisterRules, alias="register")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    @model_validator(mode="after")
    def _references(self) -> Policy:
        """Requirements may only name artifact kinds that exist, and rule overrides
        only rules that exist: a typo in a policy must not switch a control off."""
        from prodgate.rules.registry import RULES

        for rid, req in self.requirements.items():
            if req.artifact is not None and req.artifact not in self.artifacts:
                raise ValueError(
                    f"requirements.{rid}.artifact: unknown artifact kind {req.artifact!r}"
                    + _close(req.artifact, self.artifacts)
                )
        for rid, rreq in self.risk_requirements.items():
            if rreq.artifact not in self.artifacts:
                raise ValueError(
                    f"risk_requirements.{rid}.artifact: unknown artifact kind {rreq.artifact!r}"
                    + _close(rreq.artifact, self.artifacts)
                )
        for rule_id in self.rules:
            if rule_id not in RULES:
                raise ValueError(f"rules.{rule_id}: no such rule")
        # An approvers list under a misspelt role restricts nobody: the role that was
        # meant would accept any approver.
        roles = self.exceptions.required_approvals
        for key, value in self.exceptions.approvers.items():
            if isinstance(value, dict):
                if key not in TIERS:
                    raise ValueError(
                        f"exceptions.approvers.{key}: {key!r} is not a tier; a mapping under "
                        f"exceptions.approvers is a tier's own approvers ({', '.join(TIERS)}), a list "
                        "is a role's" + _close(key, TIERS)
                    )
                where = [(f"exceptions.approvers.{key}.{role}", role) for role in value]
            else:
                where = [(f"exceptions.approvers.{key}", key)]
            for path, role in where:
                if role not in roles:
                    raise ValueError(
                        f"{path}: unknown approval role {role!r}; the roles are "
                        f"those of exceptions.required_approvals: {', '.join(roles) or '(none)'}"
                        + _close(role, roles)
                    )
        return self


def _close(name: str, known: Iterable[str]) -> str:
    import difflib

    match = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean {match[0]!r}?" if match else ""
