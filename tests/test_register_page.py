"""The register's page as the office reads it: links made only from validated parts,
every side table capped with its full export beside the page, the roll-ups and each
asset's detail view; on SQLite and on PostgreSQL."""

from __future__ import annotations

import html
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from prodgate.hygiene import visible

import pgserver
import registerdocs
from conftest import TODAY


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "register.sqlite")
        return
    with pgserver.schema(request.getfixturevalue("pg_dsn")) as url:
        yield url


def _add(run, db: str, folder: Path, docs: list[dict[str, Any]]) -> None:  # type: ignore[no-untyped-def]
    folder.mkdir(parents=True, exist_ok=True)
    for i, d in enumerate(docs):
        (folder / f"{i:04d}.json").write_text(json.dumps(d), encoding="utf-8")
    code, _out, err = run("register", "--db", db, "add", str(folder))
    assert code == 0, err


def _page(run, db: str, out: Path, *extra: str) -> str:  # type: ignore[no-untyped-def]
    code, _out, err = run(
        "register", "--db", db, "report", "--html", str(out), "--today", TODAY, *extra
    )
    assert code == 0, err
    return out.read_text(encoding="utf-8")


def _hrefs(page: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)"', page)


HOSTILE_PATHS = [
    "../../../../evil-org/phish/x",
    "services/../../../evil-org/phish/blob/main/x",
    "./ai-asset.yaml",
    "/evil-org/phish/x",
    "services//ai-asset.yaml",
    "services\\..\\..\\evil\\x",
    "https://evil.example/x",
    "javascript:alert(1)",
    "services/\u0007/x",
]


def test_a_hostile_path_is_never_a_link(tmp_path: Path, run, db: str) -> None:  # type: ignore[no-untyped-def]
    """The path of an asset and of an undeclared use, a repository not named
    owner/name, and a commit that is not hex: shown, never linked; the good rows
    keep their links."""
    rng = random.Random(1)
    doc = registerdocs.inventory(
        "acme/app", "a" * 40, "2026-11-20T10:00:00+00:00", len(HOSTILE_PATHS) + 1, rng, undeclared=2
    )
    for a, path in zip(doc["assets"], HOSTILE_PATHS, strict=False):
        a["path"] = path
    doc["undeclared"][0]["path"] = "../../../../evil-org/phish/y.py"
    other = registerdocs.inventory(
        "acme/../evil-org", "b" * 40, "2026-11-20T10:00:00+00:00", 1, rng
    )
    not_hex = registerdocs.inventory(
        "acme/nothex", "../../evil-org/phish", "2026-11-20T10:00:00+00:00", 1, rng
    )
    _add(run, db, tmp_path / "docs", [doc, other, not_hex])
    page = _page(run, db, tmp_path / "register.html")
    external = [h for h in _hrefs(page) if not h.startswith("#")]
    assert external, "the good rows keep their links"
    for href in external:
        assert href.startswith("https://github.com/acme/app/blob/" + "a" * 40 + "/"), href
        rest = href.split("/blob/", 1)[1]
        assert ".." not in rest.split("/") and "\\" not in rest and "evil" not in href, href
    good = doc["assets"][-1]["path"]
    assert f"https://github.com/acme/app/blob/{'a' * 40}/{good}" in external
    assert "https://github.com/acme/app/blob/" + "a" * 40 + "/scripts/tool1.py#L4" in external
    for path in HOSTILE_PATHS:
        assert html.escape(visible(path)) in page, path  # still shown, as text


