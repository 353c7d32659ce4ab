"""The catalogue stays current, and precision stays: credential and endpoint variables
of every major provider, moderation and legacy model families, models named to a
loader (``from_pretrained``, ``pipeline(model=...)``) or a local runtime (``ollama.chat``,
``ollama pull``), SDK model constants named as the API spells them; and data that
quotes model names (a JSON dump, a command shown in a quoted shell string) is not use.
Each case is committed to a git checkout and scanned by ``prodgate discover``; the
detections are asserted with their file, line, signature and model.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., tuple[int, str, str]]
Found = set[tuple[str, int, str, str, str | None]]

CASES: dict[str, tuple[dict[str, str], Found]] = {
    "provider variables": (
        {
            ".env.example": (
                "# copy to .env\n"
                "OPENAI_API_BASE=https://llm-gateway.internal/v1\n"
                "AZURE_OPENAI_AD_TOKEN=\n"
                "GOOGLE_GENERATIVE_AI_API_KEY=\n"
                "VERTEXAI_PROJECT=acme-ml\n"
                "TOGETHERAI_API_KEY=\n"
                "PPLX_API_KEY=\n"
                "DASHSCOPE_API_KEY=\n"
                "AI21_API_KEY=\n"
                "NVIDIA_NIM_API_KEY=\n"
                "HUGGINGFACE_TOKEN=\n"
                "CLAUDE_CODE_USE_BEDROCK=1\n"
                "APP_PORT=8080\n"
            )
        },
        {
            (".env.example", 2, "credential", "openai", None),
            (".env.example", 3, "credential", "azure-openai", None),
            (".env.example", 4, "credential", "google-genai", None),
            (".env.example", 5, "credential", "google-genai", None),
            (".env.example", 6, "credential", "together", None),
            (".env.example", 7, "credential", "perplexity", None),
            (".env.example", 8, "credential", "alibaba-dashscope", None),
            (".env.example", 9, "credential", "ai21", None),
            (".env.example", 10, "credential", "nvidia-nim", None),
            (".env.example", 11, "credential", "huggingface", None),
            (".env.example", 12, "credential", "anthropic", None),
        },
    ),
    "provider endpoints": (
        {
            "clients.py": (
                "import httpx\n\n"
                'FOUNDRY = "https://acme.services.ai.azure.com/models/chat/completions"\n'
                'QWEN = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"\n'
                'HF = "https://x1y2.us-east-1.aws.endpoints.huggingface.cloud"\n'
            )
        },
        {
            ("clients.py", 3, "endpoint", "azure-openai", None),
            ("clients.py", 4, "endpoint", "alibaba-dashscope", None),
            ("clients.py", 5, "endpoint", "huggingface", None),
        },
    ),
    "moderation and legacy models": (
        {
            "moderate.py": (
                "from openai import OpenAI\n\n"
                'MODERATION = "omni-moderation-latest"\n'
                'LEGACY = "text-moderation-stable"\n'
                'COMPLETION = "code-cushman-001"\n'
                'SEARCH = "text-search-ada-doc-001"\n'
            ),
            "deploy/azure.yaml": "openai:\n  deployment: gpt-35-turbo\n",
        },
        {
            ("moderate.py", 1, "import", "openai", None),
            ("moderate.py", 3, "model", "openai", "omni-moderation-latest"),
            ("moderate.py", 4, "model", "openai", "text-moderation-stable"),
            ("moderate.py", 5, "model", "openai", "code-cushman-001"),
            ("moderate.py", 6, "model", "openai", "text-search-ada-doc-001"),
            ("deploy/azure.yaml", 2, "model", "openai", "gpt-35-turbo"),
        },
    ),
    "hugging face model ids": (
        {
            "hf.py": (
                "from sentence_transformers import SentenceTransformer\n"
                "from transformers import AutoModelForCausalLM, pipeline\n\n"
                'model = AutoModelForCausalLM.from_pretrained("mistralai/Mistral-7B-Instruct-v0.2")\n'
                'clf = pipeline("text-classification", model="distilbert-base-uncased-finetuned-sst-2-english")\n'
                'embedder = SentenceTransformer("all-MiniLM-L6-v2")\n'
                'local = AutoModelForCausalLM.from_pretrained("./checkpoints/step-900")\n'
                'tagger = pipeline("ner")\n'
            )
        },
        {
            ("hf.py", 1, "import", "transformers", None),
            ("hf.py", 2, "import", "transformers", None),
            ("hf.py", 4, "model", "huggingface", "mistralai/Mistral-7B-Instruct-v0.2"),
            ("hf.py", 5, "model", "huggingface", "distilbert-base-uncased-finetuned-sst-2-english"),
            ("hf.py", 6, "model", "huggingface", "all-MiniLM-L6-v2"),
        },
    ),
    "a pipeline without AI imports": (
        {"etl.py": 'from etl import pipeline\n\nrun = pipeline("nightly", model="orders-v2")\n'},
        set(),
    ),
    "ollama": (
        {
            "local.py": (
                "import ollama\n\n"
                'reply = ollama.chat(model="qwen2.5:7b", messages=[])\n'
                'vectors = ollama.embed(model="nomic-embed-text", input="x")\n'
                'fallback = ollama.generate(model="llama3", prompt="x")\n'
            ),
            "scripts/setup.sh": "#!/bin/sh\nset -e\nollama pull llama3.1:8b\nollama run phi3 'hi'\n",
            "Dockerfile": "FROM python:3.12-slim\nRUN ollama pull gemma2:2b\n",
            ".github/workflows/eval.yml": (
                "on: push\njobs:\n  eval:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - run: docker exec ollama ollama pull mistral\n"
            ),
        },
        {
            ("local.py", 1, "import", "ollama", None),
            ("local.py", 3, "model", "ollama", "qwen2.5:7b"),
            ("local.py", 4, "model", "ollama", "nomic-embed-text"),
            ("local.py", 5, "model", "meta-llama", "llama3"),
            ("scripts/setup.sh", 3, "model", "meta-llama", "llama3.1:8b"),
            ("scripts/setup.sh", 4, "model", "ollama", "phi3"),
            ("Dockerfile", 2, "model", "ollama", "gemma2:2b"),
            (".github/workflows/eval.yml", 6, "model", "ollama", "mistral"),
        },
    ),
    "sdk model constants": (
        {
            "src/main/java/acme/Bot.java": (
                "package acme;\n\n"
                "import com.openai.models.ChatModel;\n\n"
                "class Bot {\n"
                "    static final ChatModel MODEL = ChatModel.GPT_4_O_MINI;\n"
                "}\n"
            ),
            "src/main/kotlin/Claude.kt": (
                "import com.anthropic.models.messages.Model\n\nval model = Model.CLAUDE_3_5_HAIKU_LATEST\n"
            ),
            "cmd/bot/main.go": (
                'package main\n\nimport "github.com/sashabaranov/go-openai"\n\nvar m = openai.GPT3Dot5Turbo\n'
            ),
        },
        {
            ("src/main/java/acme/Bot.java", 3, "import", "openai", None),
            ("src/main/java/acme/Bot.java", 6, "model", "openai", "gpt-4o-mini"),
            ("src/main/kotlin/Claude.kt", 1, "import", "anthropic", None),
            ("src/main/kotlin/Claude.kt", 3, "model", "anthropic", "claude-3-5-haiku-latest"),
            ("cmd/bot/main.go", 3, "import", "openai", None),
            ("cmd/bot/main.go", 5, "model", "openai", "gpt-3.5-turbo"),
        },
    ),
    "a json data dump": (
        {
            "data/conversations.json": json.dumps(
                [
                    {
                        "prompt": "Which is better, gpt-4o or claude-3-opus?",
                        "answer": "Both are strong.",
                    },
                    {
                        "prompt": "Where is the API?",
                        "answer": "See https://api.openai.com/docs and OPENAI_API_KEY",
                    },
                ],
                indent=1,
            ),
            "dumps/forum.jsonl": '{"text": "I asked gpt-4 about claude-3 and llama3", "label": 1}\n',
        },
        set(),
    ),
    "configuration and records still count": (
        {
            "config/assistant.json": (
                '{\n  "description": "Summaries written by gpt-4o-mini",\n  "model": "gpt-4o-mini"\n}\n'
            ),
            "data/routing.json": '[\n  {"route": "summaries", "model": "claude-3-5-haiku-latest"}\n]\n',
            # A blank around a value does not make it prose.
            "data/upstreams.json": '[\n  {"name": "primary", "base": "https://api.openai.com/v1 "}\n]\n',
            "batches/nightly.jsonl": (
                '{"custom_id": "r1", "method": "POST", "url": "/v1/chat/completions", '
                '"body": {"model": "gpt-4o", "messages": [{"role": "user", "content": "Is claude-3 better?"}]}}\n'
            ),
        },
        {
            ("config/assistant.json", 3, "model", "openai", "gpt-4o-mini"),
            ("data/routing.json", 2, "model", "anthropic", "claude-3-5-haiku-latest"),
            ("batches/nightly.jsonl", 1, "endpoint", "openai-compatible", None),
            ("batches/nightly.jsonl", 1, "model", "openai", "gpt-4o"),
            ("data/upstreams.json", 2, "endpoint", "openai", None),
        },
    ),
    "a command shown in a quoted shell string": (
        {
            "scripts/help.sh": (
                "#!/bin/sh\n"
                'echo "To try the assistant: pip install openai"\n'
                "printf '%s\\n' \"then: ollama run phi3\"\n"
                'bash -c "pip install anthropic"\n'
                "reply=\"$(ollama run gemma2:2b 'hello')\"\n"
                "echo '$(pip install cohere)'\n"
            )
        },
        {
            ("scripts/help.sh", 4, "dependency", "anthropic", None),
            ("scripts/help.sh", 5, "model", "ollama", "gemma2:2b"),
        },
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_catalogue_finds_what_is_used_and_only_that(
    case: str, tmp_path: Path, run: Run
) -> None:
    files, expected = CASES[case]
    root = tmp_path / "repo"
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    code, out, err = run("discover", "--format", "json", str(root))
    assert "Traceback" not in err
    found = {
        (d["path"], d["line"], d["kind"], d["signature"], d["model"])
        for d in json.loads(out)["detections"]
    }
    assert found == expected
    assert code == (1 if expected else 0)
