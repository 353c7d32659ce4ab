"""What a change introduced, and what was already failing at its base.

In a monorepo a pull request must be judged on what it does: a team whose change is
blocked by another team's expired exception asks for the gate to be switched off. So on
the merge gate with a base (every pull request), the gate runs twice with the same
policy: over the head, and over the base commit materialised in a temporary folder.
A head finding is

* ``new`` (introduced by the change) when the base has no finding like it, or when it
  is in an asset the change touches (any file of the change belongs to the asset, as
  the ``--changed`` hook decides it: :mod:`prodgate.manifest.touched`), or at a file
  the change touches; these block as always;
* ``unchanged`` (already failing at the base) otherwise: reported, and not blocking
  unless the policy says ``merge: {pre_existing: block}``.

Findings are matched by what survives a shift of lines: asset, rule, requirement, file
and the message with its numbers taken out, as a multiset (two equal findings at the
base excuse two at the head, not three).

The base is read from git's objects into a shared clone (the history stays available,
which eval freshness needs). Nothing of the pull request runs: no hooks
(``core.hooksPath=/dev/null``), and no filter, textconv or external diff, because the
git processes here see no global or system configuration that could name one.
Whatever cannot be compared (no git, a base missing from a shallow clone) leaves every
finding unmarked, so it blocks: the baseline only ever excuses what it has proven.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from prodgate import gitobjects
from prodgate.findings import Finding
from prodgate.report import Report

NEW, UNCHANGED = "new", "unchanged"

_DIGITS = re.compile(r"\d+")
_ISOLATED = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0"}


@dataclass(frozen=True)
class Diff:
    """What the change touches, relative to the checked root."""

    files: frozenset[str]
    lines: dict[str, frozenset[int]]
    """Changed line numbers (at the head) per file; a file added whole is absent here
    and in ``whole``."""
    whole: frozenset[str] = frozenset()

    def on_line(self, f: Finding) -> bool:
        path, line = f.location.path, f.location.line
        if path in self.whole:
            return True
        return line > 0 and line in self.lines.get(path, frozenset())

    def in_file(self, f: Finding) -> bool:
        return f.location.path in self.files


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, **_ISOLATED}
    return subprocess.run(
        ["git", "-c", "core.quotePath=false", "-c", "core.hooksPath=" + os.devnull, *args],
        cwd=cwd, capture_output=True, check=False, timeout=gitobjects.TIMEOUT, env=env,
    )


def changed(root: Path, base: str) -> Diff | None:
    """The files and lines the change (work tree against the merge base of ``base``
    and HEAD) touches, or None when git cannot say."""
    top = gitobjects.toplevel(root)
    sha = gitobjects.resolve_commit(top, base) if top else None
    if top is None or sha is None:
        return None
    mb = _git(top, "merge-base", sha, "HEAD")
    since = mb.stdout.decode("ascii", "replace").strip() if mb.returncode == 0 else sha
    prefix = root.resolve().relative_to(top).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    proc = _git(
        top, "diff", "--no-ext-diff", "--no-textconv", "--no-renames", "--no-color", "-U0",
        "--src-prefix=a/", "--dst-prefix=b/", since, "--",
    )
    if proc.returncode != 0:
        return None
    files, lines = _parse(proc.stdout.decode("utf-8", "surrogateescape"))
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z")
    whole = {p for p in untracked.stdout.decode("utf-8", "surrogateescape").split("\0") if p}

    def under(paths: Iterator[str] | set[str]) -> set[str]:
        return {p[len(prefix):] for p in paths if p.startswith(prefix)}

    return Diff(
        frozenset(under(files | whole)),
        {p[len(prefix):]: frozenset(v) for p, v in lines.items() if p.startswith(prefix)},
        frozenset(under(whole)),
    )


def _parse(diff: str) -> tuple[set[str], dict[str, set[int]]]:
    """Files and added or edited lines of a ``git diff -U0``; a deletion marks the line
    it happened at, so a finding about what was removed still counts as on it."""
    files: set[str] = set()
    lines: dict[str, set[int]] = {}
    old = current = None
    for line in diff.splitlines():
        if line.startswith("--- "):
            old = line[6:] if line.startswith("--- a/") else None
        elif line.startswith("+++ "):
            current = line[6:] if line.startswith("+++ b/") else None
            if current is not None:
                files.add(current)
            elif old is not None:
                files.add(old)  # deleted
        elif line.startswith("@@ ") and current is not None:
            added = line.split(" ")[2] if line.count(" ") >= 2 else ""
            start, _, count = added.lstrip("+").partition(",")
            if not start.isdigit():
                continue
            first, n = int(start), int(count) if count.isdigit() else 1
            lines.setdefault(current, set()).update(range(first, first + n) if n else (max(first, 1),))
    return files, lines


def key(f: Finding) -> tuple[str, str, str, str, str]:
    """What identifies a finding across a change that shifts lines or counts."""
    message = " ".join(_DIGITS.sub("#", f.message).split())
    return (f.asset or "", f.rule_id, f.requirement or "", f.location.path, message)


RunAt = Callable[[Path], list[Finding]]
"""Runs the same gate over a root (the base's) and gives its findings."""


def at_base(root: Path, base: str, run_at: RunAt) -> list[Finding] | None:
    """The gate's findings over the base commit, checked out in a temporary shared
    clone; None when it cannot be checked out."""
    top = gitobjects.toplevel(root)
    sha = gitobjects.resolve_commit(top, base) if top else None
    if top is None or sha is None:
        return None
    prefix = root.resolve().relative_to(top)
    tmp = Path(tempfile.mkdtemp(prefix="prodgate-base-"))
    try:
        clone = tmp / "repo"
        if _git(tmp, "clone", "--quiet", "--shared", "--no-checkout", str(top), str(clone)).returncode:
            return None
        checkout = _git(clone, "-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", sha)
        if checkout.returncode:
            return None
        base_root = (clone / prefix).resolve()
        if not base_root.is_dir():
            return None
        return run_at(base_root)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def mark(report: Report, at_base: list[Finding], diff: Diff, touched: set[str], pre_existing: str) -> Report:
    """``report`` with each finding marked ``new`` or ``unchanged`` (see the module)."""
    remaining = Counter(key(f) for f in at_base)

    def state(f: Finding) -> str:
        k = key(f)
        there = remaining[k] > 0
        if there:
            remaining[k] -= 1
        introduced = not there or (f.asset is not None and f.asset in touched) or diff.in_file(f)
        return NEW if introduced else UNCHANGED

    marked = {id(f): dataclasses.replace(f, baseline=state(f)) for f in report.findings}
    report.findings = [marked[id(f)] for f in report.findings]
    report.assets = [
        dataclasses.replace(a, findings=tuple(marked.get(id(f), f) for f in a.findings)) for a in report.assets
    ]
    if report.change is not None:
        report.change = dataclasses.replace(
            report.change, changed_files=diff.files,
            changed_lines={p: v for p, v in diff.lines.items() if p not in diff.whole},
        )
    report.pre_existing_block = pre_existing == "block"
    return report
