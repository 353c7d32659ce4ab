"""``prodgate init --eval NAME=FORMAT:PATH``: declare an eval with the policy's minimum
thresholds for the tier, so that the deploy gate's first question (PG301) is answered
when the asset is created.

Only the declaration is written. The results file is evidence that the eval ran:
prodgate never scaffolds one (a file it made up would prove nothing and pass the
gate). When it is not there yet, ``init`` says so and shows how to produce it
(:func:`prodgate.evals.produce.how_to_produce`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, get_args

from prodgate.evals.produce import how_to_produce, threshold_yaml
from prodgate.manifest.model import EvalFormat

if TYPE_CHECKING:
    from prodgate.policy.model import Policy

FORMATS: tuple[str, ...] = get_args(EvalFormat)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_./-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class EvalArg:
    name: str
    format: str
    path: str


def parse(values: Sequence[str]) -> list[EvalArg] | str:
    """The ``--eval`` values, or the message for the first one that is not
    ``NAME=FORMAT:PATH`` (nothing is written then)."""
    out: list[EvalArg] = []
    for value in values:
        name, eq, rest = value.partition("=")
        fmt, colon, path = rest.partition(":")
        if not (eq and colon and name and fmt and path):
            return f"--eval {value!r}: expected NAME=FORMAT:PATH, e.g. quality=promptfoo:evals/promptfoo.json"
        if not _NAME.fullmatch(name):
            return f"--eval {value!r}: name {name!r}: use letters, digits, '.', '_' and '-' (at most 64)"
        if fmt not in FORMATS:
            return f"--eval {value!r}: format {fmt!r} is not one of {', '.join(FORMATS)}"
        if _CONTROL.search(path) or path.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", path):
            return f"--eval {value!r}: PATH must be relative to the asset's folder"
        if any(e.name == name for e in out):
            return f"--eval {value!r}: eval {name!r} is given twice"
        out.append(EvalArg(name, fmt, path))
    return out


def declaration(evals: Sequence[EvalArg], minimums: Mapping[str, str], tier: str) -> str:
    """The ``evals:`` block for ``ai-asset.yaml`` (empty without evals): each eval with
    the policy's minimum thresholds for ``tier``, or, where the policy sets none, an
    example left commented out (a threshold the policy does not ask for is the team's
    choice, not prodgate's)."""
    if not evals:
        return ""
    lines = ["evals:"]
    for ev in evals:
        lines.append(f"  - name: {ev.name}")
        if ev.format != "auto":
            lines.append(f"    format: {ev.format}")
        lines.append(f"    results: {ev.path if _PLAIN_PATH.fullmatch(ev.path) else json.dumps(ev.path)}")
        if minimums:
            lines.append(f"    thresholds: {threshold_yaml(minimums)}   # the policy's minimum at tier {tier}")
        else:
            lines.append(f'    # thresholds: {{ pass_rate: ">= 0.9" }}   # the policy sets no minimum at tier {tier}')
    return "\n".join(lines) + "\n"


def notes(evals: Sequence[EvalArg], directory: Path) -> list[str]:
    """What ``init`` prints about each eval's results file: kept, or not there and
    not written, with how to produce it."""
    out = []
    for ev in evals:
        path = directory / ev.path
        if path.exists():
            out.append(f"kept    {path} (exists): the results of eval {ev.name!r}")
            continue
        out.append(
            f"note: eval {ev.name!r}: {path} does not exist and is not written: results are the "
            "evidence that the eval ran, never scaffolded; the deploy gate reads them (PG302 until then)."
        )
        out += how_to_produce(ev.path, ev.format).splitlines()
    return out


def missing(policy: Policy, tier: str, stage: str, evals: Sequence[EvalArg]) -> str | None:
    """Without ``--eval``, the line that says which gate will ask for eval results
    (PG301) for this tier and stage, so that the first deploy is not a surprise."""
    if evals:
        return None
    for gate in ("merge", "deploy"):
        if any(r.check == "evals" and r.applies(tier, stage, gate) for r in policy.requirements.values()):
            return (
                f"later: the {gate} gate also requires eval results (PG301); declare them under "
                "`evals:` (`prodgate explain PG301` shows the entry and the smallest results file)"
            )
    return None
