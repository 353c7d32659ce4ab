"""prodgate discover and the discovery part of prodgate check, end to end on small
repositories (real git checkouts where the file selection depends on git)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import TEAM_SANDBOX, TODAY, write

APP = """\
import os

import openai


def draft(ticket: str) -> str:
    client = openai.OpenAI(api_key=os.environ["OPENAI_API_KEY"])
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": ticket}])
    return reply.choices[0].message.content
"""


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    return root


def discover_json(run: Any, *argv: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run("discover", "--format", "json", *argv)
    assert out, err
    return code, json.loads(out)


def test_json_shape_sorted_relative_paths(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "services/bot/app.py", APP)
    write(root, "web/chat.ts", 'import Anthropic from "@anthropic-ai/sdk";\n')
    code, report = discover_json(run, str(root))
    assert code == 1
    assert report["detections"] == [
        {"path": "services/bot/app.py", "line": 3, "kind": "import", "signature": "openai",
         "provider": "openai", "model": None, "asset": None,
         "name": None, "effect": None},
        {"path": "services/bot/app.py", "line": 7, "kind": "credential", "signature": "openai",
         "provider": "openai", "model": None, "asset": None,
         "name": None, "effect": None},
        {"path": "services/bot/app.py", "line": 8, "kind": "model", "signature": "openai",
         "provider": "openai", "model": "gpt-4o-mini", "asset": None,
         "name": None, "effect": None},
        {"path": "web/chat.ts", "line": 1, "kind": "import", "signature": "anthropic",
         "provider": "anthropic", "model": None, "asset": None,
         "name": None, "effect": None},
    ]
    assert report["summary"]["undeclared"] == 4


def test_detections_are_attributed_to_the_covering_asset(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "services/bot/app.py", APP)
    write(root, "services/bot/ai-asset.yaml", "apiVersion: prodgate/v1\nname: bot\n")
    write(root, "tools/x.py", "import anthropic\n")
    write(root, "ai-asset.yaml", 'apiVersion: prodgate/v1\nname: tools\npaths: ["tools/**"]\n')
    code, report = discover_json(run, str(root))
    assert code == 0
    assert {(d["path"], d["asset"]) for d in report["detections"]} == {
        ("services/bot/app.py", "bot"), ("tools/x.py", "tools"),
    }


def test_check_fails_on_undeclared_import_then_passes_once_declared(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "services/bot/app.py", APP)
    code, out, _ = run("check", str(root), "--today", TODAY, "--format", "json")
    assert code == 1
    report = json.loads(out)
    pg801 = [(f["path"], f["line"]) for f in report["findings"] if f["rule_id"] == "PG801"]
    assert ("services/bot/app.py", 3) in pg801
    first = next(f for f in report["findings"] if f["rule_id"] == "PG801")
    assert "prodgate init --name bot --tier team services/bot" in first["fix"]

    assert run("init", "--name", "bot", "--tier", "team", "--owner", "Ada <ada@example.com>", str(root / "services/bot"))[0] == 0
    code, out, _ = run("check", str(root), "--today", TODAY, "--format", "json")
    report = json.loads(out)
    assert code == 0, report["findings"]
    assert {f["rule_id"] for f in report["findings"]} == {"PG802"}  # openai and gpt-4o-mini undeclared in models:


def test_no_discover_and_policy_switch(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "app.py", "import openai\n")
    assert run("check", str(root), "--no-discover")[0] == 0
    policy = write(tmp_path, "policy.yaml", "apiVersion: prodgate/policy/v1\nextends: builtin\nname: p\ndiscovery: {enabled: false}\n")
    assert run("check", str(root), "--policy", str(policy))[0] == 0
    assert run("check", str(root))[0] == 1


def policy_file(tmp_path: Path, body: str) -> Path:
    return write(tmp_path, "policy.yaml", "apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme\n" + body)


EXEMPT_BENCHMARKS = """\
discovery:
  exempt:
    - path: "benchmarks/**"
      reason: Offline benchmark scripts, never deployed (GOV-77).
