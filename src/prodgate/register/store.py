"""The register's database: open (and migrate), ingest one document per transaction.

SQLite by default (a file, zero set-up), PostgreSQL by URL for an organisation whose
CI jobs write from many machines at once. Both must take concurrent writers: SQLite
transactions start with ``BEGIN IMMEDIATE`` (a writer waits for the lock instead of
failing when it upgrades a read lock), PostgreSQL serialises writers of the same
repository on its row of ``repositories`` (claimed, or locked, in name order by every
batch), and migrations run under a lock so that the first jobs to reach a new database
do not all create its tables.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, DBAPIError, IntegrityError, OperationalError

from prodgate.register.documents import (
    ASSET_FIELDS,
    EXCEPTION_FIELDS,
    FACT_FIELDS,
    PASSED,
    UNDECLARED_FIELDS,
    Document,
)
from prodgate.register.tables import assets, exceptions, facts, repositories, snapshots, undeclared

HEAD = "0005"
"""The newest migration; a database at it needs no Alembic at all."""
_MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_TIMEOUT = 60.0
"""Seconds a SQLite writer waits for another's lock before giving up."""
LOCK_KEY = 0x70726F64  # "prod": the advisory lock migrations take on PostgreSQL


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
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_TIMEOUT})
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
    except DatabaseError as exc:  # SQLite's "file is not a database"
        engine.dispose()
        raise StoreError(f"--db {_safe(parsed)}: not a register database: {exc.orig}") from None
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
    except DatabaseError as exc:  # SQLite's "file is not a database"
        raise StoreError(f"--db {_safe(parsed)}: not a register database: {exc.orig}") from None
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
        _wal(cur)
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _wal(cur: Any, patience: float = SQLITE_TIMEOUT) -> None:
    """Put the database in WAL mode, waiting out other processes that hold it.

    The busy timeout does not cover this pragma: while another process creates the
    file or converts it to WAL, SQLite answers "database is locked" at once (eight
    jobs opening a new register together hit it in about one round in ten). WAL is
    a property of the file, so the answer is usually "wal" already and no lock is
    needed; otherwise the pragma is retried, with growing pauses, for as long as a
    writer would wait for its lock.
    """
    deadline = time.monotonic() + patience
    pause = 0.005
    while True:
        try:
            if cur.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.25)


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
    with engine.connect() as conn:
        # SQLite alters a table by copying it and dropping the old one, and the drop
        # deletes its rows first: with foreign keys on, every row that references them
        # (a snapshot's assets, exceptions, facts, undeclared uses) went with it. Off
        # for the migration: the pragma takes effect only outside a transaction, so on
        # the driver's own connection (autocommit) before SQLAlchemy begins one.
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_KEY)))
                if current_revision(conn) == HEAD:  # another process migrated while we waited
                    return
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


@dataclass(frozen=True)
class Outcome:
    """What ingesting one document did: ``added`` (a new observation), ``seen`` (it
    says what the repository's observation before it says: that observation's
    ``last_seen_at`` moved), ``unchanged`` (these very bytes are stored already),
    ``kept`` (a gate report of a commit whose inventory is its observation before:
    the inventory knows more, and stays) or ``refused`` (by the database, which
    ``problem`` quotes; nothing of the document was written)."""

    action: str
    document: Document
    problem: str = ""


