"""Content a pull request writes cannot stall the gate: every matcher over it is
linear-time, each results file is read once per run, and total reading is bounded.

The bounds are measured without a clock: the matching engine is asserted (RE2 for
every pattern and glob), Python-level work is counted in executed lines with
``sys.settrace`` and compared on inputs of size n and 2n, and reads are counted by the
run's results cache. The end-to-end runs at the size limit are bounded in CPU seconds
(``RLIMIT_CPU``), generously: quadratic work at 2 MB takes hours, not seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from gitrepo import commit, init
from prodgate import markdown_doc
from prodgate.codeowners import load as load_codeowners
from prodgate.evals.base import EvalResults
from prodgate.evals.load import ResultsCache
from prodgate.fsutil import MAX_TEXT_BYTES
from prodgate.globs import GlobError, compile_glob
from prodgate.linear import Lines, compile_pattern
from prodgate.manifest.touched import touched_declarations
from prodgate.policy import pydantic_model
from prodgate.policy.loader import load_policy
from prodgate.policy.model import Placeholder
from prodgate.reporters import indented_json
from prodgate.rules.artifacts import MAX_PLACEHOLDER_LINES, find_placeholders

from conftest import TEAM_SANDBOX, TODAY, ids_at, write

PILOT_CARD = TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot") + "artifacts:\n  model_card: card.md\n"
CARD_HEAD = "# Model card\n\n## Intended use\n\nDrafts replies.\n\n"


def _executed(fn: Callable[[], object]) -> int:
    """Python lines executed by ``fn()``: a deterministic measure of its work."""
    count = 0

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        count += 1
        return tracer

    sys.settrace(tracer)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


def _judge_artifact(text: str) -> None:
    """What the artifact rules do with an artifact's text."""
    doc = markdown_doc.parse(text)
    doc.has_content()
    find_placeholders(doc, load_policy().policy.artifact_placeholders("model_card"))
    for h in doc.headings[:50]:
        doc.section_body(h)


HOSTILE_ARTIFACTS: dict[str, Callable[[int], str]] = {
    "braces": lambda n: "{{" * n,
    "unclosed-comments": lambda n: "x<!--" * n,
    "heading-of-spaces": lambda n: "# x" + " " * n + "y\n",
    "heading-lines": lambda n: "## a\n" * n,
    "nested-headings": lambda n: "".join("#" * (i % 6 + 1) + " Intended use\n" for i in range(n)),
    "placeholder-lines": lambda n: "{{x}} TODO\n" * n,
    "setext-headings": lambda n: "Title\n-----\n" * n,
    "distinct-headings": lambda n: "".join(f"## {i}. Intended use {i}\n" for i in range(n)),
    "fenced-headings": lambda n: "```\n" + "## a\n" * n + "```\n## b\n",
    "comment-runs": lambda n: "<!--\n# a\n--> # b\n## c\n" * n,
}


def test_headings_hidden_by_blocks_are_not_headings() -> None:
    doc = markdown_doc.parse("<!--\n# a\n--> # b\n## c\n```\n# d\n```\nT\n---\n~~~\n# e\n")
    assert [(h.level, h.title, h.line) for h in doc.headings] == [(2, "c", 4), (2, "T", 8)]
    assert doc.prose == [False, False, True, True, False, False, False, True, True, False, False, False]
    assert doc.titled({"c", "t"}) == doc.headings
    assert [n for n, _t in doc.section_body(doc.headings[0])] == []


@pytest.mark.parametrize("name", sorted(HOSTILE_ARTIFACTS))
def test_artifact_scanning_work_grows_linearly(name: str) -> None:
    make = HOSTILE_ARTIFACTS[name]
    n = 4000
    small = _executed(lambda: _judge_artifact(make(n)))
    large = _executed(lambda: _judge_artifact(make(2 * n)))
    assert large <= 2.5 * small + 1000, (name, small, large)


def test_heading_and_comment_scanning_are_right_on_hostile_lines() -> None:
    doc = markdown_doc.parse("# x" + " " * 40_000 + "y ##\n" + "x<!--" * 1000 + "\n#######\n")
    assert [(h.level, h.title[:1], h.title[-1:], h.line) for h in doc.headings] == [(1, "x", "y", 1)]
    assert markdown_doc.prose_text("a<!-- b -->c<!-- d") == "ac<!-- d"
    assert markdown_doc.prose_text("x<!--" * 3) == "x<!--" * 3


