"""Which format a results file is in, from its content, for ``format: auto``.

Detection looks at structure, never at the file name alone: a ``results.json`` may be
any of three formats. It is also how a wrong ``format:`` gets a helpful hint.
"""

from __future__ import annotations

from typing import Any

from prodgate.evals import junit, lm_eval, native, promptfoo
from prodgate.evals.base import ReadProblem, Source
from prodgate.yamlio.loader import YamlProblem, load_yaml

FORMATS = ("prodgate", "promptfoo", "lm-eval", "hf-model-index", "junit")


def detect(source: Source) -> str | ReadProblem:
    """The format name, or why none could be told."""
    head = source.text.lstrip()[:1]
    if head == "<":
        if junit.looks_like(source.text):
            return junit.FORMAT
        return ReadProblem(
            "format", "XML but not JUnit (no <testsuites> or <testsuite> root); set `format:`"
        )
    if head in ("{", "["):
        data = source.json()
        if isinstance(data, ReadProblem):
            return data
        return _json_format(data)
    if source.suffix in (".md", ".markdown") or source.text.startswith("---\n"):
        return "hf-model-index"
    loaded = load_yaml(source.text)
    if isinstance(loaded, YamlProblem):
        return ReadProblem(
            "format",
            f"not JSON, JUnit XML or a model card, and not valid YAML either ({loaded.message})",
            loaded.line,
        )
    data = loaded.data
    if native.looks_like(data):
        return native.FORMAT
    if isinstance(data, dict) and "model-index" in data:
        return "hf-model-index"
    if (
        isinstance(data, list)
        and data
        and all(isinstance(e, dict) and "dataset" in e for e in data)
    ):
        return "hf-model-index"
    return _unknown()


def _json_format(data: Any) -> str | ReadProblem:
    if native.looks_like(data):
        return native.FORMAT
    if promptfoo.looks_like(data):
        return promptfoo.FORMAT
    if lm_eval.looks_like(data):
        return lm_eval.FORMAT
    return _unknown()


def _unknown() -> ReadProblem:
    return ReadProblem(
        "format",
        f"no known results format recognised; set `format:` to one of {', '.join(FORMATS)}",
    )
