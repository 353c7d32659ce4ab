"""Reader for JUnit XML (pytest ``--junitxml``, deepeval, most test runners).

Metrics: ``tests``, ``failures``, ``errors``, ``skipped``, ``passed`` and
``pass_rate`` = passed / (tests - skipped): a skipped test is no evidence either way.

Counts come from the ``<testsuite>`` attributes, or from the ``<testcase>`` children
when a runner leaves the attributes out. Documents with a DOCTYPE or ENTITY
declaration are refused before parsing: the standard library parser would expand
entities, and a results file is untrusted input.
"""

from __future__ import annotations

import re
from typing import Any

from prodgate.evals.base import EvalResults, Metric, ReadProblem, Source, parse_time

FORMAT = "junit"

_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT = re.compile(r"<(testsuites|testsuite)[\s>/]")


def looks_like(text: str) -> bool:
    """XML whose first element is ``<testsuites>`` or ``<testsuite>``."""
    head = text[:4096].lstrip()
    if not head.startswith("<"):
        return False
    first = re.search(r"<([A-Za-z_][\w.:-]*)", head.replace("<?xml", "", 1))
    return first is not None and _ROOT.match(f"<{first.group(1)} ") is not None


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
        "tests": Metric("tests", float(totals["tests"]), True),
        "passed": Metric("passed", float(max(passed, 0)), True),
        "failures": Metric("failures", float(totals["failures"]), False),
        "errors": Metric("errors", float(totals["errors"]), False),
        "skipped": Metric("skipped", float(totals["skipped"]), False),
    }
    if ran > 0:
        metrics["pass_rate"] = Metric("pass_rate", max(passed, 0) / ran, True, count=ran)
    stamps = [t for t in (parse_time(s.get("timestamp")) for s in leaves) if t is not None]
    names = sorted({s.get("name", "") for s in leaves} - {""})
    return EvalResults(
        format=FORMAT,
        metrics=metrics,
        subject=", ".join(names) or None,
        run_at=min(stamps, key=lambda t: t.timestamp()) if stamps else None,
        cases=totals["tests"],
    )


def _counts(suite: Any) -> dict[str, int] | ReadProblem:
    """Counts from the suite's attributes, else from its test cases."""
    cases = suite.findall("testcase")
    from_cases = {
        "tests": len(cases),
        "failures": sum(1 for c in cases if c.find("failure") is not None),
        "errors": sum(1 for c in cases if c.find("error") is not None),
        "skipped": sum(1 for c in cases if c.find("skipped") is not None),
    }
    out: dict[str, int] = {}
    for key in from_cases:
        raw = suite.get(key)
        if raw is None and key == "skipped":
            raw = suite.get("skips")
        if raw is None:
            out[key] = from_cases[key]
            continue
        try:
            out[key] = int(float(raw))
        except (ValueError, OverflowError):
            return ReadProblem("corrupt", f"<testsuite {key}={raw!r}> is not a number")
        if out[key] < 0:
            return ReadProblem("corrupt", f"<testsuite {key}={raw!r}> is negative")
    return out
