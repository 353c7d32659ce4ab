"""Which base declaration each declaration of the change is: an asset's identity.

A pull request author controls names and paths, so neither alone says which asset a
declaration was. Each declaration of the work tree is matched, strongest first, to the
base declaration

1. at the same path;
2. that git's rename detection finds it moved from (``git diff -M``, the declaration
   file itself);
3. in the same folder (``ai-asset.yml`` renamed ``ai-asset.yaml``);
4. that owned, at the base, most of the code it covers now (its files traced back
   through their renames): a folder moved with ``git mv`` and a declaration rewritten
   beyond git's similarity threshold;
5. of the same name.

A base declaration is matched once by steps 3 to 5, and only by a declaration no
earlier step matched: a new declaration nested in an asset's folder is a new asset
(judged as a takeover, :mod:`prodgate.change.coverage`), not that asset. A base
declaration that nothing matches was removed (PG703).
"""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prodgate.change.base import BaseDeclaration, BaseSnapshot
from prodgate.discovery.reconcile import Coverage, coverage_of, covering

if TYPE_CHECKING:
    from pathlib import Path

    from prodgate.manifest.loader import Declaration


@dataclass(frozen=True)
class Identity:
    """The base of one declaration and how it was found."""

    base: BaseDeclaration
    how: str
    """``path``, ``renamed``, ``folder``, ``code`` or ``name``."""


def base_coverage(snapshot: BaseSnapshot) -> list[Coverage]:
    """What each base declaration covered, as discovery reads coverage."""
    return [
        coverage_of(snapshot.repo, rel, {rel: old.doc.data}) for rel, old in sorted(snapshot.declarations.items())
    ]


def head_coverage(root: Path, decls: Sequence[Declaration]) -> list[Coverage]:
    return [coverage_of(root, d.rel, {d.rel: d.doc.data}) for d in decls]


def at_base(snapshot: BaseSnapshot, rel: str) -> str | None:
    """The path a work-tree file had at the base: itself, or where git finds it moved
    from; None when it is new."""
    old = snapshot.renamed.get(rel, rel)
    return old if old in snapshot.files else None


def match(snapshot: BaseSnapshot, decls: Sequence[Declaration], root: Path) -> dict[str, Identity]:
    """Work-tree declaration path -> its identity at the base, for those that have one."""
    found: dict[str, Identity] = {}
    bases = snapshot.declarations
    for decl in decls:
        same = bases.get(decl.rel)
        moved = bases.get(snapshot.renamed.get(decl.rel, ""))
        if same is not None:
            found[decl.rel] = Identity(same, "path")
        elif moved is not None:
            found[decl.rel] = Identity(moved, "renamed")
    taken = {i.base.rel for i in found.values()}
    rest = [d for d in decls if d.rel not in found]
    for decl in rest:
        folder = posixpath.dirname(decl.rel)
        near = next(
            (b for rel, b in sorted(bases.items()) if rel not in taken and posixpath.dirname(rel) == folder), None
        )
        if near is not None:
            found[decl.rel] = Identity(near, "folder")
            taken.add(near.rel)
    rest = [d for d in rest if d.rel not in found]
    if rest and len(taken) < len(bases):
        _by_code(snapshot, decls, rest, root, taken, found)
    for decl in rest:
        if decl.rel in found:
            continue
        named = next(
            (b for rel, b in sorted(bases.items()) if rel not in taken and b.asset.name == decl.asset.name), None
        )
        if named is not None:
            found[decl.rel] = Identity(named, "name")
            taken.add(named.rel)
    return found


def _by_code(
    snapshot: BaseSnapshot, decls: Sequence[Declaration], rest: list[Declaration], root: Path,
    taken: set[str], found: dict[str, Identity],
) -> None:
    """Step 4: the base declaration that owned most of the code a declaration owns now."""
    before = [c for c in base_coverage(snapshot) if c.declaration not in taken]
    if not before:
        return
    now = head_coverage(root, decls)
    mine = {d.rel: c for d in rest for c in now if c.declaration == d.rel}
    votes: dict[str, Counter[str]] = {d.rel: Counter() for d in rest}
    for rel in snapshot.work_files:
        claimants = [c for c in mine.values() if c.covers(rel)]
        if not claimants:
            continue
        owner = covering(rel, now)
        old = at_base(snapshot, rel)
        was = covering(old, before) if old is not None and owner in claimants else None
        if owner is not None and was is not None:
            votes[owner.declaration][was.declaration] += 1
    for decl in rest:
        ballot = {rel: n for rel, n in votes[decl.rel].items() if rel not in taken}
        if ballot:
            best = max(sorted(ballot), key=lambda rel: ballot[rel])
            found[decl.rel] = Identity(snapshot.declarations[best], "code")
            taken.add(best)
