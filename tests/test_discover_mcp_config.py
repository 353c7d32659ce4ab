"""MCP servers configured for editors and agents: each server at its name's line,
with the package, image or URL it runs from, as ``prodgate discover`` reports them."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from prodgate.discovery import catalogue, scan
from prodgate.discovery.mcp_source import source

Run = Callable[..., tuple[int, str, str]]

CLAUDE_CODE = """{
  "mcpServers": {
    "github": {
      "command": "docker",
      "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server:v0.9.0"],
      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN}"}
    },
    "filesystem": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.7.1", "/srv/data"]
    },
    "sentry": {"type": "http", "url": "https://mcp.sentry.dev/mcp"}
  }
}
"""

VSCODE = """{
  // GitHub's remote server, then a local one
  "inputs": [
    {"type": "promptString", "id": "token", "description": "Token", "password": true},
  ],
  "servers": {
    "github": {
      "type": "http",
      "url": "https://api.githubcopilot.com/mcp/",
    },
    /* git, read-only */
    "git": {
      "type": "stdio",
      "command": "uvx",
      "args": ["mcp-server-git", "--repository", "${workspaceFolder}"]
    }
  }
}
"""

CONTINUE = """name: Database MCP
version: 0.0.1
schema: v1
mcpServers:
  - name: sqlite
    command: uvx
    args:
      - mcp-server-sqlite
      - --db-path
      - ./data.db
"""

CODEX = """model = "o3"

