"""Every matcher discovery runs over repository content is linear-time by construction.

``safe_regex`` bounds, for each pattern, the number of ways the backtracking matcher can
try to match at one position; a search over ``n`` characters then costs at most that
bound times the pattern's length times ``n`` steps. These tests check that bound for
every pattern the detectors and the catalogue compile, and that patterns which would
backtrack without bound are refused before they run.
"""

from __future__ import annotations

import re

import pytest

from prodgate.discovery import catalogue, code, lexer, manifests
from prodgate.discovery.safe_regex import MAX_PATHS, UnsafePattern, compile_safe, paths_bound


def _module_patterns() -> list[re.Pattern[str]]:
    out = []
    for module in (code, lexer, manifests):
        for value in vars(module).values():
            if isinstance(value, re.Pattern):
                out.append(value)
            elif isinstance(value, dict):
                out += [v for v in value.values() if isinstance(v, re.Pattern)]
    return out


def test_detector_patterns_are_bounded() -> None:
    patterns = _module_patterns()
    assert len(patterns) >= 15
    for pattern in patterns:
        assert paths_bound(pattern.pattern) <= MAX_PATHS, pattern.pattern


def test_catalogue_patterns_are_bounded() -> None:
    cat = catalogue.build()
    for pattern in (cat.host_re, cat.url_re, cat.env_re, cat.model_re, cat.constant_re, cat.prefilter):
        assert paths_bound(pattern.pattern) <= MAX_PATHS, pattern.pattern[:80]


@pytest.mark.parametrize("pattern", [r"(a+)+b", r"a*b", r"(\w+\s?)*$", r"x{2,}", r"(a)\1", r"(?:a|aa){0,60}b"])
def test_unbounded_or_ambiguous_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(UnsafePattern):
        compile_safe(pattern)


def test_bounds_add_for_disjoint_repeats_and_multiply_for_overlapping_ones() -> None:
    assert paths_bound(r"[ \t]{0,9}import") == 1 + 10
    assert paths_bound(r"[a-z]{0,9}[a-z]{0,9}x") == 10 * 10
    assert paths_bound(r"ab|cd") <= 3


def test_hostile_text_is_lexed_and_scanned_in_one_pass() -> None:
    """Unterminated comments and strings, and runs of near-matches, do not make the
    lexer or the detectors revisit text: each such input is handled in one pass."""
    cat = catalogue.build()
    n = 50_000
    for text in ("/*" * n, '"' + "\\" * n, "'a" * n, "import " * n, "gpt-4" * n, "openai." * n):
        lexed = lexer.lex(text, lexer.C_STYLE)
        assert len(lexed.code) == len(text)
        list(code.javascript("x.ts", text, cat))
        list(code.python("x.py", text, cat))
