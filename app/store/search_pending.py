"""Migration 5: messages that go into the search index later, by ranges of ids.

An import copies its messages into the store in one transaction; indexing them there (the
trigram index, text folded in Python) took most of that transaction, the store's write
lock for seconds (4.5 s of 5.3 s at 100k messages). Instead the import marks its id range
in ``search_pending``, the triggers leave messages in a pending range alone (they are not in
the index, so an edit or a delete has nothing to take out of it), and ``index_pending_chunk``
indexes them afterwards, newest first, a few hundred per transaction (``search_backfill``
calls it too, so what an interrupted import left is indexed at the next start).

The three message triggers are made again with one condition more; ``search_schema``'s
shipped migration stays as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

_NOT_PENDING = "NOT EXISTS (SELECT 1 FROM search_pending WHERE {id} BETWEEN low AND high)"
_STATEMENTS = (
    "CREATE TABLE search_pending (low INTEGER NOT NULL, high INTEGER NOT NULL)",
    "DROP TRIGGER message_search_insert",
    "DROP TRIGGER message_search_delete",
    "DROP TRIGGER message_search_update",
    f"""
    CREATE TRIGGER message_search_insert AFTER INSERT ON messages
    WHEN new.role != 'notice' AND new.id > (SELECT unindexed_upto FROM search_backlog)
        AND {_NOT_PENDING.format(id="new.id")}
    BEGIN
        INSERT INTO message_search (rowid, body) VALUES (new.id, hearth_fold(new.content));
    END
    """,
    f"""
    CREATE TRIGGER message_search_delete AFTER DELETE ON messages
    WHEN old.role != 'notice' AND old.id > (SELECT unindexed_upto FROM search_backlog)
        AND {_NOT_PENDING.format(id="old.id")}
    BEGIN
        INSERT INTO message_search (message_search, rowid, body)
        VALUES ('delete', old.id, hearth_fold(old.content));
    END
    """,
    f"""
    CREATE TRIGGER message_search_update AFTER UPDATE OF content, role ON messages
    WHEN old.id > (SELECT unindexed_upto FROM search_backlog)
        AND {_NOT_PENDING.format(id="old.id")}
    BEGIN
        INSERT INTO message_search (message_search, rowid, body)
        SELECT 'delete', old.id, hearth_fold(old.content) WHERE old.role != 'notice';
        INSERT INTO message_search (rowid, body)
        SELECT new.id, hearth_fold(new.content) WHERE new.role != 'notice';
    END
    """,
)


def add_search_pending(connection: sqlite3.Connection) -> None:
    for statement in _STATEMENTS:
        connection.execute(statement)


def mark_pending(db: sqlite3.Connection, low: int, high: int) -> None:
    """Inside the transaction that will insert ids ``low..high``: leave them unindexed."""
    if low <= high:
        db.execute("INSERT INTO search_pending VALUES (?, ?)", (low, high))


def pending_messages(db: sqlite3.Connection) -> int:
    """How many ids the pending ranges still span (an upper bound on messages)."""
    row = db.execute("SELECT coalesce(sum(high - low + 1), 0) FROM search_pending").fetchone()
    return int(row[0])


def index_pending_chunk(db: sqlite3.Connection, chunk: int) -> int:
    """Index the newest ``chunk`` ids of the newest pending range in one transaction;
    return how many ids are still pending. ``db``: autocommit, with the Hearth functions."""
    db.execute("BEGIN IMMEDIATE")
    try:
        row = db.execute(
            "SELECT rowid, low, high FROM search_pending ORDER BY high DESC LIMIT 1"
        ).fetchone()
        if row is not None:
            rowid, low, high = (int(v) for v in row)
            start = max(low, high - chunk + 1)
            db.execute(
                "INSERT INTO message_search (rowid, body) SELECT id, hearth_fold(content)"
                " FROM messages WHERE id BETWEEN ? AND ? AND role != 'notice'",
                (start, high),
            )
            if start == low:
                db.execute("DELETE FROM search_pending WHERE rowid = ?", (rowid,))
            else:
                db.execute("UPDATE search_pending SET high = ? WHERE rowid = ?", (start - 1, rowid))
        left = pending_messages(db)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return left


def index_pending(
    db: sqlite3.Connection,
    chunk: int,
    progress: Callable[[int, int], None] = lambda _done, _total: None,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Index every pending id, ``chunk`` per transaction, until done or ``should_stop()``;
    ``progress(done, total)`` before each chunk and at the end. Returns the ids it found
    pending (what is still left if it stopped is indexed by the next call)."""
    total = left = pending_messages(db)
    while left and not should_stop():
        progress(total - left, total)
        left = index_pending_chunk(db, chunk)
    progress(total - left, total)
    return total
