"""Time the ``prodgate-validate`` hook's command against check-jsonschema on one file.

Both commands run as the hook runs them: a fresh process per file, so the figure is
start-up plus validation, which is what a developer waits for on each commit. Runs are
interleaved (prodgate, check-jsonschema, prodgate, ...) so that a noisy machine slows
both alike, and the medians are compared. The target is for prodgate to take at most
0.6 times check-jsonschema's wall time; the exit code is 1 when it is missed.

    python bench/bench_validate.py [--runs N] [FILE]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_check import bytecode_note

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FILE = REPO / "examples" / "departmental-pilot-failing" / "ai-asset.yaml"
SCHEMA = REPO / "schema" / "ai-asset.schema.json"
TARGET_RATIO = 0.6


def _tool(name: str) -> str:
    """The tool installed beside this interpreter (the project's venv), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        sys.exit(f"bench: {name} is not installed (pip install -e '.[dev]')")
    return found


def _once(cmd: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system of the child): on a shared machine the
    wall time swings with the load, the CPU time much less, so both are printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} exited {done.returncode}; the file must be valid")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE), help="a valid ai-asset.yaml")
    parser.add_argument("--runs", type=int, default=40, help="repetitions of each command")
    parser.add_argument(
        "--check-jsonschema", metavar="PATH", default=None,
        help="the check-jsonschema to compare with (default: the one beside this Python); see README",
    )
    args = parser.parse_args()
    commands = {
        "prodgate validate": [_tool("prodgate"), "validate", args.file],
        "check-jsonschema": [args.check_jsonschema or _tool("check-jsonschema"), "--schemafile", str(SCHEMA), args.file],
    }
    for cmd in commands.values():  # warm the file cache and bytecode; not measured
        _once(cmd)
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            wall, used = _once(cmd)
            times[name].append(wall)
            cpu[name].append(used)
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    cpu_medians = {name: statistics.median(ts) for name, ts in cpu.items()}
    note = bytecode_note()
    if note:
        print(note)
    print(f"file: {args.file}  runs: {args.runs} each, interleaved")
    for name, ts in times.items():
        print(
            f"{name:<18} median {medians[name] * 1000:7.1f} ms   min {min(ts) * 1000:7.1f} ms"
            f"   cpu median {cpu_medians[name] * 1000:7.1f} ms"
        )
    ratio = medians["prodgate validate"] / medians["check-jsonschema"]
    cpu_ratio = cpu_medians["prodgate validate"] / cpu_medians["check-jsonschema"]
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    print(f"ratio prodgate / check-jsonschema: {ratio:.3f} (target <= {TARGET_RATIO}: {verdict}); cpu time {cpu_ratio:.3f}")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
