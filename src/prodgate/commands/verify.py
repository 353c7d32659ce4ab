"""``prodgate verify``: admit a release only on a gate verdict that holds.

Exit 0 when the verdict is prodgate's, signed by ``--key`` (when given), about
``--commit`` (and every ``--subject``), ``PASSED`` by ``--gate``, judged by the pinned
policy and fresh; exit 1 naming the first thing that does not hold; exit 2 for usage
errors (a missing file, a bad key file, a malformed option).

The file is a DSSE envelope (``prodgate attest sign``), a bare Statement (its trust
then comes from elsewhere; refused when ``--key`` asks for a signature), or the JSON
that ``gh attestation verify --format json`` prints after it verified the Sigstore
signature (each verified statement is judged; one that holds is enough).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from prodgate import exitcodes as ec
from prodgate.commands.common import error
from prodgate.hygiene import clean
from prodgate.policy.pin import normalise


def run_verify(args: argparse.Namespace) -> int:
    from prodgate.attestation.statement import PAYLOAD_TYPE, parse_subjects
    from prodgate.attestation.verdict import (
        Accepted,
        Expected,
        duration_text,
        judge,
        newest_first,
        parse_duration,
    )

    commit = args.commit.strip().lower()
    if len(commit) not in (40, 64) or any(c not in "0123456789abcdef" for c in commit):
        return error(f"--commit {args.commit!r}: expected a full commit id (40 or 64 hex digits)")
    pin = normalise(args.policy_sha256) if args.policy_sha256 else None
    if args.policy_sha256 and pin is None:
        return error(f"--policy-sha256 {args.policy_sha256!r}: expected 64 hex digits, optionally after 'sha256:'")
    max_age = parse_duration(args.max_age) if args.max_age != "none" else None
    if args.max_age != "none" and max_age is None:
        return error(f"--max-age {args.max_age!r}: expected a number and a unit (90s, 30m, 24h, 7d) or none")
    subjects = parse_subjects(args.subject)
    if isinstance(subjects, str):
        return error(subjects)
    expected = Expected(commit, args.gate, pin, max_age, tuple(subjects), dt.datetime.now(dt.UTC))

    from prodgate.attestation.envelope import (
        AttestationError,
        KeyFileError,
        Unreadable,
        load_public_key,
    )

    key = None
    if args.key:
        try:
            key = load_public_key(Path(args.key))
        except KeyFileError as exc:
            return error(str(exc))
    try:
        statements = _statements(Path(args.file), key, PAYLOAD_TYPE)
    except Unreadable as exc:
        return error(str(exc))
    except AttestationError as exc:
        return _refuse(str(exc))
    verdicts = [judge(s, expected) for s in newest_first(statements)]
    accepted = next((v for v in verdicts if isinstance(v, Accepted)), None)
    if accepted is None:
        return _refuse(str(verdicts[0]))
    signed = f", signed by {args.key}" if args.key else ""
    sys.stdout.write(clean(
        f"prodgate: verified: the {accepted.gate} gate PASSED commit {accepted.commit[:12]} "
        f"(policy sha256 {accepted.policy_sha256[:12]}, judged {duration_text(max(accepted.age, dt.timedelta()))} ago{signed})"
    ) + "\n")
    return ec.PASSED


def _refuse(reason: str) -> int:
    sys.stderr.write(f"prodgate: refused: {clean(reason)}\n")
    return ec.FAILED


def _statements(path: Path, key: Any, payload_type: str) -> list[Any]:
    """The statements in ``path`` to judge; an :class:`AttestationError` when the file
    is not one of the three forms, or its signature does not hold."""
    from prodgate.attestation.envelope import (
        AttestationError,
        is_envelope,
        parse_envelope,
        parse_json,
        read_capped,
        signed_by,
    )

    doc = parse_json(read_capped(path), str(path))
    if is_envelope(doc):
        envelope = parse_envelope(doc, str(path))
        if key is not None and not signed_by(envelope, key):
            raise AttestationError(f"{path}: the signature does not verify with the given key")
        if envelope.payload_type != payload_type:
            raise AttestationError(f"{path}: payloadType is {envelope.payload_type[:80]!r}, not {payload_type}")
        return [parse_json(envelope.payload, f"{path}: payload")]
    if isinstance(doc, list):
        statements = [
            item["verificationResult"]["statement"] for item in doc
            if isinstance(item, dict) and isinstance(item.get("verificationResult"), dict)
            and isinstance(item["verificationResult"].get("statement"), dict)
        ]
        if not statements or len(statements) != len(doc):
            raise AttestationError(f"{path}: a list, but not the output of `gh attestation verify --format json`")
        if key is not None:
            raise AttestationError(
                f"{path}: not signed with --key: this is gh's verified output (Sigstore); verify it without --key"
            )
        return statements
    if key is not None:
        raise AttestationError(f"{path}: not signed: a bare statement, but --key requires a DSSE envelope signed by it")
    return [doc]

