"""Reading ahead what a first search is likely to need, so it does not wait for the disk
(the first search after a reboot): the newest messages (short queries scan them, and the
hits of common words are there), the conversations and their titles' index, and the
message index's b-tree of terms. Each read is capped, so it costs the same, ~5-10 MB of
sequential reads, whatever the size of the history. Run off the GUI thread, after start-up,
on the search reader's own connection (``SearchReader.warm``), which keeps what it reads."""

from __future__ import annotations

import sqlite3

WARM_MESSAGES = 10_000  # newest messages (~5 MB)
WARM_CONVERSATIONS = 20_000  # newest conversations (~2.5 MB with the index of their ids)
WARM_INDEX_ROWS = 5_000  # rows of each small table of the search index (~20 MB at most)

_SMALL_INDEX_TABLES = ("title_search_data", "title_search_content", "title_search_idx")


def warm_caches(db: sqlite3.Connection) -> None:
    """Read those pages, in ascending order (the OS reads ahead of a forward scan)."""
    newest = db.execute("SELECT coalesce(max(id), 0) FROM messages").fetchone()[0]
    db.execute(
        "SELECT sum(length(content)) FROM messages WHERE id > ?", (newest - WARM_MESSAGES,)
    ).fetchone()
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
    for table in (*_SMALL_INDEX_TABLES, "message_search_idx"):
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT ?)"
        db.execute(sql, (WARM_INDEX_ROWS,)).fetchone()
