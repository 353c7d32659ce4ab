"""Parsing in worker processes: the same results as parsing here, for large scans only.

A scan hands each file to :class:`prodgate.fanout.Fanout`; past its first few files
they are parsed in forked worker processes. What must hold: every item's result comes
back exactly once, a small change never starts a process, a process with another
thread never forks, and a scan's report is byte for byte what one process makes, the
Terraform parse budget included (spent in the parent, in order).
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from prodgate import fanout
from prodgate.discovery import scan
from test_discover_outside_code import Run, loaded_by_discover, repo


def pids(context: str, items: list[int]) -> list[tuple[str, int, int]]:
    """A fan-out's work: which process did each item (and the context it saw)."""
    return [(context, item, os.getpid()) for item in items]


def test_past_the_first_items_the_work_runs_in_other_processes() -> None:
    fan: fanout.Fanout[int, tuple[str, int, int]] = fanout.Fanout(pids, "ctx", after=4, batch=3, processes=2)
    for item in range(40):
        fan.add(item)
    got = fan.results()
    assert sorted(item for _ctx, item, _pid in got) == list(range(40))  # each once
    assert {ctx for ctx, _item, _pid in got} == {"ctx"}  # the context reached the workers
    here = {item for _ctx, item, pid in got if pid == os.getpid()}
    assert here == {0, 1, 2, 3}  # the first four here, the rest (39 is a batch of one) in workers
    assert len({pid for _ctx, _item, pid in got} - {os.getpid()}) >= 1
    assert fanout._CONTEXT == {}  # nothing left behind


def test_a_small_change_never_starts_a_process() -> None:
    fan: fanout.Fanout[int, tuple[str, int, int]] = fanout.Fanout(pids, "ctx", after=8, batch=16, processes=2)
    for item in range(20):  # past `after`, but fewer than a batch: not worth a process
        fan.add(item)
    got = fan.results()
    assert fan._pool is None
    assert {pid for _c, _i, pid in got} == {os.getpid()} and len(got) == 20


def test_a_process_with_another_thread_does_not_fork() -> None:
    """A thread may hold a lock at the fork (the policy fetch's, a logging handler's):
    the child would wait on it forever. With one running, a fan-out stays here."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert fanout.workers() == 0
        fan: fanout.Fanout[int, tuple[str, int, int]] = fanout.Fanout(pids, "ctx", after=0, batch=1)
        for item in range(5):
            fan.add(item)
        assert {pid for _c, _i, pid in fan.results()} == {os.getpid()}
    finally:
        stop.set()
        thread.join()


PROBE = "from prodgate import fanout; print(fanout.workers())"


def test_a_worker_of_another_pool_does_not_fan_out_again() -> None:
    """``register scan`` runs each checkout's gate in a worker of its own: a scan there
    stays in that worker instead of forking two more per worker."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1) as pool:
        assert pool.submit(fanout.workers).result() == 0


