"""Detectors for source code and configuration: imports, endpoints, credentials and
model identifiers.

Python is parsed with ``ast`` (never executed): imports are import statements, strings
are string constants that are not docstrings. Other languages are lexed
(:mod:`prodgate.discovery.lexer`) so that comments never count; imports are found by
the syntax that introduces them. A Python file that does not parse falls back to the
lexer, so a syntax error hides nothing.
"""

from __future__ import annotations

import ast
import bisect
import itertools
import json
from collections.abc import Callable, Iterable, Iterator

from prodgate.discovery.catalogue import Catalogue, Signature
from prodgate.discovery.lexer import (
    C_STYLE,
    HASH,
    NONE,
    PYTHON,
    Lexed,
    blank_comments,
    lex,
    line_starts,
)
from prodgate.discovery.model import Detection
from prodgate.discovery.safe_regex import LazyPattern

MAX_MODEL_STRING = 200
"""Longer strings, or strings with spaces, are prose or data, not a model identifier."""


def _det(rel: str, line: int, kind: str, sig: Signature, match: str, model: str | None = None) -> Detection:
    return Detection(rel, max(line, 1), kind, sig.id, sig.provider, model, match)


# -- strings and configuration ----------------------------------------------------------
# Every pattern below matches within one line and contains one of the catalogue's
# literals (a host's longest fixed part, a URL path, a credential variable, a model or
# constant prefix): text without a literal yields nothing, and one RE2 scan (a DFA, far
# faster than the patterns) finds the few strings and lines that hold one.
def strings(rel: str, items: Iterable[tuple[int, str]], cat: Catalogue, *, env: bool) -> Iterator[Detection]:
    """Endpoints, model identifiers (and credentials when ``env``) in string literals,
    each given with the line it starts on."""
    # The same string twice on a line (a generated list, a minified bundle) is one use.
    unique = list(dict.fromkeys(items))
    for k in _with_literals([value for _line, value in unique], cat):
        line, value = unique[k]
        yield from _matches(rel, value, _offset_lines(line, value), cat, env=env, models=_model_like(value))


def _with_literals(values: list[str], cat: Catalogue) -> Iterator[int]:
    """The indexes of the ``values`` that hold a catalogue literal, in order: one
    search of them all, joined, resumed after each value found."""
    if not values:
        return
    parts = [v.encode("utf-8", "surrogatepass") for v in values]
    data = b"\n".join(parts)  # a literal holds no line break: none spans two values
    ends = list(itertools.accumulate(len(p) + 1 for p in parts))
    search, pos = cat.literals.search, 0
    while (m := search(data, pos)) is not None:
        k = bisect.bisect_right(ends, m.start())
        yield k
        pos = ends[k]


def _literal_lines(text: str, cat: Catalogue) -> Iterator[tuple[int, int]]:
    """The (start, end) offsets of the lines of ``text`` that hold a catalogue literal,
    in order; the search resumes at the next line, so each character is seen a bounded
    number of times however many literals a line holds."""
    data = text.encode("utf-8", "surrogatepass")
    same = len(data) == len(text)  # ASCII: byte and character offsets agree
    search, pos, size = cat.literals.search, 0, len(data)
    done_bytes = done_chars = 0
    while (m := search(data, pos)) is not None:
        start = data.rfind(b"\n", 0, m.start()) + 1
        end = data.find(b"\n", m.end())
        end = size if end == -1 else end
        pos = end + 1
        if same:
            yield start, end
            continue
        # Character offsets, counted from the last line found: linear in the text.
        first = done_chars + len(data[done_bytes:start].decode("utf-8", "surrogatepass"))
        done_bytes, done_chars = end, first + len(data[start:end].decode("utf-8", "surrogatepass"))
        yield first, done_chars


def _offset_lines(first: int, value: str) -> Callable[[int], int]:
    """Line of an offset in a string literal that starts on line ``first``."""
    return lambda offset: first + value.count("\n", 0, offset)


