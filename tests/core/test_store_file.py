"""The SQLite file itself: pragmas, reopening after close, integrity, location, permissions."""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from app import paths
from app.store import ChatStore, StoredMessage, StoreError


def _message(store: ChatStore, message_id: int) -> StoredMessage:
    message = store.message(message_id)
    assert message is not None
    return message


def test_pragmas_wal_normal_and_foreign_keys(store: ChatStore, db_path: Path) -> None:
    connection = store._conn
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_reopen_after_close_keeps_everything_and_checkpoints(db_path: Path) -> None:
    with ChatStore(db_path) as first:
        chat = first.create_conversation("Persist", settings={"k": [1, 2]})
        first.add_message(chat.id, "user", "saved? ✓")
        reply = first.add_message(chat.id, "assistant", "partial", complete=False)
        assert Path(f"{db_path}-wal").exists()
    wal = Path(f"{db_path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0

    main_file_only = db_path.with_name("copy.sqlite3")  # no -wal beside it
    shutil.copyfile(db_path, main_file_only)
    raw = sqlite3.connect(main_file_only)
    assert raw.execute("SELECT count(*) FROM messages").fetchone()[0] == 2
    raw.close()
    with ChatStore(db_path) as second:
        reopened = second.conversation(chat.id)
        assert reopened is not None
        assert (reopened.title, reopened.settings) == ("Persist", {"k": [1, 2]})
        assert reopened.created_at == chat.created_at
        assert [(m.content, m.complete) for m in second.messages(chat.id)] == [
            ("saved? ✓", True),
            ("partial", False),
        ]
        assert _message(second, reply.id).id == reply.id
        assert second.integrity_check() == "ok"


def test_closed_store_refuses_work_and_close_twice_is_fine(db_path: Path) -> None:
    store = ChatStore(db_path)
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.list_conversations()


def test_integrity_check_reports_dangling_messages(store: ChatStore, db_path: Path) -> None:
    assert store.integrity_check() == "ok"
    raw = sqlite3.connect(db_path)  # foreign keys off by default on this connection
    raw.execute(
        "INSERT INTO messages (conversation_id, role, content, created_at) "
        "VALUES ('ghost', 'user', 'orphan', 0)"
    )
    raw.commit()
    raw.close()
    assert store.integrity_check() == "1 messages point at missing conversations"


def test_open_default_uses_data_dir() -> None:
    with ChatStore.open_default() as store:
        assert store.path == paths.database_path()
        assert store.path.is_relative_to(Path(os.environ["HEARTH_HOME"]))
        store.create_conversation()
    assert paths.database_path().is_file()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_database_file_is_private(store: ChatStore, db_path: Path) -> None:
    store.create_conversation()
    assert db_path.stat().st_mode & 0o777 == 0o600
    assert Path(f"{db_path}-wal").stat().st_mode & 0o777 == 0o600
