"""``prodgate inventory``: every declared asset, in JSON, CSV, Markdown and CycloneDX."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from prodgate import __version__

from conftest import FILLED_MODEL_CARD, REPO, TODAY, write

ASSET = """\
apiVersion: prodgate/v1
name: reply-drafter
description: Drafts replies for support agents.
tier: team
stage: pilot
owner: {name: Jane Doe, email: jane@example.com, team: support}
business_owner: {name: Raj Patel, email: raj@example.com}
models:
  - {provider: openai, name: gpt-4o-mini, version: "2024-07-18"}
data_sources:
  - {name: tickets, classification: confidential, personal_data: true}
evals:
  - name: quality
    results: evals/quality.json
    format: prodgate
    thresholds: {pass_rate: ">= 0.9"}
artifacts:
  model_card: docs/model-card.md
  privacy_review: docs/dpia.md
exceptions:
  - requirement: privacy_review
    reason: DPIA with legal.
    ticket: GOV-9
    granted: 2026-10-01
    expires: 2026-12-15
    approvals: {business_executive: Ann Berg, it_executive: Carl Dunn, process_owner: Eva Fox}
    owners: {risk: Gil Hart, support: Hana Ito, funding: Ivo Jung, lifecycle: Jon Kim, compliance: Kai Lund}
