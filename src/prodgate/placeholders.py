"""The one judge of whether a value someone typed is a placeholder.

Fix messages offer example values (``name: <name>``, ``email: <email>``, ``name:
<model>``); a team pastes them, and a value the gate then accepted would let an
invented person own an asset or a model nobody named be its evidence. So every example
a message offers is written in a form this module refuses, and every rule that reads
a person, an address, a model, a data source or a ticket asks this module, the same
way the approvers of an exception always have (:func:`prodgate.rules.people.not_a_name`).

It sits below the declaration loader and the rules: the schema's messages
(``email: <email>``) and the rules (``name: <name>``) say "fill in" for the same values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from prodgate.linear import Lines


class Placeholder(Protocol):
    """What this module needs of a policy's placeholder
    (:class:`prodgate.policy.model.Placeholder`): said as a protocol, so that this
    module stays below the declaration loader and the policy alike."""

    def first_in_lines(self, lines: Lines, limit: int | None = None) -> dict[int, int]: ...

PLACEHOLDER_WORDS = frozenset({
    "n/a", "na", "n.a.", "tbd", "tba", "tbc", "todo", "fixme", "none", "null", "nil", "nobody",
    "unknown", "unassigned", "pending", "vacant", "xxx", "xx", "name", "approver", "owner",
    "someone", "anyone", "somebody", "placeholder", "email", "model", "provider", "ticket",
    "changeme",
})
"""Text people type for a value they do not have (compared without case)."""


def is_placeholder(value: str, placeholders: Sequence[Placeholder] = ()) -> bool:
    """Whether ``value`` stands for something still to be filled in: one of
    :data:`PLACEHOLDER_WORDS`, a ``<...>`` anywhere in it (``<name>``,
    ``<model>-mini``, ``<name>@example.com``), or text that one of the policy's
    ``placeholders`` (``TODO``, ``<fill in>``) matches. Linear in the value's length."""
    text = " ".join(value.split())
    if text.casefold() in PLACEHOLDER_WORDS or _angle_bracketed(text):
        return True
    lines = Lines([text])
    return any(p.first_in_lines(lines, 1) for p in placeholders)


def _angle_bracketed(text: str) -> bool:
    """A ``<`` with a ``>`` after it: the first ``>`` after the first ``<`` closes the
    last ``<`` before it, so two searches decide it."""
    opened = text.find("<")
    return opened != -1 and text.find(">", opened + 1) != -1


def fill_in(where: str, value: str, what: str) -> str:
    """The one wording of a placeholder finding: ``owner.name: '<name>' is a placeholder;
    fill in the accountable person's name``."""
    return f"{where}: {value!r} is a placeholder; fill in {what}"
