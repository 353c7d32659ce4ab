"""Regular expressions that run in time linear in the text, for text a pull request wrote.

Python's ``re`` backtracks: ``^(a|aa)+$`` takes seconds on forty thousand ``a`` and a
``b``, and ``\\{\\{[^}]*\\}\\}`` takes quadratic time on a line of ``{{``. Every pattern
prodgate runs over repository content - a policy's placeholder patterns, the globs of
``paths:``, eval ``inputs`` and CODEOWNERS - goes through RE2 (google-re2), which
guarantees time linear in the text for each pattern it accepts and refuses the
constructs it cannot run in linear time (backreferences, lookaround).

RE2 is imported on first use: a run that matches no pattern does not pay for it.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

MAX_PATTERN_MEMORY = 32 << 20
"""RE2's budget for one compiled pattern (bytes); a pattern that needs more is refused,
and matching falls back from RE2's DFA to its NFA, still linear, when the DFA would."""


class Match(Protocol):
    """The part of a match object prodgate uses."""

    def start(self, group: int = 0) -> int: ...

    def end(self, group: int = 0) -> int: ...

    def group(self, group: int = 0) -> Any:
        """The text of ``group`` (``str`` on text, ``bytes`` on bytes; None when the
        group took no part in the match)."""


class Pattern(Protocol):
    """A compiled pattern: the methods of ``re.Pattern`` prodgate uses. On ``bytes``
    (UTF-8) positions are byte offsets, and ``pos`` costs nothing to apply."""

    @property
    def pattern(self) -> str: ...

    def search(self, text: str | bytes, pos: int = 0) -> Match | None: ...

    def match(self, text: str | bytes) -> Match | None: ...

    def fullmatch(self, text: str | bytes) -> Match | None: ...

    def finditer(self, text: str | bytes) -> Iterator[Match]: ...


class PatternError(ValueError):
    """A pattern RE2 does not accept, with RE2's reason."""


@functools.lru_cache(maxsize=1024)
def compile_pattern(pattern: str, *, within_lines: bool = False) -> Pattern:
    """``pattern`` (RE2 syntax, close to Python's without lookaround and backreferences)
    compiled for linear-time matching; :class:`PatternError` if RE2 refuses it.

    ``within_lines``: a match never spans a line break and ``^``/``$`` match at each
    line's ends, so one search over a whole text finds what a search of each line
    would (see :class:`Lines`).

    Cached: the same few placeholder patterns are searched in every artifact of a run.
    """
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print every refused pattern on stderr
    options.max_mem = MAX_PATTERN_MEMORY
    options.never_nl = within_lines
    try:
        compiled: Pattern = re2.compile(f"(?m){pattern}" if within_lines else pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise PatternError(str(reason)) from None
    return compiled


class LazyPattern:
    """A pattern compiled by :func:`compile_pattern` when it is first used, for
    patterns kept at module level: a run that never needs one never imports RE2, and
    one that RE2 refuses fails on first use (the test suite uses every one)."""

    __slots__ = ("_compiled", "_within_lines", "pattern")

    def __init__(self, pattern: str, *, within_lines: bool = False) -> None:
        self.pattern = pattern
        self._within_lines = within_lines
        self._compiled: Pattern | None = None

    @property
    def compiled(self) -> Pattern:
        if self._compiled is None:
            self._compiled = compile_pattern(self.pattern, within_lines=self._within_lines)
        return self._compiled

    def search(self, text: str | bytes, pos: int = 0) -> Match | None:
        return self.compiled.search(text, pos)

    def match(self, text: str | bytes) -> Match | None:
        return self.compiled.match(text)

    def fullmatch(self, text: str | bytes) -> Match | None:
        return self.compiled.fullmatch(text)

    def finditer(self, text: str | bytes) -> Iterator[Match]:
        return self.compiled.finditer(text)


class Lines:
    """Lines of text searched in one pass per pattern, for the first match in each line.

    Searching each line on its own costs a call per line and pattern (2 MB of short
    lines, three patterns: over a million calls); one search of the whole text that
    jumps to the next line after each hit costs time linear in the text.
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.text = "\n".join(lines)
        self.data = self.text.encode("utf-8", "surrogatepass")
        self.starts = line_offsets(map(len, lines))
        self.byte_starts = (
            self.starts
            if len(self.data) == len(self.text)  # ASCII: bytes and characters agree
            else line_offsets(len(line.encode("utf-8", "surrogatepass")) for line in lines)
        )

    def first_matches(self, pattern: Pattern, limit: int | None = None) -> dict[int, int]:
        """{line index: column (0-based, in characters)} of the first match of
        ``pattern`` (compiled ``within_lines``) in each line that has one; with
        ``limit``, in the first ``limit`` such lines only."""
        found: dict[int, int] = {}
        pos, end = 0, len(self.data)
        while pos <= end and (limit is None or len(found) < limit):
            m = pattern.search(self.data, pos)
            if m is None:
                break
            i = bisect.bisect_right(self.byte_starts, m.start()) - 1
            found[i] = len(self.data[self.byte_starts[i] : m.start()].decode("utf-8", "surrogatepass"))
            pos = self.byte_starts[i + 1] if i + 1 < len(self.byte_starts) else end + 1
        return found

    def first_texts(self, needle: str, *, word: bool = False, limit: int | None = None) -> dict[int, int]:
        """As :meth:`first_matches`, for the plain text ``needle`` (see :func:`find_text`)."""
        found: dict[int, int] = {}
        if not needle or "\n" in needle:
            return found
        start = 0
        while (limit is None or len(found) < limit) and (at := self.text.find(needle, start)) != -1:
            i = bisect.bisect_right(self.starts, at) - 1
            if not word or (not _wordy(self.text, at - 1) and not _wordy(self.text, at + len(needle))):
                found[i] = at - self.starts[i]
                if i + 1 >= len(self.starts):
                    break
                start = self.starts[i + 1]
            else:
                start = at + 1
        return found


def line_offsets(widths: Iterable[int]) -> list[int]:
    """Offsets at which each line starts, given each line's width (``\\n`` after each).
    Summed in C (``itertools.accumulate`` of a C-level callable): no Python frame per
    line."""
    return [0, *itertools.accumulate(map(_PLUS_ONE, widths))][:-1]


_PLUS_ONE = (1).__add__  # a C-level callable: no Python frame per line


def find_text(text: str, needle: str, *, word: bool = False) -> int | None:
    """Where ``needle`` first occurs in ``text`` (with ``word``: not inside a longer
    word, as Python's ``(?<!\\w)needle(?!\\w)``), without a regular expression: each
    candidate is found by ``str.find`` and checked in constant time."""
    if not needle:
        return None
    start = 0
    while (at := text.find(needle, start)) != -1:
        end = at + len(needle)
        if not word or (not _wordy(text, at - 1) and not _wordy(text, end)):
            return at
        start = at + 1
    return None


def _wordy(text: str, i: int) -> bool:
    return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")
