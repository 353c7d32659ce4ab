"""The job summary in real headless Chromium: the first fix sits right under the verdict
(within 400 px of the top) for 1, 12 and 100 assets, no fix is listed twice, and the
12-asset overview still comes within a couple of screens."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from summary_html import measure, monorepo_summary, to_html

FIRST_FIX_PX = 400


def _fenced(markdown: str) -> list[str]:
    return re.findall(r"^ *(```+)\w*\n(.*?)^ *\1$", markdown, re.M | re.S)


@pytest.mark.parametrize("count", [1, 12, 100])
def test_first_fix_near_the_top_and_no_fix_twice(tmp_path: Path, count: int) -> None:
    markdown = monorepo_summary(tmp_path, count, frozenset({2, 7}) if count > 1 else frozenset())
    page = tmp_path / "summary.html"
    page.write_text(to_html(markdown, measure=True), encoding="utf-8")
    sizes = measure(page, 1280)
    print(f"\n{count} assets: first fix at {sizes['firstFix']} px, overview from {sizes['overviewTop']} to "
          f"{sizes['overviewBottom']} px, page {sizes['height']} px")
    assert sizes["firstFix"] is not None and sizes["firstFix"] < FIRST_FIX_PX, sizes
    # Every failing asset's row links to its details, and each link lands on them.
    failing = count - (2 if count > 1 else 0)
    assert sizes["overviewLinks"] >= failing and sizes["deadLinks"] == 0, sizes
    # Rollups by rule and by owner only when more than a few assets fail.
    assert sizes["rollups"] == (2 if failing > 5 else 0), sizes
    entries = re.findall(r"^1\. ❌ (.*)$", markdown, re.M)
    assert entries and len(entries) == len(set(entries)), entries
    blocks = [body for _fence, body in _fenced(markdown)]
    assert len(blocks) == len(set(blocks)), [b for b in blocks if blocks.count(b) > 1][:3]
    assert markdown.count("init --add-missing") <= count


def test_overview_within_two_screens(tmp_path: Path) -> None:
    page = tmp_path / "summary.html"
    page.write_text(to_html(monorepo_summary(tmp_path), measure=True), encoding="utf-8")
    sizes = measure(page, 1280)
    assert sizes["overviewRows"] == 12
    assert sizes["overviewBottom"] < 2 * 900, sizes
    assert sizes["height"] < 4 * 900, sizes  # was 9,349 px before the overview and grouping


@pytest.mark.parametrize("assets", [100, 400])
def test_cut_note_first_and_naming_the_assets_cut(tmp_path: Path, assets: int) -> None:
    """The pull request comment of a large repository: the note on what was cut sits
    above the overview and names the assets whose details went; the first fix stays near the top."""
    markdown = monorepo_summary(tmp_path, assets, frozenset({2, 7}), comment=True)
    page = tmp_path / "comment.html"
    page.write_text(to_html(markdown, measure=True), encoding="utf-8")
    sizes = measure(page, 1280)
    print(f"\n{assets}-asset comment: cut note at {sizes['cutNote']} px, first fix at {sizes['firstFix']} px, "
          f"overview from {sizes['overviewTop']} px, page {sizes['height']} px, {len(markdown):,} characters")
    assert sizes["cutNote"] is not None and sizes["cutNote"] < sizes["overviewTop"], sizes
    assert sizes["firstFix"] < FIRST_FIX_PX, sizes
    named = re.search(r"Details cut: (.*?)\.\n", markdown)
    assert named is not None and named[1].startswith("svc-"), markdown[:1500]
