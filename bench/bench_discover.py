"""Benchmark: ``prodgate discover`` against ``git grep -E`` and the ai-bom scanner.

Times, side by side and interleaved in one run, on the same trees:

* ``prodgate discover --format json`` (parses what it finds: imports, manifests,
  configuration, notebooks, weight headers);
* ``git grep -n -I -E`` with one alternation of the catalogue's literal tokens: the floor
  any scanner that reads every file has to beat, and no parsing at all;
* ``ai-bom scan --format json`` (https://pypi.org/project/ai-bom/, in the dev extra), an
  existing AI-BOM scanner, run offline with its cache off.

Trees: a generated git repository of ``--files`` files (default 20,000) in several
languages, about 2% of them using AI; the Python sources of the packages installed
beside prodgate (site-packages, full of AI libraries: the extreme case, where hundreds
of files hold a catalogue word); a real project that does not use AI, by default
Django's source distribution (``pip download --no-binary :all: --no-deps django``); and
an AI framework's sources, AI-heavy code where tens of thousands of lines are detections
(by default crewAI's source distribution, pinned so that the figure can be reproduced:
its tests replay recorded API exchanges, thousands of YAML lines naming hosts and
models). A tree that cannot be downloaded (offline) is skipped with the reason printed.
Each is committed to a fresh git repository so that ``git grep`` can read it too.

    python bench/bench_discover.py                 # the four trees, 3 repetitions
    python bench/bench_discover.py --files 50000 --reps 5
    python bench/bench_discover.py --real /path/to/checkout --sdist flask
    python bench/bench_discover.py --hostile       # the hostile inputs of the tests, timed

Targets: prodgate at most 2x the wall time of git grep (5x on the AI-heavy tree, where
every detection is parsed, attributed and reported), and at least 20x faster than
ai-bom. Prints medians and ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
TARGET_GREP = 2.0
TARGET_GREP_AI_HEAVY = 5.0
AI_HEAVY = "crewai==1.15.30"
"""The AI-heavy tree: an agent framework's sources (1,482 text files, about 20,000
detections), pinned."""
TARGET_PEER = 20.0

PLAIN_PY = '''\
"""Billing helpers for {name}."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal


@dataclasses.dataclass
class Invoice:
    number: str
    issued: dt.date
    lines: list[tuple[str, Decimal]]
    model: str = "standard"

    def total(self) -> Decimal:
        return sum((amount for _label, amount in self.lines), Decimal(0))

    def overdue(self, today: dt.date, days: int = 30) -> bool:
        return (today - self.issued).days > days


def parse(row: dict[str, str]) -> Invoice:
    """Build an invoice from a CSV row; the agent column is the sales agent."""
    lines = [(k, Decimal(v)) for k, v in row.items() if k.startswith("line_")]
    return Invoice(row["number"], dt.date.fromisoformat(row["issued"]), lines)
'''

AI_PY = '''\
import os

import openai

MODEL = "gpt-4o-mini"


def draft_{n}(ticket: str) -> str:
    client = openai.OpenAI(api_key=os.environ["OPENAI_API_KEY"])
    out = client.chat.completions.create(model=MODEL, messages=[{{"role": "user", "content": ticket}}])
    return out.choices[0].message.content or ""
'''

PLAIN_TS = '''\
import {{ format }} from "date-fns";
import type {{ Order }} from "./types";

export function label(order: Order): string {{
  // {name}: show the date the customer sees
  return `${{order.id}} ${{format(order.placed, "yyyy-MM-dd")}}`;
}}

export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
'''

AI_TS = '''\
import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic({{ apiKey: process.env.ANTHROPIC_API_KEY }});

export async function answer{n}(q: string) {{
  const msg = await client.messages.create({{ model: "claude-3-5-haiku-latest", max_tokens: 200, messages: [{{ role: "user", content: q }}] }});
  return msg.content;
}}
'''

PLAIN_GO = '''\
package {pkg}

import (
\t"fmt"
\t"strings"
)

// Join renders the names for the {name} report.
func Join(names []string) string {{
\treturn fmt.Sprintf("[%s]", strings.Join(names, ", "))
}}
'''

PLAIN_MD = '''\
# {name}

