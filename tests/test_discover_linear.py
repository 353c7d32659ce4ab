"""Every matcher discovery runs over repository content is linear-time by construction.

``safe_regex`` bounds, for each pattern, the number of ways the backtracking matcher can
try to match at one position; a search over ``n`` characters then costs at most that
bound times the pattern's length times ``n`` steps. These tests check that bound for
every pattern the detectors and the catalogue compile, and that patterns which would
backtrack without bound are refused before they run.
"""

from __future__ import annotations

import random
import re

import pytest

from prodgate.discovery import catalogue, code, infra, installs, lexer, manifests, pytree
from prodgate.discovery.safe_regex import (
    MAX_PATHS,
    LazyPattern,
    UnsafePattern,
    compile_safe,
    paths_bound,
)


def _module_patterns() -> list[re.Pattern[str]]:
    out = []
    for module in (code, lexer, manifests, infra, installs):
        for value in vars(module).values():
            if isinstance(value, LazyPattern):
                value = value.compiled
            if isinstance(value, re.Pattern):
                out.append(value)
            elif isinstance(value, dict):
                out += [v for v in value.values() if isinstance(v, re.Pattern)]
    return out


def test_detector_patterns_in_re2_compile() -> None:
    """The detectors' patterns that RE2 runs (linear by construction) are accepted by
    it: one it refused would fail only on the first file that needs it."""
    from prodgate import linear

    found = [v for m in (code, lexer, manifests, infra, installs) for v in vars(m).values() if isinstance(v, linear.LazyPattern)]
    assert len(found) >= 3
    for pattern in found:
        assert pattern.compiled.pattern == pattern.pattern


def test_line_starts_are_where_each_line_starts() -> None:
    """Only a line feed ends a line (not a carriage return, a form feed or U+2028,
    which ``str.splitlines`` would also split at); a text ending in one has an empty
    last line."""
    rng = random.Random(5)
    for _ in range(300):
        text = "".join(rng.choice(["a", "\n", "\r", "\r\n", "\u2028", "\x0c", "é", ""]) for _ in range(rng.randint(0, 40)))
        expected = (0, *(i + 1 for i, ch in enumerate(text) if ch == "\n"))
        assert lexer.line_starts(text) == expected, repr(text)


def test_hash_comments_blanked_line_by_line_as_the_lexer_blanks_them() -> None:
    """Configuration whose comment openers are found is blanked one line at a time
    where that gives the lexer's result (no backslash before a line break): quotes
    left open at a line's end, ``#`` inside strings, ``a#b``, a line that starts with
    ``#``, escaped quotes; with a backslash-newline the whole text is lexed."""
    rng = random.Random(7)
    pieces = ["a", " ", "#", " #", "\t#", "'", '"', "\\", "\\'", '\\"', "\n", "\r\n", "\\\n", "x#y", "''",
              "z" * 300, "\n" + "y" * 200]  # lines with a # far apart are lexed apart
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        lexer.blank_comments.cache_clear()
        got = lexer.blank_comments(text, lexer.HASH)
        assert got.code == lexer.lex(text, lexer.HASH).code, repr(text)
        assert got.line_starts == lexer.line_starts(text)


def test_every_host_part_credential_and_model_prefix_holds_a_literal() -> None:
    """Configuration is searched for hosts and credentials only in its lines that hold
    a literal, and for models from its first literal less the longest model prefix
    (``code._in_text``): that misses nothing only while every host's fixed part, every
    credential variable and every model prefix holds one, in the built-in catalogue
    and in one a policy extends."""
    extra = {"x": {"provider": "x", "hosts": ["*.inference.example.net", "llm-*"], "env": ["MY_LLM_TOKEN"],
                   "models": ["house-model-", "zz"]}}
    for cat in (catalogue.build(), catalogue.build(extra)):
        parts = [max(h.split("*"), key=len) for h, _sig in cat._hosts]
        assert len(parts) >= 20 and len(cat._env) >= 20 and len(cat._models) >= 20
        for token in [*parts, *cat._env, *cat._models]:
            assert cat.literals.search(token) is not None, token
        assert cat.longest_model == max(map(len, cat._models))
    assert ".inference.example.net" in parts and "MY_LLM_TOKEN" in cat._env and "house-model-" in cat._models


