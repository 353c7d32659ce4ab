"""The 12-asset job summary in real headless Chromium: the verdict and the whole overview
are on the first screen, and the page is a few screens, not ten."""

from __future__ import annotations

from pathlib import Path

from summary_html import measure, monorepo_summary, to_html


def test_overview_on_the_first_screen(tmp_path: Path) -> None:
    page = tmp_path / "summary.html"
    page.write_text(to_html(monorepo_summary(tmp_path), measure=True), encoding="utf-8")
    sizes = measure(page, 1280)
    assert sizes["overviewRows"] == 12
    assert sizes["overviewBottom"] < 800, sizes  # one laptop screen
    assert sizes["height"] < 3 * 900, sizes  # was 9,349 px before the overview and grouping
