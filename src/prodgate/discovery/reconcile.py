"""Reconcile detections with the declarations: which asset covers each one.

An asset covers the files its ``paths:`` globs name (relative to its folder), or, when
it has none, every file under its folder; where several assets cover a file, the one
nearest to it wins. Files a declaration names as its evidence (artifacts, eval
results) are evidence, not use, and are set aside, when the asset covers them and
they are documents or data. Declarations are read as plain
YAML, without the schema, so a declaration broken enough to fail the gate still
covers its code and ``prodgate discover`` stays fast.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prodgate.discovery.model import Detection
from prodgate.discovery.scan import classify
from prodgate.fsutil import FileProblem, read_text, relpath
from prodgate.manifest.limits import MAX_DECLARATION_BYTES

if TYPE_CHECKING:
    from prodgate.globs import Glob


@dataclass(frozen=True)
class DeclaredModel:
    provider: str
    name: str
    version: str | None = None


@dataclass(frozen=True)
class DeclaredServer:
    """An MCP server of a declaration's ``agent:``, its source normalised."""

    name: str
    source: str


@dataclass(frozen=True)
class Coverage:
    """What one declaration covers, read from its YAML."""

    name: str
    declaration: str
    """Repository-relative path of the ai-asset.yaml."""
    folder: str
    """Repository-relative folder of the declaration ("" at the root)."""
    patterns: tuple[Glob, ...] = ()
    """The ``paths:`` globs, relative to the repository; empty means the folder."""
    models: tuple[DeclaredModel, ...] = ()
    evidence: frozenset[str] = field(default_factory=frozenset)
    tools: frozenset[str] = field(default_factory=frozenset)
    """The names of the tools under ``agent.tools``."""
    tool_effects: tuple[tuple[str, str], ...] = ()
    """(name, effect) of each tool under ``agent.tools`` that states a known effect."""
    mcp_servers: tuple[DeclaredServer, ...] = ()

    def covers(self, rel: str) -> bool:
        if self.patterns:
            return any(p.match(rel) for p in self.patterns)
        return not self.folder or rel.startswith(self.folder + "/")


def load_coverage(root: Path, known: Mapping[str, Any] | None = None) -> list[Coverage]:
    """Every declaration of the repository, as coverage (declarations that are not
    YAML mappings cover their folder, under their file name). ``known``: declarations
    already loaded, by repository-relative path, not read again."""
    root = root.resolve()
    out = []
    from prodgate.manifest.discover import find_declarations  # a scan of part of the tree only

    for path in find_declarations([root]):
        rel = relpath(path, root)
        if rel.startswith("../"):
            continue
        out.append(coverage_of(root, rel, known))
    return out


def coverage_of(root: Path, rel: str, known: Mapping[str, Any] | None = None) -> Coverage:
    """The coverage of the declaration at ``rel`` (repository-relative). The gate has
    loaded its declarations already (``known``): one is not parsed twice."""
    data = known.get(rel) if known is not None else None
    return _coverage(rel, data if isinstance(data, dict) else _data(root / rel), root)


def _data(path: Path) -> dict[str, Any]:
    text = read_text(path, MAX_DECLARATION_BYTES)
    if isinstance(text, FileProblem):
        return {}
    # The YAML loader is imported by the first declaration found: a scan of a
    # repository without one (and discover's start-up) does without it.
    from prodgate.yamlio.loader import YamlProblem, load_yaml

    doc = load_yaml(text)
    if isinstance(doc, YamlProblem) or not isinstance(doc.data, dict):
        return {}
    data: dict[str, Any] = doc.data
    return data


def _coverage(rel: str, data: dict[str, Any], root: Path) -> Coverage:
    # Globs and path joining are loaded with the first declaration, as YAML is.
    from prodgate.globs import GlobError, compile_glob
    from prodgate.manifest.touched import _join

    folder = posixpath.dirname(rel)
    name = data.get("name") if isinstance(data.get("name"), str) else rel
    patterns = []
    paths = data.get("paths")
    if isinstance(paths, list):
        for value in paths:
            joined = _join(folder, value)
            if joined is not None:
                try:
                    patterns.append(compile_glob(joined))
                except GlobError:
                    continue  # the gate run on the declaration reports it
    models = []
    for item in data.get("models") or []:
        if isinstance(item, dict) and isinstance(item.get("provider"), str) and isinstance(item.get("name"), str):
            version = item.get("version")
            models.append(DeclaredModel(item["provider"], item["name"], str(version) if version is not None else None))
    evidence = {rel}
    artifacts = data.get("artifacts")
    if isinstance(artifacts, dict):
        evidence.update(j for v in artifacts.values() if (j := _join(folder, v)) is not None)
    evals = data.get("evals")
    if isinstance(evals, list):
        evidence.update(
            j for e in evals if isinstance(e, dict) and (j := _join(folder, e.get("results"))) is not None
        )
    tools, effects, servers = _agent(data.get("agent"))
    cov = Coverage(
        str(name), rel, folder, tuple(patterns), tuple(models), tools=tools, tool_effects=effects, mcp_servers=servers
    )
    return replace(cov, evidence=frozenset(e for e in evidence if e == rel or _is_evidence(e, cov, root)))