def test_models_searched_from_the_first_literal_are_all_the_models() -> None:
    """A line's models, searched from its first literal less the longest prefix, are
    those of the whole line: prefixes glued to letters before them, two on a line, a
    literal of another kind first, a model right at the start."""
    from prodgate.discovery import code

    cat = catalogue.build()
    rng = random.Random(3)
    words = ["gpt-4o-mini", "claude-3-5-sonnet", "xgpt-4o", "api.openai.com", "OPENAI_API_KEY", "o3-mini",
             "text-embedding-3-small", "llama3", "-gpt-4", "a", " ", '"', ":", "/", "x" * 40]
    found = 0
    for _ in range(3000):
        line = "".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
        lead = [lead for _s, _e, _at, lead in code._literal_lines(line, cat)]
        if not lead:
            continue
        start = max(0, lead[0] - cat.longest_model)
        every = [(m.start(), m.group()) for m in cat.model_re.finditer(line)]
        assert [(m.start(), m.group()) for m in cat.model_re.finditer(line, start)] == every, line
        found += len(every)
    assert found > 1000


def test_detector_patterns_are_bounded() -> None:
    patterns = _module_patterns()
    assert len(patterns) >= 15
    for pattern in patterns:
        assert paths_bound(pattern.pattern) <= MAX_PATHS, pattern.pattern


def test_catalogue_patterns_are_bounded() -> None:
    cat = catalogue.build()
    for pattern in (cat.host_re, cat.url_re, cat.env_re, cat.model_re, cat.constant_re, cat.prefilter):
        assert paths_bound(pattern.pattern) <= MAX_PATHS, pattern.pattern[:80]


PREFIXED = ["gpt-4", "gpt-4o", "gpt-4o-mini", "o1", "o1-", "text-", "text-embedding-", "OPENAI_API", "OPENAI_API_KEY", "a.b"]


@pytest.mark.parametrize(
    ("kind", "not_after", "after"),
    [
        ("urls", "", r"(?![A-Za-z0-9_/-])"),
        ("env", "[A-Za-z0-9_]", r"(?![A-Za-z0-9_])"),
        ("models", "[A-Za-z0-9_-]", r"[A-Za-z0-9_.:@/-]{0,80}"),
        ("constants", "[A-Za-z0-9_.]", r"[A-Za-z0-9_]{1,60}"),
    ],
)
@pytest.mark.parametrize("source", ["catalogue", "prefixes"])
def test_literal_patterns_match_what_the_plain_alternation_matches(
    kind: str, not_after: str, after: str, source: str
) -> None:
    """The catalogue's literal patterns are compiled as tries (faster to search); they
    must find the same matches, at the same offsets, as the alternation sorted longest
    first: words that are prefixes of others, words glued to a preceding letter, cut
    short, or followed by what the pattern's tail refuses or more than it takes."""
    cat = catalogue.build()
    words = sorted(getattr(cat, f"_{kind}")) if source == "catalogue" else PREFIXED
    assert len(words) >= 3
    plain = catalogue._alternation([re.escape(w) for w in words], f"(?<!{not_after})" if not_after else "", after)
    trie = getattr(cat, f"{kind.rstrip('s')}_re") if source == "catalogue" else catalogue._words(words, not_after, after)
    assert trie.pattern != plain.pattern
    rng = random.Random(11)
    glue = ["", " ", "-", "_", ".", "/", "a", "Z", "9", ":", "@", '"', "\n", "=", "x" * 85]
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(1, 6)):
            word = rng.choice(words)
            parts.append(word[: rng.randint(1, len(word))] if rng.random() < 0.3 else word)
            parts.append(rng.choice(glue))
        text = "".join(parts)
        found = [(m.start(), m.group()) for m in trie.finditer(text)]
        assert found == [(m.start(), m.group()) for m in plain.finditer(text)], text


