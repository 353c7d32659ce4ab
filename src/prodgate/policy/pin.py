"""The policy pin: a digest of the policy's content, and the verified copies kept for
when the policy server cannot be reached.

The pin covers what the policy says, not how its file is written: the sha256 of the
canonical JSON of the loaded YAML document (keys sorted, no whitespace). A comment, a
re-indentation or a change of quoting leaves it unchanged, so a platform team can
document its policy without breaking every consumer's pin; any change of a value
changes it. The sha256 of the file's bytes, the pin of earlier releases, is accepted
too, so existing pins keep working.

A copy that matched its pin once is kept under the runner's tool cache (or
``~/.cache/prodgate``), keyed by the pin. When the server is down, that copy - checked
against the pin again, since the cache is only a folder on disk - stands in for the
download, with a warning. Without a pin nothing is cached or used: an unpinned URL
policy fails closed when it cannot be fetched.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

_HEX = re.compile(r"^[0-9a-f]{64}$")


def canonical_digest(data: Any) -> str:
    """sha256 of ``data`` (a loaded YAML document) as canonical JSON."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def normalise(pin: str) -> str | None:
    """The 64 hex digits of ``pin`` (``sha256:`` prefix and case ignored), or None."""
    value = pin.strip().lower().removeprefix("sha256:").strip()
    return value if _HEX.match(value) else None


def matches(pin: str, raw: bytes, data: Any) -> bool:
    """Whether ``pin`` (normalised) is the canonical digest of ``data`` or the sha256
    of the bytes ``raw`` it was loaded from."""
    return pin in (canonical_digest(data), hashlib.sha256(raw).hexdigest())


def cache_dir() -> Path:
    """Where verified copies are kept: the runner's tool cache under Actions, else the
    user's cache folder."""
    tool_cache = os.environ.get("RUNNER_TOOL_CACHE")
    if tool_cache:
        return Path(tool_cache) / "prodgate" / "policies"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "prodgate" / "policies"


def _entry(pin: str) -> Path:
    return cache_dir() / f"{pin}.yaml"


def remember(pin: str, raw: bytes) -> None:
    """Keep ``raw``, which matched ``pin``; a cache that cannot be written is no error
    (the run had its policy), it only cannot help a later run."""
    target = _entry(pin)
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written whole under a temporary name, then renamed: a concurrent run never
        # reads half a file (and would refuse it by the pin anyway).
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
            Path(tmp).replace(target)
        except OSError:
            with contextlib.suppress(OSError):
                Path(tmp).unlink()


def recall(pin: str, max_bytes: int) -> tuple[bytes, Path] | None:
    """The cached bytes for ``pin`` and where they are, if a regular file is there; the
    caller checks them against the pin before use."""
    target = _entry(pin)
    try:
        if target.is_symlink() or not target.is_file() or target.stat().st_size > max_bytes:
            return None
        return target.read_bytes(), target
    except OSError:
        return None
