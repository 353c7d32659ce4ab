"""Reader for lm-evaluation-harness results JSON (``lm_eval --output_path``).

Two shapes exist and both are read:

* current: ``results.{task}."{metric},{filter}"`` with ``higher_is_better`` per task
  and stderr that may be the string ``"N/A"`` (bootstrap skipped);
* older: ``results.{task}.{metric}`` with ``{metric}_stderr`` beside it.

Metrics are named ``{task}/{metric}`` (``arc_easy/acc``); a filter other than
``none`` stays in the name as lm-eval writes it: ``gsm8k/exact_match,strict-match``.
A metric lm-eval wrote as ``NaN`` or ``Infinity`` (a task that failed, a perplexity that
overflowed) is recorded as not a number, never dropped.
"""

from __future__ import annotations

from typing import Any

from prodgate.evals.base import (
    EvalResults,
    Metric,
    ReadProblem,
    Source,
    not_a_number,
    number,
    parse_time,
    shaped,
)

FORMAT = "lm-eval"

_NOT_METRICS = frozenset({"alias", "name", "sample_len", "samples", " "})
# Metrics where lower is better, for the older shape that has no higher_is_better.
_LOWER_IS_BETTER = ("perplexity", "bits_per_byte", "ter", "ppl", "loss")
# lm-eval model types that tell the provider. Local back ends (hf, vllm, local-*) do
# not: the same weights may be declared as huggingface or self-hosted.
_PROVIDERS = {
    "openai-completions": "openai",
    "openai-chat-completions": "openai",
    "anthropic": "anthropic",
    "anthropic-chat": "anthropic",
    "anthropic-chat-completions": "anthropic",
}
_MODEL_ARGS = ("pretrained", "model", "engine", "model_name", "path")


def looks_like(data: Any) -> bool:
    """lm-eval results: ``results`` maps task names to objects, next to ``versions``,
    ``higher_is_better``, ``config`` or ``n-shot``."""
    if not isinstance(data, dict) or not isinstance(data.get("results"), dict):
        return False
    results = data["results"]
    if not results or not all(isinstance(v, dict) for v in results.values()):
        return False
    return any(k in data for k in ("versions", "higher_is_better", "config", "n-shot", "configs"))


def read(source: Source) -> EvalResults | ReadProblem:
    data = shaped(
        source.json(),
        looks_like,
        "not an lm-evaluation-harness results file: expected `results` mapping task "
        "names to metrics, with `versions` or `higher_is_better`",
    )
    if isinstance(data, ReadProblem):
        return data
    directions = data.get("higher_is_better")
    samples = data.get("n-samples")
    metrics: dict[str, Metric] = {}
    not_numbers: dict[str, str] = {}
    for task, values in data["results"].items():
        task_dirs = directions.get(task) if isinstance(directions, dict) else None
        count = _samples(samples, task)
        for key, raw in values.items():
            if key in _NOT_METRICS or _is_stderr(key):
                continue
            metric, _, filt = key.partition(",")
            name = f"{task}/{metric}" if filt in ("", "none") else f"{task}/{key}"
            value = number(raw)
            if value is None:
                what = not_a_number(raw)
                if what is not None:
                    not_numbers[name] = what
                continue
            stderr_key = f"{metric}_stderr,{filt}" if filt else f"{metric}_stderr"
            metrics[name] = Metric(
                name,
                value,
                _direction(metric, task_dirs),
                stderr=number(values.get(stderr_key)),
                count=count,
            )
    if not metrics:
        if not_numbers:
            listed = ", ".join(f"{name} is {what}" for name, what in list(not_numbers.items())[:5])
            return ReadProblem("corrupt", f"lm-eval results hold no metric that is a number: {listed}")
        return ReadProblem("corrupt", "lm-eval results contain no numeric metrics")
    return EvalResults(
        format=FORMAT,
        metrics=metrics,
        models=_models(data),
        run_at=parse_time(data.get("date")),
        cases=None,
        not_numbers=not_numbers,
    )


def _is_stderr(key: str) -> bool:
    return key.partition(",")[0].endswith("_stderr")


def _direction(metric: str, task_dirs: Any) -> bool | None:
    if isinstance(task_dirs, dict) and isinstance(task_dirs.get(metric), bool):
        return bool(task_dirs[metric])
    if any(part in metric for part in _LOWER_IS_BETTER):
        return False
    if metric.startswith(("acc", "exact_match", "f1", "mcc", "bleu", "rouge")):
        return True
    return None


def _samples(samples: Any, task: str) -> int | None:
    if isinstance(samples, dict) and isinstance(samples.get(task), dict):
        effective = samples[task].get("effective")
        if isinstance(effective, int) and not isinstance(effective, bool):
            return effective
    return None


def _models(data: dict[str, Any]) -> tuple[str, ...]:
    """The model the run was against, as ``provider:name`` when the model type tells
    the provider, from ``config.model_args`` (a string ``k=v,...`` or an object)."""
    config = data.get("config")
    if not isinstance(config, dict):
        return ()
    kind = config.get("model")
    provider = _PROVIDERS.get(kind) if isinstance(kind, str) else None
    args = config.get("model_args")
    name: str | None = None
    if isinstance(args, str):
        pairs = dict(part.partition("=")[::2] for part in args.split(",") if "=" in part)
        name = next((pairs[k].strip() for k in _MODEL_ARGS if pairs.get(k, "").strip()), None)
    elif isinstance(args, dict):
        name = next(
            (str(args[k]) for k in _MODEL_ARGS if isinstance(args.get(k), str) and args[k]), None
        )
    if name is None:
        top = data.get("model_name")
        name = top if isinstance(top, str) and top else None
    if name is None:
        return ()
    return (f"{provider}:{name}" if provider else name,)
