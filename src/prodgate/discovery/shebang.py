"""Scripts without an extension (``bin/summarise``, ``scripts/nightly``): read as the
language their first line names (``#!/usr/bin/env python3``), so that dropping a
script's extension hides nothing.

Only files whose name has no extension are opened, and only their first bytes read.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

_HEAD = 256
_BY_INTERPRETER = {
    "python": "python", "python2": "python", "python3": "python", "pypy": "python", "pypy3": "python",
    "node": "javascript", "nodejs": "javascript", "deno": "javascript", "bun": "javascript",
    "ts-node": "javascript", "tsx": "javascript",
}


def has_no_extension(rel: str) -> bool:
    """Whether a file's name has no extension (a dotfile's leading dot aside)."""
    return "." not in posixpath.basename(rel).lstrip(".")


def kind_of(path: Path) -> str | None:
    """The detector for a script by its shebang: Python, JavaScript, or any other
    interpreter read as a ``#``-commented script (shell, Ruby, Perl); None when the
    file does not start with ``#!`` (or is not a regular file: never followed)."""
    from prodgate.fsutil import FileProblem, read_regular

    read = read_regular(path, _HEAD, head=True)
    if isinstance(read, FileProblem) or not read[1].startswith(b"#!"):
        return None
    first = read[1][2:].split(b"\n", 1)[0].decode("utf-8", "replace")
    words = first.replace("\\", "/").split()
    if not words:
        return None
    # "/usr/bin/env -S python3 -u" names its interpreter after env and its flags.
    names = [posixpath.basename(w) for w in words if not w.startswith("-")]
    if names and names[0] == "env":
        names = names[1:]
    interpreter = names[0] if names else ""
    base = interpreter.rstrip("0123456789.") if interpreter.startswith(("python", "pypy")) else interpreter
    return _BY_INTERPRETER.get(interpreter) or _BY_INTERPRETER.get(base) or "code-hash"
