"""Just enough of GitHub's CODEOWNERS to answer "who owns this path?".

GitHub reads the first of ``.github/CODEOWNERS``, ``CODEOWNERS`` and
``docs/CODEOWNERS``; within it the last matching pattern wins. Patterns follow
gitignore rules: a leading ``/`` anchors to the root, a trailing ``/`` matches a
directory and everything in it, ``*`` stays within one path segment, ``**`` crosses
segments, and a pattern without a ``/`` in its middle matches at any depth. As on
GitHub, brackets are literal and a line whose pattern cannot be used is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prodgate.fsutil import FileProblem, read_text
from prodgate.globs import Glob, GlobError, compile_glob

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")


@dataclass(frozen=True)
class OwnerRule:
    pattern: str
    owners: tuple[str, ...]
    line: int
    glob: Glob


@dataclass(frozen=True)
class CodeOwners:
    path: str
    rules: tuple[OwnerRule, ...]

    def owner_of(self, rel: str) -> OwnerRule | None:
        """The rule that decides ``rel`` (repository-relative, ``/``), if any."""
        for rule in reversed(self.rules):
            if rule.glob.match(rel):
                return rule
        return None


def load(root: Path) -> CodeOwners | None:
    for location in LOCATIONS:
        text = read_text(root / location, 512 * 1024)
        if isinstance(text, FileProblem):
            continue
        return parse(location, text)
    return None


def parse(location: str, text: str) -> CodeOwners:
    """The rules of a CODEOWNERS file's text (from the working tree or a commit)."""
    rules = []
    for n, raw in enumerate(text.split("\n"), start=1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("\\#") else raw.strip()
        if not line:
            continue
        pattern, *owners = line.split()
        try:
            glob = _compile(pattern)
        except GlobError:
            continue  # as on GitHub, a line that cannot be used is skipped
        rules.append(OwnerRule(pattern, tuple(o.lower() for o in owners), n, glob))
    return CodeOwners(location, tuple(rules))


def _compile(pattern: str) -> Glob:
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    return compile_glob(pattern.strip("/"), any_depth=not anchored, classes=False)
