"""Find the ``ai-asset.yaml`` files under the paths given."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

DECLARATION_NAMES = ("ai-asset.yaml", "ai-asset.yml")

SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", "env", ".tox", ".nox", "node_modules",
        "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages",
        ".eggs", "dist", ".terraform",
    }
)


def find_declarations(paths: Iterable[Path]) -> list[Path]:
    """Declarations under ``paths`` (files are taken as given), sorted, without
    duplicates. Virtual environments, VCS folders and dependency folders are skipped,
    and symlinked directories are not followed (no loops, no escaping)."""
    found: set[Path] = set()
    for path in paths:
        if path.is_file():
            found.add(path.parent.resolve() / path.name)
            continue
        for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
            dirnames[:] = sorted(
                d for d in dirnames
                if d not in SKIP_DIRS and not _is_venv(Path(dirpath) / d)
            )
            for name in filenames:
                if name in DECLARATION_NAMES:
                    found.add(Path(dirpath).resolve() / name)
    return sorted(found)


def _is_venv(path: Path) -> bool:
    return (path / "pyvenv.cfg").is_file()