[mcp_servers.context7]
command = "npx"
args = ["-y", "@upstash/context7-mcp"]
"""

GEMINI = """{
  "theme": "GitHub",
  "mcpServers": {
    "playwright": {"command": "npx", "args": ["@playwright/mcp@latest"]},
    "docs": {"httpUrl": "https://docs.example.com/mcp", "timeout": 5000}
  }
}
"""

ZED = """{
  "context_servers": {
    "postgres": {
      "command": {"path": "npx", "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://localhost/app"]}
    }
  }
}
"""

OPENCODE = """{
  "$schema": "https://opencode.ai/config.json",
  "mcp": {
    "jira": {"type": "local", "command": ["npx", "-y", "@acme/jira-mcp@1.0.0"], "enabled": true},
    "context7": {"type": "remote", "url": "https://mcp.context7.com/mcp"}
  }
}
"""

FILES = {
    "opencode.json": OPENCODE,
    ".mcp.json": CLAUDE_CODE,
    ".vscode/mcp.json": VSCODE,
    ".continue/mcpServers/db.yaml": CONTINUE,
    ".codex/config.toml": CODEX,
    ".gemini/settings.json": GEMINI,
    ".zed/settings.json": ZED,
}

EXPECTED = {
    ("opencode.json", 4, "jira", "@acme/jira-mcp"),
    ("opencode.json", 5, "context7", "https://mcp.context7.com/mcp"),
    (".mcp.json", 3, "github", "ghcr.io/github/github-mcp-server"),
    (".mcp.json", 8, "filesystem", "@modelcontextprotocol/server-filesystem"),
    (".mcp.json", 12, "sentry", "https://mcp.sentry.dev/mcp"),
    (".vscode/mcp.json", 7, "github", "https://api.githubcopilot.com/mcp/"),
    (".vscode/mcp.json", 12, "git", "mcp-server-git"),
    (".continue/mcpServers/db.yaml", 5, "sqlite", "mcp-server-sqlite"),
    (".codex/config.toml", 3, "context7", "@upstash/context7-mcp"),
    (".gemini/settings.json", 4, "playwright", "@playwright/mcp"),
    (".gemini/settings.json", 5, "docs", "https://docs.example.com/mcp"),
    (".zed/settings.json", 3, "postgres", "@modelcontextprotocol/server-postgres"),
}


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def _servers(root: Path) -> set[tuple[str, int, str | None, str]]:
    found = scan.scan(root, catalogue.build())
    return {(d.path, d.line, d.name, d.match) for d in found.detections if d.kind == "mcp_server"}


def test_each_editors_file_gives_its_servers(tmp_path: Path) -> None:
    _write(tmp_path, FILES)
    assert _servers(tmp_path) == EXPECTED


def test_in_a_git_checkout_files_without_a_catalogue_word_are_read(
    tmp_path: Path, run: Run
) -> None:
    """``.vscode/mcp.json`` holds no catalogue word, so git grep never reports it: it
    is read by its name. The JSON report gives the name."""
    _write(tmp_path, FILES)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    code, out, _err = run("discover", "--format", "json", str(tmp_path))
    assert code == 1
    got = {
        (d["path"], d["line"], d["kind"], d["signature"], d["name"], d["effect"])
        for d in json.loads(out)["detections"]
    }
    assert got == {
        (p, line, "mcp_server", "mcp-config", name, None) for p, line, name, _m in EXPECTED
    }


def test_look_alikes_are_not_servers(tmp_path: Path) -> None:
    """Prose that mentions ``mcpServers``, an ``mcp.json`` of other data, entries
    with neither command nor URL, a file that does not parse, settings of other
    folders: nothing."""
    _write(
        tmp_path,
        {
            "notes.json": '{"text": "put your servers under \\"mcpServers\\" in .mcp.json"}\n',
            "docs/mcp.json": '{"title": "What MCP is", "servers": ["a", "b"]}\n',
            "app/.mcp.json": '{"mcpServers": {"draft": {"description": "to do"}}}\n',
            "broken/.mcp.json": '{"mcpServers": {"x": {"command": "npx"',
            "config/settings.json": '{"servers": {"api": {"url": "https://api.example.com"}}}\n',
            "README.md": '```json\n{"mcpServers": {"github": {"command": "npx"}}}\n```\n',
        },
    )
    assert _servers(tmp_path) == set()


def test_any_json_with_an_mcpservers_section_counts(tmp_path: Path) -> None:
    """A file an application reads its servers from, under another name."""
    _write(
        tmp_path,
        {
            "agent/servers.json": '{\n  "mcpServers": {\n    "time": {"command": "uvx", "args": ["mcp-server-time"]}\n  }\n}\n'
        },
    )
    assert _servers(tmp_path) == {("agent/servers.json", 3, "time", "mcp-server-time")}


@pytest.mark.parametrize(
    ("command", "args", "url", "expected"),
    [
        (
            "npx",
            ["-y", "@modelcontextprotocol/server-github"],
            None,
            "@modelcontextprotocol/server-github",
        ),
        ("npx", ["--yes", "--package", "x", "some-mcp@1.2.3", "--flag"], None, "some-mcp"),
        ("cmd", ["/c", "npx", "-y", "@scope/server@latest"], None, "@scope/server"),
        ("C:\\tools\\npx.cmd", ["-y", "pkg"], None, "pkg"),
        ("pnpm", ["dlx", "@a/b@2"], None, "@a/b"),
        ("uvx", ["mcp-server-git==0.6.2", "--repository", "."], None, "mcp-server-git"),
        (
            "uvx",
            [
                "--from",
                "awslabs.aws-documentation-mcp-server@latest",
                "awslabs.aws-documentation-mcp-server",
            ],
            None,
            "awslabs.aws-documentation-mcp-server",
        ),
        ("pipx", ["run", "mcp-server-fetch"], None, "mcp-server-fetch"),
        ("uv", ["tool", "run", "mcp-server-time"], None, "mcp-server-time"),
        (
            "docker",
            [
                "run",
                "-i",
                "--rm",
                "-e",
                "TOKEN",
                "--network=host",
                "ghcr.io/github/github-mcp-server:latest",
            ],
            None,
            "ghcr.io/github/github-mcp-server",
        ),
        ("podman", ["run", "--rm", "-i", "docker.io/mcp/fetch@sha256:abc"], None, "mcp/fetch"),
        (
            "npx -y @modelcontextprotocol/server-memory",
            [],
            None,
            "@modelcontextprotocol/server-memory",
        ),
        ("python", ["-m", "weather_server"], None, "python -m weather_server"),
        ("/opt/bin/my-server", ["--port", "3000"], None, "/opt/bin/my-server --port 3000"),
        (None, [], "https://api.githubcopilot.com/mcp/", "https://api.githubcopilot.com/mcp/"),
    ],
)
def test_sources_in_normal_form(
    command: str | None, args: list[str], url: str | None, expected: str
) -> None:
    assert source(command, args, url) == expected


def test_a_changed_configuration_is_read_by_the_pre_commit_hook(tmp_path: Path, run: Run) -> None:
    """``prodgate discover --changed .vscode/mcp.json`` (what the hook runs on a
    commit): the file is read by its name, as in a whole scan."""
    _write(tmp_path, {".vscode/mcp.json": VSCODE})
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    code, out, _err = run(
        "discover",
        "--format",
        "json",
        "--root",
        str(tmp_path),
        "--changed",
        str(tmp_path / ".vscode/mcp.json"),
    )
    assert code == 1
    assert {(d["line"], d["name"]) for d in json.loads(out)["detections"]} == {
        (7, "github"),
        (12, "git"),
    }


def test_a_link_is_read_as_its_target_and_one_leaving_the_repository_is_not(tmp_path: Path) -> None:
    """A symlinked ``.mcp.json`` inside the repository is its target's servers at the
    link's path; one to a file outside is never read, and is reported."""
    outside = tmp_path / "outside.json"
    outside.write_text(CLAUDE_CODE, encoding="utf-8")
    root = tmp_path / "repo"
    _write(root, {"shared/servers.txt": CLAUDE_CODE})
    (root / "app").mkdir()
    (root / "app/.mcp.json").symlink_to("../shared/servers.txt")
    (root / ".mcp.json").symlink_to(outside)
    found = scan.scan(root, catalogue.build())
    assert {(d.path, d.line, d.name) for d in found.detections if d.kind == "mcp_server"} == {
        ("app/.mcp.json", 3, "github"),
        ("app/.mcp.json", 8, "filesystem"),
        ("app/.mcp.json", 12, "sentry"),
    }
    assert [s.path for s in found.skipped] == [".mcp.json"]


