"""The signature catalogue: what AI use looks like, as data.

The built-in catalogue is ``gate_templates/signatures.yaml``; an organisation's policy
adds signatures (``discovery.signatures``) and drops built-in ones (``discovery.drop``).
This module turns the literals of the catalogue into lookup tables and a few compiled
patterns, all checked by :mod:`prodgate.discovery.safe_regex`, so no value in a
catalogue or a policy can make a scan slow.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from prodgate.discovery.safe_regex import compile_safe

if TYPE_CHECKING:
    from prodgate.linear import Pattern

FIELDS = (
    "python", "npm", "pypi", "go", "maven", "jvm", "nuget", "dotnet", "cargo", "rust",
    "boto3", "hosts", "urls", "env", "models", "constants", "resources", "images", "actions", "loaders",
)
"""The lists a signature may carry (see the comment at the top of signatures.yaml)."""

SIGNATURE_KEYS = frozenset({"provider", "accepts", *FIELDS})

_LITERAL = re.compile(r"^[A-Za-z0-9@/._:*-]{1,200}$")
"""What a catalogue value may contain: names, paths and hosts, never a pattern."""


STRUCTURE_TOKENS = ("mcpServers", "agents")
"""Words no signature lists that a file must be read for: an ``mcpServers`` section
of any JSON file (:mod:`prodgate.discovery.mcp_config`), and ``from agents import``,
the OpenAI Agents SDK, told from a local module named ``agents`` by what the file
imports from it (:mod:`prodgate.discovery.agents`)."""


class CatalogueError(ValueError):
    """The catalogue (built-in or from a policy) is not usable; the message says where."""


@dataclass(frozen=True)
class Signature:
    id: str
    provider: str | None
    accepts: tuple[str, ...]
    values: Mapping[str, tuple[str, ...]]

    def declared_by(self, providers: Iterable[str]) -> bool:
        """Whether a declaration's ``models:`` providers cover this signature."""
        if self.provider is None:
            return True
        wanted = {p.lower() for p in (self.accepts or (self.provider,))}
        return any(p.strip().lower() in wanted for p in providers)


def validate_signature(sid: str, raw: object) -> Signature:
    """One catalogue entry, checked: known keys, lists of literal strings."""
    if not isinstance(raw, dict):
        raise CatalogueError(f"signatures.{sid}: expected a mapping")
    unknown = sorted(set(raw) - SIGNATURE_KEYS)
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], sorted(SIGNATURE_KEYS), n=1, cutoff=0.6)
        meant = f"did you mean {close[0]!r}? " if close else ""
        raise CatalogueError(
            f"signatures.{sid}.{unknown[0]}: unknown key; {meant}known: {', '.join(sorted(SIGNATURE_KEYS))}"
        )
    if "provider" not in raw:
        raise CatalogueError(f"signatures.{sid}: 'provider' is required (null for frameworks)")
    provider = raw["provider"]
    if provider is not None and not isinstance(provider, str):
        raise CatalogueError(f"signatures.{sid}.provider: expected text or null")
    values: dict[str, tuple[str, ...]] = {}
    for key in ("accepts", *FIELDS):
        items = raw.get(key) or []
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise CatalogueError(f"signatures.{sid}.{key}: expected a list of text")
        for item in items:
            if not _LITERAL.match(item):
                raise CatalogueError(
                    f"signatures.{sid}.{key}: {item!r} is not a plain name, path or host "
                    "(letters, digits and @ / . _ : * - only)"
                )
        values[key] = tuple(items)
    accepts = values.pop("accepts")
    return Signature(sid, provider, accepts, values)