def test_placeholder_patterns_run_on_re2() -> None:
    placeholder = Placeholder(regex="^(a|aa)+$")
    engine = type(compile_pattern("^(a|aa)+$", within_lines=True))
    assert engine.__module__ == "re2"
    lines = Lines(["a" * 200_000 + "b", "aaaa", "b"])
    assert placeholder.first_in_lines(lines) == {1: 0}


@pytest.mark.parametrize(
    ("regex", "reason"),
    [("(?<=a)b", "invalid perl operator: (?<="), ("(a)\\1", "invalid escape sequence: \\1")],
)
def test_patterns_that_need_backtracking_are_refused(regex: str, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        pydantic_model.Placeholder(regex=regex)
    assert reason in str(caught.value)
    assert "RE2 syntax" in str(caught.value)


def test_placeholder_lines_counted_are_bounded() -> None:
    doc = markdown_doc.parse("TODO {{x}}\n" * (3 * MAX_PLACEHOLDER_LINES))
    placeholders = load_policy().policy.artifact_placeholders("model_card")
    hits = find_placeholders(doc, placeholders)
    assert len(hits) == MAX_PLACEHOLDER_LINES
    assert hits[:2] == [(1, 1, '"TODO"'), (2, 1, '"TODO"')]


def test_word_placeholders_keep_their_boundaries() -> None:
    lines = Lines(["TODOs", "a TODO.", "_TODO", "éTODO", "TODO"])
    assert Placeholder(text="TODO", word=True).first_in_lines(lines) == {1: 2, 4: 0}
    assert Placeholder(text="TODO").first_in_lines(lines) == {0: 0, 1: 2, 2: 1, 3: 1, 4: 0}


# -- globs ------------------------------------------------------------------------


def test_globs_compile_to_re2_and_stay_right_on_deep_paths() -> None:
    glob = compile_glob("/".join(["**/a"] * 12) + "/zz")
    assert type(glob.regex).__module__ == "re2"
    deep = "/".join(["a"] * 2000)
    assert not glob.match(deep + "/x")
    assert glob.match(deep + "/zz")
    star = compile_glob("src/" + "*a" * 40 + "*b")
    assert not star.match("src/" + "a" * 4000)
    assert star.match("src/" + "a" * 40 + "b")


@pytest.mark.parametrize(
    ("pattern", "path", "matched"),
    [
        ("src/**/*.py", "src/a/b/c.py", True),
        ("src/**/*.py", "src/c.py", True),
        ("src/*.py", "src/a/c.py", False),
        ("src", "src/a/c.py", True),
        ("**", "anything/at/all", True),
        ("a**b/x", "aQQb/x", True),  # "**" inside a segment is "*"
        ("a**b/x", "a/q/b/x", False),
        ("doc/[abc].md", "doc/b.md", True),
        ("doc/[!abc].md", "doc/b.md", False),
        ("doc/[!abc].md", "doc/d.md", True),
        ("doc/?.md", "doc/é.md", True),
        ("doc/a+b (1).md", "doc/a+b (1).md", True),
    ],
)
def test_glob_semantics(pattern: str, path: str, matched: bool) -> None:
    assert compile_glob(pattern).match(path) is matched


def test_codeowners_brackets_are_literal_and_bad_lines_skipped(tmp_path: Path) -> None:
    many = "/".join(["**"] * 300) + "/zz"
    write(tmp_path, ".github/CODEOWNERS", f"* @org/all\n/doc/[a].md @org/docs\n{many} @org/deep\n{'x' * 2000} @org/long\n")
    owners = load_codeowners(tmp_path)
    assert owners is not None
    assert [r.line for r in owners.rules] == [1, 2, 3]
    assert owners.owner_of("doc/[a].md").owners == ("@org/docs",)  # type: ignore[union-attr]
    assert owners.owner_of("doc/a.md").owners == ("@org/all",)  # type: ignore[union-attr]
    assert owners.owner_of("/".join(["q"] * 3000) + "/zz").owners == ("@org/deep",)  # type: ignore[union-attr]


def test_an_over_long_glob_is_refused() -> None:
    with pytest.raises(GlobError, match="over the limit of 1,024"):
        compile_glob("a" * 1025)


def test_an_over_long_glob_in_paths_is_a_finding(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + "paths:\n  - src/**\n  - '" + "*" * 1025 + "'\n")
    code, report = check_json(str(repo))
    assert code == 1
    assert ids_at(report) == [("PG103", "ai-asset.yaml", 10)]
    assert "at most 1024 characters" in report["findings"][0]["message"]


def test_changed_files_against_many_star_globs(repo: Path) -> None:
    deep = "/".join(["a"] * 400)
    write(repo, "svc/ai-asset.yaml", TEAM_SANDBOX + "paths:\n  - ../lib/" + "/".join(["**/a"] * 14) + "/zz\n")
    write(repo, "other/ai-asset.yaml", TEAM_SANDBOX + "paths:\n  - ../lib/" + "*a" * 60 + "*b\n")
    changed = [str(repo / "lib" / deep / "x"), str(repo / "lib" / ("a" * 500 + "c"))]
    assert touched_declarations(changed, repo) == []
    assert touched_declarations([str(repo / "lib" / deep / "zz")], repo) == [repo / "svc" / "ai-asset.yaml"]
    assert touched_declarations([str(repo / "lib" / ("a" * 70 + "b"))], repo) == [repo / "other" / "ai-asset.yaml"]


def test_an_unusable_glob_in_paths_touches_its_asset(repo: Path) -> None:
    # --changed must not skip an asset it cannot judge: the gate run reports the glob.
    write(repo, "svc/ai-asset.yaml", TEAM_SANDBOX + "paths:\n  - '[z-a]'\n")
    assert touched_declarations([str(repo / "elsewhere.txt")], repo) == [repo / "svc" / "ai-asset.yaml"]


# -- eval results: read once, total bounded -----------------------------------------


def _results(path: Path, pass_rate: float = 0.95) -> None:
    write(path.parent, path.name, json.dumps({"format": "prodgate/eval/v1", "metrics": {"pass_rate": pass_rate}}))


def test_each_results_file_is_read_once_per_run(tmp_path: Path) -> None:
    _results(tmp_path / "r.json")
    cache = ResultsCache()
    got = [cache.read(tmp_path / "r.json", "auto") for _ in range(1000)]
    assert cache.files_read == 1
    assert all(g is got[0] for g in got)
    assert isinstance(got[0], EvalResults)


def test_results_read_per_run_are_bounded(tmp_path: Path) -> None:
    _results(tmp_path / "a.json")
    _results(tmp_path / "b.json")
    size = (tmp_path / "a.json").stat().st_size
    cache = ResultsCache(budget=size + 1)
    assert isinstance(cache.read(tmp_path / "a.json", "auto"), EvalResults)
    refused = cache.read(tmp_path / "b.json", "auto")
    assert not isinstance(refused, EvalResults)
    assert refused.kind == "unreadable"
    assert refused.message == (
        f"not read: this run has already read {size:,} bytes of results files, "
        f"and this one's {size:,} would pass the limit of {size + 1:,} per run"
    )
    assert cache.files_read == 1


def test_a_thousand_references_to_one_results_file(committed_repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    repo = committed_repo  # evals: a checkout with history, or PG317 says there is none
    _results(repo / "evals" / "r.json")
    evals = "".join(f"  - name: e{i}\n    results: evals/r.json\n" for i in range(1000))
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + "evals:\n" + evals)
    code, report = check_json(str(repo))
    assert (code, ids_at(report)) == (0, [])
    assert len(report["assets"][0]["evals"]) == 1000
    small = _executed(lambda: check_json(str(repo)))
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + "evals:\n" + evals + evals.replace("name: e", "name: f"))
    large = _executed(lambda: check_json(str(repo)))
    assert large <= 2.5 * small, (small, large)


