"""The inventory document (``inventory_version`` 1) and how it is built from a report.

The JSON form of this document is a contract: each repository's CI can upload it and
the register ingests it, so fields are only ever added within a version. The builder
reads the gate's report rather than running rules of its own, so an asset that fails
the gate shows as failing here, for the same reasons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from prodgate.findings import Severity
from prodgate.manifest.model import EFFECTS, Asset, AssetException, approver_login, approver_name
from prodgate.record import as_dict
from prodgate.report import AssetResult, EvalSummary, ExceptionView, Report

INVENTORY_VERSION = 1


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    team: str | None = None
    github: str | None = None


@dataclass(frozen=True)
class Model:
    provider: str
    name: str
    version: str | None = None
    license: str | None = None


@dataclass(frozen=True)
class DataSource:
    name: str
    classification: str
    personal_data: bool
    license: str | None = None


@dataclass(frozen=True)
class AgentTool:
    name: str
    effect: str
    system: str | None
    approval: str
    audience: str


@dataclass(frozen=True)
class McpServer:
    name: str
    source: str
    access: tuple[str, ...]


@dataclass(frozen=True)
class Metric:
    name: str
    value: float | None
    threshold: str | None
    passed: bool | None


@dataclass(frozen=True)
class EvalEntry:
    name: str
    category: str | None
    results: str
    format: str
    model: str | None
    run_at: str | None
    outcome: str
    """``passed``, ``failed`` (a threshold missed or a problem with the results, see
    ``rules``), ``no thresholds`` or ``no results``."""
    rules: tuple[str, ...]
    metrics: tuple[Metric, ...]


@dataclass(frozen=True)
class Approval:
    """Who approved an exception, in which role (``it_executive``), and the GitHub
    account that proves it when the declaration names one."""

    role: str
    name: str
    github: str | None = None


@dataclass(frozen=True)
class ExceptionEntry:
    requirement: str
    ticket: str
    expires: str
    reason: str
    active: bool
    """Approved, current and waiving something today."""
    valid: bool
    used: bool
    granted: str | None = None
    approvals: tuple[Approval, ...] = ()


@dataclass(frozen=True)
class Gate:
    passed: bool
    errors: int
    warnings: int
    waived: int


@dataclass(frozen=True)
class ReviewEntry:
    last_reviewed: str | None
    cadence_days: int | None
    next_due: str | None
    overdue: bool


@dataclass(frozen=True)
class AssetEntry:
    name: str
    path: str
    description: str | None
    tier: str
    effective_tier: str
    stage: str
    owner: Contact | None
    business_owner: Contact | None
    risk: dict[str, Any]
    models: tuple[Model, ...]
    data_sources: tuple[DataSource, ...]
    evals: tuple[EvalEntry, ...]
    gate: Gate
    exceptions: tuple[ExceptionEntry, ...]
    review: ReviewEntry
    requirements: dict[str, str]
    """Requirement id -> state (met, missing, unfilled, failing, waived)."""
    tools: tuple[AgentTool, ...] = ()
    """The agent's declared tools (``agent.tools``)."""
    mcp_servers: tuple[McpServer, ...] = ()
    agent_effect: str | None = None
    """The strongest effect among the agent's tools (read < write < execute <
    communicate < payment), None for an asset without tools: what the register counts
    agents by."""
    not_codeowner: str | None = None
    """Why ``owner.github`` is not a code owner of the declaration (PG606), or None
    when it is, or when that could not be told (no CODEOWNERS, no ``owner.github``)."""


@dataclass(frozen=True)
class Detection:
    """AI that discovery found in code that no declaration covers."""

    path: str
    line: int
    kind: str
    signature: str
    provider: str | None
    model: str | None


@dataclass(frozen=True)
class Broken:
    """A declaration that did not load, so its asset is not in the inventory."""

    path: str
    line: int
    rule_id: str
    message: str


