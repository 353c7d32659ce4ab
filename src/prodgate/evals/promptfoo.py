"""Reader for ``promptfoo eval -o results.json`` (output format version 3).

Metrics are derived from ``results.results[]`` rather than copied from the per-prompt
summaries, so that every number can be traced to the test cases it counts:

* ``pass_rate`` - passed / all test cases (errors count as not passed);
* ``test_pass_count``, ``test_fail_count`` (assertions failed), ``error_count``
  (the provider or grader errored);
* each named score's mean over the cases that carry it;
* ``cost`` - the total cost of the run; ``latency_ms_mean``.

With several providers the same metrics are also given per provider, prefixed with
the provider's id: ``openai:gpt-4o-mini/pass_rate``. Providers that share an id and
differ by ``label`` (two configurations of one model, the usual comparison) are told
apart by their label, which the file records on each result and as ``prompts[].provider``:
``gpt-4o-mini cold/pass_rate``.

A named score, cost or latency that is NaN or infinite in any test case (JSON ``NaN``,
``Infinity``, or ``null`` where JavaScript wrote a NaN) has no mean: it is recorded as
not a number, never dropped.
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
    not_a_number,
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
    broken: dict[str, str] = field(default_factory=dict)
    """Metrics with a value that is no number in some case, and what it was."""

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
        self._broken("cost", row.get("cost"))
        latency = number(row.get("latencyMs"))
        if latency is not None:
            self.latency.append(latency)
        self._broken("latency_ms_mean", row.get("latencyMs"))
        named = row.get("namedScores")
        if isinstance(named, dict):
            for key, value in named.items():
                score = number(value)
                if score is not None:
                    self.scores.setdefault(str(key), []).append(score)
                elif value is None:
                    self.broken.setdefault(str(key), "null (a NaN as JavaScript writes it)")
                else:
                    self._broken(str(key), value)

    def _broken(self, name: str, value: Any) -> None:
        what = not_a_number(value)
        if what is not None:
            self.broken.setdefault(name, what)

    def metrics(self, prefix: str = "") -> Iterable[Metric]:
        n = self.total
        yield Metric(f"{prefix}pass_rate", self.passed / n, True, count=n)
        yield Metric(f"{prefix}test_pass_count", float(self.passed), True, count=n, is_count=True)
        yield Metric(f"{prefix}test_fail_count", float(self.failed), False, count=n, is_count=True)
        yield Metric(f"{prefix}error_count", float(self.errors), False, count=n, is_count=True)
        if self.has_cost and "cost" not in self.broken:
            yield Metric(f"{prefix}cost", self.cost, False, count=n)
        if self.latency and "latency_ms_mean" not in self.broken:
            yield Metric(
                f"{prefix}latency_ms_mean",
                sum(self.latency) / len(self.latency),
                False,
                count=len(self.latency),
            )
        for name, values in self.scores.items():
            if name in self.broken:
                continue
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
    prompts = body.get("prompts")
    overall = _Tally()
    per_provider: dict[tuple[str, str | None], _Tally] = {}
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            return ReadProblem(
                "corrupt", f"results.results[{i}] is {shape(row)}, expected an object"
            )
        overall.add(row)
        pid = provider_id(row)
        if pid is not None:
            key = (pid, provider_label(row, prompts, pid))
            per_provider.setdefault(key, _Tally()).add(row)
    if overall.total == 0:
        return ReadProblem(
            "corrupt", "promptfoo results contain no test results (results.results is empty)"
        )
    metrics: dict[str, Metric] = {}
    for metric in overall.metrics():
        metrics.setdefault(metric.name, metric)
    not_numbers = dict(overall.broken)
    if len(per_provider) > 1:
        ids = [pid for pid, _label in per_provider]
        for (pid, label), tally in per_provider.items():
            # An id shared by several configurations names none of them: the label does.
            prefix = f"{label}/" if label and ids.count(pid) > 1 else f"{pid}/"
            for metric in tally.metrics(prefix):
                metrics.setdefault(metric.name, metric)
            for name, what in tally.broken.items():
                not_numbers.setdefault(f"{prefix}{name}", what)
    return EvalResults(
        format=FORMAT,
        metrics=metrics,
        models=tuple(dict.fromkeys(pid for pid, _label in per_provider)),
        run_at=parse_time(body.get("timestamp")),
        cases=overall.total,
        not_numbers=not_numbers,
    )


def provider_label(row: dict[str, Any], prompts: Any, pid: str) -> str | None:
    """The label of the provider configuration a result ran against: the result's own
    ``provider.label``, else the ``provider`` its prompt records (promptfoo writes the
    label there, or the id when there is none)."""
    provider = row.get("provider")
    if isinstance(provider, dict):
        label = provider.get("label")
        if isinstance(label, str) and label.strip():
            return label.strip()
    index = row.get("promptIdx")
    if (
        isinstance(index, int)
        and not isinstance(index, bool)
        and isinstance(prompts, list)
        and 0 <= index < len(prompts)
        and isinstance(prompts[index], dict)
    ):
        named = prompts[index].get("provider")
        if isinstance(named, str) and named.strip() and named.strip() != pid:
            return named.strip()
    return None