@pytest.mark.parametrize(
    ("repository", "ok"),
    [
        ("acme/app", True),
        ("a-b/c.d_e-f", True),
        ("acme/..", False),
        ("acme/.", False),
        ("acme", False),
        ("acme/app/x", False),
        ("../acme/app", False),
        ("acme/a b", False),
        ("ac_me/app", False),
        ("/app", False),
        ("acme/", False),
        ("x" * 40 + "/app", False),
        ("acme/" + "y" * 101, False),
        ("acme/app\n", False),
    ],
)
def test_repository_parts(repository: str, ok: bool) -> None:
    from prodgate.register.links import repository_ok

    assert repository_ok(repository) is ok


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("ai-asset.yaml", True),
        ("svc/a b/ai-asset.yaml", True),
        ("svc/x:y.yaml", True),
        ("svc/%2e%2e/x", True),
        *((p, False) for p in HOSTILE_PATHS),
        ("", False),
        ("svc/", False),
        ("svc/.", False),
        ("c:/x", False),
        ("svc/\x7f", False),
        ("a/" * 2049, False),
    ],
)
def test_path_parts(path: str, ok: bool) -> None:
    from prodgate.register.links import path_ok

    assert path_ok(path) is ok


@pytest.mark.parametrize(
    ("commit", "ok"),
    [
        ("", True),
        ("a" * 40, True),
        ("ABCDEF1", True),
        ("abc", False),
        ("g" * 40, False),
        ("HEAD", False),
        ("a" * 65, False),
        ("../x1234", False),
    ],
)
def test_commit_parts(commit: str, ok: bool) -> None:
    from prodgate.register.links import commit_ok

    assert commit_ok(commit) is ok


def _rich(rng: random.Random) -> dict[str, Any]:
    """An inventory of one repository whose first asset fails for reasons the detail
    view must give: a requirement missing, a threshold missed, an exception granted,
    an agent with tools; its second asset's declaration does not load."""
    doc = registerdocs.inventory(
        "acme/claims", "c" * 40, "2026-11-20T10:00:00+00:00", 2, rng, undeclared=2
    )
    a = doc["assets"][0]
    a.update(
        name="claims-assistant", tier="enterprise", effective_tier="enterprise", stage="production"
    )
    a["gate"].update(passed=False, errors=2)
    a["requirements"] = {"model_card": "met", "security_review": "missing", "dpia": "unfilled"}
    a["evals"] = [
        {
            "name": "accuracy",
            "category": "quality",
            "results": "evals/a.json",
            "format": "prodgate",
            "model": None,
            "run_at": "2026-11-18",
            "outcome": "failed",
            "rules": ["PG305"],
            "metrics": [
                {"name": "exact_match", "value": 0.71, "threshold": ">= 0.9", "passed": False},
                {"name": "latency_p95", "value": 1.2, "threshold": "<= 2", "passed": True},
            ],
        }
    ]
    a["risk"] = {
        "customer_facing": True,
        "regulated": True,
        "autonomy": "<b>full</b>",
        "decisions_about_people": False,
    }
    a["agent_effect"] = "payment"
    a["tools"] = [
        {"name": "refund", "effect": "payment", "approval": "human"},
        {"name": "lookup", "effect": "read"},
    ]
    a["exceptions"] = [
        {
            "requirement": "security_review",
            "ticket": "GOV-7",
            "expires": "2026-12-01",
            "reason": "Pen test booked for November.",
            "active": True,
            "valid": True,
            "used": True,
            "granted": "2026-11-01",
            "approvals": [
                {"role": "risk", "name": "Rita Risk"},
                {"role": "security", "name": "Sam Sec"},
            ],
        }
    ]
    a["owner"].update(name="Ada Lovelace", email="ada@example.com", team="claims-team")
    doc["broken_declarations"] = [
        {
            "path": "services/broken/ai-asset.yaml",
            "line": 3,
            "rule_id": "PG101",
            "message": "tier: 'gold' is not one of team, departmental, enterprise",
        }
    ]
    return doc


def _section(page: str, name: str) -> str:
    """The detail section of the asset named ``name``, found from its row's link."""
    anchor = re.search(
        r'<a class="detail-link" href="#(asset-\d+)">' + re.escape(name) + "</a>", page
    )
    assert anchor, name
    start = page.index(f'<section class="detail" id="{anchor.group(1)}"')
    return page[start : page.index("</section>", start)]


