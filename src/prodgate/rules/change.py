"""PG7xx: a change may not quietly weaken the declaration that the gate judges.

The policy is read from the base commit, but the declaration comes from the change:
lowering the tier, moving the stage back, switching a risk fact off, dropping an
artifact or an eval, or loosening a threshold would otherwise make the gate judge the
weakened asset as if it had always been so. Each such change is one PG701 finding at the
changed line, saying what it was at the base; an exception for ``PG701`` approved as the
policy requires waives it, so a deliberate downgrade is possible and visible.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from prodgate.context import AssetContext
from prodgate.evals.thresholds import Threshold
from prodgate.evals.thresholds import parse as parse_threshold
from prodgate.findings import Finding, Location
from prodgate.fsutil import decode_text
from prodgate.manifest.discover import DECLARATION_NAMES
from prodgate.manifest.loader import Declaration
from prodgate.manifest.model import CLASSIFICATIONS, EFFECTS, STAGES, TIERS, Asset, DataSource
from prodgate.report import Weakening
from prodgate.rules.registry import RULES

if TYPE_CHECKING:  # the base commit is read only when a run compares with one
    from prodgate.change.base import BaseDeclaration, BaseSnapshot
    from prodgate.discovery.reconcile import Coverage

_AUTONOMY = ("human-in-the-loop", "human-on-the-loop", "autonomous")
_ACTIVE_STAGES = STAGES[:3]  # sandbox < pilot < production; retired is not a step back
_RISK_FLAGS = ("customer_facing", "regulated", "decisions_about_people")


def weakenings(ctx: AssetContext, base: BaseDeclaration) -> list[Weakening]:
    """Every way the declaration is weaker than at the base commit."""
    head, decl = ctx.asset, ctx.decl
    out: list[Weakening] = []

    def add(field: str, was: object, now: object, *path: str | int, key: bool = False) -> None:
        loc = decl.key_loc(*path) if key else decl.loc(*path)
        out.append(Weakening(field, _show(was), _show(now), loc))

    old = base.asset
    if TIERS.index(head.tier) < TIERS.index(old.tier):
        add("tier", old.tier, head.tier, "tier")
    if head.stage in _ACTIVE_STAGES and old.stage in _ACTIVE_STAGES and (
        _ACTIVE_STAGES.index(head.stage) < _ACTIVE_STAGES.index(old.stage)
    ):
        add("stage", old.stage, head.stage, "stage")
    for flag in _RISK_FLAGS:
        if getattr(old.risk, flag) and not getattr(head.risk, flag):
            add(f"risk.{flag}", True, False, "risk", flag)
    if _AUTONOMY.index(head.risk.autonomy) < _AUTONOMY.index(old.risk.autonomy):
        add("risk.autonomy", old.risk.autonomy, head.risk.autonomy, "risk", "autonomy")
    _data_sources(old, head, add)
    for kind, path in old.artifacts.items():
        if kind not in head.artifacts:
            add(f"artifacts.{kind}", path, None, "artifacts", key=True)
    _evals(old, head, add)
    _agent(old, head, add)
    return out


def check(ctx: AssetContext, base: BaseDeclaration | None) -> Iterator[Finding]:
    """PG701 for each weakening, waivable by an exception for ``PG701``."""
    if base is None:
        return
    where = renamed_from(ctx.decl, base)
    for w in weakenings(ctx, base):
        now = "removed" if w.head == "(none)" else f"now {w.head}"
        yield RULES["PG701"].finding(
            f"{w.field} weakened: {w.base} at the base commit, {now}{where}",
            w.location,
            asset=ctx.asset.name,
            fix=f"Restore {w.field} to {w.base}, or add an exception with `requirement: PG701` "
            "that the policy's approvers approve on the pull request.",
        )


def renamed_from(decl: Declaration, base: BaseDeclaration) -> str:
    """`` (renamed from … at the base)`` when the asset's name or path changed, else ``""``."""
    name = f"{base.asset.name!r}" if base.asset.name != decl.asset.name else ""
    path = base.rel if base.rel != decl.rel else ""
    if not (name or path):
        return ""
    return f" (renamed from {' in '.join(p for p in (name, path) if p)} at the base)"