def _model_like(value: str) -> bool:
    return 0 < len(value) <= MAX_MODEL_STRING and not any(c.isspace() for c in value)


def _in_text(
    rel: str, text: str, line_of: Callable[[int], int], cat: Catalogue, *, env: bool, models: bool
) -> Iterator[Detection]:
    """What :func:`_matches` finds in ``text``, searched in its lines that hold a literal."""
    for start, end in _literal_lines(text, cat):
        yield from _matches(rel, text[start:end], _shifted(line_of, start), cat, env=env, models=models)


def _shifted(line_of: Callable[[int], int], start: int) -> Callable[[int], int]:
    return lambda offset: line_of(start + offset)


def _matches(
    rel: str, text: str, line_of: Callable[[int], int], cat: Catalogue, *, env: bool, models: bool
) -> Iterator[Detection]:
    for m in cat.host_re.finditer(text):
        sig = cat.host(m.group())
        if sig is not None:
            yield _det(rel, line_of(m.start()), "endpoint", sig, m.group())
    for m in cat.url_re.finditer(text):
        sig = cat.url(m.group())
        if sig is not None:
            yield _det(rel, line_of(m.start()), "endpoint", sig, m.group())
    if env:
        for m in cat.env_re.finditer(text):
            sig = cat.env(m.group())
            if sig is not None:
                yield _det(rel, line_of(m.start()), "credential", sig, m.group())
    if models:
        for m in cat.model_re.finditer(text):
            name = m.group().rstrip(".:/@-_")
            sig = cat.model(name)
            if sig is not None:
                yield _det(rel, line_of(m.start()), "model", sig, name, model=name)


def config(rel: str, text: str, cat: Catalogue, style: str) -> Iterator[Detection]:
    """Configuration (YAML, TOML, properties, .env, Dockerfile, JSON, ...): values are
    often unquoted, so everything outside comments counts."""
    # Without comments (JSON, or none written) the code is the text itself: no lexing,
    # which on a large data file costs far more than the search.
    lexed = blank_comments(text, style)
    yield from _in_text(rel, lexed.code, lexed.line_of, cat, env=True, models=True)


_POLICY = LazyPattern(r"(?m)^apiVersion:[ \t]{0,20}[\"']?prodgate/policy/v1[\"']?[ \t]{0,20}\r?$")
_TOP_KEY = LazyPattern(r"(?m)^[^ \t\r\n#-][^\n]{0,200}")


def policy_signatures(text: str) -> tuple[int, int] | None:
    """The lines (first, last) of a prodgate policy's top-level ``discovery:`` section,
    where it names signatures to look for: what it names there is not use. Only a
    file whose top level says ``apiVersion: prodgate/policy/v1`` is a policy, and only
    that section is set aside; a comment naming the version hides nothing."""
    if _POLICY.search(text) is None:
        return None
    first = last = 0
    line, seen = 1, 0
    for m in _TOP_KEY.finditer(text):
        line += text.count("\n", seen, m.start())  # counted once over the whole text
        seen = m.start()
        if first and not last:
            last = line - 1
        if m.group().rstrip().startswith("discovery:"):
            first, last = line, 0
    if not first or not _is_policy_discovery(text):
        return None
    return first, last or text.count("\n") + 1


def _is_policy_discovery(text: str) -> bool:
    """Whether ``text`` loads (bounded, as any repository YAML) to a mapping whose
    ``discovery`` holds only the keys a policy's discovery section has. Any YAML can
    say ``apiVersion: prodgate/policy/v1``; one whose ``discovery:`` holds other keys
    (``llm_url: https://api.openai.com/...``) is no policy (the policy loader refuses
    it), and what it names there is use, not a signature."""
    from prodgate.policy.model import DiscoveryRules
    from prodgate.record import fields
    from prodgate.yamlio.loader import YamlProblem, load_yaml

    doc = load_yaml(text)
    if isinstance(doc, YamlProblem) or not isinstance(doc.data, dict):
        return False
    section = doc.data.get("discovery")
    allowed = {f.name for f in fields(DiscoveryRules)}
    return isinstance(section, dict) and all(isinstance(k, str) and k in allowed for k in section)


