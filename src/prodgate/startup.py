"""Start-up helpers shared by the commands: fast heavy imports, terminal facts.

A pre-commit hook or a CI step pays prodgate's start-up on every run, and nearly all
of it is importing pydantic and PyYAML and building the models.
"""

from __future__ import annotations

import gc
import importlib
import os
from collections.abc import Iterable
from typing import TextIO


def import_quickly(modules: Iterable[str]) -> None:
    """Import ``modules`` with the cyclic garbage collector paused, then freeze what
    they allocated.

    Imports allocate long-lived objects and make no garbage worth collecting, yet the
    allocations trigger collections that walk everything allocated so far; freezing
    keeps later collections from walking them again. About a seventh of the wall time
    of a small run (see bench/).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        for module in modules:
            importlib.import_module(module)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def wants_color(stream: TextIO) -> bool:
    """Colour only on a terminal; ``NO_COLOR`` wins, then ``FORCE_COLOR``."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"
