"""What every command shares: the usage error and the paths a command is given.

The commands and the command line (:mod:`prodgate.cli`, which parses the arguments and
picks the command) both say "usage or configuration error" the same way; this module is
below both, so that no command imports the command line that imports it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from prodgate import exitcodes as ec


def error(message: str) -> int:
    """A usage or configuration error on stderr, exit 2.

    The message often quotes a path or value from the pull request, so it goes through
    :func:`prodgate.hygiene.clean`: its lines (a policy error lists one per problem)
    carry nothing the runner or a terminal acts on.
    """
    from prodgate.hygiene import clean

    sys.stderr.write(f"prodgate: error: {clean(message)}\n")
    return ec.USAGE


def resolve_paths(raw: Sequence[str], root_arg: str | None) -> tuple[list[Path], Path] | str:
    """The paths to check and the repository root, or an error message."""
    from prodgate.repo import find_root

    paths = [Path(p) for p in (raw or ["."])]
    for p in paths:
        if not p.exists():
            return f"{p}: no such file or directory"
    if root_arg:
        root = Path(root_arg)
        if not root.is_dir():
            return f"--root {root_arg}: not a directory"
    else:
        first = paths[0] if paths[0].is_dir() else paths[0].parent
        root = find_root(first) or first
    return paths, root.resolve()
