"""The register's page as the office reads it: links made only from validated parts,
every side table capped with its full export beside the page, the roll-ups and each
asset's detail view; on SQLite and on PostgreSQL."""

from __future__ import annotations

import html
import json
import random
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from prodgate.hygiene import visible

import pgserver
import registerdocs
from conftest import TODAY


@pytest.fixture(scope="module")
def pg_dsn() -> Iterator[str]:
    try:
        with pgserver.server() as dsn:
            yield dsn
    except (RuntimeError, subprocess.CalledProcessError, psycopg.Error) as exc:
        pytest.fail(f"{pgserver.HOW} ({exc})")


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
