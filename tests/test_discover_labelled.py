"""Precision and recall of discovery on the labelled set (tests/data/discovery).

The set holds realistic files in several languages: SDK use, manifests, configuration,
notebooks and weights (positives), and the things that look like AI but are not
(mentions in comments, docstrings and READMEs, a Rust crate for GUID partition tables
called ``gpt``, fields named ``model``, classes named ``Agent`` and ``Task``, ``gpt.rs``,
``gpt-disk.img``, local modules named ``openai``, a Portuguese ``.pt`` file, files that do
not parse), and AI outside application code with its look-alikes (Terraform,
CloudFormation, Bicep and ARM templates, Dockerfiles, compose files, workflows, scripts
without an extension, a request batch: an ``azurerm_cognitive_account`` of kind
``TextAnalytics`` is no language model), files that spell their use otherwise (UTF-16, string
escapes, a fullwidth letter, a notebook cell cut across its source list, Python that does
not parse) and models named to loaders, runtimes and SDK constants, with their look-alikes
(data dumps that quote model names, a command shown in a quoted shell string, a
``pipeline`` that is not Hugging Face's). ``labelled.json`` says, by path, line, kind and
signature, what each file must yield; every other detection is a false positive.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from prodgate.discovery import catalogue, scan

DATA = Path(__file__).resolve().parent / "data" / "discovery"
SET = DATA / "labelled"
LABELS: dict[str, Any] = json.loads((DATA / "labelled.json").read_text(encoding="utf-8"))
EXPECTED = {(d["path"], d["line"], d["kind"], d["signature"]) for d in LABELS["detections"]}
FILES = sorted(p.relative_to(SET).as_posix() for p in SET.rglob("*") if p.is_file())

MIN_PRECISION = 0.95
MIN_RECALL = 0.95


def test_the_set_is_large_and_mixed() -> None:
    assert len(FILES) >= 60
    assert len(LABELS["negatives"]) >= 15
    suffixes = {Path(f).suffix for f in FILES}
    assert {".py", ".ts", ".js", ".go", ".java", ".kt", ".cs", ".rs", ".ipynb", ".gguf", ".safetensors"} <= suffixes
    # AI outside application code: infrastructure as code, containers, CI, scripts, batches.
    assert {".tf", ".bicep", ".jsonl"} <= suffixes
    assert {"Dockerfile", "Containerfile", "compose.yaml", "nightly", "summarise"} <= {Path(f).name for f in FILES}
    assert any(f.startswith(".github/workflows/") for f in FILES)
    # Spelt otherwise: a UTF-16 file, with and without use; data that quotes models.
    assert sum((SET / f).read_bytes().startswith(b"\xff\xfe") for f in FILES) >= 2
    assert {"data/chat-logs.json", "data/forum-posts.jsonl"} <= set(LABELS["negatives"])
    assert {d[2] for d in EXPECTED} == {
        "import", "dependency", "endpoint", "credential", "model", "weights", "resource", "image", "action",
    }


def test_precision_and_recall(capsys: pytest.CaptureFixture[str]) -> None:
    found = scan.scan(SET, catalogue.build())
    got = {(d.path, d.line, d.kind, d.signature) for d in found.detections}
    hits = got & EXPECTED
    precision = len(hits) / len(got)
    recall = len(hits) / len(EXPECTED)
    with capsys.disabled():
        print(f"\ndiscovery on the labelled set: {len(FILES)} files, {len(EXPECTED)} labelled detections, "
              f"{len(got)} found; precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= MIN_PRECISION, sorted(got - EXPECTED)
    assert recall >= MIN_RECALL, sorted(EXPECTED - got)


@pytest.mark.parametrize("rel", FILES)
def test_each_file_alone_in_a_git_repository(rel: str, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Every file, committed alone to a fresh repository, gives exactly its labels
    (file and line) through ``prodgate discover --format json``."""
    root = tmp_path / "repo"
    (root / rel).parent.mkdir(parents=True)
    shutil.copyfile(SET / rel, root / rel)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    code, out, err = run("discover", "--format", "json", str(root))
    report = json.loads(out)
    got = {(d["path"], d["line"], d["kind"], d["signature"]) for d in report["detections"]}
    assert got == {e for e in EXPECTED if e[0] == rel}, err
    assert code == (1 if got else 0)
    assert all(d["asset"] is None for d in report["detections"])
