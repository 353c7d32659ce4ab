"""The Action's own supply chain: its dependencies come only from requirements/action.lock,
each file checked against the sha256 the lock pins, and its environment is cached under
a key that changes with the lock, the Python and the action's source.

The refusal is shown with a package index of one wheel in a folder (pip's --no-index and
--find-links, offline): the lock pins the wheel that was built, the folder serves another
with the same name, as a compromised index or mirror would.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tomllib
import zipfile
from pathlib import Path

from composite import CompositeRunner, copy_action

from conftest import REPO

LOCK = REPO / "requirements" / "action.lock"
PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+) \\$")


def _wheel(folder: Path, value: str) -> Path:
    """A pure-Python wheel of tinydep 1.0 whose module holds ``value``: the same value
    gives the same bytes (fixed timestamps)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "tinydep-1.0-py3-none-any.whl"
    files = {
        "tinydep/__init__.py": f"VALUE = {value!r}\n",
        "tinydep-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: tinydep\nVersion: 1.0\n",
        "tinydep-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{name},,\n" for name in files) + "tinydep-1.0.dist-info/RECORD,,\n"
    with zipfile.ZipFile(path, "w") as zf:
        for name, body in {**files, "tinydep-1.0.dist-info/RECORD": record}.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), body)
    return path


def _steps_to_install(runner: CompositeRunner) -> int:
    return next(i for i, s in enumerate(runner.steps()) if s.get("id") == "install")


def _installed(venv: Path) -> set[str]:
    return {p.name.split("-")[0].lower() for p in venv.glob("lib/python*/site-packages/*.dist-info")}


def test_install_refuses_a_dependency_whose_hash_differs_from_the_lock(tmp_path: Path) -> None:
    action = copy_action(REPO, tmp_path / "action")
    locked = _wheel(tmp_path / "built", "locked")
    digest = hashlib.sha256(locked.read_bytes()).hexdigest()
    (action / "requirements" / "action.lock").write_text(
        f"tinydep==1.0 \\\n    --hash=sha256:{digest}\n", encoding="utf-8"
    )
    index = tmp_path / "index"
    swapped = _wheel(index, "swapped")
    env = {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(index)}
    workspace = tmp_path / "ws"
    workspace.mkdir()

    runner = CompositeRunner(action, tmp_path / "runner-temp")
    last = _steps_to_install(runner)
    result, _ = runner.run(workspace, {}, only=(0, last), env=env)
    install = result.steps[last]
    assert install.id == "install" and install.code != 0
    assert "THESE PACKAGES DO NOT MATCH THE HASHES" in install.stderr
    assert digest in install.stderr and hashlib.sha256(swapped.read_bytes()).hexdigest() in install.stderr
    venv = runner.runner_temp / "prodgate-venv"
    assert not _installed(venv) & {"tinydep", "prodgate"}, "something installed before the refusal"

    # The wheel the lock names passes the same check (prodgate's own build then needs
    # the locked setuptools, which this one-wheel index does not have).
    _wheel(index, "locked")
    runner = CompositeRunner(action, tmp_path / "runner-temp-2")
    result, _ = runner.run(workspace, {}, only=(0, last), env=env)
    assert "DO NOT MATCH THE HASHES" not in result.steps[last].stderr
    assert "tinydep" in _installed(runner.runner_temp / "prodgate-venv")


def test_the_lock_pins_every_runtime_dependency_and_the_build_backend_with_hashes() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    lines = LOCK.read_text(encoding="utf-8").splitlines()
    pinned: dict[str, int] = {}
    current = ""
    for line in lines:
        m = PIN.match(line)
        if m:
            current = re.sub(r"[-_.]+", "-", m.group(1)).lower()
            pinned[current] = 0
        elif line.strip().startswith("--hash=sha256:"):
            pinned[current] += 1
    assert pinned and all(count >= 1 for count in pinned.values()), pinned

    def name(requirement: str) -> str:
        return re.sub(r"[-_.]+", "-", re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]).lower()

    assert {name(r) for r in project["project"]["dependencies"]} <= set(pinned)
    build = [
        line for line in (REPO / "requirements" / "action-build.in").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert build == project["build-system"]["requires"]
    assert {name(r) for r in build} <= set(pinned)


def _key(action: Path, tmp_path: Path) -> tuple[str, dict[str, str]]:
    runner = CompositeRunner(action, tmp_path / "runner-temp")
    steps = runner.steps()
    key_step = next(i for i, s in enumerate(steps) if s.get("id") == "env-key")
    cache = next(i for i, s in enumerate(steps) if s.get("id") == "cache")
    workspace = tmp_path / "ws"
    workspace.mkdir(exist_ok=True)
    result, ctx = runner.run(workspace, {}, only=(0, cache))
    assert result.code == 0, result.stderr
    key = result.steps[key_step].outputs["key"]
    return key, ctx.steps["cache"]["with"]  # type: ignore[return-value]


def test_the_cache_key_follows_the_lock_the_python_and_the_source(tmp_path: Path) -> None:
    action = copy_action(REPO, tmp_path / "action")
    key, with_ = _key(action, tmp_path)
    assert with_ == {"path": str(tmp_path / "runner-temp" / "prodgate-venv"), "key": key}
    lock_hash = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    assert f"-lock-{lock_hash[:20]}-" in key
    assert f"{sys.implementation.name}{sys.version.split()[0]}" in key
    assert key == _key(action, tmp_path)[0], "the key is not stable"

    lock = action / "requirements" / "action.lock"
    lock.write_text(lock.read_text(encoding="utf-8").replace("==", "===", 1), encoding="utf-8")
    relocked = _key(action, tmp_path)[0]
    assert relocked != key and f"-lock-{lock_hash[:20]}-" not in relocked

    (action / "src" / "prodgate" / "extra.py").write_text("", encoding="utf-8")
    assert _key(action, tmp_path)[0] not in (key, relocked)
