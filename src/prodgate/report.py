"""The result of a gate run: what reporters render and what the JSON report records.

Reporters read this and nothing else, so every output format tells the same story.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from prodgate.findings import Finding, Location, Severity

if TYPE_CHECKING:  # reporters that never need the declaration stay free of pydantic
    from prodgate.discovery.model import Detection
    from prodgate.manifest.loader import Declaration


class State(enum.Enum):
    """State of one requirement of one asset."""

    MET = "met"
    MISSING = "missing"
    UNFILLED = "unfilled"
    FAILING = "failing"
    WAIVED = "waived"


# Which state a finding's rule puts its requirement in.
MISSING_RULES = frozenset({"PG201", "PG202", "PG203", "PG208", "PG301", "PG302", "PG303", "PG304", "PG305", "PG307", "PG312", "PG313", "PG315", "PG403", "PG601", "PG602", "PG604"})
UNFILLED_RULES = frozenset({"PG204", "PG205", "PG206", "PG207"})


@dataclass(frozen=True)
class RequirementResult:
    id: str
    title: str
    state: State
    reason: str = ""
    """Why it applies when a risk fact added it (e.g. "a data source holds personal data")."""
    rule_ids: tuple[str, ...] = ()
    by_floor: bool = False
    """It applies only because a risk floor raised the tier (PG401): the declared tier
    does not have it, so its findings share that one cause."""


@dataclass(frozen=True)
class MetricResult:
    name: str
    value: float | None
    threshold: str | None = None
    passed: bool | None = None


@dataclass(frozen=True)
class EvalSummary:
    name: str
    results: str
    format: str
    metrics: tuple[MetricResult, ...] = ()
    model: str | None = None
    """The models the results name as run against; never a test suite's name."""
    subject: str | None = None
    """What the file says it evaluated when that is not a checked model: a JUnit
    suite's name, a model card's ``model-index`` name."""
    run_at: str | None = None
    location: Location | None = None


@dataclass(frozen=True)
class ApprovalView:
    """One approval of an exception and how far it was verified."""

    role: str
    name: str
    github: str | None
    state: str
    """``approved``, ``stale``, ``no review``, ``pull request author``, ``unchanged since
    the base commit``, ``approved an earlier change`` (a change-control exception merged
    before this change), ``pending verification: …`` (one that could not be verified),
    ``not verified: …`` or ``not required by the policy``."""


@dataclass(frozen=True)
class ExceptionView:
    requirement: str
    ticket: str
    expires: str
    valid: bool
    used: bool
    approvals: tuple[ApprovalView, ...] = ()
    change: str = ""
    """Against the base commit: ``added``, ``changed``, ``unchanged``; empty without a base."""
    approved: tuple[ApprovedChange, ...] = ()
    """What a change-control exception waived in this change: the record of what its
    approvers approved."""


@dataclass(frozen=True)
class ApprovedChange:
    """One weakening, removal or coverage claim an exception waived."""

    asset: str
    field: str
    base: str
    head: str


@dataclass(frozen=True)
class JudgedFile:
    """A file the gate read for an asset, with its digest: the evidence record."""

    role: str
    """``declaration``, ``artifact:<kind>``, ``eval:<name>`` or ``policy``."""
    path: str
    sha256: str | None
    """None when the file does not exist (the finding says so)."""


@dataclass(frozen=True)
class Weakening:
    """One field of a declaration weaker than at the base commit (PG701)."""

    field: str
    base: str
    head: str
    location: Location


@dataclass(frozen=True)
class AssetResult:
    name: str
    path: str
    tier: str
    effective_tier: str
    stage: str
    owner: str | None
    requirements: tuple[RequirementResult, ...]
    exceptions: tuple[ExceptionView, ...]
    evals: tuple[EvalSummary, ...]
    findings: tuple[Finding, ...]
    declaration: Declaration | None = field(default=None, compare=False, repr=False)
    """The validated declaration, for the inventory (owners, models, data sources)."""
    files: tuple[JudgedFile, ...] = ()
    weakened: tuple[Weakening, ...] = ()


