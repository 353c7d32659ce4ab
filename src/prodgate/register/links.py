"""Which parts of a register row may become part of a link on the page.

A link is a repository, a commit and a path filled into ``--link-template``, all three
written by a repository's author. Percent-encoding alone does not make them safe:
``/`` and ``.`` stay as they are, so the path ``../../../../evil-org/phish/x`` filled
into ``https://github.com/{repository}/blob/{commit}/{path}`` is a link that every
browser resolves to ``https://github.com/evil-org/phish/x``, another organisation's
repository under a trusted name. So a part is linked only when it has the shape it
claims (:func:`repository_ok`, :func:`commit_ok`, :func:`path_ok`); anything else is
shown as text, unlinked. Each check is a scan of the characters, linear in the text.
"""

from __future__ import annotations

import string

_OWNER = frozenset(string.ascii_letters + string.digits + "-")
_NAME = frozenset(string.ascii_letters + string.digits + "-_.")
_HEX = frozenset(string.hexdigits)
_BAD_IN_PATH = frozenset("\\" + "".join(map(chr, range(0x20))) + "\x7f" + "".join(map(chr, range(0xD800, 0xE000))))
MAX_PATH = 4096


def repository_ok(repository: str) -> bool:
    """``owner/name`` as GitHub spells them: an owner of letters, digits and hyphens
    (at most 39, not starting with one), a name of letters, digits, ``-``, ``_`` and
    ``.`` (at most 100) that is not ``.`` or ``..``; nothing before, between or after."""
    owner, slash, name = repository.partition("/")
    return (
        bool(slash)
        and 0 < len(owner) <= 39
        and not owner.startswith("-")
        and 0 < len(name) <= 100
        and _OWNER.issuperset(owner)
        and _NAME.issuperset(name)
        and name not in (".", "..")
    )


def commit_ok(commit: str) -> bool:
    """A commit id (7 to 64 hexadecimal digits), or none at all (the link then names
    ``HEAD``)."""
    return not commit or (7 <= len(commit) <= 64 and _HEX.issuperset(commit))


def path_ok(path: str) -> bool:
    """A path inside the repository: segments joined by ``/``, none empty (no leading,
    trailing or doubled ``/``), ``.`` or ``..``; no backslash (a ``/`` to browsers), no
    control character or lone surrogate, and no ``:`` in its first segment (a scheme or
    a drive)."""
    if not path or len(path) > MAX_PATH or not _BAD_IN_PATH.isdisjoint(path):
        return False
    segments = path.split("/")
    if ":" in segments[0]:
        return False
    return all(s and s not in (".", "..") for s in segments)
