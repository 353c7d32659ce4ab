"""Load one ``ai-asset.yaml`` into an :class:`Asset` with the position of every node.

A broken declaration yields findings (PG101-PG104) at the exact line and column of the
node concerned, never an exception: the rest of the repository is still checked.

pydantic is imported only when needed: a declaration that the quick check of
:mod:`prodgate.quickschema` accepts is built into the plain classes of
:mod:`prodgate.manifest.model` without it, and only one it is not sure of is judged,
and explained, by pydantic (:mod:`prodgate.manifest.schema_errors`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prodgate.findings import Finding, Location
from prodgate.fsutil import FileProblem, read_text, relpath
from prodgate.manifest.limits import MAX_DECLARATION_BYTES
from prodgate.manifest.model import Asset
from prodgate.quickschema import certainly_valid
from prodgate.rules.registry import RULES
from prodgate.yamlio.loader import YamlDocument, YamlProblem, load_yaml

if TYPE_CHECKING:
    from pydantic import ValidationError


@dataclass(frozen=True)
class Declaration:
    """A validated declaration and where it stands."""

    asset: Asset
    path: Path
    rel: str
    root: Path
    """The asset root: the directory of ai-asset.yaml; declared paths are relative to it."""
    doc: YamlDocument
    sha256: str
    """The digest of the bytes the declaration was read from: what the evidence record
    names it by, and what a change is compared with, without reading the file again."""

    def loc(self, *path: str | int) -> Location:
        line, col = self.doc.position(path)
        return Location(self.rel, line, col)

    def key_loc(self, *path: str | int) -> Location:
        line, col = self.doc.key_position(path)
        return Location(self.rel, line, col)


@lru_cache(maxsize=1)
def json_schema() -> dict[str, Any]:
    """The JSON Schema of ``ai-asset.yaml`` as shipped in the package (the same file as
    ``schema/ai-asset.schema.json``; a test fails when either drifts from the models)."""
    from prodgate.templates import shipped_text

    text = shipped_text("prodgate.manifest", "ai-asset.schema.json")
    schema: dict[str, Any] = json.loads(text)
    return schema


def load_declaration(path: Path, repo_root: Path) -> Declaration | list[Finding]:
    rel = relpath(path, repo_root)
    digests: dict[Path, str | None] = {}
    loaded = _read(path, rel, digests)
    if isinstance(loaded, list):
        return loaded
    data: dict[str, Any] = loaded.data
    asset = build_asset(data)
    if not isinstance(asset, Asset):
        from prodgate.manifest.schema_errors import schema_findings

        return schema_findings(asset, loaded, rel, data.get("name"))
    sha256 = digests[path]
    assert sha256 is not None  # recorded when the bytes were read
    return Declaration(asset=asset, path=path, rel=rel, root=path.parent, doc=loaded, sha256=sha256)


def build_asset(data: dict[str, Any]) -> Asset | ValidationError:
    """The asset ``data`` declares, or pydantic's account of what is wrong with it.

    Data the quick check accepts is built without pydantic; only the rest is judged by
    the pydantic models (and, when valid after all, built from what they validated)."""
    from prodgate.construct import construct, from_validated

    if certainly_valid(data, json_schema()):
        return construct(Asset, data)
    from pydantic import ValidationError

    from prodgate.manifest import pydantic_model

    try:
        validated = pydantic_model.Asset.model_validate(data)
    except ValidationError as exc:
        return exc
    return from_validated(Asset, validated)


def declaration_findings(path: Path, repo_root: Path) -> list[Finding]:
    """What is wrong with a declaration on its own (YAML and schema), or nothing.

    ``prodgate validate`` needs no :class:`Asset`, so a valid file costs no pydantic."""
    rel = relpath(path, repo_root)
    loaded = _read(path, rel)
    if isinstance(loaded, list):
        return loaded
    if certainly_valid(loaded.data, json_schema()):
        return []
    found = load_declaration(path, repo_root)
    return found if isinstance(found, list) else []


def _read(path: Path, rel: str, digests: dict[Path, str | None] | None = None) -> YamlDocument | list[Finding]:
    """The declaration's document; with ``digests``, the sha256 of the bytes it was read
    from is recorded there (``prodgate validate`` needs none)."""
    text = read_text(path, MAX_DECLARATION_BYTES, digests)
    if isinstance(text, FileProblem):
        return [RULES["PG102"].finding(f"{text.message}", Location(rel), fix="Make ai-asset.yaml a small UTF-8 YAML file.")]
    if not text.strip():
        return [RULES["PG102"].finding("declaration is empty", Location(rel), fix="Delete the empty file and run `prodgate init --name NAME --tier TIER DIR` to scaffold a declaration.")]
    loaded = load_yaml(text)
    if isinstance(loaded, YamlProblem):
        return [_yaml_finding(loaded, rel)]
    if not isinstance(loaded.data, dict):
        return [
            RULES["PG103"].finding(
                f"the document must be a mapping of keys, not {_kind(loaded.data)}",
                Location(rel, 1, 1),
                fix="Write a mapping as `prodgate schema` describes, or delete the file and run "
                "`prodgate init --name NAME --tier TIER DIR`.",
            )
        ]
    return loaded


def _yaml_finding(problem: YamlProblem, rel: str) -> Finding:
    fixes = {
        "duplicate_key": "Keep one of the two keys.",
        "alias_bomb": "Write the values out; do not nest aliases.",
        "bad_tag": "Remove the tag: declarations are plain YAML.",
        "bad_value": "Write a day that exists, as YYYY-MM-DD."
        if problem.message.startswith("invalid value: date")
        else "Correct the number, or quote the value if it is text.",
        "tab": f"Replace the tabs at the start of line {problem.line} with spaces (set your editor to indent YAML with spaces).",
    }
    return RULES["PG101"].finding(
        problem.message,
        Location(rel, problem.line, problem.column),
        fix=fixes.get(problem.kind, "Fix the YAML syntax at this position."),
    )


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"
