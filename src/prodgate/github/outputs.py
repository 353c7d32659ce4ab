"""Step outputs (``$GITHUB_OUTPUT``) and the job summary (``$GITHUB_STEP_SUMMARY``).

Outputs use the multiline form ``name<<DELIMITER`` with a random delimiter for every
value, so no value (a path, a message) can end the block early and set other outputs.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path

SUMMARY_LIMIT = 1024 * 1024
"""GitHub refuses a step summary above 1 MiB (and then shows none of it)."""


def format_outputs(values: Mapping[str, str]) -> str:
    """The text to append to ``$GITHUB_OUTPUT`` for ``values``."""
    parts = []
    for name, value in values.items():
        delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
        while delimiter in value:  # pragma: no cover - 128 random bits
            delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
        parts.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    return "".join(parts)


def write_outputs(path: str | Path, values: Mapping[str, str]) -> str | None:
    """Append ``values`` to the outputs file; an error message if it cannot be written."""
    return _append(Path(path), format_outputs(values))


def append_summary(path: str | Path, markdown: str) -> str | None:
    """Append Markdown to the job summary; an error message if it cannot be written."""
    return _append(Path(path), markdown if markdown.endswith("\n") else markdown + "\n")


def _append(path: Path, text: str) -> str | None:
    try:
        with path.open("a", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError as exc:
        return f"cannot write {path}: {exc.strerror or exc}"
    return None
