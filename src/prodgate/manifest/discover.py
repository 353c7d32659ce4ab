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
    """Declarations and near misses under ``paths``. Files given by name are sorted by
    their name.

    In a git work tree the search is over what git lists (:func:`_listed`): every
    tracked file, wherever it lies, so that nothing a commit carries can hide in a
    folder called ``venv`` or next to a ``pyvenv.cfg``; untracked files only outside
    virtual environments, VCS and dependency folders. Outside git, the folders are
    walked with those skip-lists. Symlinked directories are never followed (no loops,
    no escaping).
    """
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
        if not path.is_dir():
            continue
        base = path.resolve()
        listed = _listed(base)
        names = _walked(base) if listed is None else listed
        seen = 0
        for rel in names:
            name = rel.rpartition("/")[2]
            if name in DECLARATION_NAMES:
                found.add(base / rel)
                seen += 1
            elif is_near_miss(name):
                misnamed.add(base / rel)
                seen += 1
        if not seen:
            empty.append(base)
    return Scan(sorted(found), sorted(misnamed), sorted(files), empty)


# Every name a declaration or a near miss can have ends in .yaml or .yml, in any case:
# git filters the listing, so a monorepo's other files never reach Python.
_PATHSPECS = (":(icase)*.yaml", ":(icase)*.yml")


def _listed(base: Path) -> list[str] | None:
    """The candidate files under ``base`` as git lists them (relative, ``/``-separated),
    or None outside a work tree git can read.

    Tracked files are all kept. Untracked ones (a local run before ``git add``) are
    kept unless they lie in a skipped folder. Ignored files are left out: they cannot
    reach a commit, and a pull request's checkout holds none. Submodules are searched
    as repositories of their own.
    """
    from prodgate.repo import git_ls_files

    tracked = git_ls_files(base, _PATHSPECS)
    if tracked is None:
        return None
    untracked = git_ls_files(base, _PATHSPECS, untracked=True) or []
    venv_cache: dict[str, bool] = {}
    # A tracked file deleted from the work tree (not yet committed) is not there to read.
    listed = [rel for rel in tracked if os.path.lexists(base / rel)]
    listed += [rel for rel in untracked if not _skipped(base, rel, venv_cache)]
    for sub in _submodules(base):
        inner = _listed(base / sub)
        listed += [f"{sub}/{rel}" for rel in (inner if inner is not None else _walked(base / sub))]
    return listed


def _submodules(base: Path) -> list[str]:
    """Checked-out submodule folders under ``base`` (relative to it), from ``.gitmodules``."""
    import subprocess

    from prodgate.repo import git_ls_files

    gitmodules = git_ls_files(base, (":(top,literal).gitmodules",)) or []
    if not gitmodules:
        return []
    try:
        proc = subprocess.run(
            ["git", "config", "-z", "--file", gitmodules[0], "--get-regexp", r"^submodule\..*\.path$"],
            cwd=base, capture_output=True, check=False, timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    top = (base / gitmodules[0]).parent.resolve()
    out: list[str] = []
    for entry in os.fsdecode(proc.stdout).split("\0"):
        _key, _, value = entry.partition("\n")
        sub = (top / value).resolve() if value else None
        if sub is not None and base in sub.parents and sub.is_dir():
            out.append(sub.relative_to(base).as_posix())
    return sorted(out)


def _walked(base: Path) -> list[str]:
    """The files under ``base`` (relative), walking outside the skipped folders."""
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not _is_venv(Path(dirpath) / d))
        rel = Path(dirpath).relative_to(base).as_posix()
        prefix = "" if rel == "." else rel + "/"
        out += [prefix + name for name in filenames]
    return out


def _skipped(base: Path, rel: str, venv_cache: dict[str, bool]) -> bool:
    """Whether an untracked file lies in a folder the walk would skip."""
    return in_skipped_folder(base, rel, SKIP_DIRS, venv_cache)


def in_skipped_folder(base: Path, rel: str, skip_dirs: frozenset[str], venv_cache: dict[str, bool]) -> bool:
    """Whether a folder above ``rel`` (relative to ``base``) is named in ``skip_dirs`` or
    is a virtual environment (holds ``pyvenv.cfg``); ``venv_cache`` remembers each
    folder's answer across calls. Also what discovery skips untracked files by."""
    parts = rel.split("/")[:-1]
    for i, part in enumerate(parts):
        if part in skip_dirs:
            return True
        folder = "/".join(parts[: i + 1])
        if folder not in venv_cache:
            venv_cache[folder] = _is_venv(base / folder)
        if venv_cache[folder]:
            return True
    return False


def find_declarations(paths: Iterable[Path]) -> list[Path]:
    """The declarations under ``paths`` (see :func:`scan`)."""
    return scan(paths).declarations


def _is_venv(path: Path) -> bool:
    return (path / "pyvenv.cfg").is_file()
