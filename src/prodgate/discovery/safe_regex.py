"""Regular expressions that cannot stall on hostile input.

Python's ``re`` backtracks, so a pattern with an unbounded or nested quantifier can
take quadratic or exponential time on text a pull request's author wrote. Every
pattern discovery runs over repository content is compiled through :func:`compile_safe`,
which parses it and computes an upper bound on the number of ways the matcher can try
to match at one starting position: each repeat must have a finite maximum, and the
bound (a product over sequences, a sum over alternatives) must stay under
:data:`MAX_PATHS`. A search over ``n`` characters then costs at most
``MAX_PATHS * pattern length * n`` steps: linear in the input, whatever it contains.
"""

from __future__ import annotations

import functools
import importlib
import re
import sys
from collections.abc import Iterator
from typing import Any, AnyStr, Generic

MAX_PATHS = 1_000_000
"""The largest per-position bound a pattern may have."""

# Python's own regular-expression parser: the bound is computed on the same tree the
# pattern will be compiled from. Private, but stable in name since 3.11.
_parser: Any = importlib.import_module("re._parser")
_consts: Any = importlib.import_module("re._constants")


class UnsafePattern(ValueError):
    """A pattern whose matching time is not bounded linearly."""


def paths_bound(pattern: str | bytes) -> int:
    """The per-start-position bound of ``pattern``; raises :class:`UnsafePattern` when
    there is none (an unbounded repeat, a back-reference)."""
    bound: int = _bound(_parser.parse(pattern))
    return bound


def compile_safe(pattern: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """``re.compile`` for patterns that run over repository content."""
    bound = _cached_bound(pattern)
    if bound > MAX_PATHS:
        raise UnsafePattern(f"pattern may try {bound:,} paths per position (limit {MAX_PATHS:,})")
    return re.compile(pattern, flags)


class LazyPattern(Generic[AnyStr]):
    """A pattern checked and compiled by :func:`compile_safe` when it is first used.

    Detectors keep their patterns at module level; a scan that meets no Go file never
    pays for the Go patterns, and the command starts sooner. A pattern without a bound
    fails on first use, and the test suite uses every one.
    """

    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, pattern: AnyStr, flags: int = 0) -> None:
        self._source: AnyStr = pattern
        self._flags = flags
        self._compiled: re.Pattern[AnyStr] | None = None

    @property
    def compiled(self) -> re.Pattern[AnyStr]:
        if self._compiled is None:
            self._compiled = compile_safe(self._source, self._flags)
        return self._compiled

    def finditer(self, string: AnyStr, pos: int = 0) -> Iterator[re.Match[AnyStr]]:
        return self.compiled.finditer(string, pos)

    def search(self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[AnyStr] | None:
        return self.compiled.search(string, pos, endpos)

    def match(self, string: AnyStr, pos: int = 0) -> re.Match[AnyStr] | None:
        return self.compiled.match(string, pos)

    def fullmatch(self, string: AnyStr, pos: int = 0) -> re.Match[AnyStr] | None:
        return self.compiled.fullmatch(string, pos)


_SAMPLE = "".join(chr(c) for c in range(128)) + "\u00e9\u00a0\u0663\u4e00"
"""Characters that stand for every class in overlap tests (ASCII and a few others)."""


@functools.lru_cache(maxsize=512)
def _cached_bound(pattern: str | bytes) -> int:
    return paths_bound(pattern)


def _bound(items: Any) -> int:
    """Paths per start position of a sequence. A variable repeat whose characters
    cannot start what follows it backtracks at most once per character given back, each
    failing at once: it adds to the bound. One whose characters can also start what
    follows may retry the rest for each split: it multiplies."""
    items = list(items)
    product, extra = 1, 0
    for i, (op, av) in enumerate(items):
        cost = _item(op, av)
        if cost == 1:
            continue
        rest = items[i + 1 :]
        follow, nullable = _first(rest)
        chars, _ = _first([(op, av)])
        if rest and (nullable or chars & follow):
            product *= cost
        else:
            extra += cost
        if product * (1 + extra) > MAX_PATHS * 1000:
            raise UnsafePattern("pattern is too ambiguous")
    return product * (1 + extra)


def _first(items: Any) -> tuple[frozenset[str], bool]:
    """Sample characters that can start ``items``, and whether ``items`` can match empty."""
    c = _consts
    out: set[str] = set()
    for op, av in items:
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            chars, nullable = _first(av[2])
            out |= chars
            if av[0] > 0 and not nullable:
                return frozenset(out), False
            continue
        if op is c.SUBPATTERN or op is getattr(c, "ATOMIC_GROUP", None):
            chars, nullable = _first(av[-1] if op is c.SUBPATTERN else av)
            out |= chars
            if not nullable:
                return frozenset(out), False
            continue
        if op is c.BRANCH:
            firsts = [_first(alt) for alt in av[1]]
            for chars, _ in firsts:
                out |= chars
            if not any(n for _, n in firsts):
                return frozenset(out), False
            continue
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        if op is c.LITERAL:
            out.add(chr(av))
        else:
            out |= {ch for ch in _SAMPLE if _matches(op, av, ch)}
        return frozenset(out), False
    return frozenset(out), True


def _matches(op: Any, av: Any, ch: str) -> bool:
    c = _consts
    if op is c.LITERAL:
        return bool(ord(ch) == av)
    if op is c.NOT_LITERAL:
        return bool(ord(ch) != av)
    if op is c.ANY:
        return ch != "\n"
    if op is c.IN:
        negate = False
        hit = False
        for sop, sav in av:
            if sop is c.NEGATE:
                negate = True
            elif sop is c.LITERAL:
                hit = hit or ord(ch) == sav
            elif sop is c.RANGE:
                hit = hit or sav[0] <= ord(ch) <= sav[1]
            elif sop is c.CATEGORY:
                hit = hit or _category(sav, ch)
            else:
                hit = True  # unknown: assume it may match
        return hit != negate
    return True


def _category(cat: Any, ch: str) -> bool:
    name = str(cat)
    word = ch.isalnum() or ch == "_"
    table = {"DIGIT": ch.isdigit(), "SPACE": ch.isspace(), "WORD": word, "LINEBREAK": ch == "\n"}
    for key, value in table.items():
        if name.endswith("NOT_" + key):
            return not value
        if name.endswith(key):
            return value
    return True


def _item(op: Any, av: Any) -> int:
    c = _consts
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low, high, sub = int(av[0]), int(av[1]), av[2]
        if av[1] == c.MAXREPEAT:
            raise UnsafePattern("unbounded repeat (*, + or {n,}); give it a maximum")
        inner = _bound(sub)
        if inner == 1:
            return high - low + 1
        return sum(inner**k for k in range(low, high + 1))
    if op is c.SUBPATTERN:
        return _bound(av[-1])
    if op is c.BRANCH:
        return sum(_bound(alt) for alt in av[1])
    if op in (c.ASSERT, c.ASSERT_NOT):
        return _bound(av[1])
    if op in (c.GROUPREF, getattr(c, "GROUPREF_EXISTS", None)):
        raise UnsafePattern("back-references are not allowed")
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _bound(av)
    return 1
