"""Run one function over many items, in worker processes once there are many.

A scan parses each file on its own (a syntax tree, a lexer pass, a few searches), and
on AI-heavy code that parsing is nearly all of its time: crewAI's sources, 1,482
files and 21,000 detections, took 3.0 s on one core while ``git grep`` searched them
in 0.28 s on two. Parsing the files in worker processes (one per core, at most
:data:`MAX_WORKERS`) brought it to 1.96 s on two cores, the same report byte for byte.

The same function runs either way, and the first :attr:`Fanout.after` items always
run here: a change of a few files (a pre-commit hook, a pull request) pays nothing
for processes. Workers are forked, so they start in milliseconds and inherit what
the function reads (a compiled catalogue, which cannot be pickled); forking is used
only where it is safe, on Linux in a process with no other thread (a thread holding
a lock at the fork would leave it held in the child forever). Anywhere else the
items run here, one after another, as they always did.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

MAX_WORKERS = 4
"""Past four processes the parent, which lists and reads what the workers get, is
the bottleneck on a scan; and a CI runner's cores are shared with its other jobs."""

_CONTEXT: dict[int, Any] = {}
"""What each running fan-out's function reads besides its items, by fan-out: set
before the workers fork, so they have it without pickling."""


def _run(key: int, work: Callable[[Any, list[Any]], list[Any]], batch: list[Any]) -> list[Any]:
    return work(_CONTEXT[key], batch)


def workers() -> int:
    """How many worker processes a fan-out may start here: 0 where forking is not
    safe, where there is one core, or in a process that is itself a worker (``register
    scan`` runs a checkout's gate in each of its workers: they share the cores already)."""
    if sys.platform != "linux" or threading.active_count() > 1:
        return 0
    import multiprocessing

    if multiprocessing.parent_process() is not None:
        return 0
    try:
        cores = len(os.sched_getaffinity(0))
    except OSError:
        return 0
    return 0 if cores < 2 else min(cores, MAX_WORKERS)


class Fanout(Generic[T, R]):
    """``work(context, items)`` over the items :meth:`add` is given: here for the first
    ``after``, then in batches of ``batch`` in worker processes. :meth:`results` gives
    every result, in no particular order (a caller that needs an order sorts).
    ``work`` must be a module-level function (workers find it by name) and return one
    result per item."""

    def __init__(
        self,
        work: Callable[[Any, list[T]], list[R]],
        context: object,
        *,
        after: int = 8,
        batch: int = 16,
        processes: int | None = None,
    ) -> None:
        self.work, self.context, self.after, self.batch = work, context, after, batch
        self._processes = processes
        self._seen = 0
        self._done: list[R] = []
        self._pending: list[T] = []
        self._futures: list[tuple[list[T], Future[list[R]]]] = []
        self._pool: ProcessPoolExecutor | None = None

    @property
    def processes(self) -> int:
        """The workers this fan-out may start: asked once it has more than ``after``
        items (a small change does not import multiprocessing at all)."""
        if self._processes is None:
            self._processes = workers()
        return self._processes

    def add(self, item: T) -> None:
        self._seen += 1
        if self._seen <= self.after or self.processes == 0:
            self._done += self.work(self.context, [item])
            return
        self._pending.append(item)
        if len(self._pending) >= self.batch:
            self._submit()

    def _submit(self) -> None:
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            _CONTEXT[id(self)] = self.context
            # With fork, every worker is started here, before the executor's own thread.
            self._pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("fork"))
        self._futures.append((self._pending, self._pool.submit(_run, id(self), self.work, self._pending)))
        self._pending = []

    def results(self) -> list[R]:
        """Every item's result; the workers are gone when it returns (or raises).

        A worker that dies (killed for memory, or a parser crashing on a file) loses
        nothing: the batches it left unfinished run here, as they would have without
        workers. An exception the work raises reaches the caller as it would here."""
        try:
            if self._pending:
                if self._pool is None:  # too few to be worth a process
                    self._done += self.work(self.context, self._pending)
                    self._pending = []
                else:
                    self._submit()
            if self._futures:
                from concurrent.futures.process import BrokenProcessPool

                for batch, future in self._futures:
                    try:
                        self._done += future.result()
                    except BrokenProcessPool:
                        self._done += self.work(self.context, batch)
            return self._done
        finally:
            self.close()

    def __enter__(self) -> Fanout[T, R]:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (what they have not started is cancelled); safe to repeat."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        _CONTEXT.pop(id(self), None)