def ingest(engine: Engine, doc: Document) -> Outcome:
    """Store ``doc`` in a transaction of its own.

    Writers of one repository are serialised on its row of ``repositories`` (a new
    repository's row is claimed with ``INSERT … ON CONFLICT``: the second writer waits
    for the first); should the database still refuse (a unique key taken meanwhile),
    the document is stored again, and then sees the winner's row.
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
    """Store checked documents in one transaction.

    A transaction costs more than the rows of one document (on SQLite the commit is
    most of an ingest), so a batch shares one. Only checked documents reach it: a
    refused file is never part of a batch, so it leaves nothing of itself. Should the
    database still refuse the batch (a deadlock between concurrent writers, a row it
    will not take), the batch is rolled back whole and each document is stored again
    in a transaction of its own, so one document's failure costs no other its place.
    """
    if not docs:
        return []
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


def latest_commits(engine: Engine, names: Sequence[str]) -> dict[str, str]:
    """Repository -> the commit of its latest snapshot, for the repositories named."""
    out: dict[str, str] = {}
    with engine.connect() as conn:
        for start in range(0, len(names), 500):
            chunk = list(names[start : start + 500])
            rows = conn.execute(
                sa.select(repositories.c.name, snapshots.c.commit)
                .select_from(repositories.join(snapshots, snapshots.c.id == repositories.c.latest_snapshot_id))
                .where(repositories.c.name.in_(chunk))
            ).all()
            out.update((name, commit) for name, commit in rows)
        conn.rollback()
    return out


def seen_again(engine: Engine, heads: Sequence[tuple[str, str]]) -> int:
    """A scan skipped these (repository, commit) pairs, their HEAD being their latest
    snapshot's commit: that snapshot was seen now (its ``last_seen_at`` moves), so a
    repository scanned without change is not listed as stale. How many moved."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    moved = 0
    with engine.begin() as conn:
        for name, commit in sorted(heads):
            latest = sa.select(repositories.c.latest_snapshot_id).where(repositories.c.name == name).scalar_subquery()
            moved += conn.execute(
                snapshots.update()
                .where(snapshots.c.id == latest, snapshots.c.commit == commit, snapshots.c.last_seen_at < now)
                .values(last_seen_at=now)
            ).rowcount
    return moved


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


