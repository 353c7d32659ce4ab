"""The quick path (no pydantic) gives exactly what pydantic gives.

Declarations the quick check accepts and the built-in policy are built into the plain
classes of ``prodgate.manifest.model`` and ``prodgate.policy.model`` without pydantic;
those classes must hold the fields of the pydantic models, the instances what
``model_validate`` builds, and the quick check must never accept what pydantic refuses.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from prodgate.construct import construct
from prodgate.manifest import model as plain_manifest
from prodgate.manifest import pydantic_model as pydantic_manifest
from prodgate.manifest.loader import build_asset, json_schema
from prodgate.manifest.model import ALIAS, Asset
from prodgate.manifest.schema import schema_json
from prodgate.policy import model as plain_policy
from prodgate.policy import pydantic_model as pydantic_policy
from prodgate.policy.model import Policy
from prodgate.quickschema import certainly_valid
from prodgate.record import Record, as_dict, fields
from prodgate.templates import read_template
from prodgate.yamlio.loader import load_shipped, load_yaml

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
agent:
  tools:
    - {name: refund_order, effect: payment, system: orders-api, approval: human}
    - {name: email_customer, effect: communicate, audience: internal}
  mcp_servers:
    - {name: github, source: ghcr.io/github/github-mcp-server, access: [repo:read]}
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
    assert isinstance(built, Asset)
    assert as_dict(built) == pydantic_manifest.Asset.model_validate(data).model_dump()
    assert build_asset(data) == built


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
        ("stage: sandbox", "stage: sandbox\nagent: {tools: [{name: t, effect: delete}]}"),
        ("stage: sandbox", "stage: sandbox\nagent: {mcp_servers: [{name: s}]}"),
        ("stage: sandbox", "stage: sandbox\nagent: {tool: []}"),
    ],
)
def test_quick_check_is_never_more_lenient(change: tuple[str, str]) -> None:
    data = _data(TEAM_SANDBOX.replace(*change))
    assert not certainly_valid(data, json_schema())


def test_quoted_date_still_valid_through_pydantic() -> None:
    data = _data(TEAM_SANDBOX + "review: {last_reviewed: '2026-10-01'}\n")
    assert not certainly_valid(data, json_schema())
    asset = build_asset(data)
    assert isinstance(asset, Asset)
    assert asset.review is not None
    assert asset.review.last_reviewed == dt.date(2026, 10, 1)


def test_builtin_policy_constructed_equals_validated() -> None:
    data = _data(read_template("policy.yaml"))
    built = construct(Policy, data)
    assert as_dict(built) == pydantic_policy.Policy.model_validate(data).model_dump()


def _pairs(plain: Any, validating: Any) -> list[tuple[type[Any], type[BaseModel]]]:
    models = {n: c for n, c in vars(validating).items() if isinstance(c, type) and issubclass(c, BaseModel)}
    models = {n: c for n, c in models.items() if c.__module__ == validating.__name__ and not n.startswith("_")}
    assert models
    return [(getattr(plain, n), c) for n, c in sorted(models.items())]


@pytest.mark.parametrize(
    ("plain", "model"),
    [*_pairs(plain_manifest, pydantic_manifest), *_pairs(plain_policy, pydantic_policy)],
    ids=lambda c: f"{c.__module__.rsplit('.', 2)[-2]}.{c.__name__}",
)
def test_plain_classes_hold_the_fields_of_the_models(plain: type[Any], model: type[BaseModel]) -> None:
    """Every pydantic model has its record, with the same fields in the same order, the
    same YAML names and the same defaults."""
    assert issubclass(plain, Record)
    declared = fields(plain)
    assert [f.name for f in declared] == list(model.model_fields)
    for f in declared:
        info = model.model_fields[f.name]
        assert f.metadata.get(ALIAS) == info.alias, f.name
        if f.default_factory is not None:
            assert info.default_factory is not None, f.name
            made = info.default_factory()  # type: ignore[call-arg]
            expected = f.default_factory()
            assert (made.model_dump() if isinstance(made, BaseModel) else made) == as_dict(expected), f.name
        elif not f.required:
            assert not info.is_required() and f.default == info.default, f.name
        else:
            assert info.is_required(), f.name


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


def test_check_of_valid_declarations_never_imports_pydantic(tmp_path: Path) -> None:
    """The start-up budget of ``check`` on valid declarations with the built-in policy:
    no pydantic at all (its import and models were about half of a one-asset run), and
    nothing heavy that one asset without history does not need."""
    (tmp_path / "ai-asset.yaml").write_text(FULL)
    modules = _imported("check", ".", "--today", "2026-11-22", cwd=tmp_path)
    heavy = {"git", "requests", "jsonschema", "importlib.metadata", "email"}
    assert not heavy & modules
    assert not {m for m in modules if m.split(".")[0] in ("pydantic", "pydantic_core")}
    # Discovery found no file to read: its source detectors were never loaded.
    assert "prodgate.discovery.scan" in modules
    assert "prodgate.discovery.code" not in modules


def test_discover_without_a_declaration_builds_no_model(tmp_path: Path) -> None:
    """Discover of code alone reads the built-in catalogue and no declaration: no
    pydantic, no declaration loader."""
    (tmp_path / "app.py").write_text('import openai\nMODEL = "gpt-4o"\n')
    modules = _imported("discover", ".", cwd=tmp_path)
    assert "prodgate.discovery.code" in modules  # it did parse the file
    assert not {m for m in modules if m.split(".")[0] in ("pydantic", "pydantic_core", "git", "requests")}
    assert "prodgate.manifest.loader" not in modules


def test_discover_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path) -> None:
    import gc

    from prodgate.cli import main

    (tmp_path / "app.py").write_text("import openai\n")
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    assert main(["discover", "--format", "json", str(tmp_path)]) == 1
    assert gc.isenabled()
    assert gc.get_freeze_count() <= frozen  # only a run as the program, about to exit, freezes
    gc.disable()
    try:
        main(["discover", "--format", "json", str(tmp_path)])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_catalogue_compiles_its_patterns_only_when_a_file_is_read(tmp_path: Path) -> None:
    from prodgate.discovery.run import discover

    (tmp_path / "ai-asset.yaml").write_text(FULL)
    (tmp_path / "README.md").write_text("Uses openai.\n")
    quiet = discover(tmp_path).catalogue
    assert not {"prefilter", "host_re", "model_re"} & set(vars(quiet))
    (tmp_path / "app.py").write_text("import openai\n")
    found = discover(tmp_path)
    assert [d.path for d in found.detections] == ["app.py"]
    assert "prefilter" in vars(found.catalogue)


def test_check_of_an_invalid_declaration_explains_with_pydantic(tmp_path: Path) -> None:
    """The other side of the quick path: what it is not sure of, pydantic judges."""
    (tmp_path / "ai-asset.yaml").write_text(TEAM_SANDBOX.replace("tier: team", "tier: teams"))
    code = (
        "import sys, io, contextlib\n"
        "from prodgate.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    rc = main(['check', '.', '--today', '2026-11-22', '--no-color'])\n"
        "print(rc, 'pydantic' in sys.modules, 'PG103' in out.getvalue())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["1", "True", "True"]


@pytest.mark.parametrize("name", ["policy.yaml", "signatures.yaml"])
def test_shipped_yaml_reads_the_same_without_positions(name: str) -> None:
    """The built-in policy and catalogue are read by the fast loader; the values (and so
    the policy's digest in every report) are those the loader with positions gives."""
    text = read_template(name)
    assert load_shipped(text) == _data(text)


def test_records_behave_as_frozen_dataclasses() -> None:
    owner = plain_manifest.Owner(name="Ada Lovelace", email="ada@example.com")
    assert owner == plain_manifest.Owner(name="Ada Lovelace", email="ada@example.com", team=None)
    assert owner != plain_manifest.Person(name="Ada Lovelace", email="ada@example.com")
    assert hash(owner) == hash(plain_manifest.Owner(name="Ada Lovelace", email="ada@example.com"))
    assert repr(owner) == "Owner(name='Ada Lovelace', email='ada@example.com', team=None, github=None)"
    with pytest.raises(AttributeError):
        owner.name = "Someone Else"  # type: ignore[misc]
    with pytest.raises(TypeError, match="missing keyword argument 'email'"):
        plain_manifest.Person(name="Ada Lovelace")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'phone'"):
        plain_manifest.Person(name="Ada Lovelace", email="ada@example.com", phone="1")  # type: ignore[call-arg]
    first, second = Asset(api_version="prodgate/v1", name="a", tier="team", stage="sandbox"), Asset(
        api_version="prodgate/v1", name="a", tier="team", stage="sandbox"
    )
    assert first.models is not second.models  # each record its own list
    assert as_dict(first.risk) == {
        "customer_facing": False, "regulated": False, "autonomy": "human-in-the-loop", "decisions_about_people": False,
    }
