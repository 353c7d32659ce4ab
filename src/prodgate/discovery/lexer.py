"""Just enough lexing to tell code from comments, and to find string literals.

A mention of an SDK in a comment is not use, so detectors look at source with its
comments blanked out (same length, newlines kept, so offsets and line numbers stay
those of the file) and at the string literals in it. This is not a parser: it knows
comment and quote syntax only, works on text that does not compile, and visits each
character a bounded number of times (it jumps between delimiters with ``str.find``
and patterns without quantifiers), so its time is linear in the file.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from prodgate.discovery.safe_regex import compile_safe
from prodgate.linear import line_offsets

# Which comment syntax a file uses.
C_STYLE = "c"          # // and /* */, quotes ' " ` (JS, TS, Go, Java, C#, Rust, ...)
HASH = "hash"          # # to end of line after whitespace, quotes ' " (shell, YAML, TOML, ...)
PYTHON = "python"      # as HASH, and triple-quoted strings count as prose (docstrings)
NONE = "none"          # no comments (JSON)

_START = {
    C_STYLE: compile_safe(r"//|/\*|[\"'`]"),
    HASH: compile_safe(r"#|[\"']"),
    PYTHON: compile_safe(r"#|\"\"\"|'''|[\"']"),
    NONE: compile_safe(r"\""),
}
_STOP = {q: compile_safe(f"[{re.escape(q)}\\\\\n]") for q in ("'", '"', "`")}


@dataclass(frozen=True)
class StringLiteral:
    offset: int
    """Offset of the opening quote in the text."""
    value: str
    """The text between the quotes, escapes left as written."""


@dataclass(frozen=True)
class Lexed:
    code: str
    """The text with every comment replaced by spaces (newlines kept)."""
    strings: tuple[StringLiteral, ...]
    line_starts: tuple[int, ...]

    def line_of(self, offset: int) -> int:
        """1-based line of an offset in the text."""
        return bisect.bisect_right(self.line_starts, offset)


def line_starts(text: str) -> tuple[int, ...]:
    """Where each line of ``text`` starts (a line after the last ``\\n`` too)."""
    return tuple(line_offsets(map(len, text.split("\n"))))


def lex(text: str, style: str) -> Lexed:
    """Blank the comments of ``text`` and collect its string literals."""
    start_re = _START[style]
    out: list[str] = []
    strings: list[StringLiteral] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = start_re.search(text, pos)
        if m is None:
            break
        i = m.start()
        token = m.group()
        if token == "#" and style in (HASH, PYTHON) and i > 0 and text[i - 1] not in " \t\n":
            out.append(text[pos : i + 1])  # "a#b", a URL fragment: not a comment
            pos = i + 1
            continue
        out.append(text[pos:i])
        if token in ("//", "#"):
            end = text.find("\n", i)
            end = n if end == -1 else end
            out.append(" " * (end - i))
        elif token == "/*":
            end = text.find("*/", i + 2)
            end = n if end == -1 else end + 2
            out.append(_blank(text[i:end]))
        elif token in ('"""', "'''"):
            end = text.find(token, i + 3)
            end = n if end == -1 else end + 3
            out.append(_blank(text[i:end]))  # docstrings and prose blocks
        else:
            end = _string_end(text, i + 1, token)
            closed = end - 1 > i and text[end - 1] == token
            strings.append(StringLiteral(i, text[i + 1 : end - 1 if closed else end]))
            out.append(text[i:end])
        pos = end
    out.append(text[pos:])
    return Lexed("".join(out), tuple(strings), line_starts(text))


_HASH = (" #", "\t#", "\n#")
_OPENERS = {C_STYLE: ("//", "/*"), HASH: _HASH, PYTHON: (*_HASH, '"""', "'''"), NONE: ()}
"""What starts a comment (or a prose block) in each style: text holding none of them
has nothing to blank. A ``#`` is one only at the start of the text or after a blank
(``a#b`` is a URL's fragment, ``"#fff"`` a colour); the text's start is tested apart."""


