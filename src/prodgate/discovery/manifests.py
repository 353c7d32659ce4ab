"""Dependencies in manifests and lock files, at the line of each entry.

Formats Python can parse are parsed (``tomllib``, ``json``, ``configparser``) to learn
which names are dependencies; the line is then found in the text. Line-oriented formats
(requirements, ``go.mod``, ``yarn.lock``, Gradle, ``pom.xml``) are read line by line. A
manifest that does not parse is still read by a lexical fallback that looks for known
names, so breaking a file's syntax cannot hide a dependency.
"""

from __future__ import annotations

import configparser
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prodgate.discovery import installs
from prodgate.discovery.catalogue import Catalogue, Signature, _Prefixes, normalise_pypi
from prodgate.discovery.manifest_names import kind_of as kind_of
from prodgate.discovery.model import Detection
from prodgate.discovery.safe_regex import LazyPattern, compile_safe
from prodgate.discovery.spelling import plain

_REQ_NAME = LazyPattern(r"^[ \t]{0,40}([A-Za-z0-9][A-Za-z0-9._-]{0,200})")
_EGG = LazyPattern(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]{0,200})")
_WORD = LazyPattern(r"@?[A-Za-z0-9][A-Za-z0-9._/-]{0,300}")


def detect(rel: str, text: str, cat: Catalogue, kind: str) -> Iterator[Detection]:
    reader = _READERS[kind]
    seen: set[str] = set()
    for sig, name, line in reader(text, cat):
        if name in seen:
            continue
        seen.add(name)
        yield Detection(rel, max(line, 1), "dependency", sig.id, sig.provider, None, name)


Entry = tuple[Signature, str, int]


# -- line finding -------------------------------------------------------------------------
class _Lines:
    """The lines of a manifest, and the first line that names a package. Names are
    looked for in the text with escapes folded (``"\\u006fpenai"`` is the key
    ``openai`` a parser reads), which has the same lines."""

    def __init__(self, text: str) -> None:
        self.lines = plain(text).split("\n")

    def of(self, name: str, *, pypi: bool = False, quoted: bool = False) -> int:
        if pypi:
            sep = "[-_.]"
            body = sep.join(re.escape(p) for p in re.split(r"[-_.]", name))
            pat = compile_safe(rf"(?i)(?<![A-Za-z0-9_.-]){body}(?![A-Za-z0-9_.]|-[A-Za-z])")
        elif quoted:
            pat = compile_safe(rf"[\"'/]{re.escape(name)}[\"'@]")
        else:
            pat = compile_safe(rf"(?<![A-Za-z0-9_.@/-]){re.escape(name)}(?![A-Za-z0-9_-])")
        for n, line in enumerate(self.lines, start=1):
            stripped = line.lstrip()
            if stripped.startswith(("#", "//")):
                continue
            if pat.search(line):
                return n
        return 1


def _entries(names: Iterable[str], lookup: Callable[[str], Signature | None], line: Callable[[str], int]) -> Iterator[Entry]:
    for name in names:
        sig = lookup(name)
        if sig is not None:
            yield sig, name, line(name)


def _pypi(cat: Catalogue) -> Callable[[str], Signature | None]:
    return lambda name: cat.pypi.find(normalise_pypi(name))


def _fallback(text: str, index: _Prefixes, fold: Callable[[str], str] = lambda s: s) -> Iterator[Entry]:
    """Any known name standing alone on a non-comment line: the reader for a manifest
    whose syntax is broken."""
    for n, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith(("#", "//")):
            continue
        for m in _WORD.finditer(line):
            word = m.group().strip("/.-")
            for candidate in (word, word.split("@", 1)[0] if not word.startswith("@") else word.rsplit("@", 1)[0]):
                sig = index.find(fold(candidate)) if candidate else None
                if sig is not None:
                    yield sig, candidate, n
                    break


