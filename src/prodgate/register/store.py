"""The register's database: open (and migrate), ingest one document per transaction.

SQLite by default (a file, zero set-up), PostgreSQL by URL for an organisation whose
CI jobs write from many machines at once. Both must take concurrent writers: SQLite
transactions start with ``BEGIN IMMEDIATE`` (a writer waits for the lock instead of
failing when it upgrades a read lock), PostgreSQL serialises writers of the same
repository and commit on the unique key, and migrations run under a lock so that the
first jobs to reach a new database do not all create its tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from prodgate.register.documents import Document
from prodgate.register.tables import assets, exceptions, repositories, snapshots, undeclared

HEAD = "0001"
"""The newest migration; a database at it needs no Alembic at all."""
_MIGRATIONS = Path(__file__).parent / "migrations"
_LOCK_KEY = 0x70726F64  # "prod": the advisory lock migrations take on PostgreSQL


class StoreError(Exception):
    """The database cannot be used (unreachable, newer schema, bad URL)."""


def url_of(db: str) -> str:
    """``register.sqlite`` -> ``sqlite:///register.sqlite``; URLs pass through."""
    return db if "://" in db else f"sqlite:///{db}"


def open_store(db: str) -> Engine:
    """An engine on ``db`` whose schema is at :data:`HEAD` (migrating it if older)."""
    url = url_of(db)
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise StoreError(f"--db {db}: not a database URL or file name ({exc})") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 60})
        _sqlite_pragmas(engine)
    else:
        try:
            engine = sa.create_engine(url, pool_pre_ping=True)
        except (ImportError, sa.exc.NoSuchModuleError, sa.exc.ArgumentError) as exc:
            raise StoreError(f"--db {_safe(parsed)}: {exc}") from None
    try:
        upgrade(engine)
    except OperationalError as exc:
        raise StoreError(f"--db {_safe(parsed)}: cannot open the database: {exc.orig}") from None
    return engine


def _safe(url: sa.engine.URL) -> str:
    """The URL without its password: error messages end up in CI logs."""
    return url.render_as_string(hide_password=True)


def _sqlite_pragmas(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def current_revision(conn: Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(sa.text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])


def upgrade(engine: Engine) -> None:
    """Bring the schema to :data:`HEAD` with the shipped Alembic migrations.

    A register written by a newer prodgate is refused rather than half-understood.
    """
    with engine.connect() as conn:
        rev = current_revision(conn)
    if rev == HEAD:
        return
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    known = {s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()}
    if rev is not None and rev not in known:
        raise StoreError(f"the register's schema ({rev}) is newer than this prodgate knows; upgrade prodgate")
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_KEY)))
        if current_revision(conn) == HEAD:  # another process migrated while we waited
            return
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@dataclass(frozen=True)
class Outcome:
    """What ingesting one document did: ``added``, ``unchanged``, ``replaced`` (a
    different document for the same repository and commit, newer) or ``kept`` (an
    older or poorer one: the stored one stays)."""

    action: str
    document: Document


def ingest(engine: Engine, doc: Document) -> Outcome:
    """Store ``doc`` in one transaction, keyed by repository and commit.

    Two writers of the same key race on the unique constraint; the loser retries and
    then sees the winner's row, so each key is stored exactly once.
    """
    for attempt in range(5):
        try:
            with engine.begin() as conn:
                return _ingest(conn, doc)
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _better(doc: Document, kind: str, generated_at: str) -> bool:
    """Whether ``doc`` should replace a stored document of the same commit: an
    inventory knows more than a gate report; otherwise the newer one wins."""
    if doc.kind != kind:
        return doc.kind == "inventory"
    return doc.generated_at > generated_at


@dataclass(frozen=True)
class _Statements:
    """The ingest's statements, built once per dialect: building a statement costs more
    than running it, and these run tens of thousands of times in a large ingest."""

    claim: Any
    insert_snapshot: Any
    insert_assets: Any
    insert_exceptions: Any
    insert_undeclared: Any
    point_latest: Any


_STATEMENTS: dict[str, _Statements] = {}


