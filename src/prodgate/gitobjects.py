"""Reading a commit's files from git's object store, without a checkout.

Change control judges a pull request against its base commit, and the base must be
read exactly as it was committed: ``git cat-file`` hands back the stored bytes (no
textconv, no filters, no hooks, nothing the pull request's ``.gitattributes`` could
steer), and nothing is ever checked out or executed. Every call is a short
``git`` subprocess: cheaper to start than importing GitPython, and the commands used
here have been stable for a decade.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

TIMEOUT = 120
SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run ``git args`` in ``cwd``; never raises for a git failure (check the code)."""
    return subprocess.run(
        ["git", "-c", "core.quotePath=false", *args],
        cwd=cwd, capture_output=True, check=False, timeout=TIMEOUT,
    )


def toplevel(directory: Path) -> Path | None:
    """The git top level of ``directory``, or None outside a checkout."""
    try:
        proc = git(directory, "rev-parse", "--show-toplevel")
    except (OSError, subprocess.SubprocessError):
        return None
    text = proc.stdout.decode("utf-8", "surrogateescape").strip()
    return Path(text).resolve() if proc.returncode == 0 and text else None


def has_commit(repo: Path, sha: str) -> bool:
    return git(repo, "cat-file", "-e", f"{sha}^{{commit}}").returncode == 0


def resolve_commit(repo: Path, ref: str) -> str | None:
    """The commit ``ref`` names, or None. A ref that looks like an option is refused
    (it would be read as one)."""
    if not ref or ref.startswith("-") or "\x00" in ref:
        return None
    proc = git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    sha = proc.stdout.decode("ascii", "replace").strip()
    return sha if proc.returncode == 0 and SHA.match(sha) else None


def parents(repo: Path, sha: str) -> tuple[str, ...]:
    """The parents of commit ``sha`` (none when it is unknown or not a full commit id)."""
    if not SHA.match(sha):
        return ()
    try:
        proc = git(repo, "rev-list", "--parents", "-n", "1", sha)
    except (OSError, subprocess.SubprocessError):
        return ()
    found = proc.stdout.decode("ascii", "replace").split()
    return tuple(p for p in found[1:] if SHA.match(p)) if proc.returncode == 0 else ()


def is_shallow(repo: Path) -> bool:
    proc = git(repo, "rev-parse", "--is-shallow-repository")
    return proc.stdout.strip() == b"true"


def list_entries(repo: Path, sha: str) -> tuple[dict[str, str], dict[str, str]]:
    """The files and the symlinks of commit ``sha`` (repository-relative path -> blob
    id each), from one ``git ls-tree``. Submodules (gitlinks) are left out; a symlink's
    blob holds its target as written, followed by the caller inside the commit only."""
    proc = git(repo, "ls-tree", "-r", "-z", "--full-tree", sha)
    files: dict[str, str] = {}
    links: dict[str, str] = {}
    if proc.returncode != 0:
        return files, links
    for entry in proc.stdout.split(b"\x00"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) != 3 or parts[1] != b"blob":
            continue
        into = links if parts[0] == b"120000" else files
        into[name.decode("utf-8", "surrogateescape")] = parts[2].decode("ascii")
    return files, links


def renames(repo: Path, sha: str) -> dict[str, str] | None:
    """Files of the working tree that git's rename detection finds moved since commit
    ``sha``: new repository-relative path -> old one. None when git cannot say.

    ``git diff -M --name-status`` compares names and contents only: no external diff,
    no textconv (both could run a command the repository names), no fsmonitor hook.
    Files git does not track yet are not compared (a pull request's head is committed;
    a pre-commit run has its changes staged).
    """
    proc = git(
        repo, "-c", "core.fsmonitor=false", "diff", "-M", "--name-status", "-z", "--no-ext-diff",
        "--no-textconv", "--no-color", sha, "--",
    )
    if proc.returncode != 0:
        return None
    fields = proc.stdout.split(b"\x00")
    out: dict[str, str] = {}
    i = 0
    while i < len(fields) and fields[i]:
        status = fields[i]
        if status[:1] in (b"R", b"C") and i + 2 < len(fields):
            old, new = (f.decode("utf-8", "surrogateescape") for f in fields[i + 1 : i + 3])
            if status[:1] == b"R":
                out[new] = old
            i += 3
        else:
            i += 2
    return out


def read_blob(repo: Path, blob: str, max_bytes: int) -> bytes | None:
    """The bytes of a blob, or None when it is missing or larger than ``max_bytes``."""
    size = git(repo, "cat-file", "-s", blob)
    if size.returncode != 0:
        return None
    try:
        if int(size.stdout.strip()) > max_bytes:
            return None
    except ValueError:
        return None
    proc = git(repo, "cat-file", "blob", blob)
    return proc.stdout if proc.returncode == 0 else None


def read_blobs(repo: Path, blobs: list[str], max_bytes: int) -> dict[str, bytes]:
    """The bytes of many blobs from one ``git cat-file --batch`` process: a base with
    thousands of declarations costs one process, not two per file. Blobs that are
    missing or larger than ``max_bytes`` are left out."""
    if not blobs:
        return {}
    wanted = [b for b in dict.fromkeys(blobs) if SHA.match(b)]
    proc = subprocess.run(
        ["git", "cat-file", "--batch"], cwd=repo, input="".join(f"{b}\n" for b in wanted).encode("ascii"),
        capture_output=True, check=False, timeout=TIMEOUT,
    )
    out: dict[str, bytes] = {}
    data, pos = proc.stdout, 0
    for blob in wanted:
        end = data.find(b"\n", pos)
        if end < 0:
            break
        header = data[pos:end].split()
        pos = end + 1
        if len(header) != 3 or header[1] != b"blob":
            continue  # "<sha> missing"
        size = int(header[2])
        if size <= max_bytes:
            out[blob] = data[pos : pos + size]
        pos += size + 1
    return out
