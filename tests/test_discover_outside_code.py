"""AI outside application code (infrastructure as code, containers, CI, scripts without
an extension, request batches, URL requirements, npm aliases), and nothing silently
out of sight (symlinks, submodules, files too large or binary: PG804 by gate).

Each test builds a git repository in tmp_path and runs the CLI, asserting file, line,
kind and signature of every detection.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import write

Run = Callable[..., tuple[int, str, str]]


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "protocol.file.allow=always", *args], cwd=root, check=True, capture_output=True)


def repo(tmp_path: Path, files: dict[str, str], name: str = "repo") -> Path:
    root = tmp_path / name
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    for rel, text in files.items():
        write(root, rel, text)
    git(root, "add", "-A")
    return root


def found(run: Run, root: Path, *argv: str) -> tuple[int, set[tuple[str, int, str, str]], list[tuple[str, str]]]:
    code, out, err = run("discover", "--format", "json", *argv, str(root))
    report: dict[str, Any] = json.loads(out or "{}")
    assert out, err
    got = {(d["path"], d["line"], d["kind"], d["signature"]) for d in report["detections"]}
    return code, got, [(s["path"], s["reason"]) for s in report["skipped"]]


OPENAI_TF = """\
resource "azurerm_cognitive_account" "openai" {
  name     = "oai-support"
  kind     = "OpenAI"
  sku_name = "S0"
}

resource "azurerm_cognitive_account" "language" {
  name = "lang-support"
  kind = "TextAnalytics"
}

resource "azurerm_cognitive_account" "any" {
  name = "whatever-the-variable-says"
  kind = var.account_kind
}

data "aws_bedrock_foundation_model" "claude" {
  model_id = var.model
}

resource "google_vertex_ai_endpoint" "ranker" {
  name = "ranker"
}
"""
OPENAI_TF_FOUND = {
    ("infra/main.tf", 1, "resource", "azure-openai"),
    ("infra/main.tf", 12, "resource", "azure-openai"),  # kind from a variable: can be OpenAI
    ("infra/main.tf", 17, "resource", "bedrock"),
    ("infra/main.tf", 21, "resource", "google-genai"),
}


def test_terraform_resources_count_by_type_and_kind(tmp_path: Path, run: Run) -> None:
    root = repo(tmp_path, {"infra/main.tf": OPENAI_TF})
    code, got, _ = found(run, root)
    assert (code, got) == (1, OPENAI_TF_FOUND)


def test_terraform_that_does_not_parse_or_is_too_large_is_read_line_by_line(tmp_path: Path, run: Run) -> None:
    """A missing brace (python-hcl2 refuses the file) or a file over the parse limit:
    the blocks are still found, each with the first ``kind`` before the next block."""
    from prodgate.discovery import infra

    broken = OPENAI_TF.replace('  sku_name = "S0"\n}\n', '  sku_name = "S0"\n\n', 1)
    padding = "# " + "x" * 98 + "\n"
    large = OPENAI_TF + padding * (infra.MAX_HCL_BYTES // len(padding) + 1)
    root = repo(tmp_path, {"infra/main.tf": broken, "big/main.tf": large})
    code, got, _ = found(run, root)
    assert code == 1
    assert got == OPENAI_TF_FOUND | {("big/main.tf", line, k, s) for _p, line, k, s in OPENAI_TF_FOUND}


def test_many_terraform_files_share_one_parse_budget(tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parser costs about 44 µs a byte: a pull request of many Terraform files gets
    the scan's budget of it and no more; the files past it are read line by line, and
    every block is still found."""
    import hcl2

    from prodgate.discovery import model, scan

    parsed: list[int] = []
    real = hcl2.loads

    def counted(text: str, *args: Any, **kwargs: Any) -> Any:
        parsed.append(len(text))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(hcl2, "loads", counted)
    monkeypatch.setattr(scan, "HCL_SCAN_BYTES", 3 * len(OPENAI_TF))
    assert model.HCL_SCAN_BYTES == 256 * 1024  # the bound itself, stated as data
    files = {f"infra/m{i}/main.tf": OPENAI_TF for i in range(8)}
    root = repo(tmp_path, files)
    code, got, _ = found(run, root)
    assert code == 1
    assert parsed == [len(OPENAI_TF)] * 3
    assert got == {(f"infra/m{i}/main.tf", line, k, sig) for i in range(8) for _p, line, k, sig in OPENAI_TF_FOUND}


