"""Reading ahead what a first search is likely to need, so it does not wait for the disk
(the first search after a reboot): the newest messages (short queries scan them, and the
hits of most queries are there), the conversations and their titles' index, and the
message index's b-tree of terms. Each read is capped, ~25 MB at most in all, whatever the
size of the history. Run off the GUI thread, after start-up (``SearchReader.warm``), on a
connection of its own with a small page cache: what it reads stays in the OS's file cache,
where the reader's first query finds it, not in this process's memory."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from app.store.connection import read_only_uri

WARM_MESSAGE_BYTES = 16 * 2**20  # of the newest messages' text (~30,000 in the benchmark)
WARM_CHUNK = 2_000  # message ids read per step, in ascending order (the OS reads ahead)
WARM_CONVERSATIONS = 20_000  # newest conversations (~2.5 MB with the index of their ids)
WARM_INDEX_ROWS = 2_000  # rows (pages) of each small table of the search index
WARM_CACHE_KIB = 2 * 1024  # the read-ahead connection's own page cache

_SMALL_INDEX_TABLES = (
    "title_search_data",
    "title_search_content",
    "title_search_idx",
    "message_search_idx",
)


def read_ahead(path: Path, should_stop: Callable[[], bool]) -> bool:
    """Read those pages of the file at ``path``; False if ``should_stop`` (asked every 1,000
    SQLite steps) ended it early."""
    db = sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None)
    try:
        db.execute(f"PRAGMA cache_size = -{WARM_CACHE_KIB:d}")
        db.set_progress_handler(should_stop, 1000)
        warm_caches(db)
    except sqlite3.OperationalError as error:
        if "interrupt" in str(error):
            return False
        raise
    finally:
        db.close()
    return True


def warm_caches(db: sqlite3.Connection) -> None:
    """Read those pages: the messages newest chunk first, each chunk in ascending order."""
    upper = int(db.execute("SELECT coalesce(max(id), 0) FROM messages").fetchone()[0])
    read = 0
    while read < WARM_MESSAGE_BYTES and upper > 0:
        lower = max(0, upper - WARM_CHUNK)
        read += db.execute(
            "SELECT coalesce(sum(length(CAST(content AS BLOB))), 0) FROM messages"
            " WHERE id > ? AND id <= ?",
            (lower, upper),
        ).fetchone()[0]
        upper = lower
    newest = db.execute("SELECT coalesce(max(rowid), 0) FROM conversations").fetchone()[0]
    db.execute(
        "SELECT sum(length(title)) FROM conversations WHERE rowid > ?",
        (newest - WARM_CONVERSATIONS,),
    ).fetchone()
    db.execute(  # the index of their ids, which finding one by id goes through
        "SELECT count(*) FROM (SELECT id FROM conversations"
        " INDEXED BY sqlite_autoindex_conversations_1 WHERE id >= '' LIMIT ?)",
        (WARM_CONVERSATIONS,),
    ).fetchone()
    for table in _SMALL_INDEX_TABLES:
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT ?)"
        db.execute(sql, (WARM_INDEX_ROWS,)).fetchone()