def test_each_asset_has_a_detail_view_with_reasons_and_who_acts(
    tmp_path: Path, run, db: str
) -> None:  # type: ignore[no-untyped-def]
    _add(run, db, tmp_path / "docs", [_rich(random.Random(2))])
    page = _page(run, db, tmp_path / "register.html")
    d = _section(page, "claims-assistant")
    assert "Ada Lovelace &lt;ada@example.com&gt;" in d and "(team claims-team)" in d
    assert re.search(
        r"<td>security_review</td><td class=\"failed\">missing</td><td>Provide it: ", d
    )
    assert re.search(r"<td>dpia</td><td class=\"failed\">unfilled</td><td>Fill it in: ", d)
    assert "<td>model_card</td>" not in d  # met: not a reason
    assert '<td>exact_match</td><td>0.71</td><td>&gt;= 0.9</td><td class="failed">missed</td>' in d
    assert '<td>latency_p95</td><td>1.2</td><td>&lt;= 2</td><td class="passed">met</td>' in d
    assert (
        "<dt>regulated</dt><dd>true</dd>" in d
        and "<dt>autonomy</dt><dd>&lt;b&gt;full&lt;/b&gt;</dd>" in d
    )
    assert "<dt>refund</dt><dd>payment</dd>" in d
    assert (
        "<td>Pen test booked for November.</td>" in d
        and "Rita Risk" in d
        and "Sam Sec" in d
        and "2026-12-01" in d
    )
    assert "granted 2026-11-01" in d
    # the agents' roll-up, by the highest effect of their tools
    assert re.search(r'<table id="agents-by-effect">.*?<td>payment</td><td>1</td>', page, re.S)


def test_a_register_without_agents_shows_no_agent_rollup(tmp_path: Path, run, db: str) -> None:  # type: ignore[no-untyped-def]
    _add(
        run,
        db,
        tmp_path / "docs",
        [
            registerdocs.inventory(
                "acme/app", "a" * 40, "2026-11-20T10:00:00+00:00", 3, random.Random(1)
            )
        ],
    )
    page = _page(run, db, tmp_path / "register.html")
    assert "agents-by-effect" not in page and "Agents by" not in page


def test_broken_declarations_and_triage_states_are_shown(tmp_path: Path, run, db: str) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from prodgate.register.store import open_store
    from prodgate.register.tables import triage

    _add(run, db, tmp_path / "docs", [_rich(random.Random(2))])
    engine = open_store(db)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(triage).values(
                repository="acme/claims",
                path="scripts/tool0.py",
                state="false-positive",
                note="a test fixture",
                set_at="2026-11-21T09:00:00+00:00",
            )
        )
    engine.dispose()
    page = _page(run, db, tmp_path / "register.html")
    broken = re.search(r'<table id="broken">.*?</table>', page, re.S)
    assert broken and "services/broken/ai-asset.yaml" in broken.group(0)
    assert "PG101" in broken.group(0) and "is not one of team" in broken.group(0)
    row = re.search(r'<tr data-tier="unknown"[^>]*data-gate="broken[^"]*">.*?</tr>', page)
    assert row and "services/broken/ai-asset.yaml" in row.group(0) and "PG101" in row.group(0)
    places = re.search(r'<table id="undeclared-places">.*?</table>', page, re.S)
    assert places
    rows = re.findall(r"<tr><td>acme/claims</td>.*?</tr>", places.group(0))
    assert [re.search(r'class="triage-([a-z-]+)"', r).group(1) for r in rows] == [
        "untriaged",
        "false-positive",
    ]  # type: ignore[union-attr]
    assert "a test fixture" in rows[1] and "scripts/tool1.py" in rows[0]


