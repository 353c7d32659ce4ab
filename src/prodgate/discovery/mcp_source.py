"""Where an MCP server runs from, in one normal form: what a declaration's
``agent.mcp_servers[].source`` is compared with.

An editor's configuration, an SDK client and an agent framework all say how to start or
reach a server the same few ways: a package run by a launcher (``npx -y
@modelcontextprotocol/server-github``, ``uvx mcp-server-git``), a container image
(``docker run -i --rm -e TOKEN ghcr.io/github/github-mcp-server``) or a URL. The
package, the image (without registry ``docker.io/``, tag or digest) or the URL is the
source; any other command is its command line. Versions are left out (``pkg@1.2.0`` is
``pkg``), so that bumping one is not a new server.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Sequence

MAX_WORDS = 200
"""A command line longer than this is cut: no configuration needs more."""

_NPX = {"npx", "bunx", "pnpx"}
_NPM_EXEC = {("npm", "exec"), ("pnpm", "dlx"), ("yarn", "dlx"), ("bun", "x"), ("pnpm", "exec")}
_UVX = {"uvx", "pipx"}  # "pipx run pkg"
_CONTAINERS = {"docker", "podman", "nerdctl"}
_WRAPPERS = {"cmd", "cmd.exe", "/c", "/C", "/s", "/S", "call"}
"""Windows' ``cmd /c npx -y pkg``: the launcher comes after."""

# Container flags that take a value when written apart (`-e NAME`); all others are flags.
_DOCKER_VALUE = frozenset(
    {
        "-e",
        "--env",
        "--env-file",
        "-v",
        "--volume",
        "--mount",
        "--name",
        "--network",
        "--net",
        "-p",
        "--publish",
        "-w",
        "--workdir",
        "-u",
        "--user",
        "--entrypoint",
        "--platform",
        "-l",
        "--label",
        "--cpus",
        "-m",
        "--memory",
        "--add-host",
        "--dns",
        "--hostname",
        "-h",
        "--pull",
        "--cap-add",
        "--cap-drop",
        "--security-opt",
        "--ulimit",
        "--tmpfs",
        "--device",
        "--runtime",
        "--restart",
        "--log-driver",
        "--gpus",
        "--ipc",
        "--pid",
    }
)
_NPX_VALUE = frozenset({"-p", "--package", "-c", "--call", "--cache", "--registry", "--userconfig"})
_UVX_VALUE = frozenset(
    {
        "--from",
        "--with",
        "-w",
        "--python",
        "-p",
        "--index",
        "--index-url",
        "--extra-index-url",
        "--spec",
    }
)


def source(command: str | None, args: Sequence[str] = (), url: str | None = None) -> str:
    """The normal form of a server's source: its URL, package, image, or command line."""
    if url:
        return url.strip()
    words = [*(_split(command) if command and not args else [command] if command else []), *args][
        :MAX_WORDS
    ]
    while words and (words[0] in _WRAPPERS or posixpath.basename(words[0]).lower() in _WRAPPERS):
        words = words[1:]
    if not words:
        return ""
    tool = _program(words[0])
    rest = words[1:]
    found: str | None = None
    if tool in _NPX:
        found = _package(rest, _NPX_VALUE, npm=True)
    elif rest and (tool, rest[0]) in _NPM_EXEC:
        found = _package(rest[1:], _NPX_VALUE, npm=True)
    elif (
        tool == "uvx"
        or (tool == "pipx" and rest[:1] == ["run"])
        or (tool == "uv" and rest[:2] == ["tool", "run"])
    ):
        rest = rest[1:] if tool == "pipx" else rest[2:] if tool == "uv" else rest
        given = _value_of(rest, "--from")
        found = _pypi(given) if given else _package(rest, _UVX_VALUE, npm=False)
    elif tool in _CONTAINERS and rest[:1] == ["run"]:
        image = _package(rest[1:], _DOCKER_VALUE, npm=False, raw=True)
        if image:
            from prodgate.discovery.infra import image_name

            found = image_name(image)
    return found or shlex.join(words)


def _split(command: str) -> list[str]:
    """A command written as one string (``"npx -y pkg"``), split as a shell would."""
    try:
        return shlex.split(command)
    except ValueError:
        return command.split()


def _program(word: str) -> str:
    """``/usr/local/bin/npx``, ``npx.cmd`` and ``npx`` are one launcher."""
    base = posixpath.basename(word.replace("\\", "/")).lower()
    for ext in (".cmd", ".exe", ".bat", ".ps1"):
        base = base.removesuffix(ext)
    return base


def _value_of(words: Sequence[str], flag: str) -> str | None:
    for k, word in enumerate(words):
        if word == flag and k + 1 < len(words):
            return words[k + 1]
        if word.startswith(flag + "="):
            return word.split("=", 1)[1]
    return None


def _package(
    words: Sequence[str], valued: frozenset[str], *, npm: bool, raw: bool = False
) -> str | None:
    """The first word that is not a flag (nor a flag's value), without its version."""
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word == "--":
            continue
        if word.startswith("-"):
            skip = word in valued
            continue
        if raw:
            return word
        return _npm(word) if npm else _pypi(word)
    return None


def _npm(spec: str) -> str:
    """``@scope/pkg@1.2`` -> ``@scope/pkg``; ``pkg@latest`` -> ``pkg``."""
    at = spec.find("@", 1)
    return spec[:at] if at > 0 else spec


def _pypi(spec: str) -> str:
    """``mcp-server-git==0.6`` or ``mcp-server-git@latest`` -> ``mcp-server-git``."""
    for sep in ("==", ">=", "<=", "~=", "!=", "@", "[", ">", "<"):
        cut = spec.find(sep)
        if cut > 0:
            spec = spec[:cut]
    return spec.strip()


def normal(text: str) -> str:
    """A source as a person writes it (a declaration's ``source:``) in the same normal
    form: a URL as it is; a command line as :func:`source` reads it; an image with a
    registry (``ghcr.io/github/github-mcp-server:v1``) without tag, digest or
    ``docker.io/``; a package without its version (``@scope/pkg@1.2``, ``pkg==0.6``)."""
    text = text.strip()
    if "://" in text:
        return text
    if any(c.isspace() for c in text):
        return source(text)
    first = text.split("/", 1)[0]
    if (
        "/" in text
        and not text.startswith("@")
        and ("." in first or ":" in first or first == "localhost")
    ):
        from prodgate.discovery.infra import image_name

        return image_name(text)
    if text.startswith("docker.io/"):
        from prodgate.discovery.infra import image_name

        return image_name(text)
    return _npm(text) if "@" in text[1:] else _pypi(text)
