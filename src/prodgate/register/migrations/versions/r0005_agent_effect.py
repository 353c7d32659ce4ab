"""What each asset's agent can do at most: the strongest effect of its declared tools
(``agent_effect``: read, write, execute, communicate or payment), so that the register
counts agents by it. Assets stored before, and those of gate reports, have none (NULL).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assets") as batch:
        batch.add_column(sa.Column("agent_effect", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assets") as batch:
        batch.drop_column("agent_effect")
