"""Eval freshness from git history: when a results file last changed, and whether
what the eval measured (prompts, code, model settings, the declared models) changed
after it.

History is read with plain ``git`` processes, and only when a check actually needs
it: one ``git log`` indexes the recent commits for every eval of a run (importing
GitPython cost more than the whole rest of a one-asset run, so it is not used here).
Everything degrades to "unknown" rather than failing: no checkout, no git binary, an
untracked file.

"After the results" means ancestry, not dates: an input change is newer than the
results when the commit that made it is not an ancestor of the commit that last
changed the results file (``git log RESULTS..HEAD``). A prompt changed on a branch
before the results were regenerated on main, and merged after them, is such a change
whatever its date. Merge commits count for the files they change beyond all of their
parents (a conflict resolved by editing a prompt); what a merge brings in from a branch
is judged on the branch's own commits. A shallow clone is judged by the history it
has: what it shows is reported, and only what it cannot show is a warning.
"""

from __future__ import annotations

import datetime as dt
import heapq
import os
import posixpath
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prodgate.globs import GlobError, compile_glob, compile_literal, literal_prefix
from prodgate.yamlio.loader import YamlProblem, load_yaml

MAX_COMMITS = 500
"""Commits after the results examined for a change of their inputs; a longer run of
commits that change none is not worth a slower gate."""

INDEX_COMMITS = 5000
"""Commits read once per run, with the files each changed, to answer every eval's
questions in memory: a monorepo with thousands of evals would otherwise start a git
process or three per eval. Older history is asked of git directly."""


@dataclass(frozen=True)
class Staleness:
    """What the history says about an eval's inputs after its results.

    ``change`` is the newest commit after the results that changed an input (None:
    none that the available history shows). ``partial`` is True when a shallow clone
    lacks commits that could hold such a change, or the commit of the results itself.
    """

    change: Change | None
    partial: bool = False


@dataclass(frozen=True)
class Change:
    """A commit and one file it changed (for the message)."""

    sha: str
    when: dt.datetime
    path: str = ""
    files: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()

    @property
    def short(self) -> str:
        return self.sha[:12]


class GitError(Exception):
    """A git command failed; the message is what git said."""


