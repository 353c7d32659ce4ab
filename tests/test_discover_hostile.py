"""Discovery on files a pull request's author built to break it.

Each input is built here, in a real git checkout (or a plain folder where git would
not keep it); each test states the exact outcome: the detections with their lines,
the files reported as not scanned and why, the exit code, no traceback, and a bound on
the time taken. The worst cases are timed in bench/bench_discover.py (``--hostile``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Run = Callable[..., tuple[int, str, str]]
BOUND = 10.0
"""Seconds any one of these scans may take on a loaded CI machine (each takes well under
one second on an idle one; bench/bench_discover.py --hostile prints the figures)."""


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def committed(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    git(root, "add", "-A")
    return root


def discover(run: Run, root: Path) -> tuple[int, dict[str, Any], float]:
    start = time.perf_counter()
    code, out, err = run("discover", "--format", "json", str(root))
    took = time.perf_counter() - start
    assert err == ""  # no traceback, no warning
    return code, json.loads(out), took


def found(report: dict[str, Any]) -> list[tuple[str, int, str, str]]:
    return [(d["path"], d["line"], d["kind"], d["signature"]) for d in report["detections"]]


def skipped(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(s["path"], s["reason"]) for s in report["skipped"]]


# -- size and shape -------------------------------------------------------------------------
def test_a_one_megabyte_line(tmp_path: Path, run: Run) -> None:
    """A minified bundle and a generated Python list, each one line of 1 MB full of
    near-matches: one detection each, at line 1."""
    bundle = "var a=require('./x'),b=a.openai_like+'gpt-',c=OPENAI_API;" * 18_000 + 'require("openai");'
    listing = "MODELS = [" + '"gpt-4o", ' * 100_000 + "]\n"
    assert len(bundle) > 1_000_000 and len(listing) > 1_000_000
    root = committed(tmp_path, {"web/bundle.min.js": bundle, "gen/models.py": listing})
    code, report, took = discover(run, root)
    assert found(report) == [("gen/models.py", 1, "model", "openai"), ("web/bundle.min.js", 1, "import", "openai")]
    assert (code, skipped(report), took < BOUND) == (1, [], True)


def test_a_python_file_with_100000_imports(tmp_path: Path, run: Run) -> None:
    text = "".join(f"import module_{i}\n" for i in range(100_000)) + "import openai\n"
    root = committed(tmp_path, {"app/imports.py": text})
    code, report, took = discover(run, root)
    assert found(report) == [("app/imports.py", 100_001, "import", "openai")]
    assert (code, skipped(report), took < BOUND) == (1, [], True)


@pytest.mark.parametrize(
    "nesting",
    [
        "-" * 100_000 + "1",  # the parser runs out of stack: MemoryError
        "1+" * 100_000 + "1",  # building the tree recurses too deep: RecursionError
        "a" + ".b" * 200_000,  # RecursionError
        "(" * 1_000 + "1" + ")" * 1_000,  # too many nested parentheses: SyntaxError
    ],
    ids=["unary", "binary", "attributes", "parentheses"],
)
def test_deeply_nested_python_falls_back_to_the_lexer(nesting: str, tmp_path: Path, run: Run) -> None:
    """What ``ast`` cannot build is read by the fallback scanner: the import after it
    is still found at its line, and nothing crashes."""
    root = committed(tmp_path, {"deep.py": f"x = {nesting}\nimport openai\nMODEL = 'gpt-4o'\n"})
    code, report, took = discover(run, root)
    assert found(report) == [("deep.py", 2, "import", "openai"), ("deep.py", 3, "model", "openai")]
    assert (code, skipped(report), took < BOUND) == (1, [], True)


# -- notebooks that are JSON bombs ----------------------------------------------------------------
def test_a_deeply_nested_notebook(tmp_path: Path, run: Run) -> None:
    """JSON nested 100,000 deep (json.loads recurses out): scanned as text instead, and
    the import its text shows is still found."""
    bomb = '{"cells": ' + "[" * 100_000 + "]" * 100_000 + ', "x": "\\nimport openai"}\n'
    root = committed(tmp_path, {"nb/bomb.ipynb": bomb, "nb/flat.ipynb": '{"cells": ' + "[" * 100_000 + "]" * 100_000 + "}\n"})
    code, report, took = discover(run, root)
    assert found(report) == []  # a string holding "import openai" is not an import
    assert (code, skipped(report), took < BOUND) == (0, [], True)
    (root / "nb" / "bomb.ipynb").write_text(bomb.replace(', "x"', '\nimport openai\n, "x"'), encoding="utf-8")
    code, report, took = discover(run, root)
    assert found(report) == [("nb/bomb.ipynb", 2, "import", "openai")]
    assert (code, took < BOUND) == (1, True)


def test_a_huge_notebook_is_reported_not_read(tmp_path: Path, run: Run) -> None:
    cell = {"cell_type": "code", "source": ["import openai\n", "x = 1\n" * 100]}
    notebook = json.dumps({"cells": [cell] * 8_000, "nbformat": 4})
    assert len(notebook) > 4 * 1024 * 1024
    root = committed(tmp_path, {"nb/huge.ipynb": notebook})
    code, report, took = discover(run, root)
    assert found(report) == []
    assert skipped(report) == [("nb/huge.ipynb", f"{len(notebook):,} bytes, over the scan limit of 4,194,304")]
    assert (code, took < BOUND) == (0, True)


def test_a_notebook_of_50000_cells(tmp_path: Path, run: Run) -> None:
    """Just under the size limit: every cell is parsed, and the last one's import is
    found at its line of the .ipynb file."""
    cells = [{"cell_type": "code", "source": [f"x{i} = {i}\n"]} for i in range(50_000)]
    cells.append({"cell_type": "code", "source": ["import openai\n"]})
    notebook = json.dumps({"cells": cells}, indent=1)
    line = notebook.splitlines().index('    "import openai\\n"') + 1
    root = committed(tmp_path, {"nb/many.ipynb": notebook})
    code, report, took = discover(run, root)
    assert found(report) == [("nb/many.ipynb", line, "import", "openai")]
    assert (code, skipped(report), took < BOUND) == (1, [], True)


# -- weights that are not files ---------------------------------------------------------------------
def test_weights_that_link_to_dev_zero_are_never_read(tmp_path: Path, run: Run) -> None:
    """A tracked symlink out of the repository is not a file of the repository: never
    followed, never read (reading /dev/zero would never end), and reported."""
    root = committed(tmp_path, {"app.py": "print(1)\n"})
    (root / "models").mkdir()
    (root / "models" / "big.safetensors").symlink_to("/dev/zero")
    (root / "models" / "model.gguf").symlink_to("/dev/zero")
    git(root, "add", "-A")
    code, report, took = discover(run, root)
    outside = "symbolic link to '/dev/zero', outside the repository"
    assert (code, found(report), took < BOUND) == (0, [], True)
    assert skipped(report) == [("models/big.safetensors", outside), ("models/model.gguf", outside)]
    # Given by name as a change's file, it is still not followed.
    code, out, err = run("discover", "--format", "json", "--root", str(root), "--changed", str(root / "models" / "model.gguf"))
    assert (code, json.loads(out)["detections"], err) == (0, [], "")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_fifos_are_reported_and_never_waited_on(tmp_path: Path) -> None:
    """git keeps no FIFO, so they are met outside a checkout: opening one to read would
    wait for a writer forever. Each is refused before a byte is read, and reported."""
    root = tmp_path / "plain"
    (root / "models").mkdir(parents=True)
    os.mkfifo(root / "models" / "model.gguf")
    os.mkfifo(root / "models" / "weights.pt")
    os.mkfifo(root / "bot.py")
    (root / "app.py").write_text("import openai\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "prodgate", "discover", "--format", "json", str(root)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    report = json.loads(done.stdout)
    assert (done.returncode, done.stderr) == (1, "")
    assert found(report) == [("app.py", 1, "import", "openai")]
    message = "is not a regular file (a FIFO, a device or a socket)"
    assert skipped(report) == [("bot.py", message), ("models/model.gguf", message), ("models/weights.pt", message)]


# -- binary content under text names -------------------------------------------------------------
def test_binary_files_with_text_extensions(tmp_path: Path, run: Run) -> None:
    """NUL bytes: reported as binary, not read as text. Invalid UTF-8 without NUL bytes
    (a Latin-1 file): read with replacement characters, so what it shows is found."""
    root = committed(tmp_path, {
        "bin/model.py": os.urandom(2048).replace(b"\x00", b"\x01") + b"\x00\nimport openai\n",
        "bin/data.json": b'{"model": "gpt-4o"}\x00' + bytes(range(256)) * 40,
        "web/latin1.ts": 'const s = "caf\xe9";\nimport OpenAI from "openai";\n'.encode("latin-1"),
        "app/weights.gguf.py": b"GGUF\x03\x00\x00\x00" + b"\xff" * 64 + b"openai",
    })
    code, report, took = discover(run, root)
    binary = "binary content (NUL bytes) in a text format"
    assert found(report) == [("web/latin1.ts", 2, "import", "openai")]
    assert skipped(report) == [("app/weights.gguf.py", binary), ("bin/data.json", binary), ("bin/model.py", binary)]
    assert (code, took < BOUND) == (1, True)


# -- a policy hides only what it names ------------------------------------------------------------
def test_a_policy_hides_only_its_discovery_section(tmp_path: Path, run: Run) -> None:
    """Naming the policy version in a comment hides nothing; in a real policy only the
    signatures its discovery section names are set aside."""
    disguised = "# prodgate/policy/v1\nllm:\n  model: gpt-4o\n  key: ${OPENAI_API_KEY}\n"
    policy = (
        "apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme\n"
        "discovery:\n  signatures:\n    gateway: {provider: acme, env: [ACME_KEY], models: [gpt-4o]}\n"
        "  exempt:\n    - {path: x/**, reason: hosts api.openai.com}\n"
        "rules: {PG802: {severity: error}}\n"
        "notes: {fallback: claude-3-5-haiku-latest}\n"
    )
    root = committed(tmp_path, {"config/llm.yaml": disguised, "policy/acme.yaml": policy})
    code, report, took = discover(run, root)
    assert found(report) == [
        ("config/llm.yaml", 3, "model", "openai"), ("config/llm.yaml", 4, "credential", "openai"),
        ("policy/acme.yaml", 10, "model", "anthropic"),
    ]
    assert (code, took < BOUND) == (1, True)


def test_a_yaml_that_only_claims_to_be_a_policy_hides_nothing(tmp_path: Path, run: Run) -> None:
    """Any YAML can say ``apiVersion: prodgate/policy/v1``; a ``discovery:`` section
    with keys no policy has (the policy loader refuses them), block or flow style, is
    the application's own configuration, and what it names there is use."""
    block = (
        "apiVersion: prodgate/policy/v1\nname: app\n"
        "discovery:\n  llm_url: https://api.openai.com/v1/chat/completions\n  key_var: OPENAI_API_KEY\n"
    )
    flow = "apiVersion: prodgate/policy/v1\nname: app\ndiscovery: {key_var: OPENAI_API_KEY}\n"
    root = committed(tmp_path, {"config/block.yaml": block, "config/flow.yaml": flow})
    code, report, took = discover(run, root)
    assert ("config/block.yaml", 5, "credential", "openai") in found(report)
    assert ("config/flow.yaml", 3, "credential", "openai") in found(report)
    assert any(f[0] == "config/block.yaml" and f[1] == 4 for f in found(report))
    assert (code, took < BOUND) == (1, True)