def _data_sources(old: Asset, head: Asset, add: _Add) -> None:
    """A source kept under its name is compared field by field; one whose name is gone
    (removed or renamed) is compared by what it is: its classification and personal
    data must still be held by some source of the head, whatever that one is called."""
    now = {s.name: (i, s) for i, s in enumerate(head.data_sources)}
    for src in old.data_sources:
        found = now.get(src.name)
        if found is None:
            continue
        i, cur = found
        if src.personal_data and not cur.personal_data:
            add(f"data_sources.{src.name}.personal_data", True, False, "data_sources", i, "personal_data")
        if CLASSIFICATIONS.index(cur.classification) < CLASSIFICATIONS.index(src.classification):
            add(f"data_sources.{src.name}.classification", src.classification, cur.classification,
                "data_sources", i, "classification")
    _data_sources_gone(old, head, add)


def _data_sources_gone(old: Asset, head: Asset, add: _Add) -> None:
    """PG701 for each base source, no longer present under its name, whose facts no head
    source still holds (a classification at least as high, personal data if it had it).

    Names are free text: renaming ``claims`` (restricted, personal data) to ``cache``
    with ``classification: public`` would otherwise lower the risk facts unseen. The
    finding stands at the source most likely to be its successor (a new name holding
    the most), else at ``data_sources``."""
    base_names = {s.name for s in old.data_sources}
    head_names = {s.name for s in head.data_sources}
    new = [(i, s) for i, s in enumerate(head.data_sources) if s.name not in base_names]
    for src in old.data_sources:
        if src.name in head_names or any(_holds(s, src) for s in head.data_sources):
            continue
        if not new:
            add(f"data_sources.{src.name}", _facts(src), None, "data_sources", key=True)
            continue
        i, successor = max(new, key=lambda item: _rank(item[1]))
        lowered = CLASSIFICATIONS.index(successor.classification) < CLASSIFICATIONS.index(src.classification)
        add(f"data_sources.{src.name}", _facts(src), f"{_facts(successor)} as {successor.name!r}",
            "data_sources", i, "classification" if lowered else "personal_data")


def _holds(head: DataSource, base: DataSource) -> bool:
    """Whether ``head`` states at least the risk facts of ``base``."""
    return (head.personal_data or not base.personal_data) and (
        CLASSIFICATIONS.index(head.classification) >= CLASSIFICATIONS.index(base.classification)
    )


def _rank(src: DataSource) -> tuple[int, bool]:
    return CLASSIFICATIONS.index(src.classification), src.personal_data


def _facts(src: DataSource) -> str:
    return f"{src.classification}{' with personal data' if src.personal_data else ''}"


def _evals(old: Asset, head: Asset, add: _Add) -> None:
    now = {e.name: (i, e) for i, e in enumerate(head.evals)}
    for ev in old.evals:
        found = now.get(ev.name)
        if found is None:
            add(f"evals.{ev.name}", ev.results, None, "evals", key=True)
            continue
        i, cur = found
        for metric, spec in ev.thresholds.items():
            before = parse_threshold(spec)
            if before is None:
                continue
            if metric not in cur.thresholds:
                add(f"evals.{ev.name}.thresholds.{metric}", before.text, None, "evals", i, "thresholds", key=True)
                continue
            after = parse_threshold(cur.thresholds[metric])
            if after is not None and not _implies(after, before):
                add(f"evals.{ev.name}.thresholds.{metric}", before.text, after.text, "evals", i, "thresholds", metric)
        if ev.max_age_days is not None and (cur.max_age_days is None or cur.max_age_days > ev.max_age_days):
            add(f"evals.{ev.name}.max_age_days", ev.max_age_days, cur.max_age_days,
                "evals", i, "max_age_days" if cur.max_age_days is not None else "name")


