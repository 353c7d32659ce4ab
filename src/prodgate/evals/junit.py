"""Reader for JUnit XML (pytest ``--junitxml``, deepeval, most test runners).

Metrics: ``tests``, ``failures``, ``errors``, ``skipped``, ``passed`` and
``pass_rate`` = passed / (tests - skipped): a skipped test is no evidence either way.

Counts come from the ``<testcase>`` children: each case is an error, a failure, a
skip or a pass (in that order of precedence). The ``<testsuite>`` attributes count only
for a suite that lists no cases; where they contradict the cases (``failures="0"``
while every case holds a ``<failure>``) the cases win, since they are what ran. With
every test skipped, ``pass_rate`` is no number: no test ran.

The suite's name is what the file evaluated, not a model: it is the results'
``subject``, never one of their ``models``.

Documents with a DOCTYPE or ENTITY declaration are refused before parsing: the
standard library parser would expand entities, and a results file is untrusted input.
"""

from __future__ import annotations

import re
from typing import Any

from prodgate.evals.base import EvalResults, Metric, ReadProblem, Source, parse_time

FORMAT = "junit"

_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT = re.compile(r"<(testsuites|testsuite)[\s>/]")


_NAME = re.compile(r"[A-Za-z_][\w.:-]*")
_SPACE = re.compile(r"\s*")


def looks_like(text: str) -> bool:
    """XML whose first element is ``<testsuites>`` or ``<testsuite>``, after any
    prolog (declaration, comments, processing instructions, DOCTYPE) of any length."""
    name = first_element(text)
    return name is not None and _ROOT.match(f"<{name} ") is not None


def first_element(text: str) -> str | None:
    """The name of the document's first element, or None when the text does not start
    like XML. Linear time: each step jumps past one prolog item with ``str.find``."""
    at = 0
    while True:
        space = _SPACE.match(text, at)
        at = space.end() if space else at
        if text.startswith("<?", at):
            end = text.find("?>", at + 2)
            if end < 0:
                return None
            at = end + 2
        elif text.startswith("<!--", at):
            end = text.find("-->", at + 4)
            if end < 0:
                return None
            at = end + 3
        elif text.startswith("<!", at):
            close = text.find(">", at)
            bracket = text.find("[", at, close if close >= 0 else len(text))
            if bracket >= 0:  # an internal subset: up to its "]" and the ">" after it
                subset = text.find("]", bracket)
                close = text.find(">", subset) if subset >= 0 else -1
            if close < 0:
                return None
            at = close + 1
        elif text.startswith("<", at):
            found = _NAME.match(text, at + 1)
            return found.group(0) if found else None
        else:
            return None


def read(source: Source) -> EvalResults | ReadProblem:
    if not source.text.lstrip().startswith("<"):
        return ReadProblem("format", "not JUnit XML: the file does not start with an XML element")
    found = _DECLARATION.search(source.text)
    if found is not None:
        line = source.text.count("\n", 0, found.start()) + 1
        return ReadProblem(
            "corrupt",
            f"XML declares a {found.group(1).upper()}; refused (entity expansion is not allowed in results files)",
            line,
        )
    import xml.etree.ElementTree as ET  # only when a JUnit file is actually read

    try:
        root = ET.fromstring(source.text)
    except ET.ParseError as exc:
        line, column = exc.position
        return ReadProblem(
            "corrupt", f"not well-formed XML at line {line} column {column + 1}", line
        )
    if root.tag not in ("testsuites", "testsuite"):
        return ReadProblem(
            "format",
            f"not JUnit XML: the root element is <{root.tag}>, expected <testsuites> or <testsuite>",
        )
    # Nested suites repeat their children's counts in some runners; count leaves only.
    leaves = [s for s in root.iter("testsuite") if s.find("testsuite") is None]
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in leaves:
        counted = _counts(suite)
        if isinstance(counted, ReadProblem):
            return counted
        for key, value in counted.items():
            totals[key] += value
    if totals["tests"] == 0:
        return ReadProblem("corrupt", "JUnit XML reports no tests")
    passed = totals["tests"] - totals["failures"] - totals["errors"] - totals["skipped"]
    ran = totals["tests"] - totals["skipped"]
    metrics = {
        name: Metric(name, float(value), better, is_count=True)
        for name, value, better in (
            ("tests", totals["tests"], True),
            ("passed", max(passed, 0), True),
            ("failures", totals["failures"], False),
            ("errors", totals["errors"], False),
            ("skipped", totals["skipped"], False),
        )
    }
    not_numbers: dict[str, str] = {}
    if ran > 0:
        metrics["pass_rate"] = Metric("pass_rate", max(passed, 0) / ran, True, count=ran)
    else:
        not_numbers["pass_rate"] = f"undefined: no test ran (all {totals['skipped']} skipped)"
    stamps = [t for t in (parse_time(s.get("timestamp")) for s in leaves) if t is not None]
    names = sorted({s.get("name", "") for s in leaves} - {""})
    return EvalResults(
        format=FORMAT,
        metrics=metrics,
        subject=", ".join(names) or None,
        run_at=min(stamps, key=lambda t: t.timestamp()) if stamps else None,
        cases=totals["tests"],
        not_numbers=not_numbers,
    )


def _counts(suite: Any) -> dict[str, int] | ReadProblem:
    """Counts from the suite's test cases; from its attributes only when it lists none.

    Attributes are still checked: one that is no number or negative makes the file
    corrupt, whichever count is used.
    """
    attributes: dict[str, int] = {}
    for key in ("tests", "failures", "errors", "skipped"):
        raw = suite.get(key)
        if raw is None and key == "skipped":
            raw = suite.get("skips")
        if raw is None:
            continue
        try:
            attributes[key] = int(float(raw))
        except (ValueError, OverflowError):
            return ReadProblem("corrupt", f"<testsuite {key}={raw!r}> is not a number")
        if attributes[key] < 0:
            return ReadProblem("corrupt", f"<testsuite {key}={raw!r}> is negative")
    cases = suite.findall("testcase")
    if not cases:
        return {key: attributes.get(key, 0) for key in ("tests", "failures", "errors", "skipped")}
    out = {"tests": len(cases), "failures": 0, "errors": 0, "skipped": 0}
    for case in cases:
        if case.find("error") is not None:
            out["errors"] += 1
        elif case.find("failure") is not None:
            out["failures"] += 1
        elif case.find("skipped") is not None:
            out["skipped"] += 1
    return out
