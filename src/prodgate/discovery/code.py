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
from prodgate.discovery.installs import shell_code
from prodgate.discovery.lexer import (
    C_STYLE,
    HASH,
    NONE,
    PYTHON,
    Lexed,
    blank_comments,
    blank_strings,
    lex,
    line_starts,
)
from prodgate.discovery.model import Detection
from prodgate.discovery.pytree import imports, walk
from prodgate.discovery.safe_regex import LazyPattern
from prodgate.discovery.spelling import plain, python_names, utf8
from prodgate.linear import Pattern

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
    """The indexes of the ``values`` that hold a catalogue literal, in order."""
    if values:
        yield from _holding(cat.literals, [v.encode("utf-8", "surrogatepass") for v in values])


def _holding(pattern: Pattern, parts: list[bytes]) -> Iterator[int]:
    """The indexes of the ``parts`` that hold a match of ``pattern``, in order: one
    search of them all, joined, resumed after each part found."""
    data = b"\n".join(parts)  # a literal holds no line break: none spans two parts
    ends = list(itertools.accumulate(len(p) + 1 for p in parts))
    search, pos = pattern.search, 0
    while (m := search(data, pos)) is not None:
        k = bisect.bisect_right(ends, m.start())
        yield k
        pos = ends[k]


def _literal_lines(text: str, cat: Catalogue, data: bytes | None = None) -> Iterator[tuple[int, int, int, int]]:
    """The (start, end) offsets of the lines of ``text`` that hold a catalogue literal,
    in order, where each starts in ``data`` (``text`` in UTF-8), and how far into the
    line its first literal starts (characters)."""
    data = text.encode("utf-8", "surrogatepass") if data is None else data
    same = len(data) == len(text)  # ASCII: byte and character offsets agree
    done_bytes = done_chars = 0
    for start, end, at in _lines_with(cat.literals, data):
        if same:
            yield start, end, start, at - start
            continue
        # Character offsets, counted from the last line found: linear in the text.
        first = done_chars + len(data[done_bytes:start].decode("utf-8", "surrogatepass"))
        done_bytes, done_chars = end, first + len(data[start:end].decode("utf-8", "surrogatepass"))
        yield first, done_chars, start, len(data[start:at].decode("utf-8", "surrogatepass"))


def _lines_with(pattern: Pattern, data: bytes) -> Iterator[tuple[int, int, int]]:
    """The (start, end) byte offsets of the lines of ``data`` that hold a match of
    ``pattern``, in order, and where each line's first match starts; the search
    resumes at the next line, so each byte is seen a bounded number of times however
    many matches a line holds."""
    search, pos, size = pattern.search, 0, len(data)
    while (m := search(data, pos)) is not None:
        at = m.start()
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", m.end())
        end = size if end == -1 else end
        yield start, end, at
        pos = end + 1


def _lines_holding(pattern: Pattern, data: bytes) -> set[int]:
    """Where each line of ``data`` that holds a match of ``pattern`` starts (bytes)."""
    return {start for start, _end, _at in _lines_with(pattern, data)}


def _offset_lines(first: int, value: str) -> Callable[[int], int]:
    """Line of an offset in a string literal that starts on line ``first``."""
    return lambda offset: first + value.count("\n", 0, offset)


def _model_like(value: str) -> bool:
    return 0 < len(value) <= MAX_MODEL_STRING and not any(c.isspace() for c in value)


