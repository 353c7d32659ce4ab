"""The quick path (no pydantic validators) gives exactly what pydantic gives.

Declarations the quick check accepts are built with ``model_construct`` and the built-in
policy is constructed unvalidated; both must equal what ``model_validate`` builds, and
the quick check must never accept what pydantic refuses.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from prodgate.construct import construct
from prodgate.manifest.loader import json_schema
from prodgate.manifest.model import Asset
from prodgate.manifest.schema import schema_json
from prodgate.policy.model import Policy
from prodgate.quickschema import certainly_valid
from prodgate.templates import read_template
from prodgate.yamlio.loader import load_yaml

from conftest import REPO, TEAM_SANDBOX

DECLARATIONS = sorted(REPO.glob("examples/*/ai-asset.yaml"))

FULL = TEAM_SANDBOX + """\
description: Drafts replies.
business_owner: {name: Raj Patel, email: raj@example.com}
risk: {customer_facing: true, autonomy: autonomous}
models:
  - {provider: openai, name: gpt-4o-mini, version: "2024-07-18"}
data_sources:
  - {name: tickets, classification: confidential, personal_data: true}
paths: ["src/**"]
evals:
  - name: q
    results: evals/q.json
    format: promptfoo
    category: safety
    thresholds: {pass_rate: ">= 0.9", cost: 1, latency: 0.5}
    max_age_days: 30
    inputs: ["prompts/**"]
artifacts: {model_card: docs/card.md}
exceptions:
  - requirement: runbook
    reason: later
    ticket: GOV-1
    granted: 2026-01-01
    expires: 2026-03-01
    approvals: {business_executive: Ana Ruiz, it_executive: {name: Samuel Osei, github: sosei}}
    owners: {risk: Li Wei}
review: {last_reviewed: 2026-10-01}
"""


def _data(text: str) -> dict[str, Any]:
    doc = load_yaml(text)
    assert not hasattr(doc, "message"), doc
    data: dict[str, Any] = doc.data  # type: ignore[union-attr]
    return data


@pytest.mark.parametrize("text", [FULL, TEAM_SANDBOX, *(p.read_text() for p in DECLARATIONS)])
def test_constructed_asset_equals_validated(text: str) -> None:
    data = _data(text)
    assert certainly_valid(data, json_schema())
    built = construct(Asset, data)
    assert built == Asset.model_validate(data)
    assert built.model_fields_set == Asset.model_validate(data).model_fields_set


@pytest.mark.parametrize(
    "change",
    [
        ("name: notes-summariser", "name: Notes"),              # pattern
        ("name: notes-summariser", "name: 'notes-summariser\n'"),  # "$" before a newline
        ("tier: team", "tier: teams"),                          # enum
        ("tier: team", "tier: 3"),                              # type
        ("apiVersion: prodgate/v1", "apiVersion: prodgate/v2"),  # const
        ("  email: ada@example.com", "  email: ada@example.com\n  phone: 1"),  # unknown key
        ("  email: ada@example.com", "  email: ada@\u200bexample.com"),  # invisible character
        ("  name: Ada Lovelace", "  name: ''"),                 # minLength
        ("stage: sandbox", "stage: sandbox\nreview: {last_reviewed: '2026-10-01'}"),  # a quoted date
        ("stage: sandbox", "stage: sandbox\nevals: [{name: e, results: r, max_age_days: true}]"),
        ("stage: sandbox", "stage: sandbox\nevals: [{name: e, results: r, max_age_days: 0}]"),
        ("stage: sandbox", "stage: sandbox\nevals: [{name: e, results: r, thresholds: {a: .nan}}]"),
    ],
)
def test_quick_check_is_never_more_lenient(change: tuple[str, str]) -> None:
    data = _data(TEAM_SANDBOX.replace(*change))
    assert not certainly_valid(data, json_schema())


def test_quoted_date_still_valid_through_pydantic() -> None:
    data = _data(TEAM_SANDBOX + "review: {last_reviewed: '2026-10-01'}\n")
    assert Asset.model_validate(data).review is not None
    assert Asset.model_validate(data).review.last_reviewed == dt.date(2026, 10, 1)  # type: ignore[union-attr]


def test_builtin_policy_constructed_equals_validated() -> None:
    data = _data(read_template("policy.yaml"))
    assert construct(Policy, data) == Policy.model_validate(data)


def test_packaged_schema_matches_the_models() -> None:
    packaged = REPO / "src" / "prodgate" / "manifest" / "ai-asset.schema.json"
    assert packaged.read_text() == schema_json(), "run: prodgate schema > src/prodgate/manifest/ai-asset.schema.json"


def _imported(*argv: str, cwd: Path) -> set[str]:
    code = (
        "import sys, io, contextlib\n"
        "from prodgate.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main({list(argv)!r})\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_validate_of_a_valid_file_never_imports_pydantic(tmp_path: Path) -> None:
    (tmp_path / "ai-asset.yaml").write_text(FULL)
    modules = _imported("validate", "ai-asset.yaml", cwd=tmp_path)
    assert not {m for m in modules if m.split(".")[0] in ("pydantic", "pydantic_core", "git", "requests")}


def test_check_builds_no_validator(tmp_path: Path) -> None:
    """The start-up budget of ``check`` on valid declarations with the built-in policy:
    pydantic is imported for the model classes, but no validator is built (building one
    imports pydantic's plugin loader, and with it importlib.metadata and email), and
    nothing heavy that one asset without history does not need is imported."""
    (tmp_path / "ai-asset.yaml").write_text(FULL.replace("evals:", "other_evals:").split("other_evals:")[0])
    modules = _imported("check", ".", "--today", "2026-11-22", cwd=tmp_path)
    heavy = {"git", "requests", "jsonschema", "pydantic.plugin._loader", "importlib.metadata", "email"}
    assert not heavy & modules
