"""Benchmark: ``prodgate check`` against check-jsonschema on the same declarations.

Generates monorepos of 1, 100, 1,000 and 10,000 assets with realistic artifacts (model
cards, runbooks, fallback plans, reviews, JUnit eval results, exceptions), then times,
side by side and interleaved, the whole prodgate gate and check-jsonschema validating
the same ai-asset.yaml files against schema/ai-asset.schema.json. Prints the median
wall time of each and their ratio.

    python bench/bench_check.py                    # all sizes
    python bench/bench_check.py --sizes 1,1000 --reps 7
    python bench/bench_check.py --git      # the repositories are git checkouts: eval
                                           # freshness is judged from their history too
    python bench/bench_check.py --base     # git checkouts, and every declaration compared
                                           # with the base commit (change control, PG7xx)

Targets: at 1 asset prodgate <= 0.6x check-jsonschema; at 1,000 assets <= 1.0x.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGETS = {1: 0.6, 1000: 1.0}

CARD = """\
# Model card: {name}

## Intended use

Helps the {team} team triage incoming requests; a person reviews every output before
it reaches a customer.

## Limitations

English only; weak on requests that mix several products.

## Evaluation

Graded on 300 anonymised historical requests, see evals/.

## Ethical considerations

Output quality is compared across customer segments every quarter.
"""

SECTIONS = {
    "runbook": ["Service overview", "Monitoring", "Escalation", "Rollback"],
    "fallback_plan": ["Failure modes", "Fallback behaviour", "Human oversight"],
    "security_review": ["Prompt injection", "Data exposure", "Access control", "Findings"],
    "monitoring_plan": ["Quality", "Drift", "Cost", "Alerts"],
    "incident_response": ["Severity levels", "Contacts", "Response steps"],
    "privacy_review": ["Personal data processed", "Lawful basis", "Risks and mitigations", "Retention"],
}

JUNIT = """\
<?xml version="1.0" encoding="utf-8"?>
<testsuite name="{name}" tests="{n}" failures="{f}" errors="0" skipped="0" timestamp="2026-11-20T09:00:00">
{cases}
</testsuite>
"""

APPROVALS = """\
    approvals: {business_executive: Helena Novak, it_executive: Samuel Osei, process_owner: Priya Raman}
    owners: {risk: Lena Fischer, support: Omar Haddad, funding: Tom Becker, lifecycle: Maria Garcia, compliance: Grace Kim}
"""


def _doc(title: str, headings: list[str]) -> str:
    parts = [f"# {title}\n"]
    for h in headings:
        parts.append(f"## {h}\n\nDescribed for this service: owners, tools and thresholds in use.\n")
    return "\n".join(parts)


def _junit(name: str, n: int, failures: int) -> str:
    cases = "\n".join(
        f'  <testcase classname="{name}" name="c{i}">'
        + ("<failure message='below rubric'/>" if i < failures else "")
        + "</testcase>"
        for i in range(n)
    )
    return JUNIT.format(name=name, n=n, f=failures, cases=cases)


def generate(root: Path, count: int, seed: int = 1) -> list[Path]:
    """A monorepo of ``count`` assets; returns the declaration paths."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(count):
        name = f"asset-{i:05d}"
        base = root / "services" / name
        (base / "docs").mkdir(parents=True)
        (base / "evals").mkdir()
        roll = rng.random()
        if roll < 0.6:
            tier, stage, kinds = "team", rng.choice(["sandbox", "pilot"]), ["model_card"]
        elif roll < 0.9:
            tier, stage = "departmental", "production"
            kinds = ["model_card", "runbook", "fallback_plan", "security_review", "monitoring_plan"]
        else:
            tier, stage = "enterprise", "production"
            kinds = [*SECTIONS, "model_card"]
            kinds.remove("security_review")  # waived by an exception below
        lines = [
            "# yaml-language-server: $schema=../../schema/ai-asset.schema.json",
            "apiVersion: prodgate/v1",
            f"name: {name}",
            f"description: Triage assistant number {i} for the support organisation.",
            f"tier: {tier}",
            f"stage: {stage}",
            "owner:",
            f"  name: Owner {i}",
            f"  email: owner{i}@example.com",
            f"  team: team-{i % 40}",
            "business_owner: { name: Raj Patel, email: raj.patel@example.com }",
            "risk:",
            f"  customer_facing: {'true' if tier == 'enterprise' else 'false'}",
            "  autonomy: human-in-the-loop",
            "models:",
            "  - provider: openai",
            "    name: gpt-4o-mini",
            '    version: "2024-07-18"',
            "data_sources:",
            "  - name: tickets",
            "    classification: confidential",
            f"    personal_data: {'true' if tier == 'enterprise' else 'false'}",
            "evals:",
            "  - name: quality",
            "    category: quality",
            "    results: evals/quality.xml",
            "    format: junit",
            '    thresholds: { pass_rate: ">= 0.9" }',
            "  - name: safety",
            "    category: safety",
            "    results: evals/safety.xml",
            "    format: junit",
            '    thresholds: { pass_rate: ">= 0.95" }',
            "artifacts:",
        ]
        for kind in kinds:
            rel = f"docs/{kind.replace('_', '-')}.md"
            lines.append(f"  {kind}: {rel}")
            text = CARD.format(name=name, team=f"team-{i % 40}") if kind == "model_card" else _doc(kind, SECTIONS[kind])
            (base / rel).write_text(text)
        if tier == "enterprise":
            lines += [
                "exceptions:",
                "  - requirement: security_review",
                "    reason: Penetration test booked for next month.",
                f"    ticket: GOV-{i}",
                "    granted: 2026-11-01",
                "    expires: 2027-01-15",
            ]
            lines.append(APPROVALS.rstrip("\n"))
        lines.append("review: { last_reviewed: 2026-10-15 }")
        (base / "evals" / "quality.xml").write_text(_junit("quality", 40, 1))
        (base / "evals" / "safety.xml").write_text(_junit("safety", 40, 0))
        decl = base / "ai-asset.yaml"
        decl.write_text("\n".join(lines) + "\n")
        files.append(decl)
    return files


