"""Thresholds: ``">= 0.9"``, ``"<= 0.01"``, ``"== 0"``, ``"> 90%"`` or a bare number.

A bare number means ``>=``: most thresholds are floors on a quality score. For a
metric where lower is better (cost, latency, failures) write the operator.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

from prodgate.threshold_syntax import PARSE

_FORM = re.compile(PARSE)
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
    found = _FORM.match(spec)
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