def _agent(agent: object) -> tuple[frozenset[str], tuple[tuple[str, str], ...], tuple[DeclaredServer, ...]]:
    """The tool names, the tools' stated effects and the MCP servers a declaration's
    ``agent:`` lists (what is not well-formed is left out: the gate reports it as PG103)."""
    if not isinstance(agent, dict):
        return frozenset(), (), ()
    from prodgate.discovery.mcp_match import normalise_source

    tools = frozenset(
        t["name"] for t in _listed(agent.get("tools")) if isinstance(t, dict) and isinstance(t.get("name"), str)
    )
    effects = tuple(
        (t["name"], t["effect"])
        for t in _listed(agent.get("tools"))
        if isinstance(t, dict) and isinstance(t.get("name"), str) and isinstance(t.get("effect"), str)
    )
    servers = tuple(
        DeclaredServer(s["name"], normalise_source(s["source"]))
        for s in _listed(agent.get("mcp_servers"))
        if isinstance(s, dict) and isinstance(s.get("name"), str) and isinstance(s.get("source"), str)
    )
    return tools, effects, servers


def _listed(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _is_evidence(rel: str, cov: Coverage, root: Path) -> bool:
    """Whether a file a declaration names as evidence is set aside as such: only one
    the asset covers or that lies in its folder, and in no nested asset's folder
    (naming another folder's file, ``results: ../other/app.py`` or
    ``results: inner/q.json`` with a declaration in ``inner/``, would hide the AI use
    in it from its own asset), and only a document or data file, never source code or
    a manifest (``results: app.py`` would hide its models from PG802).

    The folder counts, not only ``paths:``: an asset whose ``paths:`` name its code
    (``paths: [src/**]``) keeps its promptfoo output in ``evals/``, and that output
    names the model it ran against; it is the asset's evidence, not undeclared use."""
    inside = not cov.folder or rel.startswith(cov.folder + "/")
    if not (inside or cov.covers(rel)) or _in_nested_asset(root, cov.folder, rel):
        return False
    kind = classify(rel)
    return kind is None or kind.startswith("config-")


def _in_nested_asset(root: Path, folder: str, rel: str) -> bool:
    """Whether a folder between ``rel`` and ``folder`` (the declaring asset's; not
    itself) holds a declaration: then ``rel`` belongs to that asset."""
    from prodgate.discovery.scan import DECLARATION_NAMES

    here = posixpath.dirname(rel)
    while here and here != folder:
        if any((root / here / n).is_file() for n in DECLARATION_NAMES):
            return True
        here = posixpath.dirname(here)
    return False


def covering(rel: str, coverage: Sequence[Coverage]) -> Coverage | None:
    """The asset that covers ``rel``: among the declarations covering it, the one whose
    folder is nearest above it; only when none is above it, the deepest. A declaration
    that reaches into another folder with ``paths:`` (``../other/**``) never outranks the
    one whose folder holds the file, however deep its own folder is (PG706)."""
    best: Coverage | None = None
    rank = (False, -1)
    for cov in coverage:
        if cov.covers(rel):
            mine = (not cov.folder or rel.startswith(cov.folder + "/"), len(cov.folder))
            if best is None or mine > rank:
                best, rank = cov, mine
    return best


def attribute(detections: Iterable[Detection], coverage: Sequence[Coverage]) -> list[Detection]:
    """The detections with their covering asset set, evidence files left out."""
    evidence = frozenset().union(*(c.evidence for c in coverage)) if coverage else frozenset()
    out = []
    cache: dict[str, Coverage | None] = {}
    for det in detections:
        if det.path in evidence:
            continue
        if det.path not in cache:
            cache[det.path] = covering(det.path, coverage)
        cov = cache[det.path]
        asset = cov.name if cov is not None else None
        out.append(det if det.asset == asset else replace(det, asset=asset))
    return out
