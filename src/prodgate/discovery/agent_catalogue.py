"""What agent frameworks, tools and MCP clients look like in code, as data.

:mod:`prodgate.discovery.agents` reads Python with ``ast`` and JavaScript/TypeScript
with the lexer; this module says which imported names mean what. A name counts only
when the file imports it from the package named here (``Agent`` of ``crewai``, not a
class of the project's own called ``Agent``), so a look-alike is never a detection.
"""

from __future__ import annotations

# -- agent frameworks --------------------------------------------------------------------
PY_FRAMEWORKS: tuple[tuple[str, str], ...] = (
    # module (a.b covers a.b.c) -> framework id; the longest module wins
    ("agents", "openai-agents"),
    ("langgraph", "langgraph"),
    ("langchain.agents", "langchain"),
    ("crewai", "crewai"),
    ("crewai_tools", "crewai"),
    ("autogen", "autogen"),
    ("autogen_agentchat", "autogen"),
    ("autogen_core", "autogen"),
    ("autogen_ext", "autogen"),
    ("smolagents", "smolagents"),
    ("pydantic_ai", "pydantic-ai"),
    ("semantic_kernel.agents", "semantic-kernel"),
    ("google.adk", "google-adk"),
    ("llama_index.core.agent", "llamaindex"),
    ("llama_index.agent", "llamaindex"),
)

OPENAI_AGENTS_NAMES = frozenset(
    {
        "Runner",
        "function_tool",
        "RunContextWrapper",
        "handoff",
        "ModelSettings",
        "RunConfig",
        "RunResult",
        "set_default_openai_key",
        "set_default_openai_client",
        "set_default_openai_api",
        "set_tracing_disabled",
        "WebSearchTool",
        "FileSearchTool",
        "ComputerTool",
        "HostedMCPTool",
        "CodeInterpreterTool",
        "LocalShellTool",
        "ShellTool",
        "ImageGenerationTool",
        "input_guardrail",
        "output_guardrail",
        "GuardrailFunctionOutput",
        "InputGuardrail",
        "OutputGuardrail",
        "SQLiteSession",
        "trace",
        "ItemHelpers",
        "OpenAIChatCompletionsModel",
        "OpenAIResponsesModel",
        "AgentHooks",
        "RunHooks",
        "ModelBehaviorError",
        "MaxTurnsExceeded",
    }
)
"""Names only the OpenAI Agents SDK's ``agents`` package exports: a local module named
``agents`` that offers an ``Agent`` class is not the SDK; one imported for ``Runner``
or ``function_tool`` is (as is any of the SDK's subpackages below)."""

OPENAI_AGENTS_SUBMODULES = frozenset(
    {"mcp", "extensions", "voice", "realtime", "tracing", "models", "run", "tool", "agent"}
)

AI_ROOTS = frozenset(
    {
        "openai",
        "anthropic",
        "google.genai",
        "google.generativeai",
        "vertexai",
        "mistralai",
        "litellm",
        "cohere",
        "groq",
        "ollama",
        "langchain",
        "langchain_core",
        "langchain_openai",
        "langchain_anthropic",
        "langchain_community",
        "langgraph",
        "llama_index",
        "semantic_kernel",
        "crewai",
        "autogen",
        "autogen_agentchat",
        "autogen_ext",
        "smolagents",
        "pydantic_ai",
        "google.adk",
        "agents",
        "mcp",
        "fastmcp",
        "huggingface_hub",
        "together",
    }
)
"""Modules whose import makes ``tools=[…]`` in a call a model's tools: elsewhere a
keyword named ``tools`` is anything."""

# -- tools -----------------------------------------------------------------------------------
PY_TOOL_DECORATORS: dict[str, str] = {
    # qualified decorator -> framework id
    "agents.function_tool": "openai-agents",
    "langchain_core.tools.tool": "langchain",
    "langchain_core.tools.convert.tool": "langchain",
    "langchain.tools.tool": "langchain",
    "langchain.agents.tool": "langchain",
    "crewai.tools.tool": "crewai",
    "crewai_tools.tool": "crewai",
    "smolagents.tool": "smolagents",
    "semantic_kernel.functions.kernel_function": "semantic-kernel",
    "semantic_kernel.functions.kernel_function_decorator.kernel_function": "semantic-kernel",
    "llama_index.core.tools.tool": "llamaindex",
}
PY_TOOL_METHODS = {"tool": "mcp", "tool_plain": "pydantic-ai", "register_for_llm": "autogen"}
"""Decorators that are methods of an object the file builds: ``@mcp.tool()`` of a
``FastMCP``, ``@agent.tool`` of a Pydantic AI ``Agent``, AutoGen's
``@assistant.register_for_llm()``."""

