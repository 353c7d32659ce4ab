"""Workflow-command escaping: what the runner reads back is exactly what was meant,
and nothing a declaration holds can become a command of its own."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from gha import COMMANDS, annotations, commands, finding, parse_command, read_outputs, report
from prodgate.findings import Severity
from prodgate.github.commands import annotation, escape_data, escape_property, group, safe_line
from prodgate.github.outputs import format_outputs
from prodgate.hygiene import clean
from prodgate.reporters.github import write_github

HOSTILE = [
    "::add-mask::secret",
    "name\n::add-mask::secret",
    "name\r\n::stop-commands::token",
    "name%0A::add-mask::secret",
    "100% sure %25 %0D %3A",
    "a:b,c=d::e",
    "##[set-output name=passed;]true",
    "\n##[error]injected",
]


def test_data_escaping() -> None:
    assert escape_data("a%b\rc\nd") == "a%25b%0Dc%0Ad"
    assert escape_data("a:b,c") == "a:b,c"


def test_property_escaping() -> None:
    assert escape_property("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad%3Ae%2Cf"


def test_annotation_shape() -> None:
    line = annotation("error", "msg", file="a.yaml", line=3, col=5, title="PG204 Title")
    assert line == "::error file=a.yaml,line=3,col=5,title=PG204 Title::msg"


def test_annotation_without_line_is_file_level() -> None:
    assert annotation("warning", "m", file="a.md", line=0, col=4) == "::warning file=a.md::m"


@pytest.mark.parametrize("text", HOSTILE)
def test_round_trip_through_the_runner(text: str) -> None:
    line = annotation("error", text, file=f"dir/{text}.md", line=2, col=1, title=text)
    assert "\n" not in line and "\r" not in line
    parsed = parse_command(line)
    # The file keeps its exact name (to attach); what people read went through hygiene.
    shown = clean(text)
    if "##[" in text:  # no property can spell it: the place moves into the message
        assert parsed == ("error", {"title": shown}, clean(f"dir/{text}.md:2:1: {text}"))
    else:
        assert parsed == ("error", {"file": f"dir/{text}.md", "line": "2", "col": "1", "title": shown}, shown)


@pytest.mark.parametrize("text", HOSTILE)
def test_group_titles_and_log_lines_cannot_inject(text: str) -> None:
    log = group(text) + "\n" + safe_line(text) + "\n" + safe_line("error " + text) + "\n"
    parsed = commands(log)
    assert [c[0] for c in parsed] == ["group"]
    assert parsed[0][2] == clean(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_reporter_with_hostile_names_emits_only_its_own_commands(text: str, tmp_path: Path) -> None:
    f = finding(
        message=f"asset {text} is wrong", path=f"apps/{text}/a:b,c.md", asset=text, fix=f"fix {text}"
    )
    out = io.StringIO()
    env = {"GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "GITHUB_OUTPUT": str(tmp_path / "out")}
    write_github(report([f], name=text), out, env)
    parsed = commands(out.getvalue())
    assert {c[0] for c in parsed} <= COMMANDS
    assert not any(c[0] in ("add-mask", "stop-commands", "set-output") for c in parsed)
    [(level, props, message)] = annotations(out.getvalue())
    assert level == "error"
    if "##[" in text:
        assert "file" not in props
        assert message.startswith(clean(f"apps/{text}/a:b,c.md:9:1: asset {text} is wrong"))
    else:
        assert props["file"] == f"apps/{text}/a:b,c.md"
        assert message.startswith(clean(f"asset {text} is wrong"))
    assert read_outputs(tmp_path / "out")["passed"] == "false"


def test_outputs_use_a_random_delimiter_per_value() -> None:
    text = format_outputs({"a": "x\nEOF\nb=evil", "b": "1"})
    first, second = text.split("\n")[0], text.split("\n")[5]
    assert first.startswith("a<<ghadelimiter_") and second.startswith("b<<ghadelimiter_")
    assert first.split("<<")[1] != second.split("<<")[1]


def test_outputs_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "out"
    path.write_text(format_outputs({"report": "/tmp/r.json", "evil": "x\nEOF\nb=evil"}))
    assert read_outputs(path) == {"report": "/tmp/r.json", "evil": "x\nEOF\nb=evil"}


def test_note_becomes_notice() -> None:
    out = io.StringIO()
    write_github(report([finding(severity=Severity.NOTE)]), out, {})
    assert [a[0] for a in annotations(out.getvalue())] == ["notice"]


def test_declaration_content_cannot_inject_through_the_cli(
    repo: Path, run: Callable[..., tuple[int, str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real declaration in an odd folder, naming an artifact path built to inject."""
    from conftest import TODAY, write

    folder = "odd:dir,name %0A"
    write(repo, f"{folder}/ai-asset.yaml", """\
        apiVersion: prodgate/v1
        name: notes-summariser
        tier: team
        stage: pilot
        owner: {name: Ada Lovelace, email: ada@example.com}
        artifacts:
          model_card: "docs/card\\n::add-mask::secret\\r\\n::stop-commands::x.md"
        """)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "out"))
    code, out, _ = run("check", str(repo), "--today", TODAY)  # github is the default under Actions
    assert code == 1
    parsed = commands(out)
    assert {c[0] for c in parsed} <= COMMANDS
    anns = annotations(out)
    assert anns and all(a[1]["file"].startswith(f"{folder}/") for a in anns)
    # Shown to the reader, with the carriage return visible and the line starts disarmed.
    assert any("docs/card\n\\::add-mask::secret\\x0d\n\\::stop-commands::x.md" in a[2] for a in anns)
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "\n::add-mask::" not in summary
    assert read_outputs(tmp_path / "out")["errors"] == "1"