@dataclass
class _Prefixes:
    """Names matched exactly or by a separator-bounded prefix (``a.b`` covers ``a.b.c``),
    plus ``name*`` wildcards; the longest entry wins, so a specific signature beats a
    general one."""

    sep: str
    exact: dict[str, Signature] = field(default_factory=dict)
    stars: list[tuple[str, Signature]] = field(default_factory=list)
    fold: bool = False

    def add(self, value: str, sig: Signature) -> None:
        key = value.lower() if self.fold else value
        self.__dict__.pop("_heads", None)
        if key.endswith("*"):
            self.stars.append((key[:-1], sig))
            self.stars.sort(key=lambda item: -len(item[0]))
        else:
            self.exact.setdefault(key, sig)

    @functools.cached_property
    def _heads(self) -> tuple[frozenset[str], tuple[str, ...]]:
        """The first parts (up to ``sep``) of the entries, and the star prefixes with no
        ``sep`` in them: a name whose first part is neither can match no entry."""
        firsts = {k.split(self.sep, 1)[0] for k in self.exact}
        starts = []
        for prefix, _sig in self.stars:
            if self.sep in prefix:
                firsts.add(prefix.split(self.sep, 1)[0])
            else:
                starts.append(prefix)
        return frozenset(firsts), tuple(starts)

    def find(self, name: str) -> Signature | None:
        key = name.lower() if self.fold else name
        if self.sep:  # most names looked up (every import of a file) match nothing
            firsts, starts = self._heads
            if key.split(self.sep, 1)[0] not in firsts and not key.startswith(starts):
                return None
        probe = key
        while probe:
            sig = self.exact.get(probe)
            if sig is not None:
                return sig
            cut = probe.rfind(self.sep) if self.sep else -1
            if cut <= 0:
                break
            probe = probe[:cut]
        for prefix, sig in self.stars:
            if key.startswith(prefix):
                return sig
        return None


def normalise_pypi(name: str) -> str:
    """PEP 503: ``Google_GenerativeAI`` and ``google-generativeai`` are one project."""
    return re.sub(r"[-_.]{1,50}", "-", name).lower()