@pytest.mark.parametrize("pattern", [r"(a+)+b", r"a*b", r"(\w+\s?)*$", r"x{2,}", r"(a)\1", r"(?:a|aa){0,60}b"])
def test_unbounded_or_ambiguous_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(UnsafePattern):
        compile_safe(pattern)


def test_bounds_add_for_disjoint_repeats_and_multiply_for_overlapping_ones() -> None:
    assert paths_bound(r"[ \t]{0,9}import") == 1 + 10
    assert paths_bound(r"[a-z]{0,9}[a-z]{0,9}x") == 10 * 10
    assert paths_bound(r"ab|cd") <= 3


def test_hostile_text_is_lexed_and_scanned_in_one_pass() -> None:
    """Unterminated comments and strings, and runs of near-matches, do not make the
    lexer or the detectors revisit text: each such input is handled in one pass."""
    cat = catalogue.build()
    n = 50_000
    for text in ("/*" * n, '"' + "\\" * n, "'a" * n, "import " * n, "gpt-4" * n, "openai." * n):
        lexed = lexer.lex(text, lexer.C_STYLE)
        assert len(lexed.code) == len(text)
        list(code.javascript("x.ts", text, cat))
        list(code.python("x.py", text, cat))


@pytest.mark.parametrize("style", [lexer.C_STYLE, lexer.HASH, lexer.PYTHON, lexer.NONE])
def test_blanking_comments_alone_gives_the_lexers_code(style: str) -> None:
    """Configuration readers take the code without walking the string literals when
    there is no comment to blank: the code must be the lexer's, character for
    character, whatever quotes, escapes and would-be comment openers the text holds."""
    texts = [
        'key: "https://api.openai.com/v1"\nmodel: \'gpt-4o\'\n',
        'url: "a#b"\nx: 1 # openai\n',
        "a: 'it\\'s' # OPENAI_API_KEY\n",
        'x = "s\\\n# not a comment"\n',
        '"""doc openai"""\nx = 1\n',
        "a = 1 // c\n/* openai */ b = `x\n# y`\n",
        'x#y "openai" \'unterminated\n# z\n',
        "# first\nmodel: gpt-4o\n",
        "url: a#b\tc: '#fff'\n",
        '{"k": "v // w", "m": "gpt-4o"}',
    ]
    rng = random.Random(5)
    alphabet = ["#", "/", "*", '"', "'", "`", "\\", "\n", " ", "\t", "a", "openai"]
    texts += ["".join(rng.choice(alphabet) for _ in range(60)) for _ in range(400)]
    for text in texts:
        blanked, lexed = lexer.blank_comments(text, style), lexer.lex(text, style)
        assert (blanked.code, blanked.line_starts) == (lexed.code, lexed.line_starts), text
    assert lexer.blank_comments('a: "x"\nb: \'y\'\n', lexer.HASH).strings == ()  # nothing to blank: not walked


