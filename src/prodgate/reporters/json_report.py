"""The JSON report (``report_version`` 1): the gate's evidence record.

A deploy job keeps it as the record of why a release was allowed, so it carries the
prodgate version, the gate, the policy source and digest, the commit, the time, and
every asset with the state of every requirement. The shape is documented in the README
("JSON report"); fields are only ever added within a report_version.
"""

from __future__ import annotations

from typing import Any, TextIO

from prodgate.findings import Finding, Location
from prodgate.hygiene import json_text
from prodgate.report import AssetResult, ChangeRecord, Report
from prodgate.reporters import indented_json

REPORT_VERSION = 1


def _loc(loc: Location | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    return {"path": loc.path, "line": loc.line, "column": loc.column}


def finding_dict(f: Finding) -> dict[str, Any]:
    w = f.waived_by
    return {
        "rule_id": f.rule_id,
        "severity": f.severity.value,
        "asset": f.asset,
        "requirement": f.requirement,
        "path": f.location.path,
        "line": f.location.line,
        "column": f.location.column,
        "message": f.message,
        "fix": f.fix,
        "related": _loc(f.related),
        "advisory": f.advisory or None,
        "waived_by": None
        if w is None
        else {"ticket": w.ticket, "expires": w.expires, "reason": w.reason, "declared_at": _loc(w.location)},
        "baseline": f.baseline,
    }


def _team(a: AssetResult) -> str | None:
    """The owner's team, which the register counts compliance by."""
    owner = a.declaration.asset.owner if a.declaration is not None else None
    return owner.team if owner is not None else None


def asset_dict(a: AssetResult, report: Report) -> dict[str, Any]:
    return {
        "name": a.name,
        "path": a.path,
        "tier": a.tier,
        "effective_tier": a.effective_tier,
        "stage": a.stage,
        "owner": a.owner,
        "owner_team": _team(a),
        "passed": report.asset_passed(a),
        "requirements": [
            {"id": r.id, "title": r.title, "state": r.state.value, "reason": r.reason, "rules": list(r.rule_ids),
             "by_floor": r.by_floor}
            for r in a.requirements
        ],
        "exceptions": [
            {
                "requirement": e.requirement, "ticket": e.ticket, "expires": e.expires, "valid": e.valid,
                "used": e.used, "change": e.change or None,
                "approvals": [
                    {"role": p.role, "name": p.name, "github": p.github, "state": p.state} for p in e.approvals
                ],
                "approved": [
                    {"asset": c.asset, "field": c.field, "base": c.base, "head": c.head} for c in e.approved
                ],
            }
            for e in a.exceptions
        ],
        "files": [{"role": f.role, "path": f.path, "sha256": f.sha256} for f in a.files],
        "weakened": [
            {"field": w.field, "base": w.base, "head": w.head, "line": w.location.line} for w in a.weakened
        ],
        "evals": [
            {
                "name": e.name,
                "results": e.results,
                "format": e.format,
                "model": e.model,
                "subject": e.subject,
                "run_at": e.run_at,
                "metrics": [
                    {"name": m.name, "value": m.value, "threshold": m.threshold, "passed": m.passed}
                    for m in e.metrics
                ],
            }
            for e in a.evals
        ],
    }


def change_dict(change: ChangeRecord | None) -> dict[str, Any] | None:
    """The commits compared and the change-wide outcomes; None without a base."""
    if change is None:
        return None
    return {
        "base_ref": change.base_ref,
        "base": change.base,
        "head": change.head,
        "pull_request_head": change.pull_head,
        "merge_commit": change.merge,
        "note": change.note or None,
        "policy_changed": change.policy_changed,
        "removed": [finding_dict(f) for f in change.removed],
        "verification": change.verification or None,
    }


def to_dict(report: Report) -> dict[str, Any]:
    c = report.counts
    return {
        "report_version": REPORT_VERSION,
        "tool": {"name": "prodgate", "version": report.version},
        "gate": report.gate,
        "fail_on": report.fail_on.value,
        "passed": report.passed,
        "policy": report.policy_record(),
        "repository": {"name": report.repository, "commit": report.commit},
        "generated_at": report.generated_at,
        "today": report.today,
        "summary": {
            "declarations": report.declarations,
            "assets": len(report.assets),
            "errors": c.errors,
            "warnings": c.warnings,
            "notes": c.notes,
            "waived": c.waived,
            "advisory": c.advisory,
        },
        "change": change_dict(report.change),
        "assets": [asset_dict(a, report) for a in report.assets],
        "findings": [finding_dict(f) for f in report.findings],
    }


def render(report: Report, out: TextIO, *, color: bool = False) -> None:
    # Inert in a log or terminal, yet the same data for a JSON reader.
    out.write(json_text(indented_json.dumps(to_dict(report))))
    out.write("\n")
