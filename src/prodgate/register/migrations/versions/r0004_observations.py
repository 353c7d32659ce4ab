"""History that is never rewritten, judged again on any day, with the office's triage.

- ``snapshots`` become observations: the unique key is the repository and the sha256 of
  the document's bytes (the same file twice is one observation), not the repository and
  commit, so a rescan of an unchanged commit no longer replaces last week's snapshot.
  ``content`` is the sha256 of what the document says apart from when it was written: a
  rescan that says the same as the repository's observation before it only moves that
  observation's ``last_seen_at``. Snapshots stored before were each seen once, when
  written (``last_seen_at`` = ``generated_at``; ``content`` = ``digest``).
- ``assets.error``: a declaration that did not load is an asset row (``passed`` false,
  tier and stage ``unknown``) with the loader's message, never absent.
- ``exceptions``: the reason, the grant date and the approvers where the document gives
  them, so that an exception can be judged on another day and shown with its reasons.
- ``triage``: the office's decision on an undeclared location (accepted, declared,
  false-positive), kept across snapshots.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("snapshots") as batch:
        batch.add_column(sa.Column("last_seen_at", sa.String(40), nullable=True))
        batch.add_column(sa.Column("content", sa.String(64), nullable=True))
    op.execute("UPDATE snapshots SET last_seen_at = generated_at, content = digest")
    with op.batch_alter_table("snapshots") as batch:
        batch.alter_column("last_seen_at", existing_type=sa.String(40), nullable=False)
        batch.alter_column("content", existing_type=sa.String(64), nullable=False)
        batch.drop_constraint("uq_snapshots_repository_commit", type_="unique")
        batch.create_unique_constraint("uq_snapshots_repository_digest", ["repository", "digest"])
    op.create_index(
        "ix_snapshots_repository_generated", "snapshots", ["repository", "generated_at"]
    )
    with op.batch_alter_table("assets") as batch:
        batch.add_column(sa.Column("error", sa.Text, nullable=True))
    with op.batch_alter_table("exceptions") as batch:
        batch.add_column(sa.Column("reason", sa.Text, nullable=True))
        batch.add_column(sa.Column("granted", sa.String(10), nullable=True))
        batch.add_column(sa.Column("approvers", sa.Text, nullable=True))
    op.create_table(
        "triage",
        sa.Column("repository", sa.String(512), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("set_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("repository", "path", name="pk_triage"),
    )


def downgrade() -> None:
    op.drop_table("triage")
    with op.batch_alter_table("exceptions") as batch:
        for name in ("approvers", "granted", "reason"):
            batch.drop_column(name)
    with op.batch_alter_table("assets") as batch:
        batch.drop_column("error")
    op.drop_index("ix_snapshots_repository_generated", table_name="snapshots")
    with op.batch_alter_table("snapshots") as batch:
        batch.drop_constraint("uq_snapshots_repository_digest", type_="unique")
        batch.create_unique_constraint("uq_snapshots_repository_commit", ["repository", "commit"])
        batch.drop_column("content")
        batch.drop_column("last_seen_at")
