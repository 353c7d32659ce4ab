"""Agents' detections against what their assets declare (PG901-PG903, PG905) and against the
policy's allow-list of MCP servers (PG904).

An MCP server is declared when the asset covering it lists a server with the same
source (normalised, :mod:`prodgate.discovery.mcp_source`): the source says what runs, a
name is only a label, so a declared ``github`` server does not stand for another
image that the code also calls ``github``. A tool is declared by its name, the one the
model sees. The allow-list applies to every MCP server found, attributed or not: an
undeclared one in no asset's files is PG801 as well.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence

from prodgate.discovery.judge import _waived
from prodgate.discovery.mcp_match import normalise_source
from prodgate.discovery.model import Detection, Exemption
from prodgate.discovery.reconcile import Coverage
from prodgate.findings import Finding, Location
from prodgate.rules.registry import RULES


def undeclared(
    detections: Iterable[Detection],
    coverage: Sequence[Coverage],
    exemptions: Sequence[Exemption] = (),
) -> Iterator[Finding]:
    """PG901 for each MCP server and PG902/PG903 for each tool an asset's files show
    and its ``agent:`` does not list, at the detection (a path the policy exempts from
    discovery waives it, as it does PG802)."""
    by_name = {c.name: c for c in coverage}
    for det in detections:
        cov = by_name.get(det.asset or "")
        if cov is None:
            continue
        exempt = next((e for e in exemptions if e.covers(det.path)), None)
        if det.kind == "mcp_server":
            finding = _server(det, cov)
        elif det.kind == "tool" and det.name and det.name not in cov.tools:
            finding = _tool(det, cov)
        elif det.kind == "tool" and det.name:
            finding = _understated(det, cov)
        else:
            continue
        if finding is not None:
            yield _waived(finding, exempt)


def _server(det: Detection, cov: Coverage) -> Finding | None:
    source = normalise_source(det.match)
    # A server the repository defines is named by its file: relative to the declaration's
    # folder, as every path in a declaration is, or to the repository.
    inside = cov.folder.lower() + "/"
    local = source[len(inside) :] if cov.folder and source.startswith(inside) else source
    if any(s.source in (source, local) for s in cov.mcp_servers):
        return None
    label = f"MCP server {det.name!r} ({source})" if det.name else f"MCP server {source}"
    same_name = next((s for s in cov.mcp_servers if det.name and s.name == det.name), None)
    also = f"; the declared {same_name.name!r} runs from {same_name.source}" if same_name else ""
    return _at(
        "PG901",
        det,
        cov,
        f"{label} is not in the agent.mcp_servers of asset {cov.name!r} ({cov.declaration}){also}",
        f"Declare it in {cov.declaration} under `agent: {{mcp_servers: [...]}}`: "
        f"`- {{name: {det.name or '<name>'}, source: {json.dumps(local)}, access: [<what it may reach>]}}`, "
        "or remove it.",
    )


def _tool(det: Detection, cov: Coverage) -> Finding:
    effect = det.effect
    told = (
        f" (its effect looks like {effect})"
        if effect
        else " and what it does cannot be told from the code"
    )
    return _at(
        "PG903" if effect else "PG902",
        det,
        cov,
        f"tool {det.name!r} is not in the agent.tools of asset {cov.name!r} ({cov.declaration}){told}",
        f"Declare it in {cov.declaration} under `agent: {{tools: [...]}}`: "
        f"`- {{name: {det.name}, effect: {effect or '<read|write|execute|communicate|payment>'}, "
        "approval: <human|none>}`, or remove it.",
    )


def _understated(det: Detection, cov: Coverage) -> Finding | None:
    """PG905 when the declaration gives a tool another effect than the one discovery
    knows it has (a shell tool declared ``read``): the declared effect sets the floors."""
    if det.effect is None or det.effect == "read":
        return None
    declared = [e for name, e in cov.tool_effects if name == det.name]
    if not declared or det.effect in declared:
        return None
    return _at(
        "PG905",
        det,
        cov,
        f"tool {det.name!r} is declared with effect {declared[0]!r} in {cov.declaration}, but its "
        f"effect is {det.effect}",
        f"Declare `effect: {det.effect}` for {det.name} (and whether a person confirms each call).",
    )


def _at(rule: str, det: Detection, cov: Coverage, message: str, fix: str) -> Finding:
    """A finding of ``rule`` at the detection, for the asset covering it."""
    return RULES[rule].finding(
        message,
        Location(det.path, det.line),
        asset=cov.name,
        fix=fix,
        requirement="agent",
        related=Location(cov.declaration),
    )


def not_allowed(
    detections: Iterable[Detection], allowed: Sequence[str] | None
) -> Iterator[Finding]:
    """PG904 for each MCP server found whose source the policy's allow-list lacks,
    attributed to an asset or not (nothing waives it but an exception), except servers
    the repository itself defines."""
    if allowed is None:
        return
    sources = {normalise_source(a) for a in allowed}
    for det in detections:
        # A server the repository defines (FastMCP(...)) is code under this gate; what
        # the allow-list governs is the servers agents start or connect to.
        if det.kind != "mcp_server" or det.signature == DEFINED_HERE:
            continue
        source = normalise_source(det.match)
        if source in sources:
            continue
        label = f"MCP server {det.name!r} ({source})" if det.name else f"MCP server {source}"
        yield RULES["PG904"].finding(
            f"{label} is not among the MCP servers the policy allows ({_listed(allowed)})",
            Location(det.path, det.line),
            asset=det.asset,
            fix=allowed_fix(source),
            requirement="agent",
        )


DEFINED_HERE = "mcp-sdk-server"
"""The signature of an MCP server defined in the repository with an SDK."""


def _listed(allowed: Sequence[str]) -> str:
    return ", ".join(allowed) if allowed else "none"


def allowed_fix(source: str) -> str:
    """The fix of PG904, wherever the server appears."""
    return (
        f"Use a server the policy allows, or have the policy's owners add {source} to "
        "`agents: {mcp_servers: {allowed: [...]}}`."
    )
