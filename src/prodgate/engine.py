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
from typing import TYPE_CHECKING

from prodgate import __version__
from prodgate.codeowners import CodeOwners
from prodgate.codeowners import load as load_codeowners
from prodgate.context import AssetContext, build_context
from prodgate.evidence import judged_files, run_digests
from prodgate.findings import Finding, Location, Severity
from prodgate.fsutil import FileProblem
from prodgate.fsutil import resolve as follow_links
from prodgate.manifest.discover import DECLARATION_NAMES
from prodgate.manifest.loader import Declaration, load_declaration
from prodgate.manifest.model import AssetException
from prodgate.manifest.targets import Targets, resolve
from prodgate.policy.loader import EffectivePolicy
from prodgate.repo import detect_repository, head_commit
from prodgate.report import (
    MISSING_RULES,
    UNFILLED_RULES,
    ApprovedChange,
    AssetResult,
    ChangeRecord,
    Report,
    RequirementResult,
    State,
    Weakening,
)
from prodgate.rules import (
    agents,
    approvals,
    artifacts,
    change,
    coverage,
    evals,
    exceptions,
    filled_in,
    ownership,
    risk,
)
from prodgate.rules.registry import RULES

if TYPE_CHECKING:
    from prodgate.change.base import BaseDeclaration, BaseSnapshot
    from prodgate.change.identity import Identity
    from prodgate.discovery.model import Detection
    from prodgate.github.reviews import ReviewSource

Check = Callable[[AssetContext], Iterator[Finding]]

CHECKS: tuple[Check, ...] = (
    filled_in.check, ownership.check, risk.check, artifacts.check, evals.check, agents.check,
)


@dataclasses.dataclass(frozen=True)
class Options:
    gate: str = "merge"
    fail_on: Severity = Severity.ERROR
    today: dt.date = dataclasses.field(default_factory=dt.date.today)
    base: str | None = None
    """Compare with this commit (change control, PG7xx); None: no comparison."""
    policy_file: str | None = None
    """The policy's path in the repository, when it lives there (PG702)."""
    reviews: ReviewSource | str | None = None
    """The pull request's reviews for verifying approvals, or why there are none."""
    discover: bool = False
    """Run discovery (PG801-PG804) as part of the gate, unless the policy turns it off."""
    changed_files: tuple[str, ...] | None = None
    """Repository-relative files of a change: discovery scans only these."""
    policy_arg: str = ""
    """`` --policy FILE`` (and its pin) as given, for fix texts that name a command."""
    pull_head: str | None = None
    """The pull request's head commit (``--pull-request OWNER/REPO#N@SHA``), to tell it
    apart from the merge commit checked out on ``pull_request``."""


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
    paths = list(paths)
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
        policy_name=policy.policy.name,
        policy_version=policy.policy.version,
        root=str(root),
        commit=head_commit(root),
        repository=detect_repository(root),
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        today=options.today.isoformat(),
        declarations=len(files),
        changed_only=options.changed_files is not None,
    )
    findings: list[Finding] = [_misnamed(path, root) for path in targets.misnamed]
    decls: list[Declaration] = []
    for path in files:
        loaded = _load(path, root)
        if isinstance(loaded, list):
            findings += loaded
        else:
            decls.append(loaded)
    snapshot: BaseSnapshot | None = None
    removed: list[Finding] = []
    unreadable: list[Finding] = []  # PG701 on changed declarations the base cannot be compared with
    identities: dict[str, Identity] = {}
    moved: list[tuple[Weakening, Finding]] = []  # PG701: code taken over by a lower-tier asset
    if options.base:
        snapshot, report.change, found = _compare(root, options)
        findings += found
        if snapshot is not None:
            from prodgate.change.identity import match

            identities = match(snapshot, decls, root)
            ai_use = _ai_use(root, policy) if options.discover and policy.policy.discovery.enabled else None
            scope = [_rel(p, root) for p in paths]
            gone = {i.base.rel for i in identities.values()}
            removable = policy.policy.change_control.removable_stages
            removed = list(change.removed(snapshot, decls, scope, gone, removable, ai_use))
            unreadable = change.unreadable_changed(snapshot, decls, scope)
            moved = coverage.takeovers(snapshot, decls, identities)
    claimed = _claims(root, decls, policy, snapshot)
    names = {d.asset.name for d in decls}
    findings += [f for f in removed if f.asset not in names]
    if report.change is not None and removed:
        report.change = dataclasses.replace(report.change, removed=tuple(removed))
    findings = _apply_overrides(findings, policy)
    # Findings about a declaration that only the whole run can see (a duplicate name)
    # belong to that declaration's asset, so that its verdict and every report show them.
    run_level: dict[str, list[Finding]] = {}
    for f in _apply_overrides(_duplicate_names(decls), policy):
        run_level.setdefault(f.location.path, []).append(f)
    owners = load_codeowners(root) if any(d.asset.owner and d.asset.owner.github for d in decls) else None
    run_cache: dict[str, object] = {}
    per_asset: dict[str, list[Finding]] = {}
    if options.discover and policy.policy.discovery.enabled:
        loose, report.undeclared = _discovery(paths, root, policy, options, decls)
        findings += _apply_overrides([f for f in loose if f.asset is None], policy)
        for f in loose:
            if f.asset is not None:
                per_asset.setdefault(f.asset, []).append(f)
        for f in _retired_in_use(root, policy, options, decls):
            per_asset.setdefault(f.asset or "", []).append(f)
    # Findings of no asset have no tier: the policy's and the rule's rollout apply.
    findings = _advisory(findings, policy, None, options.today)
    for decl in decls:
        known = identities.get(decl.rel)
        extra = [f for f in (*removed, *unreadable, *claimed) if f.asset == decl.asset.name]
        extra += per_asset.pop(decl.asset.name, [])
        taken = [(w, f) for w, f in moved if f.asset == decl.asset.name]
        result = check_asset(
            decl, policy, options, root, owners, run_cache, run_level.pop(decl.rel, ()),
            base=known.base if known is not None else None, extra=[*extra, *(f for _w, f in taken)],
            compared=snapshot is not None, weakened=[w for w, _f in taken],
        )
        report.assets.append(result)
        findings += result.findings
    for rest in run_level.values():  # none today; never dropped if a future one has no asset
        findings += rest
    report.findings = sorted(findings, key=Finding.sort_key)
    return report


