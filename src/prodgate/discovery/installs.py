"""Packages named where a manifest is not: install commands in Dockerfiles, shell
scripts and CI steps (``RUN pip install openai``, ``npm install @anthropic-ai/sdk``),
and requirement lines that are URLs or VCS references
(``git+https://github.com/openai/openai-python@v1.3.0``).

A command is found by RE2-checked patterns and its arguments are split on blanks, in
one pass over the text; nothing is run and nothing fetched.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from prodgate.discovery.catalogue import Catalogue, Signature, normalise_pypi
from prodgate.discovery.lexer import HASH, Lexed, StringLiteral, blank_comments, blank_strings, lex
from prodgate.discovery.model import Detection
from prodgate.discovery.safe_regex import LazyPattern

_COMMAND = LazyPattern(
    r"(?m)(?:^|[ \t;&|(`])(?:(pip3?|pipx|uv[ \t]{1,5}pip|uv|poetry|pdm|conda|mamba|micromamba)"
    r"|(npm|pnpm|yarn|bun))[ \t]{1,20}(?:install|add|i)(?:[ \t]|$)"
)
_NAME = LazyPattern(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}")
_ENDS = frozenset({"&&", "||", ";", "|", ")", "&"})
"""Words that end a command; a word holding one of their characters ends it there."""
_WITH_VALUE = frozenset({
    "-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url",
    "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--registry", "--cache",
    "-C", "--cwd", "--python", "-p", "--channel", "--only", "--group", "-G",
})


def commands(rel: str, text: str, cat: Catalogue, *, shell: bool = False) -> Iterator[Detection]:
    """The catalogue packages that install commands in ``text`` (shell syntax: a
    Dockerfile, a script, a CI step) install, at the line of each package. Comments
    never count; a backslash at the end of a line continues the command. ``shell``:
    a shell script, whose quoted strings are arguments unless it runs them
    (:func:`shell_code`, which needs the literals the lexer collects)."""
    lexed = lex(text, HASH) if shell else blank_comments(text, HASH)
    code = shell_code(lexed) if shell else lexed.code
    memo: dict[tuple[bool, str], tuple[Signature, str] | None] = {}  # each distinct word looked up once
    pos = 0
    # Each command's words are read once: the search resumes where the command ends.
    while (m := _COMMAND.search(code, pos)) is not None:
        python = m.group(1) is not None
        words, stop = _words(code, m.end(), _command_end(code, m.end()))
        pos = max(stop, m.end())
        skip_next = False
        for word, at in words:
            if skip_next:
                skip_next = False
                continue
            if word.startswith("-"):
                skip_next = word in _WITH_VALUE
                continue
            key = (python, word)
            if key not in memo:
                memo[key] = _python_package(word, cat) if python else _npm_package(word, cat)
            found = memo[key]
            if found is not None:
                sig, name = found
                yield Detection(rel, lexed.line_of(at), "dependency", sig.id, sig.provider, None, name)


_RUNS_STRING = ("-c", "eval", "exec")


def shell_code(lexed: Lexed) -> str:
    """A shell script's code with its quoted strings blanked, but those it runs
    (``bash -c "..."``, ``eval "..."``, a double-quoted string that substitutes a
    command: ``"$(ollama run llama3 hi)"``): ``echo "pip install openai"`` shows a
    command, as a page of documentation does; it does not run it."""
    code_text = lexed.code

    def runs(s: StringLiteral) -> bool:
        before = code_text[max(0, s.offset - 8) : s.offset].rstrip()
        substitutes = code_text[s.offset] == '"' and ("$(" in s.value or "`" in s.value)
        return substitutes or before.endswith(_RUNS_STRING)

    run = [s for s in lexed.strings if runs(s)]
    code = blank_strings(lexed, runs)
    if not run:
        return code
    chars = list(code)  # a string it runs is code: its quotes become blanks
    for s in run:
        chars[s.offset] = " "
        close = s.offset + 1 + len(s.value)
        if close < len(chars) and chars[close] == code[s.offset]:
            chars[close] = " "
    return "".join(chars)


def _command_end(code: str, pos: int) -> int:
    """Where a command that starts before ``pos`` ends: the end of its line, unless
    the line ends with a backslash (then the next one's)."""
    while True:
        nl = code.find("\n", pos)
        if nl == -1:
            return len(code)
        back = nl
        while back > pos and code[back - 1] in " \t\r":
            back -= 1
        if back > pos and code[back - 1] == "\\":
            pos = nl + 1
            continue
        return nl


def _words(code: str, start: int, end: int) -> tuple[list[tuple[str, int]], int]:
    """The words of ``code[start:end]`` with their offsets, up to a shell separator,
    and the offset where they stop (the separator, or ``end``)."""
    pos = start
    words: list[tuple[str, int]] = []
    for raw in code[start:end].split():
        at = code.find(raw, pos, end)
        pos = at + len(raw)
        if raw in _ENDS:
            return words, at
        word = raw.strip("\"'")
        if "&" in word or "|" in word or ";" in word or ")" in word:
            cut = min(k for k in (word.find(c) for c in "&|;)") if k != -1)
            if cut:
                words.append((word[:cut], at))
            return words, at + max(cut, 1)
        if word and word != "\\":
            words.append((word, at))
    return words, end


def _python_package(word: str, cat: Catalogue) -> tuple[Signature, str] | None:
    name = url_requirement_name(word) if ("://" in word or word.startswith("git+")) else None
    if name is None:
        m = _NAME.match(word)
        if m is None:
            return None
        name = m.group()
    for candidate in _project_names(name):
        sig = cat.pypi.find(normalise_pypi(candidate))
        if sig is not None:
            return sig, candidate
    return None


def _npm_package(word: str, cat: Catalogue) -> tuple[Signature, str] | None:
    if word.startswith("@"):
        name = word if word.count("@") == 1 else word.rsplit("@", 1)[0]
    else:
        name = word.split("@", 1)[0]
    sig = cat.npm.find(name) if name else None
    return (sig, name) if sig is not None else None


_EGG = LazyPattern(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]{0,200})")


