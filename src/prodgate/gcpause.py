"""Pause the cyclic garbage collector while a large acyclic structure is built.

CPython starts a collection every few hundred container allocations, and each older
generation's collection walks everything that survived so far: building 400,000
headings of one artifact (tuples of a string and two numbers, which can form no cycle)
spent about half its time in collections that could free nothing. Work that only
allocates such structures runs with the collector paused; it runs again afterwards,
so garbage from elsewhere is still collected.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Run the block with the collector off, and restore it as it was (nested uses
    and a caller that turned it off stay as they were)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
