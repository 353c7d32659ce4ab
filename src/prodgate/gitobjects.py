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


def is_shallow(repo: Path) -> bool:
    proc = git(repo, "rev-parse", "--is-shallow-repository")
    return proc.stdout.strip() == b"true"


def list_files(repo: Path, sha: str) -> dict[str, str]:
    """Every file of commit ``sha``: repository-relative path -> blob id.

    Submodules (gitlinks) and symlinks are left out: neither is a file whose content
    the gate reads at the base.
    """
    proc = git(repo, "ls-tree", "-r", "-z", "--full-tree", sha)
    out: dict[str, str] = {}
    if proc.returncode != 0:
        return out
    for entry in proc.stdout.split(b"\x00"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) != 3 or parts[1] != b"blob" or parts[0] == b"120000":
            continue
        out[name.decode("utf-8", "surrogateescape")] = parts[2].decode("ascii")
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