"""


def test_exempt_path_is_waived_with_its_reason(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "benchmarks/compare.py", "import openai\n")
    policy = policy_file(tmp_path, EXEMPT_BENCHMARKS)
    code, out, _ = run("check", str(root), "--policy", str(policy), "--format", "json")
    report = json.loads(out)
    assert code == 0
    [f] = report["findings"]
    assert (f["rule_id"], f["path"], f["line"]) == ("PG801", "benchmarks/compare.py", 1)
    assert f["waived_by"]["reason"] == "Offline benchmark scripts, never deployed (GOV-77)."
    code, out, _ = run("discover", str(root), "--policy", str(policy))
    assert code == 0
    assert "benchmarks/compare.py (exempt: Offline benchmark scripts, never deployed (GOV-77).)" in out


def test_exemption_without_reason_is_a_configuration_error(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    policy = policy_file(tmp_path, "discovery:\n  exempt:\n    - path: 'x/**'\n      reason: '  '\n")
    code, _out, err = run("check", str(root), "--policy", str(policy))
    assert code == 2 and "an exemption needs a written reason" in err
    policy = policy_file(tmp_path, "discovery:\n  exempt:\n    - path: 'x/**'\n")
    code, _out, err = run("discover", str(root), "--policy", str(policy))
    assert code == 2 and "discovery.exempt.0.reason" in err


def test_policy_adds_and_drops_signatures(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "app/internal.py", 'import acme_llm\nURL = "https://llm.acme.internal/v1"\nimport torch\n')
    policy = policy_file(tmp_path, """\
discovery:
  signatures:
    acme-llm:
      provider: acme
      python: [acme_llm]
      hosts: [llm.acme.internal]
  drop: [torch]
""")
    code, report = discover_json(run, str(root), "--policy", str(policy))
    assert code == 1
    assert [(d["line"], d["kind"], d["signature"]) for d in report["detections"]] == [
        (1, "import", "acme-llm"), (2, "endpoint", "acme-llm"),
    ]


def test_policy_signature_errors_are_exit_2(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    for body, message in [
        ("discovery:\n  drop: [torchh]\n", "no signature 'torchh'"),
        ("discovery:\n  signatures:\n    x: {provider: a, pythn: [x]}\n", "signatures.x.pythn: unknown key"),
        ("discovery:\n  signatures:\n    x: {provider: a, hosts: ['(a+)+b']}\n", "is not a plain name, path or host"),
        ("discovery:\n  signatures:\n    x: {python: [x]}\n", "'provider' is required"),
    ]:
        code, _out, err = run("discover", str(root), "--policy", str(policy_file(tmp_path, body)))
        assert code == 2, body
        assert message in err, err


def test_large_and_binary_files_are_reported_not_skipped_silently(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "big/gen.py", "import openai\n" + "x = 1\n" * 800_000)
    (root / "bin").mkdir()
    (root / "bin" / "blob.py").write_bytes(b"import openai\n\x00\x00\x00")
    code, out, _ = run("check", str(root), "--format", "json")
    report = json.loads(out)
    notes = {(f["rule_id"], f["path"]) for f in report["findings"]}
    assert notes == {("PG804", "big/gen.py"), ("PG804", "bin/blob.py")}
    assert code == 0
    code, out, _ = run("discover", str(root))
    assert "big/gen.py: not scanned: 4,800,014 bytes, over the scan limit of 4,194,304" in out
    assert "bin/blob.py: not scanned: binary content (NUL bytes) in a text format" in out


DECLARED = """\
apiVersion: prodgate/v1
name: bot
tier: team
stage: sandbox
owner: {name: Ada Lovelace, email: ada@example.com}
models:
  - {provider: openai, name: gpt-4o-mini, version: "2024-07-18"}
