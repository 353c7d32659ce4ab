"""``prodgate validate FILE...``: YAML and schema checks of declarations, nothing more.

This is what the ``prodgate-validate`` pre-commit hook runs on every commit that stages
an ``ai-asset.yaml``, so it must start fast: it imports PyYAML, the declaration loader
and the one-line finding format; pydantic only when a file is not certainly valid (to
judge and explain it); never the engine, the policy, the report builders, GitPython or
requests. Checks that need the
whole repository (duplicate names, artifacts, evals) belong to ``prodgate check``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from prodgate import exitcodes as ec
from prodgate.commands.common import error
from prodgate.findings import Finding
from prodgate.hygiene import clean, commands_stopped, under_actions
from prodgate.startup import import_quickly, wants_color

_HEAVY_IMPORTS = ("prodgate.manifest.loader", "prodgate.reporters.text")


def run_validate(args: argparse.Namespace) -> int:
    import_quickly(_HEAVY_IMPORTS)
    from prodgate.manifest.loader import declaration_findings
    from prodgate.repo import find_root
    from prodgate.reporters.text import finding_line

    missing = next((raw for raw in args.files if not os.path.lexists(raw)), None)
    if missing is not None:
        # A path that names nothing is a mistake in the command, not a broken declaration.
        return error(f"{missing}: no such file or directory")
    out = sys.stdout
    color = args.color if args.color is not None else wants_color(out)
    cwd = Path.cwd()
    default_root = find_root(cwd) or cwd
    findings: list[Finding] = []
    bad_files = 0
    for raw in args.files:
        path = Path(raw).absolute()
        root = default_root if default_root in path.parents else (find_root(path) or path.parent)
        found = declaration_findings(path, root)
        if found:
            bad_files += 1
            findings += found
    with commands_stopped(out, enabled=bool(findings) and under_actions()):
        for f in findings:
            out.write(f"{finding_line(f, color)}\n")
            if f.fix:
                out.write(f"  fix: {clean(f.fix)}\n")
    out.write(summary(len(args.files), bad_files, findings))
    return ec.FAILED if findings else ec.PASSED


def summary(files: int, bad_files: int, findings: Sequence[Finding]) -> str:
    """The verdict, and on failure the command that tells more about the first rule."""
    noun = "file" if files == 1 else "files"
    if not findings:
        return f"prodgate validate: {files} {noun} valid\n"
    errors = "error" if len(findings) == 1 else "errors"
    first = sorted({f.rule_id for f in findings})[0]
    return (
        f"prodgate validate FAILED: {len(findings)} {errors} in {bad_files} of {files} {noun}\n"
        f"See `prodgate explain {first}` for what a rule checks and how to fix it.\n"
    )