def url_requirement_name(spec: str) -> str | None:
    """The project a URL or VCS requirement installs: its ``#egg=`` name, else the
    distribution a wheel or sdist file name starts with, else the repository's name
    (``git+https://github.com/openai/openai-python@v1.3.0`` gives ``openai-python``;
    :func:`_project_names` tries ``openai`` after it)."""
    egg = _EGG.search(spec)
    if egg is not None:
        return egg.group(1)
    rest = spec.split("#", 1)[0].split("?", 1)[0].split("://", 1)[-1]
    segments = rest.rstrip("/").split("/")
    for k in range(1, len(segments)):  # past the host (and any user@ before it): repo@ref
        if "@" in segments[k]:
            segments = [*segments[:k], segments[k].split("@", 1)[0]]
            break
    last = segments[-1] if len(segments) > 1 else ""
    if last.endswith(".git"):
        last = last[:-4]
    elif last.endswith((".whl", ".tar.gz", ".zip", ".tar.bz2")):
        last = last.split("-", 1)[0]  # openai-1.3.0-py3-none-any.whl
    m = _NAME.match(last)
    return m.group() if m is not None else None


def _project_names(name: str) -> list[str]:
    """``name``, then without the parts repositories add to a project's name
    (``openai-python``, ``anthropic-sdk-python``, ``python-dotenv``)."""
    out = [name]
    low = name.lower()
    for suffix in ("-sdk-python", "-python-sdk", "-python", "-py", "-sdk"):
        if low.endswith(suffix) and len(low) > len(suffix):
            out.append(name[: -len(suffix)])
            break
    for prefix in ("python-", "py-"):
        if low.startswith(prefix) and len(low) > len(prefix):
            out.append(name[len(prefix):])
    return out


def requirement_url(line: str, cat: Catalogue) -> tuple[Signature, str] | None:
    """A requirements line that is a URL or VCS reference (not ``name @ url``, which
    names its project first), as a catalogue package, or None."""
    spec = line.strip()
    if spec.startswith(("-e ", "--editable ")):
        spec = spec.split(None, 1)[1].strip()
    if "://" not in spec.split(" ", 1)[0] and not spec.startswith("git+"):
        return None
    return _python_package(spec.split(" ", 1)[0], cat)


def npm_aliases(
    data: dict[str, Any], sections: tuple[str, ...], text: str, cat: Catalogue
) -> Iterator[tuple[Signature, str, int]]:
    """Dependencies of a ``package.json`` installed under another name
    (``"llm": "npm:openai@^4"``): the package after ``npm:``, at the line of the
    entry's value."""
    for section in sections:
        deps = data.get(section)
        if not isinstance(deps, dict):
            continue
        for spec in deps.values():
            if not isinstance(spec, str) or not spec.startswith("npm:"):
                continue
            found = _npm_package(spec[4:], cat)
            if found is not None:
                at = text.find(json.dumps(spec))
                yield found[0], found[1], text.count("\n", 0, at) + 1 if at != -1 else 1