def test_workers_is_a_count_of_cores_at_most_the_bound() -> None:
    """In a fresh process (no thread but its own, no parent pool)."""
    import subprocess
    import sys

    got = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
    cores = len(os.sched_getaffinity(0))
    assert int(got) == (0 if cores < 2 else min(cores, fanout.MAX_WORKERS))
    one = subprocess.run(["taskset", "-c", "0", sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert int(one.stdout) == 0  # one core: nothing to spread over


def test_an_error_in_a_worker_reaches_the_caller_and_the_workers_are_gone() -> None:
    fan: fanout.Fanout[int, Any] = fanout.Fanout(_fails_on_seven, None, after=0, batch=2, processes=2)
    for item in range(10):
        fan.add(item)
    with pytest.raises(ValueError, match="seven"):
        fan.results()
    assert fan._pool is None and fanout._CONTEXT == {}


def test_a_worker_that_dies_loses_nothing_its_batches_run_here() -> None:
    """Killed for memory, or a parser crashing on a file: the executor notices the dead
    process (no wait for ever on its batch), and what it left unfinished runs here."""
    fan: fanout.Fanout[int, tuple[int, int]] = fanout.Fanout(_dies_on_thirteen, os.getpid(), after=0, batch=4, processes=2)
    for item in range(40):
        fan.add(item)
    got = fan.results()
    assert sorted(item for item, _pid in got) == list(range(40))
    assert (13, os.getpid()) in got  # its batch ran here
    assert fan._pool is None and fanout._CONTEXT == {}


def _dies_on_thirteen(parent: int, items: list[int]) -> list[tuple[int, int]]:
    if 13 in items and os.getpid() != parent:
        os._exit(70)
    return [(item, os.getpid()) for item in items]


def test_a_scan_that_stops_early_leaves_no_worker_behind() -> None:
    """An error in the parent (or ^C) between the first batch and the results: the
    workers stop with the block, none is left running."""
    import multiprocessing

    with pytest.raises(RuntimeError, match="stopped"):
        with fanout.Fanout(pids, "ctx", after=0, batch=2, processes=2) as fan:
            for item in range(10):
                fan.add(item)
            assert fan._pool is not None
            raise RuntimeError("stopped")
    assert fan._pool is None and fanout._CONTEXT == {}
    assert multiprocessing.active_children() == []


def _fails_on_seven(_context: object, items: list[int]) -> list[int]:
    if 7 in items:
        raise ValueError("seven")
    return items


NESTED_KIND_TF = """\
resource "azurerm_cognitive_account" "language" {
  network_acls {
    kind = "OpenAI"
  }
  kind = "TextAnalytics"
}
"""
"""Parsed, a language service (no AI); read without the parser (the scan's budget
spent), the first ``kind =`` in the block says OpenAI: which modules were parsed shows."""


def _tree(tmp_path: Path) -> Path:
    """A repository of 150 files of every reader's kind, and 12 Terraform modules, more
    than the (lowered) parse budget covers."""
    files: dict[str, str] = {}
    for i in range(40):
        files[f"svc{i}/app.py"] = f"import openai\nclient = openai.OpenAI()\nMODEL = 'gpt-4o-mini'\n# {i}\n"
        files[f"web{i}/index.ts"] = f"import Anthropic from '@anthropic-ai/sdk';\nconst m = 'claude-3-5-haiku-{i}';\n"
        files[f"cfg{i}/settings.yaml"] = f"endpoint: https://api.openai.com/v1\nkey: ${{OPENAI_API_KEY}}\nrun: {i}\n"
    for i in range(30):
        files[f"plain{i}/util.py"] = f"def f{i}():\n    return {i}\n"
    for i in range(12):
        files[f"infra/m{i:02}/main.tf"] = NESTED_KIND_TF
    return repo(tmp_path, files)


def test_a_scan_in_workers_reports_byte_for_byte_what_one_process_reports(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path)
    monkeypatch.setattr(scan, "HCL_SCAN_BYTES", 5 * len(NESTED_KIND_TF))  # runs out at the sixth module
    submitted: list[int] = []
    real_submit = fanout.Fanout._submit

    def counted(self: fanout.Fanout[Any, Any]) -> None:
        submitted.append(len(self._pending))
        real_submit(self)

    monkeypatch.setattr(fanout.Fanout, "_submit", counted)
    monkeypatch.setattr(fanout, "workers", lambda: 2)
    code, parallel, err = run("discover", "--format", "json", str(root))
    assert code == 1, err
    assert sum(submitted) > 100  # most files went to the workers
    again = run("discover", "--format", "json", str(root))[1]
    monkeypatch.setattr(fanout, "workers", lambda: 0)
    submitted.clear()
    serial = run("discover", "--format", "json", str(root))[1]
    assert submitted == []
    assert parallel == again == serial
    dets = json.loads(serial)["detections"]
    assert {d["path"].split("/")[0] for d in dets} >= {"svc0", "web39", "cfg17", "infra"}
    # The budget is spent in the parent, in path order, whichever worker is first:
    # the first five modules parsed (no AI), the other seven read without the parser.
    tf = sorted({d["path"] for d in dets if d["path"].endswith(".tf")})
    assert tf == [f"infra/m{i:02}/main.tf" for i in range(5, 12)]


def test_a_small_scan_does_not_import_multiprocessing(tmp_path: Path) -> None:
    """A change of a few files (a hook, a pull request) pays nothing for the workers,
    not even the import of the machinery."""
    root = repo(tmp_path, {f"svc{i}/app.py": "import openai\n" for i in range(5)})
    assert loaded_by_discover(root, "multiprocessing", "concurrent.futures") == [False, False]
