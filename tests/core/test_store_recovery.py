"""A damaged conversation database: kept aside untouched, readable rows copied to a fresh one."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from app.store import ChatStore, SchemaTooNewError, open_store, separate_database_path
from app.store.connection import MEMORY


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _all_messages(store: ChatStore) -> dict[str, list[str]]:
    return {c.id: [m.content for m in store.messages(c.id)] for c in store.list_conversations()}


def test_a_sound_database_opens_as_it_is(tmp_path: Path, chat_files: Any) -> None:
    path = tmp_path / "conversations.sqlite3"
    written = chat_files.write_chats(path, 3, 4)
    opened = open_store(path)
    assert opened.recovery is None and opened.sentence() is None
    assert _all_messages(opened.store) == written
    opened.store.close()
    assert sorted(p.name for p in tmp_path.iterdir() if "damaged" in p.name) == []


def test_partly_damaged_database_keeps_the_original_and_recovers_the_rest(
    tmp_path: Path, chat_files: Any, record_property: Any
) -> None:
    path = tmp_path / "conversations.sqlite3"
    written = chat_files.write_chats(path, 12, 20)
    pages = path.stat().st_size // 4096
    damaged = [pages // 3, pages // 2, 2 * pages // 3]
    chat_files.damage_pages(path, damaged)
    before = _digest(path)
    opened = open_store(path)
    report = opened.recovery
    assert report is not None
    assert report.kept_as.parent == tmp_path and "damaged" in report.kept_as.name
    assert _digest(report.kept_as) == before, "the damaged original is kept byte for byte"
    recovered = _all_messages(opened.store)
    total = sum(len(v) for v in written.values())
    got = sum(len(v) for v in recovered.values())
    assert report.messages == got and total - 3 * 12 <= got < total  # at most ~3 pages lost
    for cid, texts in recovered.items():  # what came back is exactly what was written
        assert set(texts) <= set(written[cid]) and texts == sorted(texts, key=written[cid].index)
    assert f"{report.messages} messages were recovered" in (opened.sentence() or "")
    assert str(report.kept_as) in (opened.sentence() or "")
    assert opened.store.integrity_check() == "ok"
    record_property("messages_recovered", f"{got}/{total}")
    record_property("pages_damaged", f"{len(damaged)}/{pages}")
    opened.store.add_message(next(iter(recovered)), "user", "still works")
    opened.store.close()


def test_wholly_damaged_database_starts_empty_and_says_so(
    tmp_path: Path, chat_files: Any, record_property: Any
) -> None:
    path = tmp_path / "conversations.sqlite3"
    chat_files.write_chats(path, 3, 4)
    chat_files.damage_pages(path, range(path.stat().st_size // 4096))
    opened = open_store(path)
    assert opened.recovery is not None and opened.recovery.messages == 0
    assert "nothing in it could be read" in (opened.sentence() or "")
    assert opened.recovery.kept_as.stat().st_size > 0
    assert opened.store.list_conversations() == []
    record_property("messages_recovered", "0/12")
    opened.store.close()


def test_messages_whose_conversation_was_lost_land_in_a_recovered_chat(tmp_path: Path) -> None:
    path = tmp_path / "conversations.sqlite3"
    with ChatStore(path) as store:
        record = store.create_conversation("kept")
        store.add_message(record.id, "user", "orphan to be")
    db = sqlite3.connect(path)  # make the damage: a message whose conversation is gone
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("DELETE FROM conversations")
    db.commit()
    db.close()
    from app.store.recovery import recover

    report = recover(path, "test")
    with ChatStore(path) as store:
        chats = store.list_conversations()
        assert [c.title for c in chats] == ["Recovered messages"]
        assert [m.content for m in store.messages(chats[0].id)] == ["orphan to be"]
    assert report.messages == 1


def test_a_database_from_a_newer_hearth_is_left_alone_and_a_separate_one_can_start(
    tmp_path: Path,
) -> None:
    path = tmp_path / "conversations.sqlite3"
    ChatStore(path).close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    before = _digest(path)
    with pytest.raises(SchemaTooNewError):
        open_store(path)
    fresh = open_store(separate_database_path(path))
    assert fresh.recovery is None and fresh.store.path != path
    fresh.store.close()
    assert _digest(path) == before


def test_an_unwritable_folder_gives_a_store_in_memory(
    tmp_path: Path, read_only_folder: Any
) -> None:
    folder = read_only_folder(tmp_path / "data")
    opened = open_store(folder / "conversations.sqlite3")
    assert opened.store.path == MEMORY and opened.store.in_memory
    assert str(folder) in (opened.sentence() or "") and "not be saved" in (opened.sentence() or "")
    record = opened.store.create_conversation()
    opened.store.add_message(record.id, "user", "kept in memory")
    assert [m.content for m in opened.store.messages(record.id)] == ["kept in memory"]
    opened.store.close()


def test_a_data_folder_that_cannot_be_created_gives_a_store_in_memory(
    tmp_path: Path, read_only_folder: Any
) -> None:
    parent = read_only_folder(tmp_path / "locked")
    missing = parent / "data"
    opened = open_store(missing / "conversations.sqlite3")
    assert opened.store.in_memory and not missing.exists()
    assert str(missing) in (opened.sentence() or "")
    opened.store.close()