def _agent(old: Asset, head: Asset, add: _Add) -> None:
    """What the agent can do that it could not at the base: a kind of effect none of its
    tools had (read -> write, a payment tool), a tool that a person no longer confirms
    (``approval: human`` dropped, by name, or an effect no tool had unconfirmed), and an
    MCP server running from a source none did, or given access its source's servers did
    not have (``repo:read`` -> ``repo:write``); and what a tool is declared to do less
    under its name (a weaker effect, a messaging tool's audience made internal), which
    would lower the risk floors it set.

    Effects and sources are compared, not names: renaming ``refund_order`` while making
    it unconfirmed, or relabelling a new server with an old server's name, is seen."""
    from prodgate.discovery.mcp_match import normalise_source

    was = old.agent.tools if old.agent else []
    now = head.agent.tools if head.agent else []
    effects = {t.effect for t in was}
    unattended = {t.effect for t in was if t.approval == "none"}
    confirmed = {t.name for t in was if t.approval == "human"}
    before = {t.name: t for t in was}
    for i, tool in enumerate(now):
        prior = before.get(tool.name)
        if prior is not None and prior.effect == tool.effect == "communicate" and (
            prior.audience, tool.audience) == ("external", "internal"):
            add(f"agent.tools.{tool.name}.audience", "external", "internal", "agent", "tools", i, "audience")
        if tool.effect not in effects and tool.effect != "read":
            strongest = max(effects, key=EFFECTS.index) if effects else None
            add(f"agent.tools.{tool.name}.effect", strongest, tool.effect, "agent", "tools", i, "effect")
        elif prior is not None and EFFECTS.index(tool.effect) < EFFECTS.index(prior.effect):
            # The same tool declared to do less: the floors it set would drop unseen.
            add(f"agent.tools.{tool.name}.effect", prior.effect, tool.effect, "agent", "tools", i, "effect")
        elif tool.approval == "none" and (tool.name in confirmed or tool.effect not in unattended) and (
            tool.effect != "read"
        ):
            # A missing ``approval:`` (none by default) points at the tool itself.
            add(f"agent.tools.{tool.name}.approval", "human", "none", "agent", "tools", i, "approval")
    access: dict[str, set[str]] = {}  # each base source and what its servers were given
    for s in old.agent.mcp_servers if old.agent else []:
        access.setdefault(normalise_source(s.source), set()).update(s.access)
    for i, server in enumerate(head.agent.mcp_servers if head.agent else []):
        source = normalise_source(server.source)
        if source not in access:
            add(f"agent.mcp_servers.{server.name}", None, source, "agent", "mcp_servers", i, "source")
        elif gained := [a for a in server.access if a not in access[source]]:
            had = ", ".join(sorted(access[source])) or None
            add(f"agent.mcp_servers.{server.name}.access", had, ", ".join(gained), "agent", "mcp_servers", i, "access")


def _implies(head: Threshold, base: Threshold) -> bool:
    """Whether every value that meets ``head`` meets ``base``: not loosened."""
    if head.op == "==":
        return base.passes(head.bound)
    if base.op == "==":
        return False
    return (head.op, head.bound) == (base.op, base.bound) or head.stricter_than(base)