@dataclass(frozen=True)
class ChangeRecord:
    """What was compared: the base commit and the head, and what the change did to
    the repository's governance beyond single assets."""

    base_ref: str
    base: str | None
    """The base commit, or None when the checkout lacks it (then ``note`` says why)."""
    head: str | None
    note: str = ""
    policy_changed: str | None = None
    """The repository's policy file, when the change edits it (PG702)."""
    removed: tuple[Finding, ...] = ()
    """PG703 findings: declarations deleted or renamed away."""
    verification: str = ""
    """How approvals were verified: the pull request, or why that was skipped."""
    changed_files: frozenset[str] = frozenset()
    """Files the change touches (root-relative), when the baseline was compared."""
    changed_lines: dict[str, frozenset[int]] = field(default_factory=dict, compare=False)
    """Their changed lines at the head; a file absent here (added whole) counts whole."""
    pull_head: str | None = None
    """The pull request's head commit (the event's ``pull_request.head.sha``), when the
    run is on a pull request. On ``pull_request`` the Action checks out the merge commit
    GitHub builds, so ``head`` (the commit checked) is usually not this one."""
    merge: bool = False
    """``head`` is a merge commit with ``pull_head`` as a parent: what was tested is the
    pull request merged into its base, not the pull request's own head."""

    @property
    def tested(self) -> str:
        """What the commit checked is, in words: ``merge commit tested``, ``head of the
        pull request`` or, without a pull request, ``head``."""
        if self.pull_head is None:
            return "head"
        if self.merge:
            return "merge commit tested"
        return "head of the pull request" if self.head == self.pull_head else "commit tested"

    def on_changed_line(self, f: Finding) -> bool:
        """Whether ``f`` sits on a line the change wrote (or anywhere in a file it added)."""
        path = f.location.path
        if path not in self.changed_files:
            return False
        lines = self.changed_lines.get(path)
        return lines is None or f.location.line in lines


@dataclass(frozen=True)
class Counts:
    errors: int = 0
    warnings: int = 0
    notes: int = 0
    waived: int = 0
    advisory: int = 0
    """Unwaived findings the policy's rollout keeps from blocking; not in the counts above."""


@dataclass
class Report:
    version: str
    gate: str
    fail_on: Severity
    policy_source: str
    policy_sha256: str
    root: str
    commit: str | None
    generated_at: str
    today: str
    policy_source_sha256: str = ""
    policy_name: str = ""
    policy_version: str = ""
    """The policy's ``name`` and ``version``: with its source and digest, who judged."""
    repository: str = ""
    """``owner/name`` (see :func:`prodgate.repo.detect_repository`), for the register."""
    assets: list[AssetResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    """Every finding, sorted; includes those of declarations that did not load."""
    declarations: int = 0
    changed_only: bool = False
    """The run judged the assets that some changed files touch (the pre-commit hook), not
    every declaration under its paths: no declaration then means that no changed file
    belongs to an asset, not that the repository has none."""
    change: ChangeRecord | None = None
    """Set when the run compared with a base commit (``--base``, or on a pull request)."""
    undeclared: list[Detection] | None = None
    """What discovery found that no declaration covers (and no exemption names); None
    when discovery did not run. The inventory lists it."""
    pre_existing_block: bool = True
    """Whether findings already failing at the base block (the policy's
    ``merge.pre_existing: block``); set with the baseline (see
    :mod:`prodgate.change.baseline`), which marks findings only on the merge gate."""

    def policy_record(self) -> dict[str, str]:
        """Who judged, as the JSON report and the SARIF run name it."""
        return {
            "name": self.policy_name,
            "version": self.policy_version,
            "source": self.policy_source,
            "sha256": self.policy_sha256,
            "source_sha256": self.policy_source_sha256,
        }

    @property
    def policy_title(self) -> str:
        """``acme-ai-policy 2.1``: the policy as its authors name it."""
        return " ".join(p for p in (self.policy_name, self.policy_version) if p) or "(unnamed)"

    @property
    def counts(self) -> Counts:
        e = w = n = waived = advisory = 0
        for f in self.findings:
            if f.waived:
                waived += 1
            elif f.advisory:
                advisory += 1
            elif f.severity is Severity.ERROR:
                e += 1
            elif f.severity is Severity.WARNING:
                w += 1
            else:
                n += 1
        return Counts(e, w, n, waived, advisory)

    def blocks(self, finding: Finding) -> bool:
        """Whether ``finding`` fails the gate: unwaived, not advisory, at least as severe
        as ``fail_on``, and not merely already failing at the base (unless the policy says
        those block)."""
        if finding.pre_existing and not self.pre_existing_block:
            return False
        return not finding.waived and not finding.advisory and finding.severity.rank <= self.fail_on.rank

    @property
    def passed(self) -> bool:
        return not any(self.blocks(f) for f in self.findings)

    def asset_passed(self, asset: AssetResult) -> bool:
        """An asset passes when none of its findings blocks: the one verdict every reporter shows."""
        return not any(self.blocks(f) for f in asset.findings)

    @property
    def clean_assets(self) -> int:
        """Assets without any unwaived finding (warnings and notes included)."""
        return sum(1 for a in self.assets if not any(not f.waived for f in a.findings))

    @property
    def unattached(self) -> list[Finding]:
        """Findings that belong to no checked asset (declarations that did not load, and
        any run-level finding the engine could not place), in report order.

        Every finding is either in exactly one asset's ``findings`` or here, so a
        reporter that shows both shows everything.
        """
        attached = {id(f) for a in self.assets for f in a.findings}
        return [f for f in self.findings if id(f) not in attached]

    @property
    def hint_rule(self) -> str | None:
        """The rule a closing hint should explain: that of the most severe unwaived finding."""
        return next((f.rule_id for f in self.findings if not f.waived), None)
