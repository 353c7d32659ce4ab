"""Agents, their tools and MCP servers in code: what each snippet yields (kind, line,
name, effect, source), with the SDKs' real public names (the snippets' imports are run
against the installed ``mcp`` and ``openai-agents``), and the look-alikes that yield
nothing."""

from __future__ import annotations

import ast
import importlib
import re
import time
from pathlib import Path

import pytest

from prodgate.discovery import agents, agents_js, catalogue, mcp_config, mcp_source, scan
from prodgate.discovery.safe_regex import MAX_PATHS, LazyPattern, paths_bound

Found = set[tuple[str, int, str | None, str | None, str]]

MCP_SERVER_V2 = '''"""Orders, over MCP."""
from mcp.server.mcpserver import MCPServer

server = MCPServer("orders")


@server.tool()
def find_order(order_id: str) -> dict:
    return {}


@server.tool(name="refund")
async def refund_order(order_id: str, amount: float) -> str:
    return "ok"
'''

MCP_SERVER_V1 = """from mcp.server.fastmcp import FastMCP

mcp = FastMCP("weather")


@mcp.tool()
async def get_forecast(latitude: float, longitude: float) -> str:
    return "sunny"
"""

LOWLEVEL = """import mcp.types as types
from mcp.server.lowlevel import Server

app = Server("inventory")
"""

MCP_CLIENT = """from mcp import ClientSession, StdioServerParameters
from mcp.client.sse import sse_client
from mcp.client.stdio import stdio_client

params = StdioServerParameters(
    command="uvx",
    args=["mcp-server-git", "--repository", "."],
)


async def main() -> None:
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
    async with sse_client("https://tools.example.com/sse") as streams:
        pass
"""

OPENAI_AGENTS = """from agents import Agent, HostedMCPTool, Runner, WebSearchTool, function_tool
from agents.mcp import MCPServerStdio


@function_tool
def refund_order(order_id: str, amount: float) -> str:
    return "ok"


@function_tool(name_override="lookup_customer")
def get_customer(email: str) -> dict:
    return {}


async def main() -> None:
    async with MCPServerStdio(
        name="Filesystem",
        params={"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "./data"]},
    ) as fs:
        agent = Agent(
            name="Support",
            tools=[
                refund_order,
                get_customer,
                WebSearchTool(),
                HostedMCPTool(tool_config={"type": "mcp", "server_label": "stripe", "server_url": "https://mcp.stripe.com"}),
            ],
            mcp_servers=[fs],
        )
        await Runner.run(agent, "Where is my order?")
"""

CHAT_COMPLETIONS = """from openai import OpenAI

client = OpenAI()
TOOLS = [
    {
        "type": "function",
        "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {}}},
    },
]
first = client.chat.completions.create(model="gpt-4o", messages=[], tools=TOOLS)
again = client.chat.completions.create(model="gpt-4o", messages=[], tools=TOOLS)
"""

ANTHROPIC = """import anthropic

client = anthropic.Anthropic()
message = client.messages.create(
    model="claude-sonnet-4-20250514",
    max_tokens=1024,
    tools=[
        {"type": "bash_20250124", "name": "bash"},
        {"name": "send_email", "description": "Send an e-mail", "input_schema": {"type": "object"}},
    ],
    messages=[],
)
"""

LANGGRAPH = """from langchain_community.tools import ShellTool
from langchain_core.tools import tool
from langgraph.prebuilt import create_react_agent


@tool
def send_invoice(customer_id: str) -> str:
    \"\"\"Send an invoice.\"\"\"
    return "sent"


shell = ShellTool()
agent = create_react_agent("openai:gpt-4o", [send_invoice, shell])
"""

CREWAI = """from crewai import Agent, Crew, Task
from crewai.tools import tool
from crewai_tools import SerperDevTool


@tool("Create ticket")
def create_ticket(title: str) -> str:
    \"\"\"Open a ticket.\"\"\"
    return "T-1"


researcher = Agent(role="Researcher", goal="Find", backstory="", tools=[SerperDevTool(), create_ticket])
"""

PYDANTIC_AI = """from pydantic_ai import Agent, RunContext
from pydantic_ai.mcp import MCPServerStdio, MCPServerStreamableHTTP

server = MCPServerStdio("deno", args=["run", "-N", "jsr:@pydantic/mcp-run-python", "stdio"])
remote = MCPServerStreamableHTTP("https://mcp.example.com/mcp")
agent = Agent("openai:gpt-4o", toolsets=[server, remote])


@agent.tool
async def roll_dice(ctx: RunContext[int]) -> str:
    return "4"


@agent.tool_plain
def pay_invoice(invoice_id: str) -> str:
    return "paid"
"""

