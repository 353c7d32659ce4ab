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


def judged_files(
    decl: Declaration,
    repo_root: Path,
    policy_source: str,
    policy_sha256: str,
    digests: dict[Path, str | None] | None = None,
) -> tuple[JudgedFile, ...]:
    """The declaration, its artifacts and its evals' results files, each with its digest.

    ``digests`` (see :func:`run_digests`) holds the digests known already, by resolved
    path, and receives those computed here: a results file that a thousand evals name
    is resolved and hashed once, and one a rule has read is not read again.
    """
    known: dict[Path, str | None] = {} if digests is None else digests

    def digest(path: Path) -> str | None:
        if path not in known:
            known[path] = file_sha256(path)
        return known[path]

    files = [JudgedFile("declaration", decl.rel, decl.sha256)]
    declared = [(f"artifact:{kind}", path) for kind, path in decl.asset.artifacts.items()]
    declared += [(f"eval:{ev.name}", ev.results) for ev in decl.asset.evals]
    judged: dict[str, tuple[str, str | None]] = {}
    for role, declared_path in declared:
        if declared_path not in judged:
            resolved = resolve_inside(repo_root, decl.root, declared_path)
            judged[declared_path] = (
                (declared_path, None)
                if isinstance(resolved, FileProblem)
                else (relpath(resolved, repo_root), digest(resolved))
            )
        files.append(JudgedFile(role, *judged[declared_path]))
    files.append(JudgedFile("policy", policy_source, policy_sha256))
    return tuple(files)


RUN_DIGESTS = "evidence.sha256"


def run_digests(run_cache: dict[str, object]) -> dict[Path, str | None]:
    """The run's digests of files, by resolved path, kept in the run's cache: shared by
    the evidence record of every asset and the reading of results files."""
    digests = run_cache.get(RUN_DIGESTS)
    if not isinstance(digests, dict):
        digests = run_cache[RUN_DIGESTS] = {}
    return digests


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
