"""Output hygiene: nothing a pull request writes can issue a workflow command, move a
terminal's cursor, hide text or reorder it, in any format, on stdout or stderr."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from gha import annotations, commands, stopped_regions
from prodgate import exitcodes as ec
from prodgate.hygiene import clean, commands_stopped, json_text, message, visible

from conftest import TEAM_SANDBOX, TODAY, write

Run = Callable[..., tuple[int, str, str]]

# A folder whose name is a legacy command (anywhere in a line) and an artifact path
# carrying a concealing escape sequence, a bidirectional override, a zero-width space,
# a carriage return and a line that starts with a command.
FOLDER = "svc ##[stop-commands]pwned"
ARTIFACT = "docs/\\e[8mcard\\u202e\\u200b.md\\r::add-mask::x\\n##[error]forged"
RAW_ARTIFACT = "docs/\x1b[8mcard\u202e\u200b.md\r::add-mask::x\n##[error]forged"
SHOWN_ARTIFACT = "docs/\\x1b[8mcard\\u202e\\u200b.md\\x0d::add-mask::x\n##\\[error]forged"


def _hostile(repo: Path) -> Path:
    return write(repo, f"{FOLDER}/ai-asset.yaml", f"""\
        apiVersion: prodgate/v1
        name: notes-summariser
        tier: team
        stage: pilot
        owner: {{name: Ada Lovelace, email: ada@example.com}}
        artifacts:
          model_card: "{ARTIFACT}"
        """)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\x1b[8mhidden\x1b[0m", "a\\x1b[8mhidden\\x1b[0m"),
        ("\x9b2J", "\\x9b2J"),
        ("x\ry", "x\\x0dy"),
        ("admin\u202etxt.exe", "admin\\u202etxt.exe"),
        ("a\u200bb\u2066c\ufeff", "a\\u200bb\\u2066c\\ufeff"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("p/##[error]x", "p/##\\[error]x"),
        ("###[x", "###\\[x"),
        ("::add-mask::s", "\\::add-mask::s"),
        ("  ::warning::s\n\t::error::t", "  \\::warning::s\n\t\\::error::t"),
        ("a ::not-at-start::", "a ::not-at-start::"),
        ("tab\tand\nnewline kept; ümlaut, 日本, emoji ✏️", "tab\tand\nnewline kept; ümlaut, 日本, emoji ✏️"),
    ],
)
def test_clean(raw: str, shown: str) -> None:
    assert clean(raw) == shown
    assert clean(shown) == shown  # idempotent: safe to apply twice
    assert commands(clean(raw)) == []


def test_message_is_one_line() -> None:
    assert message("a\n::add-mask::x") == "a\\n::add-mask::x"
    assert "\n" not in message("\n\n##[error]x\r\n")


def test_visible_leaves_markdown_syntax_alone() -> None:
    assert visible("[x](y) ##[\u202e") == "[x](y) ##[\\u202e"


@pytest.mark.parametrize("code", range(128))
def test_ascii_text_takes_the_quick_path_only_when_the_pattern_has_nothing_to_escape(code: int) -> None:
    """Each ASCII character, alone and inside plain text: the same result as the
    character class that the quick test lets pure-ASCII text skip."""
    from prodgate.hygiene import _HIDDEN, _escape, _json_escape

    for text in (chr(code), f"name {chr(code)} in a long line\n\tof text"):
        assert visible(text) == _HIDDEN.sub(_escape, text)
        assert json_text(text) == _HIDDEN.sub(_json_escape, text).replace("##[", "##\\u005b")


def test_json_text_decodes_to_the_same_data() -> None:
    data = {"k": RAW_ARTIFACT + "\x85\u2028\U000e0041"}
    serialized = json_text(json.dumps(data, ensure_ascii=False))
    assert json.loads(serialized) == data
    assert "##[" not in serialized and not re.search("[\x1b\x85\u202e\u200b\u2028\U000e0041]", serialized)


def test_commands_stopped_uses_a_fresh_unguessable_token() -> None:
    import io

    out = io.StringIO()
    for _ in range(2):
        with commands_stopped(out, enabled=True):
            out.write("::add-mask::secret\n")
    lines = out.getvalue().splitlines()
    assert re.fullmatch(r"::stop-commands::prodgate-[0-9a-f]{32}", lines[0])
    assert lines[2] == f"::{lines[0].rsplit('::', 1)[1]}::"
    assert lines[0] != lines[3]
    assert commands(out.getvalue()) == []
    out = io.StringIO()
    with commands_stopped(out, enabled=False):
        out.write("x\n")
    assert out.getvalue() == "x\n"


def test_github_format_emits_only_its_own_commands(
    repo: Path, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hostile(repo)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    code, out, err = run("check", str(repo), "--today", TODAY)
    assert (code, err) == (ec.FAILED, "")
    assert "##[" not in out and "\x1b" not in out and "\u202e" not in out and "\r" not in out
    acted = commands(out)
    assert [c[0] for c in acted] == ["group", "endgroup", "error"]
    [(_, props, text)] = [a for a in annotations(out) if a[0] == "error"]
    # A path holding "##[" cannot be a file= property (the runner has no escape for
    # "["), so the annotation names the place in its text instead.
    assert "file" not in props and "line" not in props
    assert text.startswith("svc ##\\[stop-commands]pwned/ai-asset.yaml:7:15: model_card docs/")
    assert SHOWN_ARTIFACT in text  # shown with every trap visible and disarmed
    # The group body (paths and messages) sits inside prodgate's own region.
    [body] = stopped_regions(out)
    assert body[0] == "declaration svc ##\\[stop-commands]pwned/ai-asset.yaml"
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "\u202e" not in summary and "\x1b" not in summary and "##[" not in summary
    assert "\\u202e" in summary


def test_text_format_under_actions(repo: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    _hostile(repo)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = run("check", str(repo), "--today", TODAY, "--format", "text", "--color")
    assert code == ec.FAILED
    assert commands(out) == []  # the whole report is inside one region
    [body] = stopped_regions(out)
    assert "##[" not in out and "\u202e" not in out and "\r" not in out
    # Only prodgate's own colour codes remain: every ESC starts one of them.
    assert all(re.match(r"\[[0-9;]*m", part) for part in out.split("\x1b")[1:])
    assert "\\x1b[8mcard" in out
    assert body[0].startswith("\x1b[1mnotes-summariser (team, pilot) svc ##\\[stop-commands]pwned/")


def test_machine_formats_keep_the_data(repo: Path, run: Run, tmp_path: Path) -> None:
    _hostile(repo)
    sarif = tmp_path / "out.sarif"
    code, out, _ = run("check", str(repo), "--today", TODAY, "--format", "json", "--format", f"sarif={sarif}")
    assert code == ec.FAILED
    assert "##[" not in out and "\x1b" not in out and commands(out) == []
    report = json.loads(out)
    assert any(RAW_ARTIFACT in f["message"] for f in report["findings"])
    assert any(f["path"] == f"{FOLDER}/ai-asset.yaml" for f in report["findings"])
    text = sarif.read_text(encoding="utf-8")
    assert "##[" not in text
    assert any(RAW_ARTIFACT in r["message"]["text"] for r in json.loads(text)["runs"][0]["results"])


def test_markdown_and_junit(repo: Path, run: Run) -> None:
    _hostile(repo)
    for fmt in ("markdown", "junit"):
        code, out, _ = run("check", str(repo), "--today", TODAY, "--format", fmt)
        assert code == ec.FAILED
        assert "##[" not in out and "\x1b" not in out and "\u202e" not in out and "\u200b" not in out
        assert commands(out) == [], fmt


def test_usage_error_quoting_a_hostile_path(run: Run) -> None:
    code, _, err = run("check", "##[stop-commands]x\x1b[8m\n::add-mask::y")
    assert code == ec.USAGE
    assert err == "prodgate: error: ##\\[stop-commands]x\\x1b[8m\n\\::add-mask::y: no such file or directory\n"
    assert commands(err) == []


def test_argparse_messages_are_cleaned(run: Run) -> None:
    code, _, err = run("check", "--gate", "##[error]x\x1b[8m")
    assert code == ec.USAGE
    assert "invalid choice: '##\\[error]x\\x1b[8m'" in err
    assert commands(err) == []


def test_internal_error_message(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last line of defence quotes the exception, which may quote the pull request."""

    def crash(_args: object) -> int:
        raise ValueError("bad key ##[stop-commands]x\n::add-mask::y \x1b[8mhidden")

    monkeypatch.setattr("prodgate.commands.check.run_check", crash)
    code, out, err = run("check", ".")
    assert (code, out) == (ec.INTERNAL, "")
    assert err.splitlines()[0] == (
        "prodgate: internal error: ValueError: bad key ##\\[stop-commands]x\\n::add-mask::y \\x1b[8mhidden"
    )
    assert commands(err) == []


def test_validate_output(repo: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = write(repo, "##[error]x/ai-asset.yaml", "apiVersion: prodgate/v1\nname: \"\\e[8m\\u202e\"\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = run("validate", str(bad))
    assert code == ec.FAILED
    assert commands(out) == [] and len(stopped_regions(out)) == 1
    assert "##[" not in out and "\x1b" not in out and "\u202e" not in out


@pytest.mark.parametrize("fmt", ["json", "cyclonedx"])
def test_inventory_json_keeps_the_data_and_prints_inert(repo: Path, run: Run, fmt: str) -> None:
    owner = "Ada ##[stop-commands]x"
    write(repo, "svc/ai-asset.yaml", TEAM_SANDBOX.replace("name: Ada Lovelace", f'name: "{owner}"'))
    code, out, err = run("inventory", "--today", TODAY, "--format", fmt, str(repo))
    assert code == 0, err
    assert "##[" not in out and commands(out) == []
    assert owner in json.dumps(json.loads(out), ensure_ascii=False)