ADK = """from google.adk.agents import Agent
from google.adk.tools import google_search
from google.adk.tools.mcp_tool.mcp_toolset import MCPToolset, StreamableHTTPConnectionParams


def get_time(city: str) -> dict:
    return {}


root_agent = Agent(
    name="assistant",
    model="gemini-2.0-flash",
    tools=[get_time, google_search, MCPToolset(connection_params=StreamableHTTPConnectionParams(url="https://mcp.example.com/mcp"))],
)
"""

ADAPTERS = """from langchain_mcp_adapters.client import MultiServerMCPClient

client = MultiServerMCPClient(
    {
        "math": {"command": "python", "args": ["/srv/math_server.py"], "transport": "stdio"},
        "weather": {"url": "http://localhost:8000/mcp", "transport": "streamable_http"},
    }
)
"""

CASES: dict[str, tuple[str, Found]] = {
    "srv/orders.py": (
        MCP_SERVER_V2,
        {
            ("mcp_server", 4, "orders", None, "srv/orders.py"),
            ("tool", 7, "find_order", None, "find_order"),
            ("tool", 12, "refund", None, "refund_order"),
        },
    ),
    "srv/weather.py": (
        MCP_SERVER_V1,
        {
            ("mcp_server", 3, "weather", None, "srv/weather.py"),
            ("tool", 6, "get_forecast", None, "get_forecast"),
        },
    ),
    "srv/lowlevel.py": (LOWLEVEL, {("mcp_server", 4, "inventory", None, "srv/lowlevel.py")}),
    "app/client.py": (
        MCP_CLIENT,
        {
            ("mcp_server", 5, None, None, "mcp-server-git"),
            ("mcp_server", 14, None, None, "https://tools.example.com/sse"),
        },
    ),
    "app/support.py": (
        OPENAI_AGENTS,
        {
            ("agent", 1, None, None, "agents"),
            ("tool", 5, "refund_order", None, "refund_order"),
            ("tool", 10, "lookup_customer", None, "get_customer"),
            ("mcp_server", 16, "Filesystem", None, "@modelcontextprotocol/server-filesystem"),
            ("tool", 25, "WebSearchTool", "read", "WebSearchTool"),
            ("mcp_server", 26, "stripe", None, "https://mcp.stripe.com"),
        },
    ),
    "app/chat.py": (CHAT_COMPLETIONS, {("tool", 5, "get_weather", None, "get_weather")}),
    "app/claude.py": (
        ANTHROPIC,
        {
            ("tool", 8, "bash", "execute", "bash"),
            ("tool", 9, "send_email", None, "send_email"),
        },
    ),
    "app/graph.py": (
        LANGGRAPH,
        {
            ("agent", 3, None, None, "langgraph.prebuilt"),
            ("tool", 6, "send_invoice", None, "send_invoice"),
            ("tool", 13, "shell", "execute", "shell"),
        },
    ),
    "app/crew.py": (
        CREWAI,
        {
            ("agent", 1, None, None, "crewai"),
            ("tool", 6, "Create ticket", None, "create_ticket"),
            ("tool", 12, "SerperDevTool", "read", "SerperDevTool"),
        },
    ),
    "app/pyd.py": (
        PYDANTIC_AI,
        {
            ("agent", 1, None, None, "pydantic_ai"),
            ("mcp_server", 4, None, None, "deno run -N jsr:@pydantic/mcp-run-python stdio"),
            ("mcp_server", 5, None, None, "https://mcp.example.com/mcp"),
            ("tool", 9, "roll_dice", None, "roll_dice"),
            ("tool", 14, "pay_invoice", None, "pay_invoice"),
        },
    ),
    "app/adk.py": (
        ADK,
        {
            ("agent", 1, None, None, "google.adk.agents"),
            ("tool", 13, "get_time", None, "get_time"),
            ("tool", 13, "google_search", "read", "google_search"),
            ("mcp_server", 13, None, None, "https://mcp.example.com/mcp"),
        },
    ),
    "app/adapters.py": (
        ADAPTERS,
        {
            ("mcp_server", 5, "math", None, "python /srv/math_server.py"),
            ("mcp_server", 6, "weather", None, "http://localhost:8000/mcp"),
        },
    ),
}

