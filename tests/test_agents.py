"""Agents: the declaration's ``agent:`` section, its risk floors, the policy's allow-list
of MCP servers (PG904) and detections against what is declared (PG901-PG903)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from prodgate.discovery import judge_agents
from prodgate.discovery.mcp_match import normalise_source
from prodgate.discovery.model import Detection
from prodgate.discovery.reconcile import coverage_of

from conftest import TEAM_SANDBOX, TODAY, write

Run = Callable[..., tuple[int, str, str]]

AGENT = """\
agent:
  tools:
    - name: lookup_order
      effect: read
    - name: refund_order
      effect: payment
      system: orders-api
      approval: human
  mcp_servers:
    - name: github
      source: ghcr.io/github/github-mcp-server:v0.4
      access: [repo:read]
"""


def check(run: Run, root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run(
        "check", str(root), "--format", "json", "--today", TODAY, "--no-discover", *args
    )
    assert out, err
    return code, json.loads(out)


def found(report: dict[str, Any], *rules: str) -> list[tuple[str, int, str]]:
    return [
        (f["rule_id"], f["line"], f["message"])
        for f in report["findings"]
        if (not rules or f["rule_id"] in rules) and not f.get("waived_by")
    ]


def test_a_declared_agent_with_confirmed_tools_passes(repo: Path, run: Run) -> None:
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + AGENT)
    code, report = check(run, repo)
    assert code == 0, report["findings"]
    [asset] = report["assets"]
    assert asset["effective_tier"] == "team"


@pytest.mark.parametrize(
    ("tool", "rule", "line", "message"),
    [
        (
            "    - name: x\n      effect: delete\n",
            "PG103",
            11,
            "agent.tools[0].effect: 'delete' is not one of read, write, execute, communicate, payment",
        ),
        (
            "    - name: x\n      effect: read\n      aproval: human\n",
            "PG104",
            12,
            "unknown key 'aproval' in agent.tools[0]; did you mean 'approval'?",
        ),
        ("    - name: x\n", "PG103", 10, "missing required key 'effect' in agent.tools[0]"),
        (
            "    - name: x\n      effect: write\n      approval: maybe\n",
            "PG103",
            12,
            "agent.tools[0].approval: 'maybe' is not one of human, none",
        ),
    ],
)
def test_schema_errors_in_the_agent_section_stand_at_their_line(
    repo: Path, run: Run, tool: str, rule: str, line: int, message: str
) -> None:
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + "agent:\n  tools:\n" + tool)
    code, out, _ = run("validate", str(repo / "ai-asset.yaml"))
    assert code == 1
    assert f"ai-asset.yaml:{line}:" in out and f"{rule} error: {message}" in out, out


def test_an_mcp_server_needs_a_source(repo: Path, run: Run) -> None:
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + "agent:\n  mcp_servers:\n    - name: github\n")
    code, out, _ = run("validate", str(repo / "ai-asset.yaml"))
    assert (
        code == 1
        and "ai-asset.yaml:10:7 PG103 error: missing required key 'source' in agent.mcp_servers[0]"
        in out
    )


@pytest.mark.parametrize(
    ("tool", "tier"),
    [
        ("{name: update_ticket, effect: write}", "departmental"),  # approval defaults to none
        ("{name: run_sql, effect: execute, approval: none}", "departmental"),
        ("{name: notify_team, effect: communicate, audience: internal}", "departmental"),
        (
            "{name: email_customer, effect: communicate}",
            "enterprise",
        ),  # audience defaults to external
        ("{name: refund_order, effect: payment, approval: none}", "enterprise"),
        ("{name: refund_order, effect: payment, approval: human}", "team"),
        ("{name: lookup_order, effect: read}", "team"),
    ],
)
def test_unconfirmed_acting_tools_raise_the_tier_floor(
    repo: Path, run: Run, tool: str, tier: str
) -> None:
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + f"agent:\n  tools:\n    - {tool}\n")
    code, report = check(run, repo)
    [asset] = report["assets"]
    assert asset["effective_tier"] == tier
    pg401 = found(report, "PG401")
    if tier == "team":
        assert code == 0 and pg401 == []
    else:
        [(_rule, line, message)] = pg401
        assert line == 3 and message.startswith(
            f"tier 'team' is below {tier!r}, the minimum because the agent "
        )
        [f] = [f for f in report["findings"] if f["rule_id"] == "PG401"]
        assert f["related"]["line"] == 10  # the tool that sets the floor


def test_an_unconfirmed_agent_in_pilot_needs_a_fallback_plan_on_stopping_it(
    repo: Path, run: Run
) -> None:
    plan = (
        "# Fallback plan\n\n## Failure modes\n\nTimeouts.\n\n## Fallback behaviour\n\nA person.\n\n"
        "## Human oversight\n\nThe support lead reviews.\n"
    )
    decl = (
        TEAM_SANDBOX.replace("tier: team", "tier: departmental").replace(
            "stage: sandbox", "stage: pilot"
        )
        + "business_owner: {name: Helena Novak, email: helena@example.com}\n"
        + "review: {last_reviewed: 2026-10-01}\n"
        + "artifacts: {fallback_plan: fallback.md}\n"
        + "agent:\n  tools:\n    - {name: update_ticket, effect: write}\n"
    )
    write(repo, "ai-asset.yaml", decl)
    write(repo, "fallback.md", plan)
    _code, report = check(run, repo)
    missing = [(r, m) for r, _l, m in found(report) if "Stopping the agent" in m]
    assert [r for r, _m in missing] == ["PG206"], found(report)
    write(
        repo,
        "fallback.md",
        plan + "\n## Stopping the agent\n\nThe on-call engineer revokes its API key.\n",
    )
    _code, report = check(run, repo)
    assert not [m for _r, _l, m in found(report) if "Stopping the agent" in m]


ALLOW = """\
apiVersion: prodgate/policy/v1
extends: builtin
name: acme
agents:
  mcp_servers:
    allowed: ["@modelcontextprotocol/server-filesystem", GHCR.io/github/github-mcp-server]
