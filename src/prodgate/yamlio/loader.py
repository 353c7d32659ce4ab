"""Safe YAML loading with positions.

PyYAML's composer (the C one when available) builds a node graph that keeps marks; we
construct plain Python values from it ourselves so that we can

* record the line and column of every key and value, addressed by its path
  (``("evals", 0, "results")``), for line-accurate findings;
* reject duplicate keys, which ``safe_load`` silently lets the last one win;
* bound alias expansion, so a "billion laughs" document is refused, not expanded;
* refuse any tag outside the YAML core schema (no object construction, ever).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

try:  # the C composer is ~10x faster; fall back silently where libyaml is absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

PathKey = tuple[str | int, ...]


def render_loc(loc: PathKey) -> str:
    """``("evals", 0, "results")`` -> ``evals[0].results``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the top level"


_BINARY = "tag:yaml.org,2002:binary"

MAX_NODES = 50_000
"""Nodes visited while constructing one document, aliases counted each time."""

MAX_DEPTH = 256
"""Nesting allowed within one line: flow collections (``[[[...``) in the whole document,
and compact block collections (``- - - ...``, ``? ? ...``) on one line. libyaml's
composer recurses in C and kills the interpreter (SIGSEGV) on a document nested some
tens of thousands deep; such nesting fits in one line of a file within the size limit."""

MAX_INDENT = 4096
"""Indentation (columns) allowed. Block nesting across lines costs a column per level,
so this bounds it too, far below the depth at which the C composer overflows."""

_COMPACT = re.compile(rf"^[ \t]*(?:[-?:][ \t]+){{{MAX_DEPTH + 1}}}", re.MULTILINE)
"""A line opening more than MAX_DEPTH compact block collections. The two character
classes are disjoint, so the engine never backtracks: one linear pass."""


def _nesting_problem(text: str) -> YamlProblem | None:
    """Refuse a document nested deeper than the parser can take, before parsing it.

    Nesting in YAML comes from three sources, each bounded here by a linear scan:
    indentation (``MAX_INDENT``), compact block indicators on one line and flow
    brackets (``MAX_DEPTH``). The scans that could cost anything run only when the
    document holds more indicators than the depth allowed, which a real declaration
    or results file rarely does.
    """
    for n, line in enumerate(text.split("\n"), start=1):
        if len(line) - len(line.lstrip(" ")) > MAX_INDENT:
            return YamlProblem("syntax", f"indented more than {MAX_INDENT} columns; refused", n, 1)
    if text.count("- ") + text.count("? ") + text.count(": ") + text.count("-\t") > MAX_DEPTH:
        m = _COMPACT.search(text)
        if m is not None:
            at = text.count("\n", 0, m.start()) + 1
            return YamlProblem("syntax", f"nested more than {MAX_DEPTH} levels deep on one line; refused", at, 1)
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    for n, raw in enumerate(text.split("\n"), start=1):
        quote = ""
        prev = " "
        for col, ch in enumerate(raw, start=1):
            if quote:
                if ch == quote:
                    quote = ""
            elif ch in "'\"":
                quote = ch
            elif ch == "#" and prev in " \t":
                break  # a comment runs to the end of the line
            elif ch in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    return YamlProblem("syntax", f"nested more than {MAX_DEPTH} levels deep; refused", n, col)
            elif ch in "]}":
                depth = max(0, depth - 1)
            prev = ch
    return None


@dataclass(frozen=True)
class YamlProblem:
    """Why a document could not be loaded, with where."""

    kind: str  # syntax | duplicate_key | alias_bomb | bad_tag | bad_value | bad_key | empty | tab
    message: str
    line: int = 1
    column: int = 1


@dataclass
class YamlDocument:
    """The loaded value and where each part of it stands (1-based line, column).

    ``positions`` addresses values; ``key_positions`` addresses the key of a mapping
    entry (an unknown key is reported where the key is, not its value).
    """

    data: Any
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: PathKey) -> tuple[int, int]:
        """Position of the deepest node on ``path`` that exists (a missing key: its
        parent mapping)."""
        for end in range(len(path), -1, -1):
            pos = self.positions.get(path[:end])
            if pos is not None:
                return pos
        return (1, 1)

    def key_position(self, path: PathKey) -> tuple[int, int]:
        return self.key_positions.get(path) or self.position(path)


class _TooManyNodes(Exception):
    pass