def _requirement_names(specs: Iterable[object]) -> Iterator[str]:
    for spec in specs:
        if isinstance(spec, str) and (m := _REQ_NAME.match(spec)):
            yield m.group(1)


# -- Python -------------------------------------------------------------------------------
def _requirements(text: str, cat: Catalogue) -> Iterator[Entry]:
    for n, raw in enumerate(text.split("\n"), start=1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        from_url = installs.requirement_url(line, cat)  # git+https://…/openai-python@v1
        if from_url is not None:
            yield from_url[0], from_url[1], n
            continue
        egg = _EGG.search(raw)
        if line.startswith("-"):
            if egg is None:
                continue
            name = egg.group(1)
        else:
            m = _REQ_NAME.match(line)
            if m is None:
                continue
            name = m.group(1)
        sig = cat.pypi.find(normalise_pypi(name))
        if sig is not None:
            yield sig, name, n


def _toml(text: str) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _pyproject(text: str, cat: Catalogue) -> Iterator[Entry]:
    data = _toml(text)
    if data is None:
        yield from _fallback(text, cat.pypi, normalise_pypi)
        return
    names: list[str] = []
    project = _table(data, "project")
    names += _requirement_names(project.get("dependencies") or [])
    for group in (project.get("optional-dependencies") or {}).values():
        names += _requirement_names(group if isinstance(group, list) else [])
    for group in (data.get("dependency-groups") or {}).values():
        names += _requirement_names(group if isinstance(group, list) else [])
    tool = _table(data, "tool")
    poetry = _table(tool, "poetry")
    for key in ("dependencies", "dev-dependencies"):
        names += [k for k in (poetry.get(key) or {}) if isinstance(k, str)]
    for group in (poetry.get("group") or {}).values():
        if isinstance(group, dict):
            names += [k for k in (group.get("dependencies") or {}) if isinstance(k, str)]
    uv = _table(tool, "uv")
    names += _requirement_names(uv.get("dev-dependencies") or [])
    lines = _Lines(text)
    yield from _entries(names, _pypi(cat), lambda name: lines.of(name, pypi=True))


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _setupcfg(text: str, cat: Catalogue) -> Iterator[Entry]:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        yield from _fallback(text, cat.pypi, normalise_pypi)
        return
    values: list[str] = []
    if parser.has_section("options"):
        for key in ("install_requires", "setup_requires", "tests_require"):
            values += parser.get("options", key, fallback="").split("\n")
    if parser.has_section("options.extras_require"):
        for _key, value in parser.items("options.extras_require"):
            values += value.split("\n")
    lines = _Lines(text)
    yield from _entries(_requirement_names(v.strip() for v in values), _pypi(cat), lambda name: lines.of(name, pypi=True))


def _pipfile(text: str, cat: Catalogue) -> Iterator[Entry]:
    data = _toml(text)
    if data is None:
        yield from _fallback(text, cat.pypi, normalise_pypi)
        return
    names = [k for key in ("packages", "dev-packages") for k in (data.get(key) or {}) if isinstance(k, str)]
    lines = _Lines(text)
    yield from _entries(names, _pypi(cat), lambda name: lines.of(name, pypi=True))


def _tomllock(text: str, cat: Catalogue, index: Callable[[Catalogue], Callable[[str], Signature | None]] | None = None) -> Iterator[Entry]:
    data = _toml(text)
    lookup = (index or _pypi)(cat)
    if data is None:
        yield from _fallback(text, cat.pypi, normalise_pypi)
        return
    listed = data.get("package")
    packages = listed if isinstance(listed, list) else []
    names = [p["name"] for p in packages if isinstance(p, dict) and isinstance(p.get("name"), str)]
    lines = _Lines(text)
    yield from _entries(names, lookup, lambda name: _name_line(lines, name))


def _name_line(lines: _Lines, name: str) -> int:
    wanted = (f'name = "{name}"', f"name = '{name}'")
    for n, line in enumerate(lines.lines, start=1):
        if line.strip() in wanted:
            return n
    return lines.of(name)


# -- Rust ---------------------------------------------------------------------------------
def _cargo(text: str, cat: Catalogue) -> Iterator[Entry]:
    data = _toml(text)
    if data is None:
        yield from _fallback(text, cat.cargo)
        return
    names: list[str] = []
    tables = [data, data.get("workspace") or {}, *((data.get("target") or {}).values())]
    for table in tables:
        if not isinstance(table, dict):
            continue
        for key in ("dependencies", "dev-dependencies", "build-dependencies"):
            deps = table.get(key)
            if isinstance(deps, dict):
                for name, spec in deps.items():
                    real = spec.get("package") if isinstance(spec, dict) else None
                    names.append(real if isinstance(real, str) else str(name))
    lines = _Lines(text)
    yield from _entries(names, cat.cargo.find, lines.of)


def _cargolock(text: str, cat: Catalogue) -> Iterator[Entry]:
    yield from _tomllock(text, cat, lambda c: c.cargo.find)


# -- JavaScript ---------------------------------------------------------------------------
_NPM_SECTIONS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")


def _packagejson(text: str, cat: Catalogue) -> Iterator[Entry]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        yield from _fallback_quoted(text, cat)
        return
    names = [k for section in _NPM_SECTIONS if isinstance(data.get(section), dict) for k in data[section]]
    lines = _Lines(text)
    yield from _entries(names, cat.npm.find, lambda name: lines.of(name, quoted=True))
    yield from installs.npm_aliases(data, _NPM_SECTIONS, text, cat)


def _packagelock(text: str, cat: Catalogue) -> Iterator[Entry]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        yield from _fallback_quoted(text, cat)
        return
    names: list[str] = []
    packages = data.get("packages")
    if isinstance(packages, dict):
        names += [k.rsplit("node_modules/", 1)[1] for k in packages if "node_modules/" in k]
    deps = data.get("dependencies")
    if isinstance(deps, dict):
        names += list(deps)
    lines = _Lines(text)
    yield from _entries(dict.fromkeys(names), cat.npm.find, lambda name: lines.of(name, quoted=True))


_QUOTED = LazyPattern(r"[\"']((?:@[A-Za-z0-9._-]{1,100}/)?[A-Za-z0-9._-]{1,200})[\"'@]")


def _fallback_quoted(text: str, cat: Catalogue) -> Iterator[Entry]:
    for n, line in enumerate(text.split("\n"), start=1):
        for m in _QUOTED.finditer(line):
            sig = cat.npm.find(m.group(1))
            if sig is not None:
                yield sig, m.group(1), n


_YARN_KEY = LazyPattern(r"^\"?((?:@[A-Za-z0-9._-]{1,100}/)?[A-Za-z0-9._-]{1,200})@")


def _yarnlock(text: str, cat: Catalogue) -> Iterator[Entry]:
    for n, line in enumerate(text.split("\n"), start=1):
        if not line or line[0] in " \t#":
            continue
        for spec in line.rstrip(":").split(","):
            m = _YARN_KEY.match(spec.strip())
            if m is not None and (sig := cat.npm.find(m.group(1))) is not None:
                yield sig, m.group(1), n


_PNPM_KEY = LazyPattern(r"^[ \t]{1,16}['\"]?/?((?:@[A-Za-z0-9._-]{1,100}/)?[A-Za-z0-9._-]{1,200})(?:@|['\"]?:)")


def _pnpmlock(text: str, cat: Catalogue) -> Iterator[Entry]:
    for n, line in enumerate(text.split("\n"), start=1):
        m = _PNPM_KEY.match(line)
        if m is not None and (sig := cat.npm.find(m.group(1))) is not None:
            yield sig, m.group(1), n


# -- Go -----------------------------------------------------------------------------------
_GOMOD = LazyPattern(r"^[ \t]{0,20}(?:require[ \t]{1,20})?([A-Za-z0-9._~/-]{1,300})[ \t]{1,20}v[0-9]")


def _gomod(text: str, cat: Catalogue) -> Iterator[Entry]:
    for n, raw in enumerate(text.split("\n"), start=1):
        line = raw.split("//", 1)[0]
        m = _GOMOD.match(line)
        if m is not None and (sig := cat.go.find(m.group(1))) is not None:
            yield sig, m.group(1), n


def _gosum(text: str, cat: Catalogue) -> Iterator[Entry]:
    for n, line in enumerate(text.split("\n"), start=1):
        module = line.split(" ", 1)[0]
        if module and (sig := cat.go.find(module)) is not None:
            yield sig, module, n


# -- JVM and .NET ---------------------------------------------------------------------------
_XML_TAG = LazyPattern(r"<(groupId|artifactId)>[ \t]{0,10}([A-Za-z0-9._-]{1,200})[ \t]{0,10}</")
_GRADLE = LazyPattern(r"[\"']([A-Za-z0-9._-]{1,200}):([A-Za-z0-9._-]{1,200})(?::[^\"'\n]{0,100})?[\"']")
_GRADLE_MAP = LazyPattern(
    r"group[ \t]{0,5}[:=][ \t]{0,5}[\"']([A-Za-z0-9._-]{1,200})[\"'][ \t]{0,5},[ \t]{0,5}(?:name|module)[ \t]{0,5}[:=][ \t]{0,5}[\"']([A-Za-z0-9._-]{1,200})[\"']"
)
_NUGET = LazyPattern(r"<[Pp]ackage(?:Reference|Version)?[ \t][^>\n]{0,300}?(?:Include|Update|id)[ \t]{0,5}=[ \t]{0,5}\"([A-Za-z0-9._-]{1,200})\"")


def _maven(cat: Catalogue, group: str, artifact: str) -> Signature | None:
    return cat.maven.exact.get(f"{group}:{artifact}") or cat.maven.find(group)


def _pom(text: str, cat: Catalogue) -> Iterator[Entry]:
    group = ""
    for n, line in enumerate(text.split("\n"), start=1):
        for m in _XML_TAG.finditer(line):
            if m.group(1) == "groupId":
                group = m.group(2)
            elif group and (sig := _maven(cat, group, m.group(2))) is not None:
                yield sig, f"{group}:{m.group(2)}", n


def _gradle(text: str, cat: Catalogue) -> Iterator[Entry]:
    for n, raw in enumerate(text.split("\n"), start=1):
        if raw.lstrip().startswith(("//", "#")):
            continue
        for m in [*_GRADLE.finditer(raw), *_GRADLE_MAP.finditer(raw)]:
            sig = _maven(cat, m.group(1), m.group(2))
            if sig is not None:
                yield sig, f"{m.group(1)}:{m.group(2)}", n


def _nuget(text: str, cat: Catalogue) -> Iterator[Entry]:
    for n, line in enumerate(text.split("\n"), start=1):
        for m in _NUGET.finditer(line):
            sig = cat.nuget.find(m.group(1))
            if sig is not None:
                yield sig, m.group(1), n


_READERS: dict[str, Callable[[str, Catalogue], Iterator[Entry]]] = {
    "requirements": _requirements,
    "pyproject": _pyproject,
    "setupcfg": _setupcfg,
    "pipfile": _pipfile,
    "tomllock": _tomllock,
    "packagejson": _packagejson,
    "packagelock": _packagelock,
    "yarnlock": _yarnlock,
    "pnpmlock": _pnpmlock,
    "gomod": _gomod,
    "gosum": _gosum,
    "pom": _pom,
    "gradle": _gradle,
    "nuget": _nuget,
    "cargo": _cargo,
    "cargolock": _cargolock,
}
