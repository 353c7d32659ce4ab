"""Benchmark: what a second path saves, in a figure a user sees.

A second path (a fast way beside a precise one) stays only where it saves at least a
fifth of a figure a user waits for. This script times one such figure with two source
trees of prodgate, the checkout's ``src`` (with the path) and ``--without SRC`` (a copy
with it taken out, e.g. ``git worktree add`` of the commit before its removal, or a
copy with the fast function made to decline), interleaved: with, without, with, ...
so that a shared machine's load slows both alike. Each run is a fresh process, as a
user's is, with ``PYTHONPATH`` naming the tree. Prints the median wall and CPU time of
each and the share of the figure the second path saves.

Figures (the inputs are those of the other benchmarks here):

- ``precommit``: the ``prodgate-check`` hook's command on the one asset of a
  repository made by ``bench_check.generate`` (``check --changed -- FILES``);
- ``precommit-discover``: the ``prodgate-discover`` hook's command on those files and
  a Python module that uses AI (``bench_discover.AI_PY``); ``discover-code``: the same
  hook on that module alone, in a repository with no declaration;
- ``validate``: the ``prodgate-validate`` hook's command on that declaration;
- ``check``: ``check`` of 1,000 assets (``bench_check.generate``); ``--format json``
  with ``--json``;
- ``discover``: ``discover --format json`` on ``bench_discover.generate``'s 20,000
  files and on a copy of this environment's site-packages;
- ``register``: ``register add`` of 10,000 inventories (``registerdocs.write_many``)
  into a fresh SQLite register each run.

    python bench/bench_paths.py --without /tmp/without/src check precommit
    python bench/bench_paths.py --without /tmp/without/src --reps 5 discover
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAVES = 0.2
"""The share of a figure a second path must save to stay."""

Setup = Callable[[Path], list[tuple[str, list[str], Path, Callable[[], None]]]]


_MAIN = "import sys; del sys.path[0]; from prodgate.cli import main; sys.exit(main())"
"""What the console script runs. Not ``python -m prodgate``: that puts the working
directory first on the module path, and a tree holding ``re2/`` or ``yaml/`` (a copy of
site-packages) would be imported in place of the installed packages."""


def _python(src: Path, argv: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall and CPU time and exit code of ``prodgate ARGV`` with ``src`` first on the path."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MAIN, *argv], cwd=cwd, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"prodgate {' '.join(argv[:3])} with {src} exited {done.returncode}: {done.stderr.decode()[-600:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.returncode


def _nothing() -> None:
    return None


def _assets(tmp: Path, count: int, *, git: bool) -> Path:
    sys.path.insert(0, str(REPO / "bench"))
    from bench_check import _commit, generate

    root = tmp / f"assets-{count}"
    root.mkdir()
    generate(root, count)
    if git:
        _commit(root)
    return root


def precommit(tmp: Path) -> list[tuple[str, list[str], Path, Callable[[], None]]]:
    root = _assets(tmp, 1, git=True)
    files = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    return [("pre-commit prodgate-check, 1 asset", ["check", "--changed", "--format=text", "--", *files], root, _nothing)]


def precommit_discover(tmp: Path) -> list[tuple[str, list[str], Path, Callable[[], None]]]:
    sys.path.insert(0, str(REPO / "bench"))
    from bench_check import _commit
    from bench_discover import AI_PY

    root = _assets(tmp, 1, git=False)
    (root / "app.py").write_text(AI_PY.format(n=1), encoding="utf-8")  # a source file the hook reads
    _commit(root)
    files = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    return [("pre-commit prodgate-discover, 1 asset", ["discover", "--changed", "--format=text", "--", *files], root,
             _nothing)]


def discover_code(tmp: Path) -> list[tuple[str, list[str], Path, Callable[[], None]]]:
    sys.path.insert(0, str(REPO / "bench"))
    from bench_check import _commit
    from bench_discover import AI_PY

    root = tmp / "code"
    root.mkdir()
    (root / "app.py").write_text(AI_PY.format(n=1), encoding="utf-8")
    _commit(root)
    return [("pre-commit prodgate-discover, 1 Python file, no declaration",
             ["discover", "--changed", "--format=text", "--", "app.py"], root, _nothing)]


def validate(tmp: Path) -> list[tuple[str, list[str], Path, Callable[[], None]]]:
    root = _assets(tmp, 1, git=False)
    return [("pre-commit prodgate-validate, 1 file", ["validate", "--", *map(str, root.rglob("ai-asset.yaml"))], root,
             _nothing)]


def check(tmp: Path, fmt: str = "text") -> list[tuple[str, list[str], Path, Callable[[], None]]]:
    root = _assets(tmp, 1000, git=False)
    argv = ["check", ".", "--root", ".", "--today", "2026-11-22", "--gate", "deploy", "--no-color", "--format", fmt]
    return [(f"check of 1,000 assets, --format {fmt}", argv, root, _nothing)]


def check_json(tmp: Path) -> list[tuple[str, list[str], Path, Callable[[], None]]]:
    return check(tmp, "json")


def discover(tmp: Path) -> list[tuple[str, list[str], Path, Callable[[], None]]]:
    import sysconfig

    sys.path.insert(0, str(REPO / "bench"))
    from bench_discover import copy_real, generate

    generated = tmp / "generated"
    generate(generated, 20_000)
    real = tmp / "real"
    real.mkdir()
    copied = copy_real(Path(sysconfig.get_paths()["purelib"]), real)
    argv = ["discover", "--format", "json", "."]
    return [("discover, generated monorepo of 20,000 files", argv, generated, _nothing),
            (f"discover, site-packages ({copied:,} files)", argv, real, _nothing)]


def register(tmp: Path) -> list[tuple[str, list[str], Path, Callable[[], None]]]:
    sys.path.insert(0, str(REPO / "tests"))
    import registerdocs

    registerdocs.write_many(tmp / "docs", 10_000, assets_per_repo=5, days=1)
    db = tmp / "register.sqlite"

    def fresh() -> None:
        for path in tmp.glob("register.sqlite*"):
            path.unlink()

    return [("register add of 10,000 inventories (SQLite)", ["register", "--db", str(db), "add", str(tmp / "docs")], tmp,
             fresh)]


FIGURES: dict[str, Setup] = {
    "precommit": precommit, "precommit-discover": precommit_discover, "discover-code": discover_code,
    "validate": validate, "check": check, "check-json": check_json,
    "discover": discover, "register": register,
}


@contextmanager
def _folder() -> Iterator[Path]:
    tmp = Path(tempfile.mkdtemp(prefix="prodgate-bench-paths-"))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("figures", nargs="+", choices=sorted(FIGURES))
    parser.add_argument("--without", type=Path, required=True, help="the src folder of a tree without the second path")
    parser.add_argument("--with", dest="with_", type=Path, default=REPO / "src", help="the src folder with it (this one)")
    parser.add_argument("--reps", type=int, default=3, help="interleaved pairs (median)")
    args = parser.parse_args()
    trees = {"with": args.with_.resolve(), "without": args.without.resolve()}
    for src in trees.values():  # bytecode once, as an install has it
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True, stdout=subprocess.DEVNULL)
    print(f"with: {trees['with']}\nwithout: {trees['without']}\n{args.reps} interleaved pairs, medians", flush=True)
    for figure in args.figures:
        with _folder() as tmp:
            for label, argv, cwd, before in FIGURES[figure](tmp):
                wall: dict[str, list[float]] = {name: [] for name in trees}
                cpu: dict[str, list[float]] = {name: [] for name in trees}
                codes: dict[str, set[int]] = {name: set() for name in trees}
                for src in trees.values():  # warm the page cache; not measured
                    before()
                    _python(src, argv, cwd)
                for _ in range(args.reps):
                    for name, src in trees.items():
                        before()
                        w, c, rc = _python(src, argv, cwd)
                        wall[name].append(w)
                        cpu[name].append(c)
                        codes[name].add(rc)
                med = {name: statistics.median(v) for name, v in wall.items()}
                cpu_med = {name: statistics.median(v) for name, v in cpu.items()}
                saved = 1 - med["with"] / med["without"]
                verdict = "pays" if saved >= SAVES else "does not pay"
                print(f"\n{label}\n  with    {med['with']:8.3f} s  (cpu {cpu_med['with']:.3f} s)  exit {sorted(codes['with'])}"
                      f"\n  without {med['without']:8.3f} s  (cpu {cpu_med['without']:.3f} s)  exit {sorted(codes['without'])}"
                      f"\n  saves {saved:6.1%} of the figure (cpu {1 - cpu_med['with'] / cpu_med['without']:6.1%}): "
                      f"{verdict} (>= {SAVES:.0%})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
