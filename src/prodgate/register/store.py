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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from prodgate.register.documents import (
    ASSET_FIELDS,
    EXCEPTION_FIELDS,
    FACT_FIELDS,
    PASSED,
    UNDECLARED_FIELDS,
    Document,
)
from prodgate.register.tables import assets, exceptions, facts, repositories, snapshots, undeclared

HEAD = "0004"
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
    url, parsed = _parse(db)
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


def _parse(db: str) -> tuple[str, sa.engine.URL]:
    url = url_of(db)
    try:
        return url, sa.engine.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise StoreError(f"--db {db}: not a database URL or file name ({exc})") from None


def open_readonly(db: str) -> Engine:
    """An engine on an existing register at :data:`HEAD`, for reading only: nothing is
    created, migrated or set (no pragmas, no ``BEGIN IMMEDIATE``), so that a question
    asked of the register (``register impact``) leaves its bytes as they were."""
    url, parsed = _parse(db)
    if parsed.get_backend_name() == "sqlite" and not (parsed.database and Path(parsed.database).is_file()):
        raise StoreError(f"--db {db}: no register there (`prodgate register add` creates one)")
    try:
        engine = sa.create_engine(url, **({"pool_pre_ping": True} if parsed.get_backend_name() != "sqlite" else {}))
        with engine.connect() as conn:
            rev = current_revision(conn)
            conn.rollback()
    except (ImportError, sa.exc.NoSuchModuleError, sa.exc.ArgumentError) as exc:
        raise StoreError(f"--db {_safe(parsed)}: {exc}") from None
    except OperationalError as exc:
        raise StoreError(f"--db {_safe(parsed)}: cannot open the database: {exc.orig}") from None
    if rev != HEAD:
        engine.dispose()
        raise StoreError(
            f"--db {_safe(parsed)}: the register's schema is {rev or 'empty'}, not {HEAD}: "
            "`prodgate register add` brings it up to date (and stores the facts impact needs)"
        )
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
    different document for the same repository and commit, newer), ``kept`` (an
    older or poorer one: the stored one stays) or ``refused`` (by the database, which
    ``problem`` quotes; nothing of the document was written)."""

    action: str
    document: Document
    problem: str = ""


def ingest(engine: Engine, doc: Document) -> Outcome:
    """Store ``doc`` in a transaction of its own, keyed by repository and commit.

    Two writers of the same key race on the unique constraint; the loser retries and
    then sees the winner's row, so each key is stored exactly once.
    """
    for attempt in range(5):
        try:
            with engine.begin() as conn:
                return _ingest_batch(conn, [doc])[0]
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def ingest_many(engine: Engine, docs: Sequence[Document]) -> list[Outcome]:
    """Store checked documents of distinct (repository, commit) keys, in one transaction.

    A transaction costs more than the rows of one document (on SQLite the commit is
    most of an ingest), so a batch shares one. Only checked documents reach it: a
    refused file is never part of a batch, so it leaves nothing of itself. Should the
    database still refuse the batch (a deadlock between concurrent writers, a row it
    will not take), the batch is rolled back whole and each document is stored again
    in a transaction of its own, so one document's failure costs no other its place.
    """
    if not docs:
        return []
    if len({(d.repository, d.commit) for d in docs}) != len(docs):
        raise ValueError("a batch holds each repository and commit once")
    try:
        with engine.begin() as conn:
            return _ingest_batch(conn, docs)
    except DBAPIError:
        pass
    out = []
    for doc in docs:
        try:
            out.append(ingest(engine, doc))
        except DBAPIError as exc:
            out.append(Outcome("refused", doc, f"the database refused it: {exc.orig}"))
    return out


def refresh_statistics(engine: Engine) -> None:
    """After a bulk load, have PostgreSQL measure the tables again (``ANALYZE``).

    Until autovacuum gets to them (a minute or more later) the planner sizes the tables
    as they were: after 10,000 inventories went into an empty register it joined the
    assets to the latest snapshots with a nested loop of 100 million comparisons, and
    the report took 6 s instead of 0.3 s. SQLite plans these queries from its indexes
    and needs nothing.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE snapshots, repositories, assets, exceptions, undeclared, facts")


def _better(doc: Document, kind: str, generated_at: str) -> bool:
    """Whether ``doc`` should replace a stored document of the same commit: an
    inventory knows more than a gate report; otherwise the newer one wins."""
    if doc.kind != kind:
        return doc.kind == "inventory"
    return doc.generated_at > generated_at


SNAPSHOT_FIELDS = (
    "repository", "commit", "kind", "digest", "generated_at", "gate", "tool_version", "source", "ingested_at",
    "assets", "failed", "undeclared", "policy_name", "policy_version", "policy_digest", "policy_source",
)
"""A new snapshot row's values, in this order (its id is the database's)."""


