"""Who a name in an exception stands for: no one (a placeholder), or a person that two
roles may share.

Exceptions are accountable through people: three approvers and five owners by
default. A dash, ``n/a`` or ``TBD`` fills a role without anyone in it, and one person
typed into several roles (or the asset's own owner approving) is no independent check.

Names are typed by the pull request's author, so they are compared as they look, not
as they are encoded: after NFKC normalisation and confusable folding (each character
replaced by one representative of the characters Unicode lists as confusable with it,
``confusable-homoglyphs``' data of UTS #39), "Helena Novak" typed with a Cyrillic
capital EN and small IE is "Helena Novak". A name that mixes scripts is no one's name: real names are written in
one script (Japanese and Korean ones in the combinations their writing uses).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from prodgate.placeholders import is_placeholder
from prodgate.policy.model import Placeholder


def not_a_name(value: str, placeholders: Sequence[Placeholder] = ()) -> str | None:
    """Why ``value`` is no one's name (``""``: it is empty), or None when it may be one.

    A name has at least two letters, is not a placeholder (``n/a``, ``TBD``, ``<name>``:
    :func:`prodgate.placeholders.is_placeholder` decides) and is written in one script.
    Invisible characters are refused by the schema already.
    """
    why = _no_one(value, placeholders)
    if why is not None:
        return why
    text = " ".join(value.split())
    scripts = mixed_scripts(text)
    if scripts:
        return f"{text!r} mixes scripts ({', '.join(scripts)}), which no one's name does; write it in one script"
    return None


def nobody(value: str, placeholders: Sequence[Placeholder] = ()) -> bool:
    """Whether ``value`` stands for no one at all (empty, or a placeholder). A name that
    mixes scripts is refused as a name, but stands for someone all the same: whoever
    it imitates, and a role it fills still counts against that person (PG509)."""
    return _no_one(value, placeholders) is not None


def _no_one(value: str, placeholders: Sequence[Placeholder]) -> str | None:
    text = " ".join(value.split())
    if not text:
        return ""
    if sum(ch.isalpha() for ch in text) < 2:
        return f"{text!r} is not a name"
    if is_placeholder(text, placeholders):
        return f"{text!r} is a placeholder, not a name"
    return None


_NEUTRAL = frozenset({"COMMON", "INHERITED"})
"""Spaces, punctuation, digits and combining marks belong to every script."""

_WRITINGS = (
    frozenset({"HAN", "HIRAGANA", "KATAKANA"}),  # Japanese
    frozenset({"HAN", "HANGUL"}),  # Korean
    frozenset({"HAN", "BOPOMOFO"}),  # Chinese with zhuyin
)
"""Scripts that one writing system combines (UTS #39's augmented script sets)."""


def mixed_scripts(name: str) -> list[str]:
    """The scripts of ``name`` when it mixes them (Helena with a Cyrillic EN is Cyrillic and Latin),
    else an empty list."""
    text = unicodedata.normalize("NFKC", name)
    if text.isascii():
        return []  # Latin letters, digits and punctuation: the library is not even loaded
    from confusable_homoglyphs import categories

    scripts = set(categories.unique_aliases(text)) - _NEUTRAL
    if len(scripts) < 2 or any(scripts <= writing for writing in _WRITINGS):
        return []
    return sorted(s.title() for s in scripts)


def person_key(name: str) -> tuple[str, ...]:
    """A name compared without case, punctuation, spacing or word order
    ("Novak, Helena" is "helena NOVAK")."""
    return _words(unicodedata.normalize("NFKC", name).casefold())


def look_alike_keys(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The name as it looks: its words with every character folded to one
    representative of its confusables, as typed (a capital Cyrillic EN looks like H, a
    small one does not look like h) and in lower case (a Cyrillic small A in "novak")."""
    text = unicodedata.normalize("NFKC", name)
    return (
        tuple(sorted("".join(map(_fold, w)) for w in _words(text))),
        tuple(sorted("".join(map(_fold, w)) for w in _words(text.casefold()))),
    )


def same_person(name: str, login: str | None, other_name: str, other_login: str | None) -> bool:
    """Whether two role holders are one person: the same GitHub account when both give
    one (two accounts are two people, whatever their names, unless the names only look
    alike: a namesake types the same letters), else the same name or one that looks
    the same."""
    key, other = person_key(name), person_key(other_name)
    # Two names in ASCII are compared as typed: the confusables (and their import, a
    # fifth of a second on the start-up path) are for names that bring other scripts.
    alike = bool(key) and not (name.isascii() and other_name.isascii()) and any(
        a == b for a, b in zip(look_alike_keys(name), look_alike_keys(other_name), strict=True)
    )
    if login and other_login:
        return login.lstrip("@").lower() == other_login.lstrip("@").lower() or (alike and key != other)
    return bool(key) and (key == other or alike)


def _words(text: str) -> tuple[str, ...]:
    return tuple(sorted("".join(ch if ch.isalnum() else " " for ch in text).split()))


_MAX_CLASS = 512
"""Characters a confusable class is followed to at most (the largest has fewer than 100)."""


@lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    """One representative (the lowest code point) of the characters confusable with
    ``ch``, followed through the data until no new one comes (``1``, ``l``, ``I`` and
    ``|`` are one class), so that the fold does not depend on which of them was typed."""
    from confusable_homoglyphs import confusables

    seen, todo = {ch}, [ch]
    while todo and len(seen) < _MAX_CLASS:
        found = confusables.is_confusable(todo.pop(), greedy=True, preferred_aliases=[])
        for item in found or ():
            for glyph in item["homoglyphs"]:
                other = glyph["c"]
                if len(other) == 1 and other not in seen:
                    seen.add(other)
                    todo.append(other)
    return min(seen)
