"""Which files are manifests and lock files, by name: what a scan asks of every file.

Apart from :mod:`prodgate.discovery.manifests`, whose parsers (and ``tomllib``,
``configparser``) are loaded only when a manifest holds a catalogue word.
"""

from __future__ import annotations

import posixpath


def kind_of(rel: str) -> str | None:
    """The manifest format of a file, by its name, or None."""
    name = posixpath.basename(rel)
    low = name.lower()
    if low.endswith((".txt", ".in")) and (low.startswith("requirements") or "/requirements/" in f"/{rel.lower()}"):
        return "requirements"
    if low.endswith((".csproj", ".fsproj", ".vbproj")) or low in ("packages.config", "directory.packages.props"):
        return "nuget"
    if low.endswith(".versions.toml"):
        return "gradle"
    return _BY_NAME.get(name)


LOCKS = frozenset({"tomllock", "packagelock", "yarnlock", "pnpmlock", "gosum", "cargolock"})
"""Lock file formats: they list every package installed, the project's dependencies'
dependencies (and their peers) among them."""


def is_lock(rel: str) -> bool:
    """Whether a file is a lock file (by its name)."""
    return kind_of(rel) in LOCKS


_BY_NAME = {
    "pyproject.toml": "pyproject",
    "setup.cfg": "setupcfg",
    "Pipfile": "pipfile",
    "poetry.lock": "tomllock",
    "uv.lock": "tomllock",
    "pdm.lock": "tomllock",
    "package.json": "packagejson",
    "package-lock.json": "packagelock",
    "npm-shrinkwrap.json": "packagelock",
    "yarn.lock": "yarnlock",
    "pnpm-lock.yaml": "pnpmlock",
    "go.mod": "gomod",
    "go.sum": "gosum",
    "pom.xml": "pom",
    "build.gradle": "gradle",
    "build.gradle.kts": "gradle",
    "Cargo.toml": "cargo",
    "Cargo.lock": "cargolock",
}
