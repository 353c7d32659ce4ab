"""The declarations PG801 suggests: one per folder with undeclared AI use, each with a
name that can be used as written.

A fix is only worth offering if following it literally works. Names taken from file
names (``env`` from ``.env.example``, ``package-lock``) say nothing about the system,
and names taken from the last folder alone collide (``app/api/finance`` and
``lib/finance`` both ``finance``), so the second ``prodgate init`` creates a duplicate
that fails PG105. So a suggestion is named after its folder: the last part of the path,
then as many parts before it as it takes to be unique among the suggestions and the
names already declared in the repository; the repository root is named after the
repository (``detect_repository``, as in the JSON report). A number is appended only
when the whole path is not unique either.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable

ROOT = "."
"""The folder of a file at the repository's root, as PG801 names it."""

_MAX = 63  # prodgate init's name pattern: 1-63 lowercase letters, digits and dashes
_NOT_NAME = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """``text`` as a name ``prodgate init`` takes: lowercase letters and digits joined
    by single dashes (empty when nothing of ``text`` fits)."""
    return _NOT_NAME.sub("-", text.lower()).strip("-")


def _fit(name: str) -> str:
    """At most 63 characters, keeping the end (the folder's own name) and no dash at
    either end."""
    return name[-_MAX:].strip("-") if len(name) > _MAX else name


def names(folders: Iterable[str], taken: Collection[str], repository: Callable[[], str]) -> dict[str, str]:
    """A unique name for each folder (repository-relative, :data:`ROOT` for the root),
    none of them in ``taken``. ``repository``: the repository's name (``owner/name``),
    asked only when the root is among the folders."""
    parts: dict[str, list[str]] = {}
    for folder in sorted(set(folders)):
        if folder == ROOT:
            own = slug(repository().rsplit("/", 1)[-1])
            parts[folder] = [own or "ai-asset"]
        else:
            parts[folder] = [s for p in folder.split("/") if (s := slug(p))] or ["ai-asset"]
    depth = dict.fromkeys(parts, 1)

    def name(folder: str) -> str:
        return _fit("-".join(parts[folder][-depth[folder]:]))

    while True:  # each round lengthens at least one name, by one part of its path
        chosen = {f: name(f) for f in parts}
        users: dict[str, int] = {}
        for n in chosen.values():
            users[n] = users.get(n, 0) + 1
        longer = [f for f, n in chosen.items() if (users[n] > 1 or n in taken) and depth[f] < len(parts[f])]
        if not longer:
            break
        for f in longer:
            depth[f] += 1
    # What the whole path cannot tell apart gets a number, in the folders' order.
    used = set(taken)
    out: dict[str, str] = {}
    for folder, n in chosen.items():
        final, i = n, 2
        while final in used:
            suffix = f"-{i}"
            final, i = n[: _MAX - len(suffix)].rstrip("-") + suffix, i + 1
        used.add(final)
        out[folder] = final
    return out
