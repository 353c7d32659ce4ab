"""How a results file comes to exist: the text PG301, PG302 and ``prodgate init --eval``
show, so that a team reaching the deploy gate does not have to guess what the file
must contain.

prodgate never writes results: they are the evidence that an eval ran, and a file
prodgate made up would prove nothing. What it can do is show the smallest document its
own format accepts (:mod:`prodgate.evals.native`) and the one command that makes each
supported tool write a file it reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

SMALLEST = "format: prodgate/eval/v1\nmetrics: { pass_rate: 0.93 }"
"""The smallest valid results document (YAML; the same as JSON is accepted too)."""

_TOOLS = (
    # tool, the `format:` it needs, its command ({path}: where it writes), an example path
    ("promptfoo", "promptfoo", "promptfoo eval -o {path}", "evals/promptfoo.json"),
    ("lm-eval", "lm-eval", "lm_eval --model hf --model_args pretrained=MODEL --tasks TASK --output_path evals/"
     " (name the results_*.json it writes)", ""),
    ("pytest", "junit", "pytest tests/evals --junitxml={path}", "evals/junit.xml"),
)


def _format_line(tool: str, fmt: str, command: str, path: str) -> str:
    return f"  {tool + ':':<11}{command.format(path=path)}   (format: {fmt})"


def how_to_produce(path: str = "evals/results.json", fmt: str = "auto") -> str:
    """Lines that say how to produce ``path``: for a declared tool format, its one
    command; otherwise (``auto``, ``prodgate``) the smallest native document, and for
    ``auto`` the command of each tool as well (writing its own example path)."""
    tools = [t for t in _TOOLS if t[1] == fmt]
    if tools:
        tool, fmt, command, _example = tools[0]
        return "Let the tool write it:\n" + _format_line(tool, fmt, command, path)
    if fmt not in ("auto", "prodgate"):
        return ""  # hf-model-index: the model card's own metadata, written with the model
    smallest = "\n".join("  " + line for line in SMALLEST.splitlines())
    lines = [
        "The smallest valid results file (prodgate's own format, YAML or JSON; what the eval measured):",
        smallest,
    ]
    if fmt == "auto":
        lines.append("Or let the eval tool write it (then set that `format:`):")
        lines += [_format_line(tool, f, command, example) for tool, f, command, example in _TOOLS]
    return "\n".join(lines)


_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*")


def threshold_yaml(thresholds: Mapping[str, str | float]) -> str:
    """``{ pass_rate: ">= 0.95" }``: thresholds as a YAML flow mapping, every value
    quoted and every key that is not a plain word too (``gsm8k/exact_match,strict-match``
    holds a comma, which ends a key in a flow mapping)."""
    items = (
        f"{k if _PLAIN.fullmatch(k) else json.dumps(k)}: {json.dumps(v if isinstance(v, str) else str(v))}"
        for k, v in thresholds.items()
    )
    return "{ " + ", ".join(items) + " }"
