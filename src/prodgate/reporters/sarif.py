"""SARIF 2.1.0, for GitHub code scanning and any other SARIF viewer.

The driver carries the whole rule registry (read when rendering, so rules added later
appear without change here). Each result has a fingerprint built from what identifies
the problem (rule, file, asset, message with line numbers taken out) rather than from
where it sits, so code scanning keeps tracking one alert when unrelated lines move.
Waived findings stay in the log as suppressed results (``kind: external``): the
exception lives outside the code scanning tool, in the declaration.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from prodgate.findings import Finding, Location, Severity
from prodgate.hygiene import json_text, name_bytes
from prodgate.report import Report
from prodgate.reporters import indented_json
from prodgate.rules.registry import RULES, Rule

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "prodgateFinding/v1"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
# "line 12", "lines 3-4", "file.md:12", "file.md:12:3": places, not identity.
_LINE_REFS = re.compile(r"\b(lines?)\s+\d+(\s*[-\u2013]\s*\d+)?|:\d+(:\d+)?\b")


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    help_text = rule.help
    if rule.references:
        help_text += "\n\nReferences: " + "; ".join(rule.references)
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.help},
        "help": {"text": help_text, "markdown": _help_markdown(rule)},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": ["prodgate", rule.area, *rule.references]},
    }


def _help_markdown(rule: Rule) -> str:
    out = f"**{rule.id} {rule.title}**\n\n{rule.help}\n"
    if rule.references:
        out += "\nReferences:\n" + "".join(f"- {r}\n" for r in rule.references)
    return out + f"\nRun `prodgate explain {rule.id}` for details.\n"


def _unknown_rule(rule_id: str) -> dict[str, Any]:
    return {"id": rule_id, "shortDescription": {"text": rule_id}}


def normalise(message: str) -> str:
    """The message without line and column numbers, whitespace collapsed."""
    return " ".join(_LINE_REFS.sub(lambda m: m.group(1) or "", message).split())


def fingerprint(f: Finding) -> str:
    key = "\x1f".join((f.rule_id, f.location.path, f.asset or "", normalise(f.message)))
    return hashlib.sha256(name_bytes(key)).hexdigest()[:32]


def artifact_location(path: str) -> dict[str, str]:
    # Percent-encoding keeps a relative reference valid: "a:b.md" would otherwise
    # read as a URI with the scheme "a". A URI names bytes, so a file name that is not
    # UTF-8 is its own bytes percent-encoded (caf%E9.py), which finds the very file.
    return {"uri": quote(name_bytes(path), safe="/"), "uriBaseId": SRCROOT}


def physical_location(loc: Location) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": max(1, loc.line)}
    if loc.line > 0 and loc.column > 0:
        region["startColumn"] = loc.column
    return {"physicalLocation": {"artifactLocation": artifact_location(loc.path), "region": region}}


def result(f: Finding, index: int | None, fp: str) -> dict[str, Any]:
    text = f.message + (f"\nHow to fix: {f.fix}" if f.fix and not f.waived else "")
    out: dict[str, Any] = {"ruleId": f.rule_id}
    if index is not None:
        out["ruleIndex"] = index
    out |= {
        "level": _LEVEL[f.severity],
        "message": {"text": text},
        "locations": [physical_location(f.location)],
        "partialFingerprints": {FINGERPRINT: fp},
    }
    if f.baseline is not None:
        # SARIF's own comparison with the base: "new" (this change introduced it) or
        # "unchanged" (already failing at the base, in an asset the change leaves alone).
        out["baselineState"] = f.baseline
    if f.related is not None:
        related = physical_location(f.related)
        related |= {"id": 1, "message": {"text": "related declaration"}}
        out["relatedLocations"] = [related]
    props: dict[str, Any] = {}
    if f.asset:
        props["asset"] = f.asset
    if f.requirement:
        props["requirement"] = f.requirement
    if props:
        out["properties"] = props
    if f.waived_by is not None:
        w = f.waived_by
        suppression: dict[str, Any] = {
            "kind": "external",
            "status": "accepted",
            "justification": f"exception {w.ticket}, expires {w.expires}: {w.reason}",
        }
        if w.location.path:
            suppression["location"] = physical_location(w.location)
        out["suppressions"] = [suppression]
    return out


def to_sarif(report: Report) -> dict[str, Any]:
    rules = [RULES[k] for k in sorted(RULES)]
    descriptors = [rule_descriptor(r) for r in rules]
    index = {r.id: i for i, r in enumerate(rules)}
    results = []
    seen: dict[str, int] = {}
    for f in report.findings:
        if f.rule_id not in index:
            index[f.rule_id] = len(descriptors)
            descriptors.append(_unknown_rule(f.rule_id))
        fp = fingerprint(f)
        # Two findings with the same identity in one file get distinct, stable suffixes.
        n = seen.get(fp, 0)
        seen[fp] = n + 1
        results.append(result(f, index[f.rule_id], fp if n == 0 else f"{fp}:{n}"))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "prodgate",
                "version": report.version,
                "semanticVersion": report.version,
                "rules": descriptors,
            }
        },
        # Code scanning treats everything before the last "/" as the category, so a
        # merge and a deploy upload do not replace each other's alerts.
        "automationDetails": {"id": f"prodgate/{report.gate}/"},
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {
            "gate": report.gate,
            "passed": report.passed,
            "policy": report.policy_record(),
            "commit": report.commit,
            "today": report.today,
        },
    }
    root = Path(report.root)
    if root.is_absolute():
        run["originalUriBaseIds"] = {SRCROOT: {"uri": root.as_uri().rstrip("/") + "/"}}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: Report, out: TextIO, *, color: bool = False) -> None:
    # Inert in a log or terminal, yet the same data for a JSON reader.
    out.write(json_text(indented_json.dumps(to_sarif(report))))
    out.write("\n")
