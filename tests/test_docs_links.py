"""Every relative link and anchor in the README and docs/ resolves, as GitHub renders
them: the file exists in the repository, and the anchor is a heading's slug or an
``<a id>`` of the page it points into. Every docs page is reachable from the README."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt

from conftest import REPO

PAGES = sorted([REPO / "README.md", *(REPO / "docs").glob("*.md")])
_MD = MarkdownIt("commonmark").enable("table")


def _inline_tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, target, line) of every link and image of a page, outside code."""
    found: list[tuple[str, str, int]] = []
    for block in _MD.parse(text):
        if block.type != "inline" or block.children is None:
            continue
        line = (block.map[0] + 1) if block.map else 0
        for tok in block.children:
            if tok.type == "link_open":
                found.append(("link", str(tok.attrGet("href") or ""), line))
            elif tok.type == "image":
                found.append(("image", str(tok.attrGet("src") or ""), line))
    return found


def _slug(heading: str) -> str:
    """GitHub's heading anchor: lower case, markup and punctuation dropped (hyphens and
    underscores kept), spaces to hyphens."""
    text = re.sub(r"<[^>]+>", "", heading)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


@cache
def _anchors(page: Path) -> frozenset[str]:
    text = page.read_text(encoding="utf-8")
    anchors: set[str] = set(re.findall(r'<a id="([^"]+)"></a>', text))
    seen: dict[str, int] = {}
    for tok in _MD.parse(text):
        if tok.type == "heading_open":
            continue
        if tok.type == "inline" and tok.map and text.splitlines()[tok.map[0]].lstrip().startswith("#"):
            slug = _slug(tok.content)
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            anchors.add(slug if n == 0 else f"{slug}-{n}")
    return frozenset(anchors)


def _targets() -> list[tuple[Path, str, int]]:
    return [(page, target, line) for page in PAGES
            for _kind, target, line in _inline_tokens(page.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_relative_link_and_anchor_resolves(page: Path) -> None:
    broken: list[str] = []
    for kind, target, line in _inline_tokens(page.read_text(encoding="utf-8")):
        parts = urlsplit(target)
        if parts.scheme or target.startswith("//"):
            continue  # absolute URLs: not this repository's to check offline
        path = unquote(parts.path)
        dest = (page.parent / path).resolve() if path else page
        where = f"{page.relative_to(REPO)}:{line} {kind} {target!r}"
        if REPO not in (dest, *dest.parents):
            broken.append(f"{where} leaves the repository")
        elif not dest.exists():
            broken.append(f"{where}: no such file")
        elif parts.fragment and (dest.suffix != ".md" or parts.fragment not in _anchors(dest)):
            broken.append(f"{where}: no anchor #{parts.fragment} in {dest.relative_to(REPO)}")
    assert not broken, "\n".join(broken)


def test_every_docs_page_is_linked_from_the_readme() -> None:
    readme = REPO / "README.md"
    linked = {(readme.parent / urlsplit(t).path).resolve()
              for _k, t, _l in _inline_tokens(readme.read_text(encoding="utf-8")) if not urlsplit(t).scheme}
    pages = {p.resolve() for p in (REPO / "docs").glob("*.md")}
    assert pages, "docs/ has no pages"
    assert not pages - linked, sorted(p.name for p in pages - linked)


def test_the_checker_sees_a_broken_link_and_a_broken_anchor(tmp_path: Path) -> None:
    """The checker itself can fail: a missing file, a missing anchor, a link in code."""
    page = tmp_path / "p.md"
    page.write_text(
        "# Top `x`\n\n## Second: part\n\n[a](missing.md) [b](#nope) [c](#top-x) [d](#second-part)\n\n"
        "```\n[e](also-missing.md)\n```\n",
        encoding="utf-8",
    )
    targets = [t for _k, t, _l in _inline_tokens(page.read_text(encoding="utf-8"))]
    assert targets == ["missing.md", "#nope", "#top-x", "#second-part"]
    assert _anchors(page) >= {"top-x", "second-part"} and "nope" not in _anchors(page)


def test_readme_is_short() -> None:
    lines = (REPO / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines < 250, f"README.md has {lines} lines; move task detail to docs/"


def test_there_are_links_to_check() -> None:
    assert len(_targets()) > 20