def _in_text(
    rel: str, text: str, line_of: Callable[[int], int], cat: Catalogue, *, env: bool, models: bool
) -> Iterator[Detection]:
    """What :func:`_matches` finds in ``text``, searched in its lines that hold a
    literal. Which of them can hold a host or a credential is found first, by one RE2
    search of those lines for each (not one per line: on recorded API exchanges,
    thousands of long lines, the calls cost more than the searches). A host's fixed
    part and a credential variable are literals themselves, so no other line can hold
    one: on crewAI's cassettes those searches read 5 MB instead of 20."""
    lines = [(start, end, lead) for start, end, _at, lead in _literal_lines(text, cat)]
    if not lines:
        return
    parts = [text[start:end].encode("utf-8", "surrogatepass") for start, end, _lead in lines]
    hosts = set(_holding(cat.host_literals, parts))
    creds = set(_holding(cat.env_literals, parts)) if env else set()
    reach = cat.longest_model
    for k, (start, end, lead) in enumerate(lines):
        yield from _matches(
            rel, text[start:end], _shifted(line_of, start), cat, env=env, models=models,
            hosts=k in hosts, creds=k in creds, models_from=max(0, lead - reach),
        )


def _shifted(line_of: Callable[[int], int], start: int) -> Callable[[int], int]:
    return lambda offset: line_of(start + offset)


def _matches(
    rel: str, text: str, line_of: Callable[[int], int], cat: Catalogue, *, env: bool, models: bool,
    hosts: bool | None = None, creds: bool | None = None, models_from: int = 0,
) -> Iterator[Detection]:
    """Endpoints, credentials (when ``env``) and models (when ``models``) in ``text``.
    ``hosts``, ``creds``: whether it holds a host's or a credential's literal, when the
    caller knows (None: RE2 tells). ``models_from``: where a model can start at the
    earliest. A model's name starts with a model prefix, which is a literal or holds
    one, so none starts further before the text's first literal than the longest
    prefix is long. On recorded API exchanges (a JSON body a line, its model named
    after the messages) the pattern tried two thirds fewer places: 0.06 s against
    0.15 s on crewAI's cassettes. The pattern still reads what comes before that
    place (its lookbehind looks at the text itself, not from where the search starts)."""
    # RE2 first tells whether host_re and env_re can find anything at all: they try
    # every position of the text (a lookbehind, a character class first), RE2 reads
    # it once. Even on short strings that is cheaper (crewAI's parse work: 2.13 s
    # against 2.41 s searching at once, 2.35 s asking RE2 past 400 characters only).
    if hosts is None:
        hosts = cat.host_literals.search(text) is not None
    for m in cat.host_re.finditer(text) if hosts else ():
        sig = cat.host(m.group())
        if sig is not None:
            yield _det(rel, line_of(m.start()), "endpoint", sig, m.group())
    for m in cat.url_re.finditer(text):
        sig = cat.url(m.group())
        if sig is not None:
            yield _det(rel, line_of(m.start()), "endpoint", sig, m.group())
    if env and (creds if creds is not None else cat.env_literals.search(text) is not None):
        for m in cat.env_re.finditer(text):
            sig = cat.env(m.group())
            if sig is not None:
                yield _det(rel, line_of(m.start()), "credential", sig, m.group())
    if models:
        for m in cat.model_re.finditer(text, models_from):
            name = m.group().rstrip(".:/@-_")
            sig = cat.model(name)
            if sig is not None:
                yield _det(rel, line_of(m.start()), "model", sig, name, model=name)


def config(rel: str, text: str, cat: Catalogue, style: str, *, shell: bool = False) -> Iterator[Detection]:
    """Configuration (YAML, TOML, properties, .env, Dockerfile, JSON, ...): values are
    often unquoted, so everything outside comments counts. ``shell``: a shell script,
    whose commands in quoted strings are arguments (:func:`prodgate.discovery.installs.shell_code`)."""
    # Without comments (JSON, or none written) the code is the text itself: no lexing,
    # which on a large data file costs far more than the search. A shell script's
    # strings are needed to tell a command shown from a command run.
    lexed = lex(text, style) if shell else blank_comments(text, style)
    yield from _in_text(rel, lexed.code, lexed.line_of, cat, env=True, models=True)
    if style == HASH:
        yield from commands(rel, shell_code(lexed) if shell else lexed.code, lexed.line_of, cat)




