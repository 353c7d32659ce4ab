"""``prodgate register``: ingest, scan and report, on SQLite (PostgreSQL and the browser
have their own files)."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import registerdocs
from conftest import REPO, TODAY, write


def _db(tmp_path: Path) -> str:
    return str(tmp_path / "reg" / "register.sqlite")


def _count(db: str, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _report(run, db: str, *extra: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    code, out, err = run("register", "--db", db, "report", "--format", "json", "--today", TODAY, *extra)
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


def _inventory_file(tmp_path: Path, name: str = "inv.json", **kw: Any) -> Path:
    rng = random.Random(1)
    doc = registerdocs.inventory(kw.pop("repo", "acme/app"), kw.pop("commit", "a" * 40), kw.pop("at", "2026-11-20T10:00:00+00:00"),
                                 kw.pop("assets", 3), rng, undeclared=kw.pop("undeclared", 1))
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_ingesting_the_same_file_twice_changes_nothing(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    db, f = _db(tmp_path), _inventory_file(tmp_path)
    code, out, _ = run("register", "--db", db, "add", str(f))
    assert (code, out) == (0, "register: 1 added, 0 seen, 0 unchanged, 0 kept, 0 refused\n")
    before = [_count(db, t) for t in ("snapshots", "assets", "exceptions", "undeclared", "repositories")]
    code, out, _ = run("register", "--db", db, "add", str(f))
    assert (code, out) == (0, "register: 0 added, 0 seen, 1 unchanged, 0 kept, 0 refused\n")
    assert [_count(db, t) for t in ("snapshots", "assets", "exceptions", "undeclared", "repositories")] == before
    assert before[:2] == [1, 3]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "not JSON"),
        (b"\xff\xfe", "not UTF-8 text"),
        (b"[1, 2]", "not a prodgate report or inventory: the document is not a JSON object"),
        (b'{"$schema": "https://json.schemastore.org/package"}', "not a prodgate report or inventory (no report_version or inventory_version)"),
        (b'{"inventory_version": 9}', "inventory_version 9 is not one this prodgate reads (1); upgrade prodgate"),
        (b'{"report_version": 1, "tool": {"name": "other"}}', "$.tool.name is not prodgate"),
    ],
)
def test_foreign_or_malformed_files_are_refused(tmp_path: Path, run, content: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    db = _db(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    good = _inventory_file(tmp_path)
    code, out, err = run("register", "--db", db, "add", str(bad), str(good))
    assert code == 2
    assert out == "register: 1 added, 0 seen, 0 unchanged, 0 kept, 1 refused\n"
    assert f"prodgate: refused {bad}: {message}" in err
    assert "Traceback" not in err
    assert _count(db, "snapshots") == 1


def test_a_file_bad_half_way_writes_nothing(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    db, f = _db(tmp_path), _inventory_file(tmp_path, assets=3)
    doc = json.loads(f.read_text())
    doc["assets"][2]["stage"] = "launched"
    f.write_text(json.dumps(doc))
    code, _out, err = run("register", "--db", db, "add", str(f))
    assert code == 2
    assert "$.assets[2].stage 'launched' is not one of sandbox, pilot, production, retired" in err
    assert (_count(db, "snapshots"), _count(db, "assets")) == (0, 0)


def test_two_documents_of_one_commit_are_two_observations(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """History is never rewritten: a different document of a commit stored before is an
    observation of its own, whatever the order of arrival; the newer one is the latest."""
    older = _inventory_file(tmp_path, "old.json", assets=2, at="2026-11-20T10:00:00+00:00")
    newer = _inventory_file(tmp_path, "new.json", assets=4, at="2026-11-21T10:00:00+00:00")
    for name, first, second in (("one", newer, older), ("two", older, newer)):
        db = str(tmp_path / f"{name}.sqlite")
        run("register", "--db", db, "add", str(first))
        code, out, _ = run("register", "--db", db, "add", str(second))
        assert (code, out) == (0, "register: 1 added, 0 seen, 0 unchanged, 0 kept, 0 refused\n")
        report = _report(run, db)
        assert report["totals"][0]["assets"] == 4
        assert [(t["date"], t["assets"]) for t in report["trend"]] == [("2026-11-20", 2), ("2026-11-21", 4)]
        assert _count(db, "snapshots") == 2


def test_latest_commit_counts_and_history_makes_the_trend(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    db = _db(tmp_path)
    a = _inventory_file(tmp_path, "a.json", commit="1" * 40, assets=2, at="2026-11-01T10:00:00+00:00")
    b = _inventory_file(tmp_path, "b.json", commit="2" * 40, assets=5, at="2026-11-10T10:00:00+00:00")
    run("register", "--db", db, "add", str(b), str(a))  # the order of arrival does not matter
    report = _report(run, db)
    assert report["totals"][0]["assets"] == 5
    assert {x["commit"] for x in report["assets"]} == {"2" * 40}
    assert [(t["date"], t["assets"]) for t in report["trend"]] == [("2026-11-01", 2), ("2026-11-10", 5)]


def test_the_real_commands_output_is_ingested(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    inv, rep = tmp_path / "inv.json", tmp_path / "rep.json"
    examples = str(REPO / "examples")
    assert run("inventory", examples, "--today", TODAY, "--repository", "acme/examples", "-o", str(inv))[0] == 0
    assert run("check", examples, "--today", TODAY, "--format", "json", "-o", str(rep))[0] == 1
    db = _db(tmp_path)
    code, _out, err = run("register", "--db", db, "add", str(inv), str(rep), "--repository", "acme/gate")
    assert code == 0, err
    report = _report(run, db)
    assert report["totals"][0]["repositories"] == 1  # --repository put both under one key: the inventory won
    assert sorted((a["name"], a["gate"]) for a in report["assets"]) == [
        ("claims-status-assistant", "passed"), ("meeting-notes-summariser", "passed"), ("support-reply-drafter", "failed"),
    ]
    [claims] = [a for a in report["assets"] if a["name"] == "claims-status-assistant"]
    assert claims["models"] == "azure-openai/gpt-4o@2024-08-06"
    assert claims["business_owner"] == "Tom Becker"
    # the gate report alone, under its own name: what CI uploads
    db2 = str(tmp_path / "gate.sqlite")
    assert run("register", "--db", db2, "add", str(rep), "--repository", "acme/gate")[0] == 0
    assert sorted(a["name"] for a in _report(run, db2)["assets"]) == [
        "claims-status-assistant", "meeting-notes-summariser", "support-reply-drafter"
    ]


def test_generated_documents_have_the_real_inventory_shape(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    _code, out, _ = run("inventory", str(REPO / "examples"), "--today", TODAY)
    real = json.loads(out)
    fake = json.loads(_inventory_file(tmp_path).read_text())
    assert set(fake) == set(real)
    assert set(fake["assets"][0]) == set(real["assets"][0])
    for key in ("gate", "review", "owner"):
        assert set(fake["assets"][0][key]) == set(real["assets"][1][key])


def test_report_tables(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    db = _db(tmp_path)
    doc = json.loads(_inventory_file(tmp_path, assets=3).read_text())
    a0, a1, a2 = doc["assets"]
    a0["owner"]["name"] = "Ada Lovelace"
    a1["owner"]["name"] = "Ada Lovelace"
    a2["owner"]["name"] = "=cmd|' /C calc'!A0"
    a0["exceptions"] = [{"requirement": "runbook", "ticket": "GOV-1", "expires": "2026-12-01", "reason": "", "active": True, "valid": True, "used": True}]
    a1["exceptions"] = [{"requirement": "runbook", "ticket": "GOV-2", "expires": "2027-06-01", "reason": "", "active": True, "valid": True, "used": True}]
    a2["exceptions"] = []
    a0["review"].update(next_due="2026-11-01", overdue=False)
    a1["review"].update(next_due="2027-01-01", overdue=False)
    a2["review"].update(next_due=None, overdue=True)
    f = tmp_path / "t.json"
    f.write_text(json.dumps(doc))
    run("register", "--db", db, "add", str(f))
    report = _report(run, db)
    assert [(e["ticket"], e["expires"]) for e in report["expiring_exceptions"]] == [("GOV-1", "2026-12-01")]
    assert [(o["asset"], o["next_review"]) for o in report["overdue_reviews"]] == [
        ("asset-2", "never reviewed"), ("asset-0", "2026-11-01")
    ]
    # asset-0's review fell due on 2026-11-01, before --today: it fails as of then, whatever it was when stored
    assert report["owners"][0] == {"owner": "Ada Lovelace", "assets": 2, "failing": 1 + (not a1["gate"]["passed"])}
    assert report["undeclared_by_repository"] == [{"repository": "acme/app", "undeclared": 1, "first_path": "scripts/tool0.py"}]
    _code, out, _ = run("register", "--db", db, "report", "--format", "csv", "--today", TODAY)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["name"] for r in rows] == ["asset-0", "asset-1", "asset-2"]
    assert rows[2]["owner"] == "'=cmd|' /C calc'!A0"


def test_report_html_is_self_contained(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    db = _db(tmp_path)
    run("register", "--db", db, "add", str(_inventory_file(tmp_path)))
    page = tmp_path / "out" / "register.html"
    code, out, err = run("register", "--db", db, "report", "--html", str(page), "--today", TODAY)
    assert code == 0, err
    assert out.startswith(f"register: wrote {page}: 3 assets in 1 repositories")
    html = page.read_text()
    assert html.count("<svg") == 3
    for outside in ("src=", "<link", "@import", "<iframe", "<object"):
        assert outside not in html  # nothing is loaded from anywhere
    assert re.findall(r"url\((?!#)", html) == []  # only the SVGs' own clip paths
    assert "http://purl.org" not in html  # the SVGs' RDF metadata is dropped
    assert "https://github.com/acme/app/blob/" + "a" * 40 + "/services/asset-0/ai-asset.yaml" in html


def test_scan_runs_the_inventory_over_checkouts(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    farm = tmp_path / "farm"
    for name in ("billing", "claims", "support"):
        root = farm / name
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        subprocess.run(["git", "-C", str(root), "remote", "add", "origin", f"git@github.com:acme/{name}.git"], check=True)
        write(root, "bot/ai-asset.yaml" if name == "billing" else "ai-asset.yaml", (REPO / "examples/team-sandbox-passing/ai-asset.yaml").read_text().replace(
            "meeting-notes-summariser", f"{name}-bot"))
    write(farm / "claims", "ai-asset2/ai-asset.yaml", "apiVersion: prodgate/v1\nname: [\n")
    write(farm / "billing", "jobs/nightly.py", "import openai\n")  # outside bot/: nobody declared it
    db = _db(tmp_path)
    code, out, err = run("register", "--db", db, "scan", str(farm), "--jobs", "2", "--today", TODAY)
    assert code == 0, err
    assert out == "register: 3 added, 0 seen, 0 unchanged, 0 kept, 0 refused\n"
    assert err == ""  # not a terminal: no progress bar
    report = _report(run, db)
    assert sorted((a["repository"], a["name"], a["gate"]) for a in report["assets"]) == [
        ("acme/billing", "billing-bot", "passed"), ("acme/claims", "ai-asset2/ai-asset.yaml", "broken"),
        ("acme/claims", "claims-bot", "passed"), ("acme/support", "support-bot", "passed"),
    ]
    broken = next(a for a in report["assets"] if a["gate"] == "broken")  # listed, never absent
    assert (broken["path"], broken["tier"], broken["stage"]) == ("ai-asset2/ai-asset.yaml", "unknown", "unknown")
    assert broken["error"].startswith("PG101 (line ")
    assert report["totals"][0]["broken"] == 1
    assert report["undeclared_by_repository"] == [{"repository": "acme/billing", "undeclared": 1, "first_path": "jobs/nightly.py"}]
    code, out, _ = run("register", "--db", db, "scan", str(farm), "--jobs", "2", "--today", TODAY)
    # within the same second: the same bytes (unchanged); a later second: the same
    # content seen again; never a second snapshot
    counts = {what: int(n) for n, what in (part.split(" ", 1) for part in out.split(": ", 1)[1].strip().split(", "))}
    assert counts["added"] == counts["kept"] == counts["refused"] == 0
    assert counts["unchanged"] + counts["seen"] == 3
    assert _count(db, "snapshots") == 3


def test_scan_bad_policy_is_a_usage_error(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "r").mkdir()
    code, _out, err = run("register", "--db", _db(tmp_path), "scan", str(tmp_path / "r"), "--policy", str(tmp_path / "nope.yaml"))
    assert code == 2
    assert "nope.yaml" in err


def test_scan_exits_2_when_a_checkout_is_refused_and_stores_the_others(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """A checkout whose remote names a repository longer than the register keeps (512
    characters): its inventory is refused, said on stderr, and the exit code is 2; the
    other checkout of the same scan is stored."""
    farm = tmp_path / "farm"
    declaration = (REPO / "examples/team-sandbox-passing/ai-asset.yaml").read_text()
    for name, remote in (("good", "git@github.com:acme/good.git"), ("long", f"git@github.com:acme/{'x' * 600}.git")):
        root = farm / name
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        subprocess.run(["git", "-C", str(root), "remote", "add", "origin", remote], check=True)
        write(root, "ai-asset.yaml", declaration)
    db = _db(tmp_path)
    code, out, err = run("register", "--db", db, "scan", str(farm), "--jobs", "1", "--today", TODAY)
    assert code == 2
    assert err == f"prodgate: refused scan of {farm / 'long'}: $.repository.name is longer than 512 characters\n"
    assert out == "register: 1 added, 0 seen, 0 unchanged, 0 kept, 1 refused\n"
    assert [r["repository"] for r in _report(run, db)["assets"]] == ["acme/good"]


def test_migrations_create_exactly_the_tables(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from prodgate.register.store import HEAD, current_revision, open_store
    from prodgate.register.tables import metadata

    engine = open_store(_db(tmp_path))
    with engine.connect() as conn:
        assert current_revision(conn) == HEAD
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_a_register_from_a_newer_prodgate_is_refused(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    db = _db(tmp_path)
    run("register", "--db", db, "add", str(_inventory_file(tmp_path)))
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    code, _out, err = run("register", "--db", db, "report", "--format", "json")
    assert code == 2
    assert "the register's schema (9999) is newer than this prodgate knows; upgrade prodgate" in err


def test_a_register_at_an_older_schema_is_migrated(tmp_path: Path) -> None:
    db = _db(tmp_path)
    Path(db).parent.mkdir(parents=True)
    sa.create_engine(f"sqlite:///{db}").dispose()  # an empty database: revision "none"
    from prodgate.register.store import HEAD, current_revision, open_store

    engine = open_store(db)
    with engine.connect() as conn:
        assert current_revision(conn) == HEAD


def test_bad_db_url_is_a_usage_error(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = run("register", "--db", "postgresql+psycopg://nobody:secret@127.0.0.1:1/x", "report", "--format", "json")
    assert code == 2
    assert "cannot open the database" in err
    assert "secret" not in err


@pytest.mark.parametrize("module", ["sqlalchemy", "matplotlib"])
def test_without_the_extra_it_says_what_to_install(tmp_path: Path, module: str) -> None:
    """Each module of the extra is looked for before anything starts, matplotlib too,
    which the report imports only in its chart process."""
    code = (
        f"import sys; sys.modules[{module!r}] = None\n"
        "from prodgate.cli import main\n"
        f"sys.exit(main(['register', '--db', {str(tmp_path / 'x.sqlite')!r}, 'report', '--html', {str(tmp_path / 'r.html')!r}]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert f"prodgate register needs its extra ({module} is missing): pip install 'prodgate[register]'" in proc.stderr
    assert not (tmp_path / "x.sqlite").exists() and not (tmp_path / "r.html").exists()


def test_the_gate_never_imports_the_register(tmp_path: Path) -> None:
    code = (
        "import sys; from prodgate.cli import main\n"
        f"main(['check', {str(REPO / 'examples')!r}, '--today', {TODAY!r}, '--format', 'json', '-o', {str(tmp_path / 'r.json')!r}])\n"
        f"main(['inventory', {str(REPO / 'examples')!r}, '-o', {str(tmp_path / 'i.json')!r}])\n"
        "heavy = sorted(m for m in ('sqlalchemy', 'alembic', 'jinja2', 'matplotlib', 'psycopg', 'prodgate.register') if m in sys.modules)\n"
        "print(heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_report_exports_print_untrusted_names_inert(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """A repository name carrying a workflow command or an escape sequence reaches neither
    export raw; the JSON still decodes to the name as ingested."""
    db = _db(tmp_path)
    name = "acme/##[stop-commands]x\x1b[8m\nline::error::y"
    assert run("register", "--db", db, "add", str(_inventory_file(tmp_path, repo=name)))[0] == 0
    for fmt in ("json", "csv"):
        code, out, err = run("register", "--db", db, "report", "--format", fmt, "--today", TODAY)
        assert code == 0, err
        assert "##[" not in out and "\x1b" not in out, fmt
        assert not any(line.lstrip().startswith("::") for line in out.splitlines()), fmt
    assert {a["repository"] for a in _report(run, db)["assets"]} == {name}


def test_scan_shows_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    import os
    import pty

    farm = tmp_path / "farm"
    for name in ("a", "b"):
        subprocess.run(["git", "init", "-q", str(farm / name)], check=True)
        write(farm / name, "ai-asset.yaml", (REPO / "examples/team-sandbox-passing/ai-asset.yaml").read_text())
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "prodgate", "register", "--db", _db(tmp_path), "scan", str(farm), "--jobs", "2"],
        stdout=subprocess.PIPE, stderr=follower, text=True,
    )
    os.close(follower)
    out, _ = proc.communicate(timeout=300)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert proc.returncode == 0
    assert out == "register: 2 added, 0 seen, 0 unchanged, 0 kept, 0 refused\n"
    assert b"scan: 100%" in seen
    assert b"2/2" in seen


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://github.com/acme/app/blob/HEAD/ai-asset.yaml", True),
        ("HTTP://example.com/x", True),
        ("acme/app/ai-asset.yaml", True),
        ("/repos/acme%2Fapp", True),
        ("javascript%3Aalert%281%29", True),  # percent-encoded: a relative file name
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("java\tscript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("\x01javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox", False),
        ("file:///etc/passwd", False),
        ("\\\\evil.example/x", False),
        ("", False),
    ],
)
def test_links_are_http_or_relative(url: str, kept: bool) -> None:
    from prodgate.register.render import safe_href

    assert safe_href(url) == (url if kept else "")


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("javascript:alert('{repository}')", "links must be http(s) URLs or relative ones"),
        ("data:text/html,{path}", "links must be http(s) URLs or relative ones"),
        ("https://x/{owner}", "only {repository}, {commit} and {path} can be filled in"),
    ],
)
def test_a_link_template_that_is_no_web_link_is_a_usage_error(tmp_path: Path, run, template: str, message: str) -> None:  # type: ignore[no-untyped-def]
    db = _db(tmp_path)
    run("register", "--db", db, "add", str(_inventory_file(tmp_path)))
    code, _out, err = run("register", "--db", db, "report", "--html", str(tmp_path / "r.html"), "--link-template", template)
    assert code == 2
    assert message in err
    assert not (tmp_path / "r.html").exists()


def test_generated_at_must_be_a_date_and_time(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """It orders snapshots and labels the trend chart: ``$\\frac`` there would reach matplotlib."""
    f = _inventory_file(tmp_path)
    doc = json.loads(f.read_text())
    doc["generated_at"] = "$\\frac{1}{0}$"
    f.write_text(json.dumps(doc))
    code, _out, err = run("register", "--db", _db(tmp_path), "add", str(f))
    assert code == 2
    assert "$.generated_at '$\\\\frac{1}{0}$' is not a date and time (ISO 8601)" in err


def test_add_verbose_lines_carry_no_workflow_command(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """``add --verbose`` names each file and the repository the file claims: both come
    from a pull request's author, on stdout, where the Actions runner acts on ``::`` at
    a line start and ``##[`` anywhere. Each file gets one inert line."""
    from gha import commands

    folder = tmp_path / "in\n::error::forged"
    folder.mkdir()
    f = _inventory_file(folder, name="##[add-mask]x.json", repo="acme/app\n::warning::forged ##[stop-commands]t")
    code, out, err = run("register", "--db", _db(tmp_path), "add", "--verbose", str(f))
    assert code == 0, err
    assert commands(out) == []
    lines = out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("added: ") and "\\n::error::forged" in lines[0]
    assert "##\\[add-mask]" in lines[0] and "acme/app\\n::warning::forged ##\\[stop-commands]t" in lines[0]


