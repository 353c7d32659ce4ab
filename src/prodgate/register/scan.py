"""``register scan``: the inventory of many local checkouts, in worker processes.

Each worker runs the gate and builds the inventory of one checkout at a time and sends
back its JSON; the parent checks and ingests it exactly like an uploaded file, so a
scanned repository and an uploaded one are stored the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Job:
    path: str
    today: str | None
    policy: str | None
    policy_sha256: str | None
    gate: str
    discover: bool = True


def checkouts(dirs: list[Path]) -> list[Path]:
    """Each DIR that is a checkout, else the checkouts directly inside it."""
    out: list[Path] = []
    for d in dirs:
        if (d / ".git").exists():
            out.append(d)
            continue
        inside = sorted(c for c in d.iterdir() if c.is_dir() and (c / ".git").exists())
        out.extend(inside or [d])
    return out


def parse_shard(text: str) -> tuple[int, int] | str:
    """``K/N`` -> (K, N) with 1 <= K <= N, else why not."""
    k, sep, n = text.partition("/")
    if not sep or not k.isdigit() or not n.isdigit() or not 1 <= int(k) <= int(n) or int(n) > 1_000_000:
        return f"--shard {text!r}: expected K/N, two whole numbers with 1 <= K <= N (such as 2/8)"
    return int(k), int(n)


def shard_of(repository: str, shards: int) -> int:
    """The shard (1 to ``shards``) of a repository: a hash of its name, so that each
    job of a matrix scans the same repositories whatever the order it lists them in,
    and each repository falls in exactly one shard."""
    digest = hashlib.sha256(repository.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % shards + 1


@dataclass(frozen=True)
class Checkout:
    """A checkout to scan, named as its inventory will name it, at its HEAD commit."""

    path: Path
    repository: str
    head: str | None


def identify(path: Path) -> Checkout:
    """Name a checkout without running git: its inventory's repository name (the origin
    remote's owner/name, or the folder's) and the commit its HEAD points at. The name is
    in the escaped form the store keeps (a folder named in bytes that are not UTF-8), so
    that it compares equal to the stored one and the database can take it."""
    from prodgate.hygiene import unicode_text
    from prodgate.repo import detect_repository, find_root, head_commit

    root = (find_root(path) or path).resolve()
    return Checkout(path, unicode_text(detect_repository(root)), head_commit(root))


_POLICIES: dict[tuple[str | None, str | None], object] = {}


def inventory_json(job: Job) -> tuple[str, bytes | None, str | None]:
    """(path, inventory JSON, None) or (path, None, error). Runs in a worker."""
    from prodgate.engine import Options, run
    from prodgate.findings import Severity
    from prodgate.hygiene import json_text
    from prodgate.inventory.model import build
    from prodgate.policy.loader import EffectivePolicy, PolicyError, load_policy
    from prodgate.repo import find_root

    try:
        key = (job.policy, job.policy_sha256)
        if key not in _POLICIES:
            _POLICIES[key] = load_policy(job.policy, job.policy_sha256)
        policy = _POLICIES[key]
        assert isinstance(policy, EffectivePolicy)
        path = Path(job.path)
        root = (find_root(path) or path).resolve()
        today = dt.date.fromisoformat(job.today) if job.today else dt.date.today()
        report = run([path], root, policy, Options(gate=job.gate, fail_on=Severity.ERROR, today=today, discover=job.discover))
        cadence = {str(k): int(v) for k, v in policy.policy.review_cadence_days.items()}
        inventory = build(report, cadence, report.repository)
        # json_text: a file name that is not UTF-8 is carried as its escaped text
        # (caf\xe9.py), as in every other writer, instead of failing the encoding.
        doc = json_text(json.dumps(inventory.to_dict(), ensure_ascii=False))
        return job.path, doc.encode("utf-8"), None
    except PolicyError as exc:
        return job.path, None, str(exc)
    except Exception as exc:  # one broken checkout must not stop the scan
        return job.path, None, f"internal error: {type(exc).__name__}: {exc}"


def run_jobs(jobs: list[Job], workers: int) -> Iterator[tuple[str, bytes | None, str | None]]:
    """Results in completion order; in this process when one worker would do."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield inventory_json(job)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(inventory_json, job) for job in jobs]
        for future in as_completed(futures):
            yield future.result()