PROVIDERS = {
    "app/support.py": "openai-agents",
    "app/graph.py": "langgraph",
    "app/crew.py": "crewai",
    "app/pyd.py": "pydantic-ai",
    "app/adk.py": "google-adk",
}


def _found(root: Path) -> dict[str, Found]:
    out: dict[str, Found] = {}
    for d in scan.scan(root, catalogue.build()).detections:
        if d.kind in ("agent", "tool", "mcp_server"):
            out.setdefault(d.path, set()).add((d.kind, d.line, d.name, d.effect, d.match))
    return out


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def test_python_agents_tools_and_servers(tmp_path: Path) -> None:
    _write(tmp_path, {rel: text for rel, (text, _want) in CASES.items()})
    found = _found(tmp_path)
    assert found == {rel: want for rel, (_text, want) in CASES.items()}
    frameworks = {
        d.path: d.provider
        for d in scan.scan(tmp_path, catalogue.build()).detections
        if d.kind == "agent"
    }
    assert frameworks == PROVIDERS


@pytest.mark.parametrize("text", [MCP_SERVER_V2, LOWLEVEL, MCP_CLIENT, OPENAI_AGENTS])
def test_the_snippets_import_the_sdks_real_names(text: str) -> None:
    """What the snippets import exists in the installed ``mcp`` and ``openai-agents``."""
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and node.module:
            module = importlib.import_module(node.module)
            for alias in node.names:
                assert hasattr(module, alias.name), f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                importlib.import_module(alias.name)


def test_the_v1_fastmcp_name_is_the_one_mcp_2_renamed() -> None:
    """``mcp.server.fastmcp.FastMCP`` (mcp 1, most servers written so far) is still
    found; the installed mcp 2 says it is the former name of ``MCPServer``."""
    with pytest.raises(ModuleNotFoundError, match=r"FastMCP was renamed to MCPServer"):
        importlib.import_module("mcp.server.fastmcp")


# -- JavaScript and TypeScript -------------------------------------------------------------------
TS_SERVER = """import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const server = new McpServer({
  name: "weather",
  version: "1.0.0",
});

server.tool("get-alerts", "Alerts for a state", { state: z.string() }, async ({ state }) => ({ content: [] }));

server.registerTool(
  "get-forecast",
  { title: "Forecast", inputSchema: { latitude: z.number() } },
  async () => ({ content: [] }),
);
await server.connect(new StdioServerTransport());
"""

TS_CLIENT = """import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const transport = new StdioClientTransport({
  command: "npx",
  args: ["-y", "@modelcontextprotocol/server-everything"],
});
const remote = new StreamableHTTPClientTransport(new URL("https://mcp.example.com/mcp"));
const client = new Client({ name: "example-client", version: "1.0.0" });
"""

TS_AGENTS = """import { Agent, run, tool, hostedMcpTool, MCPServerStdio } from "@openai/agents";
import { z } from "zod";

const refund = tool({
  name: "refund_order",
  description: "Refund an order",
  parameters: z.object({ orderId: z.string() }),
  execute: async ({ orderId }) => `refunded ${orderId}`,
});

const fs = new MCPServerStdio({
  name: "Filesystem",
  fullCommand: "npx -y @modelcontextprotocol/server-filesystem ./sample",
});

const agent = new Agent({
  name: "Support",
  tools: [refund, hostedMcpTool({ serverLabel: "gitmcp", serverUrl: "https://gitmcp.io/openai/codex" })],
  mcpServers: [fs],
});
await run(agent, "hi");
"""

TS_VERCEL = """import { generateText, tool, stepCountIs } from "ai";
import { openai } from "@ai-sdk/openai";
import { z } from "zod";

const result = await generateText({
  model: openai("gpt-4o"),
  tools: {
    weather: tool({
      description: "Get the weather",
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => ({ city, temp: 20 }),
    }),
  },
  stopWhen: stepCountIs(5),
  prompt: "Weather in Paris?",
});
"""

TS_CHAT = """import OpenAI from "openai";
const client = new OpenAI();
const r = await client.chat.completions.create({
  model: "gpt-4o",
  messages: [],
  tools: [
    { type: "function", function: { name: "lookup_order", parameters: { type: "object", properties: { name: { type: "string" } } } } },
    { type: "function", function: { name: "cancel_order", parameters: {} } },
  ],
});
"""

