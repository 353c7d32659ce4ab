"""Output hygiene: the one place where text a pull request controls is made safe to print.

A pull request's author controls every name, path, ticket and message prodgate
reports, and prodgate's output lands in three readers that each act on hidden syntax:

* **the GitHub Actions runner** reads every line of a step's stdout *and* stderr for
  workflow commands. Two forms are parsed (actions/runner,
  ``src/Runner.Common/ActionCommand.cs``): ``::name::data`` when the line starts with
  ``::`` after its leading whitespace is trimmed (``TryParseV2``), and the legacy
  ``##[name]data`` found *anywhere* in the line (``TryParse`` looks up the first
  ``##[`` with ``IndexOf``). ``##[stop-commands]x`` in a file name would silence every
  annotation after it; ``##[add-mask]`` hides text from the log. Lines are split on
  ``\\n``, ``\\r`` and ``\\r\\n``, so a lone carriage return also starts a line.
* **a terminal**, where control characters and escape sequences move the cursor,
  rewrite the line, or hide text (``ESC[8m`` is "concealed").
* **Markdown** (job summary, pull request comment), where bidirectional overrides and
  zero-width characters make text read differently from what it is.

The API, smallest first:

``clean(text)``
    Human text for a terminal or the log (text reporter, messages, log lines, annotation
    data). Control and invisible characters become visible escapes (``\\x1b``,
    ``\\u202e``), ``##[`` becomes ``##\\[`` and a line whose first non-blank characters
    are ``::`` gets a ``\\`` before them. Newlines and tabs are kept. Idempotent.
``visible(text)``
    Only the character part of :func:`clean`, for formats that escape their own syntax
    (Markdown text, where ``[`` is already escaped).
``message(text)``
    One line for stderr (errors, warnings, the internal-error report): :func:`clean`
    with line breaks shown as ``\\n``, so a message can never start a line of its own.
``json_text(serialized)``
    A post-pass over ``json.dumps`` output: ``##[`` and invisible characters rewritten as
    JSON ``\\uXXXX`` escapes, which decode to the very same data (the JSON report is an
    evidence record and must not be altered), yet print inert. The one exception is
    what is not text at all (below): it decodes to its escaped form.
``unicode_text(text)`` and ``name_bytes(text)``
    A file name that is not UTF-8 is carried as text with lone surrogates
    (``surrogateescape``); every form above shows each such byte as ``\\xe9``
    (``caf\\xe9.py``), and ``unicode_text`` does only that, for stores and indexes.
    ``name_bytes`` gives the original bytes back, for percent-encoded URIs.
``commands_stopped(out)``
    A context manager for a block of untrusted lines under GitHub Actions: GitHub's
    documented mitigation, ``::stop-commands::<random token>`` before and
    ``::<token>::`` after, so the runner acts on nothing inside. prodgate's own
    annotations and groups are written *outside* it (the runner ignores them inside).
    Outside Actions it writes nothing.

Only stdout blocks are wrapped. The runner reads stdout and stderr on separate pipes and
interleaves their lines in arrival order, so a region opened on stderr could swallow an
annotation written to stdout at the same moment; stderr messages are single neutralised
lines instead, which the runner cannot read as commands by the two rules above.

Everything here is linear in the size of the text (``str.translate``-like single passes).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Mapping
from typing import TextIO

# Control characters (C0 but tab and newline, DEL, C1: ESC starts terminal sequences,
# U+009B is a one-character CSI, CR starts a new line for the runner) and characters
# that are invisible or reorder text: Unicode "format" (Cf) characters such as
# zero-width spaces and joiners, the bidirectional embeddings, overrides and isolates,
# the byte-order mark, tag characters; line and paragraph separators; Hangul fillers
# that render as blanks.
_HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
    "\ud800-\udfff]"
)
# A byte of a file name that is not UTF-8 enters as one of these lone surrogates
# (``os.fsdecode``, ``surrogateescape``): U+DC80 + (byte - 0x80). It is shown as the
# byte it stands for.
_ESCAPED_BYTE = (0xDC80, 0xDCFF)
_SURROGATE = re.compile("[\ud800-\udfff]")
# Blanks but not the newline, so that one match never spans lines (linear time).
_LINE_START_COMMAND = re.compile(r"^([^\S\n]*)::", re.MULTILINE)
_LEGACY = "##["


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if _ESCAPED_BYTE[0] <= code <= _ESCAPED_BYTE[1]:
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\n\t"


def _plain(text: str) -> bool:
    """Whether ``text`` certainly holds nothing :data:`_HIDDEN` matches. In ASCII those
    are the controls but tab and newline: what is left when ``bytes.translate`` deletes
    every other character, in C (a 6 MB report in 6 ms, where the character class takes
    0.2 s, and removing the tabs and newlines to ask ``isprintable`` 21 ms)."""
    return text.isascii() and not text.encode("ascii").translate(None, _PRINTABLE_ASCII)


def unicode_text(text: str) -> str:
    """``text`` with what is not Unicode text shown as escapes, everything else as is.

    A file name that is not UTF-8 (``b"caf\\xe9.py"``) is read from the file system and
    from git with ``surrogateescape``, so it is carried inside prodgate as text holding
    a lone surrogate; no UTF-8 writer (a file, a database, an HTTP body) can take it.
    This is its one printed form: each such byte as ``\\xe9`` (``caf\\xe9.py``), any
    other lone surrogate (a YAML ``"\\ud800"`` escape) as ``\\ud800``. For a database
    or an index that must keep names apart but needs no other hygiene."""
    return _SURROGATE.sub(_escape, text) if not text.isascii() else text


def name_bytes(text: str) -> bytes:
    """The bytes ``text`` was read from: a file name's original bytes (for a
    percent-encoded URI, which names bytes, or a digest that must stay stable)."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        return text.encode("utf-8", "surrogatepass")


