"""The job summary as a reader sees it: Markdown rendered the GitHub way (CommonMark with
GFM tables, raw HTML for ``<details>``) inside a stylesheet close to GitHub's, measured
and photographed by real headless Chromium.

``python tests/summary_html.py docs/img/summary-12-assets.png`` writes the README's
screenshot of the 12-asset monorepo summary.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from markdown_it import MarkdownIt

CSS = """
body { margin: 0; background: #f6f8fa; }
.page { box-sizing: border-box; max-width: 1012px; margin: 16px auto; background: #fff;
  border: 1px solid #d0d7de; border-radius: 6px; padding: 16px 32px 24px; }
.markdown-body { font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans",
  Helvetica, Arial, sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji";
  font-size: 14px; line-height: 1.5; color: #1f2328; word-wrap: break-word; }
.markdown-body h2 { font-size: 1.5em; font-weight: 600; padding-bottom: .3em;
  border-bottom: 1px solid #d1d9e0b3; margin: 8px 0 16px; }
.markdown-body h3 { font-size: 1.25em; font-weight: 600; margin: 24px 0 16px; }
.markdown-body p, .markdown-body ul, .markdown-body table, .markdown-body pre,
.markdown-body details, .markdown-body blockquote { margin: 0 0 16px; }
.markdown-body ul { padding-left: 2em; }
.markdown-body li + li { margin-top: .25em; }
.markdown-body a { color: #0969da; text-decoration: none; }
.markdown-body code { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas,
  "Liberation Mono", monospace; font-size: 85%; padding: .2em .4em; margin: 0;
  background: #818b981f; border-radius: 6px; white-space: break-spaces; }
.markdown-body pre { padding: 16px; background: #f6f8fa; border-radius: 6px; overflow: auto;
  font-size: 85%; line-height: 1.45; }
.markdown-body pre code { padding: 0; background: transparent; font-size: 100%; }
.markdown-body table { border-spacing: 0; border-collapse: collapse; display: block;
  width: max-content; max-width: 100%; overflow: auto; }
.markdown-body th { font-weight: 600; }
.markdown-body th, .markdown-body td { padding: 6px 13px; border: 1px solid #d1d9e0; }
.markdown-body tr { background: #fff; border-top: 1px solid #d1d9e0b3; }
.markdown-body tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body hr { height: .25em; padding: 0; margin: 24px 0; background: #d1d9e0;
  border: 0; }
.markdown-body blockquote { padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
.markdown-body summary { cursor: pointer; }
.markdown-body details { margin-bottom: 8px; }
"""

MEASURE = """
<script>
  const table = [...document.querySelectorAll("table")].find(t => t.tHead && t.tHead.textContent.includes("Next step"));
  const box = table ? table.getBoundingClientRect() : null;
  const unblock = [...document.querySelectorAll("h3")].find(h => h.textContent.startsWith("To unblock"));
  const fix = unblock && unblock.nextElementSibling ? unblock.nextElementSibling.querySelector("li") : null;
  document.body.dataset.measure = JSON.stringify({
    firstFix: fix ? Math.round(fix.getBoundingClientRect().top + window.scrollY) : null,
    cutNote: [...document.querySelectorAll("blockquote")].filter(b => b.textContent.includes("Cut to fit"))
      .map(b => Math.round(b.getBoundingClientRect().top + window.scrollY))[0] ?? null,
    overviewTop: box ? Math.round(box.top + window.scrollY) : null,
    height: document.documentElement.scrollHeight,
    overviewBottom: box ? Math.round(box.bottom + window.scrollY) : null,
    overviewRows: table ? table.tBodies[0].rows.length : 0,
    // Overview rows that link to an asset's details, and those whose target is missing.
    overviewLinks: table ? table.querySelectorAll('a[href^="#"]').length : 0,
    deadLinks: table ? [...table.querySelectorAll('a[href^="#"]')]
      .filter(a => !document.getElementById(a.getAttribute("href").slice(1))).length : 0,
    rollups: [...document.querySelectorAll("p")].filter(p => p.textContent.startsWith("Blocking, by")).length,
  });
</script>
"""


def to_html(markdown: str, *, measure: bool = False) -> str:
    body = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>prodgate summary</title>'
        f"<style>{CSS}</style></head><body><div class=\"page markdown-body\">{body}</div>"
        f"{MEASURE if measure else ''}</body></html>"
    )


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


FLAGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu", "--hide-scrollbars"]


def measure(page: Path, width: int = 1280) -> dict[str, int]:
    """Height of the page and bottom of the overview table, in CSS pixels."""
    browser = chromium()
    assert browser, "chromium is not installed (apt-get install -y chromium)"
    out = subprocess.run(
        [browser, *FLAGS, f"--window-size={width},900", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    m = re.search(r'data-measure="([^"]*)"', out)
    assert m, out[:500]
    result: dict[str, int] = json.loads(html.unescape(m[1]))
    return result


def screenshot(page: Path, png: Path, width: int, height: int) -> None:
    browser = chromium()
    assert browser, "chromium is not installed (apt-get install -y chromium)"
    subprocess.run(
        [browser, *FLAGS, f"--screenshot={png}", f"--window-size={width},{height}", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )


def monorepo_summary(
    work: Path, count: int = 12, passing: frozenset[int] = frozenset({2, 7}), *, comment: bool = False
) -> str:
    """The Markdown summary of the monorepo (12 assets unless told), as the GitHub Action
    writes it; ``comment``: the pull request comment instead, within its size limit."""
    sys.path.insert(0, str(Path(__file__).parent))
    import monorepo
    from gitrepo import commit, init
    from prodgate.engine import Options, run
    from prodgate.policy.loader import load_policy
    from prodgate.reporters.links import Links
    from prodgate.reporters.markdown import render_markdown

    # A real clone, as the Action's checkout (fetch-depth: 0) is: eval freshness judged.
    repo = init(work / "repo")
    monorepo.build(repo, count, passing)
    commit(repo, "declare every service")
    report = run([repo], repo, load_policy(None), Options(today=dt.date(2026, 11, 22)))
    sha = "0123456789abcdef0123456789abcdef01234567"
    links = Links(f"https://github.com/acme/monorepo/blob/{sha}")
    if comment:
        from prodgate.reporters.markdown import render_comment

        return render_comment(report, links, "https://github.com/acme/monorepo/actions/runs/42")
    return render_markdown(report, links=links)


def main(argv: list[str]) -> int:
    png = Path(argv[0]) if argv else Path("docs/img/summary-12-assets.png")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        page = work / "summary.html"
        page.write_text(to_html(monorepo_summary(work), measure=True), encoding="utf-8")
        sizes = measure(page, 1100)
        height = min(sizes["height"], 2000)
        png.parent.mkdir(parents=True, exist_ok=True)
        screenshot(page, png, 1100, height)
        print(f"{png}: page {sizes['height']} px tall, overview ends at {sizes['overviewBottom']} px "
              f"({sizes['overviewRows']} rows); screenshot 1100x{height}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
