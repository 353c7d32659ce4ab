"""pydantic models of ``ai-asset.yaml`` (schema v1): the contract, and its explanations.

The JSON Schema in ``schema/ai-asset.schema.json`` is generated from these models, so
editors and check-jsonschema see the same contract the gate enforces. What the schema
can say (types, enumerations, formats, unknown keys) lives here; what depends on the
organisation's policy (which artifacts a tier needs, which approvers an exception
needs) is left to the rules, so that a policy change never needs a schema change.

Only a declaration the quick check is not sure of is validated here; the rules see the
plain classes of :mod:`prodgate.manifest.model`, with the same fields (a test says so).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from prodgate.forms import ASSET_NAME, EMAIL, GITHUB_HANDLE, GITHUB_LOGIN
from prodgate.globs import MAX_GLOB_CHARS
from prodgate.manifest.model import (
    INVISIBLE,
    Audience,
    Autonomy,
    Classification,
    Effect,
    EvalFormat,
    Stage,
    Tier,
    ToolApproval,
)
from prodgate.threshold_syntax import DECLARATION_THRESHOLD

AssetName = Annotated[
    str,
    Field(
        pattern=ASSET_NAME,
        description="Unique in the repository: lowercase letters, digits and dashes.",
    ),
]
Text = Annotated[str, Field(min_length=1)]

GlobText = Annotated[str, Field(min_length=1, max_length=MAX_GLOB_CHARS)]
"""A path glob (``src/**/*.py``); longer ones are refused, as no real path needs them."""

_INVISIBLE_CHAR = re.compile(f"[{INVISIBLE}]")


def _visible(value: str) -> str:
    """Refuse invisible characters with their code point, which no error display shows."""
    m = _INVISIBLE_CHAR.search(value)
    if m:
        ch = m.group()
        name = unicodedata.name(ch, "control character")
        raise ValueError(
            f"contains an invisible character U+{ord(ch):04X} ({name}) at position {m.start() + 1}"
        )
    return value


PersonName = Annotated[
    str,
    Field(min_length=1, json_schema_extra={"pattern": f"^[^{INVISIBLE}]+$"}),
    AfterValidator(_visible),
]
"""A person's name (or a role holder's): text without invisible characters."""

Email = Annotated[
    str,
    Field(
        pattern=EMAIL,
        examples=["jane.doe@example.com"],
        json_schema_extra={"pattern": f"^[^@\\s{INVISIBLE}]+@[^@\\s{INVISIBLE}]+\\.[^@\\s{INVISIBLE}]+$"},
    ),
    AfterValidator(_visible),
]
Threshold = Annotated[
    str,
    Field(
        pattern=DECLARATION_THRESHOLD,
        description='A comparison such as ">= 0.9", "<= 1e-4" or "== 0".',
    ),
]


class _Strict(BaseModel):
    """Unknown keys are errors: a typo must never silently drop a control."""

    # defer_build: validators are built only when pydantic must judge a declaration
    # the quick check was not sure of (see prodgate.construct).
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Person(_Strict):
    name: PersonName = Field(description="A named, accountable person (not a team alias).")
    email: Email


class Owner(Person):
    team: str | None = None
    github: Annotated[str, Field(pattern=GITHUB_HANDLE)] | None = Field(
        default=None, description="GitHub user or team, for example '@acme/support-eng' (the @ is optional)."
    )


class Risk(_Strict):
    customer_facing: bool = False
    regulated: bool = False
    autonomy: Autonomy = "human-in-the-loop"
    decisions_about_people: bool = Field(
        default=False, description="Hiring, credit, access to services and the like."
    )


LICENSE = "Its licence: an SPDX id or expression (Apache-2.0, MIT OR Apache-2.0) or the licence's name."
"""Carried to the inventory's CycloneDX export as the component's ``licenses``."""


class ModelRef(_Strict):
    provider: Text = Field(description="openai, anthropic, azure-openai, bedrock, vertex, huggingface, self-hosted ...")
    name: Text
    version: str | None = None
    license: Text | None = Field(default=None, description=LICENSE)


class DataSource(_Strict):
    name: Text
    classification: Classification
    personal_data: bool = False
    license: Text | None = Field(default=None, description=LICENSE)


class Eval(_Strict):
    name: Text
    results: Text = Field(description="Results file, relative to the asset root.")
    format: EvalFormat = Field(
        default="auto", description="Format of the results file; auto detects it from the content."
    )
    category: str | None = Field(default=None, description="For example quality, safety, red-team.")
    thresholds: dict[str, Threshold | float] = Field(
        default_factory=dict,
        description='Metric name to comparison, e.g. pass_rate: ">= 0.9"; a bare number means >=.',
    )
    max_age_days: Annotated[int, Field(ge=1)] | None = Field(
        default=None, description="Results older than this (by their run time, else their last commit) are stale."
    )
    inputs: list[GlobText] = Field(
        default_factory=list,
        description="Globs (relative to the asset root) of what the results depend on: prompts, "
        "model settings, code. A commit changing one after the results makes them stale. "
        "Default: the asset's paths, else every file in its folder except the results files and "
        "the declared artifacts.",
    )


GitHubLogin = Annotated[
    str,
    Field(pattern=GITHUB_LOGIN, description="A GitHub account, e.g. sosei or @sosei."),
]


class Approver(_Strict):
    """An approver named with the GitHub account whose review on the pull request
    proves the approval (the policy may require that: ``exceptions.verify``)."""

    name: PersonName
    github: GitHubLogin



class AssetException(_Strict):
    requirement: Text = Field(description="The policy requirement waived, e.g. security_review.")
    reason: Text
    ticket: Text
    granted: dt.date = Field(description="Date the exception was approved.")
    expires: dt.date
    approvals: dict[str, PersonName | Approver] = Field(
        default_factory=dict,
        description="Approver per role: a name (business_executive: Ana Ruiz) or a name and the GitHub "
        "account whose pull request review proves it (it_executive: {name: Samuel Osei, github: sosei}).",
    )
    owners: dict[str, PersonName] = Field(
        default_factory=dict, description="Named owner per area, e.g. risk: Li Wei."
    )


class Review(_Strict):
    last_reviewed: dt.date


class AgentTool(_Strict):
    name: Text = Field(description="The tool's name as the code gives it to the model (refund_order).")
    effect: Effect = Field(
        description="What a call does: read (only looks), write (changes data), execute (runs code or "
        "commands), communicate (sends messages to people), payment (moves money)."
    )
    system: str | None = Field(default=None, description="The system the tool acts on (orders-api).")
    approval: ToolApproval = Field(
        default="none", description="human: a person confirms each call; none (the default): nobody does."
    )
    audience: Audience = Field(
        default="external",
        description="Who a communicate tool reaches: internal (people of the organisation only) or "
        "external (the default: customers, the public).",
    )


class McpServer(_Strict):
    name: Text = Field(description="The server's name, as the MCP configuration or code names it.")
    source: Text = Field(
        description="What it runs from: a package (@modelcontextprotocol/server-github), an image "
        "(ghcr.io/github/github-mcp-server), a URL, or the command."
    )
    access: list[Text] = Field(default_factory=list, description="What it is given access to (repo:read).")


class Agent(_Strict):
    tools: list[AgentTool] = Field(default_factory=list, description="What the model can call.")
    mcp_servers: list[McpServer] = Field(default_factory=list, description="MCP servers the agent connects to.")


class Asset(_Strict):
    """One AI system: the root of ``ai-asset.yaml``."""

    model_config = ConfigDict(
        title="prodgate ai-asset.yaml",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    api_version: Literal["prodgate/v1"] = Field(alias="apiVersion")
    name: AssetName
    description: str | None = None
    tier: Tier
    stage: Stage
    owner: Owner | None = None
    business_owner: Person | None = None
    risk: Risk = Field(default_factory=Risk)
    models: list[ModelRef] = Field(default_factory=list)
    data_sources: list[DataSource] = Field(default_factory=list)
    paths: list[GlobText] = Field(
        default_factory=list, description="Code this asset covers (globs); default: the asset root."
    )
    evals: list[Eval] = Field(default_factory=list)
    artifacts: dict[str, Text] = Field(
        default_factory=dict, description="Artifact kind (as the policy names it) to file path."
    )
    exceptions: list[AssetException] = Field(default_factory=list)
    review: Review | None = None
    agent: Agent | None = Field(
        default=None, description="What an agent can reach: its tools and MCP servers (docs/agents.md)."
    )
