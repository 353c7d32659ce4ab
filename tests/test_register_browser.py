"""The register's HTML page in a real headless Chromium (Debian's chromium and
chromium-driver, through Selenium): the expected assets, working filters and sorting,
and a repository name carrying ``<script>`` shown as text, never run."""

from __future__ import annotations

import json
import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import registerdocs
from conftest import REPO, TODAY

EVIL = 'acme/<script>window.pwned=1;document.title="pwned"</script><img src=x onerror="window.pwned=2">'
SCREENSHOT = REPO / "docs" / "img" / "register.png"


def _binary(*names: str) -> str:
    for name in names:
        found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
        if found:
            return found
    pytest.fail(f"{' or '.join(names)} not found: apt-get install chromium chromium-driver (.ci/run does)")


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = _binary("chromium", "chromium-browser")
    for flag in ("--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu",
                 "--window-size=1400,1000", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    # The driver is Debian's: Selenium Manager would try to download one.
    driver = webdriver.Chrome(options=options, service=Service(executable_path=_binary("chromedriver")))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from prodgate.cli import main

    tmp = tmp_path_factory.mktemp("browser")
    rng = random.Random(3)
    docs = [
        registerdocs.inventory("acme/claims", "c" * 40, "2026-11-20T10:00:00+00:00", 3, rng, undeclared=2),
        registerdocs.inventory("acme/support", "d" * 40, "2026-11-21T10:00:00+00:00", 2, rng),
        registerdocs.inventory(EVIL, "e" * 40, "2026-11-21T11:00:00+00:00", 1, rng),
    ]
    docs[0]["assets"][0].update(name="claims-assistant", tier="enterprise", effective_tier="enterprise", stage="production")
    docs[0]["assets"][0]["gate"].update(passed=False, errors=2)
    docs[1]["assets"][0].update(name="reply-drafter", tier="team", effective_tier="team", stage="pilot")
    docs[1]["assets"][0]["gate"].update(passed=True, errors=0)
    for i, d in enumerate(docs):
        (tmp / f"{i}.json").write_text(json.dumps(d))
    db = str(tmp / "register.sqlite")
    assert main(["register", "--db", db, "add", str(tmp)]) == 0
    out = tmp / "register.html"
    assert main(["register", "--db", db, "report", "--html", str(out), "--today", TODAY]) == 0
    return out


def _visible_names(browser: webdriver.Chrome) -> list[str]:
    rows = browser.find_elements(By.CSS_SELECTOR, "#assets tbody tr")
    return [r.find_elements(By.TAG_NAME, "td")[1].text.split("\n")[0] for r in rows if r.is_displayed()]


def test_page_shows_the_assets(browser: webdriver.Chrome, page: Path) -> None:
    browser.get(page.as_uri())
    assert browser.find_element(By.ID, "total-assets").text.startswith("6")
    names = _visible_names(browser)
    assert len(names) == 6
    assert {"claims-assistant", "reply-drafter"} <= set(names)
    link = browser.find_element(By.LINK_TEXT, "services/asset-0/ai-asset.yaml").get_attribute("href")
    assert link == "https://github.com/acme/claims/blob/" + "c" * 40 + "/services/asset-0/ai-asset.yaml"
    assert len(browser.find_elements(By.CSS_SELECTOR, "figure.chart svg")) == 3
    assert browser.find_element(By.ID, "undeclared").text.splitlines()[1].startswith("acme/claims 2")


def test_filtering_and_sorting(browser: webdriver.Chrome, page: Path) -> None:
    browser.get(page.as_uri())
    box = browser.find_element(By.ID, "filter")
    box.send_keys("claims-assistant")
    assert _visible_names(browser) == ["claims-assistant"]
    assert browser.find_element(By.ID, "shown").text == "1 of 6 shown"
    box.clear()
    box.send_keys(" ")  # an input event with an empty query shows everything again
    assert len(_visible_names(browser)) == 6
    Select(browser.find_element(By.ID, "filter-stage")).select_by_visible_text("pilot")
    Select(browser.find_element(By.ID, "filter-tier")).select_by_visible_text("team")
    assert "reply-drafter" in _visible_names(browser)
    assert all(
        r.get_attribute("data-stage") == "pilot" and r.get_attribute("data-tier") == "team"
        for r in browser.find_elements(By.CSS_SELECTOR, "#assets tbody tr") if r.is_displayed()
    )
    Select(browser.find_element(By.ID, "filter-tier")).select_by_visible_text("any tier")
    Select(browser.find_element(By.ID, "filter-stage")).select_by_visible_text("any stage")
    Select(browser.find_element(By.ID, "filter-gate")).select_by_visible_text("failed")
    failed = _visible_names(browser)
    assert "claims-assistant" in failed
    assert "reply-drafter" not in failed
    Select(browser.find_element(By.ID, "filter-gate")).select_by_visible_text("any gate status")
    header = browser.find_element(By.CSS_SELECTOR, '#assets th[data-col="1"]')
    header.click()
    names = _visible_names(browser)
    assert names == sorted(names)
    header.click()
    assert _visible_names(browser) == sorted(names, reverse=True)


def test_script_in_a_repository_name_is_text(browser: webdriver.Chrome, page: Path) -> None:
    browser.get(page.as_uri())
    assert browser.execute_script("return window.pwned === undefined")
    assert browser.title.startswith("AI register")
    cells = [r.find_elements(By.TAG_NAME, "td")[0].text for r in browser.find_elements(By.CSS_SELECTOR, "#assets tbody tr")]
    assert EVIL in cells
    assert browser.find_elements(By.CSS_SELECTOR, "#assets img") == []
    # the page's own script did run (the filter counter is its work)
    browser.find_element(By.ID, "filter").send_keys("pwned")
    assert browser.find_element(By.ID, "shown").text == "1 of 6 shown"


def test_screenshot_for_the_readme(browser: webdriver.Chrome, tmp_path: Path) -> None:
    """The README's picture: a register of 30 repositories over three days, one of them
    named with a script. PRODGATE_UPDATE_SCREENSHOT=1 writes it to docs/img."""
    from prodgate.cli import main

    registerdocs.write_many(tmp_path / "docs", 90, days=3)
    evil = registerdocs.inventory(EVIL, "e" * 40, "2026-11-03T11:00:00+00:00", 1, random.Random(5))
    (tmp_path / "docs" / "evil.json").write_text(json.dumps(evil))
    db = str(tmp_path / "register.sqlite")
    assert main(["register", "--db", db, "add", str(tmp_path / "docs")]) == 0
    html = tmp_path / "register.html"
    assert main(["register", "--db", db, "report", "--html", str(html), "--today", "2026-11-04"]) == 0
    browser.get(html.as_uri())
    assert browser.execute_script("return window.pwned === undefined")
    shot = tmp_path / "register.png"
    browser.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("PRODGATE_UPDATE_SCREENSHOT"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "run with PRODGATE_UPDATE_SCREENSHOT=1"


HOSTILE = {
    "repository": 'acme/"><img src=x onerror="window.pwned=3">',
    "name": "</script><script>window.pwned=4</script><!--",
    "owner": '"><img src=x onerror=window.pwned=5>',
    "path": "javascript:window.pwned=6//ai-asset.yaml",
    "model": "<svg onload=window.pwned=7>",
    "bidi": "invoice\u202egpj.exe",
    "link_repository": "javascript:window.pwned=8",
}


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Names, owners, paths and models from repositories that try to break out of the
    page, and a repository named like a ``javascript:`` URL; once with the default
    links, once with ``--link-template {repository}`` (links relative to the page)."""
    from prodgate.cli import main

    tmp = tmp_path_factory.mktemp("hostile")
    rng = random.Random(11)
    docs = [
        registerdocs.inventory(HOSTILE["repository"], "1" * 40, "2026-11-20T10:00:00+00:00", 3, rng),
        registerdocs.inventory(HOSTILE["link_repository"], "2" * 40, "2026-11-20T10:00:00+00:00", 1, rng),
    ]
    a0, a1, a2 = docs[0]["assets"]
    a0.update(name=HOSTILE["name"], path=HOSTILE["path"])
    a0["owner"]["name"] = HOSTILE["owner"]
    a0["models"][0]["name"] = HOSTILE["model"]
    a1["name"] = HOSTILE["bidi"]
    a2["path"] = "data:text/html,<script>window.pwned=9</script>"
    # what only the detail view shows: risk facts, an agent's tools, metric names and
    # thresholds, exception reasons and approvers
    a0["risk"] = {"<img src=x onerror=window.pwned=10>": "<script>window.pwned=11</script>"}
    a0["tools"] = [{"name": "<svg onload=window.pwned=12>", "effect": "payment"}]
    a0["evals"][0]["metrics"][0].update(name="<iframe srcdoc='<script>parent.pwned=13</script>'>", threshold="\"><script>window.pwned=14</script>")
    a0["exceptions"] = [{"requirement": "r", "ticket": "T-1", "expires": "2027-01-01", "reason": "<a href=javascript:window.pwned=15>x</a>",
                         "active": True, "valid": True, "used": True, "approvals": [{"role": "risk", "name": "<b onmouseover=window.pwned=16>"}]}]
    for i, d in enumerate(docs):
        (tmp / f"{i}.json").write_text(json.dumps(d))
    db = str(tmp / "register.sqlite")
    assert main(["register", "--db", db, "add", str(tmp)]) == 0
    default, relative = tmp / "default.html", tmp / "relative.html"
    assert main(["register", "--db", db, "report", "--html", str(default), "--today", TODAY]) == 0
    assert main(["register", "--db", db, "report", "--html", str(relative), "--today", TODAY,
                 "--link-template", "{repository}"]) == 0
    return default, relative


def _cells(browser: webdriver.Chrome, column: int) -> list[str]:
    return [r.find_elements(By.TAG_NAME, "td")[column].text for r in browser.find_elements(By.CSS_SELECTOR, "#assets tbody tr")]


@pytest.mark.parametrize("which", [0, 1])
def test_hostile_names_run_nothing_and_read_as_they_are(browser: webdriver.Chrome, hostile_pages: tuple[Path, Path], which: int) -> None:
    browser.get(hostile_pages[which].as_uri())
    assert browser.execute_script("return window.pwned === undefined")
    assert browser.execute_script("return document.scripts.length") == 1  # the page's own, nothing injected
    for section in browser.find_elements(By.CSS_SELECTOR, "#details section.detail"):  # each detail view shown in turn
        browser.get(hostile_pages[which].as_uri() + "#" + (section.get_attribute("id") or ""))
        assert browser.execute_script("return window.pwned === undefined")
    assert browser.find_elements(By.CSS_SELECTOR, "#details iframe, #details a[href^='javascript'], #details b") == []
    details = browser.find_element(By.ID, "details").get_attribute("textContent") or ""
    assert "<script>window.pwned=11</script>" in details and "<svg onload=window.pwned=12>" in details
    own = (REPO / "src/prodgate/register/templates/register.js").read_text()
    assert browser.execute_script("return document.scripts[0].textContent") == own  # no data rides in a script
    assert browser.find_elements(By.CSS_SELECTOR, "#assets img, #assets svg, #assets script, #details img, #details svg, #details script") == []
    repos, names, owners, models = _cells(browser, 0), _cells(browser, 1), _cells(browser, 4), _cells(browser, 5)
    assert HOSTILE["repository"] in repos and HOSTILE["link_repository"] in repos
    assert HOSTILE["name"] + "\n" + HOSTILE["path"] in names  # the name, the path under it: as text
    assert "invoice\\u202egpj.exe" in [n.split("\n")[0] for n in names]  # the override shown, not obeyed
    assert HOSTILE["owner"] in owners
    assert any(HOSTILE["model"] in m for m in models)
    # the filter (the page's own script) still works over the hostile text
    browser.find_element(By.ID, "filter").send_keys("pwned=4</script>")
    assert browser.find_element(By.ID, "shown").text == "1 of 4 shown"


@pytest.mark.parametrize("which", [0, 1])
def test_only_links_of_validated_parts_are_clickable(browser: webdriver.Chrome, hostile_pages: tuple[Path, Path], which: int) -> None:
    """Neither hostile repository is named owner/name, and the paths hold a scheme:
    no asset is linked, whatever the template; every link left is the page's own."""
    page = hostile_pages[which]
    browser.get(page.as_uri())
    assert browser.find_elements(By.CSS_SELECTOR, "#assets a:not(.detail-link)") == []
    for a in browser.find_elements(By.CSS_SELECTOR, "a"):
        href = a.get_attribute("href") or ""  # as the browser resolved it
        assert href.startswith(page.as_uri() + "#"), href


def test_at_2000_repositories_tables_are_capped_and_the_assets_near_the_top(browser: webdriver.Chrome, tmp_path: Path) -> None:
    """2,000 repositories: every side table shows at most 50 rows and links its full
    export, written beside the page; the asset table starts within three screens
    (it started 31,678 px down when the expiring exceptions were not capped); no chart's
    legend covers its plotting area."""
    import csv

    import register_shots
    from prodgate.register.render import MAX_ROWS

    page = register_shots.register(tmp_path, 2000, days=1)
    sizes = register_shots.measure(browser, page)
    assert sizes["expiringRows"] == sizes["overdueRows"] == sizes["placesRows"] == MAX_ROWS, sizes
    assert sizes["assetsTop"] < 3000, sizes
    assert sizes["legendOverlaps"] == [0, 0, 0], sizes
    more = browser.find_element(By.CSS_SELECTOR, "#more-expiring_exceptions a")
    total = int(browser.find_element(By.ID, "more-expiring_exceptions").text.split(" of ")[1].split()[0])
    assert total > MAX_ROWS
    export = tmp_path / more.text
    assert more.get_attribute("href") == export.as_uri()
    with export.open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == total
    assert len(browser.find_elements(By.CSS_SELECTOR, "#assets tbody tr")) == int(browser.find_element(By.ID, "total-assets").text.split()[0])


def test_an_assets_name_opens_its_detail_view_and_close_hides_it(browser: webdriver.Chrome, page: Path) -> None:
    """The detail view is part of the offline page: the name's link shows its section
    over the page (``:target``), with no request and no script; "Close" hides it."""
    browser.get(page.as_uri())
    details = browser.find_elements(By.CSS_SELECTOR, "#details section.detail")
    assert len(details) == 6 and not any(d.is_displayed() for d in details)
    browser.find_element(By.LINK_TEXT, "claims-assistant").click()
    shown = [d for d in details if d.is_displayed()]
    assert len(shown) == 1
    assert browser.current_url == page.as_uri() + "#" + (shown[0].get_attribute("id") or "")
    assert shown[0].find_element(By.TAG_NAME, "h3").text == "claims-assistant failed"
    assert "Owner" in shown[0].text and "pass_rate" in shown[0].text and ">= 0.9" in shown[0].text
    top, bottom = browser.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom]", shown[0])
    assert 0 <= top < bottom <= browser.execute_script("return window.innerHeight")  # on screen, wherever the page was
    shown[0].find_element(By.LINK_TEXT, "Close ✕").click()
    assert not any(d.is_displayed() for d in details)