"""


def test_pg802_undeclared_provider_and_model(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "bot/ai-asset.yaml", DECLARED)
    write(root, "bot/app.py", APP.replace('"gpt-4o-mini"', '"gpt-4o-mini-2024-07-18"'))
    write(root, "bot/fallback.py", 'import anthropic\nMODEL = "claude-3-5-haiku-latest"\nOTHER = "gpt-4o"\n')
    code, out, _ = run("check", str(root), "--today", TODAY, "--format", "json")
    report = json.loads(out)
    assert code == 0  # warnings
    got = [(f["rule_id"], f["path"], f["line"], f["asset"]) for f in report["findings"]]
    assert got == [
        ("PG802", "bot/fallback.py", 1, "bot"),
        ("PG802", "bot/fallback.py", 2, "bot"),
        ("PG802", "bot/fallback.py", 3, "bot"),
    ]
    messages = [f["message"] for f in report["findings"]]
    assert "provider 'anthropic' is not in the models: of asset 'bot'" in messages[0]
    assert "model 'gpt-4o' is not in the models:" in messages[2]


def test_pg803_declaration_whose_code_shows_no_ai(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "bot/ai-asset.yaml", DECLARED + 'paths: ["src/**"]\n')
    write(root, "bot/src/app.py", "print('no model here')\n")
    write(root, "bot/app.py", APP)  # outside paths:, so undeclared
    code, out, _ = run("check", str(root), "--today", TODAY, "--format", "json")
    report = json.loads(out)
    assert code == 1
    rules = sorted({(f["rule_id"], f["path"]) for f in report["findings"]})
    assert rules == [("PG801", "bot/app.py"), ("PG803", "bot/ai-asset.yaml")]


def test_changed_files_only_in_check_and_discover(tmp_path: Path, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "old/legacy.py", "import openai\n")
    write(root, "new/feature.py", "import anthropic\n")
    write(root, "new/readme.md", "anthropic\n")
    monkeypatch.chdir(root)
    code, out, _ = run("check", "--changed", "new/readme.md")
    assert code == 0 and "touches no asset; nothing to check" in out
    code, out, _ = run("check", "--changed", "--format", "json", "new/feature.py", "new/readme.md")
    report = json.loads(out)
    assert code == 1
    assert [(f["rule_id"], f["path"]) for f in report["findings"]] == [("PG801", "new/feature.py")]
    code, out, _ = run("discover", "--changed", "--", "new/feature.py")
    assert code == 1 and "old/legacy.py" not in out and "new/feature.py:1 import anthropic" in out


def test_declarations_and_their_evidence_are_not_use(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "bot/ai-asset.yaml", DECLARED + "evals:\n  - {name: q, results: results/q.json}\n")
    write(root, "bot/results/q.json", '{"results": {"results": [{"provider": {"id": "openai:gpt-4o-mini"}}]}}\n')
    code, report = discover_json(run, str(root))
    assert (code, report["detections"]) == (0, [])


@pytest.mark.parametrize("named", ["../other/app.py", "../results/q.json"])
def test_evidence_outside_the_asset_hides_nothing(tmp_path: Path, run, named: str) -> None:  # type: ignore[no-untyped-def]
    """A declaration naming another folder's file as its eval results does not set that
    file's AI use aside: only what the asset covers is its evidence."""
    root = checkout(tmp_path)
    write(root, "bot/ai-asset.yaml", DECLARED + f"evals:\n  - {{name: q, results: '{named}'}}\n")
    write(root, "other/app.py", "import openai\n")
    write(root, "results/q.json", '{"results": {"results": [{"provider": {"id": "openai:gpt-4o-mini"}}]}}\n')
    code, report = discover_json(run, str(root))
    assert code == 1
    assert [(d["path"], d["asset"]) for d in report["detections"]] == [("other/app.py", None), ("results/q.json", None)]