def loaded_by_discover(root: Path, *modules: str) -> list[bool]:
    """Whether each of ``modules`` is imported once ``prodgate discover`` has scanned
    ``root``, in a fresh interpreter."""
    probe = (
        "import sys\nfrom prodgate.cli import main\n"
        f"code = main(['discover', '--format', 'json', {str(root)!r}])\n"
        f"print(*[m in sys.modules for m in {list(modules)!r}], file=sys.stderr)\n"
    )
    err = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stderr
    return [word == "True" for word in err.strip().splitlines()[-1].split()]


def test_python_hcl2_is_imported_only_when_a_terraform_file_needs_it(tmp_path: Path) -> None:
    root = repo(tmp_path, {"app.py": "import openai\n", "infra/agent.tf": 'resource "aws_bedrockagent_agent" "a" {}\n'})
    assert loaded_by_discover(root, "hcl2", "prodgate.discovery.infra") == [False, True]
    write(root, "infra/oai.tf", OPENAI_TF)
    assert loaded_by_discover(root, "hcl2", "prodgate.discovery.infra") == [True, True]


def test_cloudformation_sam_bicep_and_arm(tmp_path: Path, run: Run) -> None:
    files = {
        "cfn/template.yaml": (
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n"
            "  Agent:\n    Type: 'AWS::Bedrock::Agent'\n  Ranker:\n    Type: AWS::SageMaker::Endpoint\n"
            "  # Type: AWS::Bedrock::Guardrail (commented out)\n  Notebook:\n    Type: AWS::SageMaker::NotebookInstance\n"
        ),
        "cfn/template.json": '{"Resources": {\n  "Kb": {\n    "Type": "AWS::Bedrock::KnowledgeBase"\n  }\n}}\n',
        "az/main.bicep": (
            "resource oai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: 'oai'\n  kind: 'OpenAI'\n}\n"
            "resource cv 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: 'cv'\n  kind: 'ComputerVision'\n}\n"
            "// resource old 'Microsoft.CognitiveServices/accounts/deployments@2023-05-01' = {}\n"
        ),
        "az/azuredeploy.json": (
            '{"resources": [\n  {"type": "Microsoft.CognitiveServices/accounts", "kind": "SpeechServices"},\n'
            '  {\n    "kind": "OpenAI",\n    "type": "Microsoft.CognitiveServices/accounts"\n  }\n]}\n'
        ),
    }
    code, got, _ = found(run, repo(tmp_path, files))
    assert (code, got) == (1, {
        ("cfn/template.yaml", 6, "resource", "bedrock"),
        ("cfn/template.yaml", 8, "resource", "sagemaker"),
        ("cfn/template.json", 3, "resource", "bedrock"),
        ("az/main.bicep", 1, "resource", "azure-openai"),
        ("az/azuredeploy.json", 5, "resource", "azure-openai"),
    })


def test_containers_install_and_run_models(tmp_path: Path, run: Run) -> None:
    files = {
        "Dockerfile": (
            "FROM python:3.12-slim\n# RUN pip install anthropic\nRUN pip install --no-cache-dir -r req.txt \\\n"
            "    openai==1.51.0 && rm -rf /root/.cache\nRUN npm install -g @anthropic-ai/sdk@0.30.1 express\n"
        ),
        "serve/Containerfile": "FROM --platform=linux/amd64 docker.io/ollama/ollama:0.3.12 AS server\n",
        "docker-compose.yml": (
            "services:\n  db:\n    image: postgres:16\n  llm:\n    image: \"vllm/vllm-openai:v0.6.3\"\n"
            "  tgi:\n    image: ghcr.io/huggingface/text-generation-inference@sha256:0123abcd\n"
        ),
    }
    code, got, _ = found(run, repo(tmp_path, files))
    assert (code, got) == (1, {
        ("Dockerfile", 4, "dependency", "openai"),
        ("Dockerfile", 5, "dependency", "anthropic"),
        ("serve/Containerfile", 1, "image", "ollama"),
        ("docker-compose.yml", 5, "image", "transformers"),
        ("docker-compose.yml", 7, "image", "huggingface"),
    })


