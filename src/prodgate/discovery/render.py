"""``prodgate discover`` output: text grouped by file, JSON, SARIF.

Paths and matched text come from the repository, so everything printed goes through
:mod:`prodgate.hygiene`, the one layer that makes such text safe for a terminal, the
Actions log and JSON readers.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, TextIO

from prodgate.discovery.model import Detection
from prodgate.discovery.run import Discovery
from prodgate.hygiene import clean, json_text
from prodgate.reporters import indented_json

_BOLD, _RED, _DIM, _RESET = "\033[1m", "\033[31m", "\033[2m", "\033[0m"


def as_json(found: Discovery) -> dict[str, Any]:
    """``{"detections": [...], "skipped": [...], "summary": {...}}``; detections sorted by
    path, line, kind and signature, paths repository-relative with ``/``."""
    detections = sorted(found.detections, key=lambda d: (d.path, d.line, d.kind, d.signature, d.model or ""))
    return {
        "detections": [d.as_json() for d in detections],
        "skipped": [{"path": s.path, "reason": s.reason} for s in found.skipped],
        "exempt": [
            {"path": d.path, "line": d.line, "reason": e.reason}
            for d in detections if d.asset is None and (e := found.exempt(d.path)) is not None
        ],
        "summary": {
            "files": found.files,
            "detections": len(detections),
            "undeclared": len(found.undeclared),
            "assets": sorted({d.asset for d in detections if d.asset is not None}),
        },
    }


def render_json(found: Discovery, out: TextIO) -> None:
    out.write(json_text(indented_json.dumps(as_json(found))) + "\n")


def _clean(text: str) -> str:
    return clean(text.replace("\n", "\\n").replace("\r", "\\r"))


def render_text(found: Discovery, out: TextIO, *, color: bool = False) -> None:
    by_file: dict[str, list[Detection]] = defaultdict(list)
    for det in found.detections:
        by_file[det.path].append(det)
    for path in sorted(by_file):
        dets = sorted(by_file[path])
        asset = dets[0].asset
        exempt = found.exempt(path) if asset is None else None
        owner = (
            f"asset {asset}" if asset is not None
            else f"exempt: {exempt.reason}" if exempt is not None
            else "undeclared"
        )
        head = _clean(f"{path} ({owner})")
        if color:
            head = f"{_BOLD}{head}{_RESET}" if asset or exempt else f"{_BOLD}{_RED}{head}{_RESET}"
        out.write(head + "\n")
        for det in dets:
            what = det.provider or det.signature
            model = f" model {det.model}" if det.model and det.model != det.match else ""
            named = f" name {det.name}" if det.name and det.name != det.match else ""
            effect = f" effect {det.effect}" if det.effect else ""
            out.write(_clean(f"  {path}:{det.line} {det.kind} {det.match} ({what}){model}{named}{effect}") + "\n")
    for item in found.skipped:
        line = _clean(f"{item.path}: not scanned: {item.reason}")
        out.write((f"{_DIM}{line}{_RESET}" if color else line) + "\n")
    undeclared = len(found.undeclared)
    files = len(by_file)
    n_exempt = sum(1 for d in found.detections if d.asset is None and found.exempt(d.path) is not None)
    verdict = ", ".join(
        part for part in (f"{undeclared} undeclared" if undeclared else "", f"{n_exempt} exempt" if n_exempt else "") if part
    ) or "all declared"
    out.write(
        f"prodgate discover: {len(found.detections)} detection{'s' if len(found.detections) != 1 else ''} "
        f"in {files} file{'s' if files != 1 else ''} ({verdict}); {found.files} files considered\n"
    )
    if undeclared:
        out.write("Declare them with `prodgate init` (see `prodgate explain PG801`).\n")


def render_sarif(found: Discovery, out: TextIO, root: str) -> None:
    """SARIF with a PG801 result for each undeclared detection (exempt ones suppressed)
    and PG804 for each file not scanned."""
    import datetime as dt

    from prodgate import __version__
    from prodgate.discovery import judge
    from prodgate.findings import Finding, Severity
    from prodgate.report import Report
    from prodgate.reporters.sarif import to_sarif

    findings = [*found.undeclared_findings(), *judge.skipped(found.skipped)]
    report = Report(
        version=__version__, gate="discover", fail_on=Severity.ERROR, policy_source="", policy_sha256="",
        root=root, commit=None, generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        today=dt.date.today().isoformat(), findings=sorted(findings, key=Finding.sort_key),
    )
    out.write(json_text(indented_json.dumps(to_sarif(report))) + "\n")
