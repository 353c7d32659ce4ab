"""Reader for Hugging Face Hub evaluation results.

Two places hold them:

* the ``model-index`` in a model card's YAML front matter (``README.md``): each result
  has a task, a dataset and metrics (type and value). Metrics are named
  ``{dataset type}/{metric type}`` (``beans/accuracy``); when the same pair appears
  twice, the second is told apart by its split or config: ``beans/f1@test``.
* ``.eval_results/*.yaml`` files: a list of ``{dataset: {id, task_id}, value, date}``
  entries, named ``{dataset id}/{task_id}`` (``Idavidrein/gpqa/gpqa_diamond``).

The Hub refuses a model-index result without a dataset; so does this reader, since
such a number cannot be traced to what was measured.
"""

from __future__ import annotations

from typing import Any

from prodgate.evals.base import EvalResults, Metric, ReadProblem, Source, number, parse_time, shape
from prodgate.yamlio.loader import PathKey, YamlDocument, YamlProblem, load_yaml

FORMAT = "hf-model-index"

_LOWER_IS_BETTER = ("wer", "cer", "perplexity", "loss", "error", "mae", "mse", "rmse")


def front_matter(text: str) -> tuple[str, int] | None:
    """The YAML between the leading ``---`` lines of a Markdown file, and the file
    line it starts on; None without front matter."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), 2
    return None


def read(source: Source) -> EvalResults | ReadProblem:
    text, offset = source.text, 1
    if source.suffix in (".md", ".markdown") or text.lstrip().startswith("---\n"):
        found = front_matter(text)
        if found is None:
            return ReadProblem(
                "format",
                "model card has no YAML front matter (a `---` block at the top), so it holds no model-index",
            )
        text, offset = found
    loaded = load_yaml(text)
    if isinstance(loaded, YamlProblem):
        if loaded.kind == "empty":
            return ReadProblem("format", "no model-index: the YAML is empty")
        return ReadProblem("corrupt", f"invalid YAML: {loaded.message}", loaded.line + offset - 1)
    data = loaded.data
    if isinstance(data, list):
        return _eval_results(data, loaded, offset)
    if isinstance(data, dict) and "model-index" in data:
        return _model_index(data["model-index"], loaded, offset)
    return ReadProblem(
        "format",
        "no `model-index` in the model card metadata and not a `.eval_results` list; "
        "add the results under `model-index:` (see the Hub's model card docs)",
    )


def _line(doc: YamlDocument, path: PathKey, offset: int) -> int:
    return doc.position(path)[0] + offset - 1


def _direction(metric: str) -> bool | None:
    low = metric.lower()
    return not any(
        low == m or low.startswith(f"{m}_") or low.endswith(f"_{m}") for m in _LOWER_IS_BETTER
    )


def _model_index(index: Any, doc: YamlDocument, offset: int) -> EvalResults | ReadProblem:
    if not isinstance(index, list) or not index:
        return ReadProblem(
            "corrupt",
            f"`model-index` is {shape(index)}, expected a list of models",
            _line(doc, ("model-index",), offset),
        )
    metrics: dict[str, Metric] = {}
    names: list[str] = []
    for m, model in enumerate(index):
        where: PathKey = ("model-index", m)
        if not isinstance(model, dict) or not isinstance(model.get("results"), list):
            return ReadProblem(
                "corrupt",
                f"model-index[{m}] needs `name` and a `results` list",
                _line(doc, where, offset),
            )
        if isinstance(model.get("name"), str):
            names.append(model["name"])
        for r, result in enumerate(model["results"]):
            rpath: PathKey = (*where, "results", r)
            problem = _result_metrics(result, rpath, doc, offset, metrics)
            if problem is not None:
                return problem
    if not metrics:
        return ReadProblem("corrupt", "model-index holds no numeric metric values")
    return EvalResults(format=FORMAT, metrics=metrics, subject=", ".join(names) or None)


def _result_metrics(
    result: Any, rpath: PathKey, doc: YamlDocument, offset: int, metrics: dict[str, Metric]
) -> ReadProblem | None:
    label = f"model-index[{rpath[1]}].results[{rpath[3]}]"
    line = _line(doc, rpath, offset)
    if not isinstance(result, dict):
        return ReadProblem("corrupt", f"{label} is {shape(result)}, expected an object", line)
    for key in ("task", "dataset", "metrics"):
        if key not in result:
            return ReadProblem(
                "corrupt",
                f"{label} has no `{key}`; the Hub requires task, dataset and metrics for each result",
                line,
            )
    dataset = result["dataset"]
    if not isinstance(dataset, dict) or not isinstance(dataset.get("type"), str):
        return ReadProblem("corrupt", f"{label}.dataset needs a `type` (the dataset id)", line)
    if not isinstance(result["metrics"], list):
        return ReadProblem(
            "corrupt", f"{label}.metrics is {shape(result['metrics'])}, expected a list", line
        )
    for k, entry in enumerate(result["metrics"]):
        mline = _line(doc, (*rpath, "metrics", k), offset)
        if not isinstance(entry, dict) or not isinstance(entry.get("type"), str):
            return ReadProblem("corrupt", f"{label}.metrics[{k}] needs a `type`", mline)
        value = number(entry.get("value"))
        if value is None:
            return ReadProblem(
                "corrupt",
                f"{label}.metrics[{k}].value is not a number: {entry.get('value')!r}",
                mline,
            )
        name = f"{dataset['type']}/{entry['type']}"
        if name in metrics:
            qualifier = dataset.get("split") or dataset.get("config") or str(rpath[3])
            name = f"{name}@{qualifier}"
        metrics[name] = Metric(name, value, _direction(entry["type"]))
    return None


def _eval_results(entries: list[Any], doc: YamlDocument, offset: int) -> EvalResults | ReadProblem:
    metrics: dict[str, Metric] = {}
    dates = []
    for i, entry in enumerate(entries):
        line = _line(doc, (i,), offset)
        dataset = entry.get("dataset") if isinstance(entry, dict) else None
        if (
            not isinstance(dataset, dict)
            or not isinstance(dataset.get("id"), str)
            or not isinstance(dataset.get("task_id"), str)
        ):
            return ReadProblem(
                "corrupt", f"entry {i + 1} needs `dataset.id` and `dataset.task_id`", line
            )
        assert isinstance(entry, dict)
        value = number(entry.get("value"))
        if value is None:
            return ReadProblem(
                "corrupt", f"entry {i + 1}: `value` is not a number: {entry.get('value')!r}", line
            )
        name = f"{dataset['id']}/{dataset['task_id']}"
        if name in metrics and isinstance(entry.get("notes"), str):
            name = f"{name}@{entry['notes']}"
        metrics[name] = Metric(name, value, _direction(dataset["task_id"]))
        when = parse_time(entry.get("date"))
        if when is not None:
            dates.append(when)
    if not metrics:
        return ReadProblem("corrupt", "the eval results list is empty")
    # The oldest date in the file is the one that decides whether it is fresh.
    return EvalResults(
        format=FORMAT, metrics=metrics, run_at=min(dates, key=_sortable) if dates else None
    )


def _sortable(when: Any) -> float:
    stamp: float = when.timestamp()
    return stamp
