"""``prodgate check --changed FILE...``: the gate for the assets some files touch.

This is what the ``prodgate-check`` hook runs with the files of a commit or a push
(pre-commit passes them relative to the repository root, from the root). Each file is
mapped to the assets it touches (see :mod:`prodgate.manifest.touched`) and the usual
``prodgate check`` runs on those declarations only, with the same options and output.
When no asset is touched it says so and passes without loading the gate at all.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from prodgate import exitcodes as ec
from prodgate.commands.common import error


def run_changed(args: argparse.Namespace) -> int:
    from prodgate.manifest.discover import is_near_miss
    from prodgate.manifest.touched import touched_declarations
    from prodgate.repo import find_root

    if args.attest:
        # A verdict names a commit; judging only the assets a change touches is not a
        # verdict on that commit.
        return error("--attest cannot be used with --changed: a verdict is about the whole checkout given")
    if args.root:
        root = Path(args.root)
        if not root.is_dir():
            return error(f"--root {args.root}: not a directory")
    else:
        root = find_root(Path.cwd()) or Path.cwd()
    changed: list[str] = args.paths
    declarations: list[Path | str] = list(touched_declarations(changed, root))
    # A changed file named like a declaration but not read as one is reported, not skipped.
    declarations += [p for p in changed if is_near_miss(Path(p).name) and Path(p).is_file()]
    discover = getattr(args, "discover", True)
    if not declarations and discover and changed and _ai_in(changed, root, args.policy):
        return _check(args, [], changed, root)
    if not declarations:
        if not changed:
            what = "no changed file given"
        else:
            what = "the changed file touches" if len(changed) == 1 else f"the {len(changed)} changed files touch"
            what += " no asset"
        sys.stdout.write(f"prodgate: {what}; nothing to check.\n")
        return ec.PASSED
    return _check(args, declarations, changed, root)


def _check(args: argparse.Namespace, declarations: list[Path | str], changed: list[str], root: Path) -> int:
    from prodgate.commands.check import run_check
    from prodgate.commands.discover import changed_files

    checked = argparse.Namespace(**vars(args))
    checked.paths = [str(d) for d in declarations]
    checked.root = str(root)
    checked.changed_files = changed_files(changed, root.resolve())
    return run_check(checked)


def _ai_in(changed: list[str], root: Path, policy: str | None) -> bool:
    """Whether the changed files may show AI use, so that a change touching no asset
    still meets discovery. With the built-in policy a quick scan decides without
    loading the gate; an organisation's policy may add signatures, so it always runs."""
    if policy and policy != "builtin":
        return True
    from prodgate.commands.discover import changed_files
    from prodgate.discovery.run import discover

    found = discover(root, files=changed_files(changed, root.resolve()))
    return bool(found.detections or found.skipped)
