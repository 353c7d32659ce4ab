"""The in-toto Statement v1 of a gate run, with a SLSA Verification Summary predicate.

Built from the :class:`~prodgate.report.Report` alone, with the standard library: writing
the verdict (``prodgate check --attest``) never loads a cryptography library; signing is
a separate step (``prodgate attest sign``, or GitHub's ``actions/attest``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prodgate import HOME
from prodgate.report import Report

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
VSA_TYPE = "https://slsa.dev/verification_summary/v1"
VERIFIER_ID = HOME
EXTENSION = f"{HOME}/attestation/v1"
"""The predicate's extension field (the VSA spec lets producers add fields named by a URI):
the gate, the assets judged and the digest of the JSON evidence record."""
PAYLOAD_TYPE = "application/vnd.in-toto+json"


def gate_level(gate: str) -> str:
    """The ``verifiedLevels`` entry a passed gate earns: ``PRODGATE_DEPLOY_GATE``. The VSA
    spec allows custom values that do not start with ``SLSA_``."""
    return f"PRODGATE_{gate.upper()}_GATE"


@dataclass(frozen=True)
class Subject:
    """An artifact the verdict is bound to: a name and its sha256."""

    name: str
    sha256: str


def parse_subject(value: str) -> Subject | str:
    """``NAME@sha256:HEX`` (an image digest, a wheel's hash) or the path of a file to hash;
    an error message otherwise."""
    name, sep, digest = value.rpartition("@sha256:")
    if sep:
        digest = digest.lower()
        if not name or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            return f"--subject {value!r}: expected NAME@sha256: and 64 hex digits"
        return Subject(name, digest)
    path = Path(value)
    if not path.is_file():
        return f"--subject {value!r}: not a file, nor NAME@sha256:HEX"
    try:
        return Subject(path.as_posix(), file_sha256(path))
    except OSError as exc:
        return f"--subject {value!r}: cannot read: {exc.strerror or exc}"


def parse_subjects(values: Sequence[str] | None) -> list[Subject] | str:
    out: list[Subject] = []
    for value in values or ():
        subject = parse_subject(value)
        if isinstance(subject, str):
            return subject
        out.append(subject)
    return out


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def repository_uri(report: Report) -> str:
    """``git+https://github.com/OWNER/REPO`` (the Actions server when set), or a
    ``git+file`` URI of the checkout when the repository has no ``owner/name``."""
    if "/" in report.repository:
        server = (os.environ.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")
        return f"git+{server}/{report.repository}"
    return f"git+{Path(report.root).resolve().as_uri()}"


def _policy_uri(report: Report, repo_uri: str) -> str:
    source = report.policy_source
    if source == "builtin":
        return f"{VERIFIER_ID}/blob/v{report.version}/src/prodgate/gate_templates/policy.yaml"
    if "://" in source:
        return source
    root = Path(report.root).resolve()
    path = Path(source) if Path(source).is_absolute() else root / source
    try:
        rel = path.resolve().relative_to(root).as_posix()
    except (ValueError, OSError):
        return path.as_uri() if path.is_absolute() else source
    return f"{repo_uri}@{report.commit}#{rel}"


def build_statement(
    report: Report, subjects: Sequence[Subject], evidence: dict[str, Any] | None
) -> dict[str, Any]:
    """The Statement of ``report``'s verdict. ``report.commit`` must be set (the caller
    refuses a run outside a git commit). Without ``subjects`` the subject is the commit.
    ``evidence`` describes the JSON report written beside it (``uri`` and ``digest``), or
    is None when none was."""
    repo_uri = repository_uri(report)
    subject: list[dict[str, Any]] = (
        [{"name": s.name, "digest": {"sha256": s.sha256}} for s in subjects]
        if subjects else [{"name": repo_uri, "digest": {"gitCommit": report.commit}}]
    )
    passed = report.passed
    return {
        "_type": STATEMENT_TYPE,
        "subject": subject,
        "predicateType": VSA_TYPE,
        "predicate": {
            "verifier": {"id": VERIFIER_ID, "version": {"prodgate": report.version}},
            "timeVerified": _timestamp(report.generated_at),
            "resourceUri": f"{repo_uri}@{report.commit}",
            "policy": {
                "uri": _policy_uri(report, repo_uri),
                "digest": {"sha256": report.policy_source_sha256},
            },
            "verificationResult": "PASSED" if passed else "FAILED",
            "verifiedLevels": [gate_level(report.gate)] if passed else ["FAILED"],
            EXTENSION: {
                "gate": report.gate,
                "failOn": report.fail_on.value,
                "assets": [
                    {
                        "name": a.name,
                        "path": a.path,
                        "tier": a.tier,
                        "effectiveTier": a.effective_tier,
                        "stage": a.stage,
                        "result": "PASSED" if report.asset_passed(a) else "FAILED",
                    }
                    for a in report.assets
                ],
                **({"evidence": evidence} if evidence else {}),
            },
        },
    }


def _timestamp(generated_at: str) -> str:
    """RFC 3339 in UTC with a ``Z``, as the in-toto Timestamp field type asks."""
    return generated_at.replace("+00:00", "Z")
