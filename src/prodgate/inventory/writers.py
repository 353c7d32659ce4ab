"""Writers of the inventory: JSON (the contract the register ingests), CSV (one row per
asset, for spreadsheets) and Markdown (for READMEs and job summaries).

Every text in an inventory comes from a repository's declarations, so the Markdown
goes through the same escaping as the gate's Markdown report, and CSV cells that a
spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import csv
import importlib
import json
from collections.abc import Callable, Iterable
from typing import TextIO

from prodgate.hygiene import json_text, message
from prodgate.inventory.model import AssetEntry, Inventory

Writer = Callable[[Inventory, TextIO], None]

FORMATS: dict[str, str] = {
    "json": "prodgate.inventory.writers:write_json",
    "csv": "prodgate.inventory.writers:write_csv",
    "markdown": "prodgate.inventory.writers:write_markdown",
    "cyclonedx": "prodgate.inventory.cyclonedx:write_cyclonedx",
}


def get_writer(name: str) -> Writer:
    module, func = FORMATS[name].split(":")
    writer: Writer = getattr(importlib.import_module(module), func)
    return writer


def write_json(inv: Inventory, out: TextIO) -> None:
    out.write(json_text(json.dumps(inv.to_dict(), indent=2, ensure_ascii=False)) + "\n")


CSV_COLUMNS = (
    "record", "repository", "commit", "asset", "path", "line", "tier", "effective_tier", "stage",
    "owner", "owner_email", "business_owner", "models", "data_sources", "personal_data",
    "evals", "gate", "active_exceptions", "next_review_due", "review_overdue", "agent_tools", "mcp_servers",
)


def _models(a: AssetEntry) -> str:
    return "; ".join(f"{m.provider}/{m.name}" + (f"@{m.version}" if m.version else "") for m in a.models)


def _data(a: AssetEntry) -> str:
    return "; ".join(
        f"{s.name} ({s.classification}{', personal data' if s.personal_data else ''})" for s in a.data_sources
    )


def _evals(a: AssetEntry) -> str:
    return "; ".join(f"{e.name}: {e.outcome}" for e in a.evals)


def agent_tools(a: AssetEntry) -> list[str]:
    """Each tool as ``refund_order (payment, human approval)``."""
    return [f"{t.name} ({t.effect}{', human approval' if t.approval == 'human' else ''})" for t in a.tools]


def mcp_servers(a: AssetEntry) -> list[str]:
    return [f"{s.name} ({s.source})" for s in a.mcp_servers]


def _exceptions(a: AssetEntry) -> str:
    return "; ".join(f"{e.ticket} {e.requirement} until {e.expires}" for e in a.exceptions if e.active)


def neutral_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: one starting with ``= + - @`` or a
    control character would otherwise be run as a formula (CSV injection).

    CSV has no escapes that decode back, and a cell is printed as is to a terminal or
    an Actions log, so the cell is the hygiene layer's one-line form: control and
    invisible characters and line breaks as visible escapes, ``##[`` disarmed."""
    text = "" if value is None else message(str(value))
    if text and (text[0] in "=+-@\t\r" or text[0] == "\0"):
        return "'" + text
    return text


def write_csv(inv: Inventory, out: TextIO) -> None:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    row: tuple[object, ...]
    for a in inv.assets:
        row = (
            "asset", inv.repository, inv.commit, a.name, a.path, "", a.tier, a.effective_tier, a.stage,
            a.owner.name if a.owner else "", a.owner.email if a.owner else "",
            a.business_owner.name if a.business_owner else "", _models(a), _data(a),
            "yes" if any(s.personal_data for s in a.data_sources) else "no", _evals(a),
            "passed" if a.gate.passed else "failed", _exceptions(a), a.review.next_due,
            "yes" if a.review.overdue else "no", "; ".join(agent_tools(a)), "; ".join(mcp_servers(a)),
        )
        w.writerow([neutral_cell(v) for v in row])
    for d in inv.undeclared:
        model = "/".join(x for x in (d.provider, d.model) if x)
        row = ("undeclared", inv.repository, inv.commit, "", d.path, d.line, "", "", "", "", "", "", model,
               "", "", "", "", "", "", "", "", "")
        w.writerow([neutral_cell(v) for v in row])


