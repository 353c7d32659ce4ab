"""Eval freshness from git history: when a results file last changed, and whether
what the eval measured (prompts, code, model settings, the declared models) changed
after it.

GitPython is imported here, inside :func:`open_history`, and only when a check
actually needs history; nothing on the import path of the gate pulls it in.
Everything degrades to "unknown" rather than failing: no checkout, no git binary, an
untracked file. A shallow clone is reported, because there the answer would be
wrong rather than unknown.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prodgate.globs import compile_glob
from prodgate.yamlio.loader import YamlProblem, load_yaml

MAX_COMMITS = 500
"""Commits after the results examined for a change of their inputs; a longer run of
commits that change none is not worth a slower gate."""

INDEX_COMMITS = 5000
"""Commits read once per run, with the files each changed, to answer every eval's
questions in memory: a monorepo with thousands of evals would otherwise start a git
process or three per eval. Older history is asked of git directly."""


@dataclass(frozen=True)
class Change:
    """A commit and one file it changed (for the message)."""

    sha: str
    when: dt.datetime
    path: str = ""
    files: tuple[str, ...] = ()

    @property
    def short(self) -> str:
        return self.sha[:12]


class History:
    """The history of one checkout, queried with ``git log`` through GitPython."""

    def __init__(self, repo: Any) -> None:
        self._repo = repo
        self.top = Path(repo.working_tree_dir).resolve()
        self._index: list[Change] | None = None
        self._complete = False
        self._position: dict[str, int] = {}
        self._newest: dict[str, int] = {}
        self._dirty: frozenset[str] | None = None

    def _load_index(self) -> list[Change]:
        """HEAD's last INDEX_COMMITS commits, newest first, with their files."""
        if self._index is None:
            log = self._log("--name-only", f"--max-count={INDEX_COMMITS + 1}")
            self._complete = len(log) <= INDEX_COMMITS
            self._index = log[:INDEX_COMMITS]
            for i, change in enumerate(self._index):
                self._position[change.sha] = i
                for name in change.files:
                    self._newest.setdefault(name, i)
        return self._index

    def rel(self, path: Path) -> str:
        """``path`` relative to the top of the checkout, with ``/``."""
        return Path(os.path.relpath(path.resolve(), self.top)).as_posix()

    def shallow_boundary(self) -> frozenset[str]:
        """Commits whose parents a shallow clone lacks (empty for a full clone)."""
        try:
            text = (Path(self._repo.common_dir) / "shallow").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return frozenset()
        return frozenset(line.strip() for line in text.splitlines() if line.strip())

    def last_change(self, rel: str) -> Change | None:
        """The last commit that changed the file ``rel`` (None: never committed)."""
        index = self._load_index()
        i = self._newest.get(rel)
        if i is not None:
            return index[i]
        if self._complete:
            return None
        found = self._log("-1", "--", _literal(rel))
        return found[0] if found else None

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

    def stale_since(self, sha: str, specs: list[str], decl_rel: str | None) -> Change | None:
        """The newest commit after ``sha`` (on HEAD's history) that changed an input:
        a file matching ``specs``, or - when ``decl_rel`` is given - the ``models:`` of
        that declaration. Other edits of ai-asset.yaml (an owner, a runbook path) do
        not make eval results stale; a different model does.

        The run's history index answers in memory (one ``git log`` for all evals);
        results older than the index are asked of git. The declaration's content at a
        commit is read through GitPython's persistent object reader, not a new process.
        """
        includes = [s for s in specs if not s.startswith(":(exclude")]
        if decl_rel is not None:
            includes.append(_literal(decl_rel))
        if not includes:
            return None
        excludes = [
            s for s in specs if s.startswith(":(exclude") and s != f":(exclude,literal){decl_rel}"
        ]
        index = self._load_index()
        start = self._position.get(sha)
        if start is not None:
            match = _matcher(includes, excludes)
            # Everything newer than the results is in memory: no bound needed.
            log = [
                Change(c.sha, c.when, files=tuple(f for f in c.files if match(f)))
                for c in index[:start]
            ]
            log = [c for c in log if c.files]
        else:
            log = self._log(
                "--name-only",
                f"--max-count={MAX_COMMITS}",
                f"{sha}..HEAD",
                "--",
                *includes,
                *excludes,
            )
        for change in log:
            others = [f for f in change.files if f != decl_rel]
            if others:
                return Change(change.sha, change.when, others[0])
            if (
                decl_rel is not None
                and decl_rel in change.files
                and self._models_changed(change.sha, decl_rel)
            ):
                return Change(change.sha, change.when, decl_rel)
        return None

    def _models_changed(self, sha: str, decl_rel: str) -> bool:
        commit = self._repo.commit(sha)
        if not commit.parents:
            return False
        after = _models_at(commit, decl_rel)
        before = _models_at(commit.parents[0], decl_rel)
        return after is not _UNKNOWN and before is not _UNKNOWN and after != before

    def _git(self, *args: str) -> str:
        out: str = self._repo.git.execute(["git", *args])
        return out

    def _log(self, *args: str) -> list[Change]:
        from git.exc import GitCommandError

        try:
            out = self._git("log", "--format=%x00%H %ct", *args)
        except GitCommandError:
            return []
        changes = []
        for block in out.split("\x00")[1:]:
            lines = block.strip().splitlines()
            if not lines:
                continue
            sha, _, stamp = lines[0].partition(" ")
            when = dt.datetime.fromtimestamp(int(stamp), dt.timezone.utc)
            files = [line for line in lines[1:] if line.strip()]
            changes.append(Change(sha, when, files[0] if files else "", tuple(files)))
        return changes


def _matcher(includes: list[str], excludes: list[str]) -> Callable[[str], bool]:
    """In-memory equivalent of the ``:(glob)``, ``:(literal)`` and
    ``:(exclude,literal)`` pathspecs that :func:`input_specs` builds."""
    patterns = []
    for spec in includes:
        magic, _, body = spec[2:].partition(")")
        if magic == "literal":
            patterns.append(re.compile(f"^{re.escape(body)}(?:/.*)?$"))
        elif body in ("", "."):
            patterns.append(re.compile("^"))
        else:
            patterns.append(compile_glob(body))
    excluded = {spec.partition(")")[2] for spec in excludes}

    def match(name: str) -> bool:
        return name not in excluded and any(p.match(name) for p in patterns)

    return match


_UNKNOWN: Any = object()


def _models_at(commit: Any, rel: str) -> Any:
    try:
        blob = commit.tree / rel
        raw = blob.data_stream.read()
    except (KeyError, ValueError, OSError):
        return _UNKNOWN
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _UNKNOWN
    loaded = load_yaml(text)
    if isinstance(loaded, YamlProblem) or not isinstance(loaded.data, dict):
        return _UNKNOWN
    return loaded.data.get("models")


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
    (not a checkout, no git binary, a ``.git`` that is not a repository)."""
    if not (root / ".git").exists():
        return None
    try:
        import git
    except ImportError:  # GitPython refuses to import without a git executable
        return None
    try:
        repo = git.Repo(root)
        if repo.bare or repo.working_tree_dir is None:
            return None
        repo.head.commit  # noqa: B018 - an unborn branch has no history to read
    except (
        git.exc.InvalidGitRepositoryError,
        git.exc.NoSuchPathError,
        git.exc.GitCommandError,
        ValueError,
    ):
        return None
    return History(repo)
