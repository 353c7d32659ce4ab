"""The office's triage of undeclared AI: one decision per repository and path
(``accepted``, ``declared``, ``false-positive``) with a note, kept in a table of its
own, so that a later snapshot of the repository finds it again (it is never stored in
a snapshot, which a rescan would leave behind).

The repository and the path come from the command line, and are shown on the page as
links: each is checked here, and anything that is not a plain ``owner/name`` and a
plain relative path inside the repository is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from prodgate.register.links import path_ok, repository_ok
from prodgate.register.tables import latest_rows, snapshots, triage, undeclared

STATES = ("accepted", "declared", "false-positive")


def repository_problem(repository: str) -> str:
    """Why ``repository`` is not an ``owner/name`` the page can link ("" if it is)."""
    if repository_ok(repository):
        return ""
    return f"repository {repository!r} is not owner/name (letters, digits, '-', and in the name '.' and '_')"


def path_problem(path: str) -> str:
    """Why ``path`` is not a plain path inside a repository the page can link ("" if it is)."""
    if path_ok(path):
        return ""
    return f"path {path!r} is not a path inside the repository (relative, no '..', '.' or empty parts, no scheme)"


def note_problem(note: str) -> str:
    """Why ``note`` cannot be kept ("" if it can): a NUL (PostgreSQL stores none) or
    more than 4,096 characters."""
    if "\x00" in note:
        return "--note contains a NUL character"
    if len(note) > 4096:
        return "--note is longer than 4096 characters"
    return ""


def set_triage(
    engine: Engine, repository: str, path: str, state: str, note: str, now: dt.datetime
) -> None:
    """Record (or replace) the decision on ``repository`` ``path``. Checked first: see
    :func:`repository_problem`, :func:`path_problem`; a caller passes only :data:`STATES`."""
    if state not in STATES:  # pragma: no cover - argparse's choices
        raise ValueError(state)
    row = {
        "repository": repository,
        "path": path,
        "state": state,
        "note": note,
        "set_at": now.isoformat(),
    }
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
        stmt = insert(triage).values(**row)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[triage.c.repository, triage.c.path],
                set_={
                    "state": stmt.excluded.state,
                    "note": stmt.excluded.note,
                    "set_at": stmt.excluded.set_at,
                },
            )
        )


def decisions(conn: Connection) -> dict[tuple[str, str], dict[str, str]]:
    """(repository, path) -> {state, note, set_at}, every decision recorded."""
    return {
        (r.repository, r.path): {"state": r.state, "note": r.note, "set_at": r.set_at}
        for r in conn.execute(sa.select(triage))
    }


def undeclared_locations(conn: Connection) -> list[dict[str, Any]]:
    """Every undeclared AI location of every repository's latest snapshot, each with the
    office's triage of its path ("" where none), by repository, path and line."""
    rows = conn.execute(
        sa.select(
            snapshots.c.repository,
            snapshots.c.commit,
            undeclared.c.path,
            undeclared.c.line,
            undeclared.c.kind,
            undeclared.c.provider,
            undeclared.c.model,
        )
        .select_from(
            latest_rows(undeclared, with_snapshot=True)
        )
        .order_by(snapshots.c.repository, undeclared.c.path, undeclared.c.line)
    ).all()
    known = decisions(conn)
    out = []
    for r in rows:
        decided = known.get((r.repository, r.path), {})
        out.append(
            {
                "repository": r.repository,
                "commit": r.commit,
                "path": r.path,
                "line": r.line,
                "kind": r.kind,
                "provider": r.provider or "",
                "model": r.model or "",
                "triage": decided.get("state", ""),
                "note": decided.get("note", ""),
                "triaged_at": decided.get("set_at", ""),
            }
        )
    return out