"""


def test_a_declared_server_off_the_allow_list_is_an_error_at_its_source(
    repo: Path, run: Run, tmp_path: Path
) -> None:
    policy = write(tmp_path, "policy.yaml", ALLOW)
    decl = TEAM_SANDBOX + AGENT + "    - name: slack\n      source: npx -y @acme/slack-mcp@2.1.0\n"
    write(repo, "ai-asset.yaml", decl)
    code, report = check(run, repo, "--policy", str(policy))
    assert code == 1
    assert found(report, "PG904") == [
        (
            "PG904",
            21,
            "MCP server 'slack' (@acme/slack-mcp) is not among the MCP servers the policy allows "
            "(@modelcontextprotocol/server-filesystem, GHCR.io/github/github-mcp-server)",
        )
    ]
    # Without an allow-list any server may be used.
    code, report = check(run, repo)
    assert code == 0 and found(report, "PG904") == []


@pytest.mark.parametrize(
    ("source", "normal"),
    [
        ("@modelcontextprotocol/server-github@1.2.0", "@modelcontextprotocol/server-github"),
        ("npx -y @modelcontextprotocol/server-github", "@modelcontextprotocol/server-github"),
        (
            "docker run -i --rm -e GITHUB_TOKEN ghcr.io/github/github-mcp-server:latest",
            "ghcr.io/github/github-mcp-server",
        ),
        ("GHCR.IO/github/github-mcp-server@sha256:0123abcd", "ghcr.io/github/github-mcp-server"),
        ("docker.io/library/mcp-time:1", "mcp-time"),
        ("localhost:5000/team/mcp:2", "localhost:5000/team/mcp"),
        ("https://MCP.example.com/mcp/?token=x#a", "https://mcp.example.com/mcp"),
        ("uvx mcp-server-git==0.6", "mcp-server-git"),
        ("python  -m  my_server", "python -m my_server"),
        ("ollama/ollama:0.3", "ollama/ollama"),
    ],
)
def test_sources_compare_without_version_tag_or_case(source: str, normal: str) -> None:
    assert normalise_source(source) == normal
    assert normalise_source(normal) == normal


def _coverage(repo: Path, decl: str) -> Any:
    write(repo, "svc/ai-asset.yaml", decl)
    return coverage_of(repo, "svc/ai-asset.yaml")


def _det(
    kind: str, match: str = "", name: str | None = None, effect: str | None = None, line: int = 4
) -> Detection:
    return Detection(
        "svc/agent.py",
        line,
        kind,
        kind,
        match=match,
        asset="notes-summariser",
        name=name,
        effect=effect,
    )


def test_undeclared_servers_and_tools_are_found_at_their_line(repo: Path) -> None:
    cov = _coverage(repo, TEAM_SANDBOX + AGENT)
    dets = [
        _det(
            "mcp_server", "ghcr.io/github/github-mcp-server", "github", line=3
        ),  # declared (another tag)
        _det("mcp_server", "@acme/evil-mcp", "github", line=5),  # an old name on a new source
        _det("mcp_server", "https://mcp.stripe.com/", None, line=6),
        _det("tool", "refund_order", "refund_order", "payment", line=7),  # declared
        _det("tool", "delete_account", "delete_account", "write", line=8),
        _det("tool", "do_it", "do_it", None, line=9),
        _det("agent", "openai-agents", None, line=2),
    ]
    got = [
        (f.rule_id, f.location.line, f.severity.value, f.asset)
        for f in judge_agents.undeclared(dets, [cov])
    ]
    assert got == [
        ("PG901", 5, "error", "notes-summariser"),
        ("PG901", 6, "error", "notes-summariser"),
        ("PG903", 8, "warning", "notes-summariser"),
        ("PG902", 9, "error", "notes-summariser"),
    ]
    messages = [f.message for f in judge_agents.undeclared(dets, [cov])]
    assert messages[0] == (
        "MCP server 'github' (@acme/evil-mcp) is not in the agent.mcp_servers of asset 'notes-summariser' "
        "(svc/ai-asset.yaml); the declared 'github' runs from ghcr.io/github/github-mcp-server"
    )
    assert messages[2] == (
        "tool 'delete_account' is not in the agent.tools of asset 'notes-summariser' (svc/ai-asset.yaml) "
        "(its effect looks like write)"
    )


def test_detections_of_no_asset_are_left_to_pg801_but_the_allow_list_applies(repo: Path) -> None:
    cov = _coverage(repo, TEAM_SANDBOX)
    loose = Detection(
        ".mcp.json", 3, "mcp_server", "mcp-config", match="@acme/evil-mcp", name="evil"
    )
    allowed = Detection(
        ".mcp.json",
        9,
        "mcp_server",
        "mcp-config",
        match="@modelcontextprotocol/server-filesystem@1",
    )
    assert list(judge_agents.undeclared([loose], [cov])) == []
    got = list(
        judge_agents.not_allowed([loose, allowed], ["@modelcontextprotocol/server-filesystem"])
    )
    assert [(f.rule_id, f.location.path, f.location.line, f.asset) for f in got] == [
        ("PG904", ".mcp.json", 3, None)
    ]
    assert list(judge_agents.not_allowed([loose], None)) == []
    assert [f.rule_id for f in judge_agents.not_allowed([loose], [])] == ["PG904"]


def test_a_broken_agent_section_declares_nothing_and_does_not_crash(repo: Path) -> None:
    for broken in (
        "agent: 7\n",
        "agent: {tools: 5, mcp_servers: x}\n",
        "agent: {tools: [{effect: write}, 3]}\n",
    ):
        cov = _coverage(repo, TEAM_SANDBOX + broken)
        assert cov.tools == frozenset() and cov.mcp_servers == ()
        got = list(judge_agents.undeclared([_det("tool", "t", "t", None)], [cov]))
        assert [f.rule_id for f in got] == ["PG902"]


MCP_JSON = """\
{
  "mcpServers": {
    "github": {
      "command": "docker",
      "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server:v0.9.0"]
    },
    "filesystem": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.7.1", "/srv/data"]
    }
  }
}
"""


def test_servers_in_editor_configuration_files_are_judged_end_to_end(
    repo: Path, run: Run, tmp_path: Path
) -> None:
    """A declared server (another tag), an undeclared one in the asset's folder, and one
    in a configuration file no asset covers: PG901 at its line, PG801 and PG904 for the
    loose one, and the allow-list wherever a server appears."""
    write(repo, "svc/ai-asset.yaml", TEAM_SANDBOX + AGENT)
    write(repo, "svc/.mcp.json", MCP_JSON)
    write(
        repo,
        ".cursor/mcp.json",
        '{"mcpServers": {"evil": {"url": "https://evil.example.com/mcp?k=1"}}}\n',
    )
    code, out, err = run("check", str(repo), "--format", "json", "--today", TODAY)
    assert code == 1, err
    got = [(f["rule_id"], f["path"], f["line"], f["asset"]) for f in json.loads(out)["findings"]]
    assert sorted(got) == [
        ("PG801", ".cursor/mcp.json", 1, None),
        ("PG901", "svc/.mcp.json", 7, "notes-summariser"),
    ]
    policy = write(tmp_path, "policy.yaml", ALLOW)
    code, out, err = run(
        "check", str(repo), "--format", "json", "--today", TODAY, "--policy", str(policy)
    )
    got = [(f["rule_id"], f["path"], f["line"]) for f in json.loads(out)["findings"]]
    assert sorted(got) == [
        ("PG801", ".cursor/mcp.json", 1),
        ("PG901", "svc/.mcp.json", 7),
        ("PG904", ".cursor/mcp.json", 1),
    ]


def test_the_inventory_lists_each_agents_tools_and_servers(repo: Path, run: Run) -> None:
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + AGENT)
    write(repo, "plain/ai-asset.yaml", TEAM_SANDBOX.replace("notes-summariser", "plain"))
    code, out, err = run(
        "inventory", str(repo), "--today", TODAY, "--repository", "acme/support", "--no-discover"
    )
    assert code == 0, err
    assets = {a["name"]: a for a in json.loads(out)["assets"]}
    agent = assets["notes-summariser"]
    assert agent["agent_effect"] == "payment"
    assert agent["tools"] == [
        {
            "name": "lookup_order",
            "effect": "read",
            "system": None,
            "approval": "none",
            "audience": "external",
        },
        {
            "name": "refund_order",
            "effect": "payment",
            "system": "orders-api",
            "approval": "human",
            "audience": "external",
        },
    ]
    assert agent["mcp_servers"] == [
        {
            "name": "github",
            "source": "ghcr.io/github/github-mcp-server:v0.4",
            "access": ["repo:read"],
        }
    ]
    assert (
        assets["plain"]["tools"],
        assets["plain"]["mcp_servers"],
        assets["plain"]["agent_effect"],
    ) == ([], [], None)
    _code, out, _err = run(
        "inventory", str(repo), "--today", TODAY, "--format", "csv", "--no-discover"
    )
    rows = {r["asset"]: r for r in csv.DictReader(io.StringIO(out))}
    assert (
        rows["notes-summariser"]["agent_tools"]
        == "lookup_order (read); refund_order (payment, human approval)"
    )
    assert (
        rows["notes-summariser"]["mcp_servers"] == "github (ghcr.io/github/github-mcp-server:v0.4)"
    )
    assert rows["plain"]["agent_tools"] == ""
    _code, out, _err = run(
        "inventory", str(repo), "--today", TODAY, "--format", "markdown", "--no-discover"
    )
    assert "### Agents\n\n| Asset | Tier | Strongest effect | Tools | MCP servers |\n" in out
    assert (
        "| `notes-summariser` | team | payment | lookup\\_order (read)<br>refund\\_order (payment, human approval) | "
        "github (ghcr.io/github/github-mcp-server:v0.4) |\n"
    ) in out
    assert "`plain` | team | " not in out.split("### Agents")[1]


def test_the_job_summary_shows_what_the_agent_can_do_beside_its_tier(repo: Path, run: Run) -> None:
    tools = "    - {name: update_ticket, effect: write}\n    - {name: email_team, effect: communicate, audience: internal, approval: human}\n"
    write(
        repo,
        "ai-asset.yaml",
        TEAM_SANDBOX + AGENT.replace("  mcp_servers:", tools + "  mcp_servers:"),
    )
    write(repo, "plain/ai-asset.yaml", TEAM_SANDBOX.replace("notes-summariser", "plain"))
    _code, out, _err = run(
        "check", str(repo), "--format", "markdown", "--today", TODAY, "--no-discover"
    )
    assert (
        "<b>notes-summariser</b> · team → departmental (risk floor), sandbox · agent: payment, communicate, "
        "write (unconfirmed), read, 1 MCP server · "
    ) in out
    assert (
        "Agent tools: `lookup_order` read, no approval; `refund_order` payment, a person confirms each call; "
        "`update_ticket` write, no approval; `email_team` communicate, a person confirms each call\n"
    ) in out
    assert "MCP servers: `github` from `ghcr.io/github/github-mcp-server:v0.4` (repo:read)\n" in out
    assert out.count(" · agent: ") == 1  # the plain asset has none


@pytest.mark.parametrize(
    ("agents", "error"),
    [
        ("agents: {mcp_server: {allowed: [x]}}", "mcp_server"),
        ("agents: {mcp_servers: {allowed: x}}", "allowed"),
        (
            "risk_floors: {a: {when: {agent_unattend: payment}, min_tier: enterprise, reason: r}}",
            "agent_unattend",
        ),
    ],
)
def test_a_mistyped_agents_policy_is_a_usage_error(
    repo: Path, run: Run, tmp_path: Path, agents: str, error: str
) -> None:
    policy = write(
        tmp_path,
        "policy.yaml",
        "apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme\n" + agents + "\n",
    )
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + AGENT)
    code, _out, err = run("check", str(repo), "--policy", str(policy), "--no-discover")
    assert code == 2 and error in err, err


def test_a_policy_may_set_its_own_agent_floor(repo: Path, run: Run, tmp_path: Path) -> None:
    """Floors are data: a policy that makes every unconfirmed execute tool enterprise."""
    policy = write(
        tmp_path,
        "policy.yaml",
        """\