# -- JSON: configuration or data ----------------------------------------------------------
DATA_BYTES = 256 * 1024
"""A JSON file larger than this is data (a dump, a fixture, results), not configuration."""
_DATA_FOLDERS = frozenset({
    "data", "dataset", "datasets", "fixtures", "samples", "corpus", "corpora", "records", "dumps", "logs",
    "transcripts", "conversations", "responses", "outputs", "results", "golden", "snapshots", "__snapshots__",
    "testdata", "test_data", "evals", "eval",
})


def json_is_data(rel: str, text: str) -> bool:
    """Whether a JSON file is data rather than configuration, by its shape: a list at
    the top (records), a size over :data:`DATA_BYTES`, a name or folder that says data
    (``data/``, ``fixtures/``, ``*.data.json``, ``results/`` ...). Configuration is a
    small object of settings (``settings.json``, ``appsettings.json``)."""
    if len(text) > DATA_BYTES or text.lstrip("\ufeff \t\r\n").startswith("["):
        return True
    parts = rel.lower().split("/")
    return any(p in _DATA_FOLDERS for p in parts[:-1]) or parts[-1].endswith((".data.json", "-data.json", "_data.json"))


def json_values(rel: str, text: str, cat: Catalogue, *, data: bool) -> Iterator[Detection]:
    """What the strings of a JSON (or JSON Lines) file show. A string is a value as
    a whole: a model counts when a string is its id (``"model": "gpt-4o"``), not when
    prose quotes it (``"answer": "gpt-4 and claude-3 are both strong"``). In a data
    file (:func:`json_is_data`) prose counts for nothing at all: a dump that quotes
    model names, hosts or keys in its text is not use; a request batch (``"url":
    "/v1/chat/completions"``, ``"model": "gpt-4o"``) and a record naming its model
    still are. In configuration a host or key in a longer string (a command) counts.
    JSON strings hold no line break, so each line holding a literal is read alone."""
    number, counted = 1, 0
    raw = text.encode("utf-8", "surrogatepass")
    hosts, creds = _lines_holding(cat.host_literals, raw), _lines_holding(cat.env_literals, raw)
    for start, end, at, _lead in _literal_lines(text, cat, raw):
        number += text.count("\n", counted, start)  # counted once over the whole text
        counted = start
        line = text[start:end]
        for s in lex(line, NONE).strings:
            value = s.value.strip()  # "https://api.openai.com/v1 " is still a whole value
            whole = _model_like(value)
            if whole or not data:
                yield from _matches(
                    rel, value, _offset_lines(number, ""), cat, env=True, models=whole,
                    hosts=at in hosts, creds=at in creds,
                )


_POLICY = LazyPattern(r"(?m)^apiVersion:[ \t]{0,20}[\"']?prodgate/policy/v1[\"']?[ \t]{0,20}\r?$")
_TOP_KEY = LazyPattern(r"(?m)^[^ \t\r\n#-][^\n]{0,200}")


def policy_signatures(text: str) -> tuple[int, int] | None:
    """The lines (first, last) of a prodgate policy's top-level ``discovery:`` section,
    where it names signatures to look for: what it names there is not use. Only a
    file whose top level says ``apiVersion: prodgate/policy/v1`` is a policy, and only
    that section is set aside; a comment naming the version hides nothing."""
    if "prodgate/policy/v1" not in text or _POLICY.search(text) is None:
        return None  # the words first: a search in C, where the pattern tries every line
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
    yield from strings(rel, ((lexed.line_of(s.offset), plain(s.value)) for s in lexed.strings), cat, env=False)
    for start, end, _at, _lead in _literal_lines(lexed.code, cat):
        part = lexed.code[start:end]
        for m in cat.env_re.finditer(part):
            sig = cat.env(m.group())
            if sig is not None:
                yield _det(rel, lexed.line_of(start + m.start()), "credential", sig, m.group())
        for m in cat.constant_re.finditer(part):
            sig = cat.constant(m.group())
            if sig is not None:
                yield _det(rel, lexed.line_of(start + m.start()), "model", sig, m.group(), model=constant_model(m.group(), sig))


