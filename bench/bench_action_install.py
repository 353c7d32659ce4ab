"""Benchmark: the Action's install-and-run time in the simulated runner, before and after
the hash-checked lock and the environment cache.

Runs action.yml's steps (tests/composite.py: run steps in bash, facts for ``uses:``) on
the shipped failing example, with the action's source copied as a workflow's ``uses:``
downloads it, and times the install steps and the gate step separately:

- before: the action.yml of REV (default: the commit before requirements/action.lock
  was added), which resolves pyproject's version ranges and builds prodgate in pip's
  isolated build on every run;
- after: this checkout's action.yml (the lock with --require-hashes, the build backend
  from the lock, actions/cache keyed by the lock's hash).

Each is timed cold (empty pip cache, fresh RUNNER_TEMP: every file downloaded), with a
warm pip cache (fresh RUNNER_TEMP: what a runner without the environment cache pays
once the files are cached), and for "after" on a cache hit (the environment restored at
its path; actions/cache's own download of the archive is not included). pip reads no
configuration file here (PIP_CONFIG_FILE=/dev/null): its default index, as on a runner.

    python bench/bench_action_install.py             # one run of each
    python bench/bench_action_install.py --reps 3    # medians of 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from composite import CompositeRunner, copy_action  # noqa: E402
from gha import copy_example  # noqa: E402


def _before_lock() -> str:
    added = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=%H", "--", "requirements/action.lock"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout.split()
    return f"{added[-1]}^" if added else "HEAD"


def _action(root: Path, rev: str | None) -> Path:
    action = copy_action(REPO, root / "action")
    if rev is not None:
        old = subprocess.run(["git", "show", f"{rev}:action.yml"], cwd=REPO, capture_output=True, check=True).stdout
        (action / "action.yml").write_bytes(old)
    return action


def _time(runner: CompositeRunner, workspace: Path, env: dict[str, str], hit: bool) -> tuple[float, float]:
    """Seconds for the steps up to the install, then for the rest (the gate)."""
    install = next(i for i, s in enumerate(runner.steps()) if s.get("id") == "install")
    facts = {"actions/cache": {"cache-hit": "true" if hit else "false"}}
    start = time.perf_counter()
    result, ctx = runner.run(workspace, {}, event_name="push", env=env, only=(0, install), facts=facts)
    middle = time.perf_counter()
    if result.code != 0:
        raise SystemExit(f"install failed:\n{result.stderr}")
    gate, _ = runner.run(workspace, {}, event_name="push", env=env, only=(install + 1, len(runner.steps()) - 1),
                         prior=dict(ctx.steps))
    end = time.perf_counter()
    if gate.code not in (0, 1):
        raise SystemExit(f"gate failed to run:\n{gate.stderr}")
    return middle - start, end - middle


def measure(rev: str | None, reps: int) -> dict[str, list[tuple[float, float]]]:
    figures: dict[str, list[tuple[float, float]]] = {"cold": [], "warm pip cache": [], "cache hit": []}
    for _ in range(reps):
        with tempfile.TemporaryDirectory(prefix="bench-action-") as tmp:
            root = Path(tmp)
            action = _action(root, rev)
            workspace = copy_example(root / "ws")
            env = {"PIP_CONFIG_FILE": os.devnull, "PIP_CACHE_DIR": str(root / "pip-cache"), "PIP_FIND_LINKS": ""}
            figures["cold"].append(_time(CompositeRunner(action, root / "temp-cold"), workspace, env, hit=False))
            warm = CompositeRunner(action, root / "temp-warm")
            figures["warm pip cache"].append(_time(warm, workspace, env, hit=False))
            if rev is None:
                figures["cache hit"].append(_time(warm, workspace, env, hit=True))
    return {k: v for k, v in figures.items() if v}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--before", default=None, help="revision whose action.yml is 'before'")
    args = parser.parse_args()
    before = subprocess.run(["git", "rev-parse", "--short", args.before or _before_lock()], cwd=REPO,
                            capture_output=True, text=True, check=True).stdout.strip()
    print(f"{'action.yml':<28} {'case':<16} {'install s':>10} {'gate s':>8} {'total s':>8}")
    for label, rev in ((f"before ({before})", before), ("after (this checkout)", None)):
        for case, runs in measure(rev, args.reps).items():
            install = statistics.median(r[0] for r in runs)
            gate = statistics.median(r[1] for r in runs)
            print(f"{label:<28} {case:<16} {install:>10.2f} {gate:>8.2f} {install + gate:>8.2f}")


if __name__ == "__main__":
    main()
