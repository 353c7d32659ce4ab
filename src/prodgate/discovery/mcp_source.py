"""One spelling for what an MCP server runs from, so that a declaration, a detection and
the policy's allow-list compare equal when they name the same server.

A source is a package (``@modelcontextprotocol/server-github@1.2.0``,
``mcp-server-git==0.6``), a container image (``ghcr.io/github/github-mcp-server:v1``,
``docker.io/library/x@sha256:…``), a URL (``https://api.example.com/mcp/?k=v``) or a
command. The version, tag or digest, a URL's query and fragment, the default registry
of an image and letter case are not part of *which* server it is: an author bumping a
version is not adding a server, and one writing ``GHCR.io/...`` is not avoiding the
allow-list. Plain string operations only (no regex), linear in the text.
"""

from __future__ import annotations

MAX_SOURCE_CHARS = 512
"""Longer sources are cut: no real package, image or URL needs more."""

_DEFAULT_REGISTRIES = (
    "docker.io/library/",
    "docker.io/",
    "index.docker.io/library/",
    "index.docker.io/",
)


def normalise_source(source: str) -> str:
    """``source`` without version, tag, digest, query or default registry, lower-cased."""
    text = source.strip()[:MAX_SOURCE_CHARS].lower()
    if "://" in text:
        return _url(text)
    text = _launched(text.split())
    if text.startswith("@"):  # a scoped npm package: @scope/name@version
        head, _, _version = text[1:].partition("@")
        return "@" + head
    for sep in ("==", ">=", "<=", "~=", "!="):
        if sep in text:  # a Python requirement: mcp-server-git==0.6
            return text.split(sep, 1)[0]
    text = text.split("@", 1)[0]  # npm name@version, image@sha256:digest
    last = text.rsplit("/", 1)
    if ":" in last[-1]:  # an image tag (a registry's :port sits before a slash)
        text = text[: len(text) - len(last[-1])] + last[-1].split(":", 1)[0]
    for prefix in _DEFAULT_REGISTRIES:
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


_LAUNCHERS = frozenset(
    {"npx", "bunx", "pnpx", "uvx", "pipx", "docker", "podman", "pnpm", "yarn", "deno"}
)
_VERBS = frozenset({"run", "dlx", "exec", "x"})


def _launched(tokens: list[str]) -> str:
    """What a command line launches: ``npx -y @scope/server`` and ``docker run -i --rm
    -e TOKEN ghcr.io/org/server`` name the package and the image; any other command is
    itself the source, with its spaces made single."""
    if not tokens:
        return ""
    if tokens[0] not in _LAUNCHERS or len(tokens) == 1:
        return " ".join(tokens)
    args = [t for t in tokens[1:] if not t.startswith("-") and t not in _VERBS]
    named = [t for t in args if "/" in t or "@" in t or "." in t]
    pick = named[0] if named else args[0] if args else tokens[0]
    return normalise_source(pick) if pick != tokens[0] else pick


def _url(text: str) -> str:
    for mark in ("#", "?"):
        text = text.split(mark, 1)[0]
    return text.rstrip("/")
