"""A worker for the many-openers test: child processes import this module, not a test
module (which would pull pytest, psycopg and the PostgreSQL fixtures into each)."""

from __future__ import annotations

from prodgate.register.store import StoreError, open_store


def open_once(db: str) -> str:
    """Open (creating and migrating) the register at ``db`` and write to it; the error,
    or "" when it worked."""
    try:
        engine = open_store(db)
        with engine.begin() as conn:
            conn.exec_driver_sql("SELECT 1")
        engine.dispose()
    except StoreError as exc:
        return str(exc)
    return ""