def _camel_parts(name: str) -> list[str]:
    """``GPT4oMini`` -> gpt, 4o, mini; ``GPT3Dot5Turbo`` -> gpt, 3.5, turbo: runs of
    capitals, digits (a lowercase letter right after them joined: ``4o``) and words."""
    parts: list[str] = []
    i, n = 0, len(name)
    while i < n:
        j = i + 1
        if name[i].isdigit():
            while j < n and (name[j].isdigit() or (name.startswith("Dot", j) and j + 3 < n and name[j + 3].isdigit())):
                j += 4 if name[j] == "D" else 1
            if j < n and name[j].islower() and (j + 1 == n or not name[j + 1].islower()):
                j += 1
            parts.append(name[i:j].replace("Dot", "."))
        elif name[i].isupper() and j < n and name[j].isupper():
            while j < n and name[j].isupper() and not (j + 1 < n and name[j + 1].islower()):
                j += 1
            parts.append(name[i:j])
        else:
            while j < n and name[j].islower():
                j += 1
            parts.append(name[i:j])
        i = j
    return [p.lower() for p in parts]


def constant_model(constant: str, sig: Signature) -> str:
    """The model an SDK constant names, spelt as the provider's API spells it:
    ``ChatModel.GPT_4_O_MINI`` (Java, Kotlin) and ``openai.GPT4oMini`` (Go) name
    ``gpt-4o-mini``, ``GPT_3_5_TURBO`` and ``GPT3Dot5Turbo`` name ``gpt-3.5-turbo``,
    ``Model.CLAUDE_3_5_HAIKU_LATEST`` names ``claude-3-5-haiku-latest`` (Anthropic
    writes versions with dashes, the others with dots). A constant that is not of
    these shapes is given as written."""
    name = constant.rsplit(".", 1)[-1]
    if name.startswith("ChatModel") and len(name) > len("ChatModel"):
        name = name[len("ChatModel") :]  # openai-go: openai.ChatModelGPT4o
    parts = name.lower().split("_") if "_" in name else _camel_parts(name)
    dots = sig.provider != "anthropic"
    out: list[str] = []
    for part in parts:
        if not part:
            continue
        last = out[-1] if out else ""
        if len(part) == 1 and part.isalpha() and last.isdigit():
            out[-1] = last + part  # 4 o -> 4o
        elif part.isdigit() and len(last) == 1 and last.isalpha():
            out[-1] = last + part  # o 1 -> o1
        elif dots and len(part) == 1 and part.isdigit() and len(last) == 1 and last.isdigit():
            out[-1] = f"{last}.{part}"  # 3 5 -> 3.5
        else:
            out.append(part)
    return "-".join(out) or constant


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
    text = python_names(text)
    data = utf8(text)
    if cat.literals.search(data) is not None:
        return "all"
    imported, quoted = cat.python_imports
    dynamic = "import_module" in text or "__import__" in text
    if dynamic and quoted.search(data) is not None:
        return "all"
    if imported.search(data) is not None:
        return "all" if dynamic or cat.loader_calls.search(data) is not None else "imports"
    return None


def python(
    rel: str, text: str, cat: Catalogue, line_map: Callable[[int], int] | None = None, *, imports_only: bool = False,
    tree: ast.Module | None = None,
) -> Iterator[Detection]:
    """Imports and strings of a Python module; the lexer's fallback if it does not parse.
    ``imports_only``: the file holds no catalogue literal (:func:`python_reading`), so
    only its statements are visited, not every expression. (The whole file is parsed: a
    reader that parsed only the lines that can import, each on its own, saved no more
    than 9% of discovery on a generated monorepo of 20,000 files and nothing on
    site-packages, short of the fifth a second way of reading must save.) ``tree``: the
    module already parsed (for :mod:`prodgate.discovery.agents` too)."""
    where = line_map or (lambda n: n)
    try:
        if tree is None:
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        yield from _python_fallback(rel, text, cat, where)
        return
    if imports_only:
        yield from _imports_in(rel, tree, cat, where)
        return
    walked = walk(tree)  # shared with :mod:`prodgate.discovery.agents`
    found = walked.strings
    for node in walked.uses:
        if isinstance(node, ast.Call):
            yield from _py_call(rel, node, cat, where)
        else:
            yield from _py_imports(rel, node, cat, where)
    # Python has read the escapes; letters that fold are folded as a URL's host is
    # (IDNA): "api.\u1d52penai.com" reaches api.openai.com.
    for det in strings(rel, [(line, plain(value)) for line, value in found], cat, env=True):
        yield det.at(where(det.line))


