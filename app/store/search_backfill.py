"""Indexing the messages that were there before the search index existed: newest first, in
small transactions, so it runs beside the window, can stop at any moment (closing the app,
a crash) and carries on where it stopped next time."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CHUNK = 500  # messages per transaction: each holds the write lock for a few milliseconds


@dataclass(frozen=True, slots=True)
class BackfillProgress:
    unindexed_upto: int  # messages with id <= this are not in the index yet (0: done)
    started_at: int  # unindexed_upto when this run began

    @property
    def done(self) -> bool:
        return self.unindexed_upto == 0

    @property
    def fraction(self) -> float:
        if self.started_at == 0:
            return 1.0
        return 1.0 - self.unindexed_upto / self.started_at


def unindexed_upto(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT unindexed_upto FROM search_backlog").fetchone()[0])


def index_chunk(db: sqlite3.Connection, chunk: int = CHUNK) -> int:
    """Index the newest ``chunk`` messages not yet indexed, in one transaction; return the
    new ``unindexed_upto``. ``db`` must be in autocommit mode with the Hearth functions."""
    db.execute("BEGIN IMMEDIATE")
    try:
        upto = unindexed_upto(db)
        row = db.execute(
            "SELECT min(id) FROM (SELECT id FROM messages WHERE id <= ? ORDER BY id DESC LIMIT ?)",
            (upto, chunk),
        ).fetchone()
        low = int(row[0]) if row[0] is not None else 1
        rest = db.execute("SELECT max(id) FROM messages WHERE id < ?", (low,)).fetchone()[0]
        db.execute(
            "INSERT INTO message_search (rowid, body) SELECT id, hearth_fold(content)"
            " FROM messages WHERE id BETWEEN ? AND ? AND role != 'notice'",
            (low, upto),
        )
        new_upto = int(rest or 0)
        db.execute("UPDATE search_backlog SET unindexed_upto = ?", (new_upto,))
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return new_upto


def run_backfill(
    path: Path,
    *,
    progress: Callable[[BackfillProgress], None] = lambda _p: None,
    should_stop: Callable[[], bool] = lambda: False,
    chunk: int = CHUNK,
) -> BackfillProgress:
    """Index until done or ``should_stop()``; report after every chunk. Own connection, so
    it may run on any thread."""
    from app.store.connection import open_connection

    db = open_connection(path)
    try:
        start = unindexed_upto(db)
        current = BackfillProgress(start, start)
        while not current.done and not should_stop():
            current = BackfillProgress(index_chunk(db, chunk), start)
            progress(current)
        return current
    finally:
        db.close()
