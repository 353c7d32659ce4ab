"""MCP servers that editors and agents are configured to start or reach.

Claude Code reads ``.mcp.json``, Cursor ``.cursor/mcp.json``, Claude Desktop
``claude_desktop_config.json``, Windsurf ``mcp_config.json``, Gemini CLI
``.gemini/settings.json``, Cline, Roo and Amazon Q their own ``mcp.json``: all of them
an object ``mcpServers`` of servers by name. VS Code reads ``.vscode/mcp.json``
(``servers``) and ``mcp.servers`` in its settings; Zed ``context_servers`` in
``.zed/settings.json``; Continue a list ``mcpServers`` in ``.continue/config.yaml`` and in
the block files of ``.continue/mcpServers/``; Codex ``[mcp_servers.NAME]`` tables in
``.codex/config.toml``. Each server is one detection at the line of its name, with its
source in the normal form of :mod:`prodgate.discovery.mcp_source`.

These files are found by their name, whatever they hold (``.vscode/mcp.json`` names no
catalogue word), and any other JSON file whose top level has an ``mcpServers`` object
of servers counts too. What is read is the structure, never the prose: a file that
mentions ``mcpServers`` in a string, or whose entries are not servers (no command, no
URL), yields nothing. The editors' files allow comments and trailing commas (JSONC);
both are blanked before parsing, offsets kept, so lines are the file's.
"""

from __future__ import annotations

import bisect
import json
import posixpath
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from prodgate.discovery.lexer import C_STYLE, lex, line_starts
from prodgate.discovery.mcp_source import source
from prodgate.discovery.model import Detection
from prodgate.discovery.safe_regex import LazyPattern

if TYPE_CHECKING:
    from prodgate.yamlio.loader import YamlDocument

SIGNATURE = "mcp-config"

_JSON_NAMES = frozenset(
    {
        ".mcp.json",
        "mcp.json",
        "mcp_config.json",
        "claude_desktop_config.json",
        "cline_mcp_settings.json",
        "mcp_settings.json",
        "opencode.json",
    }
)
_IN_FOLDER = {
    # folder (last part) -> file names read there
    ".gemini": frozenset({"settings.json"}),
    ".vscode": frozenset({"settings.json"}),
    ".zed": frozenset({"settings.json"}),
    ".continue": frozenset({"config.json", "config.yaml", "config.yml"}),
    ".codex": frozenset({"config.toml"}),
    "mcpServers": frozenset(),  # .continue/mcpServers/*: any YAML or JSON block
}
_SUFFIXES = tuple(
    sorted(
        {*_JSON_NAMES, "settings.json", "config.json", "config.yaml", "config.yml", "config.toml"}
    )
)


def by_name(rel: str) -> bool:
    """Whether a file is where an editor or agent reads MCP servers from."""
    name = posixpath.basename(rel)
    if name in _JSON_NAMES:
        return True
    folder = posixpath.basename(posixpath.dirname(rel))
    if folder == "mcpServers":
        return posixpath.basename(
            posixpath.dirname(posixpath.dirname(rel))
        ) == ".continue" and name.endswith((".yaml", ".yml", ".json"))
    return name in _IN_FOLDER.get(folder, ())


def named(listed: Iterable[str]) -> list[str]:
    """The files among ``listed`` that :func:`by_name` reads (one cheap test a name)."""
    return (
        [
            rel
            for rel in listed
            if (rel.endswith(_SUFFIXES) or "/mcpServers/" in rel) and by_name(rel)
        ]
        if listed
        else []
    )


def detect(rel: str, text: str) -> Iterator[Detection]:
    """The MCP servers a configuration file configures, each at its name's line."""
    name = posixpath.basename(rel)
    low = name.lower()
    if low.endswith(".toml"):
        if by_name(rel):
            yield from _codex(rel, text)
        return
    if low.endswith((".yaml", ".yml")):
        if by_name(rel):
            yield from _continue(rel, text)
        return
    if not low.endswith(".json") or (not by_name(rel) and '"mcpServers"' not in text):
        return
    data, code = _load_jsonc(text)
    if not isinstance(data, dict):
        return
    finder = _KeyLines(code)
    sections: list[tuple[tuple[str, ...], Any]] = [(("mcpServers",), data.get("mcpServers"))]
    if by_name(rel):
        mcp = data.get("mcp")
        sections += [
            (("servers",), data.get("servers")),
            (("mcp", "servers"), mcp.get("servers") if isinstance(mcp, dict) else None),
            (("context_servers",), data.get("context_servers")),
            (("mcp",), mcp),  # opencode: "mcp": {name: {type, command: [...] or url}}
        ]
        experimental = data.get("experimental")
        if isinstance(experimental, dict):  # Continue's older config.json: a list
            listed = experimental.get("modelContextProtocolServers")
            if isinstance(listed, list):
                for entry in listed:
                    label = entry.get("name") if isinstance(entry, dict) else None
                    named_key = "name" if isinstance(label, str) else None
                    line = finder.line(("experimental", "modelContextProtocolServers"), named_key)
                    det = _server(
                        rel, label if isinstance(label, str) else None, _transport(entry), line
                    )
                    if det is not None:
                        yield det
    for path, servers in sections:
        if not isinstance(servers, dict):
            continue
        for key, entry in servers.items():
            det = _server(rel, str(key), entry, 0)
            if det is not None:
                yield det.at(finder.line(path, str(key)))


def _transport(entry: Any) -> Any:
    """Continue's ``{"transport": {"type": "stdio", "command": ...}}``: the transport."""
    if isinstance(entry, dict) and isinstance(entry.get("transport"), dict):
        return entry["transport"]
    return entry


