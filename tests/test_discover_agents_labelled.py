"""Precision and recall of the discovery of agents, tools and MCP servers on a labelled
set (tests/data/discovery/agents_labelled).

The set holds MCP configuration files as the editors and agents write them (Claude
Code, VS Code's ``mcp.json`` and settings, Cursor, Claude Desktop, Gemini CLI, Zed,
Continue, Codex, Amazon Q, an application's own ``servers.json``), servers and clients
written with the MCP SDKs in Python and TypeScript, agents of the OpenAI Agents SDK (both
languages), LangGraph, CrewAI, AutoGen, Pydantic AI, Google ADK, smolagents and the
Vercel AI SDK, tools given to chat-completions and Messages calls; and look-alikes: a
local package named ``agents``, classes named ``Tool`` and functions named ``tool``, a
keyword named ``tools`` in code that calls no model, an ``mcp.json`` glossary, a JSON
file that names ``mcpServers`` in prose, servers in a settings file no editor reads, a
Markdown guide, commented-out code. ``agents_labelled.json`` says, by path, line, kind
and name, what each file must yield, and each one's effect and source.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from prodgate.discovery import catalogue, scan

DATA = Path(__file__).resolve().parent / "data" / "discovery"
SET = DATA / "agents_labelled"
LABELS: dict[str, Any] = json.loads((DATA / "agents_labelled.json").read_text(encoding="utf-8"))
EXPECTED = {(d["path"], d["line"], d["kind"], d["name"]): d for d in LABELS["detections"]}
FILES = sorted(p.relative_to(SET).as_posix() for p in SET.rglob("*") if p.is_file())
KINDS = ("agent", "tool", "mcp_server")

MIN_PRECISION = 0.95
MIN_RECALL = 0.95


def test_the_set_is_large_and_mixed() -> None:
    assert len(FILES) >= 40
    assert len(LABELS["negatives"]) >= 10
    assert {d[2] for d in EXPECTED} == set(KINDS)
    assert {".py", ".ts", ".json", ".yaml", ".toml", ".md"} <= {Path(f).suffix for f in FILES}
    editors = {
        ".mcp.json",
        ".vscode/mcp.json",
        ".cursor/mcp.json",
        ".gemini/settings.json",
        ".zed/settings.json",
        ".codex/config.toml",
        ".amazonq/mcp.json",
        "claude/claude_desktop_config.json",
    }
    assert editors <= set(FILES)
    frameworks = {d["provider"] for d in LABELS["detections"] if d["kind"] == "agent"}
    assert {
        "openai-agents",
        "langgraph",
        "crewai",
        "autogen",
        "pydantic-ai",
        "google-adk",
        "smolagents",
        "vercel-ai",
    } <= frameworks
    assert {d["effect"] for d in LABELS["detections"]} >= {None, "read", "write", "execute"}


def _found() -> dict[tuple[str, int, str, str | None], Any]:
    found = scan.scan(SET, catalogue.build())
    return {(d.path, d.line, d.kind, d.name): d for d in found.detections if d.kind in KINDS}


def test_precision_and_recall(capsys: pytest.CaptureFixture[str]) -> None:
    got = _found()
    hits = set(got) & set(EXPECTED)
    precision = len(hits) / len(got)
    recall = len(hits) / len(EXPECTED)
    with capsys.disabled():
        print(
            f"\nagents, tools and MCP servers on the labelled set: {len(FILES)} files, {len(EXPECTED)} labelled, "
            f"{len(got)} found; precision {precision:.3f}, recall {recall:.3f}"
        )
    assert precision >= MIN_PRECISION, sorted(set(got) - set(EXPECTED))
    assert recall >= MIN_RECALL, sorted(set(EXPECTED) - set(got))
    # What is found is found right: its effect, its source, its framework.
    for key in hits:
        want, det = EXPECTED[key], got[key]
        assert (det.effect, det.match, det.provider) == (
            want["effect"],
            want["match"],
            want["provider"],
        ), key


def test_negatives_yield_nothing() -> None:
    got = _found()
    assert [k for k in got if k[0] in LABELS["negatives"]] == []


@pytest.mark.parametrize("rel", [f for f in FILES if not f.endswith(".md")])
def test_each_file_alone_in_a_git_repository(
    rel: str, tmp_path: Path, run: Callable[..., tuple[int, str, str]]
) -> None:
    """Every file, committed alone to a fresh repository, gives its labels through
    ``prodgate discover --format json`` (git grep, then the files read by name)."""
    root = tmp_path / "repo"
    (root / rel).parent.mkdir(parents=True)
    shutil.copyfile(SET / rel, root / rel)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    _code, out, err = run("discover", "--format", "json", str(root))
    report = json.loads(out)
    got = {
        (d["path"], d["line"], d["kind"], d["name"], d["effect"])
        for d in report["detections"]
        if d["kind"] in KINDS
    }
    want = {(k[0], k[1], k[2], k[3], v["effect"]) for k, v in EXPECTED.items() if k[0] == rel}
    assert got == want, err
