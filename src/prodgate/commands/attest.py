"""``prodgate attest sign``: sign a gate verdict (an in-toto Statement) into a DSSE
envelope, for deploy pipelines outside GitHub (on GitHub, ``actions/attest`` signs
keylessly)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from prodgate import exitcodes as ec
from prodgate.commands.common import error


def run_attest(args: argparse.Namespace) -> int:
    from prodgate.attestation.envelope import (
        AttestationError,
        KeyFileError,
        load_private_key,
        parse_json,
        read_capped,
        sign,
    )
    from prodgate.attestation.verdict import shape_error

    try:
        payload = read_capped(Path(args.statement))
        statement = parse_json(payload, args.statement)
    except AttestationError as exc:
        return error(str(exc))
    problem = shape_error(statement)
    if problem:
        return error(f"{args.statement}: not a prodgate verdict: {problem}")
    try:
        key = load_private_key(Path(args.key))
    except KeyFileError as exc:
        return error(str(exc))
    # Signed as read (not re-serialised): the bytes verified are the bytes written.
    envelope = json.dumps(sign(payload, key), indent=2) + "\n"
    if args.output in (None, "-"):
        sys.stdout.write(envelope)
        return ec.PASSED
    try:
        Path(args.output).write_text(envelope, encoding="utf-8")
    except OSError as exc:
        return error(f"cannot write {args.output}: {exc.strerror or exc}")
    return ec.PASSED
