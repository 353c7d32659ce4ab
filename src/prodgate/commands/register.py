"""``prodgate register add|scan|report``: the cross-repository register.

Its dependencies are the ``register`` extra; without them the command says what to
install instead of failing on an import.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from prodgate import exitcodes as ec
from prodgate.commands.common import error
from prodgate.outfile import open_output

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.engine import Engine

    from prodgate.policy.model import Policy
    from prodgate.register.charts import ChartProcess
    from prodgate.register.documents import Document
    from prodgate.register.views import RegisterView

EXTRA_HINT = "pip install 'prodgate[register]'"


def run_register(args: argparse.Namespace) -> int:
    from importlib.util import find_spec

    for module in ("sqlalchemy", "alembic", "jinja2", "msgspec", "matplotlib"):  # found, not imported: no cost
        if find_spec(module) is None:
            return error(f"prodgate register needs its extra ({module} is missing): {EXTRA_HINT}")
    if args.register_command is None:
        return error("register needs a command: add, scan, report, impact or triage")
    charts = None
    if args.register_command == "report" and args.html:
        from prodgate.register.charts import ChartProcess

        charts = ChartProcess()  # first: it imports matplotlib while this process opens and reads the register
    try:
        return _run(args, charts)
    finally:
        if charts is not None:
            charts.close()


_HEAVY_IMPORTS = {
    "add": ("prodgate.register.store", "prodgate.register._shape"),
    "scan": ("prodgate.register.store", "prodgate.register._shape", "prodgate.register.scan"),
    "report": ("prodgate.register.store", "prodgate.register.views", "prodgate.register.render", "jinja2"),
    "impact": ("prodgate.register.store", "prodgate.register.impact"),
    "triage": ("prodgate.register.store", "prodgate.register.triage"),
}
"""What each command imports (SQLAlchemy with the store): imported with the collector
paused and then frozen, so that the collections a large ingest or report triggers do
not walk SQLAlchemy's objects again each time."""


def _run(args: argparse.Namespace, charts: ChartProcess | None) -> int:
    from prodgate.startup import import_quickly

    import_quickly(_HEAVY_IMPORTS[args.register_command])
    if args.register_command == "impact":
        return _impact(args)
    if args.register_command == "triage":
        problem = _triage_problem(args)
        if problem:
            return error(problem)
    if args.register_command == "scan" and args.shard is not None:
        from prodgate.register.scan import parse_shard

        if isinstance(shard := parse_shard(args.shard), str):
            return error(shard)  # before the register is opened: a refusal creates nothing
    from prodgate.register.store import StoreError, open_store

    try:
        engine = open_store(args.db)
    except StoreError as exc:
        return error(str(exc))
    try:
        if args.register_command == "add":
            return _add(args, engine)
        if args.register_command == "scan":
            return _scan(args, engine)
        if args.register_command == "triage":
            return _triage(args, engine)
        return _report(args, engine, charts)
    finally:
        engine.dispose()


def _triage_problem(args: argparse.Namespace) -> str:
    """Why the triage's repository, path or note cannot be recorded ("" if they can):
    checked before the register is opened, so a refusal creates nothing."""
    from prodgate.register.triage import note_problem, path_problem, repository_problem

    return repository_problem(args.repository) or path_problem(args.path) or note_problem(args.note)


def _triage(args: argparse.Namespace, engine: Engine) -> int:
    """``register triage REPO PATH --state S --note TEXT``: the office's decision on an
    undeclared AI location, kept across snapshots."""
    from prodgate.register.triage import set_triage

    set_triage(engine, args.repository, args.path, args.state, args.note, dt.datetime.now(dt.UTC).replace(microsecond=0))
    _say(f"register: {args.repository} {args.path}: {args.state}" + (f" ({args.note})" if args.note else ""), sys.stdout)
    return ec.PASSED


def _files(targets: list[str]) -> list[str] | str:
    """The files named, and the ``*.json`` files in the folders named (not following
    links to folders), each folder's in path order; each as ``str(Path(...))`` of it."""
    out: list[str] = []
    for t in targets:
        p = Path(t)
        if p.is_dir():
            out.extend(_json_files(str(p)))
        elif p.is_file():
            out.append(str(p))
        else:
            return f"{t}: no such file or directory"
    return out


