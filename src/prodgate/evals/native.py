"""Reader for prodgate's own results format, for tools that write none of the others.

A JSON or YAML document::

    format: prodgate/eval/v1          # required
    run_at: 2026-11-01T09:30:00Z      # optional: when the eval ran (ISO 8601)
    model: openai:gpt-4o-mini         # optional: what it ran against (text or list)
    cases: 200                        # optional: how many test cases
    metrics:                          # required: at least one
      pass_rate: 0.93                 # a number: higher is better
      cost: { value: 0.004, higher_is_better: false, count: 200 }

Unknown keys are refused, as in ``ai-asset.yaml``: a typo such as ``run_on`` must not
silently drop the run time that freshness checks rely on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from prodgate.evals.base import (
    EvalResults,
    Metric,
    ReadProblem,
    Source,
    number,
    parse_time,
    shape,
    shaped,
)
from prodgate.yamlio.loader import YamlProblem, load_yaml

FORMAT = "prodgate"
TAG = "prodgate/eval/v1"

_TOP = ("format", "run_at", "model", "tool", "cases", "metrics")
_METRIC = ("value", "higher_is_better", "stderr", "count")


def looks_like(data: Any) -> bool:
    fmt = data.get("format") if isinstance(data, dict) else None
    return isinstance(fmt, str) and fmt.startswith("prodgate/eval/")


def load(source: Source) -> Any | ReadProblem:
    """Parse as JSON when the text is a JSON object, else as YAML."""
    if source.text.lstrip().startswith("{"):
        return source.json()
    loaded = load_yaml(source.text)
    if isinstance(loaded, YamlProblem):
        if loaded.kind == "empty":
            return ReadProblem("corrupt", "file is empty")
        return ReadProblem("corrupt", f"invalid YAML: {loaded.message}", loaded.line)
    return loaded.data


WRITTEN_FIX = (
    "Correct the file as the message says: prodgate results are written by hand or by your "
    "own script, so re-running the eval does not mend them. The form: `format: prodgate/eval/v1`, "
    "`metrics:` with each metric's name and the number measured, and optionally `run_at`, "
    "`model`, `cases` (`prodgate explain PG304`)."
)
"""The fix for a broken prodgate results file, which no tool wrote."""


def read(source: Source) -> EvalResults | ReadProblem:
    result = _read(source)
    if isinstance(result, ReadProblem) and result.kind == "corrupt" and looks_like(_loaded(source)):
        return dataclasses.replace(result, fix=WRITTEN_FIX)
    return result


def _loaded(source: Source) -> Any:
    """The document again, only on a problem: what decides whether the file was meant
    as prodgate results (its ``format`` says so) or is something else entirely."""
    data = load(source)
    return None if isinstance(data, ReadProblem) else data


def _read(source: Source) -> EvalResults | ReadProblem:
    data = shaped(
        load(source), looks_like, f'not a prodgate results file: expected an object with `format: "{TAG}"`'
    )
    if isinstance(data, ReadProblem):
        return data
    if data["format"] != TAG:
        return ReadProblem("format", f"format {data['format']!r} is not supported; use {TAG!r}")
    unknown = sorted(set(data) - set(_TOP))
    if unknown:
        return ReadProblem("corrupt", f"unknown key {unknown[0]!r}; allowed: {', '.join(_TOP)}")
    raw_metrics = data.get("metrics")
    if not isinstance(raw_metrics, dict) or not raw_metrics:
        return ReadProblem(
            "corrupt", "`metrics` must be a non-empty mapping of metric name to number"
        )
    metrics: dict[str, Metric] = {}
    for name, raw in raw_metrics.items():
        metric = _metric(str(name), raw)
        if isinstance(metric, ReadProblem):
            return metric
        metrics[metric.name] = metric
    run_at = None
    if data.get("run_at") is not None:
        run_at = parse_time(data["run_at"])
        if run_at is None:
            raw = data["run_at"]
            shown = raw.isoformat() if isinstance(raw, dt.date) else str(raw)
            return ReadProblem(
                "corrupt",
                f"`run_at` {shown!r} is not an ISO 8601 date or time in the years 1-9999 (UTC)",
                _key_line(source.text, "run_at"),
            )
    models = data.get("model")
    if isinstance(models, str):
        models = [models]
    if models is not None and not (
        isinstance(models, list) and all(isinstance(m, str) for m in models)
    ):
        return ReadProblem(
            "corrupt", f"`model` is {shape(models)}, expected text or a list of text"
        )
    cases = data.get("cases")
    if cases is not None and (not isinstance(cases, int) or isinstance(cases, bool) or cases < 0):
        return ReadProblem("corrupt", "`cases` must be a whole number")
    return EvalResults(FORMAT, metrics, models=tuple(models or ()), run_at=run_at, cases=cases)


def _metric(name: str, raw: Any) -> Metric | ReadProblem:
    if isinstance(raw, dict):
        unknown = sorted(set(raw) - set(_METRIC))
        if unknown:
            return ReadProblem(
                "corrupt",
                f"metrics.{name}: unknown key {unknown[0]!r}; allowed: {', '.join(_METRIC)}",
            )
        value = number(raw.get("value"))
        direction = raw.get("higher_is_better", True)
        count = raw.get("count")
        if value is None:
            return ReadProblem(
                "corrupt", f"metrics.{name}.value is not a number: {raw.get('value')!r}"
            )
        if not isinstance(direction, bool):
            return ReadProblem("corrupt", f"metrics.{name}.higher_is_better must be true or false")
        if count is not None and (not isinstance(count, int) or isinstance(count, bool)):
            return ReadProblem("corrupt", f"metrics.{name}.count must be a whole number")
        return Metric(name, value, direction, stderr=number(raw.get("stderr")), count=count)
    value = number(raw)
    if value is None:
        return ReadProblem("corrupt", f"metrics.{name} is not a number: {raw!r}")
    return Metric(name, value, True)


def _key_line(text: str, key: str) -> int:
    """The line where ``key:`` is first written (0: not found), so the finding points
    at the value to fix."""
    m = re.search(rf"""["']?\b{re.escape(key)}["']?[ \t]*:""", text)
    return text.count("\n", 0, m.start()) + 1 if m else 0
