"""No import circle among prodgate's modules, lazy ones included.

import-linter (``.ci/run``) keeps the layers; this test keeps the modules free of any
circle, which no contract of import-linter states: its ``acyclic_siblings`` takes each
package with everything in it as one node, and prodgate's packages do import each other
round without any module doing so (``manifest.loader`` uses ``construct``, which builds
``manifest.model``'s records; ``github.action`` runs ``cli``, which picks ``reporters``,
whose GitHub reporter uses ``github.commands``): it asks for twelve imports to go. An
import inside a function that goes back up is a circle too: it only hides it until the
function runs. So the graph is read from every import statement in ``src/``, at any
depth (functions, ``TYPE_CHECKING`` blocks), and any strongly connected component of
more than one module fails, named in full.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def modules(src: Path) -> dict[str, Path]:
    """Every module under ``src`` by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for path in sorted(src.rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, known: Mapping[str, Path]) -> Iterator[str]:
    """The modules of ``known`` that ``name`` imports anywhere in its text: ``from a
    import b`` is ``a.b`` when that is a module, else ``a``; relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, *([base] if base else [])])
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


def graph(src: Path) -> dict[str, set[str]]:
    known = modules(src)
    return {name: set(imported(name, path, known)) for name, path in known.items()}


def circles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm,
    without recursion: a long chain of imports must not reach the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, todo = work[-1]
            step = next(todo, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(edges.get(step, ())))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def test_no_import_circle_in_src() -> None:
    found = circles(graph(SRC))
    assert not found, "import circles (move what they share to a module below them):\n" + "\n".join(
        " <-> ".join(c) for c in found
    )


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / "src" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path / "src"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # The circle cli.py <-> commands/*: a command imports back from the CLI that
        # imports it inside a function.
        (
            {
                "pkg/__init__.py": "",
                "pkg/cli.py": "def main():\n    from pkg.commands.check import run\n    return run()\n",
                "pkg/commands/__init__.py": "",
                "pkg/commands/check.py": "from pkg.cli import error\n",
            },
            [["pkg.cli", "pkg.commands.check"]],
        ),
        # Relative imports, three modules round, one of them only when type checking.
        (
            {
                "pkg/__init__.py": "",
                "pkg/a.py": "from . import b\n",
                "pkg/b.py": "from .c import thing\n",
                "pkg/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import x\n",
            },
            [["pkg.a", "pkg.b", "pkg.c"]],
        ),
        # Down only: a shared module below both.
        (
            {
                "pkg/__init__.py": "",
                "pkg/cli.py": "from pkg.common import error\nfrom pkg import check\n",
                "pkg/check.py": "from pkg.common import error\n",
                "pkg/common.py": "import sys\n",
            },
            [],
        ),
    ],
)
def test_circles_are_found_however_they_are_written(
    tmp_path: Path, files: dict[str, str], expected: list[list[str]]
) -> None:
    assert circles(graph(_tree(tmp_path, files))) == expected
