"""The command line contract: exit codes, formats, explain, schema, init."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from prodgate.manifest.schema import schema_json
from prodgate.rules.doc import BEGIN, END, rules_markdown

from conftest import REPO, TEAM_SANDBOX, TODAY, write


def test_no_declaration_passes_with_notice(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("check", str(repo))
    assert code == 0
    assert "no ai-asset.yaml found" in out


def test_usage_errors_are_exit_2(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    assert run("check", str(repo / "missing"))[0] == 2
    assert run("check", str(repo), "--gate", "release")[0] == 2
    assert run("check", str(repo), "--today", "22/11/2026")[0] == 2
    assert run("check", str(repo), "--format", "yaml")[0] == 2
    assert run("check", str(repo), "--format", "json", "--format", "text")[0] == 2
    assert run()[0] == 2


def test_internal_error_is_exit_3_without_traceback(repo: Path, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import prodgate.engine

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(prodgate.engine, "run", boom)
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    code, _out, err = run("check", str(repo))
    assert code == 3
    assert "internal error: RuntimeError: boom" in err and "Traceback" not in err


def test_several_formats_at_once(repo: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace("sandbox", "pilot"))
    target = tmp_path / "out" / "report.json"
    code, out, _ = run("check", str(repo), "--today", TODAY, "--format", "text", "--format", f"json={target}")
    assert code == 1
    assert "ai-asset.yaml:1:1 PG201 error: Model card is required" in out
    assert json.loads(target.read_text())["summary"]["errors"] == 1


def test_text_output_has_no_colour_when_not_a_terminal(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace("sandbox", "pilot"))
    _code, out, _ = run("check", str(repo))
    assert "\033[" not in out
    assert out.rstrip().endswith("See `prodgate explain PG201` for what a rule checks and how to fix it.")
    _code, out, _ = run("check", str(repo), "--color")
    assert "\033[31m" in out


def test_explain(run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("explain", "PG204")
    assert code == 0 and out.startswith("PG204 artifact-unfilled: Artifact is still the template")
    code, out, _ = run("explain", "artifact-unfilled")
    assert code == 0 and "PG204" in out
    code, _out, err = run("explain", "PG2044")
    assert code == 2 and "did you mean PG204?" in err


def test_committed_schema_matches_models() -> None:
    committed = (REPO / "schema" / "ai-asset.schema.json").read_text()
    assert committed == schema_json(), "run: prodgate schema > schema/ai-asset.schema.json"


def test_rules_page_table_matches_registry() -> None:
    page = (REPO / "docs" / "rules.md").read_text()
    table = page.split(BEGIN, 1)[1].split(END, 1)[0]
    assert table.strip() == rules_markdown().strip(), "run: prodgate explain --markdown"


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (REPO / "README.md").read_text()
    blocks = [b.split("```", 1)[0].strip() for b in readme.split("```bash\n")[1:3]]
    install_and_run, test_command = blocks
    assert "prodgate check examples/" in install_and_run
    assert test_command == "bash scripts/test"
    ci = [line for line in (REPO / ".ci" / "run").read_text().splitlines() if line.strip()]
    code = [line for line in ci if not line.lstrip().startswith("#")]
    # CI runs the README's command, verbatim ...
    assert test_command in code
    at = code.index(test_command)
    # ... inside a fresh clone in an empty temporary folder, never in this checkout ...
    before = code[:at]
    assert 'alone="$(mktemp -d)"' in before
    clone = next(i for i, line in enumerate(before) if line.startswith("git clone "))
    assert before[clone].endswith(' "$alone/prodgate"')
    assert [line for line in before[clone:] if line.startswith("cd ")] == ['cd "$alone/prodgate"']
    # ... then the same script again on the other end of the supported range.
    after = "\n".join(code[at + 1 :])
    assert 'PRODGATE_PYTHON="$python" bash scripts/test' in after
    assert "bash scripts/pythons" in after


def test_python_m_prodgate(repo: Path) -> None:
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    proc = subprocess.run(
        [sys.executable, "-m", "prodgate", "check", str(repo)], capture_output=True, text=True, check=False,
        env={**os.environ, "GITHUB_ACTIONS": ""},
    )
    assert proc.returncode == 0, proc.stderr
    assert "gate passed" in proc.stdout


def test_check_does_not_import_git_or_requests(repo: Path) -> None:
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    code = (
        "import sys; from prodgate.cli import main; rc = main(['check', sys.argv[1]]);"
        "bad = [m for m in ('git', 'requests', 'jsonschema') if m in sys.modules];"
        "print(bad); raise SystemExit(rc or (1 if bad else 0))"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(repo)], capture_output=True, text=True, check=False,
                          env={**os.environ, "GITHUB_ACTIONS": ""})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().endswith("[]")


def test_init_then_check_fails_once_per_stub(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "bot"
    code, out, _ = run("init", "--name", "support-bot", "--tier", "team", "--stage", "pilot",
                       "--owner", "Ada Lovelace <ada@example.com>", str(target))
    assert code == 0
    assert "created" in out and (target / "docs" / "model-card.md").is_file()
    declaration = (target / "ai-asset.yaml").read_text()
    assert declaration.startswith("# yaml-language-server: $schema=")
    code, out, _ = run("check", str(target), "--format", "json", "--today", TODAY)
    assert code == 1
    findings = json.loads(out)["findings"]
    assert [(f["rule_id"], f["path"]) for f in findings] == [("PG204", "docs/model-card.md")]
    # Never overwrites: a second init refuses, the stubs are untouched.
    (target / "docs" / "model-card.md").write_text("mine")
    code, _out, err = run("init", "--name", "support-bot", "--tier", "team", str(target))
    assert code == 2 and "already exists" in err
    assert (target / "docs" / "model-card.md").read_text() == "mine"


def test_init_enterprise_production_stubs(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "e"
    code, out, _ = run("init", "--name", "e", "--tier", "enterprise", "--stage", "production",
                       "--owner", "Ada Lovelace <ada@example.com>", str(target))
    assert code == 0
    stubs = sorted(p.name for p in (target / "docs").iterdir())
    assert stubs == ["fallback-plan.md", "incident-response.md", "model-card.md", "monitoring-plan.md",
                     "runbook.md", "security-review.md"]
    code, out, _ = run("check", str(target), "--format", "json", "--today", TODAY)
    unfilled = [f["path"] for f in json.loads(out)["findings"] if f["rule_id"] == "PG204"]
    assert sorted(unfilled) == sorted(f"docs/{s}" for s in stubs)


def test_init_scaffolds_only_what_the_merge_gate_checks(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """A stub nothing checks yet would only come back as an "unfilled" warning: what the
    deploy gate alone needs is named, not scaffolded."""
    target = tmp_path / "svc"
    code, out, _ = run("init", "--name", "svc", "--tier", "departmental", "--stage", "pilot",
                       "--owner", "Ada Lovelace <ada@example.com>", str(target))
    assert code == 0
    assert sorted(p.name for p in (target / "docs").iterdir()) == ["model-card.md"]
    assert "later: the deploy gate also requires Runbook (`runbook`); add it under `artifacts:`" in out
    code, out, _ = run("check", str(target), "--format", "json", "--today", TODAY)
    report = json.loads(out)
    assert code == 1 and report["summary"]["warnings"] == 0
    assert sorted(f["rule_id"] for f in report["findings"]) == ["PG204", "PG301", "PG602", "PG604"]


def test_init_rejects_bad_name(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = run("init", "--name", "Bad Name", "--tier", "team", str(tmp_path))
    assert code == 2 and "lowercase" in err


def test_requirement_state_rules_exist_in_the_registry() -> None:
    from prodgate.report import MISSING_RULES, UNFILLED_RULES
    from prodgate.rules.registry import RULES

    assert set(RULES) >= (MISSING_RULES | UNFILLED_RULES)
    assert not MISSING_RULES & UNFILLED_RULES


def _help(*argv: str) -> str:
    import io
    from contextlib import redirect_stdout

    import pytest

    from prodgate.cli import _parser

    buf = io.StringIO()
    with redirect_stdout(buf), pytest.raises(SystemExit):
        _parser().parse_args([*argv, "--help"])
    return " ".join(buf.getvalue().split())


def test_help_lists_every_check_format_and_the_default_stage() -> None:
    """`check --help` names every format `--format` accepts; `init --help` the default stage."""
    from prodgate.reporters import REPORTERS

    listed = _help("check").split("repeatable:")[1].split(";")[0]
    assert [n.strip() for n in listed.split(",")] == list(REPORTERS)
    assert "default: sandbox" in _help("init")


@pytest.mark.parametrize(
    ("argv", "written", "next_line"),
    [
        (["--tier", "team"], [], "next: fill in ai-asset.yaml (the merge gate asks for no document at tier team, "
         "stage sandbox), then run `prodgate check {dir}`"),
        (["--tier", "team", "--stage", "pilot"], ["model-card.md"], "next: fill in the stub, then run `prodgate check {dir}`"),
        (["--tier", "departmental", "--stage", "production"], ["fallback-plan.md", "model-card.md", "monitoring-plan.md", "runbook.md", "security-review.md"],
         "next: fill in the stubs, then run `prodgate check {dir}`"),
    ],
)
def test_init_closing_hint_matches_what_was_written(  # type: ignore[no-untyped-def]
    tmp_path: Path, run, argv: list[str], written: list[str], next_line: str
) -> None:
    target = tmp_path / "x"
    code, out, _ = run("init", "--name", "x", *argv, "--owner", "Ada Lovelace <ada@example.com>", str(target))
    assert code == 0
    docs = target / "docs"
    assert (sorted(p.name for p in docs.iterdir()) if docs.exists() else []) == written
    assert out.splitlines()[-1] == next_line.format(dir=target)


def test_init_closing_hint_when_every_stub_was_kept(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "x"
    write(target, "docs/model-card.md", "# Model card\n\nOurs.\n")
    code, out, _ = run("init", "--name", "x", "--tier", "team", "--stage", "pilot",
                       "--owner", "Ada Lovelace <ada@example.com>", str(target))
    assert code == 0
    assert f"kept    {target / 'docs' / 'model-card.md'} (exists)" in out
    assert "stub" not in out.splitlines()[-1]
    assert out.splitlines()[-1] == (
        "next: make sure the existing documents kept above say what the policy asks, "
        f"then run `prodgate check {target}`"
    )


def test_a_run_declares_only_its_commands_options_and_they_are_all_of_them() -> None:
    """The parser of a run declares its command's options only; they are the options
    the full parser (help, documentation) declares for it, and every command is listed."""
    import argparse

    from prodgate import cli

    def commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        return dict(action.choices)

    def options(parser: argparse.ArgumentParser) -> list[tuple[str, ...]]:
        found = [(*a.option_strings, a.dest, str(a.default)) for a in parser._actions]
        for name, sub in (commands(parser).items() if any(isinstance(a, argparse._SubParsersAction) for a in parser._actions) else ()):
            found += [(name, *o) for o in options(sub)]
        return found

    full = commands(cli._parser())
    assert tuple(full) == cli.COMMANDS
    for name in cli.COMMANDS:
        alone = commands(cli._parser(name))
        assert options(alone[name]) == options(full[name])
        assert all(len(options(p)) == 1 for other, p in alone.items() if other != name)  # -h only
    assert cli._command_named(["--version"]) is None and cli._command_named(["chek"]) is None
    assert cli._command_named(["discover", "--format", "json", "check"]) == "discover"
