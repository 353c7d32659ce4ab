"""One spelling for a source, so that a declaration, a detection and the policy's
allow-list compare equal when they name the same MCP server.

:func:`prodgate.discovery.mcp_source.normal` puts a source as a person writes it in the
form detections give (a command line as the package or image it runs, no version, tag,
digest or ``docker.io/``). Comparing needs a little more: letter case is not part of
which server it is, nor a URL's query, fragment or trailing slash, nor the tag of an
image written without a registry (``ollama/ollama:0.3``). An author bumping a version is
not adding a server, and one writing ``GHCR.io/...`` is not avoiding the allow-list.
String operations only, linear in the text.
"""

from __future__ import annotations

from prodgate.discovery.infra import image_name
from prodgate.discovery.mcp_source import normal

MAX_SOURCE_CHARS = 1024
"""Longer sources are cut: no real package, image, URL or command needs more."""


def normalise_source(text: str) -> str:
    """``text`` (a package, image, URL or command line) in the form sources compare in."""
    text = text.strip()[:MAX_SOURCE_CHARS]
    if "://" in text:
        for mark in ("#", "?"):
            text = text.split(mark, 1)[0]
        return text.rstrip("/").lower()
    word = normal(text)
    if (
        " " not in word
        and "/" in word
        and not word.startswith("@")
        and ":" in word.rsplit("/", 1)[-1]
    ):
        word = image_name(word)
    return word.lower()
