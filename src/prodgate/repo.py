"""The repository: its root and its HEAD commit, found without starting git, and the
files git tracks.

Starting ``git`` costs more than a whole check of a small repository, so the common
facts are read from ``.git`` directly; only features that need history start ``git``
(:mod:`prodgate.evals.freshness`, :mod:`prodgate.gitobjects`). Listing the tracked files is the one question
answered by a ``git`` process (:func:`git_ls_files`): the index knows, a walk does not.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess


def find_root(start: Path) -> Path | None:
    """The git top level above ``start`` (a directory or file), if any."""
    here = start.resolve()
    if not here.is_dir():
        here = here.parent
    for candidate in (here, *here.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def _git_dir(root: Path) -> Path | None:
    dotgit = root / ".git"
    if dotgit.is_dir():
        return dotgit
    if dotgit.is_file():  # worktrees and submodules: "gitdir: <path>"
        try:
            text = dotgit.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        if text.startswith("gitdir:"):
            target = Path(text[len("gitdir:") :].strip())
            return target if target.is_absolute() else (root / target).resolve()
    return None


def head_commit(root: Path) -> str | None:
    """The commit HEAD points at, or None (no repository, unborn branch, odd layout)."""
    git_dir = _git_dir(root)
    if git_dir is None:
        return None
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not head.startswith("ref:"):
        return head if _is_sha(head) else None
    ref = head[4:].strip()
    common = git_dir
    commondir = git_dir / "commondir"
    if commondir.is_file():
        try:
            common = (git_dir / commondir.read_text(encoding="utf-8").strip()).resolve()
        except (OSError, UnicodeDecodeError):
            return None
    for base in (git_dir, common):
        try:
            value = (base / ref).read_text(encoding="utf-8").strip()
            if _is_sha(value):
                return value
        except (OSError, UnicodeDecodeError):
            continue
    try:
        packed = (common / "packed-refs").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for line in packed.splitlines():
        parts = line.split(" ", 1)
        if len(parts) == 2 and parts[1] == ref and _is_sha(parts[0]):
            return parts[0]
    return None


def _is_sha(value: str) -> bool:
    return len(value) in (40, 64) and all(c in "0123456789abcdef" for c in value)


def repository_name(root: Path) -> str:
    """A name for the repository in inventories and the register.

    ``owner/name`` from the ``origin`` remote's URL when there is one (read from
    ``.git/config``, no git process), else the root folder's name. ``GITHUB_REPOSITORY``
    is not consulted here: the caller decides whether the environment describes this
    root.
    """
    git_dir = _git_dir(root)
    if git_dir is not None:
        common = git_dir
        commondir = git_dir / "commondir"
        try:
            if commondir.is_file():
                common = (git_dir / commondir.read_text(encoding="utf-8").strip()).resolve()
            config = (common / "config").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            config = ""
        url = _origin_url(config)
        if url:
            name = _owner_name(url)
            if name:
                return name
    return root.resolve().name or str(root)


def _origin_url(config: str) -> str | None:
    section = ""
    for raw in config.splitlines():
        line = raw.strip()
        if line.startswith("["):
            section = line
            continue
        if section.replace(" ", "") in ('[remote"origin"]',) and line.startswith("url"):
            _key, _, value = line.partition("=")
            return value.strip() or None
    return None


def _owner_name(url: str) -> str | None:
    """``git@github.com:acme/app.git`` or ``https://host/acme/app`` -> ``acme/app``."""
    tail = url.rstrip("/")
    if tail.endswith(".git"):
        tail = tail[:-4]
    if "://" in tail:
        tail = tail.split("://", 1)[1].split("/", 1)[1] if "/" in tail.split("://", 1)[1] else ""
    elif ":" in tail:
        tail = tail.split(":", 1)[1]
    parts = [p for p in tail.split("/") if p]
    if len(parts) >= 2:
        return "/".join(parts[-2:])
    return parts[0] if parts else None


