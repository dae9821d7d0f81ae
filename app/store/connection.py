"""Opening the SQLite file: privacy, pragmas, the version check, migrations, SQL functions."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from pathlib import Path

from app.store.errors import UnreadableDatabaseError
from app.store.schema import SCHEMA_VERSION, migrate, refuse_newer
from app.store.search_text import contains_folded, fold

log = logging.getLogger(__name__)
MEMORY = Path(":memory:")
BUSY_TIMEOUT_MS = 5000  # `hearth --cli` or a second reader may hold the lock briefly


def add_functions(connection: sqlite3.Connection) -> None:
    """The SQL functions search and the search index's triggers call."""
    connection.create_function("hearth_fold", 1, fold, deterministic=True)
    connection.create_function("hearth_contains", 2, contains_folded, deterministic=True)


def read_only_uri(path: Path) -> str:
    """The URI that opens ``path`` read-only (``uri=True``); a folder named with ``#``, ``?``
    or ``%`` is escaped, where a plain ``file:{path}`` would cut the path short there.
    ``MEMORY`` gives an empty database in memory (a store kept in memory has no file)."""
    if path == MEMORY:
        return "file::memory:?mode=ro"
    return f"{path.resolve().as_uri()}?mode=ro"


def _create_private(path: Path) -> None:
    """Create the file readable by its owner only; SQLite gives -wal/-shm the same mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _configure(connection: sqlite3.Connection, path: Path) -> None:
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
    mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal" and path != MEMORY:
        log.warning("%s: WAL journal not available (got %s); writes will be slower", path, mode)
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA foreign_keys = ON")


def open_connection(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and upgrade the database; refuse files from a newer Hearth."""
    if path != MEMORY:
        _create_private(path)
    try:
        connection = sqlite3.connect(path, isolation_level=None)
    except sqlite3.Error as error:
        raise UnreadableDatabaseError(path, str(error)) from error
    try:
        refuse_newer(connection, path, SCHEMA_VERSION)  # before WAL mode writes the header
        add_functions(connection)
        _configure(connection, path)
        migrate(connection, path)
    except sqlite3.DatabaseError as error:
        connection.close()
        raise UnreadableDatabaseError(path, str(error)) from error
    except BaseException:
        connection.close()
        raise
    connection.row_factory = sqlite3.Row
    return connection