def _imports_in(rel: str, tree: ast.AST, cat: Catalogue, where: Callable[[int], int]) -> Iterator[Detection]:
    """The catalogue modules the import statements of ``tree`` import."""
    find = cat.python.find
    for node in imports(tree):
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
    elif name in cat.loader_names and (loader := cat.loader(_dotted(func))) is not None:
        yield from _loaded(rel, node, name, loader, cat, where)
    elif name in ("client", "resource"):
        service = first if first is not None else next((k.value for k in node.keywords if k.arg == "service_name"), None)
        if isinstance(service, ast.Constant) and isinstance(service.value, str):
            sig = cat.boto3.get(service.value)
            if sig is not None:
                yield _det(rel, where(node.lineno), "import", sig, f"boto3 client {service.value}")


_MODEL_KEYWORDS = ("model", "model_name", "model_id", "pretrained_model_name_or_path", "model_name_or_path", "repo_id")
_MODEL_ID = LazyPattern(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,95}(?:/[A-Za-z0-9][A-Za-z0-9_.-]{0,95})?(?::[A-Za-z0-9_.-]{1,64})?")


def _dotted(func: ast.expr) -> str:
    """``a.b.c`` for an attribute chain of names, the name alone, else ``""``."""
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    return ".".join(reversed(parts))


def _loaded(
    rel: str, node: ast.Call, name: str, loader: Signature, cat: Catalogue, where: Callable[[int], int]
) -> Iterator[Detection]:
    """The model a loader call names: its ``model=`` (or ``pretrained_model_name_or_path=``
    ...) argument, else its first positional one (a ``pipeline``'s second: the first
    is the task), when it is a model id (``org/name``, ``name:tag``), not a path."""
    arg = next((k.value for k in node.keywords if k.arg in _MODEL_KEYWORDS), None)
    if arg is None:
        at = 1 if name == "pipeline" else 0
        arg = node.args[at] if len(node.args) > at else None
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        yield from _model_named(rel, where(node.lineno), arg.value, loader, cat)


def _model_named(rel: str, line: int, value: str, loader: Signature, cat: Catalogue) -> Iterator[Detection]:
    """A model id a loader or command names, attributed to the family the catalogue
    knows it by (``llama3`` is Meta's), else to the loader's signature."""
    if _MODEL_ID.fullmatch(value) is not None:
        yield _det(rel, line, "model", cat.model(value) or loader, value, model=value)


def commands(rel: str, text: str, line_of: Callable[[int], int], cat: Catalogue) -> Iterator[Detection]:
    """Models named to a runtime's command line (``ollama pull llama3``, in a
    Dockerfile ``RUN``, a workflow's ``run:``, a script)."""
    if not cat.loaders or cat.command_words.search(text) is None:
        return  # command_re tries its lookbehind at every position; RE2 skips the text at once
    for m in cat.command_re.finditer(text):
        words = m.group().split()
        loader = cat.loader(f"{words[0]}.{words[1]}")
        if loader is not None:
            yield from _model_named(rel, line_of(m.start()), m.group(1).rstrip(".:/"), loader, cat)