def test_workflows_use_ai_actions_and_call_models_in_run_steps(tmp_path: Path, run: Run) -> None:
    workflow = """\
        on: issues
        jobs:
          triage:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - uses: actions/ai-inference@v1
              - uses: anthropics/claude-code-action/base@v0
              - run: pip install "anthropic>=0.39" pytest
              - run: |
                  curl https://api.openai.com/v1/chat/completions -H "Authorization: Bearer $OPENAI_API_KEY"
        """
    code, got, _ = found(run, repo(tmp_path, {".github/workflows/triage.yml": workflow, "ci/notes.yml": "run: pip install openai\n"}))
    path = ".github/workflows/triage.yml"
    assert (code, got) == (1, {
        (path, 7, "action", "github-models"),
        (path, 8, "action", "anthropic"),
        (path, 9, "dependency", "anthropic"),
        (path, 11, "endpoint", "openai"),
        (path, 11, "endpoint", "openai-compatible"),
        (path, 11, "credential", "openai"),
    })


def test_scripts_without_an_extension_are_read_by_their_shebang(tmp_path: Path, run: Run) -> None:
    files = {
        "bin/summarise": "#!/usr/bin/env python3\n\nimport anthropic\n",
        "bin/nightly": "#!/bin/bash\nset -e\npip3 install openai\ncurl -s https://api.openai.com/v1/models\n",
        "bin/widget": "#!/usr/bin/env -S node --no-warnings\nconst { Mistral } = require('@mistralai/mistralai');\n",
        "bin/notes": "openai anthropic, no shebang: prose\n",
    }
    code, got, _ = found(run, repo(tmp_path, files))
    assert (code, got) == (1, {
        ("bin/summarise", 3, "import", "anthropic"),
        ("bin/nightly", 3, "dependency", "openai"),
        ("bin/nightly", 4, "endpoint", "openai"),
        ("bin/widget", 2, "import", "mistral"),
    })


def test_request_batches_show_each_thing_once(tmp_path: Path, run: Run) -> None:
    line = '{"custom_id": "%d", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "gpt-4o-mini"}}\n'
    code, got, _ = found(run, repo(tmp_path, {"batches/b.jsonl": "".join(line % i for i in range(500))}))
    assert (code, got) == (1, {
        ("batches/b.jsonl", 1, "endpoint", "openai-compatible"),
        ("batches/b.jsonl", 1, "model", "openai"),
    })


def test_url_requirements_and_npm_aliases_are_dependencies(tmp_path: Path, run: Run) -> None:
    files = {
        "requirements.txt": (
            "requests==2.32.3\ngit+https://github.com/openai/openai-python@v1.51.0\n"
            "-e git+ssh://git@github.com/anthropics/anthropic-sdk-python.git@main\n"
            "https://files.example.com/wheels/cohere-5.11.0-py3-none-any.whl\n"
        ),
        "web/package.json": '{\n  "dependencies": {\n    "react": "^18",\n    "llm": "npm:openai@^4.67.0"\n  }\n}\n',
    }
    code, got, _ = found(run, repo(tmp_path, files))
    assert (code, got) == (1, {
        ("requirements.txt", 2, "dependency", "openai"),
        ("requirements.txt", 3, "dependency", "anthropic"),
        ("requirements.txt", 4, "dependency", "cohere"),
        ("web/package.json", 4, "dependency", "openai"),
    })