class Catalogue:
    """Lookup tables and compiled patterns for one effective set of signatures."""

    def __init__(self, signatures: Iterable[Signature], *, max_file_bytes: int, skip_dirs: Iterable[str]) -> None:
        self.signatures: dict[str, Signature] = {s.id: s for s in signatures}
        self.max_file_bytes = max_file_bytes
        self.skip_dirs = frozenset(skip_dirs)
        self.python = _Prefixes(".")
        self.npm = _Prefixes("")
        self.pypi = _Prefixes("", fold=True)
        self.go = _Prefixes("/")
        self.maven = _Prefixes(".")
        self.jvm = _Prefixes(".")
        self.nuget = _Prefixes(".", fold=True)
        self.dotnet = _Prefixes(".")
        self.cargo = _Prefixes("", fold=True)
        self.rust = _Prefixes("")
        self.boto3: dict[str, Signature] = {}
        self.loaders: dict[str, Signature] = {}
        self.images = _Prefixes("")
        self.actions = _Prefixes("/", fold=True)
        self._resources: dict[str, list[tuple[str | None, Signature]]] = {}
        self._resource_stars: list[tuple[str, Signature]] = []
        literal: dict[str, dict[str, Signature]] = {"urls": {}, "env": {}, "models": {}, "constants": {}}
        hosts: list[tuple[str, Signature]] = []
        tokens: set[str] = set()
        for sig in self.signatures.values():
            v = sig.values
            for name in v["python"]:
                self.python.add(name, sig)
                # The last part: "google.genai" is found by "genai", not by every "google".
                tokens.add(name.rstrip("*").rsplit(".", 1)[-1] or name)
            for name in v["npm"]:
                self.npm.add(name, sig)
                bare = name.rstrip("*")
                tokens.update((f"'{bare}'", f'"{bare}"') if len(bare) < 4 else (bare,))
            for name in v["pypi"]:
                self.pypi.add(normalise_pypi(name.rstrip("*")) + ("*" if name.endswith("*") else ""), sig)
                bare = name.rstrip("*")
                tokens.update((bare, bare.replace("-", "_")))
            for name in v["go"]:
                self.go.add(name, sig)
                tokens.add(name)
            for name in v["maven"]:
                self.maven.add(name, sig)
                tokens.add(name.split(":")[0])
            for name in v["jvm"]:
                self.jvm.add(name, sig)
                tokens.add(name)
            for name in v["nuget"]:
                self.nuget.add(name, sig)
                tokens.add(name)
            for name in v["dotnet"]:
                self.dotnet.add(name, sig)
                tokens.add(name)
            for name in v["cargo"]:
                self.cargo.add(name, sig)
                tokens.add(name)
            for name in v["rust"]:
                self.rust.add(name, sig)
                tokens.add(name)
            for name in v["boto3"]:
                self.boto3.setdefault(name, sig)
                tokens.add(name)
            for name in v["loaders"]:
                # Found in files that import a catalogue module, or (commands) hold
                # its first word: no token of their own.
                self.loaders.setdefault(name, sig)
            for name in v["resources"]:
                # "TYPE:KIND"; CloudFormation's types hold "::" and no kind.
                rtype, _, kind = (name, "", "") if "::" in name else name.partition(":")
                if rtype.endswith("*"):
                    self._resource_stars.append((rtype[:-1], sig))
                else:
                    self._resources.setdefault(rtype.lower(), []).append((kind or None, sig))
                tokens.add(rtype.rstrip("*"))
            for name in v["images"]:
                self.images.add(name, sig)
                tokens.add(name.rstrip("*"))
            for name in v["actions"]:
                self.actions.add(name, sig)
                tokens.add(name)
            for name in v["hosts"]:
                hosts.append((name, sig))
                tokens.add(max(name.split("*"), key=len))
            for key in literal:
                for name in v[key]:
                    literal[key].setdefault(name, sig)
                    tokens.add(name)
        tokens.update(STRUCTURE_TOKENS)
        self._hosts = hosts
        self._urls, self._env, self._models, self._constants = (
            literal["urls"], literal["env"], literal["models"], literal["constants"]
        )
        self.tokens = tuple(sorted(t for t in tokens if t))
        # A data file repeats one model id thousands of times (eval results name the
        # model on every row): each distinct match is looked up once, not per occurrence.
        self._model_memo: dict[str, Signature | None] = {}
        self._constant_memo: dict[str, Signature | None] = {}

    # The patterns are compiled on first use: a scan that finds no file to read (most
    # runs of the gate on a small change) never needs them, and compiling and bounding
    # them is most of the time of building a catalogue.
    @functools.cached_property
    def _host_res(self) -> list[tuple[re.Pattern[str], Signature]]:
        return [(compile_safe(_host_body(h)), s) for h, s in self._hosts]

    @functools.cached_property
    def host_re(self) -> Any:
        return _alternation([_host_body(h) for h, _ in self._hosts], r"(?<![A-Za-z0-9.-])", r"(?![A-Za-z0-9-])")

    @functools.cached_property
    def url_re(self) -> Any:
        return _words(self._urls, "", r"(?![A-Za-z0-9_/-])")

    @functools.cached_property
    def env_re(self) -> Any:
        return _words(self._env, "[A-Za-z0-9_]", r"(?![A-Za-z0-9_])")

    @functools.cached_property
    def model_re(self) -> Any:
        return _words(self._models, "[A-Za-z0-9_-]", r"[A-Za-z0-9_.:@/-]{0,80}")

    @functools.cached_property
    def longest_model(self) -> int:
        """The length of the longest model prefix: no model :attr:`model_re` finds
        starts further than this before the first literal of its text."""
        return max(map(len, self._models), default=0)

    @functools.cached_property
    def constant_re(self) -> Any:
        return _words(self._constants, "[A-Za-z0-9_.]", r"[A-Za-z0-9_]{1,60}")

    @functools.cached_property
    def _minimal_tokens(self) -> list[str]:
        return _minimal(self.tokens)

    @functools.cached_property
    def grep_pattern(self) -> str:
        """The tokens as one POSIX extended regular expression, for ``git grep -E``."""
        return "|".join(_ere_escape(t) for t in self._minimal_tokens)

    @functools.cached_property
    def prefilter(self) -> Any:
        return _alternation([re.escape(t) for t in self._minimal_tokens], "", "", binary=True)

    @functools.cached_property
    def token_re(self) -> Pattern:
        """The tokens in RE2, for text rather than bytes: whether a file's folded text
        (:func:`prodgate.discovery.spelling.plain`) holds one."""
        return _any_of(self._minimal_tokens)

    # The searches that decide whether a file is parsed or lexed run on every
    # candidate file, so they use RE2 (linear time, and a DFA that is far faster than
    # ``re`` on an alternation of many words).
    @functools.cached_property
    def literals(self) -> Pattern:
        """Any literal that strings, code or configuration show use by (hosts, URL
        paths, credential variables, model prefixes, SDK constants, boto3 services):
        without one, only an import can make a source file use AI, and configuration
        shows none."""
        found: set[str] = set()
        for sig in self.signatures.values():
            v = sig.values
            for key in ("urls", "env", "models", "constants", "boto3"):
                found.update(v[key])
            found.update(max(h.split("*"), key=len) for h in v["hosts"])
        return _any_of(_minimal(t for t in found if t))

    # What a text that host_re or env_re finds a signature in must hold. Python's re
    # tries those patterns at every position of a text (they start with a lookbehind,
    # or a character class); RE2 tells at once whether a long line can hold one at all.
    # On recorded API exchanges (crewAI's cassettes: a JSON body of 80 KB on one line,
    # naming a model and no host) that halved the time of configuration files.
    @functools.cached_property
    def host_literals(self) -> Pattern:
        """The longest fixed part of every host: in every host :attr:`host_re` finds."""
        return _any_of(_minimal(max(h.split("*"), key=len) for h, _ in self._hosts))

    @functools.cached_property
    def env_literals(self) -> Pattern:
        """Every credential variable: in every match of :attr:`env_re` that is one."""
        return _any_of(_minimal(self._env))

    @functools.cached_property
    def python_imports(self) -> tuple[Pattern, Pattern]:
        """Where a Python file can import a catalogue module: its top-level package
        right after ``import`` or ``from`` (blanks and backslash continuations between),
        or after a comma on a line that an ``import`` starts (``import os, openai``);
        and, for files that import dynamically, a string starting with one."""
        from prodgate.linear import compile_pattern

        names = [name.split(".", 1)[0] for sig in self.signatures.values() for name in sig.values["python"]]
        # "openai" is a whole name ("openai_helpers" is another package); "langchain_*" a prefix.
        whole = sorted({n for n in names if n and "*" not in n}, key=lambda r: (-len(r), r))
        prefixes = sorted({n.rstrip("*") for n in names if n.endswith("*") and n.rstrip("*")})
        body = "|".join([*(re.escape(r) + r"\b" for r in whole), *(re.escape(p) for p in prefixes)]) or "[^\\x00-\\x{10FFFF}]"
        gap = r"(?:[ \t\f\r]|\\\r?\n)"
        imported = compile_pattern(
            rf"\b(?:import|from){gap}+(?:{body})|\bimport\b(?:[^\n]|\\\r?\n)*,{gap}*(?:{body})"
        )
        return imported, compile_pattern(f"[\"'](?:{body})")

    @functools.cached_property
    def loader_calls(self) -> Pattern:
        """Every loader as written in a call (``from_pretrained(``, ``ollama.chat(``): a
        Python file that imports a catalogue module and calls one is read in full (one
        that only names one, ``from transformers import pipeline``, is not)."""
        from prodgate.linear import compile_pattern

        tails = sorted(self.loaders, key=lambda t: (-len(t), t))
        body = "|".join(re.escape(t) for t in tails) or "[^\\x00-\\x{10FFFF}]"
        return compile_pattern(rf"\b(?:{body})[ \t]*\(")

    @functools.cached_property
    def command_re(self) -> Any:
        """Loaders of two parts as shell commands (``ollama pull llama3``): the
        command, its verb and the model named after it."""
        pairs = sorted({n for n in self.loaders if n.count(".") == 1}, key=lambda r: (-len(r), r))
        bodies = [r"[ \t]{1,20}".join(re.escape(p) for p in pair.split(".")) for pair in pairs]
        return _alternation(bodies, r"(?<![A-Za-z0-9_./-])", r"[ \t]{1,20}([A-Za-z0-9][A-Za-z0-9_.:/-]{0,160})")

    @functools.cached_property
    def command_words(self) -> Pattern:
        """The commands of two-part loaders (``ollama``): a script or configuration
        without a literal is still read for :attr:`command_re` when it holds one."""
        return _any_of(sorted({n.split(".", 1)[0] for n in self.loaders if n.count(".") == 1}))

    @functools.cached_property
    def loader_names(self) -> frozenset[str]:
        """The last part of every loader: a call whose function is named otherwise is
        no loader's (most calls, asked before their dotted name is built)."""
        return frozenset(n.rsplit(".", 1)[-1] for n in self.loaders)

    def loader(self, dotted: str) -> Signature | None:
        """The signature of a call's function, by its dotted name (``ollama.chat``)
        or its last part (``AutoModel.from_pretrained`` is ``from_pretrained``)."""
        parts = dotted.split(".")
        return self.loaders.get(".".join(parts[-2:])) or self.loaders.get(parts[-1])

    def compile_all(self) -> Catalogue:
        """Compile every pattern now: what checking a policy's signatures needs, so
        that one making a pattern unsafe is refused with the policy, not mid-scan."""
        for pattern in (
            self.host_re, self.url_re, self.env_re, self.model_re, self.constant_re, self.prefilter,
            self.literals, self.token_re, self.python_imports, self.loader_calls, self.command_re, self.command_words,
            self.host_literals, self.env_literals,
        ):
            assert pattern is not None
        assert self._host_res is not None
        return self

    # -- lookups of matched text -------------------------------------------------------
    def host(self, text: str) -> Signature | None:
        return next((s for r, s in self._host_res if r.fullmatch(text)), None)

    def url(self, text: str) -> Signature | None:
        return self._urls.get(text)

    def env(self, text: str) -> Signature | None:
        return self._env.get(text)

    def model(self, text: str) -> Signature | None:
        return _longest_prefix(text, self._models, self._model_memo)

    def constant(self, text: str) -> Signature | None:
        return _longest_prefix(text, self._constants, self._constant_memo)

    def resource(self, rtype: str, kind: str | None) -> Signature | None:
        """The signature of an infrastructure resource of type ``rtype`` (compared
        without case, as ARM does) whose ``kind`` is ``kind`` (None: it has none). A
        type listed only as ``TYPE:KIND`` matches only that kind: an
        ``azurerm_cognitive_account`` of kind ``TextAnalytics`` is no language model."""
        for want, sig in self._resources.get(rtype.lower(), ()):
            if want is None or (kind is not None and want.lower() == kind.lower()):
                return sig
        return next((sig for prefix, sig in self._resource_stars if rtype.startswith(prefix)), None)

    def resource_kinds(self, rtype: str) -> list[str]:
        """The ``kind`` values for which a resource of type ``rtype`` is AI, when only
        some are (empty: every resource of the type is, or none)."""
        entries = self._resources.get(rtype.lower(), ())
        if any(want is None for want, _sig in entries):
            return []
        return [want for want, _sig in entries if want is not None]

    def resource_needs_kind(self, rtype: str) -> bool:
        """Whether resources of type ``rtype`` are AI only for some ``kind`` values."""
        return bool(self.resource_kinds(rtype))


