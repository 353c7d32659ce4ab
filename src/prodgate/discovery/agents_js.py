"""Agents, the tools they are given and the MCP servers they use or define, in
JavaScript and TypeScript (:mod:`prodgate.discovery.agents` for what is found, and
Python).

The file is lexed (comments never count; strings are read as written) and read in a
few passes, each linear in the text: the imports (found by their module string, the
clause read back a bounded way), then the calls of what the file imports (every call
found in one pass and looked up in a set), each call's own object literal (its
properties at its own level only, not a ``name`` in a nested object or a function's
body). ``new McpServer({name})`` and its ``server.tool("name", …)``/``registerTool``;
``StdioClientTransport({command, args})``, ``StreamableHTTPClientTransport(new URL(…))``;
``tool({name})`` of ``@openai/agents``, ``tools: {key: tool(…)}`` of the Vercel AI SDK;
``tools: [...]`` in a file that imports a framework or a model's SDK. A region read for
one call is at most 20,000 characters, and once the file's budget (twice its length) is
spent, 200: however a file nests its calls, its reading stays linear.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from prodgate.discovery import agent_catalogue as ac
from prodgate.discovery.agents import detection
from prodgate.discovery.mcp_source import source
from prodgate.discovery.model import Detection
from prodgate.discovery.safe_regex import LazyPattern

_JS_FROM = LazyPattern(r"\bfrom[ \t\r\n]{0,20}[\"']([^\"'\n]{1,300})[\"']")
_JS_REQUIRE = LazyPattern(r"\brequire[ \t]{0,10}\([ \t]{0,10}[\"']([^\"'\n]{1,300})[\"']")
_JS_CLAUSE = LazyPattern(r"[A-Za-z0-9_$,{}:* \t\r\n]{1,2000}")
_JS_NEW_VAR = LazyPattern(
    r"\b(?:const|let|var)[ \t]{1,20}([A-Za-z_$][A-Za-z0-9_$]{0,100})[ \t]{0,20}(?::[ \t]{0,5}[A-Za-z_$][A-Za-z0-9_$.]{0,60}[ \t]{0,5})?"
    r"=[ \t\r\n]{0,20}(?:await[ \t]{1,10})?(?:new[ \t]{1,10})?([A-Za-z_$][A-Za-z0-9_$]{0,100})[ \t]{0,10}[(<]"
)
_JS_PROP_STRING = LazyPattern(r"\b([A-Za-z_$][A-Za-z0-9_$]{0,60})[ \t]{0,10}:[ \t\r\n]{0,20}[\"'`]")
_JS_TOOLS_ARRAY = LazyPattern(r"\btools[ \t]{0,10}:[ \t\r\n]{0,20}\[")
_JS_SERVERS_KEY = LazyPattern(r"\bservers[ \t]{0,10}:[ \t\r\n]{0,20}\{")
_JS_CALL = LazyPattern(
    r"(?<![\w$.])([A-Za-z_$][\w$]{0,100}(?:\.[A-Za-z_$][\w$]{0,100})?)[ \t]{0,10}(?:<[^>\n]{0,200}>)?[ \t]{0,10}\("
)
"""A call (``tool(``, ``new McpServer(``, ``ai.tool<T>(``): each is looked up in a set
of what the file imports, so the time is one pass whatever names the file binds."""
_JS_SERVER_TOOL = LazyPattern(
    r"(?<![\w$.])([A-Za-z_$][\w$]{0,100})[ \t\r\n]{0,20}\.[ \t\r\n]{0,20}(?:tool|registerTool)[ \t]{0,10}\([ \t\r\n]{0,20}[\"'`]"
)
_PAREN = LazyPattern(r"[()\[\]{}]")
_CLOSE = {"(": ")", "[": "]", "{": "}"}


class _Js:
    """A JavaScript or TypeScript file, lexed: its imports, and the calls of what it imports."""

    def __init__(self, rel: str, text: str) -> None:
        from prodgate.discovery.lexer import C_STYLE, lex

        self.rel = rel
        self.lexed = lex(text, C_STYLE)
        self.code = self.lexed.code
        self.strings = {s.offset: s.value for s in self.lexed.strings}
        self.offsets = [s.offset for s in self.lexed.strings]
        self.budget = 2 * len(self.code) + 100_000
        self.names: dict[str, tuple[str, str]] = {}
        """Local name -> (module specifier, exported name)."""
        self.first: dict[str, tuple[int, str]] = {}
        self.vercel: dict[str, tuple[int, str]] = {}
        self._imports()
        self._vercel_namespaces()
        self.sdk = any(_npm_package(spec) in _JS_SDKS for spec, _name in self.names.values())

    def _imports(self) -> None:
        """``import {a, b as c} from "x"``, ``import d from "x"``, ``import * as e from
        "x"`` and ``const {f} = require("x")``: found by their module string, the
        clause read back from it (at most 2,000 characters: linear in the file)."""
        code = self.code
        done = 0  # what a clause was read back over is not read again
        for m in _JS_FROM.finditer(code):
            at = code.rfind("import", max(done, m.start() - 2000), m.start())
            clause = code[at + len("import") : m.start()] if at != -1 else ""
            done = m.end()
            if clause.strip() and _JS_CLAUSE.fullmatch(clause.replace("type ", "     ")):
                self._bind(clause, m.group(1), at)
        done = 0
        for m in _JS_REQUIRE.finditer(code):
            before = code[max(done, m.start() - 2000) : m.start()].rstrip()
            done = m.end()
            if not before.endswith("="):
                continue
            head = max(before.rfind(k) for k in ("const ", "let ", "var "))
            clause = before[head + 4 : -1] if head != -1 else ""
            if clause.strip() and _JS_CLAUSE.fullmatch(clause):
                self._bind(clause, m.group(1), m.start(), required=True)

    def _bind(self, clause: str, spec: str, at: int, *, required: bool = False) -> None:
        line = self.lexed.line_of(at)
        package = _npm_package(spec)
        framework = ac.JS_FRAMEWORKS.get(package)
        if framework is not None and framework not in self.first:
            self.first[framework] = (line, spec)
        brace = clause.find("{")
        if brace == -1:  # default or namespace import: the module itself
            local = clause.replace("* as", " ").split(",")[0].strip()
            if local:
                self.names[local] = (spec, "*")
                self._namespace(local, spec, line)
            return
        head = clause[:brace].replace(",", " ").strip()
        if head and not required:
            self.names[head.split()[-1]] = (spec, "default")
        inner = clause[
            brace + 1 : clause.find("}", brace) if "}" in clause[brace:] else len(clause)
        ]
        for part in inner.split(","):
            words = part.replace(":", " as ").split()
            words = [w for w in words if w != "type"]
            if not words:
                continue
            exported, local = words[0], words[-1] if "as" in words else words[0]
            self.names[local] = (spec, exported)
        if package == "ai" and any(
            n in ac.JS_VERCEL_AGENT_NAMES for _s, n in self.names.values() if _s == spec
        ):
            self.first.setdefault("vercel-ai", (line, spec))

    def _namespace(self, local: str, spec: str, line: int) -> None:
        """``import * as ai from "ai"``: ``ai.tool(...)`` is the package's ``tool``."""
        package = _npm_package(spec)
        for key in (*ac.JS_MCP, *ac.JS_TOOL_FACTORIES):
            owner, _, name = key.rpartition(".")
            if owner in (spec, package):
                self.names[f"{local}.{name}"] = (spec, name)
        if package == "ai":
            self.vercel.setdefault(local, (line, spec))

    def _vercel_namespaces(self) -> None:
        """The Vercel AI SDK imported whole is an agent when its ``tool`` is called."""
        if not self.vercel:
            return
        for m in _JS_CALL.finditer(self.code):
            local, _, name = m.group(1).rpartition(".")
            if local in self.vercel and name in ac.JS_VERCEL_AGENT_NAMES:
                self.first.setdefault("vercel-ai", self.vercel[local])
                return

    def lookup(self, local: str, table: dict[str, str]) -> str | None:
        """What ``table`` says of a local name, by its module (or package) and name."""
        found = self.names.get(local)
        if found is None:
            return None
        spec, name = found
        return table.get(f"{spec}.{name}") or table.get(f"{_npm_package(spec)}.{name}")

    def region(self, opening: int) -> tuple[int, int]:
        """From a bracket to its match (or a short way, once the file's budget is spent)."""
        limit = 20_000 if self.budget > 0 else 200
        end = min(len(self.code), opening + limit)
        depth = 0
        for m in _PAREN.compiled.finditer(self.code, opening, end):
            c = m.group()
            depth += 1 if c in _CLOSE else -1
            if depth == 0:
                end = m.end()
                break
        self.budget -= end - opening
        return opening, end

    def strings_in(self, start: int, end: int, limit: int = 200) -> list[str]:
        """The string literals that start in a region (at most ``limit``)."""
        k = bisect.bisect_left(self.offsets, start)
        out: list[str] = []
        while k < len(self.offsets) and self.offsets[k] < end and len(out) < limit:
            out.append(self.lexed.strings[k].value)
            k += 1
        return out

    def string_at(self, pos: int) -> str | None:
        return self.strings.get(pos)

    def props(self, start: int, end: int, depth: int = 2) -> dict[str, str]:
        """The string properties of the object a region opens (``name: "weather"`` in
        ``new McpServer({ name: "weather" })``), first of each: only those ``depth``
        brackets in from the region's start, not a ``name`` in a nested object or in
        a function's body."""
        levels: list[tuple[int, int]] = []  # (offset, depth from there on)
        level = 0
        for m in _COMMA_OR_BRACKET.compiled.finditer(self.code, start, end):
            c = m.group()
            if c != ",":
                level += 1 if c in _CLOSE else -1
                levels.append((m.start(), level))
        offsets = [o for o, _l in levels]
        out: dict[str, str] = {}
        for m in _JS_PROP_STRING.compiled.finditer(self.code, start, end):
            k = bisect.bisect_right(offsets, m.start()) - 1
            if k < 0 or levels[k][1] != depth:
                continue
            value = self.string_at(m.end() - 1)
            if value is not None:
                out.setdefault(m.group(1), value)
        return out

    def string_array(self, key: str, start: int, end: int) -> list[str]:
        at = self.code.find(f"{key}", start, end)
        while at != -1:
            rest = self.code[at + len(key) : at + len(key) + 40].lstrip()
            if rest.startswith(":") and rest[1:].lstrip().startswith("["):
                bracket = self.code.find("[", at, end)
                a, b = self.region(bracket)
                return self.strings_in(a, b)
            at = self.code.find(key, at + len(key), end)
        return []

    def detections(self) -> Iterator[Detection]:
        rel = self.rel
        for framework, (line, spec) in sorted(self.first.items()):
            yield detection(rel, line, "agent", "agent-framework", framework, spec)
        if not self.names:
            return
        servers: set[str] = set()
        wrapped: dict[str, str] = {}
        interesting = sorted(
            {
                local
                for local in self.names
                if self.lookup(local, ac.JS_MCP) or self.lookup(local, ac.JS_TOOL_FACTORIES)
            }
        )
        for m in _JS_NEW_VAR.finditer(self.code):
            if self.lookup(m.group(2), ac.JS_MCP) == "server":
                servers.add(m.group(1))
            elif self.lookup(m.group(2), ac.JS_TOOL_FACTORIES) is not None:
                wrapped[m.group(1)] = m.group(2)
        if interesting:
            wanted = set(interesting)
            for m in _JS_CALL.finditer(self.code):
                if m.group(1) in wanted:
                    yield from self._call(m.group(1), m.start(1), m.end() - 1)
        if servers:
            yield from self._server_tools(servers)
        yield from self._tool_lists(wrapped)

    def _call(self, local: str, callee: int, opening: int) -> Iterator[Detection]:
        rel = self.rel
        line = self.lexed.line_of(opening)
        start, end = self.region(opening)
        how = self.lookup(local, ac.JS_MCP)
        props = self.props(start, end)
        if how == "server":
            yield detection(
                rel, line, "mcp_server", "mcp-sdk-server", "mcp", rel, props.get("name")
            )
        elif how == "hosted":
            url = props.get("serverUrl") or props.get("server_url")
            yield detection(
                rel,
                line,
                "mcp_server",
                "mcp-hosted",
                "openai-agents",
                source(None, (), url) or "hosted",
                props.get("serverLabel") or props.get("server_label"),
            )
        elif how == "stdio":
            command = props.get("fullCommand") or props.get("command")
            if command:
                args = self.string_array("args", start, end)
                yield detection(
                    rel,
                    line,
                    "mcp_server",
                    "mcp-sdk-client",
                    None,
                    source(command, args),
                    props.get("name"),
                )
        elif how == "url":
            first = next(iter(self.strings_in(start, end, limit=1)), None)
            url = props.get("url") or first
            if url:
                yield detection(
                    rel,
                    line,
                    "mcp_server",
                    "mcp-sdk-client",
                    None,
                    source(None, (), url),
                    props.get("name"),
                )
        elif how == "servers":
            yield from self._servers(start, end)
        framework = self.lookup(local, ac.JS_TOOL_FACTORIES)
        if framework is not None:
            name = props.get("name")
            if name is None:  # Vercel: `weather: tool({...})` takes the key's name
                name = _key_before(self.code, callee)
            if name is not None:
                yield detection(rel, line, "tool", "tool-factory", framework, name, name)

    def _servers(self, start: int, end: int) -> Iterator[Detection]:
        """Mastra's ``new MCPClient({ servers: { github: { command, args }, docs: {
        url: new URL("…") } } })``: each server at its key."""
        at = _JS_SERVERS_KEY.compiled.search(self.code, start, end)
        if at is None:
            return
        a, b = self.region(at.end() - 1)
        for x, y in self._elements(a + 1, b - 1):
            entry = self.code[x:y]
            colon = entry.find(":")
            brace = entry.find("{", colon)
            if colon == -1 or brace == -1:
                continue
            key = entry[:colon].strip().strip("\"'")
            props = self.props(x + brace, y, depth=1)
            command = props.get("command")
            url = props.get("url") or (
                next(iter(self.strings_in(x + brace, y, limit=1)), None) if "url" in entry else None
            )
            if command:
                found = source(command, self.string_array("args", x + brace, y))
            elif url:
                found = source(None, (), url)
            else:
                continue
            line = self.lexed.line_of(x + len(entry) - len(entry.lstrip()))
            yield detection(
                self.rel, line, "mcp_server", "mcp-sdk-client", "mastra", found, key or None
            )

    def _server_tools(self, servers: set[str]) -> Iterator[Detection]:
        for m in _JS_SERVER_TOOL.finditer(self.code):
            name = self.string_at(m.end() - 1)
            if m.group(1) in servers and name:
                yield detection(
                    self.rel,
                    self.lexed.line_of(m.start()),
                    "tool",
                    "mcp-sdk-tool",
                    "mcp",
                    name,
                    name,
                )

    def _tool_lists(self, wrapped: dict[str, str]) -> Iterator[Detection]:
        """``tools: [a, b]`` in a file that imports an agent framework or a model's SDK:
        each element at the top of the list (a variable, a class built there, or an
        object literal with its ``name`` or hosted ``type``)."""
        if not self.first and not self.sdk:
            return
        for m in _JS_TOOLS_ARRAY.finditer(self.code):
            start, end = self.region(m.end() - 1)
            for a, b in self._elements(start + 1, end - 1):
                yield from self._element(a, b, wrapped)

    def _elements(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        """The top-level elements of a list's inside, as (start, end) offsets."""
        depth, begin = 0, start
        for m in _COMMA_OR_BRACKET.compiled.finditer(self.code, start, end):
            c = m.group()
            if c == ",":
                if depth == 0:
                    yield begin, m.start()
                    begin = m.end()
            else:
                depth += 1 if c in _CLOSE else -1
        yield begin, end

    def _element(self, start: int, end: int, wrapped: dict[str, str]) -> Iterator[Detection]:
        text = self.code[start:end]
        body = text.lstrip()
        if not body:
            return
        at = start + len(text) - len(body)
        line = self.lexed.line_of(at)
        if body.startswith("{"):
            props = self.props(at, end, depth=1)
            kind = props.get("type")
            name = props.get("name")
            if name is None and kind == "function":  # chat completions: {function: {name}}
                name = self.props(at, end, depth=2).get("name")
            if kind == "mcp":
                url = props.get("server_url") or props.get("serverUrl")
                yield detection(
                    self.rel,
                    line,
                    "mcp_server",
                    "mcp-hosted",
                    None,
                    source(None, (), url) or "hosted",
                    props.get("server_label") or props.get("serverLabel"),
                )
                return
            if name is None and kind is not None and kind != "function":
                name = kind
            if name is not None:
                effect = ac.effect_of(kind) if kind is not None and kind != "function" else None
                yield detection(self.rel, line, "tool", "tool-schema", None, name, name, effect)
            return
        m = _JS_IDENT.match(body)
        if m is None:
            return
        name = m.group(1)
        if (
            name in wrapped
            or name in _JS_WORDS
            or self.lookup(name, ac.JS_TOOL_FACTORIES)
            or self.lookup(name, ac.JS_MCP)
        ):
            return
        effect = ac.effect_of(name) if name in self.names else None  # imported, not its own
        yield detection(self.rel, line, "tool", "tool-argument", None, name, name, effect)


_COMMA_OR_BRACKET = LazyPattern(r"[,()\[\]{}]")
_JS_IDENT = LazyPattern(r"(?:new[ \t]{1,10})?([A-Za-z_$][A-Za-z0-9_$]{0,100})")
_JS_WORDS = frozenset({"true", "false", "null", "undefined", "this", "await", "async", "function"})
_JS_SDKS = frozenset(
    {"openai", "@anthropic-ai/sdk", "@google/genai", "@mistralai/mistralai", "groq-sdk", "ollama"}
)


def _key_before(code: str, at: int) -> str | None:
    """The object key written just before ``at`` (``weather: `` or ``"weather": ``), read
    backwards a bounded way."""
    before = code[max(0, at - 200) : at].rstrip()
    if not before.endswith(":"):
        return None
    head = before[:-1].rstrip()
    if head[-1:] in ("'", '"'):
        head = head[:-1]
    end = len(head)
    start = end
    while (
        start > 0 and end - start < 100 and (head[start - 1].isalnum() or head[start - 1] in "_$-")
    ):
        start -= 1
    name = head[start:end]
    return name if name and not name[0].isdigit() and name[0] != "-" else None


def _npm_package(spec: str) -> str:
    parts = spec.split("/")
    return "/".join(parts[:2]) if spec.startswith("@") and len(parts) >= 2 else parts[0]


_JS_MAY_USE = LazyPattern(
    r"[\"']openai[\"']|@anthropic-ai/sdk|@google/genai|@mistralai|groq-sdk|[\"']ollama[\"']|@modelcontextprotocol|@openai/agents|@langchain|@mastra|@google/adk|@llamaindex|[\"']ai[\"']|[\"']ai/"
)


def javascript(rel: str, text: str) -> Iterator[Detection]:
    """The agents, tools and MCP servers of a JavaScript or TypeScript module."""
    if _JS_MAY_USE.search(text) is None:
        return
    yield from _Js(rel, text).detections()