def write_markdown(inv: Inventory, out: TextIO) -> None:
    out.write("".join(markdown_lines(inv)))


def markdown_lines(inv: Inventory) -> Iterable[str]:
    from prodgate.reporters.markdown_text import code, text

    def t(value: str | None) -> str:
        return text(value) if value else "—"

    commit = f" at {code(inv.commit[:12], in_table=False)}" if inv.commit else ""
    passed = sum(1 for a in inv.assets if a.gate.passed)
    yield f"## AI inventory of {text(inv.repository)}{commit}\n\n"
    yield (
        f"{len(inv.assets)} asset{'s' if len(inv.assets) != 1 else ''}, {passed} passing the "
        f"{inv.gate} gate, on {inv.today}"
    )
    if inv.discovery:
        yield f"; {len(inv.undeclared)} undeclared AI use{'s' if len(inv.undeclared) != 1 else ''} found"
    yield ".\n\n"
    if inv.assets:
        yield "| Asset | Tier | Stage | Owner | Business owner | Models | Data sources | Evals | Gate | Active exceptions | Next review |\n"
        yield "|---|---|---|---|---|---|---|---|---|---|---|\n"
    for a in inv.assets:
        tier = t(a.tier) if a.tier == a.effective_tier else f"{t(a.tier)} → {t(a.effective_tier)}"
        owner = f"{t(a.owner.name)} ({t(a.owner.team)})" if a.owner and a.owner.team else t(a.owner.name if a.owner else None)
        review = t(a.review.next_due) + (" ⚠️ overdue" if a.review.overdue else "")
        cells = (
            f"{code(a.name)}<br>{code(a.path)}",
            tier,
            t(a.stage),
            owner,
            t(a.business_owner.name if a.business_owner else None),
            "<br>".join(code(f"{m.provider}/{m.name}" + (f"@{m.version}" if m.version else "")) for m in a.models) or "—",
            "<br>".join(
                text(f"{s.name} ({s.classification}{', personal' if s.personal_data else ''})") for s in a.data_sources
            ) or "—",
            "<br>".join(text(f"{e.name}: {e.outcome}") for e in a.evals) or "—",
            "✅ passed" if a.gate.passed else f"❌ failed ({a.gate.errors} error{'s' if a.gate.errors != 1 else ''})",
            "<br>".join(f"{code(e.ticket)} {text(e.requirement)} until {text(e.expires)}" for e in a.exceptions if e.active)
            or "—",
            review,
        )
        yield "| " + " | ".join(cells) + " |\n"
    agents = [a for a in inv.assets if a.tools or a.mcp_servers]
    if agents:
        yield "\n### Agents\n\n| Asset | Tier | Strongest effect | Tools | MCP servers |\n|---|---|---|---|---|\n"
        for a in agents:
            yield (
                f"| {code(a.name)} | {t(a.effective_tier)} | {t(a.agent_effect)} | "
                f"{'<br>'.join(text(x) for x in agent_tools(a)) or '—'} | "
                f"{'<br>'.join(text(x) for x in mcp_servers(a)) or '—'} |\n"
            )
    if inv.broken:
        yield "\nDeclarations that did not load (not in the inventory):\n\n"
        for b in inv.broken:
            yield f"- {code(f'{b.path}:{b.line}', in_table=False)} {code(b.rule_id, in_table=False)} {text(b.message)}\n"
    if inv.discovery and inv.undeclared:
        yield "\n### Undeclared AI\n\n| Where | Kind | Provider | Model | Signature |\n|---|---|---|---|---|\n"
        for d in inv.undeclared:
            yield (
                f"| {code(f'{d.path}:{d.line}')} | {t(d.kind)} | {t(d.provider)} | {t(d.model)} | {code(d.signature)} |\n"
            )
