"""The facts a candidate policy is judged on without the repositories: each asset's
requirement states, eval metrics and categories, eval dates and last review
(``prodgate register impact``).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "facts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
        sa.Column("asset", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("eval", sa.Text, nullable=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("value", sa.Text, nullable=True),
    )
    op.create_index("ix_facts_snapshot", "facts", ["snapshot_id"])


def downgrade() -> None:
    op.drop_index("ix_facts_snapshot", table_name="facts")
    op.drop_table("facts")