@functools.lru_cache(maxsize=4)
def blank_comments(text: str, style: str) -> Lexed:
    """``text`` with its comments blanked, for detectors that read code, not string
    literals (configuration, install commands, resource types): its ``strings`` are
    not collected when the text holds no comment opener, whose code is then the text
    itself. Walking the literals is most of the lexer's time (a recorded HTTP exchange
    is thousands of quoted strings), and most configuration has no comment at all.
    Cached for the few detectors that read the same file (a workflow: its resources,
    images, actions, install commands and values): lexed once, not four times."""
    hash_first = style in (HASH, PYTHON) and text.startswith("#")
    # A "#" at all first (one search in C): most configuration has none, and then the
    # three places a hash opens a comment need not be searched for one by one.
    openers = _OPENERS[style] if style != HASH or "#" in text else ()
    if not hash_first and not any(opener in text for opener in openers):
        return Lexed(text, (), line_starts(text))
    if style == HASH and "\\\n" not in text:
        return Lexed(_hash_lines_blanked(text), (), line_starts(text))
    return lex(text, style)


def _hash_lines_blanked(text: str) -> str:
    """``lex(text, HASH).code``, lexing only the lines that hold a ``#``. In this
    style a string ends at its line's end unless a backslash escapes the line break,
    and a comment always does, so in a text without a backslash before a line break
    every line starts outside any string or comment, and lexing it alone gives what
    lexing the whole text gives there. On recorded API exchanges (thousands of quoted
    strings, a ``#`` in a few lines of a body) that is most of the lexer's time.

    Lines with a ``#`` less than :data:`_NEAR` characters apart are lexed together, as
    one span: a file of comments (two million lines of ``#``) is lexed in as few calls
    as a whole text is, not one per line, which took four times as long."""
    out: list[str] = []
    done, size = 0, len(text)
    find, rfind = text.find, text.rfind

    def line_end(at: int) -> int:
        end = find("\n", at)
        return size if end == -1 else end

    while (at := find("#", done)) != -1:
        start = rfind("\n", 0, at) + 1
        end = line_end(at)
        while (near := rfind("#", end, end + _NEAR)) != -1:  # the last one near: a jump per window
            end = line_end(near)
        out.append(text[done:start])
        out.append(lex(text[start:end], HASH).code)
        done = end
    out.append(text[done:])
    return "".join(out)


_NEAR = 256
"""How close (characters) two lines with a ``#`` are lexed as one span."""


def _string_end(text: str, pos: int, quote: str) -> int:
    """Offset after the closing quote; a ' or " string ends at the line's end if it
    is not closed (a Rust lifetime, an apostrophe in a template)."""
    stop = _STOP[quote]
    while True:
        m = stop.search(text, pos)
        if m is None:
            return len(text)
        ch = m.group()
        if ch == "\\":
            pos = m.end() + 1
            continue
        if ch == "\n" and quote != "`":
            return m.start()
        if ch == "\n":
            pos = m.end()
            continue
        return m.end()


def _blank(segment: str) -> str:
    return "\n".join(" " * len(part) for part in segment.split("\n"))


def blank_strings(lexed: Lexed, keep: Callable[[StringLiteral], bool] | None = None) -> str:
    """The lexed code with the content of every string literal blanked (quotes and
    line breaks kept, so offsets and lines stay), but those ``keep`` says to keep:
    what a string says is not a statement or a command of the code around it."""
    parts: list[str] = []
    pos = 0
    code = lexed.code
    for s in lexed.strings:
        if s.offset < pos or (keep is not None and keep(s)):
            continue
        end = min(len(code), s.offset + 1 + len(s.value))
        parts.append(code[pos : s.offset + 1])
        parts.append(_blank(code[s.offset + 1 : end]))
        pos = end
    parts.append(code[pos:])
    return "".join(parts)