@dataclass(frozen=True)
class Inventory:
    repository: str
    commit: str | None
    generated_at: str
    today: str
    gate: str
    policy_source: str
    policy_sha256: str
    tool_version: str
    assets: tuple[AssetEntry, ...]
    broken: tuple[Broken, ...] = ()
    undeclared: tuple[Detection, ...] = ()
    discovery: bool = False
    """Whether discovery ran; without it ``undeclared`` says nothing."""
    policy_name: str = ""
    policy_version: str = ""
    policy_source_sha256: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "inventory_version": INVENTORY_VERSION,
            "tool": {"name": "prodgate", "version": self.tool_version},
            "repository": {"name": self.repository, "commit": self.commit},
            "generated_at": self.generated_at,
            "today": self.today,
            "gate": self.gate,
            "policy": {
                "name": self.policy_name,
                "version": self.policy_version,
                "source": self.policy_source,
                "sha256": self.policy_sha256,
                "source_sha256": self.policy_source_sha256,
            },
            "summary": {
                "assets": len(self.assets),
                "passed": sum(1 for a in self.assets if a.gate.passed),
                "failed": sum(1 for a in self.assets if not a.gate.passed),
                "broken_declarations": len(self.broken),
                "undeclared": len(self.undeclared) if self.discovery else None,
            },
            "assets": [asdict(a) for a in self.assets],
            "broken_declarations": [asdict(b) for b in self.broken],
            "undeclared": [asdict(d) for d in self.undeclared] if self.discovery else None,
        }


def build(report: Report, cadence_days: dict[str, int], repository: str) -> Inventory:
    """The inventory of a gate run. ``cadence_days`` is the policy's review cadence per
    tier; the undeclared AI is what the run's discovery found (none listed, and
    ``discovery`` false, when it did not run)."""
    undeclared = None
    if report.undeclared is not None:
        undeclared = tuple(
            Detection(d.path, d.line, d.kind, d.signature, d.provider, d.model) for d in report.undeclared
        )
    today = dt.date.fromisoformat(report.today)
    assets = tuple(_asset(a, report.asset_passed(a), cadence_days, today) for a in report.assets)
    broken = tuple(
        Broken(f.location.path, f.location.line, f.rule_id, f.message)
        for f in report.unattached
        if f.rule_id.startswith("PG1")
    )
    return Inventory(
        repository=repository,
        commit=report.commit,
        generated_at=report.generated_at,
        today=report.today,
        gate=report.gate,
        policy_source=report.policy_source,
        policy_sha256=report.policy_sha256,
        tool_version=report.version,
        assets=assets,
        broken=broken,
        undeclared=undeclared or (),
        discovery=undeclared is not None,
        policy_name=report.policy_name,
        policy_version=report.policy_version,
        policy_source_sha256=report.policy_source_sha256,
    )


def _asset(a: AssetResult, passed: bool, cadence_days: dict[str, int], today: dt.date) -> AssetEntry:
    d = a.declaration.asset if a.declaration is not None else None
    unwaived = [f for f in a.findings if not f.waived]
    gate = Gate(
        passed=passed,
        errors=sum(1 for f in unwaived if f.severity is Severity.ERROR),
        warnings=sum(1 for f in unwaived if f.severity is Severity.WARNING),
        waived=sum(1 for f in a.findings if f.waived),
    )
    declared = {}
    categories: dict[str, str | None] = {}
    if d is not None:
        declared = {(x.requirement, x.ticket): x for x in d.exceptions}
        categories = {e.name: e.category for e in d.evals}
    exceptions = tuple(_exception(e, declared.get((e.requirement, e.ticket)), today) for e in a.exceptions)
    spans = _eval_spans(a)
    evals = tuple(_eval(e, categories.get(e.name), a, spans.get(e.name)) for e in a.evals)
    cadence = cadence_days.get(a.effective_tier)
    last = d.review.last_reviewed if d is not None and d.review is not None else None
    due = last + dt.timedelta(days=cadence) if last is not None and cadence else None
    review = ReviewEntry(
        last_reviewed=last.isoformat() if last else None,
        cadence_days=cadence,
        next_due=due.isoformat() if due else None,
        # No review date where the policy demands one is overdue too (PG604).
        overdue=(due is not None and due < today)
        or (last is None and any("PG604" in r.rule_ids for r in a.requirements)),
    )
    owner = business = None
    if d is not None and d.owner is not None:
        owner = Contact(d.owner.name, d.owner.email, d.owner.team, d.owner.github)
    if d is not None and d.business_owner is not None:
        business = Contact(d.business_owner.name, d.business_owner.email)
    return AssetEntry(
        name=a.name,
        path=a.path,
        description=d.description if d is not None else None,
        tier=a.tier,
        effective_tier=a.effective_tier,
        stage=a.stage,
        owner=owner,
        business_owner=business,
        risk=as_dict(d.risk) if d is not None else {},
        models=tuple(Model(m.provider, m.name, m.version, m.license) for m in d.models) if d is not None else (),
        data_sources=tuple(DataSource(s.name, s.classification, s.personal_data, s.license) for s in d.data_sources)
        if d is not None
        else (),
        evals=evals,
        gate=gate,
        exceptions=exceptions,
        review=review,
        requirements={r.id: r.state.value for r in a.requirements},
        not_codeowner=next((f.message for f in a.findings if f.rule_id == "PG606"), None),
        **_agent(d),
    )