class _Builder:
    def __init__(self, doc: YamlDocument, max_nodes: int) -> None:
        self.doc = doc
        self.budget = max_nodes
        self.scalars = SafeConstructor()
        self.stack: set[int] = set()

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _TooManyNodes
        self.doc.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if id(node) in self.stack:
            raise ConstructorError(None, None, "recursive alias", node.start_mark)
        self.stack.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                self._check_tag(node, "tag:yaml.org,2002:seq")
                return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                self._check_tag(node, "tag:yaml.org,2002:map")
                return self._mapping(node, path)
        finally:
            self.stack.discard(id(node))
        raise ConstructorError(None, None, "unsupported node", node.start_mark)  # pragma: no cover

    def scalar(self, node: yaml.ScalarNode) -> Any:
        """The value of a scalar, keys included; text that the core schema reads as a
        number or a date but that is none (``2026-13-45``, a 5,000-digit integer) is an
        error at its position, never an exception out of the loader. ``!!binary`` is the
        one core-schema scalar tag refused: it makes bytes, which no field holds, and
        plain YAML is all prodgate reads."""
        if node.tag == _BINARY:
            raise ConstructorError(None, None, "tag '!!binary' is not allowed (only plain YAML)", node.start_mark)
        try:
            return self.scalars.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:
            raise ConstructorError(
                None, None, f"invalid value: {_scalar_problem(node, exc)}", node.start_mark
            ) from exc

    @staticmethod
    def _check_tag(node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            raise ConstructorError(
                None, None, f"tag {node.tag!r} is not allowed (only plain YAML)", node.start_mark
            )

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        seen: dict[Any, int] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged.update(self._merge_source(value_node, path))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise _KeyProblem("bad_key", "mapping keys must be plain scalars", key_node)
            key = self.scalar(key_node)
            if not isinstance(key, str):
                key = str(key).lower() if isinstance(key, bool) else str(key)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise _KeyProblem(
                    "duplicate_key",
                    f"duplicate key {key!r} (first defined on line {seen[key]})",
                    key_node,
                )
            seen[key] = line
            child = (*path, key)
            self.doc.key_positions[child] = (line, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, child)
        for key, value in merged.items():
            result.setdefault(key, value)
        return result

    def _merge_source(self, node: yaml.Node, path: PathKey) -> dict[str, Any]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        merged: dict[str, Any] = {}
        for source in sources:
            value = self.build(source, path)
            if not isinstance(value, dict):
                raise ConstructorError(None, None, "'<<' merges only mappings", source.start_mark)
            for key, item in value.items():
                merged.setdefault(key, item)
        return merged


_KINDS = {
    "tag:yaml.org,2002:int": "integer",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:timestamp": "date",
    "tag:yaml.org,2002:binary": "binary value",
}


def _scalar_problem(node: yaml.ScalarNode, exc: Exception) -> str:
    """What is wrong with a scalar, in words that do not leak Python internals (the
    integer-digit limit's message suggests calling ``sys.set_int_max_str_digits``)."""
    text = str(node.value)
    shown = text if len(text) <= 40 else f"{text[:20]}...{text[-10:]}"
    kind = _KINDS.get(node.tag, "value")
    if kind == "integer" and "digits" in str(exc):
        return f"integer {shown!r} has {len(text):,} digits; numbers this long are refused"
    if kind == "date":
        # The syntax is right and the day does not exist (2026-02-30): say so, not "syntax".
        return f"date {shown!r} does not exist ({exc})"
    return f"{kind} {shown!r} is out of range or malformed ({exc})"


class _KeyProblem(Exception):
    def __init__(self, kind: str, message: str, node: yaml.Node) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.node = node


def _tab_indent(text: str, line: int) -> int | None:
    """The column (0-based) of a tab in the leading whitespace of ``line`` (0-based), or
    in that of the line before (PyYAML sometimes stops one line late): editors show a
    tab as spaces, so the parser's own words ("cannot start any token") mean nothing."""
    lines = text.splitlines()
    for number in (line, line - 1):
        if 0 <= number < len(lines):
            row = lines[number]
            indent = row[: len(row) - len(row.lstrip(" \t"))]
            if "\t" in indent:
                return indent.index("\t")
    return None


def load_shipped(text: str) -> Any:
    """Plain values of a YAML file shipped with prodgate (the built-in policy, the
    signature catalogue): tested files, so the fast loader without positions reads
    them; what a repository holds goes through :func:`load_yaml`."""
    return yaml.load(text, Loader=_Loader)


def load_yaml(text: str, max_nodes: int = MAX_NODES) -> YamlDocument | YamlProblem:
    """Load one YAML document from ``text``; problems come back as values."""
    deep = _nesting_problem(text)
    if deep is not None:
        return deep
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        if mark is None:
            return YamlProblem("syntax", message)
        tab = _tab_indent(text, mark.line)
        if tab is not None:
            return YamlProblem(
                "tab", "a tab in the indentation: YAML indents with spaces only", mark.line + 1, tab + 1
            )
        return YamlProblem("syntax", message, mark.line + 1, mark.column + 1)
    except yaml.YAMLError as exc:
        return YamlProblem("syntax", str(exc).splitlines()[0] if str(exc) else "invalid YAML")
    except RecursionError:
        return YamlProblem("syntax", "document is nested too deeply")
    if root is None:
        return YamlProblem("empty", "document is empty")
    doc = YamlDocument(data=None)
    builder = _Builder(doc, max_nodes)
    try:
        doc.data = builder.build(root, ())
    except _TooManyNodes:
        return YamlProblem(
            "alias_bomb",
            f"document expands to more than {max_nodes:,} nodes (aliases counted); refused",
        )
    except _KeyProblem as exc:
        mark = exc.node.start_mark
        return YamlProblem(exc.kind, exc.message, mark.line + 1, mark.column + 1)
    except ConstructorError as exc:
        mark = exc.problem_mark
        problem = exc.problem or "cannot construct value"
        kind = "bad_value" if problem.startswith("invalid value") else "bad_tag"
        if mark is None:
            return YamlProblem(kind, problem)
        return YamlProblem(kind, problem, mark.line + 1, mark.column + 1)
    except RecursionError:
        return YamlProblem("syntax", "document is nested too deeply")
    return doc