def visible(text: str) -> str:
    """``text`` with every control and invisible character shown as an escape
    (``\\x1b``, ``\\u202e``); newlines and tabs are kept."""
    return text if _plain(text) else _HIDDEN.sub(_escape, text)


def neutralise(text: str) -> str:
    """``text`` with the runner's two command triggers disarmed: ``##[`` anywhere becomes
    ``##\\[`` and ``::`` at the start of a line (after blanks) becomes ``\\::``."""
    if _LEGACY in text:
        text = text.replace(_LEGACY, "##\\[")
    if "::" in text:
        text = _LINE_START_COMMAND.sub(r"\1\\::", text)
    return text


def clean(text: str) -> str:
    """Human text safe for a terminal and the Actions log (see the module docstring)."""
    return neutralise(visible(text))


def message(text: str) -> str:
    """One line for stderr: :func:`clean`, with newlines shown as ``\\n``."""
    return clean(text.replace("\n", "\\n"))


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xD800 <= code <= 0xDFFF:
        # Not a character: JSON text is UTF-8, so the value carries the escape itself
        # (``"caf\\xe9.py"`` decodes to the visible form ``caf\xe9.py``).
        return "\\" + _escape(match)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON spells characters beyond the BMP as a surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_text(serialized: str) -> str:
    """``json.dumps`` output that prints inert and decodes to the same data.

    Such characters and ``##[`` can only occur inside JSON strings, where ``\\uXXXX``
    spells any character, so the rewrite never changes what a JSON reader gets.
    """
    if not _plain(serialized):
        serialized = _HIDDEN.sub(_json_escape, serialized)
    return serialized.replace(_LEGACY, "##\\u005b")


def under_actions(env: Mapping[str, str] | None = None) -> bool:
    """True when the output goes to a GitHub Actions log."""
    return (os.environ if env is None else env).get("GITHUB_ACTIONS") == "true"


def stop_token() -> str:
    """A token nobody can guess (and long enough for the runner to mask it)."""
    import secrets  # only under Actions: keeps start-up lean

    return "prodgate-" + secrets.token_hex(16)


@contextlib.contextmanager
def commands_stopped(out: TextIO, *, enabled: bool | None = None) -> Iterator[None]:
    """Make the runner ignore commands in what is written inside; ``enabled`` defaults
    to :func:`under_actions`."""
    if not (under_actions() if enabled is None else enabled):
        yield
        return
    token = stop_token()
    out.write(f"::stop-commands::{token}\n")
    try:
        yield
    finally:
        out.write(f"::{token}::\n")
