"""Just enough Markdown structure to judge an artifact: front matter, headings,
section bodies, and text that is prose (not code, not HTML comments).

Hugging Face model cards open with YAML front matter between ``---`` lines; its
comment lines start with ``#`` and must not be taken for headings.

Artifacts are written by the pull request, so every scan here is linear in the text:
no backtracking pattern meets a line of it (a heading of 40,000 spaces, 160 KB of
``x<!--``), and no per-line lookup walks the list of headings (50,000 of them).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import NamedTuple

from prodgate import gcpause

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")


class Heading(NamedTuple):
    """A heading (a named tuple: an artifact can hold hundreds of thousands)."""

    level: int
    title: str
    line: int  # 1-based


@dataclass
class MarkdownDoc:
    lines: list[str]
    front_matter: str | None = None
    front_matter_end: int = 0  # number of lines the front matter takes (0 when none)
    headings: list[Heading] = field(default_factory=list)
    prose: list[bool] = field(default_factory=list)
    """``prose[i]`` is False for line i+1 when it is in front matter, a code fence or
    an HTML comment: placeholders there are not unfilled content."""
    heading_lines: set[int] = field(default_factory=set)
    """Lines (1-based) that are part of a heading: its text, and a setext underline."""
    _section_end: dict[int, int] = field(default_factory=dict)
    _normalised: dict[str, str] | None = None

    def section_body(self, heading: Heading) -> list[tuple[int, str]]:
        """Prose lines under ``heading`` up to the next heading of the same or a higher
        level (subsections are part of the body)."""
        end = self._end_of(heading)
        return [
            (n + 1, self.lines[n])
            for n in range(heading.line, end)  # heading.line is 1-based: this skips it
            if self.prose[n] and n + 1 not in self.heading_lines
        ]

    def _end_of(self, heading: Heading) -> int:
        """The number of lines before the next heading of the same or a higher level
        (all lines when there is none).

        Found by walking on from ``heading``, once per heading asked about: the walks
        from the headings of one level never overlap (each stops at the next heading
        of that level), so all of them together visit each heading at most six times,
        and a document of 400,000 headings asked about one pays for one walk.
        """
        end = self._section_end.get(heading.line)
        if end is None:
            end = len(self.lines)
            at = bisect.bisect_right(self.headings, heading.line, key=_line_of)
            for later in itertools.islice(self.headings, at, None):
                if later.level <= heading.level:
                    end = later.line - 1
                    break
            self._section_end[heading.line] = end
        return end

    def titled(self, names: Collection[str]) -> list[Heading]:
        """The headings whose title, normalised (:func:`normalise_heading`), is one of
        ``names`` (normalised), in document order.

        Each distinct title is normalised once per document, however many headings
        bear it and however many names are asked for; the headings are then picked
        by C-level lookups rather than a Python loop over all of them.
        """
        if self._normalised is None:
            self._normalised = {t: normalise_heading(t) for t in set(map(_title_of, self.headings))}
        wanted = {t for t, n in self._normalised.items() if n in names}
        if not wanted:
            return []
        return list(itertools.compress(self.headings, map(wanted.__contains__, map(_title_of, self.headings))))

    def has_content(self) -> bool:
        return any(
            self.prose[i] and self.lines[i].strip() and i + 1 not in self.heading_lines
            for i in range(len(self.lines))
        )


def parse(text: str) -> MarkdownDoc:
    """The structure of ``text`` in one linear pass that looks at a line only when its
    first character can make it matter.

    Most lines of an artifact are prose; the rest start with one of a few characters.
    Each line's first character is taken once; the blocks that hide text (front
    matter, code fences, HTML comments) are found among the lines that can open them,
    and their bodies skipped by searching for the closing line; headings are then taken
    from the remaining lines that start with ``#``, ``=`` or ``-``. An artifact that is
    headings from top to bottom (2 MB of ``## a``) costs a few string operations per
    heading, and no per-line lookup walks anything.
    """
    with gcpause.paused():
        return _parse(text)


def _parse(text: str) -> MarkdownDoc:
    lines = text.split("\n")
    count = len(lines)
    doc = MarkdownDoc(lines=lines, prose=[True] * count)
    # Each line's first character ("" for a blank line), and the lines that start with
    # the characters that matter, picked by C-level maps: no Python step per line.
    leads = list(map(_FIRST, map(str.lstrip, lines)))
    start = _front_matter(doc, leads)
    consumed = _hide_blocks(doc, _lines_led(leads, start, _BLOCK_LEADS), start)
    prose, heading_lines = doc.prose, doc.heading_lines
    headings = _atx_headings(lines, prose, _lines_led(leads, start, _ATX_LEADS), consumed)
    heading_lines.update(map(_line_of, headings))
    setext: list[Heading] = []
    for i in _lines_led(leads, start + 1, _SETEXT_LEADS):
        line = lines[i]
        stripped = line.strip()
        if (
            prose[i]
            and i not in consumed
            and _SETEXT.match(line)
            and lines[i - 1].strip()
            and prose[i - 1]
            and i not in heading_lines
            and not (stripped.startswith("-") and len(stripped) < 3)
        ):
            setext.append(Heading(1 if stripped[0] == "=" else 2, lines[i - 1].strip(), i))
            heading_lines.update((i, i + 1))
    doc.headings = sorted(headings + setext, key=_line_of) if setext else headings
    return doc


def _lines_led(leads: list[str], start: int, by: frozenset[str]) -> list[int]:
    """The indexes from ``start`` on of the lines whose first character is in ``by``."""
    return list(itertools.compress(range(start, len(leads)), map(by.__contains__, itertools.islice(leads, start, None))))


_FIRST = operator.itemgetter(slice(0, 1))
_ATX_LEADS = frozenset("#")
_SETEXT_LEADS = frozenset("=-")
_BLOCK_LEADS = frozenset("`~<")


_line_of = operator.attrgetter("line")
_title_of = operator.attrgetter("title")


def _front_matter(doc: MarkdownDoc, leads: list[str]) -> int:
    """Record the front matter (``---`` first line to the next ``---`` or ``...``) and
    return the number of lines it takes (0 when there is none)."""
    lines = doc.lines
    if not lines or lines[0].strip() != "---":
        return 0
    for i in range(1, len(lines)):
        if leads[i] in ("-", ".") and lines[i].strip() in ("---", "..."):
            doc.front_matter = "\n".join(lines[1:i])
            doc.front_matter_end = i + 1
            doc.prose[: i + 1] = [False] * (i + 1)
            return i + 1
    return 0


def _hide_blocks(doc: MarkdownDoc, openers: list[int], start: int) -> set[int]:
    """Mark code fences and HTML comments as not prose, in document order: a fence
    inside a comment opens nothing, nor a comment inside a fence.

    Returns the lines that close a comment and still hold prose after its ``-->``:
    they are no heading either.
    """
    lines, prose = doc.lines, doc.prose
    count = len(lines)
    closers: set[int] = set()
    resume = start  # the first line not inside a block already handled
    for i in openers:  # the lines that start with one of _BLOCK_LEADS
        if i < resume:
            continue
        line = lines[i]
        if line.lstrip()[0] == "<":
            stripped = line.strip()
            if not stripped.startswith("<!--"):
                continue
            if "-->" in stripped:
                if stripped.endswith("-->") and stripped.count("<!--") == 1:
                    prose[i] = False
                continue
            end = next((j for j in range(i + 1, count) if "-->" in lines[j]), count)
            prose[i:end] = [False] * (end - i)
            if end < count:
                prose[end] = bool(lines[end].split("-->", 1)[1].strip())
                if prose[end]:
                    closers.add(end)
            resume = end + 1
            continue
        m = _FENCE.match(line)
        if m is None:
            continue
        fence = m.group(1)[0] * 3
        end = next((j for j in range(i + 1, count) if lines[j].strip().startswith(fence)), count - 1)
        prose[i : end + 1] = [False] * (end + 1 - i)
        resume = end + 1
    return closers


def _atx_headings(lines: list[str], prose: list[bool], candidates: list[int], consumed: set[int]) -> list[Heading]:
    """The ATX headings (``## Title ##``) among the prose lines ``candidates`` (0-based)
    that no comment's closing line ``consumed``.

    String operations, not a regular expression: the pattern this replaces
    backtracked quadratically on a heading with a long run of spaces inside it.
    """
    candidates = list(itertools.compress(candidates, map(prose.__getitem__, candidates)))
    if consumed:
        candidates = [i for i in candidates if i not in consumed]
    found: list[Heading] = []
    append = found.append
    new = tuple.__new__  # Heading(...) would run a Python frame per heading
    for i in candidates:
        line = lines[i]
        if line[0] != "#":  # indented (the candidates' first non-blank is "#")
            body = line.lstrip(" ")
            if len(line) - len(body) > 3 or body[:1] != "#":
                continue
            line = body
        title = line.lstrip("#")
        level = len(line) - len(title)
        if level > 6 or (title and title[0] not in " \t"):
            continue
        append(new(Heading, (level, title.rstrip(" \t#").strip(), i + 1)))
    return found


_OPTIONAL = re.compile(r"\[optional\]", re.I)
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[ivx]+\.)\s+")
_NORMALISE = re.compile(r"[^a-z0-9]+")


def prose_text(line: str) -> str:
    """A line without inline HTML comments (``<!-- ... -->``); an unclosed one stays.

    One left-to-right pass: once a ``<!--`` has no ``-->`` after it, no later one can
    have either.
    """
    start = line.find("<!--")
    if start == -1:
        return line
    out = []
    kept = 0
    while start != -1:
        end = line.find("-->", start + 4)
        if end == -1:
            break
        out.append(line[kept:start])
        kept = end + 3
        start = line.find("<!--", kept)
    out.append(line[kept:])
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def normalise_heading(title: str) -> str:
    """Compare headings without case, punctuation, numbering or an "[optional]" tag.

    Cached: a monorepo's artifacts repeat the same few dozen headings thousands of times.
    """
    if "[" in title:
        title = _OPTIONAL.sub("", title)
    title = title.lower()
    lead = title.lstrip()[:1]
    if lead.isdecimal() or lead in _ROMAN:  # what a numbering prefix can start with
        title = _NUMBERING.sub("", title)
    return _NORMALISE.sub(" ", title).strip()


_ROMAN = frozenset("ivx")
