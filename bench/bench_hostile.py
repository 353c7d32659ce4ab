"""Time ``prodgate check`` on the worst input of each stall class, at the size limits.

A pull request's author writes every file the gate reads; before the matchers were made
linear, 80 KB of ``{{`` held the gate 18 s, 50,000 heading lines 35-48 s, a policy
regex ``^(a|aa)+$`` 15 s, and globs with many ``**`` hung it. Each case below builds a
repository in a temporary folder holding one such input at the largest size prodgate
accepts (2 MB artifacts, 64 KB declarations, 512 KB CODEOWNERS), runs the whole gate
in a fresh process, and prints the median wall time next to the same gate on a clean
repository (the start-up and policy cost every run pays), with the median CPU time
(user + system), which swings far less on a shared machine. Target: no case above 1 s
of wall time; the exit code is 1 when one is.

    python bench/bench_hostile.py [--reps N] [--only NAME[,NAME]]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BIN = Path(sys.executable).parent
TARGET_SECONDS = 1.0
TODAY = "2026-11-22"
ARTIFACT_LIMIT = 2 * 1024 * 1024
DECLARATION_LIMIT = 64 * 1024
CODEOWNERS_LIMIT = 512 * 1024

ASSET = """\
apiVersion: prodgate/v1
name: hostile
tier: team
stage: pilot
owner:
  name: Ada Lovelace
  email: ada@example.com
  github: "@ada"
artifacts:
  model_card: card.md
"""
CARD_HEAD = "# Model card\n\n## Intended use\n\nDrafts replies.\n\n"
POLICY = """\
extends: builtin
apiVersion: prodgate/policy/v1
name: hostile
placeholders:
  - regex: '^(a|aa)+$'
    label: a-run
