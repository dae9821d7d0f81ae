"""Messages an import leaves for the search index later (``search_pending``): edits and
deletes before they are indexed keep the index sound, indexing them in chunks makes search
agree with a scan again, and a file made by the previous schema migrates without loss."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from app.store import ChatStore
from app.store.connection import add_functions
from app.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate
from app.store.search import find
from app.store.search_backfill import run_backfill
from app.store.search_pending import index_pending_chunk, mark_pending, pending_messages
from tests.core.test_store_search_index import _assert_agrees, _indexed, _random_edits, _text


def _bulk_insert(store: ChatStore, rng: random.Random, count: int) -> tuple[int, int]:
    """What an import's merge does: mark the id range, then plain INSERTs with those ids."""
    db = store._conn
    chat = store.create_conversation("imported")
    db.execute("BEGIN IMMEDIATE")
    low = int(db.execute("SELECT coalesce(max(id), 0) FROM messages").fetchone()[0]) + 1
    mark_pending(db, low, low + count - 1)
    db.executemany(
        "INSERT INTO messages (id, conversation_id, role, content, created_at) VALUES (?,?,?,?,0)",
        [(low + i, chat.id, rng.choice(["user", "notice"]), _text(rng)) for i in range(count)],
    )
    db.execute("COMMIT")
    return low, low + count - 1


def test_edits_before_indexing_keep_the_index_sound(tmp_path: Path) -> None:
    rng = random.Random(5)
    with ChatStore(tmp_path / "pending.sqlite3") as store:
        _random_edits(store, rng, 100)
        low, high = _bulk_insert(store, rng, 120)
        assert find(store._conn, "apple").complete_index is False
        _random_edits(store, rng, 200)  # edits, deletes, new messages above the range
        _bulk_insert(store, rng, 30)  # a second import before the first is indexed
        chunks = 0
        while index_pending_chunk(store._conn, chunk=50):
            chunks += 1
        assert chunks >= 3 and pending_messages(store._conn) == 0
        _assert_agrees(store)
        assert find(store._conn, "apple").complete_index
        check = "INSERT INTO message_search (message_search, rank) VALUES ('integrity-check', 1)"
        store._conn.execute(check)  # raises if an entry does not match its message


def test_the_backfill_indexes_what_an_import_left(tmp_path: Path) -> None:
    path = tmp_path / "left.sqlite3"
    rng = random.Random(6)
    with ChatStore(path) as store:
        _bulk_insert(store, rng, 80)  # the app closed before the import indexed them
    run_backfill(path, chunk=30)
    with ChatStore(path) as store:
        assert pending_messages(store._conn) == 0
        _assert_agrees(store)


def test_a_file_made_by_the_previous_schema_migrates_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "v4.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    add_functions(db)
    migrate(db, path, MIGRATIONS[:4])
    db.execute(
        "INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c', 't', 1, 1)"
    )
    for text in ("a lighthouse keeper", "Straße", "notice text"):
        db.execute(
            "INSERT INTO messages (conversation_id, role, content, created_at) VALUES ('c',?,?,1)",
            ("notice" if text.startswith("notice") else "user", text),
        )
    before = db.execute("SELECT * FROM messages ORDER BY id").fetchall()
    db.close()
    with ChatStore(path) as store:
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
        after = store._conn.execute("SELECT * FROM messages ORDER BY id").fetchall()
        assert [tuple(row) for row in after] == before
        assert _indexed(store, "house kee") == {"c"} and _indexed(store, "strasse") == {"c"}
        store.update_message(1, "a harbour pilot", complete=True)  # the new triggers
        store.add_message("c", "user", "keeper of bees")
        assert _indexed(store, "pilot") == {"c"} and _indexed(store, "bees") == {"c"}
        assert _indexed(store, "lighthouse") == set()
        _assert_agrees(store)