def code(rel: str, lexed: Lexed, cat: Catalogue) -> Iterator[Detection]:
    """What any language shows outside its imports: endpoints and model identifiers in
    its strings, credential variables and SDK model constants in its code."""
    yield from strings(rel, ((lexed.line_of(s.offset), s.value) for s in lexed.strings), cat, env=False)
    for start, end in _literal_lines(lexed.code, cat):
        part = lexed.code[start:end]
        for m in cat.env_re.finditer(part):
            sig = cat.env(m.group())
            if sig is not None:
                yield _det(rel, lexed.line_of(start + m.start()), "credential", sig, m.group())
        for m in cat.constant_re.finditer(part):
            sig = cat.constant(m.group())
            if sig is not None:
                yield _det(rel, lexed.line_of(start + m.start()), "model", sig, m.group(), model=m.group().split(".", 1)[-1])


def generic(rel: str, text: str, cat: Catalogue, style: str) -> Iterator[Detection]:
    yield from code(rel, lex(text, style), cat)


# -- Python -----------------------------------------------------------------------------
def python_may_use(text: str, cat: Catalogue) -> bool:
    """Whether a Python file can show AI use at all, decided without parsing it.

    Parsing is what a scan spends its time on, and many files hold a catalogue word
    without using AI (``openai`` in a comment, "merged together" in a docstring). A
    file can only show use through one of: a literal the catalogue lists (host, URL
    path, credential variable, model prefix, SDK constant, boto3 service), which its
    strings and code are searched for; an import of a catalogue module, whose
    top-level package comes right after ``import`` or ``from``, or after a comma on an
    import's line (``import os, openai``); or a dynamic import (``import_module``,
    ``__import__``) of a string that starts with one. A file with none of them yields
    nothing when parsed (and the fallback for files that do not parse looks for the
    same things), so it is not parsed. Python folds look-alike letters in names
    (NFKC), so text that is not ASCII is folded the same way before it is searched.
    Three RE2 searches: linear time, whatever the file holds.
    """
    return python_reading(text, cat) is not None


def python_reading(text: str, cat: Catalogue) -> str | None:
    """How much of a Python file to read (see :func:`python_may_use`): None, nothing;
    ``"imports"``, its import statements only (it holds no catalogue literal and
    imports nothing dynamically, so no string or call in it can show use); ``"all"``."""
    if not text.isascii():
        import unicodedata

        text = unicodedata.normalize("NFKC", text)
    if cat.literals.search(text) is not None:
        return "all"
    imported, quoted = cat.python_imports
    dynamic = "import_module" in text or "__import__" in text
    if dynamic and quoted.search(text) is not None:
        return "all"
    if imported.search(text) is not None:
        return "all" if dynamic else "imports"
    return None


def python(
    rel: str, text: str, cat: Catalogue, line_map: Callable[[int], int] | None = None, *, imports_only: bool = False
) -> Iterator[Detection]:
    """Imports and strings of a Python module; the lexer's fallback if it does not parse.
    ``imports_only``: the file holds no catalogue literal (:func:`python_reading`), so
    only its statements are visited, not every expression. (The whole file is parsed: a
    reader that parsed only the lines that can import, each on its own, saved no more
    than 9% of discovery on a generated monorepo of 20,000 files and nothing on
    site-packages, short of the fifth a second way of reading must save.)"""
    where = line_map or (lambda n: n)
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        yield from _python_fallback(rel, text, cat, where)
        return
    if imports_only:
        yield from _imports_in(rel, tree, cat, where)
        return
    found: list[tuple[int, str]] = []
    for node in _uses(tree, found):
        if isinstance(node, ast.Call):
            yield from _py_call(rel, node, cat, where)
        else:
            yield from _py_imports(rel, node, cat, where)
    for det in strings(rel, found, cat, env=True):
        yield Detection(det.path, where(det.line), det.kind, det.signature, det.provider, det.model, det.match)


