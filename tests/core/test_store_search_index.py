"""The full-text search index: agrees with a plain scan through random histories (edits,
branches, forks, deletes, trash, renames, imported rows), is built for existing files by a
resumable backfill, and a query on the reader's connection can be cancelled from another thread."""

from __future__ import annotations

import random
import sqlite3
import threading
from pathlib import Path

import pytest

from app.store import ChatStore, search_backfill
from app.store.connection import MEMORY, add_functions
from app.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate, schema_version
from app.store.search import SearchCancelled, SearchReader, find
from app.store.search_backfill import BackfillProgress, run_backfill, unindexed_upto
from app.store.search_text import fold, snippet

WORDS = ["apple", "Äpfel", "straße", "STRASSE", "café", "cafe\u0301", "naïve", "ab", "abc",
         "x_y", "100%", "Привет", "мир", "lighthouse", "keeper", "a", "b"]  # fmt: skip
QUERIES = ["apple", "APF", "strasse", "café", "cafe", "naive", "ab", "b", "x_y", "%", "пРИ",
           "light", "house keeper", "zzz", "e", "pfel st"]  # fmt: skip


def _text(rng: random.Random) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(1, 8)))


def _scan(store: ChatStore, query: str) -> set[str]:
    """What search must find: a plain scan of every live conversation's title and the text
    of every message on every branch."""
    needle = fold(query.strip())
    found = set()
    for record in store.list_conversations():
        texts = [m.content for m in store.all_messages(record.id) if m.role != "notice"]
        if any(needle in fold(text) for text in [record.title, *texts]):
            found.add(record.id)
    return found


def _indexed(store: ChatStore, query: str) -> set[str]:
    return {hit.conversation.id for hit in find(store._conn, query, limit=10_000).hits}