_MEMO_LIMIT = 4096


def _longest_prefix(text: str, table: dict[str, Signature], memo: dict[str, Signature | None]) -> Signature | None:
    """The signature of the longest key of ``table`` that ``text`` starts with. Each
    match is at most a key and 80 characters, so trying its prefixes longest first is
    bounded; the answers are kept (up to a limit, so that a file of distinct ids cannot
    grow the memo without end)."""
    if text in memo:
        return memo[text]
    found = next((table[text[:n]] for n in range(len(text), 0, -1) if text[:n] in table), None)
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[text] = found
    return found


def _ere_escape(token: str) -> str:
    return "".join("\\" + c if c in ".[]()*+?{}|^$\\" else c for c in token)


def _host_body(host: str) -> str:
    return "[A-Za-z0-9-]{1,63}".join(re.escape(part) for part in host.split("*"))


class _Never:
    """Stands in for a pattern when a catalogue has no value of that kind."""

    def finditer(self, _text: Any, _pos: int = 0) -> Iterable[re.Match[Any]]:
        return ()

    def search(self, _text: Any, _pos: int = 0) -> None:
        return None


def _any_of(words: Iterable[str]) -> Pattern:
    """Whether a text holds any of ``words`` (RE2); with no word, a pattern that never
    matches."""
    from prodgate.linear import compile_pattern

    return compile_pattern("|".join(re.escape(w) for w in words) or "[^\\x00-\\x{10FFFF}]")