MCP_WRAPPERS = frozenset(
    {
        "HostedMCPTool",
        "hostedMcpTool",
        "MCPToolset",
        "McpToolset",
        "MCPTools",
        "MCPServerAdapter",
        "MCPServerTool",
    }
)
"""Tools that stand for an MCP server's tools: the server is the detection."""

TOOL_FACTORIES = frozenset(
    {
        "from_defaults",
        "from_function",
        "function_tool",
        "FunctionTool",
        "StructuredTool",
        "Tool",
        "tool",
        "AgentTool",
        "LongRunningFunctionTool",
    }
)
"""Calls that wrap a function as a tool: the tool is named after the function (or
their ``name=``)."""

EFFECTS: dict[str, str] = {
    # execute: the model runs code or commands
    "ShellTool": "execute",
    "BashProcess": "execute",
    "PythonREPLTool": "execute",
    "PythonAstREPLTool": "execute",
    "PythonREPL": "execute",
    "E2BDataAnalysisTool": "execute",
    "CodeInterpreterTool": "execute",
    "LocalShellTool": "execute",
    "ComputerTool": "execute",
    "PythonInterpreterTool": "execute",
    "BuiltInCodeExecutor": "execute",
    "code_interpreter": "execute",
    "local_shell": "execute",
    "shell": "execute",
    "computer_use_preview": "execute",
    "computer": "execute",
    "bash": "execute",
    "code_execution": "execute",
    "CodeExecutionTool": "execute",
    "TerminalTool": "execute",
    # write: the model changes files, databases or systems
    "WriteFileTool": "write",
    "DeleteFileTool": "write",
    "MoveFileTool": "write",
    "CopyFileTool": "write",
    "FileManagementToolkit": "write",
    "text_editor": "write",
    "str_replace_editor": "write",
    "str_replace_based_edit_tool": "write",
    "apply_patch": "write",
    "QuerySQLDatabaseTool": "write",
    "QuerySQLDataBaseTool": "write",
    "SQLDatabaseToolkit": "write",
    "RequestsPostTool": "write",
    "RequestsPutTool": "write",
    "RequestsPatchTool": "write",
    "RequestsDeleteTool": "write",
    "FileWriterTool": "write",
    "GitHubToolkit": "write",
    # communicate: the model sends messages to people
    "GmailSendMessage": "communicate",
    "GmailCreateDraft": "communicate",
    "GmailToolkit": "communicate",
    "SlackSendMessage": "communicate",
    "SlackToolkit": "communicate",
    "O365SendMessage": "communicate",
    "O365Toolkit": "communicate",
    "TwilioAPIWrapper": "communicate",
    # payment: the model moves money
    "StripeAgentToolkit": "payment",
    # read: the model looks things up
    "ReadFileTool": "read",
    "ListDirectoryTool": "read",
    "FileSearchTool": "read",
    "file_search": "read",
    "WebSearchTool": "read",
    "web_search": "read",
    "web_search_preview": "read",
    "web_fetch": "read",
    "DuckDuckGoSearchRun": "read",
    "DuckDuckGoSearchResults": "read",
    "DuckDuckGoSearchTool": "read",
    "TavilySearchResults": "read",
    "TavilySearch": "read",
    "WikipediaQueryRun": "read",
    "ArxivQueryRun": "read",
    "GoogleSearchRun": "read",
    "GoogleSearchTool": "read",
    "BraveSearch": "read",
    "SerperDevTool": "read",
    "ScrapeWebsiteTool": "read",
    "WebsiteSearchTool": "read",
    "VisitWebpageTool": "read",
    "RequestsGetTool": "read",
    "google_search": "read",
    # the OpenAI Agents SDK for JavaScript's hosted tools
    "webSearchTool": "read",
    "fileSearchTool": "read",
    "codeInterpreterTool": "execute",
    "computerTool": "execute",
    "shellTool": "execute",
    "applyPatchTool": "write",
    "WikipediaSearchTool": "read",
    "FileReadTool": "read",
    "DirectoryReadTool": "read",
}
"""Tools whose effect is known: classes of the frameworks' tool libraries, the hosted
tools' ``type`` of the OpenAI and Anthropic APIs (``bash_20250124`` is ``bash``). Any
other tool's effect is not told (None): the code says what it is called, not what it
does."""


