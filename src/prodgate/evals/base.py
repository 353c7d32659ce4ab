"""What every eval reader returns: named metrics with a direction, the model the run
was against, and when it ran.

Readers turn one tool's file into :class:`EvalResults`, or into a :class:`ReadProblem`
when the file cannot serve as evidence. Problems are values so that one bad results
file becomes one precise finding and never stops the gate.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

ProblemKind = Literal["unreadable", "corrupt", "format"]


@dataclass(frozen=True)
class ReadProblem:
    """Why a results file is not usable evidence.

    ``kind`` is ``unreadable`` (too large, binary, not UTF-8, not a file), ``corrupt``
    (the right kind of file but broken, truncated or empty of results) or ``format``
    (not the declared format, or no known format at all). ``line`` points into the
    results file when the parser knows where the problem is (0: unknown).
    """

    kind: ProblemKind
    message: str
    line: int = 0
    fix: str = ""
    """How to fix it, when the reader knows better than its kind does: re-running the
    eval mends a truncated tool output, not a file someone wrote by hand."""


@dataclass(frozen=True)
class Metric:
    """One named number from a results file.

    ``higher_is_better`` is None when the file does not say and the name does not
    tell; thresholds carry their own comparison, so direction is informative only.
    """

    name: str
    value: float
    higher_is_better: bool | None = True
    stderr: float | None = None
    count: int | None = None
    """How many test cases or samples the value summarises, when known."""
    is_count: bool = False
    """A number of test cases (``passed``, ``error_count``) rather than a rate or score:
    never offered in place of a rate that a threshold names."""


@dataclass(frozen=True)
class EvalResults:
    """The evidence one results file gives."""

    format: str
    metrics: dict[str, Metric]
    models: tuple[str, ...] = ()
    """Identifiers of the models or providers the run was against, as the file names
    them (``openai:gpt-4o-mini``, ``hf:EleutherAI/pythia-70m``); checked against the
    declaration's ``models:``."""
    subject: str | None = None
    """What the file says it evaluated, for display, when it is not a model to check
    (a model card's own name, a test suite's name)."""
    run_at: dt.datetime | None = None
    cases: int | None = None
    """Number of test cases or samples in the run, when the file says."""
    notes: tuple[str, ...] = field(default_factory=tuple)
    not_numbers: dict[str, str] = field(default_factory=dict)
    """Metrics the file names but whose value is no number (NaN, an infinity, a pass
    rate of no test), with what it is instead: a threshold on one is not met, and the
    finding says why rather than calling the metric unknown."""


@dataclass
class Source:
    """The text of a results file and its name, parsed at most once as JSON.

    Detection and the reader both need the parsed document; caching it here keeps
    ``format: auto`` from parsing a large file twice.
    """

    text: str
    name: str
    _json: Any = None
    _json_done: bool = False

    @property
    def suffix(self) -> str:
        dot = self.name.rfind(".")
        return self.name[dot:].lower() if dot >= 0 else ""

    def json(self) -> Any | ReadProblem:
        if not self._json_done:
            self._json = _parse_json(self.text)
            self._json_done = True
        return self._json


def shaped(data: Any | ReadProblem, looks_like: Callable[[Any], bool], expected: str) -> Any | ReadProblem:
    """``data`` when it parsed and has the shape a reader needs; otherwise the parse
    problem, or a "format" problem saying what the reader ``expected``."""
    if isinstance(data, ReadProblem) or looks_like(data):
        return data
    return ReadProblem("format", expected)


def _parse_json(text: str) -> Any | ReadProblem:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        # Running out of text, or inside a string, is what a cut-off write looks like.
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            return ReadProblem(
                "corrupt",
                f"JSON ends early (file truncated?): {exc.msg} at line {exc.lineno} column {exc.colno}",
                exc.lineno,
            )
        return ReadProblem(
            "corrupt",
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            exc.lineno,
        )
    except RecursionError:
        return ReadProblem("corrupt", "JSON is nested too deeply")
    except ValueError as exc:  # e.g. integers with too many digits
        return ReadProblem("corrupt", f"not valid JSON: {exc}")


def number(value: Any) -> float | None:
    """A finite number, or None for anything else (booleans, "N/A", NaN)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    out = float(value)
    return out if math.isfinite(out) else None


def not_a_number(value: Any) -> str | None:
    """How a metric value that is no finite number reads (``NaN``, ``Infinity``,
    ``-Infinity``), or None when it is a finite number or no number at all."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    out = float(value)
    if math.isnan(out):
        return "NaN"
    if math.isinf(out):
        return "Infinity" if out > 0 else "-Infinity"
    return None


def parse_time(value: Any) -> dt.datetime | None:
    """A run time from ISO 8601 text, a date, or a Unix timestamp; None if unusable.

    A time is usable only if it converts to UTC, which every comparison and date
    computation downstream does: one whose UTC form falls outside the years 1-9999
    (``9999-12-31T23:59:59-12:00``) is refused here, not an overflow later.
    """
    when = _parse_time(value)
    if when is None or when.tzinfo is None:
        return when
    try:
        when.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None
    return when


def _parse_time(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    seconds = number(value)
    if seconds is not None:
        if seconds > 1e11:  # milliseconds, as JavaScript tools write them
            seconds /= 1000
        try:
            return dt.datetime.fromtimestamp(seconds, dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str) and value.strip():
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            try:
                return _parse_time(dt.date.fromisoformat(text[:10]))
            except ValueError:
                return None
    return None


def shape(value: Any) -> str:
    """How to name a JSON value's type in a message."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


class Reader(Protocol):
    """What each reader module provides: its format name and ``read``."""

    FORMAT: str

    def read(self, source: Source) -> EvalResults | ReadProblem: ...
