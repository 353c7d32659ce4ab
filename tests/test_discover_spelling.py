"""Discovery reads what a file says, not how it is spelt: encodings (byte order marks,
UTF-16), string escapes in JSON, JavaScript and Python, look-alike letters Python folds
(NFKC), a notebook cell cut across its ``source`` list, and a Python file that does not
parse. Each case is tried committed to git (where git grep picks the files to read)
and untracked in a plain folder (where the compiled prefilter does), with its file and
line; look-alikes that say nothing stay silent.
"""

from __future__ import annotations

import json
import subprocess
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from prodgate.discovery import spelling

Run = Callable[..., tuple[int, str, str]]
Found = set[tuple[str, int, str, str]]

NOTEBOOK_SPLIT = json.dumps(
    {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Drafts\n"]},
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": [
                    "import os\n",
                    "from ",
                    "anthropic import ",
                    "Anthropic\n",
                    "client = Anthropic()\n",
                ],
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    },
    indent=1,
)
# The same cell, its letters written as \uXXXX escapes in the JSON.
NOTEBOOK_ESCAPED = json.dumps(
    {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "source": ["import os\n", "import openai\n"],
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    },
    indent=1,
).replace('"import openai', '"\\u0069mport \\u006fpenai')

CASES: dict[str, tuple[dict[str, str | bytes], Found]] = {
    "utf-16-le ts": (
        {
            "src/client.ts": b"\xff\xfe"
            + 'import OpenAI from "openai";\n\nconst model = "gpt-4o-mini";\n'.encode("utf-16-le")
        },
        {("src/client.ts", 1, "import", "openai"), ("src/client.ts", 3, "model", "openai")},
    ),
    "utf-16-be py": (
        {"bot.py": b"\xfe\xff" + "import os\nimport anthropic\n".encode("utf-16-be")},
        {("bot.py", 2, "import", "anthropic")},
    ),
    "utf-32 yaml": (
        {
            "deploy/app.yaml": b"\xff\xfe\x00\x00"
            + "env:\n  - name: OPENAI_API_KEY\n".encode("utf-32-le")
        },
        {("deploy/app.yaml", 2, "credential", "openai")},
    ),
    "fullwidth import": (
        {"app.py": "import os\nimport \uff4fpenai\n"},
        {("app.py", 2, "import", "openai")},
    ),
    "mathematical letters": (
        {"app.py": "import os\nfrom \U0001d41a\U0001d427thropic import Anthropic\n"},
        {("app.py", 2, "import", "anthropic")},
    ),
    "python hex escape in a host": (
        {"svc.py": 'import httpx\n\nURL = "https://api.\\x61nthropic.com/v1/messages"\n'},
        {("svc.py", 3, "endpoint", "anthropic")},
    ),
    "python dynamic import by escapes": (
        {"svc.py": 'import importlib\n\nmod = importlib.import_module("\\x6f\\x70enai")\n'},
        {("svc.py", 3, "import", "openai")},
    ),
    "javascript hex escape": (
        {"web/api.js": 'export const base = "https://api.\\x61nthropic.com";\n'},
        {("web/api.js", 1, "endpoint", "anthropic")},
    ),
    "javascript unicode escape in require": (
        {"web/llm.js": 'const fs = require("fs");\nconst ai = require("\\u006fpenai");\n'},
        {("web/llm.js", 2, "import", "openai")},
    ),
    "javascript code point escape": (
        {"web/m.ts": 'const model = "\\u{67}pt-4o";\n'},
        {("web/m.ts", 1, "model", "openai")},
    ),
    "package.json key escaped": (
        {
            "package.json": '{\n  "name": "drafts",\n  "dependencies": {\n    "\\u006fpenai": "^4.0.0"\n  }\n}\n'
        },
        {("package.json", 4, "dependency", "openai")},
    ),
    "json config escaped model": (
        {"config/llm.json": '{\n  "provider": "x",\n  "model": "gpt\\u002d4o"\n}\n'},
        {("config/llm.json", 3, "model", "openai")},
    ),
    "notebook written with escapes": (
        {"nb/escaped.ipynb": NOTEBOOK_ESCAPED},
        {("nb/escaped.ipynb", 9, "import", "openai")},
    ),
    "notebook cell cut across its source list": (
        {"nb/split.ipynb": NOTEBOOK_SPLIT},
        {("nb/split.ipynb", 17, "import", "anthropic")},
    ),
    "python that does not parse": (
        {
            "broken.py": (
                "def draft(:\n"
                "    pass\n"
                "import os, openai\n"
                "try: import anthropic\n"
                "except ImportError: pass\n"
                "from mistralai import (\n"
                "    Mistral,\n"
                ")\n"
                "if True: from google import genai\n"
                'note = "; import cohere"\n'
                "# import groq\n"
            )
        },
        {
            ("broken.py", 3, "import", "openai"),
            ("broken.py", 4, "import", "anthropic"),
            ("broken.py", 6, "import", "mistral"),
            ("broken.py", 9, "import", "google-genai"),
        },
    ),
    "python that does not parse, import continued": (
        {"broken.py": "x = (\nimport json, \\\n    openai as oa\n"},
        {("broken.py", 3, "import", "openai")},
    ),
    "go import path escaped": (
        {
            "cmd/bot/main.go": 'package main\n\nimport (\n\t"fmt"\n\t"github.com/sashabaranov/go-\\x6fpenai"\n)\n'
        },
        {("cmd/bot/main.go", 5, "import", "openai")},
    ),
    "escapes of letters that fold, in hosts": (
        {
            "hosts.py": 'A = "https://api.\\u1d52penai.com/v1"\nB = "https://api.\\xaanthropic.com"\n'
        },
        {("hosts.py", 1, "endpoint", "openai"), ("hosts.py", 2, "endpoint", "anthropic")},
    ),
    "java unicode escape in an import": (
        {
            "src/main/java/acme/Bot.java": "package acme;\n\nimport com.\\u006fpenai.client.OpenAIClient;\n"
        },
        {("src/main/java/acme/Bot.java", 3, "import", "openai")},
    ),
    # Look-alikes: spelt otherwise, saying nothing the catalogue lists.
    "escapes that name nothing": (
        {
            "util.c": 'const char *s = "\\x41\\x42\\n";\n',
            "strings.js": 'const t = "\\u0041\\u00e9";\n',
        },
        set(),
    ),
    "a doubled backslash is a backslash": (
        {"doc.py": 'PATTERN = "api.\\\\x61nthropic.com"\n'},
        set(),
    ),
    "utf-16 text without a token": (
        {"notes.ts": b"\xff\xfe" + "export const greeting = 'hello';\n".encode("utf-16-le")},
        set(),
    ),
    "fullwidth letters in prose": (
        {"labels.py": 'TITLE = "\uff21\uff29 summary"\n'},
        set(),
    ),
}


