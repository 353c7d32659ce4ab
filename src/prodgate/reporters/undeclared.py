"""The "Undeclared AI" section of the job summary and the pull request comment.

Discovery's findings that belong to no asset: AI use no declaration covers (PG801,
exempt ones shown with the policy's reason) and files that could not be scanned
(PG804). One table row per place, most important first, capped so that a repository
full of undeclared use cannot push the rest of the summary out.
"""

from __future__ import annotations

from prodgate.report import Report
from prodgate.reporters.links import Links
from prodgate.reporters.markdown_text import code, place, text

MAX_ROWS = 100
RULES = ("PG801", "PG804")


def undeclared_section(report: Report, links: Links | None = None) -> str:
    """The section as Markdown, or ``""`` when discovery found nothing undeclared. Each
    place links to its file and line, like every other place in the report."""
    links = links or Links()
    found = [f for f in report.unattached if f.rule_id in RULES]
    if not found:
        return ""
    open_ = [f for f in found if f.rule_id == "PG801" and not f.waived]
    folders = sorted({f.location.path.rsplit("/", 1)[0] if "/" in f.location.path else "." for f in open_})
    icon = "❌" if open_ else "ℹ️"  # noqa: RUF001
    lines = [f"### {icon} Undeclared AI", ""]
    if open_:
        lines += [
            f"{len(open_)} place(s) use AI that no `ai-asset.yaml` covers, in "
            + ", ".join(code(f, in_table=False) for f in folders[:10])
            + (f" and {len(folders) - 10} more folders" if len(folders) > 10 else "")
            + ". Declare each with `prodgate init --name NAME --tier TIER FOLDER`, or add the files "
            "to an existing declaration's `paths:`.",
            "",
        ]
    lines += ["| Where | Rule | What | Status |", "|---|---|---|---|"]
    for f in found[:MAX_ROWS]:
        if f.waived_by is not None:
            status = f"exempt: {text(f.waived_by.reason, limit=300)}"
        else:
            status = "undeclared" if f.rule_id == "PG801" else "not scanned"
        lines.append(f"| {place(f.location, links, in_table=True)} | {f.rule_id} | {text(f.message, limit=300)} | {status} |")
    if len(found) > MAX_ROWS:
        lines.append(f"\n{len(found) - MAX_ROWS} more not shown; the JSON report and `prodgate discover` list all.")
    return "\n".join(lines) + "\n\n"