PAGE = """\
<!doctype html>
<html lang="en">
<head>
  <script src="https://cdn.example.com/openai-widget.js"></script>
  <script type="application/ld+json">{"@type": "SoftwareApplication", "name": "gpt-4o"}</script>
</head>
<body>
  <h1>Using the assistant</h1>
  <pre><code>pip install openai
import anthropic
curl https://api.openai.com/v1/chat/completions</code></pre>
  <SCRIPT type="module">
    import OpenAI from "https://esm.sh/openai@4";
    import { Anthropic } from "@anthropic-ai/sdk";
    const r = await fetch("https://api.anthropic.com/v1/messages", { method: "POST" });
  </SCRIPT>
  <script>
    document.title = "Docs";
  </script>
</body>
</html>
"""


def test_an_html_page_is_read_for_its_inline_scripts_only(tmp_path: Path, run: Run) -> None:
    """What a page's own scripts run is use, at its line; what the page shows (a code
    sample in <pre>), a script loaded from elsewhere and a JSON-LD block are not."""
    code, got, _ = found(run, repo(tmp_path, {"site/help.html": PAGE, "site/old.htm": PAGE.replace("SCRIPT", "script")}))
    assert (code, got) == (1, {
        (page, line, kind, sig)
        for page in ("site/help.html", "site/old.htm")
        for line, kind, sig in ((13, "import", "openai"), (14, "import", "anthropic"), (15, "endpoint", "anthropic"))
    })


def test_an_html_page_that_only_shows_ai_is_not_use(tmp_path: Path, run: Run) -> None:
    shown = PAGE.split("<SCRIPT")[0] + "</body></html>\n"
    code, got, _ = found(run, repo(tmp_path, {"docs/index.html": shown}))
    assert (code, got) == (0, set())


def test_pth_files_run_their_import_lines(tmp_path: Path, run: Run) -> None:
    """site executes a .pth line that starts with ``import`` at every interpreter start;
    its other lines are paths."""
    files = {
        "site/zz_hook.pth": "/opt/vendor/lib\nimport os, openai; openai.api_key = os.environ['K']\n",
        "site/paths.pth": "/opt/vendor/lib\n../openai-notes\n",
    }
    code, got, _ = found(run, repo(tmp_path, files))
    assert (code, got) == (1, {("site/zz_hook.pth", 2, "import", "openai")})

# -- nothing silently out of sight ---------------------------------------------------------
def test_a_symlink_is_scanned_as_its_target_at_its_own_path(tmp_path: Path, run: Run) -> None:
    root = repo(tmp_path, {"notes/draft.txt": "x = 1\nimport anthropic\n"})
    (root / "bot.py").symlink_to("notes/draft.txt")
    write(tmp_path, "outside/secret.py", "import openai\n")
    (root / "other.py").symlink_to(tmp_path / "outside" / "secret.py")
    (root / "card.md").symlink_to(tmp_path / "outside" / "secret.py")  # prose: never read, nothing hidden
    write(root, "tools/draft", "#!/usr/bin/env python3\nimport mistralai\n")
    (root / "bin").mkdir()
    (root / "bin" / "run").symlink_to("../tools/draft")
    git(root, "add", "-A")
    code, got, skipped = found(run, root)
    outside = str(tmp_path / "outside" / "secret.py")
    scripts = {("tools/draft", 2, "import", "mistral"), ("bin/run", 2, "import", "mistral")}
    assert (code, got - scripts) == (1, {("bot.py", 2, "import", "anthropic")})
    assert scripts <= got
    assert skipped == [("other.py", f"symbolic link to {outside!r}, outside the repository")]
    # Untracked links alike; outside git too.
    (root / "untracked.py").symlink_to("notes/draft.txt")
    code, got, _ = found(run, root)
    assert got - scripts == {("bot.py", 2, "import", "anthropic"), ("untracked.py", 2, "import", "anthropic")}
    import shutil

    shutil.rmtree(root / ".git")
    code, got, skipped = found(run, root)
    assert got - scripts == {("bot.py", 2, "import", "anthropic"), ("untracked.py", 2, "import", "anthropic")}
    assert [s[0] for s in skipped] == ["other.py"]


