"""The register's tables (SQLAlchemy Core). The Alembic migrations create exactly these;
a test compares the two so they cannot drift."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    Join,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("repository", String(512), nullable=False),
    Column("commit", String(64), nullable=False),  # "" when the document names none
    Column("kind", String(16), nullable=False),  # inventory | report
    Column("digest", String(64), nullable=False),
    Column("generated_at", String(40), nullable=False),
    Column("gate", String(16), nullable=False),
    Column("tool_version", String(40), nullable=False),
    Column("source", Text, nullable=False),
    Column("ingested_at", String(40), nullable=False),
    Column("assets", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("undeclared", Integer, nullable=True),
    # Who judged (migration 0003): NULL for a snapshot whose document did not say.
    Column("policy_name", String(256), nullable=True),
    Column("policy_version", String(128), nullable=True),
    Column("policy_digest", String(64), nullable=True),
    Column("policy_source", Text, nullable=True),
    # An observation (migration 0004): the last time a document said the same as this one
    # (``generated_at`` is the first), and the sha256 of what it says apart from when.
    Column("last_seen_at", String(40), nullable=False),
    Column("content", String(64), nullable=False),
    UniqueConstraint("repository", "digest", name="uq_snapshots_repository_digest"),
)
Index("ix_snapshots_repository_generated", snapshots.c.repository, snapshots.c.generated_at)

repositories = Table(
    "repositories",
    metadata,
    Column("name", String(512), primary_key=True),
    # No foreign key: a snapshot replaced for the same commit is re-pointed, not cascaded.
    Column("latest_snapshot_id", Integer, nullable=False),
    Column("latest_generated_at", String(40), nullable=False),
)

assets = Table(
    "assets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(128), nullable=False),
    Column("path", Text, nullable=False),
    Column("tier", String(16), nullable=False),
    Column("effective_tier", String(16), nullable=False),
    Column("stage", String(16), nullable=False),
    Column("owner", Text, nullable=True),
    Column("owner_email", Text, nullable=True),
    Column("business_owner", Text, nullable=True),
    Column("models", Text, nullable=False),
    Column("data_sources", Text, nullable=False),
    Column("personal_data", Boolean, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("errors", Integer, nullable=False),
    Column("warnings", Integer, nullable=False),
    Column("next_review", String(10), nullable=True),
    Column("review_overdue", Boolean, nullable=False),
    Column("owner_team", Text, nullable=True),  # migration 0003
    # A declaration that did not load (migration 0004): the loader's message; its row has
    # tier and stage ``unknown`` and ``passed`` false. NULL for every declaration that loaded.
    Column("error", Text, nullable=True),
    Column("agent_effect", String(16), nullable=True),  # migration 0005
)
Index("ix_assets_snapshot", assets.c.snapshot_id)

exceptions = Table(
    "exceptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
    Column("asset", String(128), nullable=False),
    Column("requirement", Text, nullable=False),
    Column("ticket", Text, nullable=False),
    Column("expires", String(10), nullable=False),
    Column("active", Boolean, nullable=False),
    # Migration 0004, NULL where the document does not say: why, since when, who approved
    # ("role: name" joined by "; ").
    Column("reason", Text, nullable=True),
    Column("granted", String(10), nullable=True),
    Column("approvers", Text, nullable=True),
)
Index("ix_exceptions_snapshot", exceptions.c.snapshot_id)

undeclared = Table(
    "undeclared",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
    Column("path", Text, nullable=False),
    Column("line", Integer, nullable=False),
    Column("kind", Text, nullable=False),
    Column("provider", Text, nullable=True),
    Column("model", Text, nullable=True),
)
Index("ix_undeclared_snapshot", undeclared.c.snapshot_id)

facts = Table(
    "facts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
    Column("asset", String(128), nullable=False),
    # requirement (name: its id, value: its state), eval (value: its category), eval_run
    # (value: when it ran), metric (name: the metric, value: a number or None), reviewed
    # (value: the date); ``eval`` names the eval of the eval, eval_run and metric facts.
    # For the page's detail view: outcome (of an eval), threshold and met ("true" or
    # "false") of a metric, risk (name: the fact, value: its text), tool (name: an
    # agent's tool, value: its effect) and codeowner (value: why the owner is not a code
    # owner of the declaration, PG606). New kinds need no migration.
    Column("kind", String(16), nullable=False),
    Column("eval", Text, nullable=True),
    Column("name", Text, nullable=False),
    Column("value", Text, nullable=True),
)
Index("ix_facts_snapshot", facts.c.snapshot_id)

triage = Table(
    "triage",
    metadata,
    # The office's decision on one undeclared location, kept across snapshots (0004).
    Column("repository", String(512), nullable=False),
    Column("path", Text, nullable=False),
    Column("state", String(16), nullable=False),  # accepted | declared | false-positive
    Column("note", Text, nullable=False),
    Column("set_at", String(40), nullable=False),
    PrimaryKeyConstraint("repository", "path", name="pk_triage"),
)


def latest_rows(table: Table, *, with_snapshot: bool = False) -> Join:
    """``table`` (a table with a ``snapshot_id``) joined to ``repositories`` on each
    repository's latest snapshot, so that a query reads only the rows of the latest
    snapshots; ``with_snapshot``: joined to that snapshot's row too (its repository
    name, commit, time)."""
    latest = repositories.c.latest_snapshot_id
    joined = table.join(repositories, table.c.snapshot_id == latest)
    return joined.join(snapshots, snapshots.c.id == latest) if with_snapshot else joined