_PY_STATEMENT = LazyPattern(r"(?m)(?:^|[;:])[ \t\f]{0,80}(import|from)(?:[ \t\f]{1,20}|\\\r?\n)")
_PY_NAME = LazyPattern(r"[ \t\f]{0,20}(?:\\\r?\n[ \t\f]{0,80})?(\.{0,20}[^\W\d][\w.]{0,200})")
_PY_FROM_IMPORT = LazyPattern(r"[ \t\f]{0,20}(?:\\\r?\n[ \t\f]{0,80})?import[ \t\f]{0,20}(\(?)")
_STATEMENT_SPAN = 4000
"""How far one import statement is read (its names, across continuation lines)."""


def _python_fallback(rel: str, text: str, cat: Catalogue, where: Callable[[int], int]) -> Iterator[Detection]:
    """A Python file that does not parse: every import statement a line-based reader
    can see (at a line start, after ``;`` or after a block's ``:``, as in
    ``try: import anthropic``; every name of ``import os, openai``; the names of
    ``from x import (`` across lines), outside comments and strings, and the strings
    and credentials the lexer sees. The text is folded first (:func:`plain`): Python
    reads ``\uff4fpenai`` (a fullwidth o) and ``"\\x61"`` as ``openai`` and ``"a"``."""
    lexed = lex(plain(text), PYTHON)
    bare = blank_strings(lexed)  # "; import openai" in a string is no statement
    for m in _PY_STATEMENT.finditer(bare):
        is_from = m.group(1) == "from"
        found = list(_imported(bare, m.end(), is_from))
        if is_from and found and cat.python.find(found[0][1]) is not None:
            found = found[:1]  # from openai import OpenAI: the module, as a parsed file gives
        for offset, module in found:
            yield from _py_module(rel, where(lexed.line_of(m.start(1) if is_from else offset)), module, cat)
    for det in code(rel, lexed, cat):
        yield det.at(where(det.line))


def _imported(code_text: str, pos: int, is_from: bool) -> Iterator[tuple[int, str]]:
    """The modules an import statement starting at ``pos`` (after its keyword) names,
    each with its offset: ``a.b`` of ``import a.b as c, d``; ``x`` and each ``x.name``
    of ``from x import (name, ...)`` (``from google import genai``). Bounded by
    :data:`_STATEMENT_SPAN` characters."""
    end = min(len(code_text), pos + _STATEMENT_SPAN)
    if is_from:
        m = _PY_NAME.match(code_text, pos)
        if m is None or m.group(1).startswith("."):
            return
        module = m.group(1)
        yield m.start(1), module
        after = _PY_FROM_IMPORT.match(code_text, m.end())
        if after is None:
            return
        stop = code_text.find(")", after.end(), end) if after.group(1) else _logical_end(code_text, after.end(), end)
        for offset, name in _names(code_text, after.end(), end if stop == -1 else stop):
            yield offset, f"{module}.{name}"
        return
    yield from _names(code_text, pos, _logical_end(code_text, pos, end))


def _logical_end(code_text: str, pos: int, end: int) -> int:
    """Where the logical line from ``pos`` ends: a line break not escaped by a
    backslash, or ``;``."""
    while True:
        brk = code_text.find("\n", pos, end)
        semi = code_text.find(";", pos, end if brk == -1 else brk)
        if semi != -1:
            return semi
        if brk == -1:
            return end
        if code_text[pos:brk].rstrip("\r").endswith("\\"):
            pos = brk + 1
            continue
        return brk


def _names(code_text: str, pos: int, end: int) -> Iterator[tuple[int, str]]:
    """The dotted names of a comma-separated list between ``pos`` and ``end``, each
    without its ``as`` alias."""
    for part_start, part in _split(code_text[pos:end], pos):
        m = _PY_NAME.match(part)
        if m is not None and not m.group(1).startswith("."):
            yield part_start + m.start(1), m.group(1)