def test_infrastructure_container_and_ci_readers_are_linear_on_hostile_text() -> None:
    """Runs of near-matches (block headers, FROM lines, install commands continued
    to the end of the file, `uses:` keys) are read in one pass each."""
    import time

    cat = catalogue.build()
    n = 50_000
    cases = {
        "main.tf": 'resource "azurerm_cognitive_account" "a" {\n' * (n // 4),
        "x.bicep": "resource a 'Microsoft.CognitiveServices/accounts@1' = {\n" * (n // 4),
        "Dockerfile": "RUN pip install \\\n" * n + "FROM " * n,
        ".github/workflows/w.yml": "uses: actions/checkout@v4\n" * n + "run: npm i \\\n" * n,
        "t.json": '{"Type": "AWS::Bedrock::Agent", "type": "Microsoft.CognitiveServices/accounts"}' * (n // 10),
    }
    for rel, text in cases.items():
        start = time.perf_counter()
        list(infra.detect(rel, text, "config-hash", cat))
        assert time.perf_counter() - start < 3.0, rel



def test_an_html_page_is_cut_to_its_scripts_in_one_pass() -> None:
    """Openings without an end, ends without an opening, scripts that do not run and
    many small ones: each one forward pass, lines kept."""
    import time

    from prodgate.discovery.html import scripts_only

    n = 200_000
    cases = (
        "<script" * n,
        "<script>" * n,
        "</script>" * n,
        "<script src=x>" * n + "</script>",
        "<script type=application/json>\n</script>\n" * (n // 10),
        "<script>a\n</script>" * (n // 10),
    )
    for text in cases:
        start = time.perf_counter()
        out = scripts_only(text)
        assert time.perf_counter() - start < 1.0, text[:40]
        assert len(out) == len(text) and out.count("\n") == text.count("\n")

# -- which Python files are parsed ------------------------------------------------------
FULLWIDTH_OPENAI = "".join(chr(ord(c) + 0xFEE0) for c in "openai")
MAY_USE = {
    "import openai\n": True,
    "import os, openai\n": True,
    "import os, \\\n    openai\n": True,
    "import os \\\r\n  ,openai\n": True,
    "import a, \\\n b, \\\n torch\n": True,
    "from google import genai\n": True,
    "from \\\n openai import OpenAI\n": True,
    "x = 1; import torch\n": True,
    "if x:\n    import torch\n": True,
    "import langchain_core.messages\n": True,
    "import " + FULLWIDTH_OPENAI + "\n": True,  # NFKC: Python reads it as openai
    "import importlib\nimportlib.import_module(\n    'openai')\n": True,
    "m = __import__(\"torch\")\n": True,
    'URL = "https://api.openai.com/v1"\n': True,
    "x = together, openai\n": False,
    '"""Merged together from the parts."""\n': False,
    "from .openai import helper\n": False,
    "import openai_helpers\n": False,
    'name = "openai"\n': False,
    "import json\nfoo(together=1)  # openai\n": False,
}


@pytest.mark.parametrize(("text", "expected"), MAY_USE.items())
def test_python_files_are_parsed_only_when_they_can_show_use(text: str, expected: bool) -> None:
    cat = catalogue.build()
    assert code.python_may_use(text, cat) is expected
    # Never a detection missed: whatever a parse would find, the file is parsed for.
    assert bool(list(code.python("x.py", text, cat))) <= expected


def test_the_parse_decision_is_linear_on_hostile_text() -> None:
    import time

    cat = catalogue.build()
    n = 200_000
    for text in ("openai, " * n, "x " + "\\\n openai," * n, "openai\\\n" * n, "import " + "\\\n" * n + "x",
                 (FULLWIDTH_OPENAI + ", ") * n, "import x, openai_h\n" * n):
        start = time.perf_counter()
        assert code.python_may_use(text, cat) is False
        assert time.perf_counter() - start < 1.0


NESTED_IMPORTS = '''\
"""Imports at every depth a statement can be."""
import json, openai
from google import genai


class A:
    import torch

    def f(self):
        try:
            import anthropic
        except ImportError:
            from mistralai import Mistral
        else:
            import cohere
        finally:
            import groq
        with open("x") as fh:
            import ollama
        for _ in range(1):
            import replicate
        else:
            import together
        while False:
            import litellm
        match fh:
            case 1:
                import langchain_core
            case _:
                from llama_index.core import Settings
        if True:
            import transformers
        else:
            import vllm
        return lambda: __name__
'''


def test_a_file_without_literals_is_read_for_its_imports_alone_and_misses_none() -> None:
    cat = catalogue.build()
    assert code.python_reading(NESTED_IMPORTS, cat) == "imports"
    full = sorted(code.python("x.py", NESTED_IMPORTS, cat))
    assert sorted(code.python("x.py", NESTED_IMPORTS, cat, imports_only=True)) == full
    assert len(full) == 15 and {d.kind for d in full} == {"import"}
    assert code.python_reading(NESTED_IMPORTS + 'MODEL = "gpt-4o"\n', cat) == "all"
    assert code.python_reading(NESTED_IMPORTS + "importlib.import_module(name)\n", cat) == "all"
    assert code.python_reading("import json\n", cat) is None


def test_the_shipped_grep_pattern_is_the_built_in_catalogues() -> None:
    """discover starts git grep with the written-out pattern before it loads the
    catalogue; the two must agree (regenerate builtin_pattern.py when this fails)."""
    from prodgate.discovery.builtin_pattern import GREP_PATTERN

    assert catalogue.build().grep_pattern == GREP_PATTERN, catalogue.build().grep_pattern


# -- only the strings and lines that hold a literal are searched ------------------------
def _every_line(text: str, style: str, cat: catalogue.Catalogue) -> list[tuple[int, str, str]]:
    """What the patterns find when every line of ``text`` is searched on its own."""
    found = []
    for n, line in enumerate(text.split("\n"), 1):
        found += [(n, d.kind, d.match) for d in code.config("x", line, cat, style)]
    return sorted(found)


@pytest.mark.parametrize("style", [lexer.HASH, lexer.NONE])
def test_configuration_is_searched_in_its_lines_with_a_literal_and_misses_none(style: str) -> None:
    """Lines that are not ASCII before and between the literals keep their numbers, and
    every use in a line is found, however many lines and literals there are."""
    cat = catalogue.build()
    text = "\n".join([
        "name: café ☕ service",
        "url: https://api.openai.com/v1/chat/completions  # é",
        "nothing: here",
        "key: ${OPENAI_API_KEY} ${ANTHROPIC_API_KEY} model: gpt-4o-mini, claude-3-5-haiku-latest",
        "ünïcödé: x",
        "host: my-res.openai.azure.com",
        "last: gpt-4o",
    ])
    found = sorted((d.line, d.kind, d.match) for d in code.config("x", text, cat, style))
    assert found == _every_line(text, style, cat)
    assert found == [
        (2, "endpoint", "/v1/chat/completions"), (2, "endpoint", "api.openai.com"),
        (4, "credential", "ANTHROPIC_API_KEY"), (4, "credential", "OPENAI_API_KEY"),
        (4, "model", "claude-3-5-haiku-latest"), (4, "model", "gpt-4o-mini"),
        (6, "endpoint", "my-res.openai.azure.com"), (7, "model", "gpt-4o"),
    ]


def test_strings_are_searched_only_when_they_hold_a_literal_and_none_is_missed() -> None:
    cat = catalogue.build()
    items = [(1, "plain"), (2, "café https://api.openai.com/v1"), (3, "a\nb\nsee https://api.anthropic.com"),
             (4, "no literal\nat all"), (6, "gpt-4o"), (6, "gpt-4o")]
    found = sorted((d.line, d.kind, d.match) for d in code.strings("x", items, cat, env=True))
    one_by_one = sorted({(d.line, d.kind, d.match) for item in items for d in code.strings("x", [item], cat, env=True)})
    assert found == one_by_one
    assert found == [(2, "endpoint", "api.openai.com"), (5, "endpoint", "api.anthropic.com"), (6, "model", "gpt-4o")]


# -- lookups of matched names -------------------------------------------------------------
def _probe_every_entry(table: catalogue._Prefixes, name: str) -> catalogue.Signature | None:
    """The lookup by its definition: the longest entry that is ``name`` or a prefix of it
    ending at a separator, else the longest star prefix ``name`` starts with."""
    key = name.lower() if table.fold else name
    exact = [e for e in table.exact if key == e or (table.sep and key.startswith(e + table.sep))]
    if exact:
        return table.exact[max(exact, key=len)]
    stars = [(p, s) for p, s in table.stars if key.startswith(p)]
    return max(stars, key=lambda item: len(item[0]))[1] if stars else None


@pytest.mark.parametrize("sep", [".", "/", ""])
def test_prefix_lookups_find_what_probing_every_entry_finds(sep: str) -> None:
    sigs = {n: catalogue.Signature(n, None, (), {}) for n in "abcdef"}
    table = catalogue._Prefixes(sep, fold=sep == "")
    entries = {"openai": "a", "google.genai": "b", "langchain_*": "c", "google.gen*": "d", "azure.ai.inference": "e",
               ".hidden": "f", "github.com/x/y": "a", "@ai-sdk/*": "b", "Google_GenerativeAI": "c"}
    for value, sig in entries.items():
        table.add(value.replace(".", sep) if sep == "/" else value, sigs[sig])
    names = ["openai", "openai.types", "openaix", "google", "google.genai.types", "google.generativeai",
             "langchain_core.messages", "langchain", "azure.ai.inference.models", "azure.ai", ".hidden.x", "",
             "github.com/x/y/z", "@ai-sdk/openai", "google_generativeai", "GOOGLE_GENERATIVEAI", "x.openai"]
    for name in names:
        for probe in (name, name.replace(".", "/")):
            assert table.find(probe) == _probe_every_entry(table, probe), probe
    assert table.find("openaix") is None
    assert (table.find("openai.types") is sigs["a"]) is (sep == ".")


def test_model_and_constant_lookups_take_the_longest_prefix() -> None:
    cat = catalogue.build()
    for text in ("gpt-4o-mini-2024", "gpt-4o", "gpt-4", "gpt-", "claude-3-5-sonnet-latest", "o3-mini-high", "o3",
                 "openai.GPT4o", "anthropic.ModelClaude", "x", ""):
        models = [m for m in cat._models if text.startswith(m)]
        assert cat.model(text) == (cat._models[max(models, key=len)] if models else None), text
        constants = [c for c in cat._constants if text.startswith(c)]
        assert cat.constant(text) == (cat._constants[max(constants, key=len)] if constants else None), text
    assert cat.model("gpt-4o-mini") is not None and cat.model("gpt") is None


def test_one_pass_over_a_syntax_tree_finds_what_walking_every_node_finds() -> None:
    """Strings that are not prose, calls and imports, as ``ast.walk`` over every node
    finds them: on prodgate's own sources, the labelled set and the 3.10+ syntax below."""
    import ast
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    sources = [p.read_text(encoding="utf-8") for p in sorted((repo / "src").rglob("*.py"))]
    sources += [p.read_text(encoding="utf-8") for p in sorted((repo / "tests" / "data" / "discovery").rglob("*.py"))]
    sources.append(
        'match x:\n    case {"k": "api.openai.com", **rest}: pass\n    case C(a="gpt-4o") as y: pass\n'
        'def f(a: "OPENAI_API_KEY" = "o3-mini", *, b=f"{x!r:>{w}} gpt-4o") -> "m": "doc"; return lambda: "x"\n'
        '"""prose"""\nx: "ann" = [i async for i in g() if "t"]\nglobal q\n'
        "try:\n    import a\nexcept E:\n    import b\nelse:\n    import c\nfinally:\n    from d import e\n"
        "match x:\n    case 1:\n        import f\n"
        "async def g():\n    async with h:\n        while i:\n            pass\n        else:\n            import j\n"
        "class K:\n    if l:\n        pass\n    elif m:\n        for n in o:\n            import p\n"
    )
    checked = 0
    for text in sources:
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        prose = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)
                 and isinstance(n.value.value, str)}
        expected = sorted((n.lineno, n.value) for n in ast.walk(tree)
                          if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in prose)
        uses = sorted(id(n) for n in ast.walk(tree) if isinstance(n, (ast.Call, ast.Import, ast.ImportFrom)))
        walked = pytree.walk(tree)
        assert sorted(id(n) for n in walked.uses) == uses
        assert sorted(walked.strings) == expected
        imported = sorted(id(n) for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)))
        assert sorted(map(id, pytree.imports(tree))) == imported  # at any depth
        for kind in pytree.KEPT:  # what agents read by kind
            assert sorted(map(id, walked.kinds[kind])) == sorted(id(n) for n in ast.walk(tree) if type(n) is kind)
        checked += 1
    assert checked > 100


def test_notebook_cells_that_can_show_use_are_all_found_by_searching_them_joined() -> None:
    cat = catalogue.build()
    rng = random.Random(11)
    pool = [*MAY_USE, "x = 1", "", "import os, \\", "openai", "print('a')", "%pip install openai", "y = 2\n"]
    for _ in range(200):
        texts = [rng.choice(pool) for _ in range(rng.randint(1, 30))]
        wanted = {k for k, t in enumerate(texts) if code.python_reading(t, cat) is not None}
        found = code._may_show_use(texts, cat)
        assert wanted <= set(found), texts
    assert code._may_show_use(["x = 1"] * 1000 + ["import openai"], cat) == [1000]
