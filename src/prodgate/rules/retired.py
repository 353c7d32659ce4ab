"""PG805: an asset declared retired whose code still shows AI use.

``stage: retired`` takes an asset out of every stage requirement, so it is the easy way
out of the gate: retire the declaration and keep the code that calls the model. Retired
means gone, so discovery's detections in the files a retired asset covers are an error
at every gate, at the ``stage:`` line, until the AI use is removed or the asset is
brought back to a live stage and judged as such.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from prodgate.discovery.judge import describe
from prodgate.discovery.model import Detection
from prodgate.findings import Finding
from prodgate.manifest.loader import Declaration
from prodgate.rules.registry import RULES

RETIRED = "retired"


def retired(decls: Iterable[Declaration]) -> list[Declaration]:
    """The declarations at ``stage: retired``."""
    return [d for d in decls if d.asset.stage == RETIRED]


def check(decls: Iterable[Declaration], detections: Iterable[Detection]) -> Iterator[Finding]:
    """One PG805 per retired asset that discovery attributes AI use to."""
    by_asset: dict[str, list[Detection]] = {}
    for det in detections:
        if det.asset is not None:
            by_asset.setdefault(det.asset, []).append(det)
    for decl in retired(decls):
        found = sorted(by_asset.get(decl.asset.name, ()), key=lambda d: (d.path, d.line))
        if not found:
            continue
        shown = ", ".join(f"{d.path}:{d.line} {describe(d)}" for d in found[:3])
        more = f" and {len(found) - 3} more" if len(found) > 3 else ""
        yield RULES["PG805"].finding(
            f"asset {decl.asset.name!r} is retired, but {len(found)} place{'s' if len(found) != 1 else ''} "
            f"in the files it covers still show AI use: {shown}{more}",
            decl.loc("stage"),
            asset=decl.asset.name,
            fix="Remove the AI use from the code as well, or set the stage the asset is really at "
            "(sandbox, pilot or production) so that it is judged as a running system.",
        )