def _claims(root: Path, decls: list[Declaration], policy: EffectivePolicy, snapshot: BaseSnapshot | None) -> list[Finding]:
    """PG706 for the declarations whose ``paths:`` reach beyond their folder; the whole
    repository's declarations and files are read only when one has ``paths:``."""
    if not any(d.asset.paths for d in decls):
        return []
    from prodgate.discovery.reconcile import load_coverage
    from prodgate.repo import git_ls_files

    known = {d.rel: d.doc.data for d in decls}
    if snapshot is not None:
        files: list[str] | None = snapshot.work_files
    else:
        tracked = git_ls_files(root, (), alone=True)
        files = None if tracked is None else [*tracked, *(git_ls_files(root, (), untracked=True, alone=True) or [])]
    return coverage.claims(decls, load_coverage(root, known), files, policy.policy.change_control.wide_coverage)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _compare(root: Path, options: Options) -> tuple[BaseSnapshot | None, ChangeRecord, list[Finding]]:
    """Open the base commit: the snapshot (None when the checkout lacks it), the record
    of what was compared, and the change-wide findings (PG702, PG704)."""
    from prodgate.change.base import BaseUnavailable, open_base

    assert options.base is not None
    head = head_commit(root)
    merge = _merges(root, head, options.pull_head)
    verification = _verification(options.reviews)
    opened = open_base(root, options.base)
    if isinstance(opened, str):
        raise BaseError(opened)
    if isinstance(opened, BaseUnavailable):
        # The deploy gate fails closed: what it cannot compare it cannot release.
        severity = Severity.ERROR if options.gate == "deploy" else None
        warning = RULES["PG704"].finding(opened.message, Location("."), severity=severity, fix=(
            "In GitHub Actions: actions/checkout with `fetch-depth: 0`; elsewhere `git fetch` the base branch."
        ))
        return None, ChangeRecord(
            options.base, None, head, opened.message, verification=verification, pull_head=options.pull_head, merge=merge,
        ), [warning]
    found: list[Finding] = []
    policy_changed = None
    if options.policy_file:
        from prodgate.rules.change import policy_changed as changed_policy

        note = changed_policy(opened, options.policy_file, root)
        if note is not None:
            found.append(note)
            policy_changed = options.policy_file
    record = ChangeRecord(
        options.base, opened.sha, head, policy_changed=policy_changed, verification=verification,
        pull_head=options.pull_head, merge=merge,
    )
    return opened, record, found