def _json_files(top: str) -> list[str]:
    """The regular files (or links to one) named ``*.json`` below ``top``, sorted by
    their path's parts; links to folders are not followed and a folder that cannot be
    listed is passed over, as :func:`os.walk` does. One ``scandir`` per folder tells
    a file from a folder without a ``stat`` of each, and a path is joined as a string:
    a ``Path`` and a ``stat`` per file cost more than reading a small inventory."""
    found: list[tuple[tuple[str, ...], str]] = []
    folders: list[tuple[str, tuple[str, ...]]] = [(top, ())]
    while folders:
        folder, parts = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            try:
                is_dir = entry.is_dir()
                if is_dir and not entry.is_symlink():
                    folders.append((entry.path, (*parts, entry.name)))
                elif not is_dir and entry.name.endswith(".json") and entry.is_file():
                    found.append(((*parts, entry.name), entry.path))
            except OSError:
                continue
    found.sort()
    # Path(".", "a.json") is "a.json": the prefix scandir joined is not part of the name.
    return [path[2:] for _parts, path in found] if top == "." else [path for _parts, path in found]


BATCH_FILES = 200
"""Files stored per transaction by ``add``: enough that the commit no longer dominates,
few enough that concurrent writers wait for each other only briefly."""


def _add(args: argparse.Namespace, engine: Engine) -> int:
    from prodgate.register.documents import read

    files = _files(args.targets)
    if isinstance(files, str):
        return error(files)
    ingest = _Ingest(engine, args.verbose)
    for f in files:
        ingest.add(f, functools.partial(read, f, args.repository))
    return ingest.finish()


class _Ingest:
    """Documents checked one by one, then stored :data:`BATCH_FILES` to a transaction
    (``add`` and ``scan`` alike); each document not stored is said on stderr, and any
    makes the exit code 2."""

    def __init__(self, engine: Engine, verbose: bool) -> None:
        self.engine, self.verbose = engine, verbose
        self.counts: dict[str, int] = {}
        self.refused = 0
        self.batch: list[tuple[str, Document]] = []
        self.keys: set[tuple[str, str]] = set()

    def add(self, label: str, load: Callable[[], Document]) -> None:
        from prodgate.register.documents import Refused

        try:  # every document is checked before any of its rows is written
            doc = load()
        except Refused as exc:
            self.refuse(f"refused {exc}")
            return
        if (doc.repository, doc.commit) in self.keys:
            self.flush()  # a second document of a commit is compared with the first one stored
        self.batch.append((label, doc))
        self.keys.add((doc.repository, doc.commit))
        if len(self.batch) >= BATCH_FILES:
            self.flush()

    def refuse(self, message: str) -> None:
        _say(message)
        self.refused += 1

    def flush(self) -> None:
        from prodgate.register.store import ingest_many

        for (label, _doc), outcome in zip(self.batch, ingest_many(self.engine, [d for _l, d in self.batch]), strict=True):
            if outcome.action == "refused":
                self.refuse(f"refused {label}: {outcome.problem}")
                continue
            self.counts[outcome.action] = self.counts.get(outcome.action, 0) + 1
            if self.verbose:
                doc = outcome.document
                _say(f"{outcome.action}: {label} ({doc.repository} {doc.commit[:12] or 'no commit'})", sys.stdout)
        self.batch.clear()
        self.keys.clear()

    def finish(self, skipped: int | None = None) -> int:
        """Store the last batch and say what was done; ``skipped``: the checkouts a
        scan did not run, their HEAD unchanged since their latest snapshot."""
        from prodgate.register.store import refresh_statistics

        self.flush()
        if self.counts.get("added", 0) >= BATCH_FILES:
            refresh_statistics(self.engine)  # a bulk load: the report's plans need the new sizes
        _summary(self.counts, self.refused, skipped)
        return ec.USAGE if self.refused else ec.PASSED


