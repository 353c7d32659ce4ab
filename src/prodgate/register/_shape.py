"""The inventory's fields the register keeps, as types: the rules of
:func:`prodgate.register.documents._inventory` (type, presence, length, allowed
values) stated once more, in a form msgspec checks while it parses.

A field with a default may be missing or null, as ``optional=True`` there; every
other field must be present and of its type (a boolean is not an integer, as there).
Fields not named here are skipped unbuilt. The structs are not tracked by the
garbage collector: decoded JSON holds no cycles, and a large ingest makes millions.

A second path beside the precise reader, kept because it pays: ``register add`` of
10,000 inventories (50,000 assets, SQLite) took 2.2-2.5 s of CPU with it and 3.9-4.1 s
without (40-44% of the ingest, which runs on one core; two runs of three interleaved
pairs, ``bench/bench_paths.py register``; the wall time on the shared machine was 8.2
against 8.7 s and 11.1 against 26.9 s).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

import msgspec
from msgspec import Meta, Struct

from prodgate.register.vocabulary import STAGES, TIERS

Text = Annotated[str, Meta(max_length=4096)]
Date = Annotated[str, Meta(max_length=10)]
Tier = Literal["team", "departmental", "enterprise"]
Stage = Literal["sandbox", "pilot", "production", "retired"]
Effect = Literal["read", "write", "execute", "communicate", "payment"]
if get_args(Tier) != TIERS or get_args(Stage) != STAGES:  # pragma: no cover - a fixed list
    raise AssertionError("the inventory's tiers and stages are the gate's")


class Contact(Struct, gc=False):
    name: Text
    email: Text | None = None
    team: Text | None = None


class Model(Struct, gc=False):
    provider: Text
    name: Text
    version: Text | None = None


class Source(Struct, gc=False):
    name: Text
    classification: Text
    personal_data: bool


class Gate(Struct, gc=False):
    passed: bool
    errors: int
    warnings: int


class Review(Struct, gc=False):
    overdue: bool
    next_due: Date | None = None
    last_reviewed: Date | None = None


class Metric(Struct, gc=False):
    name: Text
    value: float | None = None
    threshold: Text | None = None
    passed: bool | None = None


class Eval(Struct, gc=False):
    name: Text
    category: Text | None = None
    run_at: Annotated[str, Meta(max_length=40)] | None = None
    metrics: list[Metric] = []
    outcome: Text | None = None


class Approval(Struct, gc=False):
    role: Text
    name: Text


class Named(Struct, gc=False):
    name: Text


class Exception_(Struct, gc=False):
    requirement: Text
    ticket: Text
    expires: Date
    active: bool
    reason: Text | None = None
    granted: Date | None = None
    approvals: list[Approval] | dict[Text, Text | Named] | None = None


class Asset(Struct, gc=False):
    name: Annotated[str, Meta(max_length=128)]
    path: Text
    tier: Tier
    effective_tier: Tier
    stage: Stage
    models: list[Model]
    data_sources: list[Source]
    gate: Gate
    review: Review
    exceptions: list[Exception_]
    owner: Contact | None = None
    business_owner: Contact | None = None
    evals: list[Eval] = []
    requirements: dict[Text, Text] = {}
    agent_effect: Effect | None = None
    not_codeowner: Text | None = None
    risk: Any = None
    """Read as it is, as ``tools``: :func:`prodgate.register.documents.shown_facts`
    keeps what the page shows of them and passes over the rest."""
    tools: Any = None


class Tool(Struct, gc=False):
    name: Text
    version: Annotated[str, Meta(max_length=40)]


class Repository(Struct, gc=False):
    name: Annotated[str, Meta(max_length=512)] | None = None
    commit: Annotated[str, Meta(max_length=64)] | None = None


class Undeclared(Struct, gc=False):
    path: Text
    line: int
    kind: Text
    provider: Text | None = None
    model: Text | None = None


class Broken(Struct, gc=False):
    path: Text
    line: int
    rule_id: Annotated[str, Meta(max_length=16)]
    message: Text


class Policy(Struct, gc=False):
    name: Annotated[str, Meta(max_length=256)] | None = None
    version: Annotated[str, Meta(max_length=128)] | None = None
    sha256: Annotated[str, Meta(max_length=64)] | None = None
    source: Text | None = None


class Inventory(Struct, gc=False):
    inventory_version: int
    tool: Tool
    repository: Repository
    generated_at: Annotated[str, Meta(max_length=40)]
    gate: Literal["merge", "deploy"]
    assets: list[Asset]
    undeclared: list[Undeclared] | None = None
    policy: Policy | None = None
    broken_declarations: list[Broken] = []


decode = msgspec.json.Decoder(Inventory).decode