def _merges(root: Path, head: str | None, pull_head: str | None) -> bool:
    """Whether the commit checked merges the pull request's head (GitHub's test merge)."""
    if head is None or pull_head is None or head == pull_head:
        return False
    from prodgate.gitobjects import parents

    return pull_head in parents(root, head)


def _verification(reviews: ReviewSource | str | None) -> str:
    if reviews is None:
        return ""
    return f"not verified: {reviews}" if isinstance(reviews, str) else f"pull request {reviews.ref}"


class BaseError(Exception):
    """The base to compare with names no commit: a usage error (exit code 2)."""


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
    *,
    base: BaseDeclaration | None = None,
    extra: Iterable[Finding] = (),
    compared: bool = False,
    weakened: Iterable[Weakening] = (),
) -> AssetResult:
    """Evaluate one declaration. ``run_findings`` are findings about it that only the
    whole run can see; they are not waivable (an exception cannot make a name unique).
    ``base`` is the asset at the base commit (change control), ``extra`` the change-wide
    findings that belong to it and can be waived (PG703, PG706, the takeover PG701; discovery's PG802, PG803),
    ``weakened`` the weakenings among them, and ``compared`` says whether a base commit was read at all."""
    ctx = build_context(decl, policy.policy, options.gate, options.today, root, codeowners, run_cache)
    ctx.base, ctx.reviews, ctx.policy_option = base, options.reviews, options.policy_arg
    found: list[Finding] = [*extra]
    for check in CHECKS:
        found.extend(check(ctx))
    weakened = [*(change.weakenings(ctx, base) if base is not None else []), *weakened]
    found.extend(change.check(ctx, base))
    exc_findings, valid = exceptions.validate(ctx)
    verdicts = [approvals.check(ctx, i, e) for i, e in enumerate(ctx.asset.exceptions)]
    valid = [i for i in valid if not verdicts[i].problems and verdicts[i].waives]
    exc_findings += [f for v in verdicts for f in (*v.problems, *v.notes)]
    exc_findings += _merged_earlier(ctx, found, [i for i, v in enumerate(verdicts) if not v.waives])
    waived, unused, views = exceptions.waive(ctx, found, valid)
    views = [
        dataclasses.replace(
            v, approvals=verdicts[i].approvals, change=_exception_change(e, base, compared),
            approved=_approved(ctx, i, waived, weakened) if e.requirement in approvals.BOUND else (),
        )
        for i, (v, e) in enumerate(zip(views, ctx.asset.exceptions, strict=True))
    ]
    all_findings = [*_apply_overrides([*waived, *exc_findings, *unused], policy), *run_findings]
    all_findings = _advisory(all_findings, policy, ctx.effective_tier, options.today)
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
        files=judged_files(
            decl, root, options.policy_file or policy.source, policy.source_sha256 or policy.sha256,
            run_digests(ctx.run_cache),
        ),
        weakened=tuple(weakened),
    )


def _merged_earlier(ctx: AssetContext, found: list[Finding], indices: list[int]) -> list[Finding]:
    """PG506 at each change-control exception merged before this change that meets a
    finding it would have waived: it was approved for the change it came with."""
    out = []
    for i in indices:
        exc = ctx.asset.exceptions[i]
        if any(f.rule_id == exc.requirement or f.requirement == exc.requirement for f in found):
            out.append(RULES["PG506"].finding(
                f"exception {exc.ticket} ({exc.requirement}) is unchanged since the base commit: it was approved "
                "for the change that added it and waives nothing this change weakens",
                ctx.decl.loc("exceptions", i, "requirement"),
                asset=ctx.asset.name,
                fix="Restore what this change weakens, or add a new exception (its own ticket) for this change "
                "and have its approvers approve the pull request.",
            ))
    return out