def _say(text: str, out: TextIO | None = None) -> None:
    """One line per file: on stderr for a file not ingested, on stdout (``--verbose``)
    for one stored. It quotes a file name, a value from the file or the database's own
    words (several lines, for PostgreSQL): one neutralised line each, so the next
    file's line cannot be forged and the runner acts on none."""
    from prodgate.hygiene import message

    if out is None:
        sys.stderr.write(f"prodgate: {message(text)}\n")
    else:
        out.write(f"{message(text)}\n")


def _summary(counts: dict[str, int], refused: int, skipped: int | None) -> None:
    parts = [f"{counts.get(k, 0)} {k}" for k in ("added", "seen", "unchanged", "kept")]
    tail = "" if not skipped else f", {skipped} skipped (HEAD unchanged; --full scans them)"
    sys.stdout.write(f"register: {', '.join(parts)}, {refused} refused{tail}\n")


def _scan(args: argparse.Namespace, engine: Engine) -> int:
    from prodgate.register.documents import parse
    from prodgate.register.scan import Job, checkouts, run_jobs

    dirs = []
    for t in args.dirs:
        if not Path(t).is_dir():
            return error(f"{t}: not a directory")
        dirs.append(Path(t))
    if args.today:
        from prodgate.commands.check import parse_today

        if isinstance(parse_today(args.today), str):
            return error(f"--today {args.today!r}: expected a date as YYYY-MM-DD")
    if args.policy:
        from prodgate.policy.loader import PolicyError, load_policy

        try:  # refuse a bad policy once, before starting any worker
            load_policy(args.policy, args.policy_sha256)
        except PolicyError as exc:
            return error(str(exc))
    shard = None
    if args.shard is not None:
        from prodgate.register.scan import parse_shard

        parsed = parse_shard(args.shard)
        shard = None if isinstance(parsed, str) else parsed  # refused in _run already
    found, skipped = _to_scan(engine, checkouts(dirs), shard, args.full)
    jobs = [Job(str(p), args.today, args.policy, args.policy_sha256, args.gate, args.discover) for p in found]
    workers = args.jobs or min(len(jobs), os.cpu_count() or 1)
    results = run_jobs(jobs, workers)
    bar = None
    if sys.stderr.isatty() and not args.no_progress:
        import shutil

        from tqdm import tqdm

        # A terminal that reports no size (some CI consoles, `script`) would get no bar.
        size = shutil.get_terminal_size()
        bar = tqdm(total=len(jobs), unit="repo", desc="scan", file=sys.stderr, ncols=size.columns or 80,
                   nrows=size.lines or 24)
    ingest = _Ingest(engine, False)
    for path, payload, problem in results:
        if bar is not None:
            bar.update(1)
        if payload is None:
            ingest.refuse(f"{path}: {problem}")
        else:
            ingest.add(f"scan of {path}", functools.partial(parse, payload, f"scan of {path}"))
    if bar is not None:
        bar.close()
    return ingest.finish(skipped)


def _to_scan(engine: Engine, found: list[Path], shard: tuple[int, int] | None, full: bool) -> tuple[list[Path], int]:
    """The checkouts of this shard (all without ``--shard``), less those whose HEAD is
    the commit of their repository's latest snapshot (unless ``full``): those are only
    marked seen now. Also how many were skipped so."""
    from prodgate.register.scan import identify, shard_of
    from prodgate.register.store import latest_commits, seen_again

    if shard is None and full:
        return found, 0
    named = [identify(p) for p in found]
    if shard is not None:
        named = [c for c in named if shard_of(c.repository, shard[1]) == shard[0]]
    if full:
        return [c.path for c in named], 0
    stored = latest_commits(engine, sorted({c.repository for c in named}))
    unchanged = [c for c in named if c.head is not None and stored.get(c.repository) == c.head]
    if unchanged:
        seen_again(engine, [(c.repository, c.head or "") for c in unchanged])
    return [c.path for c in named if c not in unchanged], len(unchanged)


TABLES = ("assets", "totals", "tier_stage", "gate_by_tier", "expiring_exceptions", "overdue_reviews",
          "undeclared_by_repository", "owners", "trend")