"""


def _fill(unit: str, limit: int, head: str = CARD_HEAD) -> str:
    return head + unit * ((limit - len(head) - 64) // len(unit))


def _artifact(body: str) -> Callable[[Path], list[str]]:
    def build(root: Path) -> list[str]:
        (root / "ai-asset.yaml").write_text(ASSET, encoding="utf-8")
        (root / "card.md").write_text(body, encoding="utf-8")
        return []

    return build


def _policy_regex(root: Path) -> list[str]:
    _artifact(_fill("a" * 100_000 + "b\n", ARTIFACT_LIMIT))(root)
    (root / "policy.yaml").write_text(POLICY, encoding="utf-8")
    return ["--policy", str(root / "policy.yaml")]


def _deep(root: Path, depth: int = 200) -> str:
    deep = "/".join(["a"] * depth)
    (root / "lib" / deep).mkdir(parents=True)
    (root / "lib" / deep / "x.py").write_text("x = 1\n", encoding="utf-8")
    return deep


def _star_globs() -> list[str]:
    many = "/".join(["**/a"] * 200)[:1000] + "/zz"
    stars = "*a" * 500 + "*b"
    return [f"../lib/{many}", f"../lib/{stars}"]


def _changed_globs(root: Path) -> list[str]:
    """``--changed`` over declarations whose ``paths:`` are globs of many ``**``."""
    deep = _deep(root)
    per_glob = sum(len(g) + 6 for g in _star_globs())
    count = (DECLARATION_LIMIT - len(ASSET) - 200) // per_glob
    paths = "".join(f"  - '{g}'\n" for _ in range(count) for g in _star_globs())
    (root / "svc").mkdir()
    (root / "svc" / "ai-asset.yaml").write_text(ASSET.replace("stage: pilot", "stage: sandbox").replace("artifacts:\n  model_card: card.md\n", "") + "paths:\n" + paths, encoding="utf-8")
    return ["--changed", str(root / "lib" / deep / "x.py")]


def _codeowners(root: Path) -> list[str]:
    """CODEOWNERS of many-``**`` patterns, matched for the asset's files."""
    _deep(root)
    (root / "ai-asset.yaml").write_text(ASSET.replace("stage: pilot", "stage: sandbox").replace("artifacts:\n  model_card: card.md\n", "") + "paths: [lib]\n", encoding="utf-8")
    line = "/".join(["**"] * 200) + "/zz @org/team\n"
    (root / ".github").mkdir()
    (root / ".github" / "CODEOWNERS").write_text(line * (CODEOWNERS_LIMIT // len(line) - 1), encoding="utf-8")
    return []


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def _freshness_globs(root: Path) -> list[str]:
    """Eval ``inputs:`` of many ``**`` judged against a history with deep paths."""
    deep = _deep(root, 60)
    results = {"format": "prodgate/eval/v1", "metrics": {"pass_rate": 0.95}}
    (root / "r.json").write_text(json.dumps(results), encoding="utf-8")
    inputs = "".join(f"      - '{g}'\n" for g in _star_globs())
    (root / "ai-asset.yaml").write_text(ASSET.replace("stage: pilot", "stage: sandbox").replace("artifacts:\n  model_card: card.md\n", "") + f"evals:\n  - name: q\n    results: r.json\n    inputs:\n{inputs}", encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=b", "-c", "user.email=b@example.com", "commit", "-qm", "results")
    (root / "lib" / deep / "x.py").write_text("x = 2\n", encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=b", "-c", "user.email=b@example.com", "commit", "-qm", "input")
    return []


def _eval_references(count: int | None, limit: int = DECLARATION_LIMIT) -> Callable[[Path], list[str]]:
    """``count`` evals (None: as many as fit in ``limit`` bytes) naming one results file."""

    def build(root: Path) -> list[str]:
        rows = [{"success": i % 10 != 0, "score": 1, "provider": {"id": "openai:gpt-4o-mini"}} for i in range(20_000)]
        body = {"results": {"version": 3, "results": rows, "stats": {"successes": 18_000, "failures": 2_000}}}
        (root / "r.json").write_text(json.dumps(body), encoding="utf-8")
        entry = "  - name: e{i}\n    results: r.json\n"
        head = ASSET.replace("stage: pilot", "stage: sandbox").replace("artifacts:\n  model_card: card.md\n", "") + "evals:\n"
        n = count if count is not None else (limit - len(head) - 64) // len(entry.format(i=99_999))
        (root / "ai-asset.yaml").write_text(head + "".join(entry.format(i=i) for i in range(n)), encoding="utf-8")
        return []

    return build


def _dashes(root: Path) -> list[str]:
    (root / "ai-asset.yaml").write_text(ASSET + "models:\n" + "- " * ((DECLARATION_LIMIT - len(ASSET) - 64) // 2) + "\n", encoding="utf-8")
    return []


CASES: dict[str, tuple[str, Callable[[Path], list[str]]]] = {
    "braces": ("2 MB artifact of '{{'", _artifact(_fill("{{", ARTIFACT_LIMIT) + "}}")),
    "comments": ("2 MB artifact of 'x<!--'", _artifact(_fill("x<!--", ARTIFACT_LIMIT))),
    "heading-spaces": ("heading line of 2 MB of spaces", _artifact(CARD_HEAD + "# x" + " " * (ARTIFACT_LIMIT - 200) + "y\n")),
    "heading-lines": ("2 MB of '## a' lines (419,000 headings)", _artifact(_fill("## a\n", ARTIFACT_LIMIT))),
    "nested-headings": ("2 MB of headings of every level", _artifact(_fill("".join("#" * (i + 1) + " Intended use\n" for i in range(6)), ARTIFACT_LIMIT))),
    "placeholder-lines": ("2 MB with a placeholder on every line", _artifact(_fill("{{x}} TODO\n", ARTIFACT_LIMIT))),
    "policy-regex": ("policy regex ^(a|aa)+$ on 2 MB of a-runs", _policy_regex),
    "changed-globs": ("--changed: 64 KB of many-** globs, 200-deep path", _changed_globs),
    "codeowners": ("512 KB CODEOWNERS of many-** patterns", _codeowners),
    "freshness-globs": ("eval inputs of many-** globs over git history", _freshness_globs),
    "eval-refs-1000": ("1,000 evals naming one 1 MB results file", _eval_references(1000)),
    "eval-refs-max": ("64 KB of evals naming one 1 MB results file", _eval_references(None)),
    "eval-refs-over": ("256 KB of evals (over the limit), one 1 MB results file", _eval_references(None, 4 * DECLARATION_LIMIT)),
    "yaml-dashes": ("64 KB declaration line of '- '", _dashes),
}


def _once(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"bench: {' '.join(cmd[:4])} ... exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _median(root: Path, extra: list[str], reps: int) -> tuple[float, float]:
    """Median wall and CPU seconds: the CPU time swings far less on a shared machine."""
    cmd = [str(BIN / "prodgate"), "check", "--today", TODAY, "--format", "json", *extra]
    if "--changed" not in extra:
        cmd.append(str(root))
    _once(cmd)  # warm the file cache; not measured
    runs = [_once(cmd) for _ in range(reps)]
    return statistics.median(w for w, _c in runs), statistics.median(c for _w, c in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3, help="runs of each case (median)")
    parser.add_argument("--only", default="", help="comma-separated case names")
    args = parser.parse_args()
    wanted = [c for c in args.only.split(",") if c] or list(CASES)
    unknown = sorted(set(wanted) - set(CASES))
    if unknown:
        sys.exit(f"bench: unknown case {unknown[0]!r}; cases: {', '.join(CASES)}")
    from bench_check import bytecode_note

    note = bytecode_note()
    if note:
        print(note)
    env_root = Path(tempfile.mkdtemp(prefix="prodgate-hostile-"))
    os.environ.pop("GITHUB_ACTIONS", None)
    slow = []
    try:
        clean = env_root / "clean"
        clean.mkdir()
        _artifact(CARD_HEAD)(clean)
        baseline, base_cpu = _median(clean, [], args.reps)
        print(f"{'case':<18} {'input':<52} {'seconds':>8} {'cpu':>7}")
        print(f"{'clean':<18} {'a clean repository (start-up, policy, one asset)':<52} {baseline:8.3f} {base_cpu:7.3f}")
        for name in wanted:
            what, build = CASES[name]
            root = env_root / name
            root.mkdir()
            cwd = Path.cwd()
            os.chdir(root)
            try:
                extra = build(root)
                took, cpu = _median(root, extra, args.reps)
            finally:
                os.chdir(cwd)
            flag = "" if took <= TARGET_SECONDS else "  ABOVE TARGET"
            if flag:
                slow.append(name)
            print(f"{name:<18} {what:<52} {took:8.3f} {cpu:7.3f}{flag}", flush=True)
    finally:
        shutil.rmtree(env_root, ignore_errors=True)
    print(f"target: every case at most {TARGET_SECONDS:.1f} s: {'missed by ' + ', '.join(slow) if slow else 'met'}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