@dataclass(frozen=True)
class _Statements:
    """The ingest's statements, built once per dialect: building a statement costs more
    than running it, and these run tens of thousands of times in a large ingest.

    The rows go to the driver as they are (``exec_driver_sql``), tuples in the columns'
    order: SQLAlchemy's per-row parameter processing cost as much as the database's
    work for the 50,000 assets of a large ingest. The values are plain strings,
    integers, booleans and None, which sqlite3 and psycopg take as they are."""

    mark: str  # the driver's placeholder
    quote: Any  # the dialect's identifier quoting
    stored: Any
    insert_snapshot: Any
    insert_assets: str
    insert_exceptions: str
    insert_undeclared: str
    insert_facts: str
    point_latest: str
    claims: dict[int, str] = field(default_factory=dict)

    def claim(self, n: int) -> str:
        """One statement claiming ``n`` snapshot keys: an ``INSERT`` of ``n`` rows that
        skips a key already stored and returns the id of each row it wrote."""
        sql = self.claims.get(n)
        if sql is None:
            one = f"({', '.join([self.mark] * len(SNAPSHOT_FIELDS))})"
            sql = self.claims[n] = (
                f"{_insert_head(self.quote, 'snapshots', SNAPSHOT_FIELDS)} VALUES {', '.join([one] * n)} "
                f"ON CONFLICT ({self.quote('repository')}, {self.quote('commit')}) DO NOTHING "
                f"RETURNING id, {self.quote('repository')}, {self.quote('commit')}"
            )
        return sql


MAX_PARAMETERS = 32766
"""Bound values one statement may carry: SQLite's limit since 3.32 (PostgreSQL's is
65,535). A batch's claim is split to stay within it."""


def _insert_head(quote: Any, table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)})"


def _insert_one(mark: str, quote: Any, table: sa.Table, fields: Sequence[str]) -> str:
    """``INSERT`` of one row of ``table``: ``snapshot_id``, then ``fields``, which must
    be the table's other columns in its order (a test of the rows' shape, once)."""
    names = [c.name for c in table.columns if c.name != "id"]
    if names != ["snapshot_id", *fields]:  # pragma: no cover - fixed lists
        raise AssertionError(f"{table.name}: rows of {fields} do not match the columns {names}")
    return f"{_insert_head(quote, table.name, names)} VALUES ({', '.join([mark] * len(names))})"


def _point_latest_sql(mark: str, quote: Any) -> str:
    """Move a repository's latest pointer to a snapshot unless a newer one is stored:
    ``INSERT … ON CONFLICT DO UPDATE … WHERE``, spelled alike by SQLite and PostgreSQL."""
    name, sid, at = (quote(c) for c in ("name", "latest_snapshot_id", "latest_generated_at"))
    if [c.name for c in repositories.columns] != ["name", "latest_snapshot_id", "latest_generated_at"]:  # pragma: no cover
        raise AssertionError("repositories: the pointer's columns changed")
    table = quote("repositories")
    return (
        f"{_insert_head(quote, 'repositories', ('name', 'latest_snapshot_id', 'latest_generated_at'))} "
        f"VALUES ({mark}, {mark}, {mark}) ON CONFLICT ({name}) DO UPDATE SET {sid} = excluded.{sid}, {at} = excluded.{at} "
        f"WHERE {table}.{at} <= excluded.{at}"
    )


_STATEMENTS: dict[str, _Statements] = {}


def _statements(conn: Connection) -> _Statements:
    name = conn.dialect.name
    if name not in _STATEMENTS:
        style = conn.dialect.paramstyle
        if style not in ("qmark", "format", "pyformat"):  # pragma: no cover - sqlite3 and psycopg
            raise StoreError(f"{name}: the register needs a driver taking ? or %s parameters, not {style}")
        mark = "?" if style == "qmark" else "%s"
        quote = conn.dialect.identifier_preparer.quote
        if {c.name for c in snapshots.columns} != {"id", *SNAPSHOT_FIELDS}:  # pragma: no cover - fixed lists
            raise AssertionError(f"snapshots: rows of {SNAPSHOT_FIELDS} do not match the table's columns")
        key = (snapshots.c.repository == sa.bindparam("r")) & (snapshots.c.commit == sa.bindparam("c"))
        stored = sa.select(snapshots.c.id, snapshots.c.digest, snapshots.c.kind, snapshots.c.generated_at).where(key)
        if name == "postgresql":
            stored = stored.with_for_update()
        _STATEMENTS[name] = _Statements(
            mark=mark,
            quote=quote,
            stored=stored,
            insert_snapshot=snapshots.insert().returning(snapshots.c.id),
            insert_assets=_insert_one(mark, quote, assets, ASSET_FIELDS),
            insert_exceptions=_insert_one(mark, quote, exceptions, EXCEPTION_FIELDS),
            insert_undeclared=_insert_one(mark, quote, undeclared, UNDECLARED_FIELDS),
            insert_facts=_insert_one(mark, quote, facts, FACT_FIELDS),
            point_latest=_point_latest_sql(mark, quote),
        )
    return _STATEMENTS[name]


