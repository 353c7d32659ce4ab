"""One walk over a Python syntax tree for every reader of it.

:mod:`prodgate.discovery.code` reads a module's calls, imports and string constants;
:mod:`prodgate.discovery.agents` reads its imports, assignments, functions, calls and
attributes. Each walked the tree on its own, and on an AI framework's sources (crewAI,
693 parsed modules) the second walk was 0.85 s of 3.85 s of CPU: more than a fifth of
``prodgate discover``. Now the first reader walks and the second takes the result from
a one-entry cache keyed by the tree itself.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from prodgate.lastcall import last_answer

KEPT = (
    ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.FunctionDef, ast.AsyncFunctionDef, ast.Call,
    ast.Attribute,
)
"""The node kinds a reader looks up by kind (:attr:`Walked.kinds`)."""

_NOT_NODES = frozenset({
    "ctx", "op", "ops",  # Load, Add, Eq ...: nothing below them matters
    "id", "attr", "name", "asname", "arg", "kind", "module", "level", "conversion", "is_async", "simple",
    "type_comment", "tag", "rest", "kwd_attrs",  # names, numbers and flags
    "names", "type_ignores",  # aliases of an import (read from the import), type: ignore comments
})
"""Fields that hold no node a scan reads, in every node kind that has them."""


@dataclass
class Walked:
    """What one walk of a tree found, each list in the walk's order (a parent before
    its children)."""

    uses: list[ast.Call | ast.Import | ast.ImportFrom] = field(default_factory=list)
    """Every call and import."""
    strings: list[tuple[int, str]] = field(default_factory=list)
    """(line, value) of every string constant but prose: a string that is a statement on
    its own (a docstring, a string block used as a comment) says, it does not use."""
    kinds: dict[type, list[ast.AST]] = field(default_factory=lambda: {kind: [] for kind in KEPT})
    """The nodes of each kind of :data:`KEPT`."""


@last_answer
def walk(tree: ast.AST) -> Walked:
    """The calls, imports, strings and kept nodes of ``tree``: what ``ast.walk`` finds,
    at a fraction of its cost: no generator per node; the fields of each node kind
    that can hold a node read by one ``operator.attrgetter`` (in C), none that never
    holds one; a name (a third of all nodes, holding none) dropped at once; a list
    pushed whole, what is not a node skipped when popped. On crewAI's 866 modules
    (a million nodes) a quarter less time than a ``getattr`` per field. The last
    tree's result is kept (holding the tree, so its identity cannot be reused), for
    the second reader."""
    out = Walked()
    kinds, uses, keep = out.kinds, out.uses.append, out.strings.append
    children = _CHILDREN
    stack: list[ast.AST] = [tree]
    pop, push, extend = stack.pop, stack.append, stack.extend
    AST, Constant, Expr, Call, Import, ImportFrom, Name = (
        ast.AST, ast.Constant, ast.Expr, ast.Call, ast.Import, ast.ImportFrom, ast.Name
    )
    while stack:
        node = pop()
        kind = type(node)
        if kind is Name:
            continue
        if kind is Constant:
            if type(node.value) is str:  # type: ignore[attr-defined]
                keep((node.lineno, node.value))  # type: ignore[attr-defined]
            continue
        fields = children.get(kind)
        if fields is None:
            if not isinstance(node, AST):
                continue  # lists are pushed whole: a dict's None key (``**rest``), a flag
            fields = children[kind] = _children(kind)
        if kind is Expr and type(node.value) is Constant and type(node.value.value) is str:  # type: ignore[attr-defined]
            continue  # prose
        bucket = kinds.get(kind)
        if bucket is not None:
            bucket.append(node)
            if kind is Call or kind is Import or kind is ImportFrom:
                uses(node)  # type: ignore[arg-type]
        for value in fields(node):
            if type(value) is list:
                extend(value)
            elif value is not None:
                push(value)
    return out


_CHILDREN: dict[type, Callable[[ast.AST], tuple[Any, ...]]] = {}
"""The values of the fields of each node kind that can hold a node, read at once."""


def _children(kind: type[ast.AST]) -> Callable[[ast.AST], tuple[Any, ...]]:
    return _getter([f for f in kind._fields if f not in _NOT_NODES])


def _getter(names: list[str]) -> Callable[[ast.AST], tuple[Any, ...]]:
    """The values of the fields ``names`` of a node, as a tuple, read in C."""
    if not names:
        return _none
    if len(names) == 1:  # attrgetter of one name gives the value, not a tuple
        one = operator.attrgetter(names[0])
        return lambda node: (one(node),)
    return operator.attrgetter(*names)


def _none(_node: ast.AST) -> tuple[Any, ...]:
    return ()


_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")
"""The fields that hold a block of statements (a handler's, a match case's): imports
are statements, so these lead to every import, at any depth."""

_BLOCK_FIELDS: dict[type, Callable[[ast.AST], tuple[Any, ...]]] = {}
"""The block fields of each node kind, read at once (as :data:`_CHILDREN`)."""

@last_answer
def imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """The import statements of ``tree`` at any depth (in functions, classes,
    branches, handlers, match cases), each block's statements visited last first.
    Only blocks are followed, not expressions: a tenth of the nodes. The last tree's
    are kept, as :func:`walk` keeps its result: the module and agent readers both ask."""
    Import, ImportFrom = ast.Import, ast.ImportFrom
    found: list[ast.Import | ast.ImportFrom] = []
    blocks = _BLOCK_FIELDS
    stack: list[ast.AST] = [tree]
    pop, extend = stack.pop, stack.extend
    while stack:
        node = pop()
        kind = type(node)
        if kind is Import or kind is ImportFrom:
            found.append(node)  # type: ignore[arg-type]
            continue
        fields = blocks.get(kind)
        if fields is None:
            fields = blocks[kind] = _getter([n for n in _BODIES if n in kind._fields])
        for value in fields(node):
            if type(value) is list:  # a block holds statements (handlers, cases) only
                extend(value)
    return found