TS_CASES: dict[str, tuple[str, Found]] = {
    "web/server.ts": (
        TS_SERVER,
        {
            ("mcp_server", 5, "weather", None, "web/server.ts"),
            ("tool", 10, "get-alerts", None, "get-alerts"),
            ("tool", 12, "get-forecast", None, "get-forecast"),
        },
    ),
    "web/client.ts": (
        TS_CLIENT,
        {
            ("mcp_server", 5, None, None, "@modelcontextprotocol/server-everything"),
            ("mcp_server", 9, None, None, "https://mcp.example.com/mcp"),
        },
    ),
    "web/agent.ts": (
        TS_AGENTS,
        {
            ("agent", 1, None, None, "@openai/agents"),
            ("tool", 4, "refund_order", None, "refund_order"),
            ("mcp_server", 11, "Filesystem", None, "@modelcontextprotocol/server-filesystem"),
            ("mcp_server", 18, "gitmcp", None, "https://gitmcp.io/openai/codex"),
        },
    ),
    "web/vercel.ts": (
        TS_VERCEL,
        {("agent", 1, None, None, "ai"), ("tool", 8, "weather", None, "weather")},
    ),
    "web/chat.ts": (
        TS_CHAT,
        {
            ("tool", 7, "lookup_order", None, "lookup_order"),
            ("tool", 8, "cancel_order", None, "cancel_order"),
        },
    ),
}


def test_typescript_agents_tools_and_servers(tmp_path: Path) -> None:
    _write(tmp_path, {rel: text for rel, (text, _want) in TS_CASES.items()})
    assert _found(tmp_path) == {rel: want for rel, (_text, want) in TS_CASES.items()}


# -- look-alikes ----------------------------------------------------------------------------------
LOOK_ALIKES = {
    # a local package named agents, with an Agent class of its own
    "agents/__init__.py": "class Agent:\n    def __init__(self, tools=None):\n        self.tools = tools\n",
    "bots/run.py": "from agents import Agent\n\nbot = Agent(tools=[print])\n",
    # a class named Tool, a keyword named tools, in code that uses no model
    "shop/tools.py": (
        "class Tool:\n    def __init__(self, name):\n        self.name = name\n\n"
        "def tool(f):\n    return f\n\n@tool\ndef hammer():\n    pass\n\n"
        "class Workshop:\n    def __init__(self, tools):\n        self.tools = tools\n\n"
        "w = Workshop(tools=[Tool('saw'), hammer])\n"
    ),
    # a comment and a docstring about MCP; a string naming FastMCP
    "docs_helper.py": '"""Explains FastMCP("demo") and @mcp.tool()."""\n# from mcp.server.fastmcp import FastMCP\nTEXT = "FastMCP(\\"x\\")"\n',
    "README.md": "# MCP\n\n```python\nfrom mcp.server.fastmcp import FastMCP\nmcp = FastMCP('demo')\n```\n",
    "web/menu.ts": (
        "// Not AI: a menu with tools, a class named Tool\nclass Tool { constructor(public name: string) {} }\n"
        'export const menu = { tools: [new Tool("hammer"), new Tool("saw")] };\n'
        'export function tool(x: string) { return x; }\nconst a = tool("x");\n'
    ),
    "web/notes.ts": '// import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";\nconst s = "new McpServer({ name: \\"x\\" })";\n',
}


def test_look_alikes_are_not_agents_tools_or_servers(tmp_path: Path) -> None:
    _write(tmp_path, LOOK_ALIKES)
    assert _found(tmp_path) == {}


def test_a_tool_class_of_the_projects_own_has_no_known_effect(tmp_path: Path) -> None:
    """A class called ``WebSearchTool`` that the file defines (it may write anything)
    is a tool of unknown effect, not a read-only search."""
    _write(
        tmp_path,
        {
            "app/own.py": (
                "from openai import OpenAI\n\nclass WebSearchTool:\n    pass\n\n"
                "client = OpenAI()\nclient.responses.create(model='gpt-4.1', input='x', tools=[WebSearchTool()])\n"
            )
        },
    )
    assert _found(tmp_path) == {"app/own.py": {("tool", 7, "WebSearchTool", None, "WebSearchTool")}}


def test_a_file_that_does_not_parse_yields_no_agent_but_keeps_its_imports(tmp_path: Path) -> None:
    _write(tmp_path, {"app/broken.py": "from crewai import Agent\n\ndef f(:\n"})
    found = scan.scan(tmp_path, catalogue.build()).detections
    assert [(d.kind, d.line, d.signature) for d in found] == [("import", 1, "agent-frameworks")]


