"""Where ``--output``, ``--format FORMAT=FILE`` and ``register report --html`` write.

One behaviour for every command: a missing folder is created, since the Action and
scripts name a results folder that a fresh runner lacks (``sarif_file:
results/prodgate.sarif``); and it is said on stderr, since a mistyped folder
(``--html ouptut/register.html``) would otherwise leave the page where nobody looks.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from prodgate.hygiene import clean


def open_output(target: str | Path) -> TextIO:
    """``target`` opened for writing UTF-8 text with ``\\n`` line ends, its missing
    folders created and named on stderr. Raises OSError as ``open`` does."""
    path = Path(target)
    folder = path.parent
    missing = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    out = path.open("w", encoding="utf-8", newline="\n")
    if missing:
        sys.stderr.write(clean(f"prodgate: created the folder {folder} for {target}") + "\n")
    return out
