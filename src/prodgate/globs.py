"""Path globs as git and GitHub read them, matched in linear time.

``*`` and ``?`` stay within one path segment, ``**`` as a whole segment crosses any
number of segments (elsewhere it is a plain ``*``), ``[...]`` is a character class
(``[!...]`` negated) where the caller's syntax has them, and a match on a directory
covers what is inside it.

Globs come from the pull request (``paths:``, eval ``inputs``, CODEOWNERS). A
backtracking matcher - Python's ``re``, and git's own wildmatch - takes exponential
time on a glob with many ``**`` or ``*``: ``**/a/**/a/**/a/...`` against a deep path
held ``git log`` for minutes. Every glob is therefore compiled to an RE2 pattern
(:mod:`prodgate.linear`): matching costs time linear in the path, whatever the glob.
"""

from __future__ import annotations

from dataclasses import dataclass

from prodgate.linear import Pattern, PatternError, compile_pattern

MAX_GLOB_CHARS = 1024
"""Longer globs are refused: no real path pattern needs more, and the compiled pattern
grows with the glob."""

WILDCARDS = frozenset("*?[")


class GlobError(ValueError):
    """A glob that cannot be compiled (too long, or a malformed character class)."""


@dataclass(frozen=True)
class Glob:
    """A compiled glob over repository-relative paths (``/``-separated)."""

    pattern: str
    regex: Pattern

    def match(self, path: str) -> bool:
        """Whether ``path`` - or a folder above it - matches the whole glob."""
        return self.regex.fullmatch(path) is not None


def compile_glob(pattern: str, *, any_depth: bool = False, classes: bool = True) -> Glob:
    """A matcher for repository-relative paths; :class:`GlobError` when the glob is
    unusable.

    ``any_depth`` lets the pattern match below any folder (gitignore's rule for
    patterns without an inner ``/``). ``classes`` reads ``[...]`` as a character class
    (git, gitignore); CODEOWNERS takes brackets literally.
    """
    if len(pattern) > MAX_GLOB_CHARS:
        raise GlobError(f"glob is {len(pattern):,} characters long, over the limit of {MAX_GLOB_CHARS:,}")
    prefix = "(?:.*/)?" if any_depth else ""
    try:
        return Glob(pattern, compile_pattern(f"{prefix}{glob_body(pattern, classes=classes)}"))
    except PatternError as exc:
        raise GlobError(f"glob {pattern!r} is malformed: {exc}") from None


def compile_literal(path: str) -> Glob:
    """A matcher for exactly ``path`` and what lies below it (git's ``:(literal)``)."""
    return Glob(path, compile_pattern(f"{_escape(path.strip('/'))}(?:/.*)?"))


def glob_body(pattern: str, *, classes: bool = True) -> str:
    """The RE2 pattern for ``pattern`` (no any-depth prefix), including the rule that a
    match on a folder covers what is below it. Empty and ``.`` segments are dropped;
    a glob of none matches every path."""
    segments = [s for s in pattern.split("/") if s not in ("", ".")]
    if not segments:
        return ".*"
    out = []
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment == "**":
            out.append(".*" if last else "(?:.*/)?")
        else:
            out.append(_segment(segment, classes) + ("" if last else "/"))
    if segments[-1] != "**":
        out.append("(?:/.*)?")
    return "".join(out)


def literal_prefix(pattern: str) -> str:
    """The folders of ``pattern`` before its first wildcard (``""`` when it starts
    with one): every path the glob matches lies below this prefix."""
    kept = []
    for segment in (s for s in pattern.split("/") if s not in ("", ".")):
        if WILDCARDS.intersection(segment):
            break
        kept.append(segment)
    return "/".join(kept)


def _segment(segment: str, classes: bool) -> str:
    out = []
    i = 0
    while i < len(segment):
        c = segment[i]
        if c == "*":
            while i + 1 < len(segment) and segment[i + 1] == "*":
                i += 1  # "**" inside a segment is a plain "*"; one is enough
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[" and classes and (end := segment.find("]", i + 2)) != -1:
            out.append(_char_class(segment[i + 1 : end]))
            i = end
        else:
            out.append(_escape(c))
        i += 1
    return "".join(out)


def _char_class(body: str) -> str:
    """``[...]`` as RE2: ``!`` or ``^`` first negates; a class never matches ``/``."""
    negated = body[:1] in ("!", "^")
    if negated:
        body = body[1:]
    items = "".join("-" if ch == "-" and 0 < j < len(body) - 1 else _escape(ch) for j, ch in enumerate(body))
    return f"[^{items}/]" if negated else f"(?:[{items}])"


def _escape(text: str) -> str:
    """``text`` matched literally: letters and digits as they are, anything else as a
    code point escape, which RE2 reads the same inside and outside a class."""
    return "".join(ch if ch.isalnum() or ch == "_" else f"\\x{{{ord(ch):x}}}" for ch in text)
