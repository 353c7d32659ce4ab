"""The register's page in headless Chromium: its measures, and the pictures in docs/img.

``python tests/register_shots.py`` writes ``docs/img/register-10.png`` (10 repositories),
``docs/img/register-2000.png`` (2,000 repositories, three days of snapshots) and
``docs/img/register-detail.png`` (one asset's detail view), printing what it measured.
The browser tests use the same registers and measures (tests/test_register_browser.py).
"""

from __future__ import annotations

import json
import random
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import registerdocs

REPO = Path(__file__).resolve().parents[1]
IMG = REPO / "docs" / "img"
TODAY = "2026-11-04"
WIDTH, HEIGHT = 1400, 1000

MEASURE = """
const top = el => el ? Math.round(el.getBoundingClientRect().top + window.scrollY) : null;
const rows = id => document.querySelectorAll('#' + id + ' tbody tr').length;
const overlaps = [];  // per chart: the area (px²) its legend shares with the plotting area
for (const svg of document.querySelectorAll('figure.chart svg')) {
  const legend = svg.querySelector('[id^="legend"]'), area = svg.querySelector('[id^="axes"] > [id^="patch"]');
  if (!legend || !area) { overlaps.push(null); continue; }
  const a = legend.getBoundingClientRect(), b = area.getBoundingClientRect();
  overlaps.push(Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) *
                Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top)));
}
return {assetsTop: top(document.getElementById('assets')), expiringRows: rows('expiring'),
        overdueRows: rows('overdue'), placesRows: rows('undeclared-places'), height: document.body.scrollHeight,
        legendOverlaps: overlaps};
"""


def register(
    folder: Path,
    repositories: int,
    days: int = 3,
    seed: int = 7,
    extra: tuple[dict[str, Any], ...] = (),
) -> Path:
    """A register of ``repositories`` generated repositories over ``days`` days (see
    tests/registerdocs.py), its page written at ``folder/register.html``."""
    from prodgate.cli import main

    registerdocs.write_many(folder / "docs", repositories * days, seed=seed, days=days)
    for i, doc in enumerate(extra):  # the extra repositories: 10 in all for the small picture
        (folder / "docs" / f"extra-{i}.json").write_text(json.dumps(doc), encoding="utf-8")
    db = str(folder / "register.sqlite")
    if main(["register", "--db", db, "add", str(folder / "docs")]) != 0:
        raise RuntimeError("register add failed")
    page = folder / "register.html"
    if main(["register", "--db", db, "report", "--html", str(page), "--today", TODAY]) != 0:
        raise RuntimeError("register report failed")
    return page


def binary(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name) or (
            f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None
        )
        if found:
            return found
    return None


@contextmanager
def chromium() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary("chromium", "chromium-browser") or "chromium"
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-gpu",
        f"--window-size={WIDTH},{HEIGHT}",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
    ):
        options.add_argument(flag)
    # The driver is Debian's: Selenium Manager would try to download one.
    driver = webdriver.Chrome(
        options=options, service=Service(executable_path=binary("chromedriver") or "chromedriver")
    )
    try:
        yield driver
    finally:
        driver.quit()


def measure(driver: Any, page: Path) -> dict[str, Any]:
    driver.get(page.as_uri())
    result: dict[str, Any] = driver.execute_script(MEASURE)
    return result


def detail_id(driver: Any, name: str) -> str:
    """The fragment of the detail view of the asset ``name``, from its row's link."""
    from selenium.webdriver.common.by import By

    link = driver.find_element(By.LINK_TEXT, name)
    return (link.get_attribute("href") or "").rsplit("#", 1)[1]


def rich() -> dict[str, Any]:
    """A repository whose assistant fails for reasons its detail view gives: a
    requirement missing, a threshold missed, an exception granted; an agent with tools."""
    doc = registerdocs.inventory(
        "acme/claims", "c" * 40, "2026-11-03T10:00:00+00:00", 2, random.Random(2), undeclared=1
    )
    a = doc["assets"][0]
    a.update(
        name="claims-assistant", tier="enterprise", effective_tier="enterprise", stage="production"
    )
    a["gate"].update(passed=False, errors=2)
    a["requirements"] = {
        "model_card": "met",
        "security_review": "waived",
        "dpia": "missing",
        "runbook": "unfilled",
    }
    a["evals"] = [
        {
            "name": "accuracy",
            "category": "quality",
            "results": "evals/accuracy.json",
            "format": "prodgate",
            "model": None,
            "run_at": "2026-10-28",
            "outcome": "failed",
            "rules": ["PG305"],
            "metrics": [
                {"name": "exact_match", "value": 0.84, "threshold": ">= 0.9", "passed": False},
                {"name": "latency_p95_s", "value": 1.4, "threshold": "<= 2", "passed": True},
            ],
        },
        {
            "name": "safety",
            "category": "safety",
            "results": "evals/safety.json",
            "format": "prodgate",
            "model": None,
            "run_at": "2026-10-28",
            "outcome": "passed",
            "rules": [],
            "metrics": [
                {"name": "refusal_rate", "value": 0.99, "threshold": ">= 0.98", "passed": True}
            ],
        },
    ]
    a["risk"] = {
        "customer_facing": True,
        "regulated": True,
        "autonomy": "human-on-the-loop",
        "decisions_about_people": True,
    }
    a["agent_effect"] = "payment"
    a["tools"] = [
        {"name": "issue_refund", "effect": "payment", "approval": "human"},
        {"name": "lookup_claim", "effect": "read", "approval": "none"},
    ]
    a["exceptions"] = [
        {
            "requirement": "security_review",
            "ticket": "GOV-2481",
            "expires": "2026-11-30",
            "reason": "Penetration test booked for 24 November.",
            "active": True,
            "valid": True,
            "used": True,
            "granted": "2026-10-15",
            "approvals": [
                {"role": "risk", "name": "Rita Okafor"},
                {"role": "security", "name": "Sam Berg"},
            ],
        }
    ]
    a["owner"].update(name="Ada Lovelace", email="ada.lovelace@example.com", team="claims-platform")
    a["business_owner"]["name"] = "Tom Becker"
    a["not_codeowner"] = (
        "owner.github @acme/claims-ml is not a code owner of the asset: "
        ".github/CODEOWNERS:4 gives services/asset-0/ai-asset.yaml to @acme/platform"
    )
    return doc


def shoot(driver: Any, url: str, png: Path, height: int = HEIGHT) -> None:
    driver.set_window_size(WIDTH, height)
    driver.get(url)
    driver.save_screenshot(str(png))
    driver.set_window_size(WIDTH, HEIGHT)


def main(argv: list[str]) -> int:
    import tempfile

    out = Path(argv[0]) if argv else IMG
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, chromium() as driver:
        evil = registerdocs.inventory(
            "acme/<script>alert(1)</script>",
            "e" * 40,
            "2026-11-03T11:00:00+00:00",
            1,
            random.Random(5),
        )
        small = register(Path(tmp) / "small", 8, seed=3, extra=(rich(), evil))
        large = register(Path(tmp) / "large", 2000)
        for name, page in (("register-10.png", small), ("register-2000.png", large)):
            sizes = measure(driver, page)
            shoot(driver, page.as_uri(), out / name, 1600)
            print(f"{out / name}: {sizes}")
        driver.get(small.as_uri())
        fragment = detail_id(driver, "claims-assistant")
        shoot(driver, f"{small.as_uri()}#{fragment}", out / "register-detail.png")
        print(f"{out / 'register-detail.png'}: #{fragment}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    raise SystemExit(main(sys.argv[1:]))