def _server(rel: str, name: str | None, entry: Any, line: int) -> Detection | None:
    """A server entry's detection, or None when the entry is no server."""
    if not isinstance(entry, dict):
        return None
    url = next(
        (
            v
            for k in ("url", "serverUrl", "httpUrl", "uri")
            if isinstance(v := entry.get(k), str) and v.strip()
        ),
        None,
    )
    command = entry.get("command")
    args = entry.get("args")
    if isinstance(command, dict):  # Zed: "command": {"path": ..., "args": [...]}
        args = command.get("args")
        command = command.get("path")
    elif isinstance(command, list) and command:  # opencode: "command": ["npx", "-y", "pkg"]
        args = [*command[1:], *(args if isinstance(args, list) else [])]
        command = command[0]
    if not isinstance(command, str) or not command.strip():
        command = None
    words = [a for a in args if isinstance(a, (str, int, float))] if isinstance(args, list) else []
    if url is None and command is None:
        return None
    match = source(command, [str(a) for a in words], url)
    shown = name.strip()[:200] if isinstance(name, str) and name.strip() else None
    return Detection(
        rel, max(line, 1), "mcp_server", SIGNATURE, None, None, match[:500], None, shown
    )


def _load_jsonc(text: str) -> tuple[Any, str]:
    """JSON with comments and trailing commas (as VS Code writes it): comments blanked
    by the lexer, then trailing commas if it still does not parse. The text parsed
    (same length, same lines) is returned to find keys' lines in."""
    code = lex(text, C_STYLE).code
    for attempt in (code, _TRAILING.compiled.sub(lambda m: " " + m.group()[1:], code)):
        try:
            return json.loads(attempt), attempt
        except (ValueError, RecursionError):
            continue
    return None, code


_TRAILING = LazyPattern(r",[ \t\r\n]{0,400}[}\]]")


class _KeyLines:
    """Lines of keys in a JSON text, found in order: a section's key, then its entries'
    keys after it (an entry's own keys cannot come before the entry). Each search
    resumes where the last one ended, and once a key is not found as written (an
    escape, ``"\\u0067ithub"``) the rest are put at their section's line: however many
    servers a file lists, its text is searched about once."""

    def __init__(self, code: str) -> None:
        self._code = code
        self._starts = line_starts(code)
        self._cursor: dict[tuple[str, ...], int] = {}
        self._lost: set[tuple[str, ...]] = set()

    def _find_key(self, key: str, start: int) -> int:
        quoted = json.dumps(key)
        pos = start
        while True:
            at = self._code.find(quoted, pos)
            if at == -1:
                return -1
            rest = at + len(quoted)
            while rest < len(self._code) and self._code[rest] in " \t\r\n":
                rest += 1
            if self._code.startswith(":", rest):
                return at
            pos = max(rest, at + len(quoted))

    def _section(self, path: tuple[str, ...]) -> int:
        if path not in self._cursor:
            pos = 0
            for part in path:
                found = self._find_key(part, pos)
                if found == -1:
                    break
                pos = found
            self._cursor[path] = pos
        return self._cursor[path]

    def line(self, path: tuple[str, ...], key: str | None) -> int:
        """The line of the next entry of a section: its key, or (``key`` None, a list)
        its next object's opening brace."""
        at = start = self._section(path)
        if path not in self._lost:
            found = (
                self._find_key(key, start) if key is not None else self._code.find("{", start + 1)
            )
            if found == -1:
                self._lost.add(path)
            else:
                at = found
                self._cursor[path] = found + 1
        return bisect.bisect_right(self._starts, at)


# -- Continue (YAML) and Codex (TOML) ---------------------------------------------------------
def _continue(rel: str, text: str) -> Iterator[Detection]:
    """``mcpServers:`` as a list of ``{name, command, args}`` or ``{name, url}``."""
    from prodgate.yamlio.loader import YamlProblem, load_yaml

    doc = load_yaml(text)
    if isinstance(doc, YamlProblem) or not isinstance(doc.data, dict):
        return
    servers = doc.data.get("mcpServers")
    entries: list[tuple[str | None, Any, int]] = []
    if isinstance(servers, list):
        for k, entry in enumerate(servers):
            name = entry.get("name") if isinstance(entry, dict) else None
            entries.append(
                (name if isinstance(name, str) else None, entry, _yaml_line(doc, ("mcpServers", k)))
            )
    elif isinstance(servers, dict):
        for key, entry in servers.items():
            entries.append((str(key), entry, _yaml_line(doc, ("mcpServers", key))))
    for name, entry, line in entries:
        det = _server(rel, name, entry, line)
        if det is not None:
            yield det


def _yaml_line(doc: YamlDocument, loc: tuple[str | int, ...]) -> int:
    return doc.key_position(loc)[0]


def _codex(rel: str, text: str) -> Iterator[Detection]:
    """``[mcp_servers.NAME]`` tables: ``command``/``args`` or ``url``."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return
    servers = data.get("mcp_servers")
    if not isinstance(servers, Mapping):
        return
    heads: dict[str, int] = {}
    for k, line in enumerate(text.split("\n")):
        head = line.strip().replace(" ", "")
        if head.startswith("[mcp_servers.") and head.endswith("]"):
            heads.setdefault(head[len("[mcp_servers.") : -1].strip("\"'"), k + 1)
    for key, entry in servers.items():
        det = _server(rel, str(key), entry, heads.get(str(key), 1))
        if det is not None:
            yield det
