"""The "Changes to governance" section of the job summary and the comment.

A reviewer of a pull request should see at a glance what the change does to the
controls that judge it: which declared fields it weakens (base value next to head
value, and whether an exception covers it), which declarations it removes, whether it
edits the policy, and, for each exception it adds or changes, who approved it and
whether GitHub's reviews prove it. The section is empty when the run compared nothing
and verified nothing.
"""

from __future__ import annotations

from prodgate.findings import Finding
from prodgate.report import AssetResult, ChangeRecord, ExceptionView, Report
from prodgate.reporters.markdown_text import code, finding_item, text

_STATE_ICON = {
    "approved": "✅",
    "unchanged since the base commit": "🔒",
    "not required by the policy": "",
}


def governance_section(report: Report) -> str:
    """The section as Markdown, or ``""`` when there is nothing to say."""
    change = report.change
    exceptions = [(a, e) for a in report.assets for e in a.exceptions if _shown(e)]
    if change is None and not exceptions:
        return ""
    lines = ["### Changes to governance", ""]
    if change is not None:
        if change.base is None:
            lines += [f"⚠️ Not compared with the base {code(change.base_ref, in_table=False)}: {text(change.note)}", ""]
        else:
            lines += [f"Compared with the base commit {code(change.base[:12], in_table=False)}{commits(change)}.", ""]
    weakened = [row for a in report.assets for row in _weakened_rows(a)]
    if weakened:
        lines += ["**Weakened fields**", "", "| Asset | Field | Base | Head | |", "|---|---|---|---|---|", *weakened, ""]
    if change is not None and change.removed:
        lines += ["**Removed declarations**", "", *(finding_item(f).rstrip("\n") for f in change.removed), ""]
    policy = [f for f in report.findings if f.rule_id == "PG702"]
    if policy:
        lines += ["**Policy**", "", *(finding_item(f).rstrip("\n") for f in policy), ""]
    if exceptions:
        lines += ["**Exceptions added or changed**", ""]
        if change is not None and change.verification:
            lines += [f"Approvals verified against: {text(change.verification)}", ""]
        lines += ["| Asset | Exception | Approvals |", "|---|---|---|"]
        for asset, e in exceptions:
            approvals = "<br>".join(
                f"{_STATE_ICON.get(p.state, '⚠️' if p.state.startswith(('not verified', 'pending')) else '❌')} "
                f"{text(p.role)}: {text(p.name)}" + (f" ({text('@' + p.github)})" if p.github else "")
                + (f" — {text(p.state)}" if p.state else "")
                for p in e.approvals
            ) or "none"
            what = f"{code(e.ticket)} for {text(e.requirement)}" + (f", {text(e.change)}" if e.change else "")
            what += "".join(
                f"<br>approves {text(c.asset)} {code(c.field)}" + (f": {text(c.base)} → {text(c.head)}" if c.base else "")
                for c in e.approved
            )
            lines.append(f"| {text(asset.name)} | {what} | {approvals} |")
        lines.append("")
    if len(lines) == 2:
        return ""
    return "\n".join(lines) + "\n"


def commits(change: ChangeRecord) -> str:
    """`` · merge commit tested `…` · head of the pull request `…``: each commit named as
    what it is (on ``pull_request`` the Action checks out GitHub's test merge, not the
    pull request's head)."""
    out = f" · {change.tested} {code(change.head[:12], in_table=False)}" if change.head else ""
    if change.pull_head and change.pull_head != change.head:
        out += f" · head of the pull request {code(change.pull_head[:12], in_table=False)}"
    return out


def _shown(e: ExceptionView) -> bool:
    """Exceptions the change added or edited, and any whose approvals were looked at."""
    return e.change in ("added", "changed") or any(
        p.state not in ("", "not required by the policy", "unchanged since the base commit", "approved an earlier change")
        for p in e.approvals
    )


def _weakened_rows(asset: AssetResult) -> list[str]:
    rows = []
    for w in asset.weakened:
        finding = next(
            (f for f in asset.findings if f.rule_id == "PG701" and f.message.startswith(f"{w.field} weakened")),
            None,
        )
        rows.append(
            f"| {text(asset.name)} | {code(w.field)} at {code(str(w.location))} | {text(w.base)} | {text(w.head)} | "
            f"{_verdict(finding)} |"
        )
    return rows


def _verdict(finding: Finding | None) -> str:
    if finding is None:
        return ""
    if finding.waived_by is not None:
        return f"⏸️ waived by {code(finding.waived_by.ticket)}"
    return f"❌ {code(finding.rule_id)}"