def effect_of(name: str) -> str | None:
    """The effect of a tool class or hosted tool type (a dated type, ``bash_20250124``,
    as its name without the date)."""
    found = EFFECTS.get(name)
    if found is None and "_20" in name:
        found = EFFECTS.get(name.rsplit("_20", 1)[0])
    return found


# -- MCP in Python -----------------------------------------------------------------------------
# (module root, called name) -> how the call names its server
PY_MCP: dict[tuple[str, str], str] = {
    ("mcp", "FastMCP"): "server",
    ("fastmcp", "FastMCP"): "server",
    ("mcp", "MCPServer"): "server",  # FastMCP's name in mcp 2
    ("mcp", "Server"): "server",
    ("mcp", "StdioServerParameters"): "stdio",
    ("mcp", "streamablehttp_client"): "url",
    ("mcp", "streamable_http_client"): "url",
    ("mcp", "sse_client"): "url",
    ("mcp", "websocket_client"): "url",
    ("fastmcp", "Client"): "url-or-command",
    ("agents", "MCPServerStdio"): "params",
    ("agents", "MCPServerSse"): "params",
    ("agents", "MCPServerStreamableHttp"): "params",
    ("agents", "HostedMCPTool"): "hosted",
    ("pydantic_ai", "MCPServerStdio"): "stdio",
    ("pydantic_ai", "MCPServerStreamableHTTP"): "url",
    ("pydantic_ai", "MCPServerSSE"): "url",
    ("pydantic_ai", "MCPServerHTTP"): "url",
    ("langchain_mcp_adapters", "MultiServerMCPClient"): "servers",
    ("google", "StreamableHTTPConnectionParams"): "url",
    ("google", "SseConnectionParams"): "url",
    ("google", "SseServerParams"): "url",
    ("autogen_ext", "StdioServerParams"): "stdio",
    ("autogen_ext", "SseServerParams"): "url",
    ("autogen_ext", "StreamableHttpServerParams"): "url",
    ("smolagents", "MCPClient"): "params",
    ("crewai_tools", "MCPServerAdapter"): "params",
    ("llama_index", "BasicMCPClient"): "url-or-command",
}


# -- JavaScript and TypeScript -------------------------------------------------------------------
JS_FRAMEWORKS: dict[str, str] = {
    # package -> framework id (an import of it is an agent framework)
    "@openai/agents": "openai-agents",
    "@openai/agents-core": "openai-agents",
    "@openai/agents-openai": "openai-agents",
    "@langchain/langgraph": "langgraph",
    "@mastra/core": "mastra",
    "@google/adk": "google-adk",
    "@llamaindex/workflow": "llamaindex",
}
JS_VERCEL_AGENT_NAMES = frozenset(
    {"tool", "Experimental_Agent", "ToolLoopAgent", "dynamicTool", "experimental_createMCPClient"}
)
"""What makes the Vercel AI SDK (package ``ai``) an agent: a tool given to the model
(``generateText`` alone is a model call, found as an import)."""

JS_TOOL_FACTORIES: dict[str, str] = {
    # package.name -> framework id: `tool({...})` / `tool(fn, {...})`
    "@openai/agents.tool": "openai-agents",
    "ai.tool": "vercel-ai",
    "ai.dynamicTool": "vercel-ai",
    "@langchain/core/tools.tool": "langchain",
    "@mastra/core/tools.createTool": "mastra",
    "@google/adk.FunctionTool": "google-adk",
}

JS_MCP: dict[str, str] = {
    # imported name (package prefix . name) -> how the call names its server
    "@modelcontextprotocol/sdk.McpServer": "server",
    "@modelcontextprotocol/sdk.Server": "server",
    "@modelcontextprotocol/sdk.StdioClientTransport": "stdio",
    "@modelcontextprotocol/sdk.StreamableHTTPClientTransport": "url",
    "@modelcontextprotocol/sdk.SSEClientTransport": "url",
    "@modelcontextprotocol/sdk.WebSocketClientTransport": "url",
    "@openai/agents.MCPServerStdio": "stdio",
    "@openai/agents.MCPServerStreamableHttp": "url",
    "@openai/agents.MCPServerSSE": "url",
    "@openai/agents.hostedMcpTool": "hosted",
    "ai.experimental_createMCPClient": "url",
    "@mastra/mcp.MCPClient": "servers",
}
