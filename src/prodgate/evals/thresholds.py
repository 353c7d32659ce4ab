"""Thresholds: ``">= 0.9"``, ``"<= 0.01"``, ``"== 0"``, ``"> 90%"`` or a bare number.

A bare number means ``>=``: most thresholds are floors on a quality score. For a
metric where lower is better (cost, latency, failures) write the operator.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass

from prodgate.linear import compile_pattern
from prodgate.threshold_syntax import PARSE

WHITESPACE = "[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
"""The characters Python's ``\\s`` matches in text (those ``str.isspace`` accepts; a
test says so), as a class RE2 reads: RE2's own ``\\s`` is ASCII only.

The form is matched with RE2 (:mod:`prodgate.linear`), not Python's ``re``: with
``re``, a threshold of spaces, an operator, more spaces and a wrong character took
100 s (the two runs of ``\\s*`` share every split). The schema refuses such a value
before it comes here, but the parser takes text a pull request wrote all the same."""
_FORM = PARSE.replace(r"\s", WHITESPACE)
_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}


@dataclass(frozen=True)
class Threshold:
    op: str
    bound: float
    text: str
    """As written, normalised: ``>= 0.9``."""

    def passes(self, value: float) -> bool:
        if self.op == "==":
            return math.isclose(value, self.bound, rel_tol=1e-9, abs_tol=1e-12)
        return _OPS[self.op](value, self.bound)

    def stricter_than(self, other: Threshold) -> bool:
        """Whether meeting ``self`` implies meeting ``other`` (same direction only)."""
        if self.op in (">=", ">") and other.op in (">=", ">"):
            return self.bound > other.bound or (
                self.bound == other.bound and (self.op == ">" or other.op == ">=")
            )
        if self.op in ("<=", "<") and other.op in ("<=", "<"):
            return self.bound < other.bound or (
                self.bound == other.bound and (self.op == "<" or other.op == "<=")
            )
        return False


def parse(spec: str | float) -> Threshold | None:
    """A threshold from the declaration or the policy; None if malformed (the schema
    has already refused those, so None only guards programmatic callers)."""
    if isinstance(spec, bool):
        return None
    if isinstance(spec, (int, float)):
        return Threshold(">=", float(spec), f">= {_fmt(float(spec))}")
    found = compile_pattern(_FORM).match(spec)
    if found is None:
        return None
    op = found.group(1) or ">="
    bound = float(found.group(2))
    if not math.isfinite(bound):  # 1e999: a number YAML and JSON accept, but no bound
        return None
    if found.group(3):
        bound /= 100
    return Threshold(op, bound, f"{op} {_fmt(bound)}")


def _fmt(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:.6g}"


def show(value: float) -> str:
    """A metric value for messages: enough digits to see why it missed."""
    if value == int(value) and abs(value) < 1e12:
        return str(int(value))
    return f"{value:.4g}"