# -- linear time ------------------------------------------------------------------------------------
def _patterns() -> list[LazyPattern[str]]:
    return [
        v
        for m in (agents, agents_js, mcp_config, mcp_source)
        for v in vars(m).values()
        if isinstance(v, LazyPattern)
    ]


def test_every_pattern_is_bounded() -> None:
    patterns = _patterns()
    assert len(patterns) >= 10
    for pattern in patterns:
        assert paths_bound(pattern.compiled.pattern) <= MAX_PATHS


@pytest.mark.parametrize(
    ("rel", "text"),
    [
        ("a.ts", 'import { tool } from "ai";\n' + "x: tool(" * 20_000),
        ("b.ts", 'import { Agent } from "@openai/agents";\n' + "tools: [" * 20_000),
        ("c.ts", 'from "@openai/agents" ' * 40_000),
        ("d.ts", "import {" + " a," * 40_000 + ' from "ai"' * 1000),
        (
            "e.ts",
            'import { McpServer } from "@modelcontextprotocol/sdk";\n'
            + 'new McpServer({ name: "x" ' * 20_000,
        ),
        ("f.ts", 'const x = require("ai") = ' * 20_000),
        (
            "g.py",
            "from openai import OpenAI\nT = ["
            + "{'name': 'x'}," * 20_000
            + "]\n"
            + "f(tools=T)\n" * 20_000,
        ),
        (
            ".mcp.json",
            '{"mcpServers": {'
            + ",".join(f'"s{k}": {{"command": "npx"}}' for k in range(20_000))
            + "}}",
        ),
        (
            ".mcp.json",
            '{"mcpServers": {'
            + ",".join(f'"\\u0073{k}": {{"command": "npx"}}' for k in range(20_000))
            + "}}",
        ),
        (
            ".codex/config.toml",
            "".join(f'[mcp_servers.s{k}]\ncommand = "npx"\n' for k in range(20_000)),
        ),
    ],
)
def test_hostile_files_are_read_in_linear_time(rel: str, text: str) -> None:
    start = time.perf_counter()
    if rel.endswith(".ts"):
        list(agents_js.javascript(rel, text))
    elif rel.endswith(".py"):
        list(agents.python(rel, text))
    else:
        found = list(mcp_config.detect(rel, text))
        assert len(found) == 20_000
    assert time.perf_counter() - start < 5.0


def test_the_catalogue_tokens_send_agent_files_to_be_read() -> None:
    """git grep picks the files a scan reads: ``from agents import`` and an
    ``mcpServers`` section must be among what it looks for."""
    pattern = re.compile(catalogue.build().grep_pattern)
    assert pattern.search("from agents import Runner")
    assert pattern.search('{"mcpServers": {}}')
    assert pattern.search("from mcp.server.mcpserver import MCPServer")


def test_tools_spread_joined_or_from_the_sdk_imported_whole(tmp_path: Path) -> None:
    """Splitting a tool list (``[*BASE, x] + [y]``), importing the SDK as a module
    (``import agents``; ``agents.Runner``) hides no tool."""
    _write(
        tmp_path,
        {
            "app/split.py": (
                "import agents\n\nBASE = [lookup]\n\n\n@agents.function_tool\ndef refund(order_id: str) -> str:\n"
                "    return 'ok'\n\n\nbot = agents.Agent(name='x', tools=[*BASE, refund] + [agents.WebSearchTool()])\n"
                "agents.Runner.run_sync(bot, 'hi')\n"
            )
        },
    )
    assert _found(tmp_path) == {
        "app/split.py": {
            ("agent", 1, None, None, "agents"),
            ("tool", 3, "lookup", None, "lookup"),
            ("tool", 6, "refund", None, "refund"),
            ("tool", 11, "WebSearchTool", "read", "WebSearchTool"),
        }
    }



