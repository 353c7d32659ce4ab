"""What a file says, not how it is spelt: its encoding decoded, string escapes and
look-alike letters folded, before the catalogue's literals are looked for.

A pull request that wants to pass unseen needs one line: a ``.ts`` file saved as
UTF-16, ``"api.\\x61nthropic.com"``, ``"\\u006fpenai"`` as a ``package.json`` key,
``import \uff4fpenai`` with a fullwidth o (U+FF4F) (Python folds identifiers by NFKC, so that
is ``import openai``). Each reads to the runtime as the plain name. This module gives
the text as the runtime reads it:

- :func:`decode` turns a file's bytes into text by its byte order mark (UTF-8,
  UTF-16 and UTF-32, little and big endian); line numbers are counted in that text.
- :func:`plain` folds, in one linear pass, every escape (``\\xHH``, ``\\uHHHH``, a
  surrogate pair, ``\\u{H}``, ``\\UHHHHHHHH``, ``\\N{NAME}``, an octal ``\\ooo``) and
  every character whose NFKC form is one of the few characters a catalogue literal
  holds (letters, digits and ``_ . - / : @``). Nothing else is decoded: no quote,
  backslash, blank, comment sign or line break is made, so a lexer reads the folded
  text as it reads the original and every line keeps its number.
- :data:`GREP_MARKERS` and :func:`marked` say which files may hold such spellings, so
  that the prefilter (git grep, or the compiled pattern for untracked files) keeps
  them as candidates; :func:`plain` then tells whether a literal is really there.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING

from prodgate.lastcall import last_answer

if TYPE_CHECKING:
    from prodgate.linear import Pattern

_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/:@")
"""What a fold may produce: the characters of a catalogue literal (see catalogue._LITERAL)."""

# Blocks holding every character whose NFKC form is made of _SAFE characters only
# (tests/test_discover_spelling.py checks this against the whole of Unicode).
_FOLD_BLOCKS = (
    (0xA0, 0x300),
    (0x1D00, 0x1DC0),
    (0x2000, 0x2500),
    (0x2C00, 0x2C80),
    (0x3200, 0x3400),
    (0xA700, 0xA800),
    (0xFB00, 0xFB50),
    (0xFE00, 0xFF70),
    (0x10780, 0x107C0),
    (0x1D400, 0x1D800),
    (0x1F100, 0x1F200),
    (0x1FB00, 0x1FC00),
)

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode(data: bytes) -> tuple[str, bool] | None:
    """The text of a file and whether it was transcoded (UTF-16 or UTF-32: its bytes
    hold no literal the prefilter could see); None when it is binary (a NUL byte in
    the first 8 KiB of a file without a byte order mark)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(codec, errors="replace")
            return None if "\x00" in text[:8192] else (text, codec != "utf-8")
    if b"\x00" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace"), False


@functools.cache
def folds() -> dict[str, str]:
    """Each character outside ASCII whose NFKC form is made of literal characters
    only, with that form: fullwidth and mathematical letters, ligatures (U+FF4F and
    U+1D428 are ``o``, U+FB01 is ``fi``). A character that stands for several marks
    and no letter (the ellipsis, common in prose) is left as it is."""
    out: dict[str, str] = {}
    for start, end in _FOLD_BLOCKS:
        for cp in range(start, end):
            char = chr(cp)
            form = unicodedata.normalize("NFKC", char)
            if (
                form != char
                and all(c in _SAFE for c in form)
                and (len(form) == 1 or any(c.isalnum() for c in form))
            ):
                out[char] = form
    return out


_HEX = "[0-9a-fA-F]"
_ESCAPE_BODY = (
    rf"u[dD][89abAB]{_HEX}{{2}}\\u[dD][c-fC-F]{_HEX}{{2}}|x[2-7a-fA-F]{_HEX}"
    rf"|u(00[2-7a-fA-F]|0[12]{_HEX}|1[dD]{_HEX}|2[0-4cC]{_HEX}|3[23]{_HEX}|[aA]7{_HEX}|[fF][bBeEfF]{_HEX}){_HEX}"
    rf"|u\{{{_HEX}{{1,6}}\}}|U000{_HEX}{{5}}|N\{{[A-Za-z0-9 -]{{1,80}}\}}|[01][0-7]{{2}}"
)
"""What follows the backslash of an escape that can stand for a literal or folding
character (in the syntax RE2 and POSIX extended patterns share)."""
_ESCAPE = (
    # A run of backslashes, then what an escape can stand for a literal or folding
    # character by: an ASCII or Latin-1 \xHH, a \uHHHH in the blocks that hold
    # folding characters (not CJK or Cyrillic text, which folds into nothing), a
    # surrogate pair, \u{H}, \UHHHHHHHH, \N{NAME}, an octal \ooo.
    rf"\\+({_ESCAPE_BODY})"
)


_LEADS = re.compile(r"\\[xuUN01]")
"""How every escape :data:`_ESCAPE` matches starts: a backslash, then one of six
characters. One pass of ``re``'s literal-prefix search (a fixed length: linear) where
six ``in`` tests read a file six times; on crewAI's sources 0.01 s instead of 0.09 s."""


def _fold_class() -> str:
    """The folding characters as one RE2 character class (ranges of code points)."""
    ranges = _ranges(sorted(ord(c) for c in folds()))
    return (
        "["
        + "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges)
        + "]"
    )


