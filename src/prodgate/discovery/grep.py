"""git grep over the catalogue's literal tokens: the search that picks the files a
scan parses. A module of its own, light to import, so that ``prodgate discover`` can
start the search before it loads the rest of discovery.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess

# Pathspecs git grep leaves out: files no detector reads.
_NOT_SEARCHED = tuple(
    f":(exclude,glob)**/*.{ext}"
    for ext in ("md", "rst", "adoc", "png", "jpg", "jpeg", "gif", "svg", "ico", "pdf", "csv", "tsv", "css", "map", "woff", "woff2")
)


def start_grep(root: Path, paths: Sequence[Path], pattern: str) -> subprocess.Popen[bytes] | None:
    """``git grep -l`` of ``pattern`` over the tracked files under ``paths``, started
    (None outside a git checkout). One extended pattern of escaped literals (an
    alternation of fixed strings, which git's matcher runs in linear time) is faster
    than as many -F patterns; prose and images, never read, are left out. Files that
    may spell a token otherwise (UTF-16, escapes, look-alike letters:
    :func:`prodgate.discovery.spelling.grep_markers`) are found by the same search,
    run over bytes, and kept when their folded text holds a token."""
    from prodgate.discovery.spelling import grep_markers
    from prodgate.repo import start_git

    if not pattern or not (root / ".git").exists():
        return None
    scope = scope_of(root, paths)
    grep = ["grep", "-l", "-z", "-E", "--no-color", "-e", f"{pattern}|{grep_markers()}"]
    return start_git(root, [*grep, "--", *(scope or ["."]), *_NOT_SEARCHED], alone=True, bytewise=True)


def scope_of(root: Path, paths: Sequence[Path]) -> list[str]:
    """The repository-relative paths a scan covers (none: the whole repository)."""
    scope = [r for r in (_rel(p, root) for p in paths) if r is not None]
    return [r for r in scope if r != "."]


def _rel(path: Path, root: Path) -> str | None:
    try:
        rel = path.resolve().relative_to(root).as_posix()
    except (ValueError, OSError):
        return None
    return rel or "."