def test_a_module_without_a_tool_word_is_read_for_its_frameworks_and_misses_none(tmp_path: Path) -> None:
    """Without a word every tool and MCP server is spelt with, only imports can show
    anything, so only statements are walked: the SDK used as a module (``import
    agents`` with ``agents.Runner``) is still found, and a tool spelt in look-alike
    letters (Python folds them) still sends the module to the whole walk."""
    fullwidth_tools = "".join(chr(ord(c) + 0xFEE0) for c in "tools")
    _write(
        tmp_path,
        {
            "app/run.py": "import agents\n\nbot = load()\nagents.Runner.run_sync(bot, 'hi')\n",
            "app/plain.py": "import agents\n\nbot = load()\n",
            "app/crew.py": "from crewai import Crew\n\ncrew = Crew(agents=[a], tasks=[t])\n",
            "app/wide.py": f"from crewai import Agent\n\nbot = Agent(role='r', {fullwidth_tools}=[lookup])\n",
        },
    )
    assert _found(tmp_path) == {
        "app/run.py": {("agent", 1, None, None, "agents")},
        "app/crew.py": {("agent", 1, None, None, "crewai")},
        "app/wide.py": {("agent", 1, None, None, "crewai"), ("tool", 3, "lookup", None, "lookup")},
    }

FULLWIDTH_AGENTS = "".join(chr(ord(c) + 0xFEE0) for c in "agents")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from agents import Runner\n", True),
        ("import os, openai\n", True),
        ("from \\\n  mcp.server import Server\n", True),
        (f"from {FULLWIDTH_AGENTS} import Runner\n", True),  # NFKC: Python reads it as agents
        ("import boto3\nclient.converse(toolConfig=cfg)\n", True),
        ("x = tools\n", False),
        ("import json\nfoo(tools=[1])\n", False),
        ("# from agents import Runner\nprint('tools')\n", True),  # a comment: parsed, then nothing
    ],
)
def test_python_files_are_parsed_again_only_when_they_import_what_is_read(
    text: str, expected: bool
) -> None:
    assert agents.may_use(text) is expected


def test_the_parse_decision_is_linear_on_hostile_text() -> None:
    n = 200_000
    start = time.perf_counter()
    for text in ("import " * n, "import x" + ", y" * n, "from \\\n" * n, "import a\\\n" * n):
        agents.may_use(text)
    assert time.perf_counter() - start < 3.0


def test_require_and_namespace_imports(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "bot.js": (
                "const { Agent, tool } = require('@openai/agents');\n"
                "const refund = tool({ name: 'refund', execute: async () => 'ok' });\n"
                "module.exports = new Agent({ name: 'x', tools: [refund] });\n"
            ),
            "chat.ts": (
                'import * as ai from "ai";\n'
                'const r = await ai.generateText({ tools: { weather: ai.tool({ description: "x" }) } });\n'
            ),
        },
    )
    assert _found(tmp_path) == {
        "bot.js": {
            ("agent", 1, None, None, "@openai/agents"),
            ("tool", 2, "refund", None, "refund"),
        },
        "chat.ts": {("agent", 1, None, None, "ai"), ("tool", 2, "weather", None, "weather")},
    }


def test_a_notebooks_cells_are_one_module_at_the_notebooks_lines(tmp_path: Path) -> None:
    """An import in one cell, the tool in the next; a markdown cell that mentions the
    SDK and a ``%pip`` magic are not code."""
    import json

    cells = [
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": ["# Demo\n", "Uses `from agents import Runner`."],
        },
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": 1,
            "source": [
                "%pip install openai-agents\n",
                "from agents import Agent, Runner, function_tool\n",
            ],
        },
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": 2,
            "source": [
                "@function_tool\n",
                "def book_flight(dest: str) -> str:\n",
                "    return 'ok'\n",
            ],
        },
    ]
    text = json.dumps(
        {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1
    )
    _write(tmp_path, {"demo.ipynb": text})
    lines = text.split("\n")
    at = {
        what: next(k + 1 for k, line in enumerate(lines) if what in line)
        for what in ("from agents import Agent", "@function_tool")
    }
    assert _found(tmp_path) == {
        "demo.ipynb": {
            ("agent", at["from agents import Agent"], None, None, "agents"),
            ("tool", at["@function_tool"], "book_flight", None, "book_flight"),
        }
    }


def test_mastra_servers_each_at_its_key(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "src/mcp.ts": (
                'import { MCPClient } from "@mastra/mcp";\n\nexport const mcp = new MCPClient({\n  id: "main",\n'
                '  servers: {\n    github: {\n      command: "npx",\n'
                '      args: ["-y", "@modelcontextprotocol/server-github"],\n    },\n'
                '    docs: {\n      url: new URL("https://docs.example.com/mcp"),\n    },\n  },\n});\n'
            )
        },
    )
    assert _found(tmp_path) == {
        "src/mcp.ts": {
            ("mcp_server", 6, "github", None, "@modelcontextprotocol/server-github"),
            ("mcp_server", 10, "docs", None, "https://docs.example.com/mcp"),
        }
    }