@functools.cache
def _spelt() -> Pattern:
    """An escape (with the backslashes before it), or a character that folds, in RE2
    over UTF-8 bytes (a DFA: linear, and fast on text that holds neither). Text that
    only looks like an escape (``\\\\d`` in a regular expression, ``\\n``) is not
    matched at all."""
    from prodgate.linear import compile_pattern

    return compile_pattern(f"{_ESCAPE}|{_fold_class()}")


@last_answer
def python_names(text: str) -> str:
    """``text`` as Python reads its names: look-alike letters folded (NFKC), so that
    ``import \uff4fpenai`` is searched as ``import openai``. The last text's form is
    kept: the module reader and the agent reader both ask, of the same text."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


@last_answer
def utf8(text: str) -> bytes:
    """``text`` in UTF-8, for RE2, which reads bytes (given text, it encodes it at
    each search). The last text's bytes are kept: the searches that decide whether a
    Python module is read, and how, are six of the same text."""
    return text.encode("utf-8", "surrogatepass")


def plain(text: str) -> str:
    """``text`` with escapes and look-alike characters folded into the literal
    characters they stand for; ``text`` itself (the same object) when nothing folds,
    so callers can tell. Lengths may change, line breaks never do."""
    if text.isascii() and ("\\" not in text or _LEADS.search(text) is None):
        return text  # most files and strings: a scan or a few in C, no pattern
    data = text.encode("utf-8", "surrogatepass")
    parts: list[bytes] = []
    pos = 0
    for m in _spelt().finditer(data):
        token = m.group().decode("utf-8", "surrogatepass")
        slashes = len(token) - len(token.lstrip("\\"))
        if slashes % 2 == 0 and slashes:
            continue  # \\\\x61: an escaped backslash, then x61
        got = _unescape(token[slashes - 1 :] if slashes else token)
        if got is not None:
            parts.append(data[pos : m.start()])
            parts.append(("\\" * (slashes - 1) if slashes else "").encode() + got.encode())
            pos = m.end()
    if not parts:
        return text
    parts.append(data[pos:])
    return b"".join(parts).decode("utf-8", "surrogatepass")


def _unescape(token: str) -> str | None:
    """What one escape or folding character stands for, when that is made of literal
    characters; None otherwise (kept as written)."""
    if not token.startswith("\\"):
        return folds().get(token)
    kind = token[1:2]
    try:
        if kind == "N":
            char = unicodedata.lookup(token[3:-1])
        elif kind == "u" and token[2:3] == "{":
            char = chr(int(token[3:-1], 16))
        elif kind in "xU" or (kind == "u" and len(token) == 6):
            char = chr(int(token[2:], 16))
        elif kind == "u":  # a surrogate pair
            high, low = int(token[2:6], 16), int(token[8:12], 16)
            char = chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        elif kind in "01234567":
            char = chr(int(token[1:], 8))
        else:
            return None
    except (KeyError, ValueError, OverflowError):
        return None
    if char in _SAFE:
        return char
    return folds().get(char)


@functools.cache
def grep_markers() -> str:
    """What may be spelt otherwise, as a POSIX extended pattern over bytes (git grep
    runs it with ``LC_ALL=C``): a byte order mark of UTF-16 or UTF-32 at a line start,
    an escape that can stand for a literal character, or the UTF-8 bytes of a
    character that folds into them (grouped by their leading bytes)."""
    escapes = _MARKED_ESCAPE
    return "|".join(["^\udcff\udcfe", "^\udcfe\udcff", escapes, *_byte_classes()])


def _byte_classes() -> list[str]:
    """The UTF-8 forms of the folding characters, as ERE alternatives over bytes:
    each leading part with a bracket of last bytes. Bytes above 0x7f are written as
    the surrogates ``os.fsencode`` turns back into those bytes."""
    groups: dict[bytes, list[int]] = {}
    for char in sorted(folds()):
        raw = char.encode("utf-8")
        groups.setdefault(raw[:-1], []).append(raw[-1])
    out = []
    for head, lasts in sorted(groups.items()):
        prefix = head.decode("utf-8", "surrogateescape")
        ranges = _ranges(sorted(set(lasts)))
        out.append(
            prefix
            + "["
            + "".join(_byte(a) if a == b else f"{_byte(a)}-{_byte(b)}" for a, b in ranges)
            + "]"
        )
    return out


def _ranges(values: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for v in values:
        if out and out[-1][1] == v - 1:
            out[-1] = (out[-1][0], v)
        else:
            out.append((v, v))
    return out


def _byte(value: int) -> str:
    return bytes([value]).decode("utf-8", "surrogateescape")


_MARKED_ESCAPE = rf"\\({_ESCAPE_BODY})"


@functools.cache
def _marked_escape() -> Pattern:
    from prodgate.linear import compile_pattern

    return compile_pattern(_MARKED_ESCAPE)


@functools.cache
def _marked_fold() -> Pattern:
    from prodgate.linear import compile_pattern

    return compile_pattern(_fold_class())


def marked(data: bytes) -> bool:
    """Whether a file's bytes may spell a literal otherwise: what
    :func:`grep_markers` finds, tested here on a file git grep did not search (a
    byte order mark, an escape, a folding character; RE2 over the bytes as UTF-8)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\\" in data and _marked_escape().search(data) is not None:
        return True
    return not data.isascii() and _marked_fold().search(data) is not None
