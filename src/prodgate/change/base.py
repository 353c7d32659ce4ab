"""The base commit's declarations, read from git objects.

``open_base`` resolves the base (``--base REF`` or the pull request's base SHA) and
parses every ``ai-asset.yaml`` of that commit, exactly as committed. A base that is not
in the checkout is not an error of the pull request: a shallow clone (``actions/checkout``
defaults to one commit) simply lacks it, and the gate says so in one warning instead of
passing silently or crashing. A base that names nothing in a full clone is a usage error.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from prodgate import gitobjects
from prodgate.fsutil import decode_text
from prodgate.manifest.discover import DECLARATION_NAMES
from prodgate.manifest.limits import MAX_DECLARATION_BYTES
from prodgate.manifest.loader import build_asset
from prodgate.manifest.model import Asset
from prodgate.yamlio.loader import YamlDocument, YamlProblem, load_yaml


@dataclass(frozen=True)
class BaseDeclaration:
    """One declaration as it was at the base commit."""

    rel: str
    asset: Asset
    doc: YamlDocument


@dataclass(frozen=True)
class BaseSnapshot:
    """What the base commit holds, relative to the checked repository root."""

    sha: str
    repo: Path
    """The git top level (the root may be a folder inside it)."""
    prefix: str
    """The checked root relative to the git top level, ``""`` or ending in ``/``."""
    files: dict[str, str]
    """Root-relative path -> blob id of every file of the base commit under the root."""
    declarations: dict[str, BaseDeclaration] = field(default_factory=dict)
    """Root-relative path -> the declaration, for those that parse and validate."""
    unreadable: dict[str, str] = field(default_factory=dict)
    """Root-relative path -> why, for the declarations that do not: they cannot be
    compared field by field, so a change to one is a finding of its own."""
    renamed: dict[str, str] = field(default_factory=dict)
    """Root-relative path in the work tree -> its path at the base, for the files git's
    rename detection finds moved (:func:`prodgate.gitobjects.renames`)."""
    work_files: list[str] = field(default_factory=list)
    """Root-relative paths of the work tree's files: tracked, and new ones not ignored."""

    def read(self, rel: str, max_bytes: int = 2 * 1024 * 1024) -> bytes | None:
        """The bytes of a file at the base, or None when it did not exist there."""
        blob = self.files.get(rel)
        return gitobjects.read_blob(self.repo, blob, max_bytes) if blob else None

    def sha256(self, rel: str) -> str | None:
        data = self.read(rel, 64 * 1024 * 1024)
        return hashlib.sha256(data).hexdigest() if data is not None else None


@dataclass(frozen=True)
class BaseUnavailable:
    """The base commit is not in the checkout (a shallow clone): one warning."""

    ref: str
    message: str


def open_base(root: Path, ref: str) -> BaseSnapshot | BaseUnavailable | str:
    """The base snapshot, why it is unavailable, or a usage error message."""
    top = gitobjects.toplevel(root)
    if top is None:
        return f"--base {ref}: {root} is not inside a git checkout, so there is no base commit to compare with"
    sha = gitobjects.resolve_commit(top, ref)
    if sha is None:
        if gitobjects.is_shallow(top) or gitobjects.SHA.match(ref):
            return BaseUnavailable(
                ref,
                f"the base commit {ref[:12]} is not in this checkout (a shallow clone), so the "
                "declarations were not compared with it and weakened or removed declarations "
                "cannot be detected; check out the full history (actions/checkout with "
                "fetch-depth: 0)",
            )
        return f"--base {ref}: no such commit or branch in {top}"
    prefix = root.resolve().relative_to(top).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    every, links = gitobjects.list_entries(top, sha)
    files = {path[len(prefix):]: blob for path, blob in every.items() if path.startswith(prefix)}
    moved = gitobjects.renames(top, sha) or {}
    renamed = {
        new[len(prefix):]: old[len(prefix):]
        for new, old in moved.items() if new.startswith(prefix) and old.startswith(prefix)
    }
    snapshot = BaseSnapshot(sha, top, prefix, files, renamed=renamed, work_files=_work_files(top, prefix))
    wanted = {rel: blob for rel, blob in files.items() if posixpath.basename(rel) in DECLARATION_NAMES}
    linked: dict[str, str] = {}
    for path in links:
        rel = path[len(prefix):]
        if path.startswith(prefix) and posixpath.basename(rel) in DECLARATION_NAMES:
            target, why = _follow(top, path, every, links)
            if target is not None:
                wanted[rel] = files[rel] = every[target]
            else:
                linked[rel] = why
    contents = gitobjects.read_blobs(top, list(wanted.values()), MAX_DECLARATION_BYTES)
    for rel, why in linked.items():
        snapshot.unreadable[rel] = why
    for rel, blob in wanted.items():
        raw = contents.get(blob)
        parsed = (
            _parse(raw, rel) if raw is not None
            else f"it is larger than {MAX_DECLARATION_BYTES:,} bytes or cannot be read from git"
        )
        if isinstance(parsed, BaseDeclaration):
            snapshot.declarations[rel] = parsed
        else:
            snapshot.unreadable[rel] = parsed
    return snapshot


def _work_files(top: Path, prefix: str) -> list[str]:
    """Files in the working tree under the checked root: tracked, and new ones not ignored."""
    proc = gitobjects.git(
        top, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--full-name", "--", prefix or ".",
    )
    out = []
    for raw in proc.stdout.split(b"\x00"):
        name = raw.decode("utf-8", "surrogateescape")
        if name and name.startswith(prefix) and (top / name).is_file():
            out.append(name[len(prefix):])
    return sorted(set(out))


_MAX_HOPS = 8


def _follow(top: Path, path: str, files: dict[str, str], links: dict[str, str]) -> tuple[str | None, str]:
    """The file a symlinked declaration of the base commit points to (a path of the
    commit), or None and why it points to none: read through its target, as the work tree's
    loader does, so that a change weakening the target is compared; a target outside
    the repository is not followed (the loader refuses it as PG102)."""
    for _ in range(_MAX_HOPS):
        raw = gitobjects.read_blob(top, links[path], 4096)
        target = decode_text(raw) if raw is not None else None
        if not isinstance(target, str) or not target or target.startswith("/"):
            return None, "it is a symlink whose target cannot be read at the base"
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if joined == ".." or joined.startswith("../"):
            return None, "it is a symlink that leaves the repository"
        if joined in files:
            return joined, ""
        if joined not in links:
            return None, f"it is a symlink to {joined}, which does not exist at the base"
        path = joined
    return None, f"it is a symlink through more than {_MAX_HOPS} links"


def _parse(raw: bytes, rel: str) -> BaseDeclaration | str:
    """A base declaration that parses and validates, or why it does not.

    One that does not is not left out of the comparison as if it did not exist: it
    may have been merged past a gate that was not required, or be refused only by this
    version of the schema, and a change could then lower its tier unseen.
    """
    text = decode_text(raw)
    if not isinstance(text, str):
        return text.message
    doc = load_yaml(text)
    if isinstance(doc, YamlProblem):
        return f"line {doc.line}: {doc.message}"
    if not isinstance(doc.data, dict):
        return "it is not a mapping of fields"
    asset = build_asset(doc.data)
    if not isinstance(asset, Asset):
        # Said as the gate says it of a declaration in the work tree, at its line.
        from prodgate.manifest.schema_errors import schema_findings

        first = schema_findings(asset, doc, rel)[0]
        return f"line {first.location.line}: {first.message}"
    return BaseDeclaration(rel, asset, doc)
