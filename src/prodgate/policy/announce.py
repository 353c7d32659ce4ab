"""Warnings about the policy a command runs with, on stderr, once per run.

Kept out of the reports on purpose: a weaker policy or a cached copy is a fact about
the run's configuration, which the platform team and the log reader need, and which
would repeat on every asset if a report carried it. ``prodgate policy`` lists each
weakening; a gate run says it in one line.
"""

from __future__ import annotations

import sys
from typing import TextIO

from prodgate.hygiene import message
from prodgate.policy.loader import EffectivePolicy


def announce(policy: EffectivePolicy, *, detail: bool = False, out: TextIO | None = None) -> None:
    """Write the policy's notices, and its weakenings (each one with ``detail``, else
    one line that counts them and names the first)."""
    stream = out or sys.stderr
    for notice in policy.notices:
        stream.write(f"prodgate: warning: {message(notice)}\n")
    weaker = policy.weaker
    if not weaker:
        return
    if detail:
        for line in weaker:
            stream.write(f"prodgate: warning: weaker than builtin: {message(line)}\n")
        return
    more = f" and {len(weaker) - 1} more" if len(weaker) > 1 else ""
    stream.write(
        f"prodgate: warning: policy {message(policy.source)} is weaker than builtin: "
        f"{message(weaker[0])}{more} (`prodgate policy --policy ...` lists them)\n"
    )