def test_the_page_is_judged_as_of_its_date(tmp_path: Path, run, db: str) -> None:  # type: ignore[no-untyped-def]
    """An exception in force when scanned that has expired by the report's date: the
    asset fails as of that date, with the reason on its row and in its detail view,
    and the exception is listed as expired; a repository not seen within the rescan
    interval is stale; with --since, what changed is listed."""
    doc = _rich(random.Random(2))
    a = doc["assets"][0]
    a["gate"].update(passed=True, errors=0)
    a["requirements"] = {"model_card": "met", "security_review": "waived"}
    _add(run, db, tmp_path / "docs", [doc])
    page = _page(run, db, tmp_path / "register.html", "--since", "2026-11-01")
    assert '<b id="as-of">' + TODAY + "</b>" in page
    code, _out, err = run(
        "register",
        "--db",
        db,
        "report",
        "--html",
        str(tmp_path / "late.html"),
        "--today",
        "2027-01-15",
        "--since",
        "2026-11-01",
    )
    assert code == 0, err
    late = (tmp_path / "late.html").read_text(encoding="utf-8")
    assert '<b id="as-of">2027-01-15</b>' in late
    row = re.search(
        r'<tr [^>]*data-gate="failed[^"]*"><td>acme/claims</td><td><a class="detail-link" href="#asset-\d+">claims-assistant</a>.*?</tr>',
        late,
    )
    assert row and "as of 2027-01-15: " in row.group(0) and "GOV-7" in row.group(0)
    assert "<h4>Failing as of 2027-01-15</h4>" in _section(late, "claims-assistant")
    lapsed = re.search(r'<table id="lapsed">.*?</table>', late, re.S)
    assert lapsed and "GOV-7" in lapsed.group(0) and "2026-12-01" in lapsed.group(0)
    stale = re.search(r'<table id="stale">.*?</table>', late, re.S)
    assert stale and "<td>acme/claims</td><td>2026-11-20</td>" in stale.group(0)
    assert '<table id="stale">' not in page  # seen within 30 days of the first date
    changes = re.search(r'<table id="changes">.*?</table>', late, re.S)
    assert changes and "claims-assistant" in changes.group(0)


def test_an_owner_who_is_not_a_code_owner_is_listed(tmp_path: Path, run, db: str) -> None:  # type: ignore[no-untyped-def]
    """From the real inventory of a repository whose CODEOWNERS gives the declaration
    to someone else (PG606) to the page: listed, with the reason, and in the detail view."""
    from conftest import TEAM_SANDBOX, write

    repo = tmp_path / "repo"
    owner = '  email: ada@example.com\n  github: "@acme/ml"\n'
    write(
        repo,
        "svc/bot/ai-asset.yaml",
        TEAM_SANDBOX.replace("notes-summariser", "bot").replace(
            "  email: ada@example.com\n", owner
        ),
    )
    write(repo, ".github/CODEOWNERS", "*       @acme/platform\n/svc/bot/ @acme/other\n")
    inv = tmp_path / "inv.json"
    code, _out, err = run(
        "inventory", str(repo), "--today", TODAY, "--repository", "acme/bot", "-o", str(inv)
    )
    assert code == 0, err
    why = json.loads(inv.read_text())["assets"][0]["not_codeowner"]
    assert ".github/CODEOWNERS:2 gives svc/bot/ai-asset.yaml to @acme/other" in why
    code, _out, err = run("register", "--db", db, "add", str(inv))
    assert code == 0, err
    page = _page(run, db, tmp_path / "register.html")
    table = re.search(r'<table id="not-codeowner">.*?</table>', page, re.S)
    assert (
        table
        and '<td>acme/bot</td><td><a href="#asset-0">bot</a></td>' in table.group(0)
        and html.escape(why) in table.group(0)
    )
    assert "not a code owner: " + html.escape(why) in _section(page, "bot")


def test_the_rollups_are_exported_alike(tmp_path: Path, run, db: str) -> None:  # type: ignore[no-untyped-def]
    """``--format json`` carries the page's roll-ups, agents by effect among them."""
    _add(run, db, tmp_path / "docs", [_rich(random.Random(2))])
    code, out, err = run("register", "--db", db, "report", "--format", "json", "--today", TODAY)
    assert code == 0, err
    doc = json.loads(out)
    assert [(r["effect"], r["assets"], r["failing"]) for r in doc["agents_by_effect"]] == [
        ("payment", 1, 1)
    ]
    assert [r["classification"] for r in doc["by_classification"]] == ["confidential"]
    assert doc["by_business_owner"][0]["assets"] == 1 and doc["unowned"] == []
    code, out, err = run(
        "register", "--db", db, "report", "--format", "csv", "--table", "by_model", "--today", TODAY
    )
    assert code == 0 and out.splitlines()[0] == "model,assets,failing", err
