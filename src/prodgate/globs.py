"""Path globs as git and GitHub read them: ``*`` and ``?`` stay within one path
segment, ``**`` crosses segments, and a match on a directory covers what is inside."""

from __future__ import annotations

import re


def glob_body(pattern: str) -> str:
    """The regular expression for ``pattern`` (no anchors, no leading-directory rule)."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return out


def compile_glob(pattern: str, *, any_depth: bool = False) -> re.Pattern[str]:
    """A matcher for repository-relative paths. ``any_depth`` lets the pattern match
    below any folder (gitignore's rule for patterns without an inner ``/``)."""
    prefix = "(?:.*/)?" if any_depth else ""
    return re.compile(f"^{prefix}{glob_body(pattern)}(?:/.*)?$")