def _imports_in(rel: str, tree: ast.AST, cat: Catalogue, where: Callable[[int], int]) -> Iterator[Detection]:
    """The catalogue modules the import statements of ``tree`` import."""
    find = cat.python.find
    for node in _statements(tree):
        if isinstance(node, ast.Import):  # most often many, none of them AI: no generator each
            for alias in node.names:
                sig = find(alias.name)
                if sig is not None:
                    yield _det(rel, where(getattr(alias, "lineno", node.lineno)), "import", sig, alias.name)
        elif isinstance(node, ast.ImportFrom):
            yield from _py_imports(rel, node, cat, where)


def _py_imports(
    rel: str, node: ast.Import | ast.ImportFrom, cat: Catalogue, where: Callable[[int], int]
) -> Iterator[Detection]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield from _py_module(rel, where(getattr(alias, "lineno", node.lineno)), alias.name, cat)
    elif node.level == 0 and node.module:
        sig = cat.python.find(node.module)
        if sig is not None:
            yield _det(rel, where(node.lineno), "import", sig, node.module)
        else:  # from google import genai
            for alias in node.names:
                yield from _py_module(rel, where(node.lineno), f"{node.module}.{alias.name}", cat)


_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")
_BLOCKS = (ast.stmt, ast.excepthandler, ast.match_case)


def _statements(tree: ast.AST) -> Iterator[ast.AST]:
    """Every statement of ``tree``, at any depth (in functions, classes, branches,
    handlers, match cases): imports are statements, so this finds them all."""
    bodies: dict[type, tuple[str, ...]] = {}  # the body fields of each node kind, looked up once
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        kind = type(node)
        names = bodies.get(kind)
        if names is None:
            names = bodies[kind] = tuple(n for n in _BODIES if n in kind._fields)
        for name in names:
            value = getattr(node, name, None)
            if type(value) is list:
                stack.extend(v for v in value if isinstance(v, _BLOCKS))


_NOT_NODES = frozenset({
    "ctx", "op", "ops",  # Load, Add, Eq ...: nothing below them matters
    "id", "attr", "name", "asname", "arg", "kind", "module", "level", "conversion", "is_async", "simple",
    "type_comment", "tag", "rest", "kwd_attrs",  # names, numbers and flags
    "names", "type_ignores",  # aliases of an import (read from the import), type: ignore comments
})
"""Fields that hold no node a scan reads, in every node kind that has them."""


def _uses(tree: ast.AST, strings: list[tuple[int, str]]) -> Iterator[ast.Call | ast.Import | ast.ImportFrom]:
    """Every call and import of ``tree``, each parent before its children, with its
    string constants (line, value) appended to ``strings`` on the way: what a walk of
    every node (``ast.walk``) finds, at a fraction of its cost (no generator per node,
    the fields of each node kind looked up once, and none that never holds a node). A
    string that is a statement on its own (a docstring, a string block used as a
    comment) is prose: what it says is not use."""
    fields: dict[type, tuple[str, ...]] = {}
    stack: list[ast.AST] = [tree]
    pop, push, extend, keep = stack.pop, stack.append, stack.extend, strings.append
    AST, Constant, Expr, Call, Import, ImportFrom = ast.AST, ast.Constant, ast.Expr, ast.Call, ast.Import, ast.ImportFrom
    while stack:
        node = pop()
        kind = type(node)
        if kind is Constant:
            if type(node.value) is str:  # type: ignore[attr-defined]
                keep((node.lineno, node.value))  # type: ignore[attr-defined]
            continue
        if kind is Expr and type(node.value) is Constant and type(node.value.value) is str:  # type: ignore[attr-defined]
            continue  # prose
        if kind is Call or kind is Import or kind is ImportFrom:
            yield node  # type: ignore[misc]
        names = fields.get(kind)
        if names is None:
            names = fields[kind] = tuple(f for f in kind._fields if f not in _NOT_NODES)
        for name in names:
            value = getattr(node, name, None)
            if type(value) is list:
                extend([v for v in value if isinstance(v, AST)])
            elif isinstance(value, AST):
                push(value)