@pytest.mark.parametrize("template", [
    "https://github.com/{repository}/blob/{commit}/{path}", "HTTP://x.example/{path}?r={repository}&c={commit}",
    "{repository}", "{repository}:{path}", "../{path}", "https://a b/{path}", "https://x/\u202e{path}", "http{path}",
    "javascript:{path}", "", "https://x.example/{path}#{path}", "https://x.example/{commit:.7}/{path}",
    "https://x.example/{path!r}", "https://x.example/{path:.5}", "https://x.example/{repository!s}{path}",
])
def test_each_link_is_the_checked_link_of_its_template(template: str) -> None:
    """Links made by filling in a template whose scheme it names itself are what
    checking each filled-in link gives (:func:`safe_href`, then the text for HTML),
    for names that try every trick a link can be made to play."""
    from urllib.parse import quote

    from prodgate.register import render

    names = ["acme/app", "javascript:alert(1)", 'a"b<c>&d\'', " spaced\tout\n", "\u202eevil", "..", "\\\\host", "{path}", ""]
    links = render._Links(template)
    for repository in names:
        for path in names:
            for commit in ("", "a" * 40, "x y"):
                filled = template.format(repository=quote(repository, safe="/"), commit=quote(commit or "HEAD", safe=""),
                                         path=quote(path, safe="/"))
                assert links(repository, commit, path) == (render._text(render.safe_href(filled)) if template else "")
    if template.startswith(("https://github", "HTTP://")) or template.endswith("#{path}"):
        assert links.filled is not None and links.around  # filled in without a check per link


