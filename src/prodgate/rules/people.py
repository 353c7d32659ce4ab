"""Who a name in an exception stands for: no one (a placeholder), or a person that two
roles may share.

Exceptions are accountable through people: three approvers and five owners by
default. A dash, ``n/a`` or ``TBD`` fills a role without anyone in it, and one person
typed into several roles (or the asset's own owner approving) is no independent check.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from prodgate.placeholders import is_placeholder
from prodgate.policy.model import Placeholder


def not_a_name(value: str, placeholders: Sequence[Placeholder] = ()) -> str | None:
    """Why ``value`` is no one's name (``""``: it is empty), or None when it may be one.

    A name has at least two letters and is not a placeholder (``n/a``, ``TBD``,
    ``<name>``: :func:`prodgate.placeholders.is_placeholder` decides). Invisible
    characters are refused by the schema already.
    """
    text = " ".join(value.split())
    if not text:
        return ""
    if sum(ch.isalpha() for ch in text) < 2:
        return f"{text!r} is not a name"
    if is_placeholder(text, placeholders):
        return f"{text!r} is a placeholder, not a name"
    return None


def person_key(name: str) -> tuple[str, ...]:
    """A name compared without case, punctuation, spacing or word order
    ("Novak, Helena" is "helena NOVAK")."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return tuple(sorted("".join(ch if ch.isalnum() else " " for ch in folded).split()))


def same_person(name: str, login: str | None, other_name: str, other_login: str | None) -> bool:
    """Whether two role holders are one person: the same GitHub account when both give
    one (two accounts are two people, whatever their names), else the same name."""
    if login and other_login:
        return login.lstrip("@").lower() == other_login.lstrip("@").lower()
    key = person_key(name)
    return bool(key) and key == person_key(other_name)
