"""Reader for ``promptfoo eval -o results.json`` (output format version 3).

Metrics are derived from ``results.results[]`` rather than copied from the per-prompt
summaries, so that every number can be traced to the test cases it counts:

* ``pass_rate`` - passed / all test cases (errors count as not passed);
* ``test_pass_count``, ``test_fail_count`` (assertions failed), ``error_count``
  (the provider or grader errored);
* each named score's mean over the cases that carry it;
* ``cost`` - the total cost of the run; ``latency_ms_mean``.

With several providers the same metrics are also given per provider, prefixed with
the provider's id: ``openai:gpt-4o-mini/pass_rate``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
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

FORMAT = "promptfoo"

# promptfoo's ResultFailureReason: 0 none, 1 an assertion failed, 2 an error.
_FAILURE_ERROR = 2


@dataclass
class _Tally:
    passed: int = 0
    failed: int = 0
    errors: int = 0
    cost: float = 0.0
    has_cost: bool = False
    latency: list[float] = field(default_factory=list)
    scores: dict[str, list[float]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.errors

    def add(self, row: dict[str, Any]) -> None:
        if row.get("success") is True:
            self.passed += 1
        elif _is_error(row):
            self.errors += 1
        else:
            self.failed += 1
        cost = number(row.get("cost"))
        if cost is not None:
            self.cost += cost
            self.has_cost = True
        latency = number(row.get("latencyMs"))
        if latency is not None:
            self.latency.append(latency)
        named = row.get("namedScores")
        if isinstance(named, dict):
            for key, value in named.items():
                score = number(value)
                if score is not None:
                    self.scores.setdefault(str(key), []).append(score)

    def metrics(self, prefix: str = "") -> Iterable[Metric]:
        n = self.total
        yield Metric(f"{prefix}pass_rate", self.passed / n, True, count=n)
        yield Metric(f"{prefix}test_pass_count", float(self.passed), True, count=n)
        yield Metric(f"{prefix}test_fail_count", float(self.failed), False, count=n)
        yield Metric(f"{prefix}error_count", float(self.errors), False, count=n)
        if self.has_cost:
            yield Metric(f"{prefix}cost", self.cost, False, count=n)
        if self.latency:
            yield Metric(
                f"{prefix}latency_ms_mean",
                sum(self.latency) / len(self.latency),
                False,
                count=len(self.latency),
            )
        for name, values in self.scores.items():
            yield Metric(f"{prefix}{name}", sum(values) / len(values), True, count=len(values))


def _is_error(row: dict[str, Any]) -> bool:
    reason = row.get("failureReason")
    if isinstance(reason, int) and not isinstance(reason, bool):
        return reason == _FAILURE_ERROR
    # Exports without failureReason: an error and no grading at all means the call failed.
    return bool(row.get("error")) and not row.get("gradingResult")


def provider_id(row: dict[str, Any]) -> str | None:
    """The provider a result ran against: a string, or an object with ``id``."""
    provider = row.get("provider")
    if isinstance(provider, str) and provider:
        return provider
    if isinstance(provider, dict):
        pid = provider.get("id")
        if isinstance(pid, str) and pid:
            return pid
    return None


def looks_like(data: Any) -> bool:
    """A promptfoo export: ``results`` is an object holding a ``results`` list."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("results"), dict)
        and isinstance(data["results"].get("results"), list)
    )


def read(source: Source) -> EvalResults | ReadProblem:
    data = shaped(
        source.json(),
        looks_like,
        "not a promptfoo results file: expected an object with `results.results` "
        "(the file `promptfoo eval -o results.json` writes)",
    )
    if isinstance(data, ReadProblem):
        return data
    body = data["results"]
    version = body.get("version")
    if version is not None and version != 3:
        return ReadProblem(
            "format",
            f"promptfoo output version {version!r} is not supported; re-run with promptfoo 0.50 or later (version 3)",
        )
    rows = body["results"]
    overall = _Tally()
    per_provider: dict[str, _Tally] = {}
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            return ReadProblem(
                "corrupt", f"results.results[{i}] is {shape(row)}, expected an object"
            )
        overall.add(row)
        pid = provider_id(row)
        if pid is not None:
            per_provider.setdefault(pid, _Tally()).add(row)
    if overall.total == 0:
        return ReadProblem(
            "corrupt", "promptfoo results contain no test results (results.results is empty)"
        )
    metrics: dict[str, Metric] = {}
    for metric in overall.metrics():
        metrics.setdefault(metric.name, metric)
    if len(per_provider) > 1:
        for pid, tally in per_provider.items():
            for metric in tally.metrics(f"{pid}/"):
                metrics.setdefault(metric.name, metric)
    return EvalResults(
        format=FORMAT,
        metrics=metrics,
        models=tuple(per_provider),
        run_at=parse_time(body.get("timestamp")),
        cases=overall.total,
    )
