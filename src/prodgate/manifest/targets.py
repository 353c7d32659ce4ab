"""What ``prodgate check PATH...`` checks: the paths a user gives, turned into assets.

* a directory: every declaration under it; when it holds none, the asset it lies in
  (the nearest ``ai-asset.yaml`` above it, up to the repository root), so that
  ``prodgate check`` run inside an asset's ``docs/`` folder checks that asset;
* a declaration (``ai-asset.yaml`` / ``ai-asset.yml``): that asset;
* any other file: the assets that cover it, exactly as ``--changed`` decides (its
  folder, ``artifacts:``, ``evals[].results``, ``paths:``); a file that no asset covers
  is reported, never silently passed;
* a near miss of the declaration name (``ai_asset.yaml``), found or given: not read,
  but reported, since a declaration nobody reads would let its asset bypass the gate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from prodgate.manifest.discover import scan
from prodgate.manifest.touched import declaration_above, touched_by_file


@dataclass(frozen=True)
class Targets:
    declarations: list[Path]
    misnamed: list[Path]
    uncovered: list[Path]
    """Files given by name that are not declarations and that no asset covers."""


def resolve(paths: Iterable[Path], root: Path) -> Targets:
    root = root.resolve()
    found = scan(paths)
    declarations = set(found.declarations)
    uncovered: list[Path] = []
    for file, covering in touched_by_file(found.files, root).items():
        if covering:
            declarations.update(covering)
        else:
            uncovered.append(Path(file))
    cache: dict[str, Path | None] = {}
    for folder in found.empty_dirs:
        if folder == root or root not in folder.parents:
            continue
        above = declaration_above(folder.relative_to(root).as_posix(), root, cache)
        if above is not None:
            declarations.add(above.parent.resolve() / above.name)
    return Targets(sorted(declarations), found.misnamed, uncovered)
