"""A checkout holding a file whose name is not UTF-8 (``b"caf\\xe9.py"``).

Such a name is read with ``surrogateescape`` and is carried inside prodgate as text
holding a lone surrogate (``"caf\\udce9.py"``), which no UTF-8 writer can encode. Every
writer prints it in one escaped form, ``caf\\xe9.py`` (a JSON value decodes to that
text), a URI names its bytes (``caf%E9.py``), and no run fails on it.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from gha import annotations
from gitrepo import commit, init
from prodgate import exitcodes as ec
from prodgate.hygiene import clean, json_text, message, name_bytes, unicode_text, visible

from conftest import TEAM_SANDBOX, TODAY, write

NAME = b"caf\xe9.py"
SHOWN = "caf\\xe9.py"
RAW = os.fsdecode(NAME)  # "caf\udce9.py", as os.listdir and git ls-files give it


def _checkout(root: Path, *, declared: bool = True) -> Path:
    init(root)
    if declared:
        write(root, "svc/ai-asset.yaml", TEAM_SANDBOX)
    (root / os.fsdecode(NAME)).write_bytes(b"import openai\n\nclient = openai.OpenAI()\n")
    commit(root)
    return root


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    return _checkout(tmp_path / "app")


def _utf8(path: Path) -> str:
    """The file's text, which must be UTF-8 (a stray byte would raise here)."""
    return path.read_bytes().decode("utf-8")


def test_the_escaped_form() -> None:
    assert unicode_text(RAW) == SHOWN
    assert unicode_text("a\ud800b") == "a\\ud800b"  # a surrogate that stands for no byte
    assert unicode_text("plain é ✓") == "plain é ✓"
    for show in (visible, clean, message):
        assert show(RAW) == SHOWN
    assert json.loads(json_text(json.dumps(RAW, ensure_ascii=False))) == SHOWN
    assert name_bytes(RAW) == NAME
    assert name_bytes("a\ud800") == "a\ud800".encode("utf-8", "surrogatepass")


@pytest.mark.parametrize(
    ("command", "fmt"),
    [
        ("check", "text"),
        ("check", "json"),
        ("check", "sarif"),
        ("check", "markdown"),
        ("check", "junit"),
        ("check", "github"),
        ("discover", "text"),
        ("discover", "json"),
        ("discover", "sarif"),
        ("inventory", "json"),
        ("inventory", "csv"),
        ("inventory", "markdown"),
        ("inventory", "cyclonedx"),
    ],
)
def test_every_writer_carries_the_name_escaped(
    checkout: Path, tmp_path: Path, run, command: str, fmt: str
) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out" / f"{command}.{fmt}"
    today = ["--today", TODAY] if command != "discover" else []
    code, out, err = run(command, str(checkout), *today, "--format", fmt, "--output", str(target))
    assert code == (ec.PASSED if command == "inventory" else ec.FAILED), err
    assert out == ""
    assert "\udce9" not in err and "internal error" not in err
    text = _utf8(target)
    if fmt in ("json", "sarif", "cyclonedx"):
        doc: Any = json.loads(text)
        if fmt != "sarif":  # (its messages name no file: the location does)
            flat = json.dumps(doc, ensure_ascii=False)
            assert SHOWN.replace("\\", "\\\\") in flat  # the value is the escaped text
        if fmt == "sarif":
            uris = {
                loc["physicalLocation"]["artifactLocation"]["uri"]
                for r in doc["runs"][0]["results"]
                for loc in r["locations"]
            }
            assert "caf%E9.py" in uris  # the URI names the file's bytes
        if fmt == "cyclonedx":
            assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    else:
        assert SHOWN in text


def test_stdout_is_utf8_whatever_the_locale(checkout: Path) -> None:
    """Under a strict UTF-8 stdout (a runner's locale) as under ``surrogateescape`` (the
    C locale), stdout carries the escaped name, never a stray byte."""
    for io_encoding in ("utf-8:strict", "utf-8:surrogateescape"):
        env = {**os.environ, "PYTHONIOENCODING": io_encoding}
        for argv in (
            ["check", "--format", "json"],
            ["check"],
            ["discover"],
            ["inventory", "--format", "cyclonedx"],
        ):
            proc = subprocess.run(
                [sys.executable, "-I", "-m", "prodgate", *argv, str(checkout)],
                capture_output=True,
                env=env,
                check=False,
            )
            assert proc.returncode in (ec.PASSED, ec.FAILED), proc.stderr
            assert b"\\xe9.py" in proc.stdout  # caf\xe9.py, or in JSON caf\\xe9.py
            assert b"\xe9" not in proc.stdout  # only in "é" (c3 a9) could it be UTF-8
            proc.stdout.decode("utf-8")