def _py_module(rel: str, line: int, module: str, cat: Catalogue) -> Iterator[Detection]:
    sig = cat.python.find(module)
    if sig is not None:
        yield _det(rel, line, "import", sig, module)


def _py_call(rel: str, node: ast.Call, cat: Catalogue, where: Callable[[int], int]) -> Iterator[Detection]:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    first = node.args[0] if node.args else None
    if name in ("import_module", "__import__") and isinstance(first, ast.Constant) and isinstance(first.value, str):
        yield from _py_module(rel, where(node.lineno), first.value, cat)
    elif name in ("client", "resource"):
        service = first if first is not None else next((k.value for k in node.keywords if k.arg == "service_name"), None)
        if isinstance(service, ast.Constant) and isinstance(service.value, str):
            sig = cat.boto3.get(service.value)
            if sig is not None:
                yield _det(rel, where(node.lineno), "import", sig, f"boto3 client {service.value}")


_PY_IMPORT = LazyPattern(
    r"(?m)^[ \t]{0,80}(?:from[ \t]{1,20}([A-Za-z_][A-Za-z0-9_.]{0,200})[ \t]{1,20}import[ \t]{1,20}\(?[ \t]{0,20}([A-Za-z_][A-Za-z0-9_]{0,100})"
    r"|import[ \t]{1,20}([A-Za-z_][A-Za-z0-9_.]{0,200}))"
)


def _python_fallback(rel: str, text: str, cat: Catalogue, where: Callable[[int], int]) -> Iterator[Detection]:
    """A Python file that does not parse: import statements at line starts outside
    comments and docstrings, and the strings and credentials the lexer sees."""
    lexed = lex(text, PYTHON)
    for m in _PY_IMPORT.finditer(lexed.code):
        line = where(lexed.line_of(m.start()))
        if m.group(3):
            yield from _py_module(rel, line, m.group(3), cat)
        elif cat.python.find(m.group(1)) is not None:
            yield from _py_module(rel, line, m.group(1), cat)
        else:
            yield from _py_module(rel, line, f"{m.group(1)}.{m.group(2)}", cat)
    for det in code(rel, lexed, cat):
        yield Detection(det.path, where(det.line), det.kind, det.signature, det.provider, det.model, det.match)


