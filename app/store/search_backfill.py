"""Indexing the messages that were there before the search index existed: newest first, in
small transactions, so it runs beside the window, can stop at any moment (closing the app,
a crash) and carries on where it stopped next time.

Each transaction leaves a small segment (b-tree) in the FTS5 index, and a query reads every
segment: at 100k messages the bench's queries took 3.7 ms (median) and 76 ms (worst) on the
freshly backfilled index, 1.3 and 12 ms on the same index merged into one segment. So the
backfill ends by merging the segments, in bounded steps
(FTS5's incremental 'merge' command, MERGE_PAGES pages each), which can stop and resume
like the indexing; FTS5's 'optimize' would do it in one transaction that holds the write
lock for a minute.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.store.search_pending import index_pending

CHUNK = 500  # messages per transaction: each holds the write lock for a few milliseconds
MERGE_PAGES = 128  # index pages one merge step writes (0.5 MB: the write lock for ~20-100 ms)


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


def merge_step(db: sqlite3.Connection, everything: bool) -> bool:
    """One bounded step of merging the index's segments; True if it did any work.
    ``everything``: start merging all segments into one (the first step after a backfill);
    otherwise carry on a merge already started, or merge levels that have filled up."""
    before = db.total_changes
    pages = -MERGE_PAGES if everything else MERGE_PAGES
    db.execute("INSERT INTO message_search (message_search, rank) VALUES ('merge', ?)", (pages,))
    return db.total_changes - before >= 2  # FTS5's documented sign that work was done


def run_backfill(
    path: Path,
    *,
    progress: Callable[[BackfillProgress], None] = lambda _p: None,
    should_stop: Callable[[], bool] = lambda: False,
    chunk: int = CHUNK,
) -> BackfillProgress:
    """Index until done or ``should_stop()``, reporting after every chunk, then what imports
    left pending; then merge the index's segments step by step (all of them into one after
    indexing). Own connection, so it may run on any thread."""
    from app.store.connection import open_connection

    db = open_connection(path)
    try:
        start = unindexed_upto(db)
        current = BackfillProgress(start, start)
        while not current.done and not should_stop():
            current = BackfillProgress(index_chunk(db, chunk), start)
            progress(current)
        imported = index_pending(db, chunk, should_stop=should_stop) if current.done else 0
        everything = start > 0 or imported > 0  # imported: what an import left pending
        while current.done and not should_stop() and merge_step(db, everything):
            everything = False
        return current
    finally:
        db.close()