review: {last_reviewed: 2026-01-10}
"""

RESULTS = '{"format": "prodgate/eval/v1", "metrics": {"pass_rate": 0.84}}'


def _repo(repo: Path, asset: str = ASSET) -> Path:
    write(repo, "svc/ai-asset.yaml", asset)
    write(repo, "svc/docs/model-card.md", FILLED_MODEL_CARD)
    write(repo, "svc/evals/quality.json", RESULTS)
    return repo


def _inventory(run, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code, out, err = run("inventory", "--today", TODAY, "--repository", "acme/support", *argv)
    return code, out, err


def test_json_lists_everything_the_office_asks(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    _repo(repo)
    code, out, err = _inventory(run, str(repo))
    assert code == 0, err  # a listing, not a verdict: the failing asset is reported
    doc = json.loads(out)
    assert doc["inventory_version"] == 1
    assert doc["repository"] == {"name": "acme/support", "commit": None}
    assert doc["summary"] == {"assets": 1, "passed": 0, "failed": 1, "broken_declarations": 0, "undeclared": 0}
    [a] = doc["assets"]
    assert (a["name"], a["path"], a["tier"], a["effective_tier"], a["stage"]) == (
        "reply-drafter", "svc/ai-asset.yaml", "team", "departmental", "pilot"
    )
    assert a["owner"] == {"name": "Jane Doe", "email": "jane@example.com", "team": "support", "github": None}
    assert a["business_owner"]["name"] == "Raj Patel"
    assert a["models"] == [{"provider": "openai", "name": "gpt-4o-mini", "version": "2024-07-18", "license": None}]
    assert a["data_sources"] == [{"name": "tickets", "classification": "confidential", "personal_data": True, "license": None}]
    [ev] = a["evals"]
    assert ev["outcome"] == "failed"
    assert ev["metrics"][0]["name"] == "pass_rate"
    assert ev["metrics"][0]["value"] == 0.84
    assert ev["metrics"][0]["passed"] is False
    assert a["gate"]["passed"] is False
    assert a["gate"]["errors"] >= 1
    [ex] = a["exceptions"]
    assert (ex["ticket"], ex["requirement"], ex["expires"], ex["active"], ex["reason"]) == (
        "GOV-9", "privacy_review", "2026-12-15", True, "DPIA with legal."
    )
    # departmental (the effective tier, raised by personal data) is reviewed every 180 days
    assert a["review"] == {"last_reviewed": "2026-01-10", "cadence_days": 180, "next_due": "2026-07-09", "overdue": True}
    assert a["requirements"]["privacy_review"] == "waived"


def test_eval_with_unreadable_results_failed_with_the_gates_rule(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    _repo(repo)
    write(repo, "svc/evals/quality.json", '{"metrics": {}}')
    _code, out, _err = _inventory(run, str(repo))
    [ev] = json.loads(out)["assets"][0]["evals"]
    assert (ev["outcome"], ev["rules"]) == ("failed", ["PG305"])


def test_expired_exception_is_not_active(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    _repo(repo, ASSET.replace("expires: 2026-12-15", "expires: 2026-11-01"))
    _code, out, _err = _inventory(run, str(repo))
    [ex] = json.loads(out)["assets"][0]["exceptions"]
    assert ex["active"] is False


def test_broken_declaration_is_listed_not_dropped(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    _repo(repo)
    write(repo, "other/ai-asset.yaml", "apiVersion: prodgate/v1\nname: [\n")
    code, out, _err = _inventory(run, str(repo))
    assert code == 0
    doc = json.loads(out)
    assert [a["name"] for a in doc["assets"]] == ["reply-drafter"]
    [b] = doc["broken_declarations"]
    assert b["path"] == "other/ai-asset.yaml"
    assert b["rule_id"] == "PG101"


def test_csv_one_row_per_asset_and_no_formulas(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    _repo(repo, ASSET.replace("name: Jane Doe", 'name: "=HYPERLINK(\\"http://x\\")"'))
    code, out, _err = _inventory(run, str(repo), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    [row] = rows
    assert row["asset"] == "reply-drafter"
    assert row["owner"] == "'=HYPERLINK(\"http://x\")"
    assert row["models"] == "openai/gpt-4o-mini@2024-07-18"
    assert row["personal_data"] == "yes"
    assert row["gate"] == "failed"
    assert row["active_exceptions"] == "GOV-9 privacy_review until 2026-12-15"
    assert row["next_review_due"] == "2026-07-09"
    assert row["review_overdue"] == "yes"


def test_markdown_escapes_declaration_text(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    _repo(repo, ASSET.replace("name: Jane Doe", 'name: "<img src=x onerror=alert(1)> | @acme/all"'))
    code, out, _err = _inventory(run, str(repo), "--format", "markdown")
    assert code == 0
    assert "<img" not in out
    assert "&lt;img src=x onerror=alert(1)&gt; \\| <code>@acme/all</code>" in out
    row = next(line for line in out.splitlines() if line.startswith("| `reply-drafter`"))
    assert row.count(" | ") == 10  # eleven cells: the name's "|" did not add one
    assert "`GOV-9` privacy\\_review until 2026-12-15" in row


def _bom(run, repo: Path, version: str = "1.6") -> dict[str, Any]:  # type: ignore[no-untyped-def]
    code, out, err = _inventory(run, str(repo), "--format", "cyclonedx", "--spec-version", version)
    assert code == 0, err
    schema = {"1.5": SchemaVersion.V1_5, "1.6": SchemaVersion.V1_6}[version]
    error = JsonStrictValidator(schema).validate_str(out)
    assert error is None, error
    doc: dict[str, Any] = json.loads(out)
    assert doc["specVersion"] == version
    return doc


def _props(component: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in component.get("properties", [])}


@pytest.mark.parametrize("version", ["1.6", "1.5"])
def test_cyclonedx_ml_bom_validates_and_says_it_as_the_standard_reads(repo: Path, run, version: str) -> None:  # type: ignore[no-untyped-def]
    _repo(repo)
    bom = _bom(run, repo, version)
    assert bom["bomFormat"] == "CycloneDX"
    assert bom["metadata"]["component"]["name"] == "acme/support"
    [tool] = bom["metadata"]["tools"]["components"]  # the 1.5+ form, naming prodgate
    assert (tool["type"], tool["name"], tool["version"]) == ("application", "prodgate", __version__)
    [asset] = bom["components"]
    assert (asset["type"], asset["name"]) == ("application", "reply-drafter")
    props = _props(asset)
    assert props["prodgate:effective_tier"] == "departmental"
    assert props["prodgate:gate"] == "failed"
    assert props["prodgate:risk.autonomy"] == "human-in-the-loop"
    assert props["prodgate:requirement.privacy_review"] == "waived"
    # the exception: requirement, reason, dates, state and every approver
    assert {k: v for k, v in props.items() if k.startswith("prodgate:exception.GOV-9.")} == {
        "prodgate:exception.GOV-9.requirement": "privacy_review",
        "prodgate:exception.GOV-9.reason": "DPIA with legal.",
        "prodgate:exception.GOV-9.granted": "2026-10-01",
        "prodgate:exception.GOV-9.expires": "2026-12-15",
        "prodgate:exception.GOV-9.state": "active",
        "prodgate:exception.GOV-9.approval.business_executive": "Ann Berg",
        "prodgate:exception.GOV-9.approval.it_executive": "Carl Dunn",
        "prodgate:exception.GOV-9.approval.process_owner": "Eva Fox",
    }
    kinds = {c["type"]: c for c in asset["components"]}
    model, data = kinds["machine-learning-model"], kinds["data"]
    assert (model["group"], model["name"], model["version"]) == ("openai", "gpt-4o-mini", "2024-07-18")
    card = model["modelCard"]
    # a runtime data source is not training data: no datasets in the model card
    assert "modelParameters" not in card
    assert data["data"] == [{"type": "dataset", "name": "tickets", "classification": "confidential", "sensitiveData": ["personal data"]}]
    assert _props(data) == {
        "prodgate:data.classification": "confidential", "prodgate:data.personal_data": "true", "prodgate:data.use": "runtime"
    }
    assert card["quantitativeAnalysis"]["performanceMetrics"] == [{"type": "pass_rate", "value": "0.84", "slice": "quality"}]
    assert _props(card) == {
        "prodgate:eval.quality.outcome": "failed",
        "prodgate:eval.quality.results": "svc/evals/quality.json",
        "prodgate:eval.quality.rules": "PG306",
        "prodgate:eval.quality.pass_rate.threshold": ">= 0.9",
        "prodgate:eval.quality.pass_rate.passed": "false",
    }
    assert card["considerations"] == {
        "useCases": ["Drafts replies for support agents."],
        "ethicalConsiderations": [{"name": "Processes personal data (tickets)"}],
    }
    [dep] = [d for d in bom["dependencies"] if d["ref"] == asset["bom-ref"]]
    assert set(dep["dependsOn"]) == {model["bom-ref"], data["bom-ref"]}


def test_cyclonedx_risk_facts_are_the_cards_ethical_considerations(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    _repo(repo, ASSET.replace("stage: pilot", "stage: pilot\nrisk: {customer_facing: true, decisions_about_people: true}"))
    [asset] = _bom(run, repo)["components"]
    [model] = [c for c in asset["components"] if c["type"] == "machine-learning-model"]
    reviewed = "A person reviews each output before it takes effect (human-in-the-loop)"
    assert model["modelCard"]["considerations"]["ethicalConsiderations"] == [
        {"name": "Customer-facing: its output reaches customers", "mitigationStrategy": reviewed},
        {"name": "Makes or supports decisions about people", "mitigationStrategy": reviewed},
        {"name": "Processes personal data (tickets)"},
    ]
    assert _props(asset)["prodgate:risk.customer_facing"] == "true"


@pytest.mark.parametrize("version", ["1.6", "1.5"])
def test_cyclonedx_licences_where_the_declaration_gives_them(repo: Path, run, version: str) -> None:  # type: ignore[no-untyped-def]
    models = (
        '  - {provider: openai, name: gpt-4o-mini, version: "2024-07-18"}\n'
        "  - {provider: huggingface, name: bert-base, license: apache-2.0}\n"
        "  - {provider: meta, name: llama-3-8b, license: Llama 3 Community License}\n"
        '  - {provider: self-hosted, name: mixed, license: "MIT OR Apache-2.0"}\n'
    )
    _repo(repo, ASSET.replace('  - {provider: openai, name: gpt-4o-mini, version: "2024-07-18"}\n', models).replace(
        "personal_data: true}", "personal_data: true, license: CC-BY-4.0}"
    ))
    [asset] = _bom(run, repo, version)["components"]
    licences = {c["name"]: c.get("licenses") for c in asset["components"]}
    assert licences == {
        "gpt-4o-mini": None,  # the declaration gives none: none is made up
        "bert-base": [{"license": {"id": "Apache-2.0"}}],
        "llama-3-8b": [{"license": {"name": "Llama 3 Community License"}}],
        "mixed": [{"expression": "MIT OR Apache-2.0"}],
        "tickets": [{"license": {"id": "CC-BY-4.0"}}],
    }
    code, out, _err = _inventory(run, str(repo))
    assert code == 0
    assert json.loads(out)["assets"][0]["models"][1] == {"provider": "huggingface", "name": "bert-base", "version": None, "license": "apache-2.0"}


def test_cyclonedx_evals_of_an_asset_without_models_are_its_own_properties(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    _repo(repo, ASSET.replace('  - {provider: openai, name: gpt-4o-mini, version: "2024-07-18"}\n', "").replace("models:\n", "models: []\n"))
    [asset] = _bom(run, repo)["components"]
    assert [c["type"] for c in asset["components"]] == ["data"]
    props = _props(asset)
    assert (props["prodgate:eval.quality.outcome"], props["prodgate:eval.quality.pass_rate.threshold"]) == ("failed", ">= 0.9")


def test_cyclonedx_no_declared_name_spells_another_property(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Eval ``a`` failing metric ``b.c`` and eval ``a.b`` passing metric ``c`` would both
    be ``prodgate:eval.a.b.c.passed``: a passing copy could hide the failing one."""
    evals = (
        "evals:\n"
        '  - {name: a, results: evals/a.json, format: prodgate, thresholds: {"b.c": ">= 0.9"}}\n'
        '  - {name: a.b, results: evals/ab.json, format: prodgate, thresholds: {c: ">= 0.5"}}\n'
    )
    start, end = ASSET.index("evals:\n"), ASSET.index("artifacts:\n")
    _repo(repo, ASSET[:start] + evals + ASSET[end:])
    write(repo, "svc/evals/a.json", '{"format": "prodgate/eval/v1", "metrics": {"b.c": 0.1}}')
    write(repo, "svc/evals/ab.json", '{"format": "prodgate/eval/v1", "metrics": {"c": 0.9}}')
    [asset] = _bom(run, repo)["components"]
    [model] = [c for c in asset["components"] if c["type"] == "machine-learning-model"]
    names = [p["name"] for p in model["modelCard"]["properties"]]
    assert len(names) == len(set(names))
    props = _props(model["modelCard"])
    assert props["prodgate:eval.a.b%2Ec.passed"] == "false"
    assert props["prodgate:eval.a%2Eb.c.passed"] == "true"