def _scan(root: Path, run: Run) -> tuple[int, Found, dict[str, str]]:
    code, out, err = run("discover", "--format", "json", str(root))
    assert "Traceback" not in err
    report = json.loads(out)
    found = {(d["path"], d["line"], d["kind"], d["signature"]) for d in report["detections"]}
    return code, found, {s["path"]: s["reason"] for s in report.get("skipped", [])}


def _write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


@pytest.mark.parametrize("where", ["git", "folder"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_what_the_file_says_is_found(case: str, where: str, tmp_path: Path, run: Run) -> None:
    files, expected = CASES[case]
    root = tmp_path / "repo"
    root.mkdir()
    _write(root, files)
    if where == "git":
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
        subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    code, found, skipped = _scan(root, run)
    assert found == expected
    assert skipped == {}
    assert code == (1 if expected else 0)


def test_an_untracked_utf16_file_in_a_checkout_is_read(tmp_path: Path, run: Run) -> None:
    """Tracked files are picked by git grep, untracked ones by the compiled prefilter:
    both keep a UTF-16 file."""
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    _write(root, {"README.txt": "docs\n"})
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    _write(
        root,
        {
            "new.ts": b"\xff\xfe"
            + 'import Anthropic from "@anthropic-ai/sdk";\n'.encode("utf-16-le")
        },
    )
    _code, found, _skipped = _scan(root, run)
    assert found == {("new.ts", 1, "import", "anthropic")}


def test_a_nul_byte_without_a_byte_order_mark_is_still_binary(tmp_path: Path, run: Run) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    _write(root, {"a.py": b"import openai\n\x00\x01"})
    code, found, skipped = _scan(root, run)
    assert (found, skipped, code) == (
        set(),
        {"a.py": "binary content (NUL bytes) in a text format"},
        0,
    )


def test_plain_folds_only_into_literal_characters() -> None:
    text = '"\\x22" "\\u0027" "\\x0a" "\\\\x61" "\\uff4f" "\\N{LATIN SMALL LETTER A}" "\\u{110000}" "\uff03"'
    assert (
        spelling.plain(text) == '"\\x22" "\\u0027" "\\x0a" "\\\\x61" "o" "a" "\\u{110000}" "\uff03"'
    )
    untouched = 'print("hello\\n", r"\\d+")\n'
    assert spelling.plain(untouched) is untouched
    # Line breaks are never made or removed: lines keep their numbers.
    assert spelling.plain("a\\x0a\nb\\u000a\n").count("\n") == 2


def test_the_fold_blocks_hold_every_folding_character() -> None:
    """Every character of Unicode whose NFKC form is made of literal characters lies in
    the blocks :func:`spelling.folds` looks through."""
    safe = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/:@")
    every = {
        chr(cp)
        for cp in range(0x80, 0x110000)
        if (form := unicodedata.normalize("NFKC", chr(cp))) != chr(cp)
        and set(form) <= safe
        and (len(form) == 1 or any(c.isalnum() for c in form))
    }
    assert every == set(spelling.folds())


def test_the_markers_find_every_folding_character_and_escape() -> None:
    for char in spelling.folds():
        assert spelling.marked(f"import {char}x\n".encode())
    for escape in (
        "\\x61",
        "\\u006f",
        "\\uff4f",
        "\\ud835\\udc28",
        "\\u{6f}",
        "\\N{DIGIT ONE}",
        "\\157",
        "\\U0000006f",
    ):
        assert spelling.marked(escape.encode()), escape
    assert not spelling.marked(b'print("a\\n\\t\\\\")\n')


@pytest.mark.parametrize(
    "text",
    [
        "\\" * 400_000,
        "\\u{" * 200_000,
        "\\N{" + "A" * 400_000,
        "\\ud800" * 100_000,
        "\uff4f" * 300_000,
        "\\x6" * 200_000,
    ],
    ids=["backslashes", "open-braces", "long-name", "lone-surrogates", "fullwidth", "cut-escapes"],
)
def test_plain_is_linear(text: str) -> None:
    start = time.perf_counter()
    spelling.plain(text)
    spelling.marked(text.encode("utf-8", "surrogatepass"))
    assert time.perf_counter() - start < 5.0


@pytest.mark.parametrize(
    "text",
    ["from a import (\n" * 200_000, "import a, " * 300_000 + "\n", ":import a;" * 200_000],
    ids=["open-parentheses", "one-long-import", "statements-after-colons"],
)
def test_the_import_reader_of_a_broken_file_is_linear(text: str, tmp_path: Path, run: Run) -> None:
    """A Python file that does not parse, built to make the line reader slow: each
    statement is read at most a bounded span, so the scan stays within the bound."""
    root = tmp_path / "repo"
    _write(root, {"broken.py": "def f(:\nimport openai\n" + text})
    start = time.perf_counter()
    code, found, _skipped = _scan(root, run)
    assert time.perf_counter() - start < 10.0
    assert (code, found) == (1, {("broken.py", 2, "import", "openai")})


def test_python_names_are_folded_per_text_and_kept_for_the_next_reader() -> None:
    """Both Python readers ask for a module's names folded; the second gets the first's
    result for the same text, and another text its own."""
    from prodgate.discovery.spelling import python_names

    one, two = "import \uff4fpenai\n", "import \uff41nthropic\n"
    assert python_names(one) == "import openai\n"
    assert python_names(one) is python_names(one)
    assert python_names(two) == "import anthropic\n"
    assert python_names(one) == "import openai\n"
    assert python_names("import os\n") == "import os\n"


def test_utf8_is_kept_for_the_same_text_only() -> None:
    from prodgate.discovery.spelling import utf8

    one, two = "caf\u00e9 = 'gpt-4o'\n", "na\u00efve\udcff\n"
    assert utf8(one) == one.encode("utf-8")
    assert utf8(one) is utf8(one)
    assert utf8(two) == two.encode("utf-8", "surrogatepass")
    assert utf8(one) == one.encode("utf-8")