def _split(segment: str, base: int) -> Iterator[tuple[int, str]]:
    """The parts of ``segment`` between commas, each without its leading blanks,
    parenthesis or continuation, with its offset (``base`` is the segment's)."""
    start = base
    for part in segment.split(","):
        bare = part.lstrip(" \t\f\\\r\n(")
        yield start + len(part) - len(bare), bare
        start += len(part) + 1


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
    # Strings are found in the text with escapes folded (a notebook written with
    # \\uXXXX for its letters), which has the same lines.
    folded = plain(text)
    starts = line_starts(folded)
    cursor = 0
    code_cells: list[tuple[str, list[int]]] = []
    for cell in cells:
        if not isinstance(cell, dict):
            continue
        source = cell.get("source")
        pieces = source if isinstance(source, list) else [source] if isinstance(source, str) else []
        pieces = [p for p in pieces if isinstance(p, str)]
        # The pieces are the cell's text cut anywhere (Jupyter cuts after each line
        # break, a hand-written file anywhere): joined as Jupyter joins them, each
        # line on the notebook line of the piece it starts in.
        lines: list[int] = []
        at_start = True
        for piece in pieces:
            cursor, line = _locate(folded, starts, piece, cursor)
            breaks = piece.count("\n") - (1 if piece.endswith("\n") else 0)
            lines.extend([line] * (breaks + (1 if at_start else 0)))
            at_start = piece.endswith("\n")
        body = "".join(pieces).split("\n")
        if cell.get("cell_type") != "code" or not "".join(body).strip():
            continue
        # IPython magics and shell escapes are not Python; blank them.
        code_cells.append(("\n".join("" if b.lstrip().startswith(("%", "!", "?")) else b for b in body), lines or [1]))
    # As for a .py file, only cells that can show use are parsed; which those are, the
    # cells' texts joined tell in a few searches, not a few searches of each cell.
    for k in _may_show_use([cleaned for cleaned, _lines in code_cells], cat):
        cleaned, lines = code_cells[k]
        reading = python_reading(plain(cleaned), cat)
        if reading is not None:
            yield from python(rel, cleaned, cat, _cell_lines(lines), imports_only=reading == "imports")


def _may_show_use(texts: list[str], cat: Catalogue) -> list[int]:
    """The indexes of the ``texts`` for which :func:`python_reading` can be other than
    None: those that are not ASCII (it folds them first), and those that one of its
    patterns matches in, or across the line break that joins them to the next (a
    search resumes after the last text a match reaches, so every text holding a
    match is among them)."""
    out = {k for k, t in enumerate(texts) if not t.isascii()}
    parts = [plain(t).encode("utf-8", "surrogatepass") for t in texts]
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
        value = plain(s.value)
        sig = cat.npm.find(_npm_package(value))
        if sig is not None:
            yield _det(rel, lexed.line_of(s.offset), "import", sig, value)
    yield from code(rel, lexed, cat)


def _ends_with_word(text: str, word: str) -> bool:
    if not text.endswith(word):
        return False
    head = text[: len(text) - len(word)]
    return not head or not (head[-1].isalnum() or head[-1] in "_$.")


# CDNs that serve npm packages by name, as browsers and Deno import them
# (``https://esm.sh/openai@4``, ``https://cdn.jsdelivr.net/npm/@anthropic-ai/sdk/+esm``).
_NPM_CDNS = ("https://esm.sh/", "https://cdn.jsdelivr.net/npm/", "https://unpkg.com/", "https://cdn.skypack.dev/",
             "https://esm.run/", "npm:")


def _npm_package(spec: str) -> str:
    """``@scope/pkg/sub`` -> ``@scope/pkg``; ``pkg/sub`` -> ``pkg``; ``node:fs`` stays;
    a CDN's or Deno's ``npm:`` address of a package -> the package (its version dropped)."""
    for cdn in _NPM_CDNS:
        if spec.startswith(cdn):
            spec = spec[len(cdn) :]
            name = _npm_package(spec)
            return name[: name.index("@", 1)] if "@" in name[1:] else name
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
        path = plain(s.value)  # an import path is a string literal: escapes are read
        sig = cat.go.find(path)
        if sig is not None:
            yield _det(rel, lexed.line_of(s.offset), "import", sig, path)
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