def _agent(d: Asset | None) -> dict[str, Any]:
    """The agent's fields of an asset entry (none for an asset without ``agent:``)."""
    if d is None or d.agent is None:
        return {}
    tools = tuple(AgentTool(t.name, t.effect, t.system, t.approval, t.audience) for t in d.agent.tools)
    servers = tuple(McpServer(s.name, s.source, tuple(s.access)) for s in d.agent.mcp_servers)
    strongest = max((t.effect for t in tools), key=EFFECTS.index, default=None)
    return {"tools": tools, "mcp_servers": servers, "agent_effect": strongest}


def _exception(e: ExceptionView, x: AssetException | None, today: dt.date) -> ExceptionEntry:
    """The gate's verdict on an exception, with what its declaration says of it."""
    return ExceptionEntry(
        requirement=e.requirement,
        ticket=e.ticket,
        expires=e.expires,
        reason=x.reason if x is not None else "",
        active=e.valid and dt.date.fromisoformat(e.expires) >= today,
        valid=e.valid,
        used=e.used,
        granted=x.granted.isoformat() if x is not None else None,
        approvals=tuple(
            Approval(role, approver_name(v), approver_login(v)) for role, v in x.approvals.items()
        )
        if x is not None
        else (),
    )


def _eval_spans(a: AssetResult) -> dict[str, tuple[int, int]]:
    """The declaration lines of each eval's entry, [first, next entry's first)."""
    decl = a.declaration
    if decl is None:
        return {}
    starts = [decl.loc("evals", i).line for i in range(len(decl.asset.evals))]
    later_keys = [pos[0] for key, pos in decl.doc.key_positions.items() if len(key) == 1 and starts and pos[0] > starts[-1]]
    ends = [*starts[1:], min(later_keys, default=1 << 30)] if starts else []
    out: dict[str, tuple[int, int]] = {}
    for ev, start, end in zip(decl.asset.evals, starts, ends, strict=True):
        out.setdefault(ev.name, (start, end))
    return out


def _eval(e: EvalSummary, category: str | None, a: AssetResult, span: tuple[int, int] | None) -> EvalEntry:
    """The eval's outcome: its metrics against their thresholds, and the findings the
    gate made about it (at its declaration entry or in its results file)."""
    metrics = tuple(Metric(m.name, m.value, m.threshold, m.passed) for m in e.metrics)

    def about(path: str, line: int) -> bool:
        if path == e.results:
            return True
        return span is not None and path == a.path and span[0] <= line < span[1]

    rules = tuple(
        sorted(
            {
                f.rule_id
                for f in a.findings
                if f.rule_id.startswith("PG3") and not f.waived and about(f.location.path, f.location.line)
            }
        )
    )
    if any(m.passed is False for m in metrics) or rules:
        outcome = "failed"
    elif any(m.passed for m in metrics):
        outcome = "passed"
    elif metrics:
        outcome = "no thresholds"
    else:
        outcome = "no results"
    return EvalEntry(e.name, category, e.results, e.format, e.model, e.run_at, outcome, rules, metrics)
