"""PG7xx: a change may not quietly weaken the declaration that the gate judges.

The policy is read from the base commit, but the declaration comes from the change:
lowering the tier, moving the stage back, switching a risk fact off, dropping an
artifact or an eval, or loosening a threshold would otherwise make the gate judge the
weakened asset as if it had always been so. Each such change is one PG701 finding at the
changed line, saying what it was at the base; an exception for ``PG701`` approved as the
policy requires waives it, so a deliberate downgrade is possible and visible.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from prodgate import gitobjects
from prodgate.context import AssetContext
from prodgate.evals.thresholds import Threshold
from prodgate.evals.thresholds import parse as parse_threshold
from prodgate.findings import Finding, Location
from prodgate.fsutil import decode_text
from prodgate.globs import Glob, GlobError, compile_glob
from prodgate.manifest.discover import DECLARATION_NAMES
from prodgate.manifest.loader import Declaration
from prodgate.manifest.model import CLASSIFICATIONS, STAGES, TIERS, Asset, DataSource
from prodgate.report import Weakening
from prodgate.rules.registry import RULES

if TYPE_CHECKING:  # the base commit is read only when a run compares with one
    from prodgate.change.base import BaseDeclaration, BaseSnapshot

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
    return out


def check(ctx: AssetContext, base: BaseDeclaration | None) -> Iterator[Finding]:
    """PG701 for each weakening, waivable by an exception for ``PG701``."""
    if base is None:
        return
    where = "" if base.rel == ctx.decl.rel else f" (then {base.rel})"
    for w in weakenings(ctx, base):
        now = "removed" if w.head == "(none)" else f"now {w.head}"
        yield RULES["PG701"].finding(
            f"{w.field} weakened: {w.base} at the base commit{where}, {now}",
            w.location,
            asset=ctx.asset.name,
            fix=f"Restore {w.field} to {w.base}, or add an exception with `requirement: PG701` "
            "that the policy's approvers approve.",
        )


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


def removed(
    snapshot: BaseSnapshot, decls: list[Declaration], scope: list[str], ai_use: AiUse | None = None
) -> Iterator[Finding]:
    """PG703 for each base declaration whose asset no longer exists while files it
    covered remain and, when discovery runs (``ai_use``), still show AI use. A finding
    belongs to the head asset that now stands at the same path or covers the remaining
    files, so that asset's exceptions can waive it; otherwise it belongs to no asset
    and nothing waives it."""
    names = {d.asset.name for d in decls}
    at_path = {d.rel: d for d in decls}
    head_files: list[str] | None = None
    for rel, why in sorted(snapshot.unreadable.items()):
        if rel in at_path or not _in_scope(rel, scope):
            continue  # one still there is judged by unreadable_changed
        if head_files is None:
            head_files = _head_files(snapshot)
        folder = posixpath.dirname(rel)
        covered = [
            f for f in head_files
            if (not folder or f.startswith(folder + "/")) and posixpath.basename(f) not in DECLARATION_NAMES
        ]
        uses = ai_use(covered) if ai_use is not None and covered else None
        if not covered or (uses is not None and not uses):
            continue
        owner = _covering(covered, decls)
        yield RULES["PG703"].finding(
            f"the declaration {rel} at the base commit, which could not be read ({why}), was removed, but "
            f"{len(covered)} file{'s' if len(covered) != 1 else ''} in its folder remain: {_listed(uses or covered, uses)}",
            Location(rel),
            asset=owner.asset.name if owner is not None else None,
            fix=_PG703_FIX,
        )
    for rel, old in sorted(snapshot.declarations.items()):
        if old.asset.name in names or not _in_scope(rel, scope):
            continue
        if head_files is None:
            head_files = _head_files(snapshot)
        covered = _covered(old, head_files)
        if not covered:
            continue
        uses = ai_use(covered) if ai_use is not None else None
        if uses is not None and not uses:
            continue
        owner = at_path.get(rel) or _covering(covered, decls)
        shown = _listed(uses if uses is not None else covered, uses)
        what = (
            f"is now named {owner.asset.name!r}" if owner is not None and owner.rel == rel
            else f"was removed ({rel} at the base commit)"
        )
        yield RULES["PG703"].finding(
            f"asset {old.asset.name!r} ({old.asset.tier}, {old.asset.stage}) {what}, but "
            f"{len(covered)} file{'s' if len(covered) != 1 else ''} it covered remain: {shown}",
            owner.loc("name") if owner is not None and owner.rel == rel else Location(rel),
            asset=owner.asset.name if owner is not None else None,
            fix=_PG703_FIX,
        )


_PG703_FIX = (
    "Keep the declaration, retire it (`stage: retired`) and remove the AI use from the files it covered "
    "(a retired asset whose files still show AI use fails as PG805); or remove those files too; or add an "
    "exception with `requirement: PG703` that the policy's approvers approve."
)


def _listed(listed: list[str], uses: list[str] | None) -> str:
    shown = ", ".join(listed[:3]) + (f" and {len(listed) - 3} more" if len(listed) > 3 else "")
    return f"{shown}; they still show AI use" if uses is not None else shown


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


def _head_files(snapshot: BaseSnapshot) -> list[str]:
    """Files in the working tree under the checked root: tracked, and new ones not ignored."""
    proc = gitobjects.git(
        snapshot.repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--full-name",
        "--", snapshot.prefix or ".",
    )
    out = []
    for raw in proc.stdout.split(b"\x00"):
        name = raw.decode("utf-8", "surrogateescape")
        if name and name.startswith(snapshot.prefix) and (snapshot.repo / name).is_file():
            out.append(name[len(snapshot.prefix):])
    return sorted(set(out))


def _covered(old: BaseDeclaration, files: list[str]) -> list[str]:
    """Head files the base declaration covered: its ``paths:`` globs, else its folder."""
    folder = posixpath.dirname(old.rel)
    patterns: list[Glob | None] = []
    for declared in old.asset.paths or ["."]:
        joined = posixpath.normpath(posixpath.join(folder, declared.strip().lstrip("/")))
        if joined == ".." or joined.startswith("../"):
            continue
        if joined == ".":
            patterns.append(None)
            continue
        try:
            patterns.append(compile_glob(joined))
        except GlobError:
            patterns.append(None)  # unusable: it may have covered anything
    return [
        f for f in files
        if posixpath.basename(f) not in DECLARATION_NAMES
        and any(p is None or p.match(f) for p in patterns)
    ]


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