def start_git(
    directory: Path, args: list[str], *, alone: bool = False, bytewise: bool = False
) -> subprocess.Popen[bytes] | None:
    """A ``git`` process reading the repository at ``directory``, started (not waited
    for), or None when git cannot start. Its output is read with :func:`git_output`.

    Only the repository's own configuration and files are read: ``GIT_*`` variables
    (a hook's ``GIT_DIR``, ``GIT_INDEX_FILE``) are dropped, ``core.fsmonitor`` (which
    runs a command) is switched off, and ``safe.directory`` is opened so that a checkout
    owned by another user (a container job) is still listed rather than silently
    walked with skip-lists. ``alone`` keeps git from adopting a repository above
    ``directory`` when ``directory`` itself is not one. ``bytewise`` runs git in the
    C locale, where a pattern's brackets match bytes (UTF-8 read as bytes).
    """
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    if alone:
        env["GIT_CEILING_DIRECTORIES"] = str(directory.parent)
    if bytewise:
        env["LC_ALL"] = "C"
    argv = ["git", "-c", "safe.directory=*", "-c", "core.fsmonitor=false", "-c", "core.quotepath=off", *args]
    try:
        return subprocess.Popen(
            argv, cwd=directory, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        )
    except OSError:
        return None


def git_output(proc: subprocess.Popen[bytes] | None, *, ok: tuple[int, ...] = (0,)) -> str | None:
    """The output of a process from :func:`start_git` (waiting for it), or None when it
    did not start or failed (an exit code outside ``ok``)."""
    import subprocess

    if proc is None:
        return None
    try:
        out, _ = proc.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return None
    if proc.returncode not in ok:
        return None
    return os.fsdecode(out)


def start_ls_files(
    directory: Path, pathspecs: tuple[str, ...] = (), *, untracked: bool = False, alone: bool = False
) -> subprocess.Popen[bytes] | None:
    """``git ls-files`` started: tracked files with their modes (``-s``), or with
    ``untracked`` the untracked files that are not ignored. Read with :func:`ls_files_result`."""
    args = ["ls-files", "-z", *(["--others", "--exclude-standard"] if untracked else ["--cached", "-s"])]
    return start_git(directory, [*args, "--", *pathspecs], alone=alone)


def ls_files_result(
    proc: subprocess.Popen[bytes] | None,
    *,
    untracked: bool = False,
    regular: bool = False,
    others: list[tuple[str, str]] | None = None,
) -> list[str] | None:
    """The paths a :func:`start_ls_files` process listed (relative, ``/``-separated),
    once each; with ``regular`` without tracked symlinks and submodules (what they
    point to is not this repository's file), which are added to ``others`` as
    (mode, path) when it is given. None when git could not list them."""
    out = git_output(proc)
    if out is None:
        return None
    if untracked:
        return [p for p in out.split("\0") if p]
    import re

    special = regular and ("120000 " in out or "160000 " in out)
    if not special and re.search(r" [1-3]\t", out) is None:
        # The common case, one regular entry per path (no symlink, submodule or merge
        # stage): the path after each entry's tab, found by one search of the output.
        return re.findall(r"\t([^\0]*)", out)
    files: list[str] = []
    for entry in out.split("\0"):
        mode, _, path = entry.partition("\t")
        if not path or (regular and mode.startswith(("120000", "160000"))):
            if path and others is not None and (not others or others[-1][1] != path):
                others.append((mode[:6], path))
            continue
        if not files or files[-1] != path:
            files.append(path)  # one entry per path, whatever its merge stages
    return files


def git_ls_files(
    directory: Path, pathspecs: tuple[str, ...], *, untracked: bool = False, regular: bool = False, alone: bool = False
) -> list[str] | None:
    """Files under ``directory`` (relative to it) that git tracks, or with ``untracked``
    the untracked files that are not ignored; None when ``directory`` is not in a work
    tree git can read (no repository, no git, a fake ``.git``).

    One ``git ls-files`` process, which reads the index instead of walking the tree: in
    a monorepo it is far faster than any walk. ``regular`` leaves out tracked symlinks
    and submodules; the process runs as :func:`start_git` says.
    """
    proc = start_ls_files(directory, pathspecs, untracked=untracked, alone=alone)
    return ls_files_result(proc, untracked=untracked, regular=regular)


def detect_repository(root: Path) -> str:
    """``GITHUB_REPOSITORY`` when ``root`` is the workspace Actions checked out, else
    :func:`repository_name`."""
    name = os.environ.get("GITHUB_REPOSITORY")
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if name and workspace and Path(workspace).resolve() == root.resolve():
        return name
    return repository_name(root)
