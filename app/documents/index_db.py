"""The documents index: its own SQLite file beside (never inside) the conversations database.

Tables: collections, files (one row per file seen, readable or not, with why not), chunks
(text, location, float32 vector tagged with the embedder that made it) and `chunks_fts`, an
FTS5 index kept in step by triggers. `meta.generation` goes up with every change so readers
know when to reload their vectors. Each worker opens its own connection (`connect`) and closes
it when it is done (`Indexer.close`, `Retriever.close`); WAL lets readers run while a folder
indexes.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

from app import paths
from app.documents.values import Collection, Unreadable

SCHEMA_VERSION = 2
# Schema 1 stored WordLlama's vectors only, untagged; schema 2 tags each vector.
LEGACY_TAG = "wordllama-l2_supercat-256@256"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS collections (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, conversation_id TEXT,
    roots TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    path TEXT NOT NULL, size INTEGER NOT NULL, mtime REAL NOT NULL, sha256 TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '',
    pages REAL NOT NULL DEFAULT 0, UNIQUE (collection_id, path));
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL, location TEXT NOT NULL, text TEXT NOT NULL, vector BLOB NOT NULL,
    embedder TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS chunks_file ON chunks(file_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    text, content='chunks', content_rowid='id', tokenize='porter unicode61');
CREATE TRIGGER IF NOT EXISTS chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text); END;
CREATE TRIGGER IF NOT EXISTS chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text); END;
INSERT OR IGNORE INTO meta VALUES ('generation', '0');
"""


def index_path() -> Path:
    """`documents.sqlite3` in Hearth's data folder."""
    return paths.data_dir() / "documents.sqlite3"


def connect(path: Path | None = None) -> sqlite3.Connection:
    """A new connection for one worker, the schema created (or brought up to date) if needed.
    The caller closes it; a failure here closes it before raising."""
    target = path or index_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(target), timeout=10.0, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(_SCHEMA)
        _tag_legacy_vectors(conn)
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
    except BaseException:
        conn.close()
        raise
    return conn


def _tag_legacy_vectors(conn: sqlite3.Connection) -> None:
    """Schema 1 -> 2: the `embedder` column, WordLlama's tag on the vectors already there."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(chunks)")}
    if "embedder" in columns:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(chunks)")}
        if "embedder" not in columns:  # another connection may have just done it
            conn.execute("ALTER TABLE chunks ADD COLUMN embedder TEXT NOT NULL DEFAULT ''")
            conn.execute("UPDATE chunks SET embedder = ?", (LEGACY_TAG,))
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION),))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def stale_vectors(conn: sqlite3.Connection, collection_id: int, tag: str) -> int:
    """How many of a collection's passages have vectors from another embedder than `tag`."""
    row = conn.execute(
        "SELECT COUNT(*) FROM chunks JOIN files ON files.id = chunks.file_id "
        "WHERE files.collection_id = ? AND chunks.embedder != ?",
        (collection_id, tag),
    ).fetchone()
    return int(row[0])


def generation(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    return int(row[0]) if row else 0


def bump(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")


def add_collection(
    conn: sqlite3.Connection, name: str, roots: Sequence[Path], conversation_id: str | None = None
) -> Collection:
    absolute = tuple(str(Path(r).expanduser().resolve()) for r in roots)
    cursor = conn.execute(
        "INSERT INTO collections (name, conversation_id, roots, created) VALUES (?, ?, ?, ?)",
        (name, conversation_id, json.dumps(absolute), time.time()),
    )
    return Collection(int(cursor.lastrowid or 0), name, conversation_id, absolute)


def collections(conn: sqlite3.Connection, conversation_id: str | None = None) -> list[Collection]:
    """Every collection, or those for `conversation_id` plus the global ones."""
    rows = conn.execute(
        "SELECT id, name, conversation_id, roots FROM collections ORDER BY id"
    ).fetchall()
    out = [Collection(r[0], r[1], r[2], tuple(json.loads(r[3]))) for r in rows]
    if conversation_id is None:
        return out
    return [c for c in out if c.conversation_id in (None, conversation_id)]


def collection(conn: sqlite3.Connection, collection_id: int) -> Collection | None:
    return next((c for c in collections(conn) if c.id == collection_id), None)


def remove_collection(conn: sqlite3.Connection, collection_id: int) -> None:
    """The collection, its files and every chunk (text, vectors, keyword index) go."""
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "DELETE FROM chunks WHERE file_id IN (SELECT id FROM files WHERE collection_id = ?)",
        (collection_id,),
    )
    conn.execute("DELETE FROM files WHERE collection_id = ?", (collection_id,))
    conn.execute("DELETE FROM collections WHERE id = ?", (collection_id,))
    bump(conn)
    conn.execute("COMMIT")


def unreadable(conn: sqlite3.Connection, collection_id: int) -> list[Unreadable]:
    rows = conn.execute(
        "SELECT path, kind, reason FROM files WHERE collection_id = ? AND kind != '' ORDER BY path",
        (collection_id,),
    ).fetchall()
    return [Unreadable(path, kind, reason) for path, kind, reason in rows]


def counts(conn: sqlite3.Connection, collection_id: int) -> tuple[int, int]:
    """(files, chunks) of a collection."""
    files = conn.execute(
        "SELECT COUNT(*) FROM files WHERE collection_id = ?", (collection_id,)
    ).fetchone()[0]
    chunks = conn.execute(
        "SELECT COUNT(*) FROM chunks JOIN files ON files.id = chunks.file_id "
        "WHERE files.collection_id = ?",
        (collection_id,),
    ).fetchone()[0]
    return int(files), int(chunks)


ATTACHMENTS = "Attachments"


def attachments_collection(
    conn: sqlite3.Connection, conversation_id: str, files: Sequence[Path]
) -> Collection:
    """The conversation's collection of attached files, created or grown to hold `files`."""
    found = next(
        (
            c
            for c in collections(conn, conversation_id)
            if c.name == ATTACHMENTS and c.conversation_id == conversation_id
        ),
        None,
    )
    if found is None:
        return add_collection(conn, ATTACHMENTS, files, conversation_id)
    roots = tuple(dict.fromkeys([*found.roots, *(str(Path(f).resolve()) for f in files)]))
    if roots != found.roots:
        conn.execute("UPDATE collections SET roots = ? WHERE id = ?", (json.dumps(roots), found.id))
    return Collection(found.id, found.name, conversation_id, roots)
