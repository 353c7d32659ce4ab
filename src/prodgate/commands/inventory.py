"""``prodgate inventory``: every declared asset of one repository and how it stands.

It runs the gate (so the inventory's gate status is the gate's), then writes the
inventory in one format. An inventory is a listing, not a verdict: a failing asset is
reported, and the exit code stays 0 unless the command could not do its job.
"""

from __future__ import annotations

import argparse
import functools
import sys

from prodgate import exitcodes as ec
from prodgate.commands.check import run_gate
from prodgate.commands.common import error
from prodgate.findings import Severity
from prodgate.outfile import open_output


def run_inventory(args: argparse.Namespace) -> int:
    if args.spec_version is not None and args.format != "cyclonedx":
        return error("--spec-version is the CycloneDX version: it needs --format cyclonedx")
    ran = run_gate(args, Severity.ERROR)
    if isinstance(ran, int):
        return ran
    report, policy = ran

    from prodgate.inventory.cyclonedx import SPEC_VERSIONS, MissingDependency, write_cyclonedx
    from prodgate.inventory.model import build
    from prodgate.inventory.writers import Writer, get_writer

    name = args.repository or report.repository
    cadence = {str(k): int(v) for k, v in policy.policy.review_cadence_days.items()}
    inventory = build(report, cadence, name)
    write: Writer = get_writer(args.format)
    if args.format == "cyclonedx":
        write = functools.partial(write_cyclonedx, spec_version=args.spec_version or SPEC_VERSIONS[0])
    try:
        if args.output:
            with open_output(args.output) as fh:
                write(inventory, fh)
        else:
            write(inventory, sys.stdout)
    except MissingDependency as exc:
        return error(str(exc))
    except BrokenPipeError:
        raise
    except OSError as exc:
        return error(f"cannot write {args.output}: {exc.strerror or exc}")
    return ec.PASSED