def _snapshot_row(doc: Document, now: str) -> tuple[Any, ...]:
    """The snapshot of ``doc``, in the order of :data:`SNAPSHOT_FIELDS`."""
    return (
        doc.repository, doc.commit, doc.kind, doc.digest, doc.generated_at, doc.gate, doc.tool_version, doc.source,
        now, len(doc.assets), sum(1 for a in doc.assets if not a[PASSED]),
        None if doc.undeclared is None else len(doc.undeclared),
        doc.policy_name, doc.policy_version, doc.policy_digest, doc.policy_source,
    )


def _ingest_batch(conn: Connection, docs: Sequence[Document]) -> list[Outcome]:
    """Every document's rows with one statement per table, in four phases whose locks
    are taken in one order by every writer, so that concurrent batches on PostgreSQL
    wait for each other instead of deadlocking: claim the snapshot keys (sorted), read
    and lock the stored snapshots of the keys already taken (sorted), insert the rows,
    then move each repository's latest pointer (sorted by repository).

    The common case, a commit not stored yet, needs no read at all: the claim is an
    ``INSERT ... ON CONFLICT DO NOTHING`` and only a key it could not take is compared.
    """
    st = _statements(conn)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    order = sorted(range(len(docs)), key=lambda i: (docs[i].repository, docs[i].commit))
    rows = {i: _snapshot_row(docs[i], now) for i in order}
    claimed: dict[tuple[str, str], int] = {}
    per = MAX_PARAMETERS // len(SNAPSHOT_FIELDS)
    for start in range(0, len(order), per):
        keys = order[start : start + per]
        values = tuple(v for i in keys for v in rows[i])
        claimed.update(((r[1], r[2]), r[0]) for r in conn.exec_driver_sql(st.claim(len(keys)), values))
    actions: dict[int, str] = {}
    written: dict[int, int] = {}  # document index -> its new snapshot id
    replaced: dict[int, int] = {}  # document index -> the snapshot id it replaced
    for i in order:
        doc = docs[i]
        sid = claimed.get((doc.repository, doc.commit))
        if sid is not None:
            actions[i], written[i] = "added", sid
            continue
        old = conn.execute(st.stored, {"r": doc.repository, "c": doc.commit}).one()
        if old.digest == doc.digest:
            actions[i] = "unchanged"
        elif not _better(doc, old.kind, old.generated_at):
            actions[i] = "kept"
        else:
            conn.execute(snapshots.delete().where(snapshots.c.id == old.id))
            actions[i], replaced[i] = "replaced", old.id
            written[i] = conn.execute(st.insert_snapshot, dict(zip(SNAPSHOT_FIELDS, rows[i], strict=True))).scalar_one()
    for sql, kind in (
        (st.insert_assets, "assets"), (st.insert_exceptions, "exceptions"), (st.insert_undeclared, "undeclared"),
        (st.insert_facts, "facts"),
    ):
        children = [(sid, *row) for i, sid in written.items() for row in (getattr(docs[i], kind) or ())]
        if children:
            conn.exec_driver_sql(sql, children)
    _point_latest(conn, [(docs[i], written[i], replaced.get(i)) for i in order if i in written])
    return [Outcome(actions[i], docs[i]) for i in range(len(docs))]


def _point_latest(conn: Connection, written: list[tuple[Document, int, int | None]]) -> None:
    """Make each written snapshot its repository's latest unless a newer one is stored.

    The conditional upsert is atomic on PostgreSQL (the row lock makes a concurrent
    writer re-check the condition against the committed row) and on SQLite (one writer).
    Of a batch's snapshots of one repository only the newest is offered (the latest
    offered on a tie, as one after the other would leave it): PostgreSQL refuses to
    touch one row twice in one statement.
    """
    best: dict[str, tuple[Document, int]] = {}
    for doc, sid, old in sorted(written, key=lambda w: w[0].repository):
        if old is not None:
            # The pointer may name the snapshot just deleted: point at the newest left.
            newest = conn.execute(
                sa.select(snapshots.c.id, snapshots.c.generated_at)
                .where(snapshots.c.repository == doc.repository)
                .order_by(snapshots.c.generated_at.desc(), snapshots.c.id.desc())
                .limit(1)
            ).one()
            conn.execute(
                repositories.update()
                .where((repositories.c.name == doc.repository) & (repositories.c.latest_snapshot_id == old))
                .values(latest_snapshot_id=newest.id, latest_generated_at=newest.generated_at)
            )
        held = best.get(doc.repository)
        if held is None or doc.generated_at >= held[0].generated_at:
            best[doc.repository] = (doc, sid)
    if best:
        conn.exec_driver_sql(
            _statements(conn).point_latest, [(name, sid, doc.generated_at) for name, (doc, sid) in sorted(best.items())]
        )