This service sends invoices. It does not use openai or any model; see the
design notes for why the agent field names a sales agent.
'''

PLAIN_YAML = '''\
service: {name}
replicas: 2
resources: {{cpu: 200m, memory: 256Mi}}
env:
  - {{name: LOG_LEVEL, value: info}}
'''


def generate(root: Path, files: int, seed: int = 7) -> None:
    """A monorepo of ``files`` files, about 2% of them using AI, committed to git."""
    rng = random.Random(seed)
    root.mkdir(parents=True)
    for i in range(files):
        team = f"team{i % 40:02d}"
        svc = f"svc{(i // 40) % 25:02d}"
        base = root / "services" / team / svc
        roll = rng.random()
        kind = rng.choices(["py", "ts", "go", "md", "yaml"], weights=[45, 25, 12, 10, 8])[0]
        ai = roll < 0.02
        if kind == "py":
            path, text = base / "app" / f"mod{i}.py", (AI_PY.format(n=i) if ai else PLAIN_PY.format(name=svc))
        elif kind == "ts":
            path, text = base / "web" / f"part{i}.ts", (AI_TS.format(n=i) if ai else PLAIN_TS.format(name=svc))
        elif kind == "go":
            path, text = base / "go" / f"f{i}.go", PLAIN_GO.format(pkg=svc, name=team)
        elif kind == "md":
            path, text = base / f"NOTES{i}.md", PLAIN_MD.format(name=svc)
        else:
            path, text = base / "deploy" / f"k{i}.yaml", PLAIN_YAML.format(name=svc)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _commit(root)


def copy_real(source: Path, root: Path) -> int:
    """The text sources under ``source`` (no bytecode, no binaries), committed to git."""
    keep = {".py", ".pyi", ".js", ".ts", ".json", ".toml", ".yaml", ".yml", ".cfg", ".txt", ".md", ".ipynb"}
    count = 0
    for path in sorted(source.rglob("*")):
        if path.is_file() and path.suffix in keep and "__pycache__" not in path.parts and path.stat().st_size < 1_000_000:
            target = root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            count += 1
    _commit(root)
    return count


def fetch_sdist(name: str, into: Path) -> Path | None:
    """The source distribution of ``name`` from the package index (``pip download
    --no-binary :all: --no-deps``), unpacked under ``into``; None when it cannot be had."""
    import tarfile

    into.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([str(BIN / "pip"), "download", "-q", "--no-binary", ":all:", "--no-deps", "-d", str(into), name],
                          capture_output=True, text=True, check=False, timeout=600)
    archives = sorted(into.glob("*.tar.gz"))
    if done.returncode != 0 or not archives:
        print(f"cannot download {name}: {done.stderr.strip()[-300:]}", flush=True)
        return None
    with tarfile.open(archives[0]) as tar:
        tar.extractall(into / "src", filter="data")
    return into / "src"


def _commit(root: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "tree"]):
        subprocess.run(["git", *args], cwd=root, check=True, env=env, capture_output=True)


def grep_pattern() -> str:
    """The catalogue's literal tokens as one POSIX extended regular expression."""
    from prodgate.discovery.catalogue import build

    return build().grep_pattern


def timed(cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0, 1), timeout: float | None = None) -> tuple[float, float]:
    """Wall time and CPU time (user + system of the command and the processes it
    waited for: prodgate's own git grep counts in prodgate's). On a machine shared
    with other work the wall time swings with the load, the CPU time far less."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False,
                              env={**os.environ, "AI_BOM_TELEMETRY": "false"}, timeout=timeout)
    except subprocess.TimeoutExpired:
        return float("inf"), float("inf")
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd[:3])} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def detections(root: Path) -> int:
    out = subprocess.run([str(BIN / "prodgate"), "discover", "--format", "json", "."], cwd=root,
                         capture_output=True, text=True, check=False)
    return len(json.loads(out.stdout)["detections"])


def bench(label: str, root: Path, reps: int, peer: bool, peer_timeout: float, target: float = TARGET_GREP) -> None:
    pattern = grep_pattern()
    commands = {
        "prodgate": [str(BIN / "prodgate"), "discover", "--format", "json", "."],
        "git grep": ["git", "grep", "-n", "-I", "-E", pattern],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for cmd in commands.values():  # warm the page cache once
        timed(cmd, root)
    for _ in range(reps):
        for name, cmd in commands.items():
            wall, cpu = timed(cmd, root)
            times[name].append(wall)
            cpus[name].append(cpu)
    med = {name: statistics.median(values) for name, values in times.items()}
    cpu_med = {name: statistics.median(values) for name, values in cpus.items()}
    if peer:
        # ai-bom takes minutes on a large tree: one run, after the others warmed the cache.
        cmd = [str(BIN / "ai-bom"), "scan", ".", "--format", "json", "--quiet", "--no-cache"]
        med["ai-bom"], cpu_med["ai-bom"] = timed(cmd, root, timeout=peer_timeout)
    files = int(subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout.count("\n"))
    print(f"\n{label}: {files:,} files, {detections(root)} detections by prodgate", flush=True)
    for name, value in med.items():
        if value == float("inf"):
            print(f"  {name:<9} > {peer_timeout:.0f} s (stopped)", flush=True)
        else:
            print(f"  {name:<9} {value:7.3f} s  CPU {cpu_med[name]:7.3f} s  ({'one run' if name == 'ai-bom' else f'median of {reps}'})",
                  flush=True)
    ratio = med["prodgate"] / med["git grep"]
    print(f"  prodgate / git grep = {ratio:.2f}, CPU {cpu_med['prodgate'] / cpu_med['git grep']:.2f}  (target <= {target})",
          flush=True)
    if "ai-bom" in med:
        peer_time = min(med["ai-bom"], peer_timeout)
        more = ">" if med["ai-bom"] == float("inf") else ""
        print(f"  ai-bom / prodgate   = {more}{peer_time / med['prodgate']:.1f}x  (target >= {TARGET_PEER}x)", flush=True)


def hostile_cases() -> dict[str, dict[str, str | bytes]]:
    """The worst inputs of tests/test_discover_hostile.py, each a tree of its own, and
    configuration that is nearly all comments (lexed a span of lines at a time)."""
    cell = {"cell_type": "code", "source": ["import openai\n", "x = 1\n" * 100]}
    cells = [{"cell_type": "code", "source": [f"x{i} = {i}\n"]} for i in range(50_000)]
    return {
        "1 MB minified line": {"bundle.min.js": "var a=require('./x'),b=a.openai_like+'gpt-',c=OPENAI_API;" * 18_000
                               + 'require("openai");'},
        "1 MB Python list line": {"models.py": "MODELS = [" + '"gpt-4o", ' * 100_000 + "]\n"},
        "100,000 imports": {"imports.py": "".join(f"import module_{i}\n" for i in range(100_000)) + "import openai\n"},
        "nesting: MemoryError": {"deep.py": "x = " + "-" * 100_000 + "1\nimport openai\n"},
        "nesting: RecursionError": {"deep.py": "x = a" + ".b" * 200_000 + "\nimport openai\n"},
        "notebook nested 100,000 deep": {"bomb.ipynb": '{"cells": ' + "[" * 100_000 + "]" * 100_000 + ', "x": "openai"}'},
        "notebook over 4 MiB": {"huge.ipynb": json.dumps({"cells": [cell] * 8_000})},
        "notebook of 50,000 cells": {"many.ipynb": json.dumps({"cells": [*cells, cell]}, indent=1)},
        "4 MB of comments, a host in each": {"settings.yaml": "# api.openai.com\n" * 240_000 + "url: x\n"},
        "binary .py and .json": {"model.py": b"\x01" * 2048 + b"\x00\nimport openai\n",
                                 "data.json": b'{"model": "gpt-4o"}\x00' + bytes(range(256)) * 40},
    }


def bench_hostile(reps: int) -> None:
    """``prodgate discover`` on each hostile tree (median wall time, start-up included),
    and on weights that are symlinks to /dev/zero and FIFOs (never read, never waited on)."""
    print("\nhostile inputs (prodgate discover, median of", reps, "runs, start-up included):", flush=True)
    with tempfile.TemporaryDirectory(prefix="prodgate-hostile-") as tmp:
        cases = hostile_cases()
        for n, (label, files) in enumerate(cases.items()):
            root = Path(tmp) / f"case{n}"
            root.mkdir()
            for rel, content in files.items():
                (root / rel).write_bytes(content if isinstance(content, bytes) else content.encode())
            _commit(root)
            _time_case(label, root, reps)
        links = Path(tmp) / "links"
        links.mkdir()
        (links / "model.safetensors").symlink_to("/dev/zero")
        (links / "app.py").write_text("print(1)\n", encoding="utf-8")
        _commit(links)
        _time_case("weights linked to /dev/zero", links, reps)
        fifos = Path(tmp) / "fifos"
        fifos.mkdir()
        for name in ("model.gguf", "weights.pt", "bot.py"):
            os.mkfifo(fifos / name)
        _time_case("FIFOs (outside git)", fifos, reps)


def _time_case(label: str, root: Path, reps: int) -> None:
    cmd = [str(BIN / "prodgate"), "discover", "--format", "json", "."]
    times = [timed(cmd, root, timeout=60)[0] for _ in range(reps)]
    med = statistics.median(times)
    flag = "" if med < 1.0 else "  (over 1 s)"
    print(f"  {label:<32} {med:6.3f} s{flag}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=20_000, help="files in the generated tree")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--real", type=Path, default=Path(sysconfig.get_paths()["purelib"]),
                        help="a real source tree to copy (default: this environment's site-packages)")
    parser.add_argument("--sdist", default="django",
                        help="a project whose source distribution is a third tree (default: django); '' for none")
    parser.add_argument("--ai-sdist", default=AI_HEAVY,
                        help=f"an AI-heavy project whose source distribution is a fourth tree (default: {AI_HEAVY}); '' for none")
    parser.add_argument("--no-peer", action="store_true", help="skip ai-bom")
    parser.add_argument("--peer-timeout", type=float, default=300.0, help="stop ai-bom after this many seconds")
    parser.add_argument("--hostile", action="store_true", help="only time the hostile inputs")
    args = parser.parse_args()
    from bench_check import bytecode_note

    note = bytecode_note()
    if note:
        print(note, flush=True)
    if args.hostile:
        bench_hostile(args.reps)
        return 0
    peer = not args.no_peer and (BIN / "ai-bom").exists()
    if not peer and not args.no_peer:
        print("ai-bom is not installed (pip install -e '.[dev]'); timing prodgate and git grep only")
    with tempfile.TemporaryDirectory(prefix="prodgate-bench-") as tmp:
        generated = Path(tmp) / "generated"
        generate(generated, args.files)
        bench("generated monorepo", generated, args.reps, peer, args.peer_timeout)
        real = Path(tmp) / "real"
        real.mkdir()
        copied = copy_real(args.real, real)
        bench(f"real sources ({args.real}, {copied:,} files copied)", real, args.reps, peer, args.peer_timeout)
        if args.sdist:
            source = fetch_sdist(args.sdist, Path(tmp) / "sdist")
            if source is not None:
                project = Path(tmp) / "project"
                project.mkdir()
                copied = copy_real(source, project)
                bench(f"{args.sdist} sources ({next(source.iterdir()).name}, {copied:,} files)", project, args.reps,
                      peer, args.peer_timeout)
        if args.ai_sdist:
            source = fetch_sdist(args.ai_sdist, Path(tmp) / "ai-sdist")
            if source is None:
                print(f"\nAI-heavy tree skipped: {args.ai_sdist} could not be downloaded (offline?)", flush=True)
            else:
                heavy = Path(tmp) / "ai-heavy"
                heavy.mkdir()
                copied = copy_real(source, heavy)
                bench(f"AI-heavy: {next(source.iterdir()).name} sources ({copied:,} files)", heavy, args.reps,
                      peer, args.peer_timeout, TARGET_GREP_AI_HEAVY)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
