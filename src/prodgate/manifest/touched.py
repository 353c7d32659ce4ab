"""Which assets a set of changed files touches.

The ``prodgate-check`` hook gets the files of a commit or a push and must gate exactly
the assets they concern, so that an unrelated change is not blocked by someone else's
unfinished asset, and a change to an asset's evidence cannot slip through. A file
touches an asset when

* it lies under the asset root: the nearest ``ai-asset.yaml`` / ``ai-asset.yml`` in its
  directory or an ancestor, up to the repository root (the declaration itself included);
* a declaration names it as an artifact (``artifacts:``) or as eval results
  (``evals[].results``), wherever the file lives;
* it matches one of a declaration's ``paths:`` globs.

Only the last two need every declaration in the repository, read as plain YAML (no
schema, so deciding that nothing is touched never pays for pydantic): a
declaration broken enough to fail its schema still says what it covers, and the gate
run on it reports what is broken. Declarations that cannot possibly name a changed file
(they have no ``paths:`` and do not contain any changed file's name) are not parsed.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from prodgate.fsutil import FileProblem, read_text
from prodgate.globs import Glob, GlobError, compile_glob
from prodgate.manifest.discover import DECLARATION_NAMES, find_declarations
from prodgate.yamlio.loader import YamlProblem, load_yaml

_NAME_FILTER_LIMIT = 64


def touched_declarations(changed: Iterable[str | Path], root: Path) -> list[Path]:
    """The declarations (absolute paths, sorted) of the assets ``changed`` touches.

    ``changed`` are paths relative to the current directory or absolute, as pre-commit
    and ``git diff --name-only`` give them from the repository root; they need not
    exist (a deleted artifact still touches its asset). Files outside ``root`` touch
    nothing.
    """
    return sorted({decl for decls in touched_by_file(changed, root).values() for decl in decls})


def touched_by_file(changed: Iterable[str | Path], root: Path) -> dict[str | Path, set[Path]]:
    """For each of ``changed``, the declarations of the assets it touches (see
    :func:`touched_declarations`); one walk of the repository for all of them."""
    root = root.resolve()
    rel_of = {p: _repo_relative(Path(p), root) for p in changed}
    out: dict[str | Path, set[Path]] = {p: set() for p in rel_of}
    by_rel: dict[str, list[str | Path]] = {}
    for p, rel in rel_of.items():
        if rel is not None:
            by_rel.setdefault(rel, []).append(p)
    if not by_rel:
        return out
    rels = set(by_rel)
    nearest: dict[str, Path | None] = {}
    for rel in rels:
        if (decl := _nearest_declaration(rel, root, nearest)) is not None:
            for p in by_rel[rel]:
                out[p].add(decl)
    # Looking for each changed file's name in each declaration's text only pays while
    # the change is small; a large one (``--all-files``) parses every declaration.
    names = {posixpath.basename(rel) for rel in rels} if len(rels) <= _NAME_FILTER_LIMIT else None
    for decl in find_declarations([root]):
        refs = list(_references(decl, root, names))
        if not refs:
            continue
        for rel in rels:
            if any(ref.covers(rel) for ref in refs):
                for p in by_rel[rel]:
                    out[p].add(decl)
    return out


def _repo_relative(path: Path, root: Path) -> str | None:
    """``path`` relative to ``root`` with ``/``, symlinked folders resolved, or None."""
    absolute = path if path.is_absolute() else Path.cwd() / path
    try:
        parent = absolute.parent.resolve()
    except (OSError, RuntimeError):
        return None
    full = parent / absolute.name
    if full == root or root not in full.parents:
        return None
    return full.relative_to(root).as_posix()


def _nearest_declaration(rel: str, root: Path, cache: dict[str, Path | None]) -> Path | None:
    if posixpath.basename(rel) in DECLARATION_NAMES and (root / rel).is_file():
        return root / rel
    return declaration_above(posixpath.dirname(rel), root, cache)


def declaration_above(folder: str, root: Path, cache: dict[str, Path | None]) -> Path | None:
    """The declaration in ``folder`` or the nearest ancestor; memoised per folder, as a
    large change has many files in the same folders."""
    if folder in cache:
        return cache[folder]
    found: Path | None = None
    for name in DECLARATION_NAMES:
        candidate = root / folder / name
        if candidate.is_file():
            found = candidate
            break
    if found is None and folder:
        found = declaration_above(posixpath.dirname(folder), root, cache)
    cache[folder] = found
    return found


class _Ref:
    """A path (exact) or a glob a declaration covers, relative to the repository root."""

    def __init__(self, pattern: str, glob: bool) -> None:
        self.pattern = pattern
        self.glob: Glob | None = None
        self.everything = False
        if glob:
            try:
                self.glob = compile_glob(pattern)
            except GlobError:
                # The gate run on this asset reports the glob; until then it may
                # cover anything, so the asset is checked rather than skipped.
                self.everything = True

    def covers(self, rel: str) -> bool:
        if self.everything:
            return True
        if self.glob is None:
            return rel == self.pattern
        return self.glob.match(rel)


def _references(decl: Path, root: Path, names: set[str] | None) -> Iterator[_Ref]:
    text = read_text(decl)
    if isinstance(text, FileProblem):
        return
    if names is not None and "paths" not in text and not any(name in text for name in names):
        return
    doc = load_yaml(text)
    if isinstance(doc, YamlProblem) or not isinstance(doc.data, dict):
        return
    base = decl.parent.relative_to(root).as_posix()
    data: dict[str, Any] = doc.data
    artifacts = data.get("artifacts")
    if isinstance(artifacts, dict):
        for value in artifacts.values():
            if (ref := _join(base, value)) is not None:
                yield _Ref(ref, glob=False)
    evals = data.get("evals")
    if isinstance(evals, list):
        for item in evals:
            if isinstance(item, dict) and (ref := _join(base, item.get("results"))) is not None:
                yield _Ref(ref, glob=False)
    paths = data.get("paths")
    if isinstance(paths, list):
        for value in paths:
            if (ref := _join(base, value)) is not None:
                yield _Ref(ref, glob=True)


def _join(base: str, declared: object) -> str | None:
    """``declared`` (relative to the asset root) relative to the repository root, or
    None when it is not a string or leaves the repository."""
    if not isinstance(declared, str) or not declared.strip() or declared.startswith(("/", "\\")):
        return None
    joined = posixpath.normpath(posixpath.join(base, declared.strip()))
    if joined == ".." or joined.startswith("../"):
        return None
    return joined
