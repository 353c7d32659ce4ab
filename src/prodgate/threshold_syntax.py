"""How a threshold is written, shared by the declaration's schema, the policy's schema and
the threshold parser, so that what the schema accepts is exactly what the gate reads.

A number is written as YAML and JSON write one, so that error rates can be given as
``<= 1e-4``: an optional sign, digits (``_`` between digits allowed, as YAML allows),
an optional fraction (``.5`` and ``5.`` too), an optional exponent. Python's ``float``
reads every such string. Plain strings, no lookarounds: the patterns also go into the
JSON Schema, which editors evaluate as ECMA-262 regular expressions.
"""

from __future__ import annotations

_DIGITS = r"[0-9](?:_?[0-9])*"
NUMBER = rf"[-+]?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][-+]?[0-9]+)?"
OPERATOR = r"(?:>=|<=|>|<|==)"

DECLARATION_THRESHOLD = rf"^\s*{OPERATOR}?\s*{NUMBER}\s*%?\s*$"
"""A threshold in ``ai-asset.yaml``: ``">= 0.9"``, ``"<= 1e-4"``, ``"> 90%"``, ``"0.25"``."""

POLICY_THRESHOLD = rf"^\s*{OPERATOR}?\s*{NUMBER}\s*$"
"""A threshold in the policy's ``minimum_thresholds``."""

PARSE = rf"^\s*({OPERATOR})?\s*({NUMBER})\s*(%?)\s*$"
"""The parser's form: operator, number and percent sign as groups."""
