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

    def at(self, rel: str, name: str) -> BaseDeclaration | None:
        """The base of the head declaration at ``rel`` named ``name``: the one at the
        same path (whatever it was called), else one of that name (it moved)."""
        found = self.declarations.get(rel)
        return found if found is not None else self.by_name(name)

    def by_name(self, name: str) -> BaseDeclaration | None:
        return next((d for d in self.declarations.values() if d.asset.name == name), None)

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
    files = {
        path[len(prefix):]: blob
        for path, blob in gitobjects.list_files(top, sha).items()
        if path.startswith(prefix)
    }
    snapshot = BaseSnapshot(sha, top, prefix, files)
    wanted = {rel: blob for rel, blob in files.items() if posixpath.basename(rel) in DECLARATION_NAMES}
    contents = gitobjects.read_blobs(top, list(wanted.values()), MAX_DECLARATION_BYTES)
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
