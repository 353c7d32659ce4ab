"""Read one results file with the reader its declaration names, or the one its
content calls for under ``format: auto``.

Readers are imported by name on first use, so a repository whose evals are all
promptfoo never imports the XML parser, and a gate run without evals imports none.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from prodgate.evals.base import EvalResults, Reader, ReadProblem, Source
from prodgate.fsutil import FileProblem, read_text

MAX_RESULTS_BYTES = 50 * 1024 * 1024
"""Larger results files are refused: a file this size is an export of raw outputs,
not a summary, and parsing it for every gate run would cost more than the gate."""

MAX_RUN_RESULTS_BYTES = 256 * 1024 * 1024
"""Results bytes read in one run, all files together: past it, further files are
refused rather than read, so the declarations of one change cannot make the gate read
(and hold) an unbounded amount."""

READERS = {
    "prodgate": "prodgate.evals.native",
    "promptfoo": "prodgate.evals.promptfoo",
    "lm-eval": "prodgate.evals.lm_eval",
    "hf-model-index": "prodgate.evals.hf_model_index",
    "junit": "prodgate.evals.junit",
}


def reader(fmt: str) -> Reader:
    return cast(Reader, importlib.import_module(READERS[fmt]))


def read_results(
    path: Path,
    declared: str,
    max_bytes: int = MAX_RESULTS_BYTES,
    digests: dict[Path, str | None] | None = None,
) -> EvalResults | ReadProblem:
    """The metrics of the results file at ``path``, or why it is no evidence.

    With ``digests``, the sha256 of the bytes read is recorded there under ``path``:
    the evidence record names the file by the digest of what was judged, without
    reading it again.
    """
    text = read_text(path, max_bytes, digests)
    if isinstance(text, FileProblem):
        return ReadProblem("unreadable", text.message)
    if not text.strip():
        return ReadProblem("corrupt", "file is empty")
    source = Source(text, path.name)
    from prodgate.evals.detect import detect

    fmt = declared
    if declared == "auto":
        found = detect(source)
        if isinstance(found, ReadProblem):
            return found
        fmt = found
    try:
        result = reader(fmt).read(source)
    except RecursionError:
        return ReadProblem("corrupt", "document is nested too deeply")
    if isinstance(result, ReadProblem) and result.kind != "unreadable" and declared != "auto":
        # A file of another format fails the declared reader in that reader's terms
        # (JUnit XML read as promptfoo is "not valid JSON"): name what it is instead.
        other = detect(source)
        if isinstance(other, str) and other != declared:
            return ReadProblem(
                "format",
                f"declared `format: {declared}`, but the file is {_named(other)}: set `format: {other}`",
            )
    return result


def _named(fmt: str) -> str:
    return {
        "prodgate": "prodgate eval results",
        "promptfoo": "a promptfoo export",
        "lm-eval": "lm-evaluation-harness results",
        "hf-model-index": "a model card (hf-model-index)",
        "junit": "JUnit XML",
    }.get(fmt, f"{fmt} results")


@dataclass
class ResultsCache:
    """Every results file read at most once per run, whatever refers to it, and the
    run's reading bounded by ``budget`` bytes.

    A thousand evals naming one 50 MB file used to parse it a thousand times, each
    parse's result kept; now they share one result. ``digests`` receives the sha256
    of each file read (see :func:`read_results`).
    """

    budget: int = MAX_RUN_RESULTS_BYTES
    spent: int = 0
    files_read: int = 0
    digests: dict[Path, str | None] = field(default_factory=dict)
    _results: dict[tuple[Path, str], EvalResults | ReadProblem] = field(default_factory=dict)

    def read(self, path: Path, declared: str) -> EvalResults | ReadProblem:
        """:func:`read_results` of ``path`` (resolved) with the format ``declared``."""
        key = (path, declared)
        if key not in self._results:
            self._results[key] = self._read(path, declared)
        return self._results[key]

    def _read(self, path: Path, declared: str) -> EvalResults | ReadProblem:
        try:
            size = path.stat().st_size
        except OSError:
            size = 0  # read_results says what is wrong with it
        if size <= MAX_RESULTS_BYTES and self.spent + size > self.budget:
            return ReadProblem(
                "unreadable",
                f"not read: this run has already read {self.spent:,} bytes of results files, "
                f"and this one's {size:,} would pass the limit of {self.budget:,} per run",
            )
        if size <= MAX_RESULTS_BYTES:  # a larger one is refused before it is read
            self.spent += size
        self.files_read += 1
        return read_results(path, declared, digests=self.digests)
