"""Agents, the tools they are given and the MCP servers they use or define, in Python
and Jupyter notebooks (:mod:`prodgate.discovery.agents_js` reads JavaScript and
TypeScript the same way).

Python is parsed with ``ast`` (never run). A name counts only through what the file
imports (:mod:`prodgate.discovery.agent_catalogue`): ``Agent`` imported from ``crewai``
is an agent framework, a class of the project's own called ``Agent`` or ``Tool`` is not;
``from agents import Agent`` is the OpenAI Agents SDK only when the file also imports
one of its own names (``Runner``, ``function_tool`` …) or subpackages, so a local
module named ``agents`` is not it. What is found:

- ``agent``: each framework a file imports, once, at its first import;
- ``tool``: a function decorated as a tool (``@function_tool``, ``@tool``,
  ``@mcp.tool()``, ``@agent.tool``, ``@kernel_function``), named after the function or
  the decorator's name; and each element of ``tools=[…]`` in a call (in a file that
  imports an AI SDK or framework), ``bind_tools([…])`` and ``create_react_agent(model,
  […])``: a function, a tool class (its effect when the catalogue knows it), a JSON
  schema of a chat-completions call (its ``function.name``), a hosted tool's ``type``;
- ``mcp_server``: a server defined with the SDK (``FastMCP("name")``, ``Server(…)``; its
  source is the file), and each server a client starts or reaches
  (``StdioServerParameters(command=…, args=[…])``, ``streamablehttp_client(url)``, the
  frameworks' MCP classes, ``MultiServerMCPClient({...})``, a hosted ``{"type": "mcp"}``
  tool), with its source in the normal form of :mod:`prodgate.discovery.mcp_source`.

A file that does not parse yields none of these (its imports are still found by
:mod:`prodgate.discovery.code`'s fallback). Every walk is over the syntax tree once.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from prodgate.discovery import agent_catalogue as ac
from prodgate.discovery.mcp_source import source
from prodgate.discovery.model import Detection
from prodgate.discovery.pytree import KEPT, imports, walk
from prodgate.discovery.spelling import python_names, utf8

if TYPE_CHECKING:
    from prodgate.linear import Pattern

_ROOTS = (
    "agents|mcp|fastmcp|crewai|autogen|ag2|smolagents|pydantic_ai|semantic_kernel|llama_index|langgraph|"
    r"google(?:\.adk|\.genai|\.generativeai|[ \t]{1,20}import[ \t]{1,20}(?:genai|generativeai|adk))|"
    "langchain|openai|anthropic|vertexai|mistralai|litellm|cohere|groq|ollama|huggingface_hub|together"
)
_GAP = r"(?:[ \t\f]|\\\r?\n)"


@functools.cache
def _may_use_pattern() -> Pattern:
    """An import of a package whose agents, tools or MCP servers this module reads
    (after ``from``/``import``, blanks and backslash continuations between, or after a
    comma on an import's line), or Bedrock's ``toolConfig``: without one, a file yields
    nothing here and is not parsed again (``tools`` is a common word; a parse is what
    costs). RE2: linear in the text."""
    from prodgate.linear import compile_pattern

    return compile_pattern(
        rf"\b(?:from|import){_GAP}+(?:{_ROOTS})|\bimport\b(?:[^\n]|\\\r?\n)*,{_GAP}*(?:{_ROOTS})|toolConfig"
    )


MAX_NAME = 200


def may_use(text: str) -> bool:
    """Whether a Python file can hold an agent, a tool or an MCP server (one search,
    in the text folded as Python reads names)."""
    return _may_use_pattern().search(utf8(python_names(text))) is not None


def detection(
    rel: str,
    line: int,
    kind: str,
    signature: str,
    provider: str | None,
    match: str,
    name: str | None = None,
    effect: str | None = None,
) -> Detection:
    shown = name[:MAX_NAME] if name else None
    return Detection(
        rel, max(line, 1), kind, signature, provider, None, match[:500], None, shown, effect
    )


def python(rel: str, text: str) -> Iterator[Detection]:
    """The agents, tools and MCP servers of a Python module."""
    tree = parse(text)
    if tree is not None:
        yield from of_tree(rel, tree, python_names(text))


def parse(text: str) -> ast.Module | None:
    """The module's syntax tree when it can hold an agent, a tool or an MCP server
    (:func:`may_use`) and parses; else None."""
    if not may_use(text):
        return None
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


@functools.cache
def _acts_pattern() -> Pattern:
    """What every tool and MCP server this module reads is spelt with, in a call, a
    decorator or an import (``tools=``, ``@function_tool``, ``FunctionTool``,
    ``toolConfig``, ``FastMCP``, ``from autogen_ext.tools.mcp import …``,
    ``@kernel_function``, ``register_for_llm``, ``create_react_agent(model, [...])``).
    RE2: linear in the text."""
    from prodgate.linear import compile_pattern

    return compile_pattern(r"(?i)tool|mcp|kernel_function|register_for_llm|react_agent")


def of_tree(rel: str, tree: ast.Module, text: str | None = None) -> Iterator[Detection]:
    """The agents, tools and MCP servers of a parsed Python module. ``text``: its
    source, folded as Python reads names; without a word that every tool and MCP
    server is spelt with (:func:`_acts_pattern`), only its imports can show anything
    (the frameworks it uses), and only its statements are walked, not every
    expression: on an AI framework's own sources (crewAI) two thirds of the modules."""
    deep = text is None or _acts_pattern().search(utf8(text)) is not None
    try:
        yield from _Module(rel, tree, deep=deep).detections()
    except RecursionError:  # a hostile nesting depth: what was found so far stands
        return


def notebook(rel: str, text: str) -> Iterator[Detection]:
    """The agents, tools and MCP servers of a Jupyter notebook's code cells, read
    together as one module (a cell uses what an earlier one imported), at the lines
    of the ``.ipynb`` file."""
    import json

    from prodgate.discovery.code import _cell_lines, _locate
    from prodgate.discovery.lexer import line_starts

    if not may_use(text):
        return
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return
    cells = doc.get("cells") if isinstance(doc, dict) else None
    if not isinstance(cells, list):
        return
    starts = line_starts(text)
    cursor = 0
    body: list[str] = []
    lines: list[int] = []
    for cell in cells:
        source = cell.get("source") if isinstance(cell, dict) else None
        pieces = source if isinstance(source, list) else [source] if isinstance(source, str) else []
        for piece in (p for p in pieces if isinstance(p, str)):
            cursor, line = _locate(text, starts, piece, cursor)
            if cell.get("cell_type") != "code":
                continue
            for part in piece.removesuffix("\n").split("\n"):
                # IPython magics and shell escapes are not Python.
                body.append("" if part.lstrip().startswith(("%", "!", "?")) else part)
                lines.append(line)
    if not body:
        return
    where = _cell_lines(lines)
    for det in python(rel, "\n".join(body)):
        yield det.at(where(det.line))


class _Module:
    def __init__(self, rel: str, tree: ast.Module, *, deep: bool = True) -> None:
        self.rel = rel
        self.nodes = walk(tree).kinds if deep else _imports_only(tree)
        self.names: dict[str, str] = {}
        """Local name -> what it is, qualified (``FastMCP`` -> ``mcp.server.fastmcp.FastMCP``)."""
        self.first: dict[str, tuple[int, str]] = {}
        """Framework id -> (line, module) of its first import."""
        self.sdk_names: set[str] = set()
        self.modules: set[str] = set()
        self._imports()
        if "agents" in self.names.values():  # import agents; agents.Runner: read its attributes
            if not deep:
                self.nodes = walk(tree).kinds
            self.sdk_names |= {
                n.attr
                for n in self.nodes[ast.Attribute]
                if isinstance(n, ast.Attribute)
                and isinstance(n.value, ast.Name)
                and self.names.get(n.value.id) == "agents"
            }
        self.openai_agents = bool(self.sdk_names & ac.OPENAI_AGENTS_NAMES) or any(
            m.split(".")[0] == "agents"
            and len(m.split(".")) > 1
            and m.split(".")[1] in ac.OPENAI_AGENTS_SUBMODULES
            for m in self.modules
        )
        self.ai = self.openai_agents or any(
            _covered(m, ac.AI_ROOTS - {"agents"}) for m in self.modules
        )
        self.objects: dict[str, str] = {}
        """Variable -> qualified name of the call that built it (``mcp = FastMCP(…)``)."""
        self.dicts: dict[str, ast.Dict] = {}
        self.lists: dict[str, ast.AST] = {}
        """Variable -> the list or tuple first assigned to it (``TOOLS = [...]``)."""
        self._assignments()
        self.expanded: set[str] = set()

    # -- imports ------------------------------------------------------------------------
    def _imports(self) -> None:
        for node in _in_order(self.nodes[ast.Import] + self.nodes[ast.ImportFrom]):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    self.names[local] = alias.name if alias.asname else alias.name.split(".")[0]
                    self._module(alias.name, node.lineno)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for alias in node.names:
                    self.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                    if node.module == "agents" or node.module.startswith("agents."):
                        self.sdk_names.add(alias.name)
                self._module(node.module, node.lineno)

    def _module(self, module: str, line: int) -> None:
        self.modules.add(module)
        framework = _framework(module)
        if framework is not None:
            prior = self.first.get(framework[1])
            if prior is None or line < prior[0]:
                self.first[framework[1]] = (line, module)

    def _assignments(self) -> None:
        for node in _in_order(self.nodes[ast.Assign] + self.nodes[ast.AnnAssign]):
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if not isinstance(target, ast.Name):
                        continue
                    if isinstance(node.value, ast.Call):
                        qual = self.qual(node.value.func)
                        if qual is not None:
                            self.objects.setdefault(target.id, qual)
                    elif isinstance(node.value, (ast.List, ast.Tuple)):
                        self.lists.setdefault(target.id, node.value)
                    elif isinstance(node.value, ast.Dict):
                        self.dicts.setdefault(target.id, node.value)

    def qual(self, expr: ast.AST) -> str | None:
        """What an expression names, through the file's imports (None: not imported)."""
        parts: list[str] = []
        while isinstance(expr, ast.Attribute):
            parts.append(expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name) or expr.id not in self.names:
            return None
        return ".".join([self.names[expr.id], *reversed(parts)])

    def sdk(self, qual: str | None) -> bool:
        """Whether ``qual`` is real: a name of ``agents`` counts only when the file is the SDK's."""
        return qual is not None and (qual.split(".")[0] != "agents" or self.openai_agents)

    # -- what the module shows -------------------------------------------------------------
    def detections(self) -> Iterator[Detection]:
        for framework, (line, module) in sorted(self.first.items()):
            if framework != "openai-agents" or self.openai_agents:
                yield detection(self.rel, line, "agent", "agent-framework", framework, module)
        decorated: set[str] = set()
        for node in self.nodes[ast.FunctionDef] + self.nodes[ast.AsyncFunctionDef]:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for det in self._decorated(node):
                    decorated.add(node.name)
                    yield det
        for node in self.nodes[ast.Call]:
            if isinstance(node, ast.Call):
                yield from self._mcp(node)
                yield from self._tools_of(node, decorated)

    def _decorated(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[Detection]:
        for dec in node.decorator_list:
            call = dec if isinstance(dec, ast.Call) else None
            target = call.func if call is not None else dec
            qual = self.qual(target)
            framework: str | None = None
            signature = "tool-decorator"
            if qual is not None and self.sdk(qual):
                framework = ac.PY_TOOL_DECORATORS.get(qual)
            if (
                framework is None
                and isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
            ):
                owner = self.objects.get(target.value.id)
                method = target.attr
                if owner is not None and self.sdk(owner) and method in ("tool", "tool_plain"):
                    if (
                        _root(owner) in ("mcp", "fastmcp")
                        and owner.rsplit(".", 1)[-1] in ("FastMCP", "MCPServer")
                        and method == "tool"
                    ):
                        framework, signature = "mcp", "mcp-sdk-tool"
                    elif _root(owner) == "pydantic_ai":
                        framework = "pydantic-ai"
                elif method == "register_for_llm" and "autogen" in self.first:
                    framework = "autogen"
            if framework is None:
                continue
            name = _string_arg(call, 0, ("name", "name_override")) if call is not None else None
            yield detection(
                self.rel, dec.lineno, "tool", signature, framework, node.name, name or node.name
            )
            return

    # -- tools given in calls ----------------------------------------------------------------
    def _tools_of(self, node: ast.Call, decorated: set[str]) -> Iterator[Detection]:
        if not self.ai and not any(k.arg == "toolConfig" for k in node.keywords):
            return  # `tools=` is a model's tools only where the file uses a model
        func = node.func
        method = (
            func.attr
            if isinstance(func, ast.Attribute)
            else func.id
            if isinstance(func, ast.Name)
            else ""
        )
        given: list[ast.AST] = [k.value for k in node.keywords if k.arg == "tools" and self.ai]
        if method in ("bind_tools", "from_tools") and node.args:
            given.append(node.args[0])
        if method == "create_react_agent" and len(node.args) >= 2:
            given.append(node.args[1])
        config = next((k.value for k in node.keywords if k.arg == "toolConfig"), None)
        if not given and config is None:
            return  # most calls: no tools given (whose framework would not be asked)
        qual = self.qual(func)
        owner = _framework(qual) if qual is not None else None
        framework = owner[1] if owner is not None else None
        if config is not None:  # Bedrock's Converse: {"tools": [{"toolSpec": {"name": ...}}]}
            if isinstance(config, ast.Name):
                config = self.dicts.get(config.id)
            listed = _dict_value(config, "tools") if isinstance(config, ast.Dict) else None
            if listed is not None:
                given.append(listed)
        for value in given:
            for element in self._elements(value):
                yield from self._tool(element, framework, decorated)

    def _elements(self, value: ast.AST, depth: int = 0) -> Iterator[ast.AST]:
        """The elements of a list of tools: a list or tuple written there, one assigned
        to a variable (read once, however many calls it is given to), ``a + b`` and
        ``[*a, x]`` of those."""
        if depth > 8:
            return
        if isinstance(value, ast.Name) and value.id in self.lists:
            if value.id in self.expanded:
                return  # one list given to many calls: its tools are found once
            self.expanded.add(value.id)
            value = self.lists[value.id]
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
            yield from self._elements(value.left, depth + 1)
            yield from self._elements(value.right, depth + 1)
        elif isinstance(value, (ast.List, ast.Tuple)):
            for element in value.elts:
                if isinstance(element, ast.Starred):
                    yield from self._elements(element.value, depth + 1)
                else:
                    yield element

    def _tool(
        self, element: ast.AST, framework: str | None, decorated: set[str]
    ) -> Iterator[Detection]:
        line = getattr(element, "lineno", 1)
        if isinstance(element, ast.Dict):
            hosted = _literal_dict(element)
            kind = hosted.get("type")
            if kind == "mcp":
                url = hosted.get("server_url")
                yield detection(
                    self.rel,
                    line,
                    "mcp_server",
                    "mcp-hosted",
                    framework,
                    source(None, (), url if isinstance(url, str) else None) or "hosted",
                    _text(hosted.get("server_label")),
                )
                return
            function = hosted.get("function") or hosted.get("toolSpec")
            name = _text(function.get("name")) if isinstance(function, dict) else None
            name = name or _text(hosted.get("name"))
            if name is None and isinstance(kind, str) and kind != "function":
                name = kind
            if name is not None:
                effect = (
                    ac.effect_of(kind) if isinstance(kind, str) and kind != "function" else None
                )
                yield detection(
                    self.rel, line, "tool", "tool-schema", framework, name, name, effect
                )
            return
        if isinstance(element, ast.Name):
            if element.id in decorated:
                return  # found where it is defined
            built = self.objects.get(element.id)
            cls = built.rsplit(".", 1)[-1] if built is not None else None
            yield detection(
                self.rel,
                line,
                "tool",
                "tool-argument",
                framework,
                element.id,
                element.id,
                # A class or tool the file imports: one of its own of the same name is not it.
                ac.effect_of(cls)
                if cls
                else ac.effect_of(element.id)
                if element.id in self.names
                else None,
            )
        elif isinstance(element, ast.Attribute):
            yield detection(
                self.rel,
                line,
                "tool",
                "tool-argument",
                framework,
                element.attr,
                element.attr,
                ac.effect_of(element.attr) if self.qual(element) is not None else None,
            )
        elif isinstance(element, ast.Call):
            qual = self.qual(element.func)
            if qual is not None and qual.rsplit(".", 1)[-1] in ac.MCP_WRAPPERS:
                return  # MCP servers, found as such
            callee = (
                element.func.attr
                if isinstance(element.func, ast.Attribute)
                else element.func.id
                if isinstance(element.func, ast.Name)
                else ""
            )
            name = _string_arg(element, -1, ("name", "name_override"))
            if name is None and callee in ac.TOOL_FACTORIES:
                wrapped = next(
                    (k.value for k in element.keywords if k.arg in ("fn", "func", "function")),
                    element.args[0] if element.args else None,
                )
                name = (
                    wrapped.id
                    if isinstance(wrapped, ast.Name)
                    else wrapped.attr
                    if isinstance(wrapped, ast.Attribute)
                    else None
                )
            if not callee:
                return
            yield detection(
                self.rel,
                line,
                "tool",
                "tool-argument",
                framework,
                callee,
                name or callee,
                ac.effect_of(callee) if qual is not None else None,
            )

    # -- MCP ----------------------------------------------------------------------------------
    def _mcp(self, node: ast.Call) -> Iterator[Detection]:
        func = node.func  # the name a call's qualified name ends with, asked first (most calls)
        if isinstance(func, ast.Attribute):
            last = func.attr
        elif isinstance(func, ast.Name) and func.id in self.names:
            last = self.names[func.id].rsplit(".", 1)[-1]
        else:
            return
        if last not in _MCP_LAST:
            return
        qual = self.qual(func)
        if qual is None or not self.sdk(qual):
            return
        how = ac.PY_MCP.get((_root(qual), qual.rsplit(".", 1)[-1]))
        if how is None:
            return
        if (
            how == "server"
            and qual.rsplit(".", 1)[-1] == "Server"
            and not qual.startswith("mcp.server")
        ):
            return
        line = node.lineno
        if how == "server":
            yield detection(
                self.rel,
                line,
                "mcp_server",
                "mcp-sdk-server",
                "mcp",
                self.rel,
                _string_arg(node, 0, ("name",)),
            )
        elif how == "hosted":
            config = next(
                (k.value for k in node.keywords if k.arg == "tool_config"),
                node.args[0] if node.args else None,
            )
            data = _literal_dict(config) if isinstance(config, ast.Dict) else {}
            url = data.get("server_url")
            yield detection(
                self.rel,
                line,
                "mcp_server",
                "mcp-hosted",
                "openai-agents",
                source(None, (), url if isinstance(url, str) else None) or "hosted",
                _text(data.get("server_label")),
            )
        elif how == "servers":
            servers = (
                node.args[0]
                if node.args
                else next((k.value for k in node.keywords if k.arg == "connections"), None)
            )
            if isinstance(servers, ast.Dict):
                for key, value in zip(servers.keys, servers.values, strict=True):
                    if (
                        isinstance(key, ast.Constant)
                        and isinstance(key.value, str)
                        and isinstance(value, ast.Dict)
                    ):
                        found = _from_params(_literal_dict(value))
                        if found:
                            yield detection(
                                self.rel,
                                key.lineno,
                                "mcp_server",
                                "mcp-sdk-client",
                                None,
                                found,
                                key.value,
                            )
        else:
            found = self._client_source(node, how)
            if found:
                yield detection(
                    self.rel,
                    line,
                    "mcp_server",
                    "mcp-sdk-client",
                    None,
                    found,
                    _string_arg(node, -1, ("name",)),
                )

    def _client_source(self, node: ast.Call, how: str) -> str | None:
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        first = node.args[0] if node.args else None
        if how == "params":
            params = (
                kw.get("params") or kw.get("server_parameters") or kw.get("serverparams") or first
            )
            if isinstance(params, ast.Dict):
                return _from_params(_literal_dict(params))
            return None  # a StdioServerParameters(...) inside is found as itself
        if how == "url":
            url = kw.get("url") or first
            return _expr_text(url)
        command = kw.get("command") or first
        command_text = _expr_text(command)
        if (
            how == "url-or-command"
            and command_text
            and command_text.startswith(("http://", "https://", "ws://", "wss://"))
        ):
            return command_text
        args = kw.get("args")
        words = (
            [w for w in (_expr_text(e) for e in args.elts) if w]
            if isinstance(args, (ast.List, ast.Tuple))
            else []
        )
        return source(command_text, words) if command_text else None


def _imports_only(tree: ast.AST) -> dict[type, list[ast.AST]]:
    """The nodes by kind of :func:`prodgate.discovery.pytree.walk`, with only the
    imports filled in (a walk of the statements)."""
    out: dict[type, list[ast.AST]] = {kind: [] for kind in KEPT}
    for node in imports(tree):
        out[type(node)].append(node)
    return out


def _in_order(nodes: list[ast.AST]) -> list[ast.AST]:
    """Nodes in the order of the source (the walk's order is not)."""
    return sorted(nodes, key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))


def _dict_value(node: ast.Dict, key: str) -> ast.AST | None:
    """The value of a string key in a dict display."""
    for k, v in zip(node.keys, node.values, strict=True):
        if isinstance(k, ast.Constant) and k.value == key:
            return v
    return None


def _covered(module: str, roots: frozenset[str]) -> bool:
    return any(module == r or module.startswith(r + ".") for r in roots)


@functools.lru_cache(maxsize=4096)
def _framework(module: str) -> tuple[str, str] | None:
    """The framework a module belongs to (the longest listed module that covers it).
    Cached: a framework's own sources import a few hundred modules thousands of times."""
    best: tuple[str, str] | None = None
    for prefix, framework in ac.PY_FRAMEWORKS:
        if (module == prefix or module.startswith(prefix + ".")) and (
            best is None or len(prefix) > len(best[0])
        ):
            best = (prefix, framework)
    return best


_MCP_LAST = frozenset(last for _root, last in ac.PY_MCP)
"""The last part of every qualified name :data:`ac.PY_MCP` knows."""


def _root(qual: str) -> str:
    return qual.split(".", 1)[0]


def _text(value: Any) -> str | None:
    return value.strip()[:MAX_NAME] if isinstance(value, str) and value.strip() else None


def _string_arg(call: ast.Call | None, index: int, keywords: tuple[str, ...]) -> str | None:
    """A string given by keyword, or as the ``index``-th positional argument (-1: none)."""
    if call is None:
        return None
    for k in call.keywords:
        if (
            k.arg in keywords
            and isinstance(k.value, ast.Constant)
            and isinstance(k.value.value, str)
        ):
            return _text(k.value.value)
    if 0 <= index < len(call.args):
        arg = call.args[index]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return _text(arg.value)
    return None


def _expr_text(expr: ast.AST | None) -> str | None:
    """A literal string as it is, anything else as the code that computes it."""
    if expr is None:
        return None
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if (
        isinstance(expr, ast.Call)
        and expr.args
        and isinstance(expr.args[0], ast.Constant)
        and isinstance(expr.args[0].value, str)
    ):
        return expr.args[0].value  # URL("https://...")
    try:
        return ast.unparse(expr)[:200]
    except (ValueError, RecursionError):
        return None


def _literal_dict(node: ast.AST) -> dict[str, Any]:
    """The literal keys and values of a dict display (strings, lists of strings, nested dicts)."""
    out: dict[str, Any] = {}
    if not isinstance(node, ast.Dict):
        return out
    for key, value in zip(node.keys, node.values, strict=True):
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            if isinstance(value, ast.Constant):
                out[key.value] = value.value
            elif isinstance(value, ast.Dict):
                out[key.value] = _literal_dict(value)
            elif isinstance(value, (ast.List, ast.Tuple)):
                out[key.value] = [e.value for e in value.elts if isinstance(e, ast.Constant)]
    return out


def _from_params(data: dict[str, Any]) -> str | None:
    """The source of ``{"command": ..., "args": [...]}`` or ``{"url": ...}``."""
    url = next(
        (v for k in ("url", "server_url", "serverUrl") if isinstance(v := data.get(k), str) and v),
        None,
    )
    command = data.get("command") if isinstance(data.get("command"), str) else None
    args = (
        [str(a) for a in data.get("args") or [] if isinstance(a, (str, int, float))]
        if isinstance(data.get("args"), list)
        else []
    )
    if url is None and command is None:
        return None
    return source(command, args, url)
