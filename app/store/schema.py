"""The database schema as an ordered list of migrations, tracked in ``PRAGMA user_version``.

Migration *n* (1-based) takes a database from version n-1 to n. To change the schema, append a
function to ``MIGRATIONS``; never edit one that has shipped. All pending migrations run in one
transaction, so a failed upgrade leaves the file exactly as it was. Foreign keys are switched off
while migrating (a table rebuild needs that) and checked before the commit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from app.store.errors import SchemaTooNewError, StoreError
from app.store.search_pending import add_search_pending
from app.store.search_schema import add_search_index
from app.store.tree_schema import add_message_tree

Migration = Callable[[sqlite3.Connection], None]

_V1_STATEMENTS = (
    """
    CREATE TABLE conversations (
        id          TEXT PRIMARY KEY,
        title       TEXT NOT NULL,
        created_at  REAL NOT NULL,
        updated_at  REAL NOT NULL,
        model_path  TEXT,
        settings    TEXT NOT NULL DEFAULT '{}',
        deleted_at  REAL
    )
    """,
    "CREATE INDEX conversations_by_update ON conversations (deleted_at, updated_at)",
    """
    CREATE TABLE messages (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        role            TEXT NOT NULL
                        CHECK (role IN ('system', 'user', 'assistant', 'notice')),
        content         TEXT NOT NULL,
        created_at      REAL NOT NULL,
        complete        INTEGER NOT NULL DEFAULT 1 CHECK (complete IN (0, 1)),
        stats           TEXT
    )
    """,
    "CREATE INDEX messages_by_conversation ON messages (conversation_id, id)",
)


def _v1_initial_schema(connection: sqlite3.Connection) -> None:
    for statement in _V1_STATEMENTS:
        connection.execute(statement)


def _v3_thinking(connection: sqlite3.Connection) -> None:
    """A reasoning model's thinking, kept apart from the answer in `content`."""
    connection.execute("ALTER TABLE messages ADD COLUMN thinking TEXT NOT NULL DEFAULT ''")


MIGRATIONS: tuple[Migration, ...] = (
    _v1_initial_schema,
    add_search_index,
    _v3_thinking,
    add_message_tree,
    add_search_pending,
)
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def refuse_newer(connection: sqlite3.Connection, path: Path, supported: int) -> None:
    """Raise before anything is written if the file comes from a newer Hearth."""
    found = schema_version(connection)
    if found > supported:
        raise SchemaTooNewError(path, found, supported)


def migrate(
    connection: sqlite3.Connection, path: Path, migrations: Sequence[Migration] = MIGRATIONS
) -> int:
    """Apply the pending migrations in one transaction; return the version reached.

    The connection must be in autocommit mode (``isolation_level=None``).
    """
    if schema_version(connection) == len(migrations):
        return len(migrations)
    connection.execute("PRAGMA foreign_keys = OFF")
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            _apply_pending(connection, path, migrations)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    finally:
        connection.execute("PRAGMA foreign_keys = ON")
    return len(migrations)


def _apply_pending(
    connection: sqlite3.Connection, path: Path, migrations: Sequence[Migration]
) -> None:
    current = schema_version(connection)  # again, now that we hold the write lock
    refuse_newer(connection, path, len(migrations))
    for version in range(current + 1, len(migrations) + 1):
        migrations[version - 1](connection)
        connection.execute(f"PRAGMA user_version = {version:d}")
    problems = connection.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise StoreError(f"migrating {path} broke {len(problems)} foreign-key references")
