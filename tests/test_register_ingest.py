"""``register add`` in batches: the one-pass reading agrees with the precise one, a refused
file leaves nothing while the files beside it are kept, documents of the same commit in
one run compare as if added one by one, a database refusing one document of a batch
costs the others nothing, and every row names the file it came from."""

from __future__ import annotations

import copy
import hashlib
import json
import random
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from prodgate.commands import register as register_command
from prodgate.register import documents

import registerdocs
from conftest import REPO, TODAY


def _db(tmp_path: Path) -> str:
    return str(tmp_path / "reg" / "register.sqlite")


def _count(db: str, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _write(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _doc(repo: str = "acme/app", commit: str = "a" * 40, at: str = "2026-11-20T10:00:00+00:00", assets: int = 3,
         seed: int = 1) -> dict[str, Any]:
    return registerdocs.inventory(repo, commit, at, assets, random.Random(seed), undeclared=1)


def _precise(data: dict[str, Any]) -> documents.Document | str:
    try:
        return documents._inventory(data, "f.json", "0" * 64, None)
    except documents._Bad as exc:
        return str(exc)


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_leaves(v, (*path, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_leaves(v, (*path, i)))
    return out


_REPLACEMENTS: list[Any] = [None, True, False, 0, 1, 2.5, "", "x" * 5000, "launched", "2026-13-45", "2026-11-20", [], {}, "prodgate"]


def _fast(data: Any) -> documents.Document | None:
    return documents._fast_inventory(json.dumps(data).encode("utf-8"), "f.json", "0" * 64, None)


def test_the_one_pass_reading_accepts_only_what_the_precise_one_accepts_and_reads_it_alike(run) -> None:  # type: ignore[no-untyped-def]
    """Every value of real and generated inventories replaced by values of every JSON
    type, or removed: where the one-pass reading accepts, the precise one gives the same
    document; where the precise one refuses, the one-pass one has refused too."""
    code, out, _ = run("inventory", str(REPO / "examples"), "--today", TODAY, "--repository", "acme/examples")
    assert code == 0
    bases = [_doc(seed=s, assets=2) for s in range(3)] + [json.loads(out)]
    tried = refused = 0
    for base in bases:
        fast = _fast(base)
        assert fast is not None  # the common case takes the one pass
        assert fast == _precise(base)
        for path in _leaves(base):
            if not path:
                continue
            for replacement in [*_REPLACEMENTS, "<delete>"]:
                data = copy.deepcopy(base)
                parent = data
                for step in path[:-1]:
                    parent = parent[step]
                if replacement == "<delete>":
                    if isinstance(parent, list):
                        continue
                    del parent[path[-1]]
                else:
                    parent[path[-1]] = replacement
                fast = _fast(data)
                precise = _precise(data)
                tried += 1
                refused += isinstance(precise, str)
                if fast is not None:
                    assert fast == precise, (path, replacement)
                if isinstance(precise, str):
                    assert fast is None, (path, replacement, precise)
    assert tried > 2000 and refused > 500  # the mutations did reach the checks


def _spellings() -> dict[str, bytes]:
    """One inventory written in ways JSON allows, Python's reader allows, or neither."""
    text = json.dumps(_doc(assets=2))
    head, rest = text[:-1], "}"
    return {
        "as written": text.encode(),
        "a byte order mark": b"\xef\xbb\xbf" + text.encode(),
        "NaN in a field not kept": (head + ', "score": NaN' + rest).encode(),
        "Infinity where a count is": text.replace('"errors": 0', '"errors": Infinity', 1).encode(),
        "a lone surrogate in a field not kept": (head + ', "note": "\\ud800"' + rest).encode(),
        "a lone surrogate in a name": text.replace('"asset-0"', '"asset-\\udc00"', 1).encode(),
        "bytes not UTF-8 in a field not kept": (head + ', "note": "').encode() + b"\xff\xfe" + b'"}',
        "bytes not UTF-8 in a name": text.replace('"asset-0"', '"asset-*"', 1).encode().replace(b"*", b"\xc3"),
        "a key written with an escape": text.replace('"stage"', '"st\\u0061ge"').encode(),
        "a key twice, the last one wrong": text.replace('"stage": "', '"stage": "pilot", "stage": "x', 1).encode(),
        "a key twice, the first one wrong": text.replace('"stage": ', '"stage": 7, "stage": ', 1).encode(),
        "a count written 1e0": re.sub(r'"warnings": \d+', '"warnings": 1e0', text, count=1).encode(),
        "a count written 1.0": text.replace('"inventory_version": 1', '"inventory_version": 1.0', 1).encode(),
        "a count beyond 64 bits": text.replace('"line": 3', '"line": 123456789012345678901234567890', 1).encode(),
        "a NUL written as \\u0000": text.replace('"asset-1"', '"asset\\u00001"', 1).encode(),
        "a control character in a name": text.replace('"asset-1"', '"asset\t1"', 1).encode(),
        "trailing text": text.encode() + b" x",
        "nested 900 deep where not kept": (head + ', "deep": ' + "[" * 900 + "]" * 900 + rest).encode(),
        "nested too deep where not kept": (head + ', "deep": ' + "[" * 5000 + "]" * 5000 + rest).encode(),
    }


@pytest.mark.parametrize("name", list(_spellings()))
def test_each_spelling_is_read_as_the_precise_reading_alone_reads_it(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole of :func:`documents.parse` with the one-pass reading and without it
    gives the same document or the same refusal, for JSON spelled in ways only one of
    the two readers may take (a byte order mark, ``NaN``, escapes, repeated keys)."""
    raw = _spellings()[name]

    def outcome() -> documents.Document | str:
        try:
            return documents.parse(raw, "f.json")
        except documents.Refused as exc:
            return str(exc)

    with_fast = outcome()
    fast = documents._fast_inventory(raw, "f.json", hashlib.sha256(raw).hexdigest(), None)
    monkeypatch.setattr(documents, "_fast_inventory", lambda *_args: None)
    assert with_fast == outcome()
    if name in ("as written", "a key written with an escape", "nested 900 deep where not kept"):
        assert fast == with_fast  # read in one pass
    if name in ("a byte order mark", "NaN in a field not kept", "a lone surrogate in a name"):
        assert isinstance(with_fast, documents.Document)  # the precise reading took what the one pass did not
    if name.startswith("bytes not UTF-8"):
        assert isinstance(with_fast, str) and with_fast.startswith("f.json: not UTF-8 text: ")


def test_a_number_too_long_for_python_in_a_field_not_kept_is_skipped() -> None:
    """The one place the two readings differ, on purpose: an integer of more than 4,300
    digits is valid JSON, which Python's reader refuses to convert (its guard against
    slow conversions) while the one pass skips it unconverted, as it skips every field
    the register does not keep. The document is stored; the same integer where a count
    is kept is refused by both."""
    text = json.dumps(_doc(assets=2))
    long = "9" * 5000
    raw = (text[:-1] + f', "serial": {long}}}').encode()
    with pytest.raises(ValueError):
        json.loads(raw)
    doc = documents.parse(raw, "f.json")
    assert doc.assets and doc.digest == hashlib.sha256(raw).hexdigest()
    with pytest.raises(documents.Refused, match="not JSON"):
        documents.parse(re.sub(r'"warnings": \d+', f'"warnings": {long}', text, count=1).encode(), "f.json")


def test_a_nul_character_is_refused_with_its_place(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    db = _db(tmp_path)
    doc = _doc()
    doc["assets"][1]["owner"]["name"] = "Ada\u0000Lovelace"
    bad = _write(tmp_path / "nul.json", doc)
    good = _write(tmp_path / "good.json", _doc(repo="acme/other"))
    code, out, err = run("register", "--db", db, "add", str(bad), str(good))
    assert code == 2
    assert f"prodgate: refused {bad}: $.assets[1].owner.name contains a NUL character (\\u0000)" in err
    assert out == "register: 1 added, 0 seen, 0 unchanged, 0 kept, 1 refused\n"


def test_a_written_out_backslash_u0000_is_not_a_nul(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """The text ``C:\\u0000`` (a backslash, then ``u0000``) is six ordinary characters;
    its JSON bytes hold ``\\u0000`` all the same, which must not refuse the file."""
    db = _db(tmp_path)
    doc = _doc()
    doc["assets"][1]["owner"]["name"] = "C:\\u0000"
    f = _write(tmp_path / "backslash.json", doc)
    assert b"\\u0000" in f.read_bytes()
    code, out, err = run("register", "--db", db, "add", str(f))
    assert (code, err) == (0, "")
    assert out == "register: 1 added, 0 seen, 0 unchanged, 0 kept, 0 refused\n"


def test_one_run_mixing_refused_repeated_and_newer_files(tmp_path: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Batches of 3 over 9 files: a refused file in the middle of a batch, the same file
    twice, and an older and a newer document of one commit in the same batch."""
    monkeypatch.setattr(register_command, "BATCH_FILES", 3)
    folder = tmp_path / "docs"
    folder.mkdir()
    files = [_write(folder / f"{i}.json", _doc(repo=f"acme/r{i}", seed=i)) for i in range(5)]
    broken = _doc(repo="acme/broken")
    broken["assets"][2]["tier"] = "galactic"
    bad = _write(folder / "5-bad.json", broken)
    old = _write(folder / "6-old.json", _doc(repo="acme/same", assets=2, at="2026-11-20T10:00:00+00:00"))
    new = _write(folder / "7-new.json", _doc(repo="acme/same", assets=4, at="2026-11-21T10:00:00+00:00", seed=9))
    db = _db(tmp_path)
    args = [str(files[0]), str(files[1]), str(bad), str(files[0]), str(files[2]), str(old), str(new), str(files[3]), str(files[4])]
    code, out, err = run("register", "--db", db, "add", "-v", *args)
    assert code == 2
    assert f"prodgate: refused {bad}: $.assets[2].tier 'galactic' is not one of team, departmental, enterprise" in err
    assert out.splitlines()[-1] == "register: 7 added, 0 seen, 1 unchanged, 0 kept, 1 refused"
    lines = out.splitlines()[:-1]
    assert lines[:3] == [f"added: {files[0]} (acme/r0 aaaaaaaaaaaa)", f"added: {files[1]} (acme/r1 aaaaaaaaaaaa)",
                         f"unchanged: {files[0]} (acme/r0 aaaaaaaaaaaa)"]
    assert f"added: {new} (acme/same aaaaaaaaaaaa)" in lines
    with sqlite3.connect(db) as conn:
        stored = sorted(conn.execute("SELECT repository, assets FROM snapshots").fetchall())
    # nothing of acme/broken; both observations of acme/same's commit
    assert stored == [*((f"acme/r{i}", 3) for i in range(5)), ("acme/same", 2), ("acme/same", 4)]
    assert _count(db, "assets") == 5 * 3 + 2 + 4
    # the same run again: nothing changes
    code, out, _ = run("register", "--db", db, "add", *[a for a in args if a != str(bad)])
    assert (code, out) == (0, "register: 0 added, 0 seen, 8 unchanged, 0 kept, 0 refused\n")


def test_a_document_the_database_refuses_costs_the_batch_nothing(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """A real refusal by SQLite (a trigger) half-way through a batch: the batch is rolled
    back and stored again file by file, so only the refused document is missing."""
    db = _db(tmp_path)
    assert run("register", "--db", db, "report", "--format", "json")[0] == 0  # create the register
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TRIGGER no_poison BEFORE INSERT ON assets WHEN NEW.name = 'poison' "
            "BEGIN SELECT RAISE(ABORT, 'poison is not welcome'); END"
        )
    files = [_write(tmp_path / f"{i}.json", _doc(repo=f"acme/r{i}", seed=i)) for i in range(4)]
    poisoned = _doc(repo="acme/poisoned")
    poisoned["assets"][1]["name"] = "poison"
    files.insert(2, _write(tmp_path / "poisoned.json", poisoned))
    code, out, err = run("register", "--db", db, "add", *map(str, files))
    assert code == 2
    assert f"prodgate: refused {files[2]}: the database refused it: poison is not welcome" in err
    assert "Traceback" not in err
    assert out == "register: 4 added, 0 seen, 0 unchanged, 0 kept, 1 refused\n"
    with sqlite3.connect(db) as conn:
        assert sorted(r[0] for r in conn.execute("SELECT repository FROM snapshots")) == [f"acme/r{i}" for i in range(4)]
        assert conn.execute("SELECT count(*) FROM assets").fetchone()[0] == 4 * 3
        assert sorted(r[0] for r in conn.execute("SELECT name FROM repositories")) == [f"acme/r{i}" for i in range(4)]


def test_every_row_names_the_file_it_came_from(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    db = _db(tmp_path)
    first = _write(tmp_path / "first.json", _doc(at="2026-11-20T10:00:00+00:00"))
    newer = _write(tmp_path / "newer.json", _doc(at="2026-11-21T10:00:00+00:00", seed=2))
    assert run("register", "--db", db, "add", str(first))[0] == 0
    code, out, _ = run("register", "--db", db, "report", "--format", "json", "--today", TODAY)
    assert code == 0
    rows = json.loads(out)["assets"]
    assert {(r["evidence"], r["evidence_sha256"]) for r in rows} == {(str(first), hashlib.sha256(first.read_bytes()).hexdigest())}
    assert run("register", "--db", db, "add", str(newer))[0] == 0  # replaces the commit's snapshot
    code, out, _ = run("register", "--db", db, "report", "--format", "csv", "--today", TODAY)
    assert code == 0
    header, *lines = out.splitlines()
    assert header.endswith(",evidence,evidence_sha256")
    assert {tuple(line.rsplit(",", 2)[1:]) for line in lines} == {(str(newer), hashlib.sha256(newer.read_bytes()).hexdigest())}


def test_a_claim_over_the_parameter_limit_is_split_and_each_key_keeps_its_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch's snapshot keys are claimed by multi-row INSERTs within the database's
    limit of bound values: with room for two rows a statement, seven documents (one
    already stored, so compared with it rather than claimed) take three statements, and every asset row hangs off the snapshot
    of its own repository."""
    from prodgate.register import store

    monkeypatch.setattr(store, "MAX_PARAMETERS", 2 * len(store.SNAPSHOT_FIELDS) + 1)
    engine = store.open_store(_db(tmp_path))
    docs = [documents.parse(json.dumps(_doc(repo=f"acme/r{i}", assets=1 + i % 3, seed=i)).encode(), f"{i}.json") for i in range(7)]
    assert [o.action for o in store.ingest_many(engine, docs[3:4])] == ["added"]
    statements: list[str] = []
    monkeypatch.setattr(store._Statements, "claim", lambda self, n, real=store._Statements.claim: statements.append(n) or real(self, n))
    assert [o.action for o in store.ingest_many(engine, docs)] == ["added"] * 3 + ["unchanged"] + ["added"] * 3
    assert statements == [2, 2, 2]
    with engine.connect() as conn:
        got = conn.exec_driver_sql(
            "SELECT s.repository, a.name FROM assets a JOIN snapshots s ON s.id = a.snapshot_id ORDER BY s.repository, a.name"
        ).all()
    assert [tuple(r) for r in got] == sorted((d.repository, a[0]) for d in docs for a in d.assets)
    engine.dispose()


def test_a_repository_points_at_its_newest_snapshot_whatever_order_they_arrive_in(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Commits of one repository ingested newest first, in runs of their own and in one
    batch: the pointer moves forward only, so the report shows the newest commit."""
    folder = tmp_path / "docs"
    folder.mkdir()
    newest = _write(folder / "c.json", _doc(commit="c" * 40, at="2026-11-21T10:00:00+00:00", assets=4, seed=3))
    older = [_write(folder / f"{x}.json", _doc(commit=x * 40, at=f"2026-11-{d}T10:00:00+00:00", assets=2, seed=i))
             for i, (x, d) in enumerate((("b", 20), ("a", 19)))]
    for sequence in ([newest, *older], [newest], [*older]):
        db = str(tmp_path / f"{len(sequence)}-{sequence[0].stem}" / "r.sqlite")
        if sequence == [*older]:  # the newest alone first, the older ones in a later run
            assert run("register", "--db", db, "add", str(newest))[0] == 0
        assert run("register", "--db", db, "add", *map(str, sequence))[0] == 0
        with sqlite3.connect(db) as conn:
            latest = conn.execute(
                "SELECT s.\"commit\", r.latest_generated_at FROM repositories r JOIN snapshots s ON s.id = r.latest_snapshot_id"
            ).fetchall()
        assert latest == [("c" * 40, "2026-11-21T10:00:00+00:00")], sequence
        code, out, _ = run("register", "--db", db, "report", "--format", "json", "--today", TODAY)
        assert code == 0 and {a["commit"] for a in json.loads(out)["assets"]} == {"c" * 40}
