"""Schema versions: new files, upgrades from v1, failed upgrades, files from a newer Hearth."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from app.store import ChatStore, SchemaTooNewError, UnreadableDatabaseError
from app.store.connection import add_functions
from app.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate, schema_version

# The schema exactly as version 1 shipped it. Frozen here on purpose: when migration 2 is
# appended, this still describes the files people have on disk.
V1_SCHEMA = """
CREATE TABLE conversations (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, created_at REAL NOT NULL,
    updated_at REAL NOT NULL, model_path TEXT, settings TEXT NOT NULL DEFAULT '{}',
    deleted_at REAL);
CREATE INDEX conversations_by_update ON conversations (deleted_at, updated_at);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'notice')),
    content TEXT NOT NULL, created_at REAL NOT NULL,
    complete INTEGER NOT NULL DEFAULT 1 CHECK (complete IN (0, 1)), stats TEXT);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
INSERT INTO conversations VALUES
    ('c1', 'Old chat', 10.0, 20.0, '/m/a.gguf', '{"system_prompt":"Hi"}', NULL),
    ('c2', 'Trashed', 11.0, 12.0, NULL, '{}', 15.0);
INSERT INTO messages (conversation_id, role, content, created_at, complete, stats) VALUES
    ('c1', 'user', 'question', 10.5, 1, NULL),
    ('c1', 'assistant', 'answer', 11.5, 1, '{"decode_tps":12.5}'),
    ('c1', 'assistant', 'cut o', 19.0, 0, NULL);
PRAGMA user_version = 1;
"""


def _write_v1(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.executescript(V1_SCHEMA)
    connection.close()


def _version(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return schema_version(connection)
    finally:
        connection.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_is_at_current_version(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    ChatStore(path).close()
    assert _version(path) == SCHEMA_VERSION == len(MIGRATIONS) >= 1


def test_v1_database_opens_upgraded_with_data_intact(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    _write_v1(path)
    with ChatStore(path) as store:
        assert [c.id for c in store.list_conversations()] == ["c1"]
        chat = store.conversation("c1")
        assert chat is not None
        assert (chat.title, chat.model_path, chat.settings) == (
            "Old chat",
            "/m/a.gguf",
            {"system_prompt": "Hi"},
        )
        stored = store.messages("c1")
        assert [(m.role, m.content, m.complete) for m in stored] == [
            ("user", "question", True),
            ("assistant", "answer", True),
            ("assistant", "cut o", False),
        ]
        assert stored[1].stats == {"decode_tps": 12.5}
        assert store.conversation("c2", include_trashed=True) is not None
        assert store.add_message("c1", "user", "new").id == 4
        assert store.integrity_check() == "ok"
    assert _version(path) == SCHEMA_VERSION


def _add_pinned(connection: sqlite3.Connection) -> None:
    connection.execute("ALTER TABLE conversations ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0")


def test_appended_migration_upgrades_a_v1_file(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    _write_v1(path)
    connection = sqlite3.connect(path, isolation_level=None)
    add_functions(connection)  # the search index's triggers call them
    assert migrate(connection, path, (*MIGRATIONS, _add_pinned)) == SCHEMA_VERSION + 1
    assert schema_version(connection) == SCHEMA_VERSION + 1
    rows = connection.execute("SELECT id, pinned FROM conversations ORDER BY id").fetchall()
    assert rows == [("c1", 0), ("c2", 0)]
    assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert migrate(connection, path, (*MIGRATIONS, _add_pinned)) == SCHEMA_VERSION + 1  # no-op
    connection.close()


def test_empty_file_is_migrated_from_zero(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    with ChatStore(path) as store:
        assert store.list_conversations() == []
    assert _version(path) == SCHEMA_VERSION


def test_failed_migration_rolls_back_everything(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    _write_v1(path)

    def broken(connection: sqlite3.Connection) -> None:
        connection.execute("CREATE TABLE half_done (x)")
        connection.execute("UPDATE conversations SET title = 'mangled'")
        raise RuntimeError("migration bug")

    connection = sqlite3.connect(path, isolation_level=None)
    add_functions(connection)
    with pytest.raises(RuntimeError, match="migration bug"):
        migrate(connection, path, (*MIGRATIONS, _add_pinned, broken))
    assert schema_version(connection) == 1
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in tables
    columns = {row[1] for row in connection.execute("PRAGMA table_info(conversations)")}
    assert "pinned" not in columns
    assert connection.execute("SELECT title FROM conversations WHERE id='c1'").fetchone() == (
        "Old chat",
    )
    connection.close()


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    connection = sqlite3.connect(path)
    connection.executescript(
        f"CREATE TABLE future_things (x); INSERT INTO future_things VALUES (1);"
        f"PRAGMA user_version = {SCHEMA_VERSION + 1};"
    )
    connection.close()
    before = _digest(path)

    with pytest.raises(SchemaTooNewError) as caught:
        ChatStore(path)

    message = str(caught.value)
    assert f"schema version {SCHEMA_VERSION + 1}" in message
    assert f"up to version {SCHEMA_VERSION}" in message and "newer Hearth" in message
    assert (caught.value.found, caught.value.supported) == (SCHEMA_VERSION + 1, SCHEMA_VERSION)
    assert _digest(path) == before
    assert not Path(f"{path}-wal").exists()  # not even switched to WAL
    assert _version(path) == SCHEMA_VERSION + 1


def test_migrate_refuses_newer_schema_too(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    _write_v1(path)
    connection = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(SchemaTooNewError):
        migrate(connection, path, ())
    assert schema_version(connection) == 1
    connection.close()


def test_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"this is not sqlite, just text " * 100)
    before = _digest(path)
    with pytest.raises(UnreadableDatabaseError, match=r"notes\.sqlite3"):
        ChatStore(path)
    assert _digest(path) == before


def test_a_database_made_by_the_previous_schema_migrates_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    connection = sqlite3.connect(path)
    connection.executescript(V1_SCHEMA)
    before = connection.execute("SELECT * FROM messages ORDER BY id").fetchall()
    connection.close()
    with ChatStore(path) as store:
        stored = store.messages("c1")
        assert [(m.content, m.thinking) for m in stored] == [
            ("question", ""),
            ("answer", ""),
            ("cut o", ""),
        ]
        assert store.integrity_check() == "ok"
    connection = sqlite3.connect(path)
    after = connection.execute("SELECT * FROM messages ORDER BY id").fetchall()
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    connection.close()
    assert [row[:-2] for row in after] == before  # every old column unchanged, two added
    assert [row[-2] for row in after] == ["", "", ""]  # thinking (v3)
    assert [row[-1] for row in after] == [0, after[0][0], after[1][0]]  # parents (v4)
