"""The first schema: snapshots of repositories at commits, their assets, exceptions
and undeclared AI, and each repository's latest snapshot.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("repository", sa.String(512), nullable=False),
        sa.Column("commit", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("generated_at", sa.String(40), nullable=False),
        sa.Column("gate", sa.String(16), nullable=False),
        sa.Column("tool_version", sa.String(40), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("ingested_at", sa.String(40), nullable=False),
        sa.Column("assets", sa.Integer, nullable=False),
        sa.Column("failed", sa.Integer, nullable=False),
        sa.Column("undeclared", sa.Integer, nullable=True),
        sa.UniqueConstraint("repository", "commit", name="uq_snapshots_repository_commit"),
    )
    op.create_table(
        "repositories",
        sa.Column("name", sa.String(512), primary_key=True),
        sa.Column("latest_snapshot_id", sa.Integer, nullable=False),
        sa.Column("latest_generated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "assets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("tier", sa.String(16), nullable=False),
        sa.Column("effective_tier", sa.String(16), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("owner", sa.Text, nullable=True),
        sa.Column("owner_email", sa.Text, nullable=True),
        sa.Column("business_owner", sa.Text, nullable=True),
        sa.Column("models", sa.Text, nullable=False),
        sa.Column("data_sources", sa.Text, nullable=False),
        sa.Column("personal_data", sa.Boolean, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        sa.Column("next_review", sa.String(10), nullable=True),
        sa.Column("review_overdue", sa.Boolean, nullable=False),
    )
    op.create_index("ix_assets_snapshot", "assets", ["snapshot_id"])
    op.create_table(
        "exceptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
        sa.Column("asset", sa.String(128), nullable=False),
        sa.Column("requirement", sa.Text, nullable=False),
        sa.Column("ticket", sa.Text, nullable=False),
        sa.Column("expires", sa.String(10), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_index("ix_exceptions_snapshot", "exceptions", ["snapshot_id"])
    op.create_table(
        "undeclared",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("provider", sa.Text, nullable=True),
        sa.Column("model", sa.Text, nullable=True),
    )
    op.create_index("ix_undeclared_snapshot", "undeclared", ["snapshot_id"])


def downgrade() -> None:
    for table in ("undeclared", "exceptions", "assets", "repositories", "snapshots"):
        op.drop_table(table)