class History:
    """The history of one checkout, queried with ``git log``."""

    def __init__(self, top: Path, common_dir: Path) -> None:
        self.top = top.resolve()
        self._common_dir = common_dir
        self._index: list[Change] | None = None
        self._complete = False
        self._position: dict[str, int] = {}
        self._newest: dict[str, int] = {}
        self._first_merge = 0
        self._merge_files: dict[str, frozenset[str]] | None = None
        self._topo: list[Change] | None = None
        self._dirty: frozenset[str] | None = None
        self._boundary: frozenset[str] | None = None
        self._rels: dict[Path, str] = {}
        self._stale: dict[tuple[str, tuple[str, ...], str | None], Staleness] = {}
        self.stale_computed = 0
        """How many distinct questions :meth:`stale_since` answered (the rest were
        repeats, answered from memory)."""

    def _load_index(self) -> list[Change]:
        """HEAD's last INDEX_COMMITS commits in git's default order (newest first, read
        as a stream: git stops after them), each with its parents and the files it
        changed (for a merge: those that differ from every parent)."""
        if self._index is None:
            log = self._log("--name-only", "--diff-merges=combined", f"--max-count={INDEX_COMMITS + 1}")
            self._complete = len(log) <= INDEX_COMMITS
            self._index = log[:INDEX_COMMITS]
            self._first_merge = len(self._index)
            for i, change in enumerate(self._index):
                self._position[change.sha] = i
                if len(change.parents) > 1 and self._first_merge == len(self._index):
                    self._first_merge = i
                for name in change.files:
                    self._newest.setdefault(name, i)
        return self._index

    def rel(self, path: Path) -> str:
        """``path`` relative to the top of the checkout, with ``/`` (resolved once per
        run: every eval of an asset names the same results files and documents)."""
        found = self._rels.get(path)
        if found is None:
            found = self._rels[path] = Path(os.path.relpath(path.resolve(), self.top)).as_posix()
        return found

    def shallow_boundary(self) -> frozenset[str]:
        """Commits whose parents a shallow clone lacks (empty for a full clone)."""
        if self._boundary is None:
            try:
                text = (self._common_dir / "shallow").read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = ""
            self._boundary = frozenset(line.strip() for line in text.splitlines() if line.strip())
        return self._boundary

    def last_change(self, rel: str) -> Change | None:
        """The commit that gave the file ``rel`` its content at HEAD (None: never
        committed), as ``git log -1 -- rel`` finds it: across a merge, history follows
        the parent the merge took the file from (a branch's re-run, not the merge).

        The run's index answers in memory: on a stretch without merges the newest
        commit that changed the file; across two-parent merges by following, at each
        merge, the first parent when the file is as it was there, else the second.
        Older history and octopus merges are asked of git."""
        index = self._load_index()
        i = self._newest.get(rel)
        if i is not None and i < self._first_merge:
            return index[i]
        if i is None and self._complete:
            return None
        if i is not None:
            walked = self._follow(rel)
            if walked is not None:
                return walked
        found = self._log("-1", "--", _literal(rel))
        return found[0] if found else None

    def _follow(self, rel: str) -> Change | None:
        """``rel``'s last change found by walking the index from HEAD; None when the
        walk leaves the index or meets an octopus merge (git is asked then)."""
        index = self._load_index()
        first_parent = self._first_parent_files()
        change = index[0]
        while True:
            if rel in change.files:  # a merge lists what differs from every parent
                return change
            if not change.parents:
                return None
            parent = change.parents[0]
            if len(change.parents) > 1:
                took = first_parent.get(change.sha)
                if took is None or len(change.parents) > 2:
                    return None
                if rel in took:  # not the first parent's version: the second's
                    parent = change.parents[1]
            at = self._position.get(parent)
            if at is None:
                return None
            change = index[at]

    def _first_parent_files(self) -> dict[str, frozenset[str]]:
        """For each merge in the index, the files that differ from its first parent
        (one ``git log`` of merges, read on first need: linear histories never do)."""
        if self._merge_files is None:
            merges = self._log(
                "--merges",
                "--name-only",
                "--diff-merges=first-parent",
                f"--max-count={INDEX_COMMITS + 1}",
            )
            self._merge_files = {m.sha: frozenset(m.files) for m in merges}
        return self._merge_files

    def dirty(self, rel: str) -> bool:
        """Whether the file differs from HEAD (just regenerated, not yet committed)."""
        if self._dirty is None:
            out = self._git("status", "--porcelain=v1", "-z", "--untracked-files=all")
            names: set[str] = set()
            entries = iter(out.split("\x00"))
            for entry in entries:
                if len(entry) < 4:
                    continue
                names.add(entry[3:])
                if entry[0] in "RC":  # a rename or copy names its source next
                    names.add(next(entries, ""))
            self._dirty = frozenset(names)
        return rel in self._dirty

    def stale_since(self, sha: str, specs: list[str], decl_rel: str | None) -> Staleness:
        """:meth:`_stale_since`, answered once per run for each question: a thousand
        evals that name one results file and the same inputs ask the same one, and
        each answer matches every file of every later commit against the inputs."""
        key = (sha, tuple(specs), decl_rel)
        found = self._stale.get(key)
        if found is None:
            self.stale_computed += 1
            found = self._stale[key] = self._stale_since(sha, specs, decl_rel)
        return found

    def _stale_since(self, sha: str, specs: list[str], decl_rel: str | None) -> Staleness:
        """The newest commit in ``sha..HEAD`` (not an ancestor of ``sha``) that changed
        an input: a file matching ``specs``, or - when ``decl_rel`` is given - the
        ``models:`` of that declaration. Other edits of ai-asset.yaml (an owner, a
        runbook path) do not make eval results stale; a different model does.

        The run's index answers in memory (one ``git log`` for all evals); a range that
        reaches past the index is asked of git. The declaration's content at a commit
        is read (``git cat-file``) only for a commit that changed it after the results.
        """
        includes = [s for s in specs if not s.startswith(":(exclude")]
        if decl_rel is not None:
            includes.append(_literal(decl_rel))
        if not includes:
            return Staleness(None)
        excludes = [
            s for s in specs if s.startswith(":(exclude") and s != f":(exclude,literal){decl_rel}"
        ]
        self._load_index()
        walked = self._after(sha) if sha in self._position else None
        if walked is not None:
            after, partial = walked
            match = _matcher(includes, excludes)
            log = [
                Change(c.sha, c.when, files=tuple(f for f in c.files if match(f)), parents=c.parents)
                for c in after
            ]
            log = [c for c in log if c.files]
        else:
            # git's wildmatch backtracks (``**/a/**/a/...`` holds it for minutes): git
            # gets only the literal folders the globs lie in, the globs are matched here.
            match = _matcher(includes, excludes)
            log = self._log(
                "--name-only",
                "--full-history",
                "--diff-merges=combined",
                f"--max-count={MAX_COMMITS}",
                f"{sha}..HEAD",
                "--",
                *_coarse(includes),
                *excludes,
            )
            partial = bool(self.shallow_boundary()) and self._range_cut(sha)
            log = [
                Change(c.sha, c.when, files=tuple(f for f in c.files if match(f)), parents=c.parents)
                for c in log
            ]
            log = [c for c in log if c.files]
        for change in log:
            others = [f for f in change.files if f != decl_rel]
            if others:
                return Staleness(Change(change.sha, change.when, others[0]), partial)
            if (
                decl_rel is not None
                and decl_rel in change.files
                and self._models_changed(change, decl_rel)
            ):
                return Staleness(Change(change.sha, change.when, decl_rel), partial)
        return Staleness(None, partial)

    def _after(self, sha: str) -> tuple[list[Change], bool] | None:
        """``sha..HEAD`` from the index, newest first, and whether a shallow clone cuts
        it short; None when the range reaches past the index (git is asked then).

        One pass in topological order marks what HEAD reaches and what ``sha`` reaches:
        every child comes before its parents, so a commit's marks are final when the
        pass gets to it, and the pass stops as soon as no commit reached from HEAD
        alone is left to visit (for recent results: after a few commits).
        """
        index = self._load_index()
        head, mine = 1, 2
        marks = {index[0].sha: head}
        marks[sha] = marks.get(sha, 0) | mine
        pending = 1 if marks[index[0].sha] == head else 0
        after: list[Change] = []
        for change in self._topological():
            mark = marks.get(change.sha, 0)
            if not mark:
                continue
            if mark == head:
                pending -= 1
                after.append(change)
            for parent in change.parents:
                old = marks.get(parent, 0)
                new = old | mark
                if new == old:
                    continue
                marks[parent] = new
                if new == head:
                    pending += 1
                elif old == head:
                    pending -= 1
            if pending == 0:
                break
        if pending and not self._complete:
            # A commit reached from HEAD alone is older than the index: git answers.
            # (With the whole history indexed, it is one a shallow clone lacks.)
            return None
        boundary = self.shallow_boundary()
        if not boundary:
            return after, False
        partial = pending > 0 or sha in boundary or any(c.sha in boundary for c in after)
        if sha in boundary:
            # The results' commit lacks its parents: a commit the clone shows after it
            # may in truth be its ancestor. Only its descendants are surely newer.
            descendants = {sha}
            for change in reversed(after):
                if any(p in descendants for p in change.parents):
                    descendants.add(change.sha)
            after = [c for c in after if c.sha in descendants]
        return after, partial

    def _topological(self) -> list[Change]:
        """The index with every commit after all of its children (in the index), the
        newest first among those ready. Computed once per run: git's own
        ``--topo-order`` would read the whole history before printing the first
        commit, where the default order stops after the index."""
        if self._topo is None:
            index = self._load_index()
            children = dict.fromkeys(self._position, 0)
            for change in index:
                for parent in change.parents:
                    if parent in children:
                        children[parent] += 1
            ready = [i for i, change in enumerate(index) if children[change.sha] == 0]
            heapq.heapify(ready)
            order: list[Change] = []
            while ready:
                change = index[heapq.heappop(ready)]
                order.append(change)
                for parent in change.parents:
                    at = self._position.get(parent)
                    if at is not None:
                        children[parent] -= 1
                        if children[parent] == 0:
                            heapq.heappush(ready, at)
            self._topo = order
        return self._topo

    def _range_cut(self, sha: str) -> bool:
        """Whether a shallow clone cuts ``sha..HEAD`` short (asked of git)."""
        boundary = self.shallow_boundary()
        if sha in boundary:
            return True
        inside = set(self._git("rev-list", f"{sha}..HEAD").split())
        return not boundary.isdisjoint(inside)

    def _models_changed(self, change: Change, decl_rel: str) -> bool:
        if not change.parents:
            return False
        after = self._models_at(change.sha, decl_rel)
        before = self._models_at(change.parents[0], decl_rel)
        return after is not _UNKNOWN and before is not _UNKNOWN and after != before

    def _models_at(self, sha: str, rel: str) -> Any:
        """The ``models:`` of the declaration ``rel`` as committed in ``sha`` (its
        stored bytes: ``cat-file`` applies no filter), or _UNKNOWN."""
        try:
            raw = self._run("cat-file", "blob", f"{sha}:{rel}")
        except GitError:
            return _UNKNOWN
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return _UNKNOWN
        loaded = load_yaml(text)
        if isinstance(loaded, YamlProblem) or not isinstance(loaded.data, dict):
            return _UNKNOWN
        return loaded.data.get("models")

    def _run(self, *args: str) -> bytes:
        # core.quotePath=false: git names a file ``prompts/réponse.txt`` as it is, not as
        # ``"prompts/r\303\251ponse.txt"``, which no input glob or path would match.
        proc = subprocess.run(
            ["git", "-c", "core.quotePath=false", *args], cwd=self.top, capture_output=True, check=False
        )
        if proc.returncode != 0:
            raise GitError(proc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
        return proc.stdout

    def _git(self, *args: str) -> str:
        """The output of ``git args`` as text, without its final newline."""
        out = self._run(*args).decode("utf-8", "surrogateescape")
        return out[:-1] if out.endswith("\n") else out

    def _log(self, *args: str) -> list[Change]:
        try:
            out = self._git("log", "--format=%x00%H %ct %P", *args)
        except GitError:
            return []
        changes = []
        for block in out.split("\x00")[1:]:
            lines = block.strip().splitlines()
            if not lines:
                continue
            sha, stamp, *parents = lines[0].split()
            when = dt.datetime.fromtimestamp(int(stamp), dt.UTC)
            files = [line for line in lines[1:] if line.strip()]
            changes.append(Change(sha, when, files[0] if files else "", tuple(files), tuple(parents)))
        return changes


def _matcher(includes: list[str], excludes: list[str]) -> Callable[[str], bool]:
    """In-memory equivalent of the ``:(glob)``, ``:(literal)`` and
    ``:(exclude,literal)`` pathspecs that :func:`input_specs` builds."""
    patterns = []
    for spec in includes:
        magic, _, body = spec[2:].partition(")")
        if magic == "literal":
            patterns.append(compile_literal(body))
        else:
            try:
                patterns.append(compile_glob(body))
            except GlobError:  # unusable: every file counts as an input
                patterns.append(compile_glob("**"))
    excluded = {spec.partition(")")[2] for spec in excludes}

    def match(name: str) -> bool:
        return name not in excluded and any(p.match(name) for p in patterns)

    return match


def _coarse(includes: list[str]) -> list[str]:
    """Literal pathspecs that cover what ``includes`` cover: each glob's folders before
    its first wildcard."""
    out = []
    for spec in includes:
        magic, _, body = spec[2:].partition(")")
        prefix = body if magic == "literal" else literal_prefix(body)
        out.append(_literal(prefix) if prefix else ":(top)")
    return out


_UNKNOWN: Any = object()


def _literal(rel: str) -> str:
    return f":(literal){rel}"


def input_specs(
    history: History, asset_root: Path, patterns: Iterable[str], exclude: Iterable[Path]
) -> list[str]:
    """Git pathspecs for the eval inputs: ``patterns`` are globs relative to the
    asset root (as in ``paths:``); the results files themselves are excluded, and so
    is anything that would leave the repository."""
    base = history.rel(asset_root)
    specs = []
    for pattern in patterns:
        if pattern.startswith(("/", "\\")) or "\x00" in pattern:
            continue
        joined = posixpath.normpath(posixpath.join(base, pattern.strip().rstrip("/") or "."))
        if joined == ".." or joined.startswith("../"):
            continue
        specs.append(f":(glob){'' if joined == '.' else joined}")
    if not specs:
        return []
    return [*specs, *(f":(exclude,literal){history.rel(p)}" for p in exclude)]


def open_history(root: Path) -> History | None:
    """The history of the checkout at ``root``; None when there is none to read
    (not a checkout, no git binary, a ``.git`` that is not a repository, a bare
    repository, a branch without commits)."""
    if not (root / ".git").exists():
        return None
    try:
        # One process: the top level, where the repository keeps what its worktrees
        # share (``shallow``), and the commit HEAD is on (which fails while unborn).
        proc = subprocess.run(
            ["git", "rev-parse", "--show-toplevel", "--git-common-dir", "--verify", "HEAD^{commit}"],
            cwd=root, capture_output=True, check=False,
        )
    except OSError:
        return None
    lines = proc.stdout.decode("utf-8", "surrogateescape").splitlines()
    if proc.returncode != 0 or len(lines) != 3:
        return None
    top = Path(lines[0])
    return History(top, (root / lines[1]).resolve())
