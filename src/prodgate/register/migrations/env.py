"""Alembic environment of the register's migrations.

Run two ways: by :func:`prodgate.register.store.upgrade`, on the connection it passes in
``config.attributes["connection"]``, inside its transaction (and lock); or by Alembic's
own command line on the shipped ``alembic.ini`` (docs/inventory-and-register.md), on the
register named by ``-x db=FILE|URL`` (or the ini's ``sqlalchemy.url``): a file name is a
SQLite register, as ``--db`` takes it. That run takes the same PostgreSQL advisory lock
as prodgate's own, so that it cannot migrate a register while a scan does.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from prodgate.register.store import LOCK_KEY, url_of

config = context.config
connection = config.attributes.get("connection")
if connection is not None:
    context.configure(connection=connection, target_metadata=None, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    db = context.get_x_argument(as_dictionary=True).get("db") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not db:
        raise SystemExit(
            "alembic: name the register: -x db=FILE|URL (or sqlalchemy.url in the ini)"
        )
    engine = sa.create_engine(url_of(db))
    try:
        with engine.connect() as conn:
            context.configure(connection=conn, target_metadata=None, render_as_batch=True)
            with context.begin_transaction():
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_KEY)))
                context.run_migrations()
    finally:
        engine.dispose()
