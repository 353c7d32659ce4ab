"""DSSE envelopes (the in-toto signing format) and reading an attestation file safely.

The file to verify comes from outside the trusted job (an artifact download, a
registry), so it is read as hostile: a size cap, strict UTF-8, JSON without duplicate
keys (two readers must never see two different verdicts in one file), strict base64.
Every problem is an :class:`AttestationError` with one sentence, never a traceback.

``cryptography`` is imported only here and only when a key is used, so ``prodgate
check`` (even with ``--attest``) starts without it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from prodgate.attestation.statement import PAYLOAD_TYPE

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ec import (
        EllipticCurvePrivateKey,
        EllipticCurvePublicKey,
    )
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    PrivateKey = EllipticCurvePrivateKey | Ed25519PrivateKey
    PublicKey = EllipticCurvePublicKey | Ed25519PublicKey

MAX_BYTES = 8 * 1024 * 1024
"""A gate verdict is a few kilobytes per asset; an envelope beyond this is refused unread."""

PASSWORD_ENV = "PRODGATE_KEY_PASSWORD"


class AttestationError(Exception):
    """The attestation cannot be accepted; the message says why in one sentence."""


class KeyFileError(Exception):
    """A key file cannot be used (a configuration error, exit 2)."""


class Unreadable(AttestationError):
    """The file cannot be read at all (a usage error, exit 2)."""


def read_capped(path: Path) -> bytes:
    """The bytes of ``path``, refused beyond :data:`MAX_BYTES` without reading them all."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise Unreadable(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise AttestationError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MiB; not a gate verdict")
    return raw


def parse_json(raw: bytes, where: str) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AttestationError(f"{where} is not UTF-8 (byte {exc.start})") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except _Duplicate as exc:
        raise AttestationError(f"{where} has the key {str(exc)[:80]!r} twice; refused") from None
    except RecursionError:
        raise AttestationError(f"{where} is nested too deeply") from None
    except ValueError as exc:
        raise AttestationError(f"{where} is not valid JSON ({str(exc)[:120]})") from None


class _Duplicate(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE's pre-authentication encoding: what is signed, so that the type is signed too."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def _b64decode(value: Any, where: str) -> bytes:
    """Standard or URL-safe base64 (DSSE accepts both), nothing else."""
    if not isinstance(value, str) or not value.isascii():
        raise AttestationError(f"{where} is not a base64 string")
    try:
        return base64.b64decode(value.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise AttestationError(f"{where} is not valid base64") from None


@dataclass(frozen=True)
class Envelope:
    payload_type: str
    payload: bytes
    signatures: tuple[tuple[str, bytes], ...]
    """(keyid, signature) pairs."""


def is_envelope(doc: Any) -> bool:
    return isinstance(doc, dict) and "payload" in doc and "signatures" in doc


def parse_envelope(doc: dict[str, Any], where: str) -> Envelope:
    kind = doc.get("payloadType")
    if not isinstance(kind, str):
        raise AttestationError(f"{where}: envelope without a payloadType")
    payload = _b64decode(doc.get("payload"), f"{where}: the envelope's payload")
    sigs = doc.get("signatures")
    if not isinstance(sigs, list) or not sigs:
        raise AttestationError(f"{where}: envelope without signatures")
    pairs: list[tuple[str, bytes]] = []
    for i, item in enumerate(sigs[:16]):
        if not isinstance(item, dict):
            raise AttestationError(f"{where}: the envelope's signatures[{i}] is not an object")
        keyid = item.get("keyid", "")
        pairs.append((keyid if isinstance(keyid, str) else "", _b64decode(item.get("sig"), f"{where}: the envelope's signatures[{i}].sig")))
    return Envelope(kind, payload, tuple(pairs))


def load_private_key(path: Path) -> PrivateKey:
    """An ECDSA P-256 or Ed25519 private key in PEM (its password, if any, from
    ``$PRODGATE_KEY_PASSWORD``)."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    data = _key_bytes(path)
    password = os.environ.get(PASSWORD_ENV)
    try:
        key = load_pem_private_key(data, password.encode() if password else None)
    except TypeError:
        raise KeyFileError(f"{path}: the key is encrypted; put its password in ${PASSWORD_ENV}") from None
    except (ValueError, UnsupportedAlgorithm):
        raise KeyFileError(f"{path}: not a PEM private key (or a wrong ${PASSWORD_ENV})") from None
    _require_supported(key, path)
    return cast("PrivateKey", key)


def load_public_key(path: Path) -> PublicKey:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        key = load_pem_public_key(_key_bytes(path))
    except (ValueError, UnsupportedAlgorithm):
        raise KeyFileError(f"{path}: not a PEM public key") from None
    _require_supported(key, path)
    return cast("PublicKey", key)


def _require_supported(key: object, path: Path) -> None:
    """Ed25519, or ECDSA on P-256: the two DSSE signers in common use (Sigstore's and
    in-toto's); an RSA or other-curve key is a configuration error."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519

    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return
    raise KeyFileError(f"{path}: an ECDSA P-256 or Ed25519 key is needed")


def _key_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            data = fh.read(64 * 1024 + 1)
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > 64 * 1024:
        raise KeyFileError(f"{path}: too large for a PEM key")
    return data


def keyid(key: PublicKey) -> str:
    """sha256 of the key's SubjectPublicKeyInfo: names the key in the envelope."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return hashlib.sha256(key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)).hexdigest()


def sign(payload: bytes, key: PrivateKey) -> dict[str, Any]:
    """The DSSE envelope of an in-toto ``payload`` signed with ``key``."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    message = pae(PAYLOAD_TYPE, payload)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        sig = key.sign(message, ec.ECDSA(hashes.SHA256()))
    else:
        sig = key.sign(message)
    return {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(payload).decode("ascii"),
        "signatures": [{"keyid": keyid(key.public_key()), "sig": base64.b64encode(sig).decode("ascii")}],
    }


def signed_by(envelope: Envelope, key: PublicKey) -> bool:
    """Whether any signature of ``envelope`` verifies with ``key``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    message = pae(envelope.payload_type, envelope.payload)
    for _keyid, sig in envelope.signatures:
        try:
            if isinstance(key, ec.EllipticCurvePublicKey):
                key.verify(sig, message, ec.ECDSA(hashes.SHA256()))
            else:
                key.verify(sig, message)
        except InvalidSignature:
            continue
        return True
    return False
