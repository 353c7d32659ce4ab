"""Find the ``ai-asset.yaml`` files under the paths given, and the files that look like
declarations but are not read as one.

A declaration only counts under its exact name. A file called ``ai-assets.yaml``,
``ai_asset.yaml`` or ``AI-Asset.yaml`` is read by nobody, so the asset it describes
would pass every gate unseen: such near misses are collected so that the gate can
name them and fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

DECLARATION_NAMES = ("ai-asset.yaml", "ai-asset.yml")

SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", "env", ".tox", ".nox", "node_modules",
        "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages",
        ".eggs", "dist", ".terraform",
    }
)

_STEM = "aiasset"
_YAML_SUFFIXES = (".yaml", ".yml")


def is_near_miss(name: str) -> bool:
    """Whether a file name looks meant as a declaration without being one.

    The name, case folded and without separators (``-``, ``_``, ``.``, spaces), is
    ``aiasset`` give or take one letter (``ai-assets``, ``ai_aset``, ``AI-Asset``),
    with a YAML suffix in any case. Backups (``ai-asset.yaml.bak``) do not count.
    """
    if name in DECLARATION_NAMES:
        return False
    lower = name.lower()
    suffix = next((s for s in _YAML_SUFFIXES if lower.endswith(s)), None)
    if suffix is None:
        return False
    stem = "".join(c for c in lower[: -len(suffix)] if c not in "-_. ")
    return _within_one_edit(stem, _STEM)


def _within_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        # one substitution, or two neighbours swapped
        return len(diffs) <= 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                                   and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


@dataclass
class Scan:
    """What a walk over the paths found, each list sorted and without duplicates."""

    declarations: list[Path] = field(default_factory=list)
    misnamed: list[Path] = field(default_factory=list)
    """Files whose name is a near miss of ``ai-asset.yaml``."""
    files: list[Path] = field(default_factory=list)
    """Files given by name that are neither a declaration nor a near miss."""
    empty_dirs: list[Path] = field(default_factory=list)
    """Directories given that hold no declaration and no near miss."""


def scan(paths: Iterable[Path]) -> Scan:
    """Declarations and near misses under ``paths``. Virtual environments, VCS folders
    and dependency folders are skipped, and symlinked directories are not followed
    (no loops, no escaping). Files given by name are sorted by their name."""
    found: set[Path] = set()
    misnamed: set[Path] = set()
    files: set[Path] = set()
    empty: list[Path] = []
    for path in paths:
        if path.is_file():
            full = path.parent.resolve() / path.name
            if path.name in DECLARATION_NAMES:
                found.add(full)
            elif is_near_miss(path.name):
                misnamed.add(full)
            else:
                files.add(full)
            continue
        seen = 0
        for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
            dirnames[:] = sorted(
                d for d in dirnames
                if d not in SKIP_DIRS and not _is_venv(Path(dirpath) / d)
            )
            for name in filenames:
                if name in DECLARATION_NAMES:
                    found.add(Path(dirpath).resolve() / name)
                    seen += 1
                elif is_near_miss(name):
                    misnamed.add(Path(dirpath).resolve() / name)
                    seen += 1
        if not seen and path.is_dir():
            empty.append(path.resolve())
    return Scan(sorted(found), sorted(misnamed), sorted(files), empty)


def find_declarations(paths: Iterable[Path]) -> list[Path]:
    """The declarations under ``paths`` (see :func:`scan`)."""
    return scan(paths).declarations


def _is_venv(path: Path) -> bool:
    return (path / "pyvenv.cfg").is_file()
