"""prodgate's own repository under its own policy: the places that show AI signatures
without being an AI system (the catalogue, the test fixtures and the labelled set, the
benchmarks' generated trees, a test-only dependency) are exempt, each with its reason,
and anything else that shows AI use would fail."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
POLICY = REPO / ".prodgate" / "policy.yaml"


def test_the_repository_shows_no_undeclared_ai_under_its_policy(run: Callable[..., tuple[int, str, str]]) -> None:
    code, out, err = run("discover", "--format", "json", "--policy", str(POLICY), str(REPO))
    report = json.loads(out)
    undeclared = [d for d in report["detections"] if d["asset"] is None]
    exempt = {(e["path"], e["line"]) for e in report["exempt"]}
    assert [(d["path"], d["line"]) for d in undeclared if (d["path"], d["line"]) not in exempt] == [], err
    assert (code, report["summary"]["undeclared"]) == (0, 0)
    # The exemptions are narrow: the labelled set and the catalogue are what they cover.
    paths = {d["path"] for d in undeclared}
    assert "src/prodgate/gate_templates/signatures.yaml" in paths
    assert any(p.startswith("tests/data/discovery/labelled/") for p in paths)
    catalogue = ("src/prodgate/gate_templates/signatures.yaml", "src/prodgate/discovery/builtin_pattern.py")
    assert all(p.startswith(("tests/", "bench/")) or p in (*catalogue, "pyproject.toml") for p in paths)


def test_without_the_policy_the_same_places_are_undeclared(run: Callable[..., tuple[int, str, str]]) -> None:
    code, out, _ = run("discover", str(REPO / "src" / "prodgate" / "gate_templates" / "signatures.yaml"))
    assert code == 1
    assert out.splitlines()[-2].endswith("undeclared); 1 files considered")
    code, out, _ = run("discover", "--policy", str(POLICY), str(REPO / "src" / "prodgate" / "gate_templates" / "signatures.yaml"))
    assert code == 0
    assert " exempt); 1 files considered" in out.splitlines()[-1]