# -- Jupyter notebooks ------------------------------------------------------------------
def notebook(rel: str, text: str, cat: Catalogue) -> Iterator[Detection]:
    """The code cells of a notebook, each parsed as Python; lines are those of the
    ``.ipynb`` file. A notebook that is not valid JSON is scanned as Python text."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        yield from _python_fallback(rel, text, cat, lambda n: n)
        return
    cells = doc.get("cells") if isinstance(doc, dict) else None
    if not isinstance(cells, list):
        return
    starts = line_starts(text)
    cursor = 0
    code_cells: list[tuple[str, list[int]]] = []
    for cell in cells:
        if not isinstance(cell, dict):
            continue
        source = cell.get("source")
        pieces = source if isinstance(source, list) else [source] if isinstance(source, str) else []
        pieces = [p for p in pieces if isinstance(p, str)]
        lines: list[int] = []
        body: list[str] = []
        for piece in pieces:
            cursor, line = _locate(text, starts, piece, cursor)
            for k, part in enumerate(piece.split("\n")):
                if k and not part and piece.endswith("\n") and k == piece.count("\n"):
                    break
                lines.append(line)
                body.append(part)
        if cell.get("cell_type") != "code" or not body:
            continue
        # IPython magics and shell escapes are not Python; blank them.
        code_cells.append(("\n".join("" if b.lstrip().startswith(("%", "!", "?")) else b for b in body), lines))
    # As for a .py file, only cells that can show use are parsed; which those are, the
    # cells' texts joined tell in a few searches, not a few searches of each cell.
    for k in _may_show_use([cleaned for cleaned, _lines in code_cells], cat):
        cleaned, lines = code_cells[k]
        reading = python_reading(cleaned, cat)
        if reading is not None:
            yield from python(rel, cleaned, cat, _cell_lines(lines), imports_only=reading == "imports")


def _may_show_use(texts: list[str], cat: Catalogue) -> list[int]:
    """The indexes of the ``texts`` for which :func:`python_reading` can be other than
    None: those that are not ASCII (it folds them first), and those that one of its
    patterns matches in, or across the line break that joins them to the next (a
    search resumes after the last text a match reaches, so every text holding a
    match is among them)."""
    out = {k for k, t in enumerate(texts) if not t.isascii()}
    parts = [t.encode("utf-8", "surrogatepass") for t in texts]
    data = b"\n".join(parts)
    ends = list(itertools.accumulate(len(p) + 1 for p in parts))
    for pattern in (cat.literals, *cat.python_imports):
        pos = 0
        while pos < len(data) and (m := pattern.search(data, pos)) is not None:
            first = bisect.bisect_right(ends, m.start())
            last = min(bisect.bisect_right(ends, max(m.start(), m.end() - 1)), len(parts) - 1)
            out.update(range(first, last + 1))
            pos = ends[last]
    return sorted(out)


def _cell_lines(lines: list[int]) -> Callable[[int], int]:
    """Line in the notebook of line ``n`` (1-based) of a cell's source."""
    return lambda n: lines[max(1, min(n, len(lines))) - 1]


def _locate(text: str, starts: tuple[int, ...], piece: str, cursor: int) -> tuple[int, int]:
    """Where the JSON string holding ``piece`` starts in the notebook, from ``cursor``."""
    for ascii_only in (False, True):  # as written, then with \uXXXX escapes
        encoded = json.dumps(piece, ensure_ascii=ascii_only)
        at = text.find(encoded, cursor)
        if at != -1:
            return at + len(encoded), bisect.bisect_right(starts, at)
    return cursor, bisect.bisect_right(starts, cursor)


# -- JavaScript and TypeScript -----------------------------------------------------------
_JS_KEYWORDS = ("from", "import", "require")


def javascript(rel: str, text: str, cat: Catalogue) -> Iterator[Detection]:
    """``import ... from "x"``, ``import "x"``, ``import("x")``, ``require("x")`` and
    ``export ... from "x"``, type-only imports included."""
    lexed = lex(text, C_STYLE)
    code_text = lexed.code
    for s in lexed.strings:
        before = code_text[max(0, s.offset - 60) : s.offset].rstrip()
        if before.endswith("("):
            before = before[:-1].rstrip()
        if not any(_ends_with_word(before, kw) for kw in _JS_KEYWORDS):
            continue
        package = _npm_package(s.value)
        sig = cat.npm.find(package)
        if sig is not None:
            yield _det(rel, lexed.line_of(s.offset), "import", sig, s.value)
    yield from code(rel, lexed, cat)


def _ends_with_word(text: str, word: str) -> bool:
    if not text.endswith(word):
        return False
    head = text[: len(text) - len(word)]
    return not head or not (head[-1].isalnum() or head[-1] in "_$.")


