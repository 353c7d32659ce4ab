"""Workflow commands (``::error file=…::message``) written safely.

The runner turns any log line that starts with ``::`` into a command, so everything a
declaration controls (asset names, file names, messages) is escaped the way the runner
unescapes it: ``%`` ``CR`` ``LF`` in data, and also ``:`` ``,`` in properties. Once a
newline is ``%0A`` a hostile name cannot start a line of its own, and so cannot inject
``::add-mask::`` or ``::stop-commands::``.

Text shown to people (the message, ``title=``, group titles, plain log lines) also goes
through :mod:`prodgate.hygiene` first. The ``file=`` property keeps the exact path, since
it must name the file for the annotation to attach (it is never shown as log text). The
exceptions are a path holding ``##[`` (the runner's property escapes cannot spell
``[``) and a file name that is not UTF-8 (the log is UTF-8): such an annotation names
its place in the message instead (``caf\\xe9.py:1: …``), and no line prodgate writes
ever contains ``##[`` or a byte that is not UTF-8.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from prodgate import hygiene

Level = Literal["error", "warning", "notice"]

_DATA = (("%", "%25"), ("\r", "%0D"), ("\n", "%0A"))
_PROPERTY = (*_DATA, (":", "%3A"), (",", "%2C"))


def escape_data(text: str) -> str:
    """Escape the message part of a command (after the second ``::``)."""
    for raw, escaped in _DATA:
        text = text.replace(raw, escaped)
    return text


def escape_property(text: str) -> str:
    """Escape a property value (``file=``, ``title=``), where ``:`` and ``,`` delimit."""
    for raw, escaped in _PROPERTY:
        text = text.replace(raw, escaped)
    return text


def command(name: str, text: str = "", properties: Mapping[str, str | int | None] | None = None) -> str:
    """One command line, without the trailing newline. ``None`` properties are left out."""
    props = ",".join(
        f"{key}={escape_property(str(value) if key == 'file' else hygiene.clean(str(value)))}"
        for key, value in (properties or {}).items()
        if value is not None and value != ""
    )
    head = f"{name} {props}" if props else name
    return f"::{head}::{escape_data(hygiene.clean(text))}"


def annotation(
    level: Level,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    col: int | None = None,
    title: str | None = None,
) -> str:
    """An ``::error`` / ``::warning`` / ``::notice`` annotation.

    Line and column are only given when known (> 0): an annotation with ``line=0`` is
    shown nowhere, while one without a line is attached to the whole file.
    """
    has_line = line is not None and line > 0
    if file is not None and ("##[" in file or hygiene.unicode_text(file) != file):
        # The runner has no escape for "[" in a property, and its log is UTF-8, which
        # cannot spell a file name that is not: such a path cannot be a file= property;
        # the annotation names the place in its (escaped) text instead.
        where = f"{file}:{line}:{col}" if has_line and col else f"{file}:{line}" if has_line else file
        message = f"{where}: {message}"
        file = line = col = None
        has_line = False
    props: dict[str, str | int | None] = {
        "file": file,
        "line": line if has_line else None,
        "col": col if has_line and col is not None and col > 0 else None,
        "title": title,
    }
    return command(level, message, props)


def group(title: str) -> str:
    return command("group", title)


def endgroup() -> str:
    return command("endgroup")


def safe_line(text: str) -> str:
    """A plain log line that can never be read as a command (:func:`prodgate.hygiene.message`)."""
    return hygiene.message(text)