def test_spec_version_needs_the_cyclonedx_format(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    _repo(repo)
    code, out, err = _inventory(run, str(repo), "--spec-version", "1.5")
    assert (code, out) == (2, "")
    assert "--spec-version" in err and "--format cyclonedx" in err


def test_cyclonedx_refs_stay_unique_for_duplicate_names(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    _repo(repo)
    write(repo, "copy/ai-asset.yaml", ASSET)
    bom = _bom(run, repo)  # the validator rejects duplicate bom-refs
    assert len(bom["components"]) == 2


def test_cyclonedx_the_examples_validate(run) -> None:  # type: ignore[no-untyped-def]
    bom = _bom(run, REPO / "examples")
    assert len(bom["components"]) == 3


def test_cyclonedx_without_the_library_says_what_to_install(repo: Path) -> None:
    _repo(repo)
    code = (
        "import sys; sys.modules['cyclonedx'] = None\n"
        "from prodgate.cli import main\n"
        f"sys.exit(main(['inventory', {str(repo)!r}, '--format', 'cyclonedx']))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert "pip install 'prodgate[cyclonedx]'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_path_is_a_usage_error(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("inventory", str(tmp_path / "nope"))
    assert code == 2
    assert out == ""
    assert "no such file or directory" in err


def test_output_file(repo: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _repo(repo)
    target = tmp_path / "out" / "inventory.json"
    code, out, _err = _inventory(run, str(repo), "-o", str(target))
    assert (code, out) == (0, "")
    assert json.loads(target.read_text())["assets"][0]["name"] == "reply-drafter"


def test_repository_name_from_origin_remote(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    _repo(repo)
    (repo / ".git" / "config").write_text('[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:acme/claims.git\n')
    _code, out, _err = run("inventory", str(repo), "--today", TODAY)
    assert json.loads(out)["repository"]["name"] == "acme/claims"


_COMMIT = re.compile(r" at `[0-9a-f]{12}`")


def test_readme_shows_the_inventory_of_the_examples(run) -> None:  # type: ignore[no-untyped-def]
    readme = (REPO / "docs" / "inventory-and-register.md").read_text(encoding="utf-8")
    block = readme.split("<!-- inventory:begin -->\n", 1)[1].split("<!-- inventory:end -->", 1)[0]
    code, out, _err = run(
        "inventory", str(REPO / "examples"), "--format", "markdown", "--today", TODAY, "--repository", "acme/examples"
    )
    assert code == 0
    # The commit moves with every commit; everything else must match the README.
    assert _COMMIT.sub("", block.strip()) == _COMMIT.sub("", out.strip())


def test_undeclared_ai_found_by_discovery_is_listed(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    _repo(repo)
    write(repo, "tools/triage.py", "import anthropic\n\nclient = anthropic.Anthropic()\n")
    _code, out, _err = _inventory(run, str(repo))
    doc = json.loads(out)
    assert doc["summary"]["undeclared"] == len(doc["undeclared"]) >= 1
    first = doc["undeclared"][0]
    assert (first["path"], first["line"], first["provider"]) == ("tools/triage.py", 1, "anthropic")
    _code, md, _err = _inventory(run, str(repo), "--format", "markdown")
    assert "### Undeclared AI" in md
    assert "| `tools/triage.py:1` |" in md
    _code, table, _err = _inventory(run, str(repo), "--format", "csv")
    assert any(r["record"] == "undeclared" and r["path"] == "tools/triage.py" for r in csv.DictReader(io.StringIO(table)))
    bom = _bom(run, repo)
    marked = [c for c in bom["components"] if {"name": "prodgate:undeclared", "value": "true"} in c.get("properties", [])]
    assert marked and marked[0]["group"] == "anthropic"
    _code, out, _err = _inventory(run, str(repo), "--no-discover")
    doc = json.loads(out)
    assert (doc["undeclared"], doc["summary"]["undeclared"]) == (None, None)


@pytest.mark.parametrize("version", ["1.6", "1.5"])
def test_cyclonedx_undeclared_ai_is_listed_by_what_it_is(repo: Path, run, version: str) -> None:  # type: ignore[no-untyped-def]
    """An SDK import is a library, a model named in code a machine-learning model, a
    model server image a container, a hosted API the code calls a service."""
    _repo(repo)
    write(repo, "app/bot.py", 'import openai\n\nclient = openai.OpenAI()\nr = client.chat.completions.create(model="gpt-4o-mini", messages=[])\n')
    write(repo, "app/raw.py", 'import requests\nrequests.post("https://api.anthropic.com/v1/messages", json={})\n')
    write(repo, "Dockerfile", "FROM ollama/ollama:latest\n")
    bom = _bom(run, repo, version)
    found = {
        _props(c)["prodgate:location"]: (c["type"], c.get("group"), c["name"])
        for c in bom["components"]
        if _props(c).get("prodgate:undeclared") == "true"
    }
    assert found == {
        "Dockerfile:1": ("container", "ollama", "ollama"),
        "app/bot.py:1": ("library", "openai", "openai"),
        "app/bot.py:4": ("machine-learning-model", "openai", "gpt-4o-mini"),
    }
    [service] = bom["services"]
    assert (service["name"], service["provider"]["name"]) == ("anthropic", "anthropic")
    assert _props(service) == {
        "prodgate:undeclared": "true", "prodgate:signature": "anthropic", "prodgate:location": "app/raw.py:2",
        "prodgate:kind": "endpoint",
    }


def test_untrusted_names_print_inert_in_every_format(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    """A file name or declaration text carrying workflow commands, escape sequences, bidi
    overrides or line breaks reaches no format raw; JSON still decodes to the real name."""
    hostile = "tools/##[stop-commands]x/\x1b[8mhid\u202eden\nline::error::a.py"
    _repo(repo, ASSET.replace("name: Jane Doe", 'name: "Jane ##[add-mask]Doe"'))
    write(repo, hostile, "import openai\n")
    for fmt in ("json", "csv", "markdown", "cyclonedx"):
        code, out, err = _inventory(run, str(repo), "--format", fmt)
        assert code == 0, err
        assert err == "", (fmt, err)
        assert "##[" not in out and "\x1b" not in out and "\u202e" not in out, fmt
        assert not any(line.lstrip().startswith("::") for line in out.splitlines()), fmt
        if fmt == "json":
            doc = json.loads(out)
            assert [d["path"] for d in doc["undeclared"]] == [hostile]
            assert doc["assets"][0]["owner"]["name"] == "Jane ##[add-mask]Doe"