def _report(args: argparse.Namespace, engine: Engine, charts: ChartProcess | None) -> int:
    from prodgate.commands.check import parse_today
    from prodgate.register.history import SINCE_DAYS
    from prodgate.register.render import write_csv
    from prodgate.register.views import collect

    today = parse_today(args.today)
    if isinstance(today, str):
        return error(today)
    if args.html and args.format:
        return error("--html writes the page; --format exports tables: give one of them")
    if args.html:
        from prodgate.register.render import link_template_problem

        problem = link_template_problem(args.link_template)
        if problem:
            return error(problem)
    since: dt.date | None = None
    if args.since is not None:
        try:
            since = dt.date.fromisoformat(args.since) if args.since else today - dt.timedelta(days=SINCE_DAYS)
        except ValueError:
            return error(f"--since {args.since!r}: expected a date as YYYY-MM-DD")
        if since > today:
            return error(f"--since {since.isoformat()} is after --today {today.isoformat()}")
    elif args.format == "text":
        return error("--format text is the change list: give --since [DATE] with it")
    from prodgate.policy.loader import PolicyError, load_policy

    try:
        policy = load_policy(args.policy, args.policy_sha256).policy
    except PolicyError as exc:
        return error(str(exc))
    target = args.html or args.output
    if since is not None and not args.html:
        return _write_changes(engine, since, today, policy, args.format or "text", target)
    try:
        view = collect(engine, today, page_only=bool(args.html), policy=policy)
        if since is not None:
            from prodgate.register.history import changes

            with engine.connect() as conn:
                view.since, view.changes = since.isoformat(), changes(conn, since, today, policy)
                conn.rollback()
        if target:
            with open_output(target) as fh:
                _write_view(args, view, fh, charts)
        else:
            _write_view(args, view, sys.stdout, charts)
        if args.html:
            for table, name in _exports(args.html, view).items():
                target = str(Path(args.html).parent / name)
                with open_output(target) as fh:
                    write_csv(view, fh, table)
    except BrokenPipeError:
        raise
    except OSError as exc:
        return error(f"cannot write {target}: {exc.strerror or exc}")
    if args.html:
        t = view.totals
        sys.stdout.write(
            f"register: wrote {args.html}: {t['assets']} assets in {t['repositories']} repositories, "
            f"{t['failing']} failing, {t['expiring_exceptions']} exceptions expiring, {t['overdue_reviews']} reviews overdue\n"
        )
    return ec.PASSED


def _exports(page: str, view: RegisterView) -> dict[str, str]:
    """The tables the page shows in part, each with the file beside the page that
    holds all of it (written after the page, which links to them)."""
    from prodgate.register.render import capped_tables, export_name

    return {table: export_name(Path(page).name, table) for table in capped_tables(view)}


def _write_changes(engine: Engine, since: dt.date, today: dt.date, policy: Policy, fmt: str, target: str | None) -> int:
    """``register report --since DATE``: the change list (text, or JSON with the dates)."""
    from prodgate.register.history import changes

    with engine.connect() as conn:
        rows = changes(conn, since, today, policy)
        conn.rollback()
    try:
        if target:
            with open_output(target) as fh:
                _changes_out(rows, since, today, fmt, fh)
        else:
            _changes_out(rows, since, today, fmt, sys.stdout)
    except BrokenPipeError:
        raise
    except OSError as exc:
        return error(f"cannot write {target}: {exc.strerror or exc}")
    return ec.PASSED


