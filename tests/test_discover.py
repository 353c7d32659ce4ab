"""prodgate discover and the discovery part of prodgate check, end to end on small
repositories (real git checkouts where the file selection depends on git)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from conftest import TODAY, write

APP = """\
import os

import openai


def draft(ticket: str) -> str:
    client = openai.OpenAI(api_key=os.environ["OPENAI_API_KEY"])
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": ticket}])
    return reply.choices[0].message.content
"""


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    return root


def discover_json(run: Any, *argv: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run("discover", "--format", "json", *argv)
    assert out, err
    return code, json.loads(out)


def test_json_shape_sorted_relative_paths(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "services/bot/app.py", APP)
    write(root, "web/chat.ts", 'import Anthropic from "@anthropic-ai/sdk";\n')
    code, report = discover_json(run, str(root))
    assert code == 1
    assert report["detections"] == [
        {"path": "services/bot/app.py", "line": 3, "kind": "import", "signature": "openai",
         "provider": "openai", "model": None, "asset": None},
        {"path": "services/bot/app.py", "line": 7, "kind": "credential", "signature": "openai",
         "provider": "openai", "model": None, "asset": None},
        {"path": "services/bot/app.py", "line": 8, "kind": "model", "signature": "openai",
         "provider": "openai", "model": "gpt-4o-mini", "asset": None},
        {"path": "web/chat.ts", "line": 1, "kind": "import", "signature": "anthropic",
         "provider": "anthropic", "model": None, "asset": None},
    ]
    assert report["summary"]["undeclared"] == 4


def test_detections_are_attributed_to_the_covering_asset(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "services/bot/app.py", APP)
    write(root, "services/bot/ai-asset.yaml", "apiVersion: prodgate/v1\nname: bot\n")
    write(root, "tools/x.py", "import anthropic\n")
    write(root, "ai-asset.yaml", 'apiVersion: prodgate/v1\nname: tools\npaths: ["tools/**"]\n')
    code, report = discover_json(run, str(root))
    assert code == 0
    assert {(d["path"], d["asset"]) for d in report["detections"]} == {
        ("services/bot/app.py", "bot"), ("tools/x.py", "tools"),
    }


def test_check_fails_on_undeclared_import_then_passes_once_declared(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "services/bot/app.py", APP)
    code, out, _ = run("check", str(root), "--today", TODAY, "--format", "json")
    assert code == 1
    report = json.loads(out)
    pg801 = [(f["path"], f["line"]) for f in report["findings"] if f["rule_id"] == "PG801"]
    assert ("services/bot/app.py", 3) in pg801
    first = next(f for f in report["findings"] if f["rule_id"] == "PG801")
    assert "prodgate init --name bot --tier team services/bot" in first["fix"]

    assert run("init", "--name", "bot", "--tier", "team", "--owner", "Ada <ada@example.com>", str(root / "services/bot"))[0] == 0
    code, out, _ = run("check", str(root), "--today", TODAY, "--format", "json")
    report = json.loads(out)
    assert code == 0, report["findings"]
    assert {f["rule_id"] for f in report["findings"]} == {"PG802"}  # openai and gpt-4o-mini undeclared in models:


def test_no_discover_and_policy_switch(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "app.py", "import openai\n")
    assert run("check", str(root), "--no-discover")[0] == 0
    policy = write(tmp_path, "policy.yaml", "apiVersion: prodgate/policy/v1\nextends: builtin\nname: p\ndiscovery: {enabled: false}\n")
    assert run("check", str(root), "--policy", str(policy))[0] == 0
    assert run("check", str(root))[0] == 1
