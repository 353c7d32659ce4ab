"""What the gate works with of one ``ai-asset.yaml`` (schema v1): plain, frozen records.

The contract itself (types, patterns, enumerations, unknown keys) is stated once, in the
pydantic models of :mod:`prodgate.manifest.pydantic_model`, from which the JSON Schema is
generated. Those models cost most of a small run's start-up to import and build, yet
nearly every declaration is valid; so the rules see these plain classes instead, built
by :func:`prodgate.construct.construct` from data the quick check of
:mod:`prodgate.quickschema` accepted, or from what pydantic validated when it was not
sure. A test keeps the fields here and there the same.

Annotations are not postponed here: :mod:`prodgate.record` reads the field types as
declared (see there why these are records, not dataclasses).
"""

import datetime as dt
from typing import Literal

from prodgate.record import Record, field

API_VERSION = "prodgate/v1"

Tier = Literal["team", "departmental", "enterprise"]
Stage = Literal["sandbox", "pilot", "production", "retired"]
Autonomy = Literal["human-in-the-loop", "human-on-the-loop", "autonomous"]
Classification = Literal["public", "internal", "confidential", "restricted"]
EvalFormat = Literal["auto", "prodgate", "promptfoo", "lm-eval", "hf-model-index", "junit"]
Effect = Literal["read", "write", "execute", "communicate", "payment"]
ToolApproval = Literal["human", "none"]
Audience = Literal["internal", "external"]

TIERS: tuple[str, ...] = ("team", "departmental", "enterprise")
STAGES: tuple[str, ...] = ("sandbox", "pilot", "production", "retired")
CLASSIFICATIONS: tuple[str, ...] = ("public", "internal", "confidential", "restricted")
EFFECTS: tuple[str, ...] = ("read", "write", "execute", "communicate", "payment")
"""What an agent's tool does, weakest first: ``read`` only looks; the others act."""
ACTING_EFFECTS: tuple[str, ...] = EFFECTS[1:]

INVISIBLE = (
    r"\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    r"\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
)
"""Control, zero-width, bidi and filler characters, as a regex class body that Python,
pydantic's Rust engine and the JSON Schema (ECMA-262) readers all understand.

A name or address holding one looks right and is wrong: ``raj.patel@\u200bexample.com``
reads as a valid address, is pasted from a report into a declaration, and reaches
nobody; a bidi override makes a name display as someone else's."""

ALIAS = "alias"
"""Field metadata key: the name a field has in YAML when it differs (``apiVersion``)."""



class Person(Record):
    name: str
    email: str


class Owner(Person):
    team: str | None = None
    github: str | None = None

    @property
    def handle(self) -> str | None:
        """``owner.github`` as CODEOWNERS writes it, ``@`` first, however it was written."""
        return None if self.github is None else "@" + self.github.lstrip("@")


class Risk(Record):
    customer_facing: bool = False
    regulated: bool = False
    autonomy: Autonomy = "human-in-the-loop"
    decisions_about_people: bool = False


class ModelRef(Record):
    provider: str
    name: str
    version: str | None = None
    license: str | None = None


class DataSource(Record):
    name: str
    classification: Classification
    personal_data: bool = False
    license: str | None = None


class Eval(Record):
    name: str
    results: str
    format: EvalFormat = "auto"
    category: str | None = None
    thresholds: dict[str, str | float] = field(default_factory=dict)
    max_age_days: int | None = None
    inputs: list[str] = field(default_factory=list)


class Approver(Record):
    """An approver named with the GitHub account whose review on the pull request
    proves the approval (the policy may require that: ``exceptions.verify``)."""

    name: str
    github: str

    @property
    def login(self) -> str:
        return self.github.lstrip("@")


def approver_name(value: str | Approver) -> str:
    """The person's name, whichever form the approval takes."""
    return value.name if isinstance(value, Approver) else value


def approver_login(value: str | Approver) -> str | None:
    """The GitHub account of an approval, when it names one."""
    return value.login if isinstance(value, Approver) else None


class AssetException(Record):
    requirement: str
    reason: str
    ticket: str
    granted: dt.date
    expires: dt.date
    approvals: dict[str, str | Approver] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)


class Review(Record):
    last_reviewed: dt.date


class AgentTool(Record):
    """A tool the model can call. ``approval: none`` (the default) means no person
    confirms each call; ``audience`` says who a ``communicate`` tool reaches."""

    name: str
    effect: Effect
    system: str | None = None
    approval: ToolApproval = "none"
    audience: Audience = "external"


class McpServer(Record):
    """An MCP server the agent connects to, by what it runs from (``source``)."""

    name: str
    source: str
    access: list[str] = field(default_factory=list)


class Agent(Record):
    """What an agent can reach: its tools and MCP servers."""

    tools: list[AgentTool] = field(default_factory=list)
    mcp_servers: list[McpServer] = field(default_factory=list)


class Asset(Record):
    """One AI system: the root of ``ai-asset.yaml``."""

    api_version: Literal["prodgate/v1"] = field(metadata={ALIAS: "apiVersion"})
    name: str
    description: str | None = None
    tier: Tier
    stage: Stage
    owner: Owner | None = None
    business_owner: Person | None = None
    risk: Risk = field(default_factory=Risk)
    models: list[ModelRef] = field(default_factory=list)
    data_sources: list[DataSource] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    evals: list[Eval] = field(default_factory=list)
    artifacts: dict[str, str] = field(default_factory=dict)
    exceptions: list[AssetException] = field(default_factory=list)
    review: Review | None = None
    agent: Agent | None = None
