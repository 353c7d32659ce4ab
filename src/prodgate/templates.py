"""Access to ``gate_templates/``: the built-in policy and the artifact templates."""

from __future__ import annotations

from importlib import resources


def read_template(name: str) -> str:
    """Text of a file shipped in ``gate_templates/`` (raises FileNotFoundError)."""
    if "/" in name or "\\" in name or name.startswith("."):
        raise FileNotFoundError(name)
    return (resources.files("prodgate.gate_templates") / name).read_text(encoding="utf-8")
