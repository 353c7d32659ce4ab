"""A quick yes/don't-know check of plain data against a JSON Schema, without pydantic.

Building pydantic's validators is most of a small run's wall time (a pre-commit hook on
one file), yet nearly every declaration a hook sees is valid. So the loaders first ask
this module whether the data is *certainly* valid against the JSON Schema generated
from the very models pydantic would use (committed, with a drift test). Only when the
answer is "not certain" do they build the models and let pydantic judge and explain.

The check is deliberately stricter than pydantic: exact types (no ``"3"`` for an
integer, no ``true`` for a number), dates only as YAML dates, no newline in a value
matched by a pattern (Python's ``$`` would accept one before it), and any keyword it
does not know means "not certain". Stricter only costs time, never a verdict: whatever
it does not accept goes to pydantic.

A second path beside pydantic, kept because it pays: the ``prodgate-check`` hook on one
asset took 0.28 s with it and 0.51 s without (pydantic building its models and the
built-in policy: 44% of the run), the ``prodgate-validate`` hook 0.14 s and 0.27 s
(47%); medians of three interleaved pairs, ``bench/bench_paths.py precommit validate``.
On ``check`` of 1,000 assets, where start-up matters less, it saves a tenth of the CPU
time (5.3 s against 5.9 s).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import lru_cache
from typing import Any

_ANNOTATIONS = frozenset({"title", "description", "default", "examples", "$schema", "$id", "$defs"})


_QUICK_PATTERN_CHARS = 256
"""Longest value matched here against a schema pattern with Python's ``re``."""


@lru_cache(maxsize=64)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _is_type(value: Any, kind: str) -> bool:
    if kind == "string":
        return type(value) is str
    if kind == "object":
        return type(value) is dict and all(type(k) is str for k in value)
    if kind == "array":
        return type(value) is list
    if kind == "boolean":
        return type(value) is bool
    if kind == "integer":
        return type(value) is int
    if kind == "number":
        return type(value) is int or (type(value) is float and math.isfinite(value))
    if kind == "null":
        return value is None
    return False


def certainly_valid(value: Any, schema: dict[str, Any], root: dict[str, Any] | None = None) -> bool:
    """True only when ``value`` is valid against ``schema`` beyond doubt."""
    root = root if root is not None else schema
    for key, rule in schema.items():
        if key in _ANNOTATIONS:
            continue
        if key == "$ref":
            if not rule.startswith("#/$defs/"):
                return False
            target = root.get("$defs", {}).get(rule[len("#/$defs/"):])
            if target is None or not certainly_valid(value, target, root):
                return False
        elif key == "type":
            # YAML reads an unquoted date as a date: what pydantic's date field takes.
            is_date = rule == "string" and schema.get("format") == "date" and type(value) is dt.date
            if not (is_date or _is_type(value, rule)):
                return False
        elif key == "anyOf":
            if not any(certainly_valid(value, branch, root) for branch in rule):
                return False
        elif key == "enum":
            if type(value) is not str or value not in rule:
                return False
        elif key == "const":
            if type(value) is not type(rule) or value != rule:
                return False
        elif key == "minLength":
            if type(value) is not str or len(value) < rule:
                return False
        elif key == "maxLength":
            if type(value) is not str or len(value) > rule:
                return False
        elif key == "pattern":
            # Python's backtracking engine is fast only on short text (the e-mail pattern
            # is quadratic): longer values go to pydantic, whose regex engine is linear.
            if type(value) is not str or "\n" in value or len(value) > _QUICK_PATTERN_CHARS:
                return False
            if _regex(rule).search(value) is None:
                return False
        elif key == "minimum":
            if type(value) not in (int, float) or value < rule:
                return False
        elif key == "format":
            if rule != "date" or type(value) is not dt.date:
                return False
        elif key == "required":
            if type(value) is not dict or any(k not in value for k in rule):
                return False
        elif key == "properties":
            if type(value) is not dict:
                return False
            for name, sub in rule.items():
                if name in value and not certainly_valid(value[name], sub, root):
                    return False
        elif key == "additionalProperties":
            if type(value) is not dict:
                return False
            known = schema.get("properties", {})
            extra = [k for k in value if k not in known]
            if rule is False and extra:
                return False
            if isinstance(rule, dict) and not all(certainly_valid(value[k], rule, root) for k in extra):
                return False
        elif key == "items":
            if type(value) is not list or not all(certainly_valid(v, rule, root) for v in value):
                return False
        else:  # a keyword this check does not know: let pydantic decide
            return False
    return True
