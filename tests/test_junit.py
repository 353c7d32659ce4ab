"""JUnit XML: a suite per asset, a case per requirement, failures carry the findings."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from gha import copy_example, finding, report
from prodgate.reporters.junit import to_xml

from conftest import TODAY, write

Run = Callable[..., tuple[int, str, str]]


def _junit(repo: Path, run: Run) -> tuple[int, ET.Element]:
    code, out, err = run("check", str(repo), "--today", TODAY, "--format", "junit")
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>'), err
    return code, ET.fromstring(out.split("\n", 1)[1])


def test_failing_example(repo: Path, run: Run) -> None:
    copy_example(repo / "app")
    code, root = _junit(repo, run)
    assert code == 1
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("8", "1", "0")
    [suite] = root.findall("testsuite")
    assert suite.get("name") == "support-reply-drafter"
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert list(cases)[:6] == [
        "owner: Named owner", "business_owner: Business owner", "model_card: Model card",
        "evals: Eval results meeting thresholds", "review: Periodic review",
        "privacy_review: Privacy review for personal data",
    ]
    failure = cases["privacy_review: Privacy review for personal data"].find("failure")
    assert failure is not None and failure.get("type") == "PG403"
    assert failure.text and failure.text.startswith("app/ai-asset.yaml:28:1 PG403 error: Privacy review")
    assert "fix: Run `prodgate init --add-missing app`" in failure.text
    # warnings outside any requirement: their own cases, passing unless --fail-on warning
    runbook = cases["PG204 app/docs/runbook.md:9:1"]
    assert runbook.find("failure") is None
    out = runbook.find("system-out")
    assert out is not None and out.text and "PG204 warning" in out.text


def test_waived_requirement_is_skipped(repo: Path, run: Run) -> None:
    copy_example(repo / "app", waived=True)
    code, root = _junit(repo, run)
    assert code == 0
    assert (root.get("failures"), root.get("skipped")) == ("0", "1")
    skipped = root.find(".//testcase[@name='privacy_review: Privacy review for personal data']/skipped")
    assert skipped is not None
    assert skipped.get("message") == "waived by exception GOV-1234, expires 2026-12-31"


def test_broken_declaration_gets_its_own_suite(repo: Path, run: Run) -> None:
    write(repo, "a/ai-asset.yaml", "name: [unclosed\n")
    code, root = _junit(repo, run)
    assert code == 1
    [suite] = root.findall("testsuite")
    assert suite.get("name") == "declarations" and suite.get("failures") == "1"
    [case] = suite.findall("testcase")
    assert (case.get("name") or "").startswith("PG101 a/ai-asset.yaml:")


def test_control_characters_do_not_break_the_xml() -> None:
    xml = ET.tostring(to_xml(report([finding(message="bad \x00\x1b[31m byte\ufffe")])), encoding="unicode")
    text = ET.fromstring(xml).find(".//failure").text or ""  # type: ignore[union-attr]
    # Shown, not obeyed: the NUL and the escape sequence are visible, U+FFFE is replaced.
    assert "bad \\x00\\x1b[31m byte\ufffd" in text