def test_names_and_sources_are_bounded_and_shown_neutralised(tmp_path: Path, run: Run) -> None:
    """A server named with terminal escapes and 10,000 characters is shown cut and
    without its control characters."""
    name = "\u001b[31mevil" + "x" * 10_000
    _write(
        tmp_path,
        {".mcp.json": json.dumps({"mcpServers": {name: {"url": "https://x.example.com/mcp"}}})},
    )
    found = [d for d in scan.scan(tmp_path, catalogue.build()).detections if d.kind == "mcp_server"]
    assert len(found) == 1 and found[0].name is not None and len(found[0].name) == 200
    _code, out, _err = run("discover", str(tmp_path))
    assert "\u001b" not in out and "mcp_server https://x.example.com/mcp" in out


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("ghcr.io/github/github-mcp-server:v0.9.0", "ghcr.io/github/github-mcp-server"),
        ("ghcr.io/github/github-mcp-server", "ghcr.io/github/github-mcp-server"),
        ("docker.io/mcp/fetch:latest", "mcp/fetch"),
        ("@modelcontextprotocol/server-github@2025.4.8", "@modelcontextprotocol/server-github"),
        ("@modelcontextprotocol/server-github", "@modelcontextprotocol/server-github"),
        ("mcp-server-git==0.6.2", "mcp-server-git"),
        ("npx -y @upstash/context7-mcp", "@upstash/context7-mcp"),
        ("https://api.githubcopilot.com/mcp/", "https://api.githubcopilot.com/mcp/"),
    ],
)
def test_a_declared_source_in_the_same_normal_form(written: str, expected: str) -> None:
    from prodgate.discovery.mcp_source import normal

    assert normal(written) == expected


def test_only_the_editors_files_are_read_by_name() -> None:
    """Names that end like one (``tsconfig.json``, ``app/config.yaml``, ``xmcp.json``)
    are read only when they hold a catalogue word, as before; the editors' files
    wherever their folder is."""
    from prodgate.discovery.mcp_config import named

    listed = [
        "tsconfig.json",
        "app/config.yaml",
        "settings.json",
        "xmcp.json",
        "docs/.continue/config.yaml",
        ".mcp.json",
        "a/.vscode/mcp.json",
        ".vscode/settings.json",
        ".continue/mcpServers/db.yaml",
        ".codex/config.toml",
        "opencode.json",
        "cfg/claude_desktop_config.json",
        "notes/mcpServers/x.yaml",
    ]
    assert named(listed) == [
        "docs/.continue/config.yaml",
        ".mcp.json",
        "a/.vscode/mcp.json",
        ".vscode/settings.json",
        ".continue/mcpServers/db.yaml",
        ".codex/config.toml",
        "opencode.json",
        "cfg/claude_desktop_config.json",
    ]