def _random_edits(store: ChatStore, rng: random.Random, steps: int) -> None:
    for _ in range(steps):
        chats = store.list_conversations()
        action = rng.random()
        if not chats or action < 0.15:
            store.create_conversation(_text(rng))
            continue
        chat = rng.choice(chats)
        messages = store.messages(chat.id)
        if action < 0.45 or not messages:
            role = rng.choice(["user", "assistant", "notice"])
            store.add_message(chat.id, role, _text(rng))
        elif action < 0.5:  # an alternative (regenerate / edit): a branch beside a message
            sibling = rng.choice(messages)
            store.add_message(chat.id, sibling.role, _text(rng), parent_id=sibling.parent_id or 0)
        elif action < 0.53:
            store.switch_branch(rng.choice(store.all_messages(chat.id)).id)
        elif action < 0.55:
            store.fork(rng.choice(messages).id, _text(rng))
        elif action < 0.7:
            store.update_message(rng.choice(messages).id, _text(rng), complete=True)
        elif action < 0.8:
            store.delete_message(rng.choice(messages).id)
        elif action < 0.87:
            store.rename(chat.id, _text(rng))
        elif action < 0.93:
            store.delete_conversation(chat.id)
        elif action < 0.96:
            store.purge_deleted()
        else:
            store.delete_messages_from(chat.id, messages[len(messages) // 2].id)


def _assert_agrees(store: ChatStore) -> None:
    for query in QUERIES:
        assert _indexed(store, query) == _scan(store, query), query


@pytest.mark.parametrize("seed", range(4))
def test_index_agrees_with_a_scan_through_random_edits(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    with ChatStore(tmp_path / "random.sqlite3") as store:
        _random_edits(store, rng, 300)
        _assert_agrees(store)
        assert len(store.list_conversations()) > 3


def test_rows_written_by_an_import_are_indexed_by_the_triggers(tmp_path: Path) -> None:
    with ChatStore(tmp_path / "import.sqlite3") as store:
        chat = store.create_conversation("imported")
        store._conn.executemany(  # what a bulk import does: plain INSERTs
            "INSERT INTO messages (conversation_id, role, content, created_at) VALUES (?,?,?,0)",
            [(chat.id, "user", "a lighthouse keeper"), (chat.id, "assistant", "Straße")],
        )
        assert _indexed(store, "house kee") == {chat.id}
        assert _indexed(store, "strasse") == {chat.id}


def test_hit_carries_the_message_and_a_snippet(tmp_path: Path) -> None:
    with ChatStore(tmp_path / "hit.sqlite3") as store:
        chat = store.create_conversation("German")
        store.add_message(chat.id, "user", "first")
        message = store.add_message(chat.id, "user", "Die   Straße ist lang")
        (hit,) = find(store._conn, "STRASSE").hits
        assert hit.message_id == message.id
        assert hit.snippet is not None
        assert (hit.snippet.before, hit.snippet.match, hit.snippet.after) == (
            "Die ",
            "Straße",
            " ist lang",
        )


def test_snippet_marks_the_original_characters_and_elides_long_text() -> None:
    text = "x" * 100 + " a CAFE\u0301 here " + "y" * 100
    shown = snippet(text, fold("café"))
    assert shown is not None
    assert shown.match == "CAFE"
    assert shown.before.startswith("…") and shown.after.endswith("…")
    assert snippet("nothing", "zzz") is None


def _v1_file(path: Path, messages: int) -> None:
    """A file made by today's schema code (migration 1 only), filled directly."""
    db = sqlite3.connect(path, isolation_level=None)
    migrate(db, path, MIGRATIONS[:1])
    db.execute("BEGIN")
    db.execute("INSERT INTO conversations VALUES ('c1', 'Old', 1, 2, NULL, '{}', NULL)")
    db.executemany(
        "INSERT INTO messages (conversation_id, role, content, created_at) VALUES ('c1',?,?,1)",
        [("user" if i % 3 else "notice", f"message {i} lighthouse{i % 7}") for i in range(n)]
        if (n := messages)
        else [],
    )
    db.execute("COMMIT")
    db.close()


def test_migration_of_an_existing_file_is_resumable(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    _v1_file(path, 2_000)
    with ChatStore(path) as store:
        assert schema_version(store._conn) == SCHEMA_VERSION
        assert unindexed_upto(store._conn) == 2_000
        assert find(store._conn, "lighthouse3").complete_index is False
        store.update_message(11, "edited before indexing: keeper", complete=True)
        store.delete_message(12)
        store.add_message("c1", "user", "new keeper")  # indexed at once
        assert len(_indexed_messages(store, "keeper")) == 1
    seen: list[BackfillProgress] = []
    stop_after_two = lambda: len(seen) >= 2  # noqa: E731  (like closing the app)
    first = run_backfill(path, progress=seen.append, should_stop=stop_after_two, chunk=300)
    assert not first.done and first.unindexed_upto == 2_000 - 600
    assert [round(p.fraction, 2) for p in seen] == [0.15, 0.3]
    final = run_backfill(path, chunk=300)
    assert final.done and final.fraction == 1.0
    with ChatStore(path) as store:
        assert len(_indexed_messages(store, "keeper")) == 2
        _assert_agrees(store)
        assert find(store._conn, "lighthouse3").complete_index is True
        assert store.integrity_check() == "ok"


def _indexed_messages(store: ChatStore, word: str) -> list[int]:
    rows = store._conn.execute(
        "SELECT rowid FROM message_search WHERE message_search MATCH ?", (word,)
    )
    return [row[0] for row in rows]


def test_backfill_leaves_notices_out(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    _v1_file(path, 30)
    ChatStore(path).close()
    run_backfill(path)
    with ChatStore(path) as store:
        indexed = set(_indexed_messages(store, "message"))
        assert indexed == {m.id for m in store.messages("c1") if m.role != "notice"}


def test_a_query_can_be_cancelled_from_another_thread(tmp_path: Path) -> None:
    path = tmp_path / "big.sqlite3"
    with ChatStore(path) as store:
        chat = store.create_conversation("big")
        store._conn.execute("BEGIN")
        store._conn.executemany(
            "INSERT INTO messages (conversation_id, role, content, created_at) VALUES (?,?,?,0)",
            [(chat.id, "user", f"row {i} " * 20) for i in range(3_000)],
        )
        store._conn.execute("COMMIT")
    reader = SearchReader(path)
    running = threading.Event()

    def crawl() -> bool:  # SQLite's progress handler: the first scan waits here until interrupted
        if running.is_set():
            return reader._cancel.is_set()
        running.set()
        return reader._cancel.wait(10)

    reader._db.set_progress_handler(crawl, 1000)
    outcome: list[object] = []

    def search() -> None:
        try:
            outcome.append(reader.search("qz"))  # short: a scan of the newest messages
        except SearchCancelled as cancelled:
            outcome.append(cancelled)

    worker = threading.Thread(target=search)
    worker.start()
    assert running.wait(10)  # the query is in the middle of its scan
    reader.interrupt()
    worker.join(10)
    assert isinstance(outcome[0], SearchCancelled)
    with pytest.raises(SearchCancelled):  # until allowed again, even a query not yet started
        reader.search("row 1")
    reader.allow()
    assert [h.conversation.title for h in reader.search("row 2999").hits] == ["big"]
    reader.close()


def test_reader_connection_cannot_write(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite3"
    ChatStore(path).close()
    reader = SearchReader(path)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader._db.execute("DELETE FROM conversations")
    reader.close()


@pytest.mark.parametrize("folder", ["Jo#1", "what?", "100% mine"])
def test_the_reader_and_its_read_ahead_open_a_folder_named_with_uri_characters(
    tmp_path: Path, folder: str
) -> None:
    path = tmp_path / folder / "conversations.sqlite3"
    path.parent.mkdir()
    with ChatStore(path) as store:
        chat = store.create_conversation("Notes")
        store.add_message(chat.id, "user", "the lighthouse keeper")
    reader = SearchReader(path)  # a plain file:{path} URI stops at '#' or '?'
    assert [hit.conversation.id for hit in reader.search("lighthouse").hits] == [chat.id]
    assert reader.warm() is True
    reader.close()


def test_a_reader_for_a_store_kept_in_memory_opens() -> None:
    SearchReader(MEMORY).close()  # the window makes one whatever the store (no file to read)


def test_raw_connection_without_functions_cannot_bypass_the_index(tmp_path: Path) -> None:
    path = tmp_path / "raw.sqlite3"
    with ChatStore(path) as store:
        chat = store.create_conversation("x")
    raw = sqlite3.connect(path)
    with pytest.raises(sqlite3.OperationalError, match="hearth_fold"):
        raw.execute(
            "INSERT INTO messages (conversation_id, role, content, created_at)"
            " VALUES (?, 'user', 'hi', 0)",
            (chat.id,),
        )
    raw.close()
    memory = sqlite3.connect(":memory:")
    add_functions(memory)  # importable and callable on any connection
    assert memory.execute("SELECT hearth_fold('Straße')").fetchone()[0]
    memory.close()


def _segments(store: ChatStore) -> int:
    row = store._conn.execute("SELECT count(DISTINCT segid) FROM message_search_idx")
    return int(row.fetchone()[0])


def test_backfill_ends_with_the_index_merged_into_one_segment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_backfill, "MERGE_PAGES", 1)  # many small steps
    path = tmp_path / "v1.sqlite3"
    _v1_file(path, 1_500)
    ChatStore(path).close()
    calls = 0

    def stop_while_merging() -> bool:  # indexing takes 30 calls; stop a few merge steps in
        nonlocal calls
        calls += 1
        return calls > 34

    assert run_backfill(path, chunk=50, should_stop=stop_while_merging).done
    with ChatStore(path) as store:
        assert _segments(store) > 1  # 30 transactions left many, partly merged
    run_backfill(path)  # the next start carries the merge on to the end
    with ChatStore(path) as store:
        assert _segments(store) == 1
        _assert_agrees(store)
        assert store.integrity_check() == "ok"
