"""A real full disk (a small tmpfs): nothing typed or received is lost, writes are retried."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.chat.events import TokensReceived
from app.session import ChatSession, ReplySaved, SaveFailed, SaveRecovered
from app.settings import Settings
from app.store import ChatStore, StoreWriteError
from tests.core.session_helpers import Clock, ManualRunner, finished


def _full(store: ChatStore, disk: Any) -> None:
    """Fold the WAL into the file, so the next write must grow it, then fill the disk."""
    store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert disk.fill() > 0


def test_a_message_that_cannot_be_stored_is_not_sent(small_disk: Any) -> None:
    disk = small_disk(size_kb=2048)
    store = ChatStore(disk.path / "conversations.sqlite3")
    runner = ManualRunner()
    session = ChatSession(store, runner, Settings())
    record = session.new_conversation()
    _full(store, disk)
    with pytest.raises(StoreWriteError) as raised:
        session.send("a long thought " * 200)
    problem = raised.value.problem
    assert problem.kind == "disk_full" and problem.folder == disk.path
    assert "is full" in str(raised.value) and str(disk.path) in str(raised.value)
    assert "Free at least" in str(raised.value)
    assert runner.calls == [] and not session.busy, "nothing went to the model"
    disk.free()
    session.send("a long thought " * 200)
    assert [m.role for m in store.messages(record.id)] == ["user"]
    store.close()


def test_a_reply_keeps_streaming_when_saving_fails_and_is_saved_once_there_is_room(
    small_disk: Any,
) -> None:
    disk = small_disk(size_kb=2048)
    store = ChatStore(disk.path / "conversations.sqlite3")
    runner, clock = ManualRunner(), Clock()
    session = ChatSession(store, runner, Settings(), clock=clock)
    record = session.new_conversation()
    stream = session.send("tell me")
    _full(store, disk)
    seen: list[Any] = []
    pieces = [f"word{n} " * 40 for n in range(5)]
    for _step, piece in enumerate(pieces):
        clock.now += 1.5
        stream.put(TokensReceived(piece, 1, 0.1))
        seen += session.pump()
    shown = "".join(e.text for e in seen if isinstance(e, TokensReceived))
    assert shown == "".join(pieces), "the reply kept streaming on screen"
    failures = [e for e in seen if isinstance(e, SaveFailed)]
    assert len(failures) == 1 and failures[0].streaming and "is full" in failures[0].advice
    stream.put(finished("stop", "".join(pieces)))
    end = session.pump()
    saved = next(e for e in end if isinstance(e, ReplySaved))
    assert not saved.saved and saved.message is not None
    assert saved.message.content == "".join(pieces)
    assert session.unsaved_replies == ["".join(pieces)]
    assert session.retry_saves() == [], "still full: still kept"
    with pytest.raises(RuntimeError, match="not saved yet"):
        session.send("a message after the unsaved reply would land before it")
    disk.free()
    assert session.retry_saves() == [SaveRecovered(record.id)]
    assert session.unsaved_replies == []
    stored = store.messages(record.id)
    assert [(m.role, m.content, m.complete) for m in stored] == [
        ("user", "tell me", True),
        ("assistant", "".join(pieces), True),
    ]
    store.close()


def test_closing_retries_a_reply_the_disk_refused(small_disk: Any, tmp_path: Path) -> None:
    disk = small_disk(size_kb=2048)
    path = disk.path / "conversations.sqlite3"
    store = ChatStore(path)
    session = ChatSession(store, ManualRunner(), Settings())
    record = session.new_conversation()
    stream = session.send("hi")
    _full(store, disk)
    stream.put(finished("stop", "kept until there is room " * 50))
    session.pump()
    assert len(session.unsaved_replies) == 1
    disk.free()
    session.close()
    assert store.messages(record.id)[-1].content == "kept until there is room " * 50
    store.close()
