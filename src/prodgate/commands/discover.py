"""``prodgate discover``: list the AI use in a repository and the asset covering each.

Exit codes follow the gate's: 0 when every detection is declared (or exempt), 1 when
some AI use is undeclared, 2 for usage or configuration errors. A progress line is
shown on a terminal for scans that take longer than a second.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prodgate import exitcodes as ec
from prodgate.commands.common import error, resolve_paths
from prodgate.outfile import open_output
from prodgate.startup import wants_color


def run_discover(args: argparse.Namespace) -> int:
    """The command, with the cyclic garbage collector paused: what it allocates (its
    modules, the listing, the syntax trees of the files it parses) holds no cycle to
    free, and the collections it would set off walk all of it (see :mod:`prodgate.gcpause`)."""
    from prodgate.gcpause import paused

    with paused():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    if args.changed:
        from prodgate.repo import find_root

        root = Path(args.root).resolve() if args.root else (find_root(Path.cwd()) or Path.cwd()).resolve()
        if not root.is_dir():
            return error(f"--root {args.root}: not a directory")
        paths: list[Path] = []
        files: list[str] | None = changed_files(args.paths, root)
    else:
        resolved = resolve_paths(args.paths, args.root)
        if isinstance(resolved, str):
            return error(resolved)
        paths, root = resolved
        files = None
    settings = _settings(args)
    if isinstance(settings, str):
        return error(settings)
    grep = None
    if settings is None and files is None:
        # The built-in catalogue's pattern is known without loading the catalogue:
        # git grep starts searching while the rest of discovery is imported.
        from prodgate.discovery.builtin_pattern import GREP_PATTERN
        from prodgate.discovery.grep import start_grep

        grep = start_grep(root.resolve(), paths, GREP_PATTERN)

    # The writers too are imported while git grep searches, not once it is done.
    from prodgate.discovery.catalogue import CatalogueError
    from prodgate.discovery.render import render_json, render_sarif, render_text
    from prodgate.discovery.run import discover

    try:
        found = discover(root, paths, files, settings, _progress() if sys.stderr.isatty() else None, grep)
    except CatalogueError as exc:
        if grep is not None:
            grep.kill()
            grep.wait()
        return error(str(exc))
    try:
        target = open_output(args.output) if args.output else sys.stdout
    except OSError as exc:
        return error(f"cannot write {args.output}: {exc.strerror or exc}")
    try:
        if args.format == "json":
            render_json(found, target)
        elif args.format == "sarif":
            render_sarif(found, target, str(root))
        else:
            color = args.color if args.color is not None else (not args.output and wants_color(sys.stdout))
            render_text(found, target, color=bool(color))
    finally:
        if args.output:
            target.close()
    return ec.FAILED if found.undeclared else ec.PASSED


def changed_files(raw: list[str], root: Path) -> list[str]:
    """Changed files as given by pre-commit (relative to the current directory or
    absolute), repository-relative; those outside the repository are left out."""
    out = []
    for item in raw:
        path = Path(item)
        full = (path if path.is_absolute() else Path.cwd() / path).absolute()
        try:
            rel = full.parent.resolve().joinpath(full.name).relative_to(root)
        except (ValueError, OSError):
            continue
        out.append(rel.as_posix())
    return out


def _settings(args: argparse.Namespace) -> dict[str, Any] | str | None:
    """The policy's discovery section: none for the built-in policy (its section is
    empty, and reading it would load the policy machinery)."""
    if not args.policy or args.policy == "builtin":
        return None
    from prodgate.policy.loader import PolicyError, load_policy

    try:
        policy = load_policy(args.policy, args.policy_sha256)
    except PolicyError as exc:
        return str(exc)
    section = policy.data.get("discovery")
    return section if isinstance(section, dict) else None


def _progress() -> Callable[[int, int], None]:
    """A callback that shows ``scanning n/m files`` on stderr once a second has passed
    (``scanning n files`` while git grep still searches: the total is not known yet)."""
    start = time.monotonic()
    last = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if now - start < 1.0 or (now - last[0] < 0.2 and done != total):
            return
        last[0] = now
        sys.stderr.write(f"\rprodgate: scanning {done}/{total} files" if total else f"\rprodgate: scanning {done} files")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show