def test_source_code_named_as_evidence_is_still_scanned(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """``results: app.py`` in the asset's own folder: its models still count for PG802."""
    root = checkout(tmp_path)
    write(root, "bot/ai-asset.yaml", DECLARED + "evals:\n  - {name: q, results: app.py}\n")
    write(root, "bot/app.py", "import anthropic\n")
    _code, report = discover_json(run, str(root))
    assert [(d["path"], d["asset"]) for d in report["detections"]] == [("bot/app.py", "bot")]


def test_a_shared_results_file_claimed_with_paths_is_evidence(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "bot/ai-asset.yaml", DECLARED + "paths: [app.py, ../results/q.json]\nevals:\n  - {name: q, results: ../results/q.json}\n")
    write(root, "results/q.json", '{"results": {"results": [{"provider": {"id": "openai:gpt-4o-mini"}}]}}\n')
    code, report = discover_json(run, str(root))
    assert (code, report["detections"]) == (0, [])


PROMPTFOO = '{"results": {"results": [{"provider": {"id": "openai:gpt-4o-mini"}}]}}\n'


def test_eval_results_in_the_folder_are_evidence_when_paths_are_narrower(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """``paths: [src/**]`` names the code; the promptfoo output the asset names in
    ``evals:`` lies in its folder beside it, names the model it ran against, and is
    the asset's evidence: no PG801."""
    root = checkout(tmp_path)
    write(root, "bot/ai-asset.yaml", DECLARED + "paths: ['src/**']\nevals:\n  - {name: q, results: evals/output.json}\n")
    write(root, "bot/src/app.py", APP)
    write(root, "bot/evals/output.json", PROMPTFOO)
    code, report = discover_json(run, str(root))
    assert code == 0
    assert {(d["path"], d["asset"]) for d in report["detections"]} == {("bot/src/app.py", "bot")}
    code, out, _ = run("check", str(root), "--today", TODAY, "--format", "json")
    assert "PG801" not in {f["rule_id"] for f in json.loads(out)["findings"]}


def test_evidence_in_a_nested_assets_folder_stays_that_assets(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """The outer asset naming a file in a folder with its own declaration hides
    nothing from that asset: the file is attributed to it, and its model counts."""
    root = checkout(tmp_path)
    write(root, "ai-asset.yaml", DECLARED.replace("name: bot", "name: outer") + "evals:\n  - {name: q, results: inner/out.json}\n")
    write(root, "inner/ai-asset.yaml", DECLARED.replace("name: bot", "name: inner"))
    write(root, "inner/out.json", PROMPTFOO.replace("gpt-4o-mini", "gpt-4.1"))
    _code, report = discover_json(run, str(root))
    assert [(d["path"], d["asset"], d["model"]) for d in report["detections"]] == [("inner/out.json", "inner", "gpt-4.1")]


LOCKED = {
    "npm": {
        "bot/package.json": '{"name": "bot", "dependencies": {"openai": "^4.0.0", "@langchain/core": "^0.3.0"}}\n',
        "bot/package-lock.json": """{
  "name": "bot", "lockfileVersion": 3,
  "packages": {
    "": {"name": "bot", "dependencies": {"openai": "^4.0.0", "@langchain/core": "^0.3.0"}},
    "node_modules/@langchain/core": {"version": "0.3.0", "peerDependencies": {"@anthropic-ai/sdk": "*"}},
    "node_modules/@anthropic-ai/sdk": {"version": "0.30.0", "peer": true},
    "node_modules/openai": {"version": "4.0.0"}
  }
}
""",
    },
    "poetry": {
        "bot/pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\nopenai = "^1.0"\nlangchain = "^0.3"\n',
        "bot/poetry.lock": (
            '[[package]]\nname = "anthropic"\nversion = "0.40.0"\n\n'
            '[[package]]\nname = "langchain"\nversion = "0.3.0"\n\n[package.dependencies]\nanthropic = "*"\n\n'
            '[[package]]\nname = "openai"\nversion = "1.50.0"\n'
        ),
    },
}


@pytest.mark.parametrize("ecosystem", sorted(LOCKED))
def test_pg802_asks_nothing_of_what_only_a_lock_file_lists(tmp_path: Path, run, ecosystem: str) -> None:  # type: ignore[no-untyped-def]
    """``anthropic``, a peer or transitive dependency in the lock file only, is not a
    provider the asset uses; the manifest's direct dependencies still count."""
    root = checkout(tmp_path)
    write(root, "bot/ai-asset.yaml", DECLARED)
    write(root, "bot/app.py", APP)
    for rel, text in LOCKED[ecosystem].items():
        (root / rel).write_text(text, encoding="utf-8")
    code, out, _ = run("check", str(root), "--today", TODAY, "--format", "json")
    report = json.loads(out)
    assert code == 0
    assert [f["rule_id"] for f in report["findings"] if f["rule_id"].startswith("PG80")] == [], out
    manifest = next(rel for rel in LOCKED[ecosystem] if "lock" not in rel)
    text = LOCKED[ecosystem][manifest]
    direct = text.replace('"openai": "^4.0.0"', '"openai": "^4.0.0", "@anthropic-ai/sdk": "^0.30.0"', 1)
    direct = direct.replace('openai = "^1.0"', 'openai = "^1.0"\nanthropic = "^0.40"', 1)
    (root / manifest).write_text(direct, encoding="utf-8")
    _code, out, _ = run("check", str(root), "--today", TODAY, "--format", "json")
    assert [(f["rule_id"], f["path"]) for f in json.loads(out)["findings"]] == [("PG802", manifest)]


def test_outside_git_the_working_tree_without_skipped_folders(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "plain"
    write(root, "app/main.py", "import openai\n")
    write(root, "node_modules/openai/index.js", 'require("openai")\n')
    write(root, ".venv/lib/site.py", "import openai\n")
    write(root, "env2/pyvenv.cfg", "home = /usr\n")
    write(root, "env2/lib/x.py", "import openai\n")
    code, report = discover_json(run, str(root))
    assert code == 1
    assert [d["path"] for d in report["detections"]] == ["app/main.py"]


def test_gitignored_files_are_not_scanned(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, ".gitignore", "scratch/\n")
    write(root, "scratch/try.py", "import openai\n")
    write(root, "src/ok.py", "print(1)\n")
    code, report = discover_json(run, str(root))
    assert (code, report["detections"]) == (0, [])


def test_sarif_output_is_valid_and_names_pg801(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    import jsonschema

    root = checkout(tmp_path)
    write(root, "a.py", "import openai\n")
    code, out, _ = run("discover", str(root), "--format", "sarif")
    doc = json.loads(out)
    schema = json.loads((Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(doc, schema)
    [result] = doc["runs"][0]["results"]
    assert (result["ruleId"], result["locations"][0]["physicalLocation"]["region"]["startLine"]) == ("PG801", 1)
    assert code == 1


def test_hostile_names_are_neutralised_in_text_output(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "plain"
    write(root, "::error::x/##[add-mask]a.py", "import openai\n")
    _code, out, _ = run("discover", str(root))
    assert "##[" not in out
    assert not any(line.lstrip().startswith("::") for line in out.splitlines())


def test_job_summary_annotations_and_log_show_undeclared_ai(tmp_path: Path, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = checkout(tmp_path)
    write(root, "services/bot/app.py", APP)
    write(root, "notes/ai-asset.yaml", DECLARED)
    write(root, "notes/summarise.py", "import openai\n")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = run("check", str(root), "--today", TODAY, "--format", "github")
    assert code == 1
    assert "::error file=services/bot/app.py,line=3,title=PG801" in out
    assert "::group::undeclared AI" in out
    text = summary.read_text(encoding="utf-8")
    section = text.split("### ❌ Undeclared AI\n", 1)[1]
    assert "3 place(s) use AI that no `ai-asset.yaml` covers, in `services/bot`." in section
    assert "| `services/bot/app.py:3` | PG801 | undeclared AI use: imports openai (openai); no ai-asset.yaml covers this file | undeclared |" in section
    assert "Declarations that could not be checked" not in text


def test_exempt_path_silences_pg802_too(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Once an asset covers an exempt folder, what it finds there is still the exempt
    offline script's: PG802 is waived with the policy's reason, as PG801 was. The same
    provider used outside the exempt path still raises it, unwaived."""
    root = checkout(tmp_path)
    write(root, "ai-asset.yaml", TEAM_SANDBOX + "models:\n  - provider: anthropic\n    name: claude-sonnet-4\n")
    write(root, "app.py", "import anthropic\n")
    write(root, "benchmarks/compare.py", "import openai\n")
    policy = policy_file(tmp_path, EXEMPT_BENCHMARKS)
    code, out, _ = run("check", str(root), "--policy", str(policy), "--format", "json")
    report = json.loads(out)
    [f] = [f for f in report["findings"] if f["rule_id"] == "PG802"]
    assert (code, f["path"], f["waived_by"]["reason"]) == (0, "benchmarks/compare.py", "Offline benchmark scripts, never deployed (GOV-77).")
    write(root, "app.py", "import anthropic\nimport openai\n")
    code, out, _ = run("check", str(root), "--policy", str(policy), "--format", "json")
    [f] = [f for f in json.loads(out)["findings"] if f["rule_id"] == "PG802"]
    assert (code, f["path"], f["waived_by"]) == (0, "app.py", None)