def _commit(root: Path) -> None:
    env = ["-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", *env, "commit", "-q", "-m", "generated"], cwd=root, check=True)


def _time(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall time, CPU time (user + system of the child) and exit code of one run.

    On a machine shared with other work the wall time swings with the load; the CPU
    time much less, so both are printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


def bytecode_note() -> str | None:
    """A line to print when prodgate's modules have no compiled bytecode.

    pip compiles every module of what it installs (check-jsonschema's included); an
    editable checkout writes the bytecode on its first run, unless
    PYTHONDONTWRITEBYTECODE is set: then every run compiles prodgate's modules again,
    and the figures are not those of an install. Nothing is changed here: the reader
    is told."""
    import importlib.util

    spec = importlib.util.find_spec("prodgate.cli")
    if spec is None or spec.origin is None or Path(importlib.util.cache_from_source(spec.origin)).exists():
        return None
    return (
        "note: prodgate's modules have no compiled bytecode (PYTHONDONTWRITEBYTECODE?), so every run "
        "compiles them; `python -m compileall -q src` does once what pip does on install"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,100,1000,10000")
    parser.add_argument("--reps", type=int, default=0, help="runs per tool (default: by size)")
    parser.add_argument("--git", action="store_true", help="commit each repository, so the gate reads git history")
    parser.add_argument(
        "--check-jsonschema", metavar="PATH", default=str(BIN / "check-jsonschema"),
        help="the check-jsonschema to compare with (default: the one beside this Python); see README",
    )
    parser.add_argument("--base", action="store_true", help="--git, and compare with the base commit (--base HEAD)")
    args = parser.parse_args(argv)
    args.git = args.git or args.base
    sizes = [int(s) for s in args.sizes.split(",")]
    # Not a git checkout (no history to judge eval freshness by): the same inputs
    # check-jsonschema sees, plus every artifact and eval file the gate reads.
    prodgate = [str(BIN / "prodgate"), "check", ".", "--root", ".", "--today", "2026-11-22", "--gate", "deploy", "--no-color"]
    if args.base:
        prodgate += ["--base", "HEAD"]
    note = bytecode_note()
    if note:
        print(note)
    print(f"repositories are {'git checkouts (eval freshness from history)' if args.git else 'plain folders'}"
          + (", every declaration compared with the base commit" if args.base else ""))
    schema = str(REPO / "schema" / "ai-asset.schema.json")
    print(
        f"{'assets':>7} {'prodgate s':>11} {'check-jsonschema s':>19} {'ratio':>6} {'target':>10}"
        f" {'cpu: prodgate s':>16} {'check-jsonschema s':>19} {'ratio':>6}  exit codes"
    )
    status = 0
    for size in sizes:
        reps = args.reps or (11 if size <= 100 else 5 if size <= 1000 else 3)
        tmp = Path(tempfile.mkdtemp(prefix=f"prodgate-bench-{size}-"))
        try:
            files = generate(tmp, size)
            if args.git:
                _commit(tmp)
            rels = [str(f.relative_to(tmp)) for f in files]
            cjs = [args.check_jsonschema, "--schemafile", schema, *rels]
            pg_times, cj_times, pg_cpu, cj_cpu, codes = [], [], [], [], set()
            for _ in range(reps):
                t, c, rc = _time(prodgate, tmp)
                pg_times.append(t)
                pg_cpu.append(c)
                codes.add(("prodgate", rc))
                t, c, rc = _time(cjs, tmp)
                cj_times.append(t)
                cj_cpu.append(c)
                codes.add(("check-jsonschema", rc))
            pg, cj = statistics.median(pg_times), statistics.median(cj_times)
            pgc, cjc = statistics.median(pg_cpu), statistics.median(cj_cpu)
            ratio = pg / cj
            target = TARGETS.get(size)
            mark = "" if target is None else (f"<= {target}" + (" ok" if ratio <= target else " MISSED"))
            print(
                f"{size:>7} {pg:>11.3f} {cj:>19.3f} {ratio:>6.2f} {mark:>10}"
                f" {pgc:>16.3f} {cjc:>19.3f} {pgc / cjc:>6.2f}  {sorted(codes)}"
            )
            if any(rc != 0 for _n, rc in codes):
                status = 1  # both must accept the generated, valid repositories
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