def test_under_actions_the_annotation_names_the_place_in_its_text(
    checkout: Path,
    tmp_path: Path,
    run,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    """The runner's log is UTF-8: the name cannot be a ``file=`` property, so the
    annotation says where in its message; the job summary links the file's bytes."""
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/app")
    monkeypatch.setenv("GITHUB_SHA", "a" * 40)
    code, out, err = run("check", str(checkout), "--today", TODAY)
    assert code == ec.FAILED, err
    assert "\udce9" not in out + err
    [(level, props, text)] = [
        a for a in annotations(out) if a[1].get("title", "").startswith("PG801")
    ]
    assert level == "error" and "file" not in props
    assert text.startswith(f"{SHOWN}:1: undeclared AI use: imports openai")
    shown = _utf8(summary)
    assert re.search(
        rf"\[`{re.escape(SHOWN)}:1`\]\(https://github.com/acme/app/blob/[0-9a-f]{{40}}/caf%E9\.py#L1\)",
        shown,
    )
    _utf8(outputs)
    code, out, err = run("discover", str(checkout))
    assert code == ec.FAILED, err
    assert f"{SHOWN}:1 import openai (openai)" in out and "\udce9" not in out + err


@pytest.fixture
def farm(tmp_path: Path) -> Path:
    root = tmp_path / "farm"
    _checkout(root / "app")
    write(
        root / "app" / ".git", "config", '[remote "origin"]\n\turl = git@github.com:acme/app.git\n'
    )
    _checkout(root / "other", declared=True)
    write(
        root / "other" / ".git",
        "config",
        '[remote "origin"]\n\turl = git@github.com:acme/other.git\n',
    )
    return root


def _scanned(run, db: str, farm: Path) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    code, out, err = run("register", "--db", db, "scan", str(farm), "--today", TODAY)
    assert (code, out) == (0, "register: 2 added, 0 seen, 0 unchanged, 0 kept, 0 refused\n"), (
        err
    )
    code, out, err = run("register", "--db", db, "report", "--format", "json", "--today", TODAY)
    assert code == 0, err
    report: dict[str, Any] = json.loads(out)
    return report


def _kept(report: dict[str, Any]) -> None:
    assert sorted(a["repository"] for a in report["assets"]) == ["acme/app", "acme/other"]
    assert sorted(
        (u["repository"], u["first_path"]) for u in report["undeclared_by_repository"]
    ) == [("acme/app", SHOWN), ("acme/other", SHOWN)]


def test_register_scan_keeps_the_repository_sqlite(farm: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "reg" / "register.sqlite")
    _kept(_scanned(run, db, farm))
    with sqlite3.connect(db) as conn:
        assert {r[0] for r in conn.execute("SELECT path FROM undeclared")} == {SHOWN}


def test_register_scan_keeps_the_repository_postgresql(farm: Path, run, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    _kept(_scanned(run, pg_url, farm))


def test_an_uploaded_inventory_with_a_lone_surrogate_is_carried_escaped(
    checkout: Path, tmp_path: Path, run
) -> None:  # type: ignore[no-untyped-def]
    """JSON may spell a lone surrogate (``"\\udce9"``); a UTF-8 database cannot hold
    it. The file is taken, the name stored in the escaped form every writer prints."""
    code, out, _err = run("inventory", str(checkout), "--today", TODAY, "--repository", "acme/app")
    assert code == 0
    doc = json.loads(out)
    doc["undeclared"][0]["path"] = RAW
    upload = tmp_path / "inv.json"
    upload.write_text(json.dumps(doc), encoding="ascii")  # ensure_ascii: "caf\udce9.py"
    assert b"\\udce9" in upload.read_bytes()
    db = str(tmp_path / "reg" / "register.sqlite")
    code, out, err = run("register", "--db", db, "add", str(upload))
    assert (code, out) == (0, "register: 1 added, 0 seen, 0 unchanged, 0 kept, 0 refused\n"), (
        err
    )
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("SELECT path FROM undeclared")] == [SHOWN]


def test_a_checkout_or_upload_whose_own_name_is_not_utf8_is_stored(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """The checkout's folder (the repository's name without an origin remote) and an
    uploaded file's name: both stored, in the escaped form."""
    farm = tmp_path / "farm"
    _checkout(farm / os.fsdecode(b"d\xe9p"))
    db = str(tmp_path / "reg" / "register.sqlite")
    code, out, err = run("register", "--db", db, "scan", str(farm), "--today", TODAY)
    assert (code, out) == (0, "register: 1 added, 0 seen, 0 unchanged, 0 kept, 0 refused\n"), (
        err
    )
    code, out, err = run("register", "--db", db, "report", "--format", "json", "--today", TODAY)
    assert {a["repository"] for a in json.loads(out)["assets"]} == {"d\\xe9p"}
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    code, inventory, _err = run(
        "inventory", str(farm / os.fsdecode(b"d\xe9p")), "--repository", "acme/app"
    )
    (uploads / os.fsdecode(b"inv\xe9.json")).write_text(inventory, encoding="utf-8")
    (uploads / os.fsdecode(b"bad\xe9.json")).write_text('{"x": 1}', encoding="utf-8")
    code, out, err = run("register", "--db", db, "add", str(uploads))
    assert (code, out) == (2, "register: 1 added, 0 seen, 0 unchanged, 0 kept, 1 refused\n"), (
        err
    )
    assert f"refused {uploads}/bad\\xe9.json: not a prodgate report or inventory" in err
    with sqlite3.connect(db) as conn:
        assert f"{uploads}/inv\\xe9.json" in {
            r[0] for r in conn.execute("SELECT source FROM snapshots")
        }
