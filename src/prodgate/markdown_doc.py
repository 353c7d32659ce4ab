"""Just enough Markdown structure to judge an artifact: front matter, headings,
section bodies, and text that is prose (not code, not HTML comments).

Hugging Face model cards open with YAML front matter between ``---`` lines; its
comment lines start with ``#`` and must not be taken for headings.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t#]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")


@dataclass(frozen=True)
class Heading:
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

    def section_body(self, heading: Heading) -> list[tuple[int, str]]:
        """Prose lines under ``heading`` up to the next heading of the same or a higher
        level (subsections are part of the body)."""
        idx = self.headings.index(heading)
        end = len(self.lines)
        for other in self.headings[idx + 1 :]:
            if other.level <= heading.level:
                end = other.line - 1
                break
        body = []
        for n in range(heading.line, end):  # heading.line is 1-based: this skips it
            if self.prose[n] and not _is_heading_line(self, n + 1):
                body.append((n + 1, self.lines[n]))
        return body

    def has_content(self) -> bool:
        return any(
            self.prose[i] and self.lines[i].strip() and not _is_heading_line(self, i + 1)
            for i in range(len(self.lines))
        )


def _is_heading_line(doc: MarkdownDoc, line: int) -> bool:
    return any(h.line == line for h in doc.headings) or bool(
        line >= 2 and _SETEXT.match(doc.lines[line - 1]) and any(h.line == line - 1 for h in doc.headings)
    )


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
    for i in range(start):
        doc.prose[i] = False
    fence: str | None = None
    in_comment = False
    for i in range(start, len(lines)):
        line = lines[i]
        if fence is not None:
            doc.prose[i] = False
            if line.strip().startswith(fence):
                fence = None
            continue
        if in_comment:
            doc.prose[i] = False
            if "-->" in line:
                in_comment = False
                rest = line.split("-->", 1)[1]
                doc.prose[i] = bool(rest.strip())
            continue
        m = _FENCE.match(line)
        if m:
            fence = m.group(1)[0] * 3
            doc.prose[i] = False
            continue
        stripped = line.strip()
        if stripped.startswith("<!--"):
            if "-->" not in stripped:
                in_comment = True
                doc.prose[i] = False
                continue
            if stripped.endswith("-->") and stripped.count("<!--") == 1:
                doc.prose[i] = False
                continue
        h = _ATX.match(line)
        if h:
            doc.headings.append(Heading(len(h.group(1)), (h.group(2) or "").strip(), i + 1))
            continue
        if (
            i > start
            and stripped
            and _SETEXT.match(line)
            and lines[i - 1].strip()
            and doc.prose[i - 1]
            and not _ATX.match(lines[i - 1])
            and not (stripped.startswith("-") and len(stripped) < 3)
        ):
            level = 1 if stripped[0] == "=" else 2
            doc.headings.append(Heading(level, lines[i - 1].strip(), i))
    return doc


_COMMENT = re.compile(r"<!--.*?-->")
_OPTIONAL = re.compile(r"\[optional\]", re.I)
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[ivx]+\.)\s+")
_NORMALISE = re.compile(r"[^a-z0-9]+")


def prose_text(line: str) -> str:
    """A line without inline HTML comments."""
    return _COMMENT.sub("", line) if "<!--" in line else line


@functools.lru_cache(maxsize=4096)
def normalise_heading(title: str) -> str:
    """Compare headings without case, punctuation, numbering or an "[optional]" tag.

    Cached: a monorepo's artifacts repeat the same few dozen headings thousands of times.
    """
    title = _OPTIONAL.sub("", title)
    title = _NUMBERING.sub("", title.lower())
    return _NORMALISE.sub(" ", title).strip()