apiVersion: prodgate/policy/v1
extends: builtin
name: acme
risk_floors:
  agent_executes: {when: {agent_unattended: execute}, min_tier: enterprise, reason: it runs code unconfirmed}
""",
    )
    write(
        repo,
        "ai-asset.yaml",
        TEAM_SANDBOX + "agent:\n  tools:\n    - {name: run_sql, effect: execute}\n",
    )
    _code, out, _err = run(
        "check",
        str(repo),
        "--policy",
        str(policy),
        "--no-discover",
        "--format",
        "json",
        "--today",
        TODAY,
    )
    [asset] = json.loads(out)["assets"]
    assert asset["effective_tier"] == "enterprise"


AGENTS_SDK = """\
from agents import Agent, function_tool


@function_tool
def refund_order(order_id: str) -> str:
    \"\"\"Refund an order.\"\"\"
    return "ok"


@function_tool
def send_email(to: str, body: str) -> str:
    return "sent"


agent = Agent(name="support", tools=[refund_order, send_email])
"""

LANGGRAPH = """\
from langchain_community.tools import ShellTool
from langgraph.prebuilt import create_react_agent

agent = create_react_agent("openai:gpt-4o", tools=[ShellTool()])
"""


def test_tools_in_agent_code_are_judged_end_to_end(repo: Path, run: Run) -> None:
    """An OpenAI Agents SDK agent with a declared and an undeclared tool (PG902: what
    send_email does is not told by the code), and a LangGraph agent given a shell tool:
    undeclared it is PG903 (discovery knows it executes), declared as a read tool PG905."""
    write(repo, "svc/ai-asset.yaml", TEAM_SANDBOX + AGENT)
    write(repo, "svc/agent.py", AGENTS_SDK)
    write(repo, "svc/shell.py", LANGGRAPH)
    code, out, err = run("check", str(repo), "--format", "json", "--today", TODAY)
    assert code == 1, err
    got = [
        (f["rule_id"], f["path"], f["line"], f["severity"])
        for f in json.loads(out)["findings"]
        if f["rule_id"] >= "PG9"
    ]
    assert sorted(got) == [
        ("PG902", "svc/agent.py", 10, "error"),
        ("PG903", "svc/shell.py", 4, "warning"),
    ]
    shell = "    - {name: ShellTool, effect: read}\n"
    write(
        repo,
        "svc/ai-asset.yaml",
        TEAM_SANDBOX + AGENT.replace("  mcp_servers:", shell + "  mcp_servers:"),
    )
    _code, out, _err = run("check", str(repo), "--format", "json", "--today", TODAY)
    got = [
        (f["rule_id"], f["path"], f["line"], f["message"])
        for f in json.loads(out)["findings"]
        if f["rule_id"] >= "PG9"
    ]
    assert sorted(got) == [
        (
            "PG902",
            "svc/agent.py",
            10,
            "tool 'send_email' is not in the agent.tools of asset 'notes-summariser' (svc/ai-asset.yaml) and what it "
            "does cannot be told from the code",
        ),
        (
            "PG905",
            "svc/shell.py",
            4,
            "tool 'ShellTool' is declared with effect 'read' in svc/ai-asset.yaml, but its effect is execute",
        ),
    ]


def test_cyclonedx_lists_mcp_servers_as_services_and_tools_as_properties(
    repo: Path, run: Run
) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    remote = '    - {name: sentry, source: "https://mcp.sentry.dev/mcp", access: [issues:read]}\n'
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + AGENT + remote)
    code, out, err = run(
        "inventory", str(repo), "--today", TODAY, "--format", "cyclonedx", "--no-discover"
    )
    assert code == 0, err
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(out) is None
    bom = json.loads(out)
    services = {s["name"]: s for s in bom["services"]}
    assert set(services) == {"github", "sentry"}
    assert services["sentry"]["endpoints"] == ["https://mcp.sentry.dev/mcp"]
    assert "endpoints" not in services["github"]  # an image run over stdio has no endpoint
    assert {p["name"]: p["value"] for p in services["github"]["properties"]} == {
        "prodgate:mcp.source": "ghcr.io/github/github-mcp-server:v0.4",
        "prodgate:mcp.access": "repo:read",
    }
    [asset] = bom["components"]
    props = [
        (p["name"], p["value"])
        for p in asset["properties"]
        if p["name"].startswith("prodgate:agent.")
    ]
    assert sorted(props) == [
        ("prodgate:agent.effect", "payment"),
        ("prodgate:agent.tool", "lookup_order (read)"),
        ("prodgate:agent.tool", "refund_order (payment, human approval)"),
    ]
    [dep] = [d for d in bom["dependencies"] if d["ref"] == asset["bom-ref"]]
    assert {services["github"]["bom-ref"], services["sentry"]["bom-ref"]} <= set(dep["dependsOn"])
    code, out, err = run(
        "inventory",
        str(repo),
        "--today",
        TODAY,
        "--format",
        "cyclonedx",
        "--spec-version",
        "1.5",
        "--no-discover",
    )
    assert code == 0, err
    assert JsonStrictValidator(SchemaVersion.V1_5).validate_str(out) is None
    assert {s["name"] for s in json.loads(out)["services"]} == {"github", "sentry"}


def test_init_add_missing_writes_the_section_on_stopping_the_agent(repo: Path, run: Run) -> None:
    """The built-in fallback plan template has no "Stopping the agent"; the stub that
    `init --add-missing` writes for an unconfirmed agent gets it, so the section is
    unfilled (PG204), not missing (PG206)."""
    decl = TEAM_SANDBOX.replace("tier: team", "tier: departmental").replace(
        "stage: sandbox", "stage: pilot"
    )
    write(
        repo,
        "svc/ai-asset.yaml",
        decl + "agent:\n  tools:\n    - {name: update_ticket, effect: write}\n",
    )
    code, _out, err = run("init", "--add-missing", str(repo / "svc"))
    assert code == 0, err
    plan = (repo / "svc/docs/fallback-plan.md").read_text()
    assert (
        plan.endswith("\n## Stopping the agent\n\n<fill in>\n")
        and plan.count("## Stopping the agent") == 1
    )
    _code, report = check(run, repo)
    rules = {f["rule_id"] for f in report["findings"] if f["path"] == "svc/docs/fallback-plan.md"}
    assert rules == {"PG204"}
    # Without the agent (in production, where the tier asks for a fallback plan) the stub is the template.
    write(
        repo,
        "other/ai-asset.yaml",
        decl.replace("notes-summariser", "other").replace("stage: pilot", "stage: production"),
    )
    assert run("init", "--add-missing", str(repo / "other"))[0] == 0
    assert "Stopping the agent" not in (repo / "other/docs/fallback-plan.md").read_text()


def test_hostile_tool_and_server_names_print_inert(repo: Path, run: Run) -> None:
    write(
        repo,
        "ai-asset.yaml",
        TEAM_SANDBOX.replace("stage: sandbox", "stage: production")
        + """\