_OPENED: list[str] | None = None


def _count_opens(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and _OPENED is not None and isinstance(args[0], (str, os.PathLike)):
        _OPENED.append(os.fspath(args[0]))


sys.addaudithook(_count_opens)  # counts only while a test sets _OPENED


def test_a_results_file_is_opened_once_per_run_however_many_evals_name_it(committed_repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    """Read once for its metrics and its digest in the evidence record, by 1,000 evals
    of two assets; the model card once for its content and its digest too."""
    global _OPENED
    repo = committed_repo  # evals: a checkout with history, or PG317 says there is none
    _results(repo / "evals" / "r.json")
    evals = "".join(f"  - name: e{i}\n    results: ../evals/r.json\n" for i in range(500))
    write(repo, "a/ai-asset.yaml", TEAM_SANDBOX + "artifacts:\n  model_card: card.md\nevals:\n" + evals)
    write(repo, "a/card.md", CARD_HEAD)
    write(repo, "b/ai-asset.yaml", TEAM_SANDBOX.replace("notes-summariser", "other") + "evals:\n" + evals)
    _OPENED = []
    try:
        code, report = check_json("--no-discover", str(repo))
    finally:
        opened, _OPENED = _OPENED, None
    assert code == 0
    assert {(f["rule_id"], f["severity"]) for f in report["findings"]} == {("PG206", "warning")}
    names = [Path(p).name for p in opened]
    assert (names.count("r.json"), names.count("card.md")) == (1, 1)
    files = report["assets"][0]["files"]
    assert [f["path"] for f in files][:3] == ["a/ai-asset.yaml", "a/card.md", "evals/r.json"]
    digest = hashlib.sha256((repo / "evals" / "r.json").read_bytes()).hexdigest()
    assert {f["sha256"] for a in report["assets"] for f in a["files"] if f["path"] == "evals/r.json"} == {digest}


def test_discovery_reads_no_declaration_or_evidence_the_gate_has_read(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    """A results file names its model on every row: what discovery would find there is
    evidence, left out of its detections, so it is not parsed (20,000 rows took longer
    than the rest of the gate), and the declaration the gate loaded is not loaded again."""
    global _OPENED
    rows = [{"success": True, "score": 1, "provider": {"id": "openai:gpt-4o-mini"}} for _ in range(20_000)]
    write(repo, "a/evals/r.json", json.dumps({"results": {"version": 3, "results": rows}}))
    write(repo, "a/ai-asset.yaml", TEAM_SANDBOX + "evals:\n  - name: e\n    results: evals/r.json\n")
    write(repo, "a/app.py", "import openai\n")
    _OPENED = []
    try:
        _code, report = check_json(str(repo))
    finally:
        opened, _OPENED = _OPENED, None
    names = [Path(p).relative_to(repo).as_posix() for p in opened if Path(p).is_relative_to(repo)]
    assert (names.count("a/evals/r.json"), names.count("a/ai-asset.yaml"), names.count("a/app.py")) == (1, 1, 1)
    assert not [f for f in report["findings"] if f["rule_id"] == "PG801"]


class _Mapping(dict[str, Any]):
    """A dict subclass: nested, it must be laid out as a container, not as a leaf."""


@pytest.mark.parametrize(
    "value",
    [
        {}, [], "", {"a": []}, [{}], (1, (2,)), {"x": {"y": {"z": [1, [2, [3, {}]]]}}},
        {"é\u2028\x00\"\\\n<!--##[": "\x1f\u0085\u200b\x7f"},
        [1.5, -0.0, 0.1, 1e16, 1e22, 2**63 - 1, -(2**63), True, False, None],
        {"a": 1, "b": "x", "c": None, "d": {"e": [1, "2", 3.5], "f": {"g": True}}},
        [{"leaf": 1}, ["x", "y"], {"sub": _Mapping(k=[1, {"v": 2}])}, _Mapping(k="v")],
        # What orjson refuses, the standard library writes (or refuses with its message).
        {"lone surrogate": "\ud800"}, [10**30], {1: "int key"}, {"enum-like": Path("not JSON")},
    ],
)
def test_the_report_writer_writes_what_json_dumps_writes(value: Any) -> None:
    try:
        expected = json.dumps(value, indent=2, ensure_ascii=False)
    except TypeError as exc:
        with pytest.raises(TypeError, match=str(exc)):
            indented_json.dumps(value)
        return
    assert indented_json.dumps(value) == expected


def test_the_report_writer_writes_json_where_the_standard_library_does_not() -> None:
    """The two documented differences: no ``NaN`` (not JSON) and the shortest exponent."""
    assert json.loads(indented_json.dumps([float("nan"), float("inf"), -float("inf")])) == [None, None, None]
    assert indented_json.dumps([1e-7]) == "[\n  1e-7\n]"


def test_the_report_of_a_thousand_evals_is_written_as_json_dumps_writes_it(repo: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    _results(repo / "evals" / "r.json")
    write(repo, "ai-asset.yaml", TEAM_SANDBOX + "evals:\n" + "".join(f"  - name: e{i}\n    results: evals/r.json\n" for i in range(1000)))
    _code, report = check_json(str(repo))
    assert indented_json.dumps(report) == json.dumps(report, indent=2, ensure_ascii=False)


def _history_of_many_files(root: Path, files_per_commit: int) -> None:
    """svc/ with a results file, then later commits that change other files only."""
    init(root)
    _results(root / "svc" / "evals" / "r.json")
    write(root, "svc/ai-asset.yaml", TEAM_SANDBOX + "evals:\n" + "".join(
        f"  - name: e{i}\n    results: evals/r.json\n" for i in range(1000)
    ))
    commit(root, "results")
    for n in range(4):
        for f in range(files_per_commit):
            write(root, f"other/{f}.txt", f"{n}\n")
        commit(root, f"other {n}")


def test_a_thousand_evals_in_a_git_checkout_ask_history_once(tmp_path: Path, check_json) -> None:  # type: ignore[no-untyped-def]
    """Whether the inputs changed after the results is one question for all the evals
    that name one results file: the work of matching later commits' files against the
    inputs does not grow with the evals."""
    few, many = tmp_path / "few", tmp_path / "many"
    _history_of_many_files(few, 1)
    _history_of_many_files(many, 300)
    reports = {}
    work = {}
    for root in (few, many):
        work[root] = _executed(lambda root=root: reports.__setitem__(root, check_json("--no-discover", str(root))))
    for root in (few, many):
        code, report = reports[root]
        assert (code, ids_at(report)) == (0, [])
        assert len(report["assets"][0]["evals"]) == 1000
    # 4 commits x 299 more files, matched once: tens of thousands of lines, not millions.
    assert work[many] - work[few] < 300_000, (work[few], work[many])


# -- end to end, at the size limit, in CPU seconds --------------------------------

CPU_SECONDS = 30
"""Ten or more times what any of these takes here; the quadratic versions took hours."""


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def _check_under_cpu_limit(repo: Path, *extra: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    proc = subprocess.run(
        [sys.executable, "-m", "prodgate", "check", "--format", "json", "--today", TODAY, *extra, str(repo)],
        capture_output=True, text=True, preexec_fn=_limited, env=env, check=False,
    )
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr[-1000:])
    report: dict[str, Any] = json.loads(proc.stdout)
    return report


LIMIT_ARTIFACTS = {
    "braces": ("{{" * ((MAX_TEXT_BYTES - 100) // 2) + "}}", "PG204", 7),
    "unclosed-comments": ("x<!--" * ((MAX_TEXT_BYTES - 100) // 5), "PG206", 1),
    "heading-of-spaces": ("# x" + " " * (MAX_TEXT_BYTES - 100) + "y\n", "PG206", 1),
    "heading-lines": ("## a\n" * ((MAX_TEXT_BYTES - 100) // 5), "PG206", 1),
}


@pytest.mark.parametrize("name", sorted(LIMIT_ARTIFACTS))
def test_hostile_artifact_at_the_size_limit(repo: Path, name: str) -> None:
    body, rule, line = LIMIT_ARTIFACTS[name]
    write(repo, "ai-asset.yaml", PILOT_CARD)
    (repo / "card.md").write_text(CARD_HEAD + body, encoding="utf-8")
    report = _check_under_cpu_limit(repo)
    assert (rule, "card.md", line) in ids_at(report)


def test_policy_regex_on_a_hostile_artifact(repo: Path, tmp_path: Path) -> None:
    policy = write(tmp_path, "org.yaml", "extends: builtin\napiVersion: prodgate/policy/v1\nname: org\nplaceholders:\n  - regex: '^(a|aa)+$'\n    label: a-run\n")
    write(repo, "ai-asset.yaml", PILOT_CARD)
    (repo / "card.md").write_text(CARD_HEAD + ("a" * 100_000 + "b\n") * 19 + "aaaa\n", encoding="utf-8")
    report = _check_under_cpu_limit(repo, "--policy", str(policy))
    assert ("PG204", "card.md", 26) in ids_at(report)
    [finding] = [f for f in report["findings"] if f["rule_id"] == "PG204"]
    assert finding["message"] == "model_card card.md still contains placeholder: a-run (line 26)"


@pytest.mark.parametrize(
    ("extra", "line", "rule"),
    [
        ("", 7, "PG103"),  # the e-mail: "a@b.b.b...b.@"
        ("evals:\n  - name: q\n    results: r.json\n    thresholds: {pass_rate: '>= 1" + " " * 60_000 + "x'}\n", 11, "PG103"),
    ],
    ids=["email", "threshold"],
)
def test_schema_patterns_on_long_values(repo: Path, extra: str, line: int, rule: str) -> None:
    # The quick schema check matched these with Python's re: quadratic, 84 s for 60 KB.
    email = "a@" + "b." * 30_000 + "@" if not extra else "ada@example.com"
    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace("ada@example.com", f'"{email}"') + extra)
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    proc = subprocess.run(
        [sys.executable, "-m", "prodgate", "validate", "ai-asset.yaml"],
        capture_output=True, text=True, preexec_fn=_limited, env=env, cwd=repo, check=False,
    )
    assert proc.returncode == 1, proc.stderr[-1000:]
    assert proc.stdout.startswith(f"ai-asset.yaml:{line}:"), proc.stdout[:300]
    assert f" {rule} " in proc.stdout.splitlines()[0]