def _npm_package(spec: str) -> str:
    """``@scope/pkg/sub`` -> ``@scope/pkg``; ``pkg/sub`` -> ``pkg``; ``node:fs`` stays."""
    parts = spec.split("/")
    if spec.startswith("@") and len(parts) >= 2:
        return "/".join(parts[:2])
    return parts[0]


# -- Go ---------------------------------------------------------------------------------
_GO_BLOCK = LazyPattern(r"\bimport[ \t\n]{0,40}\(")


def golang(rel: str, text: str, cat: Catalogue) -> Iterator[Detection]:
    """``import "path"``, ``import alias "path"`` and ``import ( ... )`` blocks."""
    lexed = lex(text, C_STYLE)
    src = lexed.code
    blocks: list[tuple[int, int]] = []
    for m in _GO_BLOCK.finditer(src):
        end = src.find(")", m.end())
        blocks.append((m.end(), len(src) if end == -1 else end))
    for s in lexed.strings:
        inside = any(a <= s.offset < b for a, b in blocks)
        if not inside:
            line_start = src.rfind("\n", 0, s.offset) + 1
            words = src[line_start : s.offset].split()
            if not words or words[0] != "import" or len(words) > 2:
                continue
        sig = cat.go.find(s.value)
        if sig is not None:
            yield _det(rel, lexed.line_of(s.offset), "import", sig, s.value)
    yield from code(rel, lexed, cat)


# -- JVM, .NET, Rust ---------------------------------------------------------------------
_JVM_IMPORT = LazyPattern(r"(?m)^[ \t]{0,80}import[ \t]{1,20}(?:static[ \t]{1,20})?([A-Za-z_][A-Za-z0-9_.]{0,300})")
_CS_USING = LazyPattern(
    r"(?m)^[ \t]{0,80}(?:global[ \t]{1,20})?using[ \t]{1,20}(?:static[ \t]{1,20})?"
    r"([A-Za-z_][A-Za-z0-9_.]{0,300})[ \t]{0,10}(?:=[ \t]{0,10}([A-Za-z_][A-Za-z0-9_.]{0,300})[ \t]{0,10})?;"
)
_RUST_USE = LazyPattern(
    r"(?m)^[ \t]{0,80}(?:pub[ \t]{1,10})?(?:use|extern[ \t]{1,10}crate)[ \t]{1,20}(?:::)?([A-Za-z_][A-Za-z0-9_]{0,100})"
)


def jvm(rel: str, text: str, cat: Catalogue) -> Iterator[Detection]:
    """Java, Kotlin, Scala and Groovy ``import`` statements."""
    lexed = lex(text, C_STYLE)
    for m in _JVM_IMPORT.finditer(lexed.code):
        sig = cat.jvm.find(m.group(1).rstrip(".*"))
        if sig is not None:
            yield _det(rel, lexed.line_of(m.start(1)), "import", sig, m.group(1))
    yield from code(rel, lexed, cat)


def dotnet(rel: str, text: str, cat: Catalogue) -> Iterator[Detection]:
    """C# ``using`` directives (aliases and ``global using`` too)."""
    lexed = lex(text, C_STYLE)
    for m in _CS_USING.finditer(lexed.code):
        namespace = m.group(2) or m.group(1)
        sig = cat.dotnet.find(namespace)
        if sig is not None:
            yield _det(rel, lexed.line_of(m.start(1)), "import", sig, namespace)
    yield from code(rel, lexed, cat)


def rust(rel: str, text: str, cat: Catalogue) -> Iterator[Detection]:
    """Rust ``use`` and ``extern crate`` of the crates the catalogue names."""
    lexed = lex(text, C_STYLE)
    for m in _RUST_USE.finditer(lexed.code):
        sig = cat.rust.find(m.group(1))
        if sig is not None:
            yield _det(rel, lexed.line_of(m.start(1)), "import", sig, m.group(1))
    yield from code(rel, lexed, cat)


STYLES = {"c": C_STYLE, "hash": HASH, "json": NONE}
