"""A register written by an older prodgate keeps every row when it is brought up to date.

SQLite alters a table by copying it and dropping the old one; with foreign keys on (as
the store sets them), dropping ``snapshots`` deleted every asset, exception, fact and
undeclared use of the register by cascade: a register at 0003 came out of migration
0004 with its repositories and no asset."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from prodgate.register import store

SNAPSHOT = (
    'INSERT INTO snapshots (id, repository, "commit", kind, digest, generated_at, gate, tool_version, source, '
    "ingested_at, assets, failed, undeclared) VALUES (1, 'acme/app', '{c}', 'inventory', '{d}', "
    "'2026-11-01T09:00:00+00:00', 'merge', '0.1.0', 'inv.json', '2026-11-01T09:00:01+00:00', 1, 0, 1)"
)
ROWS = (
    "INSERT INTO repositories (name, latest_snapshot_id, latest_generated_at) VALUES ('acme/app', 1, "
    "'2026-11-01T09:00:00+00:00')",
    "INSERT INTO assets (snapshot_id, name, path, tier, effective_tier, stage, owner, owner_email, business_owner, "
    "models, data_sources, personal_data, passed, errors, warnings, next_review, review_overdue, owner_team) VALUES "
    "(1, 'bot', 'svc/ai-asset.yaml', 'team', 'team', 'pilot', 'Ada', 'ada@example.com', NULL, 'openai/gpt-4o', '', "
    "0, 1, 0, 0, NULL, 0, NULL)",
    "INSERT INTO exceptions (snapshot_id, asset, requirement, ticket, expires, active) VALUES "
    "(1, 'bot', 'runbook', 'GOV-1', '2026-12-01', 1)",
    "INSERT INTO facts (snapshot_id, asset, kind, eval, name, value) VALUES (1, 'bot', 'requirement', NULL, 'runbook', 'waived')",
    "INSERT INTO undeclared (snapshot_id, path, line, kind, provider, model) VALUES (1, 'x.py', 3, 'sdk-import', 'openai', NULL)",
)


def test_a_sqlite_register_at_0003_keeps_its_rows_through_the_migrations(tmp_path: Path) -> None:
    db = str(tmp_path / "register.sqlite")
    engine = sa.create_engine(store.url_of(db))
    store._sqlite_pragmas(engine)  # foreign keys on, as every register the store opens
    cfg = Config()
    cfg.set_main_option("script_location", str(store._MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
        conn.exec_driver_sql(SNAPSHOT.format(c="a" * 40, d="d" * 64))
        for sql in ROWS:
            conn.exec_driver_sql(sql)
    engine.dispose()

    engine = store.open_store(db)
    with engine.connect() as conn:
        assert store.current_revision(conn) == store.HEAD
        counts = {
            t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("snapshots", "assets", "exceptions", "facts", "undeclared")
        }
        assert (
            conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        )  # on again for the ingest
    engine.dispose()
    assert counts == {"snapshots": 1, "assets": 1, "exceptions": 1, "facts": 1, "undeclared": 1}
