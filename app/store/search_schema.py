"""Migration: the full-text search index (FTS5, trigram tokenizer) and the triggers that keep
it in step with every insert, edit and delete, whoever makes them (the store, an import).

SQLite 3.40 (what Python ships here) has no ``remove_diacritics`` for the trigram tokenizer,
so the text goes into the index already folded by ``hearth_fold`` (``search_text.fold``:
case, compatibility forms and accents), a function every Hearth connection registers.
``message_search`` is contentless (the text is not stored twice); a query verifies each hit
against the message itself, so a stale entry can never show a wrong result.

Existing messages are indexed afterwards, in the background and in small transactions, newest
first (``search_backfill``): messages with ``id <= search_backlog.unindexed_upto`` are not in
the index yet, and the triggers leave those alone until the backfill reaches them.
This step is self-contained so it can take any number in ``MIGRATIONS``.
"""

from __future__ import annotations

import sqlite3

_STATEMENTS = (
    "CREATE VIRTUAL TABLE message_search USING fts5("
    " body, tokenize = 'trigram', content = '', columnsize = 0)",
    "CREATE VIRTUAL TABLE title_search USING fts5("
    " conversation_id UNINDEXED, body, tokenize = 'trigram')",
    "CREATE TABLE search_backlog ("
    " id INTEGER PRIMARY KEY CHECK (id = 1), unindexed_upto INTEGER NOT NULL)",
    "INSERT INTO search_backlog VALUES (1, (SELECT coalesce(max(id), 0) FROM messages))",
    "INSERT INTO title_search (conversation_id, body)"
    " SELECT id, hearth_fold(title) FROM conversations",
    """
    CREATE TRIGGER message_search_insert AFTER INSERT ON messages
    WHEN new.role != 'notice' AND new.id > (SELECT unindexed_upto FROM search_backlog)
    BEGIN
        INSERT INTO message_search (rowid, body) VALUES (new.id, hearth_fold(new.content));
    END
    """,
    """
    CREATE TRIGGER message_search_delete AFTER DELETE ON messages
    WHEN old.role != 'notice' AND old.id > (SELECT unindexed_upto FROM search_backlog)
    BEGIN
        INSERT INTO message_search (message_search, rowid, body)
        VALUES ('delete', old.id, hearth_fold(old.content));
    END
    """,
    """
    CREATE TRIGGER message_search_update AFTER UPDATE OF content, role ON messages
    WHEN old.id > (SELECT unindexed_upto FROM search_backlog)
    BEGIN
        INSERT INTO message_search (message_search, rowid, body)
        SELECT 'delete', old.id, hearth_fold(old.content) WHERE old.role != 'notice';
        INSERT INTO message_search (rowid, body)
        SELECT new.id, hearth_fold(new.content) WHERE new.role != 'notice';
    END
    """,
    """
    CREATE TRIGGER title_search_insert AFTER INSERT ON conversations
    BEGIN
        INSERT INTO title_search (conversation_id, body) VALUES (new.id, hearth_fold(new.title));
    END
    """,
    """
    CREATE TRIGGER title_search_update AFTER UPDATE OF title ON conversations
    BEGIN
        DELETE FROM title_search WHERE conversation_id = old.id;
        INSERT INTO title_search (conversation_id, body) VALUES (new.id, hearth_fold(new.title));
    END
    """,
    """
    CREATE TRIGGER title_search_delete AFTER DELETE ON conversations
    BEGIN
        DELETE FROM title_search WHERE conversation_id = old.id;
    END
    """,
)


def add_search_index(connection: sqlite3.Connection) -> None:
    """Create the index and its triggers; existing messages are left to the backfill."""
    for statement in _STATEMENTS:
        connection.execute(statement)
