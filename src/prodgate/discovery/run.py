"""The one entry the commands call: scan, attribute, and judge.

``prodgate discover`` calls :func:`discover` and prints the detections; ``prodgate
check`` calls it too and adds :func:`findings` to the gate's report. The policy's
``discovery`` section arrives as plain data (already validated when a policy file was
given), so ``discover`` without a policy never loads pydantic.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prodgate.discovery import catalogue, scan
from prodgate.discovery.catalogue import Catalogue
from prodgate.discovery.model import Detection, Exemption, Skipped

if TYPE_CHECKING:
    import subprocess

    # Attribution is imported once the scan's git processes run; judging only by check.
    from prodgate.discovery.reconcile import Coverage
    from prodgate.findings import Finding


@dataclass
class Discovery:
    detections: list[Detection]
    skipped: list[Skipped]
    coverage: list[Coverage]
    listed: list[str]
    catalogue: Catalogue
    exemptions: list[Exemption] = field(default_factory=list)
    files: int = 0
    root: Path | None = None

    def repository(self) -> str:
        """The repository's name, as the JSON report gives it (PG801 names a
        declaration at the root after it)."""
        from prodgate.repo import detect_repository

        return detect_repository(self.root) if self.root is not None else ""

    def undeclared_findings(self) -> list[Finding]:
        """PG801 for each detection no asset covers."""
        from prodgate.discovery import judge

        return list(judge.undeclared(self.detections, self.exemptions, self.coverage, self.repository))

    @functools.cached_property
    def undeclared(self) -> list[Detection]:
        """The detections no asset covers and no exemption excuses (asked for by the
        summary, the report and the exit code: found once)."""
        if not self.exemptions:  # most runs: no call per detection
            return [d for d in self.detections if d.asset is None]
        return [d for d in self.detections if d.asset is None and not self.exempt(d.path)]

    @functools.cached_property
    def readable(self) -> list[str]:
        """Source, configuration and manifest files in scope (what PG803 judges by);
        classified only when a run asks."""
        return scan.readable(self.listed)

    def exempt(self, rel: str) -> Exemption | None:
        if not self.exemptions:  # asked of every detection, twice
            return None
        return next((e for e in self.exemptions if e.covers(rel)), None)


def settings_enabled(settings: Mapping[str, Any] | None) -> bool:
    """Whether the policy leaves discovery on (it is on by default)."""
    return bool((settings or {}).get("enabled", True))


def load_catalogue(settings: Mapping[str, Any] | None) -> Catalogue:
    """The built-in catalogue with the policy's additions and drops."""
    s = settings or {}
    return catalogue.build(s.get("signatures") or {}, s.get("drop") or [])


def discover(
    root: Path,
    paths: Sequence[Path] = (),
    files: Iterable[str] | None = None,
    settings: Mapping[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    grep: subprocess.Popen[bytes] | None = None,
    known: Mapping[str, Any] | None = None,
) -> Discovery:
    """Scan ``paths`` (or exactly ``files``) under ``root`` and attribute every
    detection to the asset covering it. ``grep``: git grep of the built-in catalogue's
    pattern over ``paths``, started by the caller (only when ``settings`` is None).
    ``known``: the data of declarations the caller has loaded, by repository-relative
    path."""
    root = root.resolve()
    cat = load_catalogue(settings)
    from prodgate.discovery import reconcile

    # The declarations the caller loaded cover what they declare whatever the scan
    # lists, so their evidence, left out of the detections anyway, is not parsed.
    known = known or {}
    given = [reconcile.coverage_of(root, rel, known) for rel in sorted(known)]
    evidence = frozenset().union(*(c.evidence for c in given))
    result = scan.scan(root, cat, paths, files, progress, grep, evidence)
    whole = files is None and (not paths or all(p.resolve() == root for p in paths))
    if whole:
        others = [reconcile.coverage_of(root, rel, known) for rel in result.declarations if rel not in known]
    else:
        others = [c for c in reconcile.load_coverage(root, known) if c.declaration not in known]
    coverage = sorted(given + others, key=lambda c: c.declaration)
    exemptions = [
        Exemption(str(e["path"]), str(e["reason"]))
        for e in (settings or {}).get("exempt") or []
        if isinstance(e, Mapping) and e.get("path") and e.get("reason")
    ]
    return Discovery(
        detections=reconcile.attribute(result.detections, coverage),
        skipped=result.skipped,
        coverage=coverage,
        listed=result.listed,
        catalogue=cat,
        exemptions=exemptions,
        files=result.files,
        root=root,
    )


def findings(
    found: Discovery, checked: Iterable[str], *, unused_for: Iterable[str] = (), gate: str = "merge",
    allowed_mcp: Sequence[str] | None = None,
) -> list[Finding]:
    """PG801-PG804 and PG901-PG904 for a gate run. ``checked`` are the declarations
    (repository-relative) the run checks, the only ones PG802 and PG901-PG903 speak
    about; ``unused_for`` those whose whole folder was scanned, the only ones PG803 can
    judge; ``gate`` sets PG804's default; ``allowed_mcp`` is the policy's allow-list of
    MCP servers (None: any)."""
    from prodgate.discovery import judge, judge_agents

    checked = set(checked)
    mine = [c for c in found.coverage if c.declaration in checked]
    out = found.undeclared_findings()
    out += judge.undeclared_models(found.detections, mine, found.catalogue, found.exemptions)
    out += judge.unused_declarations(mine, set(unused_for), found.readable, found.detections)
    out += judge.skipped(found.skipped, gate)
    out += judge_agents.undeclared(found.detections, mine, found.exemptions)
    out += judge_agents.not_allowed(found.detections, allowed_mcp)
    return out
