"""Access to ``gate_templates/``: the built-in policy and the artifact templates."""

from __future__ import annotations

import importlib
from pathlib import Path


def read_template(name: str) -> str:
    """Text of a file shipped in ``gate_templates/`` (raises FileNotFoundError)."""
    if "/" in name or "\\" in name or name.startswith("."):
        raise FileNotFoundError(name)
    return shipped_text("prodgate.gate_templates", name)


def shipped_text(package: str, name: str) -> str:
    """Text of the data file ``name`` shipped in ``package`` (raises FileNotFoundError).

    Read from the package's folder, as every install lays it out; ``importlib.resources``
    (whose import pulls in ``zipfile`` and more, a few milliseconds of every run) only
    for a package that does not live in a folder."""
    location = getattr(importlib.import_module(package), "__file__", None)
    if location:
        try:
            return (Path(location).parent / name).read_text(encoding="utf-8")
        except FileNotFoundError:
            pass
    from importlib import resources

    return (resources.files(package) / name).read_text(encoding="utf-8")
