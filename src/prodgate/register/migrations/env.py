"""Alembic environment: run by :func:`prodgate.register.store.upgrade` on the
connection it passes in ``config.attributes["connection"]``, inside its transaction."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