def test_submodules_are_scanned_when_checked_out_and_reported_when_not(tmp_path: Path, run: Run) -> None:
    sub = repo(tmp_path, {"client.py": "import openai\n"}, name="sub")
    git(sub, "-c", "user.email=a@example.com", "-c", "user.name=A", "commit", "-qm", "client")
    root = repo(tmp_path, {"app.py": "print(1)\n"})
    git(root, "submodule", "add", "-q", str(sub), "lib/sub")
    code, got, skipped = found(run, root)
    assert (code, got, skipped) == (1, {("lib/sub/client.py", 1, "import", "openai")}, [])
    git(root, "submodule", "deinit", "-q", "-f", "lib/sub")
    code, got, skipped = found(run, root)
    assert (code, got) == (0, set())
    assert skipped == [("lib/sub", "git submodule not checked out (run `git submodule update --init`)")]


def test_unscanned_files_warn_at_merge_fail_at_deploy_and_the_policy_sets_it(tmp_path: Path, run: Run) -> None:
    """A file over the size limit or with a NUL byte hides whatever it holds: PG804 is
    a warning at the merge gate, an error at the deploy gate, and what the policy says
    at both."""
    root = repo(tmp_path, {"app.py": "print(1)\n"})
    write(root, "big/gen.py", "import openai\n" + "x = 1\n" * 800_000)
    (root / "bin").mkdir()
    (root / "bin" / "blob.py").write_bytes(b"import openai\n\x00")

    def pg804(*argv: str) -> tuple[int, list[tuple[str, str, int]]]:
        code, out, _err = run("check", str(root), "--format", "json", *argv)
        report = json.loads(out)
        return code, sorted((f["path"], f["severity"], f["line"]) for f in report["findings"] if f["rule_id"] == "PG804")

    assert pg804() == (0, [("big/gen.py", "warning", 0), ("bin/blob.py", "warning", 0)])
    assert pg804("--gate", "deploy") == (1, [("big/gen.py", "error", 0), ("bin/blob.py", "error", 0)])
    policy = write(tmp_path, "policy.yaml", "apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme\nrules:\n  PG804: {severity: note}\n")
    assert pg804("--gate", "deploy", "--policy", str(policy)) == (0, [("big/gen.py", "note", 0), ("bin/blob.py", "note", 0)])


# -- the catalogue, kept complete where it is cheap ----------------------------------------
def test_more_providers_credentials_and_legacy_and_moderation_models(tmp_path: Path, run: Run) -> None:
    env = (
        "AWS_BEARER_TOKEN_BEDROCK=abc\nAZURE_OPENAI_KEY=abc\nFIREWORKS_API_KEY=abc\nCEREBRAS_API_KEY=abc\n"
        "VOYAGE_API_KEY=abc\nCODESTRAL_API_KEY=abc\nHF_API_TOKEN=abc\nDATABASE_URL=postgres://db\n"
    )
    app = (
        'MODERATION = "omni-moderation-latest"\nLEGACY = "text-davinci-003"\nPALM = "code-bison@002"\n'
        'OLD = "claude-v1.3"\nHOST = "https://api.fireworks.ai/inference/v1"\n'
    )
    code, got, _ = found(run, repo(tmp_path, {"deploy/prod.env": env, "svc/app.py": app}))
    assert (code, got) == (1, {
        ("deploy/prod.env", 1, "credential", "bedrock"),
        ("deploy/prod.env", 2, "credential", "azure-openai"),
        ("deploy/prod.env", 3, "credential", "fireworks"),
        ("deploy/prod.env", 4, "credential", "cerebras"),
        ("deploy/prod.env", 5, "credential", "voyage"),
        ("deploy/prod.env", 6, "credential", "mistral"),
        ("deploy/prod.env", 7, "credential", "huggingface"),
        ("svc/app.py", 1, "model", "openai"),
        ("svc/app.py", 2, "model", "openai"),
        ("svc/app.py", 3, "model", "google-genai"),
        ("svc/app.py", 4, "model", "anthropic"),
        ("svc/app.py", 5, "endpoint", "fireworks"),
    })