def _approved(ctx: AssetContext, i: int, waived: list[Finding], weakened: list[Weakening]) -> tuple[ApprovedChange, ...]:
    """What exception ``i`` waived, as the record of what its approvers approved."""
    here = ctx.decl.loc("exceptions", i)
    out = []
    for f in waived:
        if f.waived_by is None or f.waived_by.location != here:
            continue
        w = next((w for w in weakened if w.location == f.location and f.message.startswith(f"{w.field} weakened")), None)
        if w is not None:
            out.append(ApprovedChange(f.asset or ctx.asset.name, w.field, w.base, w.head))
        else:
            out.append(ApprovedChange(f.asset or ctx.asset.name, f.rule_id, "", str(f.location)))
    return tuple(out)


def _exception_change(exc: AssetException, base: BaseDeclaration | None, compared: bool) -> str:
    if not compared:
        return ""
    if base is None:
        return "added"
    if exc in base.asset.exceptions:
        return "unchanged"
    same = any(b.ticket == exc.ticket and b.requirement == exc.requirement for b in base.asset.exceptions)
    return "changed" if same else "added"


def _ai_use(root: Path, policy: EffectivePolicy) -> change.AiUse:
    """Discovery over given files, for PG703: a removed declaration matters while the
    files it covered still show AI use."""

    def find(files: list[str]) -> list[str]:
        from prodgate.discovery.run import discover

        settings = policy.data.get("discovery")
        found = discover(root, (), files, settings if isinstance(settings, dict) else None)
        return [f"{d.path}:{d.line} ({d.match or d.signature})" for d in sorted(found.detections)]

    return find


def _discovery(
    paths: list[Path], root: Path, policy: EffectivePolicy, options: Options, decls: list[Declaration]
) -> tuple[list[Finding], list[Detection]]:
    """PG801-PG804 for the scanned scope (the paths given, or the changed files), and
    the detections no declaration covers."""
    from prodgate.discovery.run import discover, findings

    settings = policy.data.get("discovery")
    known = {d.rel: d.doc.data for d in decls}
    found = discover(root, paths, options.changed_files, settings if isinstance(settings, dict) else None, known=known)
    scopes = [p.resolve() for p in paths if p.is_dir()]
    whole = [
        d.rel for d in decls
        if options.changed_files is None and any(s == d.root or s in d.root.parents for s in scopes)
    ]
    allowed = policy.policy.agents.mcp_servers.allowed
    listed = findings(found, [d.rel for d in decls], unused_for=whole, gate=options.gate, allowed_mcp=allowed)
    return listed, found.undeclared


def _retired_in_use(root: Path, policy: EffectivePolicy, options: Options, decls: list[Declaration]) -> list[Finding]:
    """PG805 for retired assets whose folders still show AI use. Their folders are scanned
    whole, whatever files the change touches: flipping the stage alone must not pass."""
    from prodgate.rules import retired

    gone = retired.retired(decls)
    if not gone:
        return []
    from prodgate.discovery.run import discover

    settings = policy.data.get("discovery")
    known = {d.rel: d.doc.data for d in decls}
    found = discover(root, [d.root for d in gone], None, settings if isinstance(settings, dict) else None, known=known)
    return list(retired.check(gone, found.detections))


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
        yield RequirementResult(
            demand.id, demand.title, _state(mine), demand.reason, tuple(sorted({f.rule_id for f in mine})),
            demand.by_floor,
        )


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


def _advisory(findings: list[Finding], policy: EffectivePolicy, tier: str | None, today: dt.date) -> list[Finding]:
    """Mark the findings the policy's rollout keeps from blocking (``enforcement:``): they
    are reported as they are, with the date they start to block."""
    out = []
    for f in findings:
        why = "" if f.waived or f.advisory else policy.policy.advisory(f.rule_id, tier, today)
        out.append(dataclasses.replace(f, advisory=why, message=f"{f.message} ({why})") if why else f)
    return out


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
