"""PG801's fix, followed literally: one ``prodgate init`` per folder with undeclared AI
use, each named after its folder and unique in the report and the repository, so that
running the commands as written declares everything and creates no duplicate (PG105)."""

from __future__ import annotations

import re
import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from prodgate.discovery.suggest import names

from conftest import write

ROUTE = 'import OpenAI from "openai";\n\nexport const client = new OpenAI();\n'
INIT = re.compile(r"`(prodgate init --name [^`]+)`")


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout of ``acme/shop`` (its origin remote) with two ``finance`` folders and
    a root ``.env.example``, each using AI."""
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    root = tmp_path / "checkout"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "remote", "add", "origin", "https://github.com/acme/shop.git")
    write(root, "app/api/finance/route.ts", ROUTE)
    write(root, "lib/finance/route.ts", ROUTE)
    write(root, ".env.example", "OPENAI_API_KEY=\n")
    write(root, "package.json", '{"name": "shop", "dependencies": {"openai": "^4.0.0"}}\n')
    return root


def commands(report: dict[str, Any]) -> list[str]:
    """The distinct ``prodgate init`` commands of the report's PG801 fixes, in order."""
    found = [m.group(1) for f in report["findings"] if f["rule_id"] == "PG801" for m in INIT.finditer(f["fix"] or "")]
    return list(dict.fromkeys(found))


def test_suggestions_are_one_per_folder_named_after_it_and_unique(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, check_json: Callable[..., tuple[int, dict[str, Any]]]
) -> None:
    root = repository(tmp_path, monkeypatch)
    code, report = check_json(str(root))
    assert code == 1
    assert commands(report) == [
        "prodgate init --name shop --tier team .",
        "prodgate init --name api-finance --tier team app/api/finance",
        "prodgate init --name lib-finance --tier team lib/finance",
    ]


def test_following_the_suggestions_literally_declares_everything_without_duplicates(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run: Callable[..., tuple[int, str, str]],
    check_json: Callable[..., tuple[int, dict[str, Any]]],
) -> None:
    root = repository(tmp_path, monkeypatch)
    _code, report = check_json(str(root))
    monkeypatch.chdir(root)
    for command in commands(report):
        code, out, err = run(*shlex.split(command)[1:])
        assert code == 0, f"{command}: {out}{err}"
    _code, after = check_json(".")
    rules = {f["rule_id"] for f in after["findings"]}
    assert "PG105" not in rules and "PG801" not in rules, sorted(rules)
    assert {a["name"] for a in after["assets"]} == {"shop", "api-finance", "lib-finance"}


def test_names_already_declared_are_not_suggested_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, check_json: Callable[..., tuple[int, dict[str, Any]]]
) -> None:
    """A declared ``finance`` elsewhere: the undeclared ``lib/finance`` is not told to
    take its name; a folder whose declaration leaves the file out of ``paths:`` is told
    to widen them, not to run ``init`` where it would refuse."""
    root = repository(tmp_path, monkeypatch)
    write(root, "app/api/finance/ai-asset.yaml", "apiVersion: prodgate/v1\nname: finance\npaths: [other.ts]\n")
    _code, report = check_json(str(root))
    assert commands(report) == [
        "prodgate init --name shop --tier team .",
        "prodgate init --name lib-finance --tier team lib/finance",
    ]
    [fix] = {f["fix"] for f in report["findings"] if f["rule_id"] == "PG801" and f["path"] == "app/api/finance/route.ts"}
    assert fix.startswith("Add the file to `paths:` in app/api/finance/ai-asset.yaml")


def test_names_lengthen_until_unique_then_count() -> None:
    taken = {"bot"}
    got = names(["a/x/bot", "b/x/bot", "c/bot", "A X/bot", "a-x/bot", "."], taken, lambda: "acme/My Repo")
    assert got == {
        ".": "my-repo",
        "A X/bot": "a-x-bot",
        "a-x/bot": "a-x-bot-2",
        "a/x/bot": "a-x-bot-3",
        "b/x/bot": "b-x-bot",
        "c/bot": "c-bot",
    }
    assert all(re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", n) for n in got.values())


def test_long_paths_give_names_init_accepts() -> None:
    deep = "/".join(["segment-of-a-long-path"] * 6)
    got = names([f"x/{deep}", f"y/{deep}"], set(), lambda: "")
    assert len(set(got.values())) == 2
    assert all(re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", n) for n in got.values()), got
