"""An import is staged in a file of its own, then merged in one short transaction: a stop
at any point before the merge commits leaves the store exactly as it was, the app's own
writes go through while the file is read, and the imported messages are searchable once it
returns (real SQLite files)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from app.store import ChatStore
from app.store.search import find
from app.store.search_pending import pending_messages
from app.transfer import ImportCancelled, import_file
from app.transfer.staging import PREFIX
from bench.transfer_import import conversation

CONVERSATIONS = 12  # of 50 messages each: 600 messages, branches included


def _export(path: Path, first: int = 0, count: int = CONVERSATIONS) -> Path:
    path.write_text(json.dumps([conversation(n) for n in range(first, first + count)]))
    return path


def _dump(path: Path) -> list[object]:
    """Everything a user could see, and the search index's entries."""
    db = sqlite3.connect(path)
    try:
        return [
            db.execute("SELECT * FROM conversations ORDER BY id").fetchall(),
            db.execute("SELECT * FROM messages ORDER BY id").fetchall(),
            db.execute("SELECT count(*) FROM message_search_idx").fetchall(),
            db.execute("SELECT * FROM search_pending").fetchall(),
            db.execute("SELECT * FROM sqlite_sequence").fetchall(),
        ]
    finally:
        db.close()


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "chats.sqlite3"
    with ChatStore(path) as store:
        chat = store.create_conversation("Already here")
        store.add_message(chat.id, "user", "a lighthouse keeper")
    return path


@pytest.mark.parametrize("stop_at", ["reading", "merging"])
def test_a_stop_leaves_the_store_as_it_was(store_path: Path, tmp_path: Path, stop_at: str) -> None:
    source = _export(tmp_path / "conversations.json")
    before = _dump(store_path)
    read: list[int] = []  # one call per conversation read
    # "reading": half-way through the file; "merging": everything is staged, so the stop
    # is seen by the merge (its progress handler, or its check before the commit)
    stop_after = CONVERSATIONS // 2 if stop_at == "reading" else CONVERSATIONS
    should_stop: Callable[[], bool] = lambda: len(read) >= stop_after  # noqa: E731
    with ChatStore(store_path) as store, pytest.raises(ImportCancelled) as caught:
        import_file(
            store, source, progress=lambda done, _all: read.append(done), should_stop=should_stop
        )
    assert str(caught.value) == "Import cancelled: nothing was imported."
    assert _dump(store_path) == before
    assert not list(store_path.parent.glob(f"{PREFIX}*")), "the staging file is gone"
    with ChatStore(store_path) as store:  # and the next import brings everything in
        report = import_file(store, source)
    assert (report.conversations, report.messages) == (CONVERSATIONS, CONVERSATIONS * 50)


def test_the_apps_writes_go_through_while_the_file_is_read(
    store_path: Path, tmp_path: Path
) -> None:
    source = _export(tmp_path / "conversations.json")
    other = ChatStore(store_path)  # the window's connection, saving a reply meanwhile
    other._conn.execute("PRAGMA busy_timeout = 200")  # a held write lock fails fast
    chat = other.create_conversation("Chatting during the import")
    saved: list[int] = []

    def save_a_reply(_done: int, _all: int) -> None:
        if len(saved) < 3:
            saved.append(other.add_message(chat.id, "assistant", f"reply {len(saved)}").id)

    with ChatStore(store_path) as store:
        report = import_file(store, source, progress=save_a_reply)
    try:
        assert len(saved) == 3 and report.conversations == CONVERSATIONS
        assert [m.content for m in other.messages(chat.id)] == ["reply 0", "reply 1", "reply 2"]
        assert other.count_conversations() == CONVERSATIONS + 2
        ids = [m.id for c in other.list_conversations() for m in other.all_messages(c.id)]
        assert len(ids) == len(set(ids)) == CONVERSATIONS * 50 + 4
    finally:
        other.close()


def test_imported_messages_are_searchable_when_it_returns(store_path: Path, tmp_path: Path) -> None:
    source = _export(tmp_path / "conversations.json")
    indexed: list[tuple[int, int]] = []
    with ChatStore(store_path) as store:
        import_file(store, source, indexing=lambda done, total: indexed.append((done, total)))
        result = find(store._conn, "c7-m21: lorem")
        assert [hit.conversation.title for hit in result.hits] == ["Chat 7"]
        assert result.complete_index and pending_messages(store._conn) == 0
        assert find(store._conn, "lighthouse").hits, "what was there stays found"
    assert indexed[-1][0] == indexed[-1][1] >= CONVERSATIONS * 50


def test_a_conversation_another_import_brought_in_meanwhile_is_skipped(
    store_path: Path, tmp_path: Path
) -> None:
    source = _export(tmp_path / "conversations.json")
    overlap = _export(tmp_path / "overlap.json", first=CONVERSATIONS - 2, count=4)
    read: list[int] = []

    def import_the_other_file(done: int, _all: int) -> None:
        read.append(done)
        if len(read) == CONVERSATIONS:  # all staged: a second import (`hearth --import`)
            with ChatStore(store_path) as other:  # brings two of them in before the merge
                import_file(other, overlap)

    with ChatStore(store_path) as store:
        report = import_file(store, source, progress=import_the_other_file)
        titles = sorted(c.title for c in store.list_conversations())
    assert report.conversations == CONVERSATIONS - 2
    assert report.skipped == ["2 conversations already imported"]
    assert len(titles) == len(set(titles)) == CONVERSATIONS + 2 + 1
