"""Who judged and whose: each snapshot's policy (name, version, digest, source) and
each asset's ``owner.team``, so the register can show compliance by policy version
and by team. Snapshots stored before have none (NULL): they said nothing of either.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("snapshots") as batch:
        batch.add_column(sa.Column("policy_name", sa.String(256), nullable=True))
        batch.add_column(sa.Column("policy_version", sa.String(128), nullable=True))
        batch.add_column(sa.Column("policy_digest", sa.String(64), nullable=True))
        batch.add_column(sa.Column("policy_source", sa.Text, nullable=True))
    with op.batch_alter_table("assets") as batch:
        batch.add_column(sa.Column("owner_team", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assets") as batch:
        batch.drop_column("owner_team")
    with op.batch_alter_table("snapshots") as batch:
        for name in ("policy_source", "policy_digest", "policy_version", "policy_name"):
            batch.drop_column(name)
