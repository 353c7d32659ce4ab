"""PG1xx: broken declarations are findings at the exact node, never a crash."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import TEAM_SANDBOX, ids_at, write


def _only(report: dict) -> dict:  # type: ignore[type-arg]
    assert len(report["findings"]) == 1, report["findings"]
    return report["findings"][0]  # type: ignore[no-any-return]


def test_yaml_syntax_error_points_at_line(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", "apiVersion: prodgate/v1\nname: x\ntier: [team\nstage: pilot\n")
    code, report = check_json(str(repo))
    f = _only(report)
    assert code == 1
    assert (f["rule_id"], f["line"]) == ("PG101", 4)


def test_duplicate_key_is_refused(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + "tier: enterprise\n")
    code, report = check_json(str(repo))
    f = _only(report)
    assert (code, f["rule_id"], f["line"], f["column"]) == (1, "PG101", 8, 1)
    assert "duplicate key 'tier' (first defined on line 3)" in f["message"]


def test_alias_bomb_is_refused_quickly(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{cur}: &{cur} [{','.join(['*' + prev] * 9)}]")
    write(repo, "ai-asset.yaml", "\n".join(lines) + "\n")
    code, report = check_json(str(repo))
    f = _only(report)
    assert (code, f["rule_id"]) == (1, "PG101")
    assert "expands to more than" in f["message"]


def test_python_tag_is_never_constructed(repo: Path, check_json, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    marker = tmp_path / "pwned"
    write(repo, "ai-asset.yaml", f"name: !!python/object/apply:os.system ['touch {marker}']\n")
    code, report = check_json(str(repo))
    f = _only(report)
    assert (code, f["rule_id"], f["line"]) == (1, "PG101", 1)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe\x00n\x00a\x00m\x00e", "binary"),
        (b"name: caf\xe9\n", "not valid UTF-8 (line 1"),
        (b"", "empty"),
        (b"# only a comment\n", "empty"),
        (b"x" * (64 * 1024 + 1), "over the limit"),
    ],
)
def test_unreadable_declarations(repo: Path, check_json, content: bytes, expected: str) -> None:  # type: ignore[no-untyped-def]
    (repo / "ai-asset.yaml").write_bytes(content)
    code, report = check_json(str(repo))
    f = _only(report)
    assert code == 1
    assert f["rule_id"] in ("PG101", "PG102")
    assert expected in f["message"]


def test_list_document_is_schema_error(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", "- a\n- b\n")
    _code, report = check_json(str(repo))
    assert ids_at(report) == [("PG103", "ai-asset.yaml", 1)]


def test_unknown_key_suggests_and_points_at_key(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace("  email: ada@example.com", "  emial: ada@example.com"))
    _code, report = check_json(str(repo))
    by_rule = {f["rule_id"]: f for f in report["findings"]}
    unknown = by_rule["PG104"]
    assert (unknown["line"], unknown["column"]) == (7, 3)
    assert "did you mean 'email'?" in unknown["message"]
    missing = by_rule["PG103"]  # the missing key points at its parent mapping
    assert (missing["line"], missing["column"]) == (5, 1)
    assert "missing required key 'email' in owner" in missing["message"]


def test_bad_enum_value_suggests(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace("tier: team", "tier: enterprize"))
    _code, report = check_json(str(repo))
    f = _only(report)
    assert (f["rule_id"], f["line"], f["column"]) == ("PG103", 3, 7)
    assert "did you mean 'enterprise'?" in f["message"]


def test_bad_email_and_date(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    text = TEAM_SANDBOX.replace("ada@example.com", "ada-at-example") + "review:\n  last_reviewed: 2026-13-01\n"
    write(repo, "ai-asset.yaml", text)
    _code, report = check_json(str(repo))
    assert ids_at(report) == [("PG101", "ai-asset.yaml", 9)]  # YAML-level: month 13 is no date
    write(repo, "ai-asset.yaml", text.replace("2026-13-01", "last week"))
    _code, report = check_json(str(repo))
    assert sorted(ids_at(report)) == [("PG103", "ai-asset.yaml", 7), ("PG103", "ai-asset.yaml", 9)]


def test_duplicate_asset_names(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "a/ai-asset.yaml", TEAM_SANDBOX)
    write(repo, "b/ai-asset.yml", TEAM_SANDBOX)
    code, report = check_json(str(repo))
    assert code == 1
    assert ids_at(report) == [("PG105", "b/ai-asset.yml", 2)]
    assert "already used by a/ai-asset.yaml:2" in report["findings"][0]["message"]


def test_skips_vendored_and_virtualenv_folders(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    for folder in ("node_modules/pkg", ".venv/lib", ".git/x", "custom-env"):
        write(repo, f"{folder}/ai-asset.yaml", "broken: [\n")
    write(repo, "custom-env/pyvenv.cfg", "home = /usr\n")
    code, report = check_json(str(repo))
    assert (code, report["summary"]["declarations"]) == (0, 1)


def test_symlinked_declaration_leaving_repo(repo: Path, tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    outside = write(tmp_path, "elsewhere/ai-asset.yaml", TEAM_SANDBOX)
    (repo / "sub").mkdir()
    os.symlink(outside, repo / "sub" / "ai-asset.yaml")
    code, report = check_json(str(repo))
    assert (code, ids_at(report)) == (1, [("PG102", "sub/ai-asset.yaml", 0)])


def test_one_broken_declaration_does_not_hide_others(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "good/ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot"))
    write(repo, "bad/ai-asset.yaml", "name: [\n")
    _code, report = check_json(str(repo))
    assert [f["rule_id"] for f in report["findings"]] == ["PG101", "PG201"]
    assert report["summary"]["assets"] == 1


def test_deep_nesting_is_refused_not_a_crash(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    # 30,000 nested flow sequences fit the size limit and crash libyaml's composer.
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + "x: " + "[" * 30_000 + "]" * 30_000 + "\n")
    code, report = check_json(str(repo))
    f = _only(report)
    assert (code, f["rule_id"], f["line"], f["column"]) == (1, "PG101", 8, 260)
    assert "nested more than 256 levels" in f["message"]


def test_brackets_in_strings_and_comments_do_not_count(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    text = TEAM_SANDBOX.replace("name: notes-summariser", "name: notes-summariser  # " + "[" * 300)
    write(repo, "ai-asset.yaml", text + "description: '" + "{" * 300 + "'\n")
    code, report = check_json(str(repo))
    assert (code, report["findings"]) == (0, [])


@pytest.mark.parametrize(
    ("field", "value", "code_point"),
    [
        ("email", "ada@\u200bexample.com", "U+200B (ZERO WIDTH SPACE)"),
        ("email", "ada@example.com\u2060", "U+2060 (WORD JOINER)"),
        ("name", "Ada \u202eecalevoL", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("name", "Ada\tLovelace", "U+0009 (control character)"),
        ("name", "Ada\ufeffLovelace", "U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
    ],
)
def test_invisible_characters_in_people_are_refused(  # type: ignore[no-untyped-def]
    repo: Path, check_json, field: str, value: str, code_point: str
) -> None:
    """A fix pasted from a report with a zero-width space inside the address looked right
    and reached nobody: names and addresses must be what they look like."""
    import json

    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace(
        "ada@example.com" if field == "email" else "Ada Lovelace", json.dumps(value)
    ))
    code, report = check_json(str(repo))
    f = _only(report)
    assert (code, f["rule_id"], f["line"]) == (1, "PG103", 7 if field == "email" else 6)
    assert f"owner.{field}: contains an invisible character {code_point}" in f["message"]
    assert f["fix"].startswith("Delete the value and type it again")


def test_schema_refuses_what_the_gate_refuses() -> None:
    """The committed JSON Schema (what editors and check-jsonschema read) agrees."""
    import json

    import jsonschema

    schema = json.loads((Path(__file__).parent.parent / "schema" / "ai-asset.schema.json").read_text())
    base = {"apiVersion": "prodgate/v1", "name": "x", "tier": "team", "stage": "sandbox"}
    ok = {**base, "owner": {"name": "Zoë O'Brien-Ñúñez", "email": "zoe@example.com"}}
    jsonschema.validate(ok, schema)
    for owner in ({"name": "Zoë", "email": "zoe@\u200bexample.com"}, {"name": "Z\u202eoë", "email": "z@example.com"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**base, "owner": owner}, schema)
