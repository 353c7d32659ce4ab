"""Just enough Markdown structure to judge an artifact: front matter, headings,
section bodies, and text that is prose (not code, not HTML comments).

Hugging Face model cards open with YAML front matter between ``---`` lines; its
comment lines start with ``#`` and must not be taken for headings.

Artifacts are written by the pull request, so every scan here is linear in the text:
no backtracking pattern meets a line of it (a heading of 40,000 spaces, 160 KB of
``x<!--``), and no per-line lookup walks the list of headings (50,000 of them).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import NamedTuple

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

    def section_body(self, heading: Heading) -> list[tuple[int, str]]:
        """Prose lines under ``heading`` up to the next heading of the same or a higher
        level (subsections are part of the body)."""
        if not self._section_end:
            self._section_end = _section_ends(self.headings, len(self.lines))
        end = self._section_end[heading.line]
        return [
            (n + 1, self.lines[n])
            for n in range(heading.line, end)  # heading.line is 1-based: this skips it
            if self.prose[n] and n + 1 not in self.heading_lines
        ]

    def has_content(self) -> bool:
        return any(
            self.prose[i] and self.lines[i].strip() and i + 1 not in self.heading_lines
            for i in range(len(self.lines))
        )


def _section_ends(headings: list[Heading], total: int) -> dict[int, int]:
    """For each heading's line, the number of lines before the next heading of the same
    or a higher level (``total`` when there is none): one pass with a stack."""
    ends: dict[int, int] = {}
    open_: list[Heading] = []
    for h in headings:
        while open_ and open_[-1].level >= h.level:
            ends[open_.pop().line] = h.line - 1
        open_.append(h)
    for h in open_:
        ends[h.line] = total
    return ends


def _atx(line: str) -> tuple[int, str] | None:
    """(level, title) of an ATX heading line (``## Title ##``), else None.

    String operations, not a regular expression: the pattern this replaces
    backtracked quadratically on a heading with a long run of spaces inside it.
    """
    body = line.lstrip(" ")
    if len(line) - len(body) > 3 or not body.startswith("#"):
        return None
    title = body.lstrip("#")
    level = len(body) - len(title)
    if level > 6 or (title and title[0] not in " \t"):
        return None
    return level, title.rstrip(" \t#").strip()


def parse(text: str) -> MarkdownDoc:
    lines = text.split("\n")
    doc = MarkdownDoc(lines=lines, prose=[True] * len(lines))
    start = 0
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                doc.front_matter = "\n".join(lines[1:i])
                doc.front_matter_end = i + 1
                start = i + 1
                break
    prose, headings, heading_lines = doc.prose, doc.headings, doc.heading_lines  # hot loop
    for i in range(start):
        prose[i] = False
    fence: str | None = None
    in_comment = False
    for i in range(start, len(lines)):
        line = lines[i]
        if fence is not None:
            prose[i] = False
            if line.strip().startswith(fence):
                fence = None
            continue
        if in_comment:
            prose[i] = False
            if "-->" in line:
                in_comment = False
                rest = line.split("-->", 1)[1]
                prose[i] = bool(rest.strip())
            continue
        stripped = line.strip()
        if not stripped:
            continue
        lead = stripped[0]  # most lines are prose: one look at the first character
        if lead in "`~" and (m := _FENCE.match(line)):
            fence = m.group(1)[0] * 3
            prose[i] = False
            continue
        if lead == "<" and stripped.startswith("<!--"):
            if "-->" not in stripped:
                in_comment = True
                prose[i] = False
                continue
            if stripped.endswith("-->") and stripped.count("<!--") == 1:
                prose[i] = False
                continue
        if lead == "#" and (atx := _atx(line)):
            headings.append(Heading(atx[0], atx[1], i + 1))
            heading_lines.add(i + 1)
            continue
        if (
            lead in "=-"
            and i > start
            and _SETEXT.match(line)
            and lines[i - 1].strip()
            and prose[i - 1]
            and i not in heading_lines
            and not (stripped.startswith("-") and len(stripped) < 3)
        ):
            level = 1 if stripped[0] == "=" else 2
            headings.append(Heading(level, lines[i - 1].strip(), i))
            heading_lines.update((i, i + 1))
    return doc


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
    title = _OPTIONAL.sub("", title)
    title = _NUMBERING.sub("", title.lower())
    return _NORMALISE.sub(" ", title).strip()