def test_db_is_accepted_after_the_command(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """`register add FILE --db X` as well as `register --db X add FILE`; given in both
    places, the one after the command wins, and one given before is not reset."""
    f = _inventory_file(tmp_path)
    after, before = str(tmp_path / "after.sqlite"), str(tmp_path / "before.sqlite")
    code, out, err = run("register", "add", str(f), "--db", after)
    assert (code, out, err) == (0, "register: 1 added, 0 seen, 0 unchanged, 0 kept, 0 refused\n", "")
    assert _count(after, "assets") == 3
    assert run("register", "--db", before, "add", str(f))[0] == 0
    assert _count(before, "assets") == 3
    code, out, err = run("register", "report", "--format", "json", "--today", TODAY, "--db", after)
    assert code == 0, err
    assert json.loads(out)["totals"][0]["assets"] == 3


def test_html_into_a_missing_folder_says_it_created_it(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """The same as every --output: the folder is made (a fresh runner lacks it), and
    said, so a mistyped folder does not hide the page."""
    db = _db(tmp_path)
    run("register", "--db", db, "add", str(_inventory_file(tmp_path)))
    page = tmp_path / "out" / "sub" / "register.html"
    code, out, err = run("register", "--db", db, "report", "--html", str(page), "--today", TODAY)
    assert code == 0
    assert out.startswith(f"register: wrote {page}: 3 assets")
    assert err == f"prodgate: created the folder {page.parent} for {page}\n"
    assert page.is_file()
    code, _out, err = run("register", "--db", db, "report", "--html", str(page), "--today", TODAY)
    assert (code, err) == (0, "")


def test_register_vocabulary_is_the_gates() -> None:
    """The register checks and lays out tiers and stages by its own copy of the words
    (kept apart so that its readers import no gate module for them): they are the
    gate's, in the gate's order, and the typed shapes' too."""
    from typing import get_args

    from prodgate.manifest.model import STAGES, TIERS
    from prodgate.register import _shape, vocabulary

    assert (vocabulary.TIERS, vocabulary.STAGES) == (TIERS, STAGES)
    assert (get_args(_shape.Tier), get_args(_shape.Stage)) == (TIERS, STAGES)
