"""Does the model a results file names match a model the declaration names?

Tools name models their own way: promptfoo ``openai:gpt-4o-mini`` or
``azure:chat:my-deployment``, lm-eval ``pretrained=EleutherAI/pythia-70m``, others
``gpt-4o-mini-2024-07-18``. The declaration says ``provider: openai, name:
gpt-4o-mini, version: "2024-07-18"``. Matching is tolerant of those spellings but
never of a different model: ``gpt-4o`` does not match ``gpt-4o-mini``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from prodgate.manifest.model import ModelRef

# Spellings of the same provider, as tools and declarations write them.
_PROVIDER_ALIASES: dict[str, str] = {
    "azure": "azure-openai",
    "azureopenai": "azure-openai",
    "azure-openai": "azure-openai",
    "aws": "bedrock",
    "bedrock": "bedrock",
    "amazon-bedrock": "bedrock",
    "vertex": "vertex",
    "vertexai": "vertex",
    "google": "vertex",
    "gemini": "vertex",
    "hf": "huggingface",
    "huggingface": "huggingface",
    "hugging-face": "huggingface",
    "hf-inference": "huggingface",
    "openai": "openai",
    "anthropic": "anthropic",
    "mistral": "mistral",
    "ollama": "ollama",
}
# Providers whose id names no model: custom code, HTTP endpoints, hosted references.
_NO_MODEL = (
    "file:",
    "python:",
    "exec:",
    "http:",
    "https:",
    "webhook:",
    "echo",
    "promptfoo:",
    "golang:",
    "ruby:",
)
# Middle parts of promptfoo ids that say how the model is called, not which one.
_MODES = frozenset(
    {
        "chat",
        "completion",
        "completions",
        "embedding",
        "embeddings",
        "responses",
        "assistant",
        "converse",
        "messages",
    }
)
_DATED = re.compile(r"^(?:-|@)(?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|v\d+(?:[.:]\d+)*|latest)$")


@dataclass(frozen=True)
class Named:
    """A model named by a results file: provider (normalised, if it says) and name."""

    provider: str | None
    name: str
    raw: str


def names_a_model(identifier: str) -> bool:
    return not identifier.strip().lower().startswith(_NO_MODEL) and "://" not in identifier


def split(identifier: str) -> Named:
    """``azure:chat:gpt-4o`` -> (azure-openai, gpt-4o); ``gpt-4o`` -> (None, gpt-4o)."""
    parts = identifier.strip().split(":")
    provider = None
    if len(parts) > 1:
        provider = _provider(parts[0])
        parts = parts[1:]
    while len(parts) > 1 and parts[0].lower() in _MODES:
        parts = parts[1:]
    # What is left is the model; ':' inside it (ollama tags like llama3:8b) is kept.
    return Named(provider, ":".join(parts).strip(), identifier)


def _provider(value: str) -> str:
    low = value.strip().lower()
    return _PROVIDER_ALIASES.get(low, low)


def matches(named: Named, model: ModelRef) -> bool:
    if named.provider is not None and named.provider != _provider(model.provider):
        return False
    return _same_name(named.name, model.name, model.version)


def _same_name(found: str, declared: str, version: str | None) -> bool:
    f, d = found.lower(), declared.lower()
    candidates = {f, f.rsplit("/", 1)[-1]}
    wanted = {d, d.rsplit("/", 1)[-1]}
    if candidates & wanted:
        return True
    for c in candidates:
        for w in wanted:
            if not c.startswith(w):
                continue
            rest = c[len(w) :]
            if version and rest.lstrip("-@") == version.lower():
                return True
            if not version and _DATED.match(rest):
                return True
    return False


def unmatched(identifiers: Iterable[str], declared: list[ModelRef]) -> list[str]:
    """The identifiers that name a model and match none of the declared models."""
    out = []
    for identifier in identifiers:
        if not names_a_model(identifier):
            continue
        named = split(identifier)
        if not any(matches(named, m) for m in declared):
            out.append(identifier)
    return out


def describe(models: list[ModelRef]) -> str:
    return ", ".join(
        f"{m.provider}/{m.name}" + (f"@{m.version}" if m.version else "") for m in models
    )
