"""The supported Pythons: 3.11 and newer. An older interpreter gets one clear line from
each way in (pip, a checkout on PYTHONPATH, the Action), never a traceback or a crash.

The older interpreter is a real one from this machine (pyenv's versions, or a
``python3.N`` on PATH); the machines this project runs on ship several.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from composite import CompositeRunner
from gha import commands

from conftest import REPO

SUPPORTED = (3, 11)


def _version(python: str) -> tuple[int, int] | None:
    proc = subprocess.run(
        [python, "-c", "import sys; print(*sys.version_info[:2])"],
        capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        return None
    major, minor = proc.stdout.split()
    return int(major), int(minor)


def _interpreters() -> list[str]:
    found: list[str] = []
    root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=False).stdout.strip() \
        if any((Path(p) / "pyenv").exists() for p in os.environ.get("PATH", "").split(os.pathsep)) else ""
    for base in filter(None, [root, os.path.expanduser("~/.pyenv")]):
        found += sorted(str(p) for p in Path(base).glob("versions/*/bin/python3"))
    for minor in range(8, 11):
        for folder in ("/usr/bin", "/usr/local/bin"):
            candidate = Path(folder) / f"python3.{minor}"
            if candidate.exists():
                found.append(str(candidate))
    return found


@pytest.fixture(scope="module")
def older_python() -> str:
    """A real Python older than the supported range (3.8 to 3.10: old enough to be
    refused, new enough for a pip that reads ``Requires-Python``)."""
    for python in _interpreters():
        version = _version(python)
        if version is not None and (3, 8) <= version < SUPPORTED:
            return python
    pytest.fail("no Python from 3.8 to 3.10 on this machine (pyenv install 3.10 gives one)")


def test_pip_refuses_an_older_python_in_one_line(older_python: str, tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        check=True, capture_output=True, text=True,
    )
    wheel = next(wheels.glob("prodgate-*.whl"))
    proc = subprocess.run(
        [older_python, "-m", "pip", "install", "--no-deps", "--no-index", "--disable-pip-version-check",
         "--target", str(tmp_path / "target"), str(wheel)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode != 0
    assert "requires a different Python" in proc.stderr and ">=3.11" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_checkout_run_by_an_older_python_says_so_in_one_line(older_python: str) -> None:
    proc = subprocess.run(
        [older_python, "-m", "prodgate", "check", "examples/team-sandbox-passing"],
        capture_output=True, text=True, check=False, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO / "src"), "GITHUB_ACTIONS": ""},
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("prodgate: needs Python 3.11 or newer; ")
    assert f"is Python {'.'.join(map(str, _version(older_python) or ()))}" in lines[0]


def test_the_action_refuses_an_older_python_before_installing(older_python: str, tmp_path: Path) -> None:
    runner = CompositeRunner(REPO, tmp_path / "runner-temp")
    steps = runner.steps()
    install = next(i for i, s in enumerate(steps) if s.get("id") == "install")
    setup = next(s for s in steps[:install] if "setup-python" in s.get("uses", ""))
    workspace = tmp_path / "ws"
    workspace.mkdir()
    result, _ctx = runner.run(
        workspace, {"python-version": "3.10"}, only=(install, install),
        prior={setup["id"]: {"outputs": {"python-path": older_python}}},
    )
    assert result.code == 2
    version = subprocess.run(
        [older_python, "-c", "import platform; print(platform.python_version())"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert [(name, data) for name, _props, data in commands(result.log)] == [(
        "error",
        f"prodgate needs Python 3.11 or newer, and python-version gave Python {version}; "
        "set python-version to 3.11 or newer (the default is 3.12)",
    )]
    assert not (tmp_path / "runner-temp" / "prodgate-venv").exists()


def test_scripts_pythons_lists_only_supported_interpreters() -> None:
    proc = subprocess.run(["bash", str(REPO / "scripts" / "pythons")], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    listed = proc.stdout.splitlines()
    assert 1 <= len(listed) <= 2
    versions = [_version(p) for p in listed]
    assert all(v is not None and v >= SUPPORTED for v in versions), versions
    assert versions == sorted(versions)  # type: ignore[type-var]
