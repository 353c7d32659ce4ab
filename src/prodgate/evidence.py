"""The files the gate judged for an asset, with their sha256: the evidence record.

An auditor reading a JSON report months later must be able to tell exactly what was
approved: which declaration, which model card, which eval results, under which policy.
Digests of the bytes on disk (the files the rules read) answer that; a missing or
refused file is listed with no digest, and its finding says why.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from prodgate.fsutil import FileProblem, relpath, resolve_inside
from prodgate.manifest.loader import Declaration
from prodgate.report import JudgedFile

_CHUNK = 1024 * 1024


def judged_files(decl: Declaration, repo_root: Path, policy_source: str, policy_sha256: str) -> tuple[JudgedFile, ...]:
    files = [JudgedFile("declaration", decl.rel, file_sha256(decl.path))]
    declared = [(f"artifact:{kind}", path) for kind, path in decl.asset.artifacts.items()]
    declared += [(f"eval:{ev.name}", ev.results) for ev in decl.asset.evals]
    for role, declared_path in declared:
        resolved = resolve_inside(repo_root, decl.root, declared_path)
        if isinstance(resolved, FileProblem):
            files.append(JudgedFile(role, declared_path, None))
        else:
            files.append(JudgedFile(role, relpath(resolved, repo_root), file_sha256(resolved)))
    files.append(JudgedFile("policy", policy_source, policy_sha256))
    return tuple(files)


def file_sha256(path: Path) -> str | None:
    """The digest of a regular file's bytes, or None when there is no such file."""
    digest = hashlib.sha256()
    try:
        if not path.is_file():
            return None
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()