def _alternation(bodies: list[str], before: str, after: str, *, binary: bool = False) -> Any:
    if not bodies:
        return _Never()
    # Longest first, so that "gpt-4o" is not cut short by "gpt-4".
    body = "|".join(sorted(set(bodies), key=lambda b: (-len(b), b)))
    pattern = f"{before}(?:{body}){after}"
    return compile_safe(pattern.encode() if binary else pattern)


def _words(words: Iterable[str], not_after: str, after: str) -> Any:
    """The alternation of the literal ``words`` (longest first, none preceded by a
    character of the class ``not_after``), then ``after``, compiled as a trie: what
    the plain alternation matches, at each position, and in the same order of trial.

    Python's matcher tries every alternative in turn at each position where the text
    is a word's start, hundreds for the model prefixes; a trie tries one branch per
    character that can come next. The first character of each branch is a literal
    (the lookbehind is checked after it: ``g(?<![...]g)pt-``, the same test), so the
    matcher skips, in C, the positions where no word can start. A word that is a
    prefix of another is an optional end (``gpt-4(?:o)?``, greedy): the longer is
    tried first, as in the alternation sorted longest first; two words of which
    neither is a prefix of the other never both match at one position. Together, a
    third of the time of the alternation on recorded API exchanges."""
    trie: dict[str, Any] = {}
    for word in sorted(set(words)):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    if not trie or "" in trie:  # no word, or the empty one: the plain alternation
        return _alternation([re.escape(w) for w in words], f"(?<!{not_after})" if not_after else "", after)

    def branch(node: dict[str, Any], top: bool) -> str:
        alts = []
        for ch, child in sorted(node.items()):
            if ch:
                guard = f"(?<!{not_after}{re.escape(ch)})" if top and not_after else ""
                alts.append(re.escape(ch) + guard + branch(child, False))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return compile_safe(f"(?:{branch(trie, True)}){after}")


