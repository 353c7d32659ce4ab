"""One function's last answer, kept for the next caller that asks about the same object.

Discovery reads each file through several readers that derive the same thing from it:
the module and agent readers both walk one syntax tree, both want its imports, both
search its text folded as Python reads names and encoded for RE2. Each derivation is
done once per file by keeping the last argument and answer. The argument is compared
by identity and held, so its identity cannot be reused by another object while kept;
only one is kept, so nothing grows with the number of files.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

A = TypeVar("A")
R = TypeVar("R")

_NOTHING = object()


def last_answer(function: Callable[[A], R]) -> Callable[[A], R]:
    """``function`` answering again, without calling it, for the object it was last given."""
    kept: list[object] = [_NOTHING, None]

    @functools.wraps(function)
    def answer(argument: A) -> R:
        if kept[0] is argument:
            return kept[1]  # type: ignore[return-value]
        result = function(argument)
        kept[0], kept[1] = argument, result
        return result

    return answer