SNAPSHOT_FIELDS = (
    "repository", "commit", "kind", "digest", "generated_at", "gate", "tool_version", "source", "ingested_at",
    "assets", "failed", "undeclared", "policy_name", "policy_version", "policy_digest", "policy_source",
    "last_seen_at", "content",
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
    same_bytes: Any
    before: Any
    insert_snapshot: Any
    insert_assets: str
    insert_exceptions: str
    insert_undeclared: str
    insert_facts: str
    point_latest: str
    claims: dict[int, str] = field(default_factory=dict)
    repository_claims: dict[int, str] = field(default_factory=dict)

    def claim_repositories(self, n: int) -> str:
        """One statement claiming ``n`` repositories' rows, in the order given: a new
        one is inserted with the pointer 0 (set before the transaction ends), an
        existing one is locked by a no-op update (PostgreSQL; SQLite has one writer).
        Each row is returned with its pointer: 0 says the repository is new."""
        sql = self.repository_claims.get(n)
        if sql is None:
            q = self.quote
            sid = q("latest_snapshot_id")
            sql = self.repository_claims[n] = (
                f"{_insert_head(q, 'repositories', ('name', 'latest_snapshot_id', 'latest_generated_at'))} "
                f"VALUES {', '.join([f'({self.mark}, 0, {self.mark})'] * n)} "
                f"ON CONFLICT ({q('name')}) DO UPDATE SET {sid} = {q('repositories')}.{sid} "
                f"RETURNING {q('name')}, {sid}"
            )
        return sql

    def claim(self, n: int) -> str:
        """One statement claiming ``n`` snapshot keys: an ``INSERT`` of ``n`` rows that
        skips a key already stored and returns the id of each row it wrote."""
        sql = self.claims.get(n)
        if sql is None:
            one = f"({', '.join([self.mark] * len(SNAPSHOT_FIELDS))})"
            sql = self.claims[n] = (
                f"{_insert_head(self.quote, 'snapshots', SNAPSHOT_FIELDS)} VALUES {', '.join([one] * n)} "
                f"ON CONFLICT ({self.quote('repository')}, {self.quote('digest')}) DO NOTHING "
                f"RETURNING id, {self.quote('repository')}, {self.quote('digest')}"
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
        repo = snapshots.c.repository == sa.bindparam("r")
        same_bytes = sa.select(snapshots.c.id).where(repo, snapshots.c.digest == sa.bindparam("d"))
        before = (
            sa.select(snapshots.c.id, snapshots.c.content, snapshots.c.commit, snapshots.c.kind, snapshots.c.last_seen_at)
            .where(repo, snapshots.c.generated_at <= sa.bindparam("g"))
            .order_by(snapshots.c.generated_at.desc(), snapshots.c.id.desc())
            .limit(1)
        )
        _STATEMENTS[name] = _Statements(
            mark=mark,
            quote=quote,
            same_bytes=same_bytes,
            before=before,
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
        doc.policy_name, doc.policy_version, doc.policy_digest, doc.policy_source, doc.generated_at, doc.content,
    )


@dataclass
class _Latest:
    """A repository's newest observation during a batch: stored (``sid``) or about to
    be (``index``, the document's place in the batch)."""

    generated_at: str
    content: str
    commit: str
    kind: str
    last_seen_at: str
    sid: int | None = None
    index: int | None = None


def _ingest_batch(conn: Connection, docs: Sequence[Document]) -> list[Outcome]:
    """Every document's rows with one statement per table where it can, in phases whose
    locks every writer takes in one order, so that concurrent batches on PostgreSQL wait
    for each other instead of deadlocking: claim (and lock) the repositories' rows in
    name order, store the snapshots, insert their rows, move each latest pointer.

    A document is compared with the repository's observation before it (by
    ``generated_at``): the same bytes are ``unchanged``, the same content is ``seen``
    again (that observation's ``last_seen_at`` moves), anything else is a new
    observation. The common cases — a new repository, a document newer than the
    repository's latest — are decided from two reads per batch (the latest observations
    and the digests already stored) and inserted in one statement; a document older than
    the latest (an upload out of order) is compared in the database, one by one. Nothing
    is ever deleted: the history is never rewritten.
    """
    st = _statements(conn)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    order = sorted(range(len(docs)), key=lambda i: (docs[i].repository, docs[i].generated_at, docs[i].commit, i))
    names = sorted({d.repository for d in docs})
    new: set[str] = set()
    for chunk in _chunked(names, MAX_PARAMETERS // 2):
        claimed = conn.exec_driver_sql(st.claim_repositories(len(chunk)), tuple(v for n in chunk for v in (n, "")))
        new.update(name for name, latest in claimed if latest == 0)
    known = [n for n in names if n not in new]
    latest: dict[str, _Latest] = {}
    stored: set[tuple[str, str]] = set()
    for chunk in _chunked(known, 500):
        for r in conn.execute(
            sa.select(repositories.c.name, snapshots.c.id, snapshots.c.generated_at, snapshots.c.content, snapshots.c.commit,
                      snapshots.c.kind, snapshots.c.last_seen_at)
            .select_from(repositories.join(snapshots, snapshots.c.id == repositories.c.latest_snapshot_id))
            .where(repositories.c.name.in_(chunk))
        ):
            latest[r.name] = _Latest(r.generated_at, r.content, r.commit, r.kind, r.last_seen_at, sid=r.id)
    asked = sorted({d.digest for d in docs if d.repository not in new})
    for chunk in _chunked(asked, 500):
        stored.update(
            (r.repository, r.digest)
            for r in conn.execute(sa.select(snapshots.c.repository, snapshots.c.digest).where(snapshots.c.digest.in_(chunk)))
        )
    actions: dict[int, str] = {}
    fresh: list[int] = []  # new observations newer than the latest: one statement
    late: list[int] = []  # older than the latest: compared in the database
    seen_until: dict[int, str] = {}  # document index -> last_seen_at of its new row
    refresh: dict[int, str] = {}  # stored snapshot id -> its new last_seen_at
    for i in order:
        doc = docs[i]
        if (doc.repository, doc.digest) in stored:
            actions[i] = "unchanged"
            continue
        cur = latest.get(doc.repository)
        if cur is not None and doc.generated_at < cur.generated_at:
            late.append(i)
        elif cur is not None and cur.content == doc.content:
            actions[i] = "seen"
            if doc.generated_at > cur.last_seen_at:
                cur.last_seen_at = doc.generated_at
                if cur.index is not None:
                    seen_until[cur.index] = doc.generated_at
                elif cur.sid is not None:
                    refresh[cur.sid] = doc.generated_at
        elif cur is not None and cur.commit == doc.commit and (cur.kind, doc.kind) == ("inventory", "report"):
            actions[i] = "kept"
        else:
            actions[i] = "added"
            fresh.append(i)
            stored.add((doc.repository, doc.digest))
            latest[doc.repository] = _Latest(doc.generated_at, doc.content, doc.commit, doc.kind, doc.generated_at, index=i)
    at = SNAPSHOT_FIELDS.index("last_seen_at")
    rows = {i: _snapshot_row(docs[i], now) for i in (*fresh, *late)}
    for i, until in seen_until.items():
        rows[i] = (*rows[i][:at], until, *rows[i][at + 1 :])
    written: dict[int, int] = {}  # document index -> its new snapshot id
    for keys in _chunked(fresh, MAX_PARAMETERS // len(SNAPSHOT_FIELDS)):
        values = tuple(v for i in keys for v in rows[i])
        ids = {(r[1], r[2]): r[0] for r in conn.exec_driver_sql(st.claim(len(keys)), values)}
        for i in keys:
            written[i] = ids[(docs[i].repository, docs[i].digest)]
    if refresh:
        conn.execute(
            snapshots.update().where(snapshots.c.id == sa.bindparam("sid")).values(last_seen_at=sa.bindparam("until")),
            [{"sid": sid, "until": until} for sid, until in sorted(refresh.items())],
        )
    for i in late:
        _compare_late(conn, st, docs[i], rows[i], i, actions, written)
    for sql, kind in (
        (st.insert_assets, "assets"), (st.insert_exceptions, "exceptions"), (st.insert_undeclared, "undeclared"),
        (st.insert_facts, "facts"),
    ):
        children = [(sid, *row) for i, sid in written.items() for row in (getattr(docs[i], kind) or ())]
        if children:
            conn.exec_driver_sql(sql, children)
    _point_latest(conn, [(docs[i], written[i]) for i in order if i in written])
    return [Outcome(actions[i], docs[i]) for i in range(len(docs))]


def _chunked(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _compare_late(
    conn: Connection, st: _Statements, doc: Document, row: tuple[Any, ...], i: int, actions: dict[int, str],
    written: dict[int, int],
) -> None:
    """A document older than its repository's latest observation, compared with the
    observation stored just before it: seen again, kept, or an observation of its own."""
    if conn.execute(st.same_bytes, {"r": doc.repository, "d": doc.digest}).first() is not None:
        actions[i] = "unchanged"
        return
    before = conn.execute(st.before, {"r": doc.repository, "g": doc.generated_at}).first()
    if before is not None and before.content == doc.content:
        if doc.generated_at > before.last_seen_at:
            conn.execute(snapshots.update().where(snapshots.c.id == before.id).values(last_seen_at=doc.generated_at))
        actions[i] = "seen"
    elif before is not None and before.commit == doc.commit and (before.kind, doc.kind) == ("inventory", "report"):
        actions[i] = "kept"
    else:
        written[i] = conn.execute(st.insert_snapshot, dict(zip(SNAPSHOT_FIELDS, row, strict=True))).scalar_one()
        actions[i] = "added"


def _point_latest(conn: Connection, written: list[tuple[Document, int]]) -> None:
    """Make each written snapshot its repository's latest unless a newer one is stored.

    The conditional upsert is atomic on PostgreSQL (the row lock makes a concurrent
    writer re-check the condition against the committed row) and on SQLite (one writer).
    Of a batch's snapshots of one repository only the newest is offered (the latest
    offered on a tie, as one after the other would leave it): PostgreSQL refuses to
    touch one row twice in one statement.
    """
    best: dict[str, tuple[Document, int]] = {}
    for doc, sid in written:
        held = best.get(doc.repository)
        if held is None or doc.generated_at >= held[0].generated_at:
            best[doc.repository] = (doc, sid)
    if best:
        conn.exec_driver_sql(
            _statements(conn).point_latest, [(name, sid, doc.generated_at) for name, (doc, sid) in sorted(best.items())]
        )