def _show(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _Add(Protocol):
    """The signature of ``add`` in :func:`weakenings`."""

    def __call__(self, field: str, was: object, now: object, *path: str | int, key: bool = False) -> None: ...


AiUse = Callable[[list[str]], list[str]]
"""Given files, the places among them that show AI use (``path:line (what)``)."""

_PG703_FIX = (
    "Keep the declaration, retire it (`stage: retired`) and remove the AI use from the files it covered "
    "(a retired asset whose files still show AI use fails as PG805); or remove those files too; or add an "
    "exception with `requirement: PG703` that the policy's approvers approve on the pull request."
)


def removed(
    snapshot: BaseSnapshot, decls: list[Declaration], scope: list[str], matched: Iterable[str],
    removable: Iterable[str] = ("sandbox",), ai_use: AiUse | None = None,
) -> Iterator[Finding]:
    """PG703 for each base declaration that no declaration of the change is (``matched``:
    the base paths :func:`prodgate.change.identity.match` found) while files it owned,
    or their renamed successors, remain: whatever discovery sees in them, since the same
    change can hide the AI use it removes the declaration of. A declaration at a stage
    in ``removable`` (the policy's ``change_control.removable_stages``) goes freely.
    ``ai_use`` only says which remaining files still show AI use. A finding belongs to
    the asset that now covers the remaining files, so that its exceptions can waive it;
    otherwise to no asset, and nothing waives it."""
    from prodgate.change.identity import at_base, base_coverage
    from prodgate.discovery.reconcile import covering

    gone = set(snapshot.declarations) | set(snapshot.unreadable)
    gone -= set(matched) | {d.rel for d in decls}
    # One still there that does not load (a symlink out of the repository, PG102; not
    # valid, PG104) fails the gate by its own findings; it was not removed.
    gone = {rel for rel in gone if not os.path.lexists(snapshot.repo / (snapshot.prefix + rel))}
    if not gone:
        return
    before = [*base_coverage(snapshot), *(coverage_of_unreadable(rel) for rel in snapshot.unreadable)]
    owned: dict[str, list[str]] = {}
    for rel in snapshot.work_files:
        if posixpath.basename(rel) in DECLARATION_NAMES:
            continue
        then = at_base(snapshot, rel)
        was = covering(then, before) if then is not None else None
        if was is not None and was.declaration in gone:
            owned.setdefault(was.declaration, []).append(rel)
    stages = set(removable)
    for rel in sorted(gone):
        covered = owned.get(rel, [])
        old_decl = snapshot.declarations.get(rel)
        if not covered or not _in_scope(rel, scope) or (old_decl is not None and old_decl.asset.stage in stages):
            continue
        uses = ai_use(covered) if ai_use is not None else []
        owner = _covering(covered, decls)
        n = f"{len(covered)} file{'s' if len(covered) != 1 else ''}"
        if old_decl is None:
            what = (
                f"the declaration {rel} at the base commit, which could not be read ({snapshot.unreadable[rel]}), "
                f"was removed, but {n} in its folder remain: {_listed(covered, uses)}"
            )
        else:
            what = (
                f"asset {old_decl.asset.name!r} ({old_decl.asset.tier}, {old_decl.asset.stage}) was removed "
                f"({rel} at the base commit), but {n} it covered remain: {_listed(covered, uses)}"
            )
        yield RULES["PG703"].finding(
            what, Location(rel), asset=owner.asset.name if owner is not None else None, fix=_PG703_FIX,
        )


def coverage_of_unreadable(rel: str) -> Coverage:
    """A base declaration that could not be read covered its folder."""
    from prodgate.discovery.reconcile import Coverage

    return Coverage(rel, rel, posixpath.dirname(rel))


def _listed(files: list[str], uses: list[str]) -> str:
    listed = uses or files
    shown = ", ".join(listed[:3]) + (f" and {len(listed) - 3} more" if len(listed) > 3 else "")
    return f"{shown}; they still show AI use" if uses else shown


def unreadable_changed(snapshot: BaseSnapshot, decls: list[Declaration], scope: list[str]) -> list[Finding]:
    """PG701 for each declaration the change edits whose base version could not be read
    (not YAML, or not valid): what it was cannot be compared field by field, so a lower
    tier, stage or threshold would pass unseen. Unchanged, it is no finding (the
    declaration's own findings say what is wrong with it). An exception for ``PG701``
    approved as the policy requires waives it, as for any weakening."""
    out = []
    for decl in decls:
        why = snapshot.unreadable.get(decl.rel)
        if why is None or not _in_scope(decl.rel, scope):
            continue
        if snapshot.sha256(decl.rel) == decl.sha256:
            continue  # the bytes the declaration was read from are the base's
        out.append(RULES["PG701"].finding(
            f"the declaration could not be read at the base commit ({why}), so this change to it cannot be "
            "compared with it: a tier, stage, risk fact, artifact, eval or threshold it lowers or drops "
            "would go unseen",
            decl.loc(),
            asset=decl.asset.name,
            fix="Have the change approved with an exception with `requirement: PG701` that the policy's "
            "approvers approve; after it is merged, later changes are compared again.",
        ))
    return out


def policy_changed(snapshot: BaseSnapshot, policy_file: str, root: Path) -> Finding | None:
    """PG702 when the change edits the repository's policy file: a note naming the
    policy's code owners (as of the base commit, so the change cannot pick them)."""
    before = snapshot.read(policy_file)
    path = root / policy_file
    try:
        after = path.read_bytes() if path.is_file() else None
    except OSError:
        after = None
    if before == after:
        return None
    owners = _base_codeowners(snapshot, policy_file)
    who = f"its code owners {', '.join(owners)}" if owners else "its owners (CODEOWNERS names none for it)"
    how = "deletes" if after is None else ("adds" if before is None else "changes")
    return RULES["PG702"].finding(
        f"the change {how} the policy file {policy_file}; this run was judged by the base commit's "
        f"policy and the change takes effect after merge; {who} should review it",
        Location(policy_file),
        fix="Have the policy's owners review and approve the policy change; merge it on its own, "
        "before changes that rely on it.",
    )


def _base_codeowners(snapshot: BaseSnapshot, rel: str) -> tuple[str, ...]:
    from prodgate.codeowners import LOCATIONS, parse

    for location in LOCATIONS:
        raw = snapshot.read(location, 512 * 1024)
        if raw is None:
            continue
        text = decode_text(raw)
        if not isinstance(text, str):
            return ()
        rule = parse(location, text).owner_of(rel)
        return rule.owners if rule is not None else ()
    return ()


def _in_scope(rel: str, scope: list[str]) -> bool:
    return any(s in ("", ".") or rel == s or rel.startswith(s.rstrip("/") + "/") for s in scope)


def _covering(files: list[str], decls: list[Declaration]) -> Declaration | None:
    """The head declaration nearest above the first remaining file, if any."""
    for f in files:
        best: Declaration | None = None
        for d in decls:
            folder = posixpath.dirname(d.rel)
            if (not folder or f.startswith(folder + "/")) and (best is None or len(folder) > len(posixpath.dirname(best.rel))):
                best = d
        if best is not None:
            return best
    return None