agent:
  tools:
    - {name: "x`<img src=x onerror=alert(1)>|", effect: read}
  mcp_servers:
    - {name: "<script>", source: "https://evil/`a`|<b>", access: ["@everyone", "##[warning]x"]}
""",
    )
    _code, out, _err = run(
        "check", str(repo), "--format", "markdown", "--today", TODAY, "--no-discover"
    )
    assert "Agent tools: ``x`<img src=x onerror=alert(1)>|`` read, no approval\n" in out
    assert (
        "MCP servers: `<script>` from ``https://evil/`a`|<b>`` (<code>@everyone</code>, ##\\[warning\\]x)\n"
        in out
    )
    _code, out, _err = run(
        "inventory", str(repo), "--format", "markdown", "--today", TODAY, "--no-discover"
    )
    assert (
        "<img" not in out
        and "<script>" not in out
        and "@everyone" not in out.replace("<code>@everyone</code>", "")
    )


SDK_SERVER = """\
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("orders")


@mcp.tool()
def lookup_order(order_id: str) -> str:
    return order_id
"""


@pytest.mark.parametrize("source", ["server.py", "svc/server.py"])
def test_a_server_the_repository_defines_is_declared_by_its_file(
    repo: Path, run: Run, tmp_path: Path, source: str
) -> None:
    """An SDK server in the asset's folder is declared with its file as the source
    (relative to the declaration, or to the repository); being code under this gate,
    it is not judged by the allow-list, declared or found."""
    decl = (
        TEAM_SANDBOX
        + f"agent:\n  tools:\n    - {{name: lookup_order, effect: read}}\n  mcp_servers:\n    - {{name: orders, source: {source}}}\n"
    )
    write(repo, "svc/ai-asset.yaml", decl)
    write(repo, "svc/server.py", SDK_SERVER)
    policy = write(tmp_path, "policy.yaml", ALLOW)
    code, out, _err = run(
        "check", str(repo), "--format", "json", "--today", TODAY, "--policy", str(policy)
    )
    assert code == 0, json.loads(out)["findings"]
    # Undeclared, the fix names it relative to the declaration.
    write(
        repo,
        "svc/ai-asset.yaml",
        TEAM_SANDBOX + "agent:\n  tools:\n    - {name: lookup_order, effect: read}\n",
    )
    _code, out, _err = run(
        "check", str(repo), "--format", "json", "--today", TODAY, "--policy", str(policy)
    )
    [pg901] = [f for f in json.loads(out)["findings"] if f["rule_id"] >= "PG9"]
    assert (pg901["rule_id"], pg901["line"]) == ("PG901", 3)
    assert 'source: "server.py"' in pg901["fix"]


def test_a_declared_source_that_only_looks_like_a_file_is_still_judged(
    repo: Path, run: Run, tmp_path: Path
) -> None:
    """A source naming no file of the repository (or one outside it) is a server from
    elsewhere: the allow-list applies."""
    policy = write(tmp_path, "policy.yaml", ALLOW)
    for source in ("server.py", "../outside.py", "/etc/passwd"):
        write(
            repo,
            "ai-asset.yaml",
            TEAM_SANDBOX + f"agent:\n  mcp_servers:\n    - {{name: s, source: {source}}}\n",
        )
        _code, report = check(run, repo, "--policy", str(policy))
        assert [r for r, _l, _m in found(report, "PG904")] == ["PG904"], source
    (tmp_path / "outside.py").write_text("x = 1\n")
    write(
        repo,
        "ai-asset.yaml",
        TEAM_SANDBOX + "agent:\n  mcp_servers:\n    - {name: s, source: ../outside.py}\n",
    )
    _code, report = check(run, repo, "--policy", str(policy))
    assert [r for r, _l, _m in found(report, "PG904")] == ["PG904"]
