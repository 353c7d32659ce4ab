"""PG706 and the takeover form of PG701: coverage cannot be taken over.

An asset covers its folder, or the files its ``paths:`` name; where several cover a
file, the nearest declaration above it owns it (:func:`prodgate.discovery.reconcile.covering`).
A declaration of the pull request's author could otherwise speak for code that is not
its own: reach into a sibling folder with ``../``, claim another asset's folder, or, at
the root, claim ``**`` and adopt any AI code added anywhere (PG706). And a new
declaration nested in an asset's folder takes that code over by being nearer: judged
against the base commit, code an asset owned that now belongs to an asset of lower
tier or stage is a weakening of the asset it left (PG701, "code moved to a lower-tier
asset"), whatever the declarations are called.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from prodgate.discovery.reconcile import Coverage, covering
from prodgate.findings import Finding
from prodgate.globs import GlobError, compile_glob
from prodgate.manifest.discover import DECLARATION_NAMES
from prodgate.manifest.model import STAGES, TIERS
from prodgate.report import Weakening
from prodgate.rules.registry import RULES

if TYPE_CHECKING:
    from prodgate.change.base import BaseSnapshot
    from prodgate.change.identity import Identity
    from prodgate.manifest.loader import Declaration
    from prodgate.manifest.model import Asset
    from prodgate.policy.model import WideCoverage

_WILD = frozenset("*?[{")
_ACTIVE = STAGES[:3]


def claims(
    decls: Sequence[Declaration], coverage: Sequence[Coverage], files: Iterable[str] | None,
    allowed: Sequence[WideCoverage] = (),
) -> list[Finding]:
    """PG706 at each ``paths:`` entry that leaves its declaration's folder, claims the
    whole repository from the root, or names files another declaration owns.
    ``coverage`` is every declaration of the repository, ``files`` the repository's files
    (None: not known, so only the entries themselves are judged)."""
    grants = []
    for grant in allowed:
        try:
            grants.append(compile_glob(grant.declaration))
        except GlobError:
            continue  # refused when the policy was validated
    listed = [f for f in files or () if posixpath.basename(f) not in DECLARATION_NAMES]
    out: list[Finding] = []
    for decl in decls:
        if not decl.asset.paths or any(g.match(decl.rel) for g in grants):
            continue
        folder = posixpath.dirname(decl.rel)
        for i, entry in enumerate(decl.asset.paths):
            text = entry.strip()
            joined = posixpath.normpath(posixpath.join(folder, text.lstrip("/")))
            why = _reach(folder, joined)
            if why is None:
                why = _taken(decl, joined, listed, coverage)
            if why is not None:
                out.append(RULES["PG706"].finding(
                    f"paths entry {text!r} {why}",
                    decl.loc("paths", i),
                    asset=decl.asset.name,
                    fix="Keep `paths:` inside the declaration's own folder and off other assets' folders; "
                    "move the declaration, or have the policy allow it (`change_control.wide_coverage`).",
                ))
    return out


def _reach(folder: str, joined: str) -> str | None:
    if joined == ".." or joined.startswith("../"):
        return "leaves the repository"
    if folder and not (joined == folder or joined.startswith(folder + "/")):
        return f"reaches outside the declaration's folder {folder}/ (it names {joined})"
    first = joined.split("/", 1)[0]
    if not folder and (joined == "." or "**" in first or ("/" in joined and _WILD & set(first))):
        return "claims the whole repository from its root: any AI code added anywhere would be adopted"
    return None


def _taken(decl: Declaration, joined: str, files: list[str], coverage: Sequence[Coverage]) -> str | None:
    """Why the entry claims files another declaration owns, or None."""
    try:
        glob = compile_glob(joined)
    except GlobError:
        return None  # the declaration's own findings say so
    others: dict[str, list[str]] = {}
    for rel in files:
        if not glob.match(rel):
            continue
        owner = covering(rel, coverage)
        if owner is not None and owner.declaration != decl.rel:
            others.setdefault(owner.declaration, []).append(rel)
    if not others:
        return None
    rel, taken = min(others.items())
    more = f" and {len(others) - 1} other asset{'s' if len(others) > 2 else ''}" if len(others) > 1 else ""
    name = next((c.name for c in coverage if c.declaration == rel), rel)
    return (
        f"claims {_files(taken)} of asset {name!r} ({rel}){more}; the nearest declaration owns them, "
        "so the claim only blurs who covers them"
    )


def takeovers(
    snapshot: BaseSnapshot, decls: Sequence[Declaration], identities: dict[str, Identity]
) -> list[tuple[Weakening, Finding]]:
    """PG701 on each asset some of whose code (files it owned at the base, or their
    renamed successors) now belongs to an asset of lower tier or stage: a weakening of
    the asset the code left, reported at the declaration that took it, waivable by the
    exceptions of the asset it left."""
    from prodgate.change.identity import at_base, base_coverage
    from prodgate.discovery.reconcile import coverage_of

    now = [coverage_of(snapshot.repo, d.rel, {d.rel: d.doc.data}) for d in decls]
    by_rel = {d.rel: d for d in decls}
    came_from = {rel: i.base.rel for rel, i in identities.items()}
    was_in = {i.base.rel: rel for rel, i in identities.items()}
    # Only code whose owner may have changed: files a declaration covers that is new,
    # moved or whose paths changed, and files that moved themselves.
    changed = [
        c for c in now
        if c.declaration not in identities or identities[c.declaration].how != "path"
        or identities[c.declaration].base.asset.paths != by_rel[c.declaration].asset.paths
    ]
    before = base_coverage(snapshot)
    # ... and files those declarations covered at the base (a narrowed `paths:` lets code go).
    narrowed = [c for c in before if c.declaration in {came_from.get(n.declaration) for n in changed}]
    candidates = [
        f for f in snapshot.work_files
        if posixpath.basename(f) not in DECLARATION_NAMES and (
            f in snapshot.renamed or any(c.covers(f) for c in changed)
            or any(c.covers(f) for c in narrowed)
        )
    ]
    if not candidates:
        return []
    moved: dict[tuple[str, str], list[str]] = {}
    for rel in candidates:
        then = at_base(snapshot, rel)
        was = covering(then, before) if then is not None else None
        owner = covering(rel, now)
        if was is None or owner is None or came_from.get(owner.declaration) == was.declaration:
            continue
        left = was_in.get(was.declaration)
        if left is None:
            continue  # the asset itself is gone: PG703
        if _weaker(by_rel[owner.declaration].asset, snapshot.declarations[was.declaration].asset):
            moved.setdefault((left, owner.declaration), []).append(rel)
    out = []
    for (left, took), files in sorted(moved.items()):
        old = snapshot.declarations[came_from[left]].asset
        new = by_rel[took]
        field = "tier" if TIERS.index(new.asset.tier) < TIERS.index(old.tier) else "stage"
        loc = new.loc(field)
        w = Weakening("coverage", f"{old.name}: {old.tier}, {old.stage}",
                      f"{new.asset.name}: {new.asset.tier}, {new.asset.stage}", loc)
        out.append((w, RULES["PG701"].finding(
            f"coverage weakened: code moved to a lower-tier asset: {_files(files)} that {old.name!r} "
            f"({old.tier}, {old.stage}) covered at the base commit now belong{'s' if len(files) == 1 else ''} to {new.asset.name!r} "
            f"({new.asset.tier}, {new.asset.stage}, {took}): {_shown(files)}",
            loc,
            asset=by_rel[left].asset.name,
            fix=f"Keep the code under {by_rel[left].asset.name!r} (remove {took}, or give it at least "
            f"{old.tier} and {old.stage}), or add an exception with `requirement: PG701` to "
            f"{by_rel[left].asset.name!r} approved on the pull request.",
        )))
    return out


def _weaker(new: Asset, old: Asset) -> bool:
    if TIERS.index(new.tier) < TIERS.index(old.tier):
        return True
    return new.stage in _ACTIVE and old.stage in _ACTIVE and _ACTIVE.index(new.stage) < _ACTIVE.index(old.stage)


def _files(files: list[str]) -> str:
    return f"{len(files)} file{'s' if len(files) != 1 else ''}"


def _shown(files: list[str]) -> str:
    return ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
