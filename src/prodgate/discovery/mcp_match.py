"""One spelling for a source, so that a declaration, a detection and the policy's
allow-list compare equal when they name the same MCP server.

:func:`prodgate.discovery.mcp_source.source` turns a command line into the package,
image or URL it runs; here a source already written as one word is brought to the same
form: its version, tag or digest, a URL's query and fragment, an image's default
registry and letter case are not part of *which* server it is. An author bumping a
version is not adding a server, and one writing ``GHCR.io/...`` is not avoiding the
allow-list. String operations only, linear in the text.
"""

from __future__ import annotations

from prodgate.discovery.infra import image_name
from prodgate.discovery.mcp_source import _npm, _pypi, source

MAX_SOURCE_CHARS = 1024
"""Longer sources are cut: no real package, image, URL or command needs more."""


def normalise_source(text: str) -> str:
    """``text`` (a package, image, URL or command line) in the form sources compare in."""
    text = text.strip()[:MAX_SOURCE_CHARS]
    if "://" in text:
        for mark in ("#", "?"):
            text = text.split(mark, 1)[0]
        return text.rstrip("/").lower()
    word = source(text)
    if not word or " " in word:
        return word.lower()
    if word.startswith("@"):
        word = _npm(word)
    elif any(sep in word for sep in ("==", ">=", "<=", "~=", "!=")):
        word = _pypi(word)
    elif "/" in word or ":" in word:
        word = image_name(word)
    else:
        word = _npm(word)
    return word.lower()
