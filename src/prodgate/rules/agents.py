"""PG904 on the declaration: an MCP server under ``agent.mcp_servers`` that the policy's
allow-list lacks. The same servers found in code are judged by discovery
(:mod:`prodgate.discovery.judge_agents`), at their file and line. A server whose source
is a file of the repository (one the repository defines, ``source: server.py``) is code
under this gate, not a server from elsewhere, and is not judged by the allow-list; the
clients that start it are, wherever discovery finds them."""

from __future__ import annotations

from collections.abc import Iterator

from prodgate.context import AssetContext
from prodgate.discovery.judge_agents import allowed_fix
from prodgate.discovery.mcp_match import normalise_source
from prodgate.findings import Finding
from prodgate.fsutil import FileProblem, resolve_inside
from prodgate.rules.registry import RULES


def check(ctx: AssetContext) -> Iterator[Finding]:
    allowed = ctx.policy.agents.mcp_servers.allowed
    agent = ctx.asset.agent
    if allowed is None or agent is None:
        return
    sources = {normalise_source(a) for a in allowed}
    for i, server in enumerate(agent.mcp_servers):
        source = normalise_source(server.source)
        if source in sources or _defined_here(ctx, server.source):
            continue
        yield RULES["PG904"].finding(
            f"MCP server {server.name!r} ({source}) is not among the MCP servers the policy allows "
            f"({', '.join(allowed) or 'none'})",
            ctx.decl.loc("agent", "mcp_servers", i, "source"),
            asset=ctx.asset.name,
            fix=allowed_fix(source),
            requirement="agent",
        )


def _defined_here(ctx: AssetContext, source: str) -> bool:
    """Whether ``source`` is a regular file in the repository, relative to the
    declaration's folder or to the repository (never outside it, symlinks resolved)."""
    if "://" in source or any(c.isspace() for c in source):
        return False
    root = ctx.repo_root.resolve()
    for base in (ctx.decl.root.resolve(), root):
        found = resolve_inside(root, base, source)
        if not isinstance(found, FileProblem) and found.is_file():
            return True
    return False