def _changes_out(rows: list[dict[str, object]], since: dt.date, today: dt.date, fmt: str, out: TextIO) -> None:
    if fmt == "json":
        import json

        json.dump({"since": since.isoformat(), "today": today.isoformat(), "changes": rows}, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    if fmt == "csv":
        import csv

        from prodgate.inventory.writers import neutral_cell

        w = csv.writer(out, lineterminator="\n")
        w.writerow(("repository", "asset", "path", "change", "before", "after"))
        for row in rows:
            w.writerow([neutral_cell(v) for v in row.values()])
        return
    from prodgate.hygiene import message

    out.write(f"changes from {since.isoformat()} to {today.isoformat()} (each judged as of its date)\n")
    for r in rows:
        what = f"{r['before']} -> {r['after']}" if r["before"] and r["after"] else r["after"] or r["before"]
        out.write(message(f"  {r['repository']} {r['asset'] or '-'} ({r['path']}): {r['change']}" + (f": {what}" if what else "")) + "\n")
    counts = Counter(str(r["change"]) for r in rows)
    out.write(f"{len(rows)} change(s)" + "".join(f", {n} {k}" for k, n in sorted(counts.items())) + "\n")


def _write_view(args: argparse.Namespace, view: RegisterView, out: TextIO, charts: ChartProcess | None) -> None:
    from prodgate.register.render import render_html, write_csv, write_json

    if args.html:
        render_html(view, out, args.link_template, charts, _exports(args.html, view))
    elif args.format == "csv":
        write_csv(view, out, args.table)
    else:
        write_json(view, out)


def _impact(args: argparse.Namespace) -> int:
    """``register impact --policy NEW``: the assets NEW would newly fail, judged on the
    stored facts of each repository's latest snapshot. Opens the register read-only
    (:func:`prodgate.register.store.open_readonly`): a question never changes it."""
    from prodgate.commands.check import parse_today
    from prodgate.policy.loader import PolicyError, load_policy
    from prodgate.register.impact import impact
    from prodgate.register.store import StoreError, open_readonly

    today = parse_today(args.today)
    if isinstance(today, str):
        return error(today)
    try:
        current = load_policy(args.against, args.against_sha256)
        candidate = load_policy(args.policy, args.policy_sha256)
    except PolicyError as exc:
        return error(str(exc))
    try:
        engine = open_readonly(args.db)
    except StoreError as exc:
        return error(str(exc))
    try:
        rows = impact(engine, current.policy, candidate.policy, today)
    finally:
        engine.dispose()
    try:
        if args.output:
            with open_output(args.output) as fh:
                _write_impact(args.format, rows, current.source, candidate.source, fh)
        else:
            _write_impact(args.format, rows, current.source, candidate.source, sys.stdout)
    except BrokenPipeError:
        raise
    except OSError as exc:
        return error(f"cannot write {args.output}: {exc.strerror or exc}")
    return ec.PASSED


def _write_impact(fmt: str, rows: list[dict[str, object]], current: str, candidate: str, out: TextIO) -> None:
    from prodgate.register.impact import COLUMNS, NOT_JUDGED

    if fmt == "json":
        import json

        json.dump({"current": current, "candidate": candidate, "not_judged": NOT_JUDGED, "assets": rows}, out, indent=2)
        out.write("\n")
        return
    if fmt == "csv":
        import csv

        from prodgate.inventory.writers import neutral_cell

        w = csv.writer(out, lineterminator="\n")
        w.writerow(COLUMNS)
        for row in rows:
            w.writerow([neutral_cell(v) for v in row.values()])
        return
    from prodgate.hygiene import message

    fails = [r for r in rows if r["outcome"] == "fails"]
    unknown = [r for r in rows if r["outcome"] != "fails"]
    out.write(f"impact of {message(candidate)} against {message(current)}, on the register's latest snapshots\n")
    for title, group in (("would newly fail", fails), ("newly required, not judged from stored facts", unknown)):
        if not group:
            continue
        out.write(f"\n{title}:\n")
        for r in group:
            owner = r["owner"] or "no owner"
            if r["owner_email"]:
                owner = f"{owner} <{r['owner_email']}>"
            line = f"  {r['repository']} {r['asset']} ({r['path']}, {r['tier']} {r['stage']}) — {owner}: {r['requirement']}"
            out.write(message(line + (f": {r['reason']}" if r["outcome"] == "fails" else "")) + "\n")
    assets = len({(r["repository"], r["asset"]) for r in fails})
    out.write(f"\n{assets} asset(s) would newly fail, {len(unknown)} newly required requirement(s) not judged\n")
    out.write(f"not judged: {NOT_JUDGED}\n")
