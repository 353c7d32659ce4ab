"""Run the gate: declarations -> contexts -> rules -> waivers -> report.

Data flows one way. Rules yield findings and never print; the engine only orders,
waives and summarises them; reporters only render the report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import posixpath
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from prodgate import __version__
from prodgate.codeowners import CodeOwners
from prodgate.codeowners import load as load_codeowners
from prodgate.context import AssetContext, build_context
from prodgate.findings import Finding, Location, Severity
from prodgate.fsutil import FileProblem
from prodgate.fsutil import resolve as follow_links
from prodgate.manifest.discover import DECLARATION_NAMES
from prodgate.manifest.loader import Declaration, load_declaration
from prodgate.manifest.targets import Targets, resolve
from prodgate.policy.loader import EffectivePolicy
from prodgate.repo import head_commit
from prodgate.report import (
    MISSING_RULES,
    UNFILLED_RULES,
    AssetResult,
    Report,
    RequirementResult,
    State,
)
from prodgate.rules import artifacts, evals, exceptions, ownership, risk
from prodgate.rules.registry import RULES

Check = Callable[[AssetContext], Iterator[Finding]]

CHECKS: tuple[Check, ...] = (ownership.check, risk.check, artifacts.check, evals.check)


@dataclasses.dataclass(frozen=True)
class Options:
    gate: str = "merge"
    fail_on: Severity = Severity.ERROR
    today: dt.date = dataclasses.field(default_factory=dt.date.today)


def run(
    paths: Iterable[Path],
    root: Path,
    policy: EffectivePolicy,
    options: Options,
    targets: Targets | None = None,
) -> Report:
    """The gate over the assets ``paths`` stand for (see :mod:`prodgate.manifest.targets`;
    ``targets`` when the caller has resolved them already)."""
    root = root.resolve()
    if targets is None:
        targets = resolve(paths, root)
    files = targets.declarations
    report = Report(
        version=__version__,
        gate=options.gate,
        fail_on=options.fail_on,
        policy_source=policy.source,
        policy_sha256=policy.sha256,
        policy_source_sha256=policy.source_sha256,
        root=str(root),
        commit=head_commit(root),
        generated_at=dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        today=options.today.isoformat(),
        declarations=len(files),
    )
    findings: list[Finding] = [_misnamed(path, root) for path in targets.misnamed]
    decls: list[Declaration] = []
    for path in files:
        loaded = _load(path, root)
        if isinstance(loaded, list):
            findings += loaded
        else:
            decls.append(loaded)
    findings = _apply_overrides(findings, policy)
    # Findings about a declaration that only the whole run can see (a duplicate name)
    # belong to that declaration's asset, so that its verdict and every report show them.
    run_level: dict[str, list[Finding]] = {}
    for f in _apply_overrides(_duplicate_names(decls), policy):
        run_level.setdefault(f.location.path, []).append(f)
    owners = load_codeowners(root) if any(d.asset.owner and d.asset.owner.github for d in decls) else None
    run_cache: dict[str, object] = {}
    for decl in decls:
        result = check_asset(decl, policy, options, root, owners, run_cache, run_level.pop(decl.rel, ()))
        report.assets.append(result)
        findings += result.findings
    for rest in run_level.values():  # none today; never dropped if a future one has no asset
        findings += rest
    report.findings = sorted(findings, key=Finding.sort_key)
    return report


def _load(path: Path, root: Path) -> Declaration | list[Finding]:
    real = follow_links(path)
    rel = path.relative_to(root).as_posix() if root in path.parents else str(path)
    if isinstance(real, FileProblem):
        return [
            RULES["PG102"].finding(
                f"declaration {real.message}; refused", Location(rel),
                fix="Make ai-asset.yaml a regular file (or a symlink to one in the repository).",
            )
        ]
    if real != root and root not in real.parents:
        return [
            RULES["PG102"].finding(
                "declaration is a symlink that leaves the repository; refused",
                Location(rel),
                fix="Keep ai-asset.yaml in the repository.",
            )
        ]
    return load_declaration(path, root)


def _misnamed(path: Path, root: Path) -> Finding:
    rel = path.relative_to(root).as_posix() if root in path.parents else path.name
    existing = [n for n in DECLARATION_NAMES if (path.parent / n).is_file()]
    right = existing[0] if existing else "ai-asset.yml" if path.name.lower().endswith(".yml") else "ai-asset.yaml"
    target = posixpath.join(posixpath.dirname(rel), right)
    return RULES["PG106"].finding(
        f"{path.name!r} is not read as a declaration: only files named exactly "
        "ai-asset.yaml or ai-asset.yml are, so the asset it describes is not checked",
        Location(rel),
        fix=f"Merge it into {target} and delete it." if existing else f"Rename it: `git mv {rel} {target}`.",
    )


def check_asset(
    decl: Declaration,
    policy: EffectivePolicy,
    options: Options,
    root: Path,
    codeowners: CodeOwners | None = None,
    run_cache: dict[str, object] | None = None,
    run_findings: Iterable[Finding] = (),
) -> AssetResult:
    """Evaluate one declaration. ``run_findings`` are findings about it that only the
    whole run can see; they are not waivable (an exception cannot make a name unique)."""
    ctx = build_context(decl, policy.policy, options.gate, options.today, root, codeowners, run_cache)
    found: list[Finding] = []
    for check in CHECKS:
        found.extend(check(ctx))
    exc_findings, valid = exceptions.validate(ctx)
    waived, unused, views = exceptions.waive(ctx, found, valid)
    all_findings = [*_apply_overrides([*waived, *exc_findings, *unused], policy), *run_findings]
    asset = decl.asset
    return AssetResult(
        name=asset.name,
        path=decl.rel,
        tier=asset.tier,
        effective_tier=ctx.effective_tier,
        stage=asset.stage,
        owner=asset.owner.name if asset.owner else None,
        requirements=tuple(_requirement_states(ctx, all_findings)),
        exceptions=tuple(views),
        evals=tuple(ctx.evals),
        findings=tuple(sorted(all_findings, key=Finding.sort_key)),
        declaration=decl,
    )


def _requirement_states(ctx: AssetContext, findings: list[Finding]) -> Iterator[RequirementResult]:
    same_kind: dict[str, set[str]] = {}
    for demand in ctx.demands:
        if demand.artifact:
            same_kind.setdefault(demand.artifact, set()).add(demand.id)
    for demand in ctx.demands:
        ids = {demand.id}
        if demand.artifact:
            ids |= same_kind[demand.artifact]
        mine = [
            f for f in findings
            if f.requirement == demand.id
            or (f.requirement in ids and f.rule_id not in ("PG206", "PG207"))
        ]
        yield RequirementResult(demand.id, demand.title, _state(mine), demand.reason, tuple(sorted({f.rule_id for f in mine})))


def _state(findings: list[Finding]) -> State:
    blocking = [f for f in findings if not f.waived and f.severity is not Severity.NOTE]
    if not findings:
        return State.MET
    if not blocking:
        return State.WAIVED if any(f.waived for f in findings) else State.MET
    rules = {f.rule_id for f in blocking}
    if rules & MISSING_RULES:
        return State.MISSING
    if rules <= UNFILLED_RULES:
        return State.UNFILLED
    return State.FAILING


def _duplicate_names(decls: list[Declaration]) -> Iterator[Finding]:
    first: dict[str, Declaration] = {}
    for decl in decls:
        name = decl.asset.name
        if name in first:
            other = first[name]
            yield RULES["PG105"].finding(
                f"asset name {name!r} is already used by {other.rel}:{other.loc('name').line}",
                decl.loc("name"),
                asset=name,
                fix="Give each asset a unique name.",
                related=other.loc("name"),
            )
        else:
            first[name] = decl


def _apply_overrides(findings: Iterable[Finding], policy: EffectivePolicy) -> list[Finding]:
    overrides = policy.policy.rules
    if not overrides:
        return list(findings)
    out = []
    for f in findings:
        o = overrides.get(f.rule_id)
        if o is None:
            out.append(f)
        elif o.enabled:
            out.append(dataclasses.replace(f, severity=Severity(o.severity)) if o.severity else f)
    return out
