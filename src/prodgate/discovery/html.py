"""The scripts of an HTML page, kept where they stand.

A page's inline ``<script>`` runs in the browser like any JavaScript file, so what it
imports or calls is use; the rest of the page is what the page shows (a documentation
page may print ``pip install openai`` or an endpoint), which is not. The page is read as
JavaScript with everything outside its scripts blanked: lines and columns stay those of
the file, and the one JavaScript reader judges the code.
"""

from __future__ import annotations

import re

# Script types that hold data or templates, not code a browser runs.
_DATA_TYPES = ("json", "ld+json", "template", "html", "x-template", "markdown", "plain")


def scripts_only(text: str) -> str:
    """``text`` with every character outside the bodies of ``<script>`` elements that
    run replaced by a space (line breaks kept). Linear: one forward pass of ``find``
    over the lower-cased text; an unclosed script runs to the end of the file, as a
    browser reads it."""
    low = text.lower()
    out: list[str] = []
    kept = 0  # text[:kept] is accounted for in out
    at = 0
    while True:
        start = low.find("<script", at)
        if start < 0:
            break
        open_end = low.find(">", start)
        if open_end < 0:
            break
        body_end = low.find("</script", open_end)
        if body_end < 0:
            body_end = len(text)
        if _runs(low[start + 7 : open_end]):
            out.append(_blank(text[kept : open_end + 1]))
            out.append(text[open_end + 1 : body_end])
            kept = body_end
        at = body_end + 1
    out.append(_blank(text[kept:]))
    return "".join(out)


def _runs(attributes: str) -> bool:
    """Whether a script with these (lower-cased) attributes is code the page runs here:
    not one loaded from elsewhere (``src=``, which the page's author does not write) and
    not one whose ``type`` says it holds data or a template."""
    if attributes[:1] not in ("", " ", "\t", "\n", "\r", "/"):
        return False  # <scripts>, <script-foo>: another element
    if "src=" in attributes:
        return False
    at = attributes.find("type=")
    if at < 0:
        return True
    value = attributes[at + 5 : at + 60].strip("\"' ")
    return not any(t in value.split()[0].strip("\"'") for t in _DATA_TYPES) if value else True


_NOT_A_BREAK = re.compile(r"[^\r\n]")  # one character class: linear


def _blank(text: str) -> str:
    """Spaces for every character but line breaks, so offsets and lines are kept."""
    return _NOT_A_BREAK.sub(" ", text)
