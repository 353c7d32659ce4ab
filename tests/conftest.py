"""Shared helpers: build tiny repositories in tmp_path and run ``main([...])``."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from prodgate.cli import main

REPO = Path(__file__).resolve().parents[1]
# Files other projects wrote (tests/data/README.md says where each came from). The tests
# read nothing outside the repository.
DATA = REPO / "tests" / "data"
SARIF_SCHEMA = DATA / "sarif" / "sarif-schema-2.1.0.json"
TODAY = "2026-11-22"

FILLED_MODEL_CARD = """\
# Model card

## Intended use

Drafts replies for support agents, who review every draft.

## Limitations

English only.

## Evaluation

Graded on 200 historical tickets.

## Ethical considerations

Tone is checked across customer segments.
"""

TEAM_SANDBOX = """\
apiVersion: prodgate/v1
name: notes-summariser
tier: team
stage: sandbox
owner:
  name: Ada Lovelace
  email: ada@example.com
"""


@pytest.fixture(autouse=True)
def _own_policy_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Verified policy copies go to a folder of the test's own, never the user's cache
    (a copy left by one test would stand in for another's unreachable server)."""
    monkeypatch.delenv("RUNNER_TOOL_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


def write(root: Path, rel: str, text: str) -> Path:
    """Write ``text`` (dedented) at ``root/rel``, creating folders."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty repository root (marked by a .git folder, no git process needed)."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    return root


@pytest.fixture
def committed_repo(tmp_path: Path) -> Path:
    """A git checkout with one empty commit, for declarations with evals: the history
    their freshness is judged by exists (a ``.git`` folder alone is no history, PG317),
    and results written after it are new, not yet committed."""
    from gitrepo import commit, init

    root = init(tmp_path / "repo")
    commit(root, "start")
    return root


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run the CLI in-process: returns (exit code, stdout, stderr)."""

    def _run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def check_json(run: Callable[..., tuple[int, str, str]]) -> Callable[..., tuple[int, dict[str, Any]]]:
    """Run ``prodgate check --format json --today TODAY`` and parse the report."""

    def _check(*argv: str) -> tuple[int, dict[str, Any]]:
        code, out, err = run("check", "--format", "json", "--today", TODAY, *argv)
        assert out, err
        return code, json.loads(out)

    return _check


def ids_at(report: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(rule id, path, line) of every unwaived finding, in report order."""
    return [(f["rule_id"], f["path"], f["line"]) for f in report["findings"] if not f["waived_by"]]


@pytest.fixture(scope="session")
def pg_dsn() -> Iterator[str]:
    """A real PostgreSQL server for the register's tests (:mod:`pgserver`), one for
    the session; failing, not skipping, with how to get one when there is none."""
    import subprocess

    import psycopg

    import pgserver

    try:
        with pgserver.server() as dsn:
            yield dsn
    except (RuntimeError, subprocess.CalledProcessError, psycopg.Error) as exc:
        pytest.fail(f"{pgserver.HOW} ({exc})")


@pytest.fixture
def pg_url(pg_dsn: str) -> Iterator[str]:
    """A schema of its own on that server, for one test, as a ``--db`` URL."""
    import pgserver

    with pgserver.schema(pg_dsn) as url:
        yield url