def _minimal(tokens: Iterable[str]) -> list[str]:
    """Tokens without those that contain a shorter one: the shorter finds them too."""
    out: list[str] = []
    for token in sorted(set(tokens), key=lambda t: (len(t), t)):  # the same order in every run
        if not any(t in token for t in out):
            out.append(token)
    return out


def builtin_data() -> dict[str, Any]:
    """The built-in catalogue as plain data: ``gate_templates/signatures.yaml``, read by
    the loader without positions (a shipped, tested file). A JSON copy of it once saved
    reading the YAML, short of a fifth of the run it was for: the ``prodgate-discover``
    hook took 0.532 s with it and without it in a repository with a declaration (which
    imports the YAML loader anyway), 0.562 s against 0.626 s (10%) in one of code alone
    (medians of 15 interleaved pairs, ``bench/bench_paths.py``)."""
    from prodgate.templates import read_template
    from prodgate.yamlio.loader import load_shipped

    data = load_shipped(read_template("signatures.yaml"))
    if not isinstance(data, dict):  # pragma: no cover - shipped file
        raise CatalogueError("the built-in signatures.yaml does not load")
    return data


def builtin_ids() -> frozenset[str]:
    """The ids of the built-in signatures (what a policy may drop)."""
    return frozenset(builtin_data().get("signatures") or {})


def _meant(sid: str, raw: Mapping[str, Any]) -> str:
    """"did you mean" for a signature id: the signature that looks for ``sid`` (``sklearn``
    is what ``scikit-learn`` finds in imports), else the id spelt closest to it."""
    import difflib

    wanted = sid.strip().lower()
    for other, value in raw.items():
        names = value.values() if isinstance(value, dict) else ()
        if any(isinstance(v, list) and wanted in (str(n).lower() for n in v) for v in names):
            return f"; did you mean {other!r} (the signature that finds {sid!r})?"
    close = difflib.get_close_matches(sid, [str(k) for k in raw], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def build(
    extra: Mapping[str, Any] | None = None, drop: Iterable[str] = (), data: Mapping[str, Any] | None = None
) -> Catalogue:
    """The effective catalogue: the built-in one (or ``data``), with the policy's
    ``extra`` signatures added (an id already present is replaced) and ``drop`` removed."""
    base = dict(data if data is not None else builtin_data())
    raw: dict[str, Any] = dict(base.get("signatures") or {})
    raw.update(extra or {})
    drop = list(drop)
    dropped = set(drop)
    for i, sid in enumerate(drop):
        if sid not in raw:
            raise CatalogueError(f"discovery.drop.{i}: no signature {sid!r}{_meant(sid, raw)}")
    sigs = [validate_signature(str(sid), value) for sid, value in raw.items() if sid not in dropped]
    max_bytes = base.get("max_file_bytes", 4 * 1024 * 1024)
    if not isinstance(max_bytes, int) or max_bytes <= 0:
        raise CatalogueError("max_file_bytes: expected a positive number of bytes")
    skip = base.get("skip_dirs") or []
    if not isinstance(skip, list) or not all(isinstance(s, str) for s in skip):
        raise CatalogueError("skip_dirs: expected a list of folder names")
    return Catalogue(sigs, max_file_bytes=max_bytes, skip_dirs=skip)
