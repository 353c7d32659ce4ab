"""JUnit XML, for CI systems that render test reports (GitLab, Jenkins, Azure DevOps).

One test suite per asset and one test case per requirement: a requirement with
blocking findings fails, one that is waived is skipped (with the exception in the
message), the rest pass. Findings that belong to no requirement (a broken exception, an
unknown artifact kind) get a test case of their own, named by rule, so nothing a
reviewer should see is lost. Declarations that did not load form a last suite.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import TextIO

from prodgate.findings import Finding, Severity
from prodgate.hygiene import clean
from prodgate.report import AssetResult, Report, State
from prodgate.reporters.text import finding_line

# Characters XML 1.0 cannot carry at all, even escaped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", clean(text))


def _blocking(f: Finding, report: Report) -> bool:
    return report.blocks(f)


def _details(findings: Iterable[Finding]) -> str:
    lines = []
    for f in findings:
        lines.append(finding_line(f))
        if f.fix and not f.waived:
            lines.append("  fix: " + f.fix.replace("\n", "\n       "))
    return _clean("\n".join(lines))


def _case(suite: ET.Element, classname: str, name: str, findings: list[Finding], report: Report) -> tuple[int, int]:
    """Add one test case; returns (failures, skipped) it counts for."""
    case = ET.SubElement(suite, "testcase", classname=_clean(classname), name=_clean(name), time="0")
    blocking = [f for f in findings if _blocking(f, report)]
    if blocking:
        first = blocking[0]
        failure = ET.SubElement(
            case, "failure", message=_clean(f"{first.rule_id} {first.message}"), type=first.rule_id
        )
        failure.text = _details(findings)
        return 1, 0
    waived = [f for f in findings if f.waived_by is not None]
    if waived and all(f.waived or f.severity is Severity.NOTE for f in findings):
        w = waived[0].waived_by
        assert w is not None
        ET.SubElement(case, "skipped", message=_clean(f"waived by exception {w.ticket}, expires {w.expires}"))
        return 0, 1
    if findings:
        out = ET.SubElement(case, "system-out")
        out.text = _details(findings)
    return 0, 0


def _asset_suite(root: ET.Element, asset: AssetResult, report: Report) -> None:
    suite = ET.SubElement(root, "testsuite", name=_clean(asset.name))
    props = ET.SubElement(suite, "properties")
    for key, value in (
        ("path", asset.path), ("tier", asset.tier), ("effective_tier", asset.effective_tier),
        ("stage", asset.stage), ("gate", report.gate),
    ):
        ET.SubElement(props, "property", name=key, value=_clean(value))
    classname = f"prodgate.{asset.name}"
    tests = failures = skipped = 0
    claimed: set[int] = set()
    for req in asset.requirements:
        mine = [f for f in asset.findings if f.requirement == req.id]
        if not mine and req.state is not State.MET:
            # The state came from a requirement on the same artifact (one file serving
            # two requirements): show the findings that set it.
            mine = [f for f in asset.findings if f.requirement is not None and f.rule_id in req.rule_ids]
        claimed |= {id(f) for f in mine}
        fails, skips = _case(suite, classname, f"{req.id}: {req.title}", mine, report)
        tests, failures, skipped = tests + 1, failures + fails, skipped + skips
    for f in asset.findings:
        if id(f) not in claimed:
            fails, skips = _case(suite, classname, f"{f.rule_id} {f.location}", [f], report)
            tests, failures, skipped = tests + 1, failures + fails, skipped + skips
    _counts(suite, tests, failures, skipped)


def _counts(el: ET.Element, tests: int, failures: int, skipped: int) -> None:
    el.set("tests", str(tests))
    el.set("failures", str(failures))
    el.set("errors", "0")
    el.set("skipped", str(skipped))


def to_xml(report: Report) -> ET.Element:
    root = ET.Element("testsuites", name=f"prodgate {report.gate} gate")
    for asset in report.assets:
        _asset_suite(root, asset, report)
    orphans = report.unattached
    if orphans:
        suite = ET.SubElement(root, "testsuite", name="declarations")
        failures = skipped = 0
        for f in orphans:
            fails, skips = _case(suite, "prodgate.declarations", f"{f.rule_id} {f.location}", [f], report)
            failures, skipped = failures + fails, skipped + skips
        _counts(suite, len(orphans), failures, skipped)
    suites = root.findall("testsuite")
    _counts(
        root,
        sum(int(s.get("tests", "0")) for s in suites),
        sum(int(s.get("failures", "0")) for s in suites),
        sum(int(s.get("skipped", "0")) for s in suites),
    )
    return root


def render(report: Report, out: TextIO, *, color: bool = False) -> None:
    tree = ET.ElementTree(to_xml(report))
    ET.indent(tree)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    tree.write(out, encoding="unicode")
    out.write("\n")