def _statements(conn: Connection) -> _Statements:
    name = conn.dialect.name
    if name not in _STATEMENTS:
        if name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
        claim = (
            insert(snapshots)
            .on_conflict_do_nothing(index_elements=[snapshots.c.repository, snapshots.c.commit])
            .returning(snapshots.c.id)
        )
        upsert = insert(repositories)
        upsert = upsert.on_conflict_do_update(
            index_elements=[repositories.c.name],
            set_={
                "latest_snapshot_id": upsert.excluded.latest_snapshot_id,
                "latest_generated_at": upsert.excluded.latest_generated_at,
            },
            where=repositories.c.latest_generated_at <= upsert.excluded.latest_generated_at,
        )
        _STATEMENTS[name] = _Statements(
            claim=claim,
            insert_snapshot=snapshots.insert().returning(snapshots.c.id),
            insert_assets=assets.insert(),
            insert_exceptions=exceptions.insert(),
            insert_undeclared=undeclared.insert(),
            point_latest=upsert,
        )
    return _STATEMENTS[name]


def _ingest(conn: Connection, doc: Document) -> Outcome:
    """The common case, a commit not stored yet, is one INSERT that claims the key;
    only when the key is taken is the stored snapshot read and compared."""
    st = _statements(conn)
    row = {
        "repository": doc.repository,
        "commit": doc.commit,
        "kind": doc.kind,
        "digest": doc.digest,
        "generated_at": doc.generated_at,
        "gate": doc.gate,
        "tool_version": doc.tool_version,
        "source": doc.source,
        "ingested_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "assets": len(doc.assets),
        "failed": sum(1 for a in doc.assets if not a["passed"]),
        "undeclared": None if doc.undeclared is None else len(doc.undeclared),
    }
    snapshot_id = conn.execute(st.claim, row).scalar()
    action, replaced = "added", None
    if snapshot_id is None:
        key = (snapshots.c.repository == doc.repository) & (snapshots.c.commit == doc.commit)
        query = sa.select(snapshots.c.id, snapshots.c.digest, snapshots.c.kind, snapshots.c.generated_at).where(key)
        if conn.dialect.name == "postgresql":
            query = query.with_for_update()
        old = conn.execute(query).one()
        if old.digest == doc.digest:
            return Outcome("unchanged", doc)
        if not _better(doc, old.kind, old.generated_at):
            return Outcome("kept", doc)
        conn.execute(snapshots.delete().where(snapshots.c.id == old.id))
        snapshot_id = conn.execute(st.insert_snapshot, row).scalar_one()
        action, replaced = "replaced", old.id
    if doc.assets:
        conn.execute(st.insert_assets, [{**a, "snapshot_id": snapshot_id} for a in doc.assets])
    if doc.exceptions:
        conn.execute(st.insert_exceptions, [{**e, "snapshot_id": snapshot_id} for e in doc.exceptions])
    if doc.undeclared:
        conn.execute(st.insert_undeclared, [{**u, "snapshot_id": snapshot_id} for u in doc.undeclared])
    _point_latest(conn, doc, snapshot_id, replaced)
    return Outcome(action, doc)


def _point_latest(conn: Connection, doc: Document, snapshot_id: int, replaced: int | None) -> None:
    """Make ``snapshot_id`` the repository's latest unless a newer one is stored.

    The conditional upsert is atomic on PostgreSQL (the row lock makes a concurrent
    writer re-check the condition against the committed row) and on SQLite (one writer).
    """
    if replaced is not None:
        # The pointer may name the snapshot just deleted: point at the newest left.
        newest = conn.execute(
            sa.select(snapshots.c.id, snapshots.c.generated_at)
            .where(snapshots.c.repository == doc.repository)
            .order_by(snapshots.c.generated_at.desc(), snapshots.c.id.desc())
            .limit(1)
        ).one()
        conn.execute(
            repositories.update()
            .where((repositories.c.name == doc.repository) & (repositories.c.latest_snapshot_id == replaced))
            .values(latest_snapshot_id=newest.id, latest_generated_at=newest.generated_at)
        )
    conn.execute(
        _statements(conn).point_latest,
        {"name": doc.repository, "latest_snapshot_id": snapshot_id, "latest_generated_at": doc.generated_at},
    )
