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
    link = browser.find_element(By.LINK_TEXT, "claims-assistant").get_attribute("href")
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
